"""Sales and purchases: parties, catalogue, quotes, invoices, credit notes, payments, VAT."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Connection

from ecp.api.archive import _archived, _issuing
from ecp.api.session import Books, _read, _write
from ecp.kernel.errors import InputError
from ecp.kernel.units import parse_quantity
from ecp.production import service as production
from ecp.sales import documents as sales_docs
from ecp.sales import parties as sales_parties
from ecp.sales import payments as sales_payments
from ecp.sales import receivables as sales_receivables
from ecp.sales import vat_report as sales_vat_report
from ecp.sales.views import DocumentView, PartyView


def add_customer(books: Books, code: str, name: str, **kw: object) -> PartyView:
    with _write(books) as conn:
        return sales_parties.add_party(conn, "customer", code, name, **kw)  # type: ignore[arg-type]


def add_supplier(books: Books, code: str, name: str, **kw: object) -> PartyView:
    with _write(books) as conn:
        return sales_parties.add_party(conn, "supplier", code, name, **kw)  # type: ignore[arg-type]


def edit_party(books: Books, kind: str, code: str, **kw: object) -> PartyView:
    with _write(books) as conn:
        return sales_parties.edit_party(conn, kind, code, **kw)  # type: ignore[arg-type]


def list_parties(books: Books, kind: str) -> list[PartyView]:
    with _read(books) as conn:
        return sales_parties.list_parties(conn, kind)


def add_product(books: Books, code: str, member: str, name: str, unit: str, price: str,
                vat: str, account: str | None = None) -> sales_parties.ProductView:
    from ecp.kernel.money import parse
    from ecp.kernel.units import parse_rate
    cents = parse(price, f"produit {code.strip().upper()}, prix HT")
    bp = parse_rate(vat, f"produit {code.strip().upper()}")
    with _write(books) as conn:
        return sales_parties.add_product(conn, code, member, name, unit, cents, bp, account)


def list_products(books: Books, member: str | None = None) -> list[sales_parties.ProductView]:
    with _read(books) as conn:
        return sales_parties.list_products(conn, member)


def _doc_lines(conn: Connection, member: str, lines: Sequence[str],
               products: Sequence[str]) -> list[sales_docs.LineInput]:
    out = [sales_docs.parse_line(t, f"ligne {i}") for i, t in enumerate(lines, 1)]
    m = sales_parties.member_exists(conn, member)
    out += [sales_docs.product_line(conn, p, f"produit {i}", m)
            for i, p in enumerate(products, 1)]
    return out


def create_document(books: Books, kind: str, member: str, customer: str, day: dt.date,
                    lines: Sequence[str] = (), products: Sequence[str] = (),
                    due: dt.date | None = None, user: str | None = None) -> int:
    """A draft invoice (kind ``facture``) or quote (``devis``); returns the draft id."""
    with _write(books) as conn:
        parsed = _doc_lines(conn, member, lines, products)
        return sales_docs.create_draft(conn, kind, member, customer, day, parsed,
                                       books.who(user), due)


def create_and_issue(books: Books, kind: str, member: str, customer: str, day: dt.date,
                     lines: Sequence[str] = (), products: Sequence[str] = (),
                     due: dt.date | None = None, user: str | None = None) -> sales_docs.Issued:
    """Create and issue at once, all or nothing: a refusal leaves no draft behind."""
    who = books.who(user)
    with _issuing(books) as (conn, archive):
        parsed = _doc_lines(conn, member, lines, products)
        draft_id = sales_docs.create_draft(conn, kind, member, customer, day, parsed, who, due)
        return _with_stock(conn, sales_docs.issue(conn, draft_id, who, None, archive), who)


def _with_stock(conn: Connection, issued: sales_docs.Issued, user: str) -> sales_docs.Issued:
    """Invoiced catalogue products leave the member's stock (a warning when short)."""
    import dataclasses
    warnings = production.take_out_sold(conn, issued.id, user)
    return dataclasses.replace(issued, warnings=tuple(warnings)) if warnings else issued


def save_draft(books: Books, draft_id: int, customer: str, day: dt.date,
               lines: Sequence[sales_docs.LineInput], due: dt.date | None = None) -> None:
    with _write(books) as conn:
        sales_docs.replace_draft(conn, draft_id, customer, day, lines, due)


def delete_draft(books: Books, draft_id: int) -> None:
    with _write(books) as conn:
        sales_docs.delete_draft(conn, draft_id)


def list_drafts(books: Books, kind: str | None = None) -> list[sales_docs.DraftView]:
    with _read(books) as conn:
        return sales_docs.list_drafts(conn, kind)


def draft(books: Books, draft_id: int) -> sales_docs.DraftView:
    with _read(books) as conn:
        return sales_docs.draft_view(conn, draft_id)


def issue_document(books: Books, draft_id: int, day: dt.date | None = None,
                   user: str | None = None) -> sales_docs.Issued:
    with _issuing(books) as (conn, archive):
        who = books.who(user)
        return _with_stock(conn, sales_docs.issue(conn, draft_id, who, day, archive), who)


def accept_quote(books: Books, number: str, day: dt.date | None = None,
                 user: str | None = None) -> None:
    with _write(books) as conn:
        sales_docs.accept_quote(conn, number, day or books.today(), books.who(user))


def invoice_quote(books: Books, number: str, day: dt.date | None = None,
                  user: str | None = None) -> sales_docs.Issued:
    with _issuing(books) as (conn, archive):
        who = books.who(user)
        return _with_stock(conn, sales_docs.invoice_quote(conn, number, day or books.today(),
                                                          who, archive), who)


def credit_note(books: Books, invoice: str, lines: Sequence[str] = (),
                day: dt.date | None = None, user: str | None = None) -> sales_docs.Issued:
    with _issuing(books) as (conn, archive):
        parsed = [sales_docs.parse_line(t, f"ligne {i}") for i, t in enumerate(lines, 1)]
        return sales_docs.credit_note(conn, invoice, books.who(user),
                                      day or books.today(), parsed or None, archive)


def list_documents(books: Books, kind: str = "facture", **kw: object
                   ) -> list[sales_docs.DocumentRow]:
    with _read(books) as conn:
        return sales_docs.list_documents(conn, kind, **kw)  # type: ignore[arg-type]


def document_view(books: Books, number: str) -> DocumentView:
    with _read(books) as conn:
        return sales_docs.document_view(conn, number)


def document_pdf(books: Books, number: str, out: Path | None = None) -> Path:
    with _read(books) as conn:
        row = sales_docs.document_row(conn, number)
    return _archived(books, row, "PDF", out)


def add_payment(books: Books, invoices: Sequence[str], amount: str, day: dt.date,
                method: str, reference: str = "", user: str | None = None
                ) -> sales_payments.PaymentResult:
    from ecp.kernel.money import parse
    cents = parse(amount, "montant")
    with _write(books) as conn:
        return sales_payments.add_payment(conn, list(invoices), cents, day, method,
                                          books.who(user), reference)


def add_expense(books: Books, member: str, supplier: str, day: dt.date, account: str,
                amount_ht: str, vat: str, reference: str = "", paid_on: dt.date | None = None,
                method: str | None = None, user: str | None = None,
                material: str | None = None) -> int:
    """A supplier bill; with ``material`` (``CODE:QTY``) its line also brings that material
    into the member's stock, at the bill's HT per unit."""
    from ecp.kernel.money import parse
    from ecp.kernel.units import parse_rate
    cents = parse(amount_ht, "montant HT")
    bp = parse_rate(vat, "dépense")
    who = books.who(user)
    with _write(books) as conn:
        eid = sales_payments.add_expense(conn, member, supplier, day, account, cents, bp, who,
                                         reference)
        if material:
            code, sep, qty_text = material.partition(":")
            if not sep:
                raise InputError(f"--material : « {material} » attendu CODE:QTÉ")
            qty = parse_quantity(qty_text, "--material, quantité")
            mat = production.material(conn, code)
            if mat.member != member.strip().upper():
                raise InputError(f"--material : {mat.code} est au stock de {mat.member}")
            production.receive(conn, mat.code, qty, day, who,
                               cost=(cents * 1000 * 2 + qty) // (2 * qty))
        if paid_on is not None:
            sales_payments.pay_expense(conn, eid, paid_on, method or "virement", who)
        return eid


def pay_expense(books: Books, expense_id: int, day: dt.date, method: str,
                amount: str | None = None, user: str | None = None) -> str:
    from ecp.kernel.money import parse
    cents = parse(amount, "montant") if amount else None
    with _write(books) as conn:
        return sales_payments.pay_expense(conn, expense_id, day, method,
                                          books.who(user), cents)


def list_expenses(books: Books, member: str | None = None) -> list[sales_payments.ExpenseRow]:
    with _read(books) as conn:
        return sales_payments.list_expenses(conn, member)


def vat_report(books: Books, period: str) -> sales_vat_report.VatReport:
    """The VAT return of ``YYYY-MM`` or ``YYYY-Qn`` (half-open period, end exclusive)."""
    from ecp.kernel.periods import parse_month_or_quarter
    start, end, label = parse_month_or_quarter(period)
    with _read(books) as conn:
        return sales_vat_report.vat_report(conn, start, end, label)


def aged_receivables(books: Books, at: dt.date | None = None, member: str | None = None
                     ) -> list[sales_receivables.AgedRow]:
    """Open invoices at ``at`` (today by default) by member and customer, aged since issue."""
    with _read(books) as conn:
        return sales_receivables.aged_receivables(conn, at or books.today(), member)
