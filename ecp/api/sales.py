"""Sales and purchases: parties, catalogue, quotes, invoices, credit notes, payments, VAT."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from ecp.api.archive import _archived, _issuing
from ecp.api.session import Books, _read, _write
from ecp.api.trail import _audit
from ecp.kernel.errors import InputError
from ecp.kernel.periods import Period
from ecp.kernel.units import Rate
from ecp.production import service as production
from ecp.sales import delays as sales_delays
from ecp.sales import documents as sales_docs
from ecp.sales import parties as sales_parties
from ecp.sales import payments as sales_payments
from ecp.sales import receivables as sales_receivables
from ecp.sales import vat_report as sales_vat_report
from ecp.sales.documents import DocumentSpec, LineInput, LineSpecIn, ProductLine
from ecp.sales.parties import PartyKind
from ecp.sales.payments import MaterialIn
from ecp.sales.views import DocumentView, PartyView

__all__ = ["DocumentSpec", "LineInput", "MaterialIn", "ProductLine"]


def add_customer(books: Books, code: str, name: str, *, name_ar: str | None = None,
                 address: str = "", city: str = "", ice: str | None = None,
                 if_number: str | None = None, rc: str | None = None,
                 consumer: bool = False, language: str = "fr") -> PartyView:
    with _write(books) as conn:
        view = sales_parties.add_party(conn, "customer", code, name, name_ar=name_ar,
                                       address=address, city=city, ice=ice,
                                       if_number=if_number, rc=rc, consumer=consumer,
                                       language=language)
        _audit(conn, books, "tiers.ajout", f"client {code}", name)
        return view


def add_supplier(books: Books, code: str, name: str, *, name_ar: str | None = None,
                 address: str = "", city: str = "", ice: str | None = None,
                 if_number: str | None = None, rc: str | None = None,
                 foreign: bool = False) -> PartyView:
    """A supplier: IF and ICE required unless ``foreign`` (then neither; see
    sales.parties.FOREIGN_SUPPLIER_ID)."""
    with _write(books) as conn:
        view = sales_parties.add_party(conn, "supplier", code, name, name_ar=name_ar,
                                       address=address, city=city, ice=ice,
                                       if_number=if_number, rc=rc, foreign=foreign)
        _audit(conn, books, "tiers.ajout", f"fournisseur {code}", name)
        return view


def edit_party(books: Books, kind: PartyKind, code: str, *, name: str | None = None,
               name_ar: str | None = None, address: str | None = None,
               city: str | None = None, ice: str | None = None, if_number: str | None = None,
               rc: str | None = None, consumer: bool | None = None,
               language: str | None = None) -> PartyView:
    """Change the details given (``None`` leaves a detail as it is)."""
    with _write(books) as conn:
        view = sales_parties.edit_party(conn, kind, code, name=name, name_ar=name_ar,
                                        address=address, city=city, ice=ice,
                                        if_number=if_number, rc=rc, consumer=consumer,
                                        language=language)
        changed = {"nom": name, "nom arabe": name_ar, "adresse": address, "ville": city,
                   "ICE": ice, "IF": if_number, "RC": rc, "particulier": consumer,
                   "langue": language}
        _audit(conn, books, "tiers.modif",
               f"{'client' if kind == 'customer' else 'fournisseur'} {code}",
               "; ".join(f"{k} = {v}" for k, v in changed.items() if v is not None))
        return view


def list_parties(books: Books, kind: PartyKind) -> list[PartyView]:
    with _read(books) as conn:
        return sales_parties.list_parties(conn, kind)


def add_product(books: Books, code: str, member: str, name: str, unit: str, price: int,
                vat: Rate, account: str | None = None) -> sales_parties.ProductView:
    """A product or service in a member's catalogue: ``price`` HT in centimes, ``vat`` in basis
    points."""
    with _write(books) as conn:
        view = sales_parties.add_product(conn, code, member, name, unit, price, vat, account)
        _audit(conn, books, "produit", code, f"{member} : {name}, {price} centimes HT")
        return view


def list_products(books: Books, member: str | None = None) -> list[sales_parties.ProductView]:
    with _read(books) as conn:
        return sales_parties.list_products(conn, member)


def create_document(books: Books, kind: str, member: str, customer: str, day: dt.date,
                    lines: Sequence[LineSpecIn] = (), due: dt.date | None = None,
                    user: str | None = None, terms: sales_docs.Terms | None = None) -> int:
    """A draft invoice (kind ``facture``) or quote (``devis``); returns the draft id. Lines are
    typed (``LineInput``, or ``ProductLine`` from the member's catalogue), kept in order;
    ``terms``: an invoice's operation date, the customer's order reference, agreed terms."""
    with _write(books) as conn:
        return sales_docs.create_draft(conn, kind, member, customer, day, lines,
                                       books.who(user), due, terms=terms)


def create_and_issue(books: Books, kind: str, member: str, customer: str, day: dt.date,
                     lines: Sequence[LineSpecIn] = (), due: dt.date | None = None,
                     user: str | None = None, terms: sales_docs.Terms | None = None
                     ) -> sales_docs.Issued:
    """Create and issue at once, all or nothing: a refusal leaves no draft behind."""
    t = terms or sales_docs.Terms()
    return issue_new(books, DocumentSpec(kind, member, customer, day, tuple(lines), due,
                                         t.operation, t.order_ref, t.agreed_terms), user)


def save_document(books: Books, spec: DocumentSpec, draft_id: int | None = None,
                  user: str | None = None) -> int:
    """Save a whole document as a draft in one unit of work: a new draft, or the draft
    ``draft_id`` replaced by ``spec`` (its member stays). Returns the draft id."""
    with _write(books) as conn:
        if draft_id is None:
            return sales_docs.create_draft(conn, spec.kind, spec.member, spec.customer,
                                           spec.day, spec.lines, books.who(user), spec.due,
                                           terms=spec.terms)
        sales_docs.replace_draft(conn, draft_id, spec.customer, spec.day, spec.lines, spec.due,
                                 spec.terms)
        return draft_id


def issue_new(books: Books, spec: DocumentSpec, user: str | None = None) -> sales_docs.Issued:
    """Create and issue a document in one unit of work: a refusal leaves no draft, no number
    and no entry behind."""
    who = books.who(user)
    with _issuing(books) as (conn, archive):
        draft_id = sales_docs.create_draft(conn, spec.kind, spec.member, spec.customer,
                                           spec.day, spec.lines, who, spec.due,
                                           terms=spec.terms)
        issued = _with_stock(conn, sales_docs.issue(conn, draft_id, who, None, archive,
                                                              books.today()), who)
        return _issued_event(conn, books, issued, "document", user)


def _issued_event(conn: Connection, books: Books, issued: sales_docs.Issued, action: str,
                  user: str | None, detail: str = "") -> sales_docs.Issued:
    """The audit trail's event of an issued document (last in its unit of work)."""
    _audit(conn, books, action, issued.number,
           detail or (f"écriture {issued.entry}" if issued.entry
                      else sales_docs.quote_seal_detail(issued.pdf_sha256)), user)
    return issued


def _with_stock(conn: Connection, issued: sales_docs.Issued, user: str) -> sales_docs.Issued:
    """Invoiced catalogue products leave the member's stock (a warning when short)."""
    import dataclasses
    warnings = production.take_out_sold(conn, issued.id, user)
    return dataclasses.replace(issued, warnings=tuple(warnings)) if warnings else issued


def save_draft(books: Books, draft_id: int, customer: str, day: dt.date,
               lines: Sequence[LineSpecIn], due: dt.date | None = None,
               terms: sales_docs.Terms | None = None) -> None:
    """Replace a draft's customer, dates and lines; ``terms`` None keeps the draft's own."""
    with _write(books) as conn:
        sales_docs.replace_draft(conn, draft_id, customer, day, lines, due, terms)


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
                   user: str | None = None, spec: DocumentSpec | None = None
                   ) -> sales_docs.Issued:
    """Issue a draft; with ``spec``, the draft is first replaced by it, in the same unit of
    work: a refused issue leaves the draft as it was."""
    with _issuing(books) as (conn, archive):
        who = books.who(user)
        if spec is not None:
            sales_docs.replace_draft(conn, draft_id, spec.customer, spec.day, spec.lines,
                                     spec.due, spec.terms)
        issued = _with_stock(conn, sales_docs.issue(conn, draft_id, who, day, archive,
                                                              books.today()), who)
        return _issued_event(conn, books, issued, "document", user)


def accept_quote(books: Books, number: str, day: dt.date | None = None,
                 user: str | None = None) -> None:
    with _write(books) as conn:
        sales_docs.accept_quote(conn, number, day or books.today(), books.who(user))
        _audit(conn, books, "devis.accepte", number, "", user)


def invoice_quote(books: Books, number: str, day: dt.date | None = None,
                  user: str | None = None) -> sales_docs.Issued:
    with _issuing(books) as (conn, archive):
        who = books.who(user)
        issued = _with_stock(conn, sales_docs.invoice_quote(conn, number, day or books.today(),
                                                            who, archive), who)
        return _issued_event(conn, books, issued, "document", user,
                             f"facture du devis {number}, écriture {issued.entry}")


def credit_note(books: Books, invoice: str, lines: Sequence[LineInput] = (),
                day: dt.date | None = None, user: str | None = None) -> sales_docs.Issued:
    """An avoir on an issued invoice: whole (no lines) or the lines given, at its rates."""
    with _issuing(books) as (conn, archive):
        issued = sales_docs.credit_note(conn, invoice, books.who(user),
                                        day or books.today(), list(lines) or None, archive,
                                        books.today())
        return _issued_event(conn, books, issued, "avoir", user,
                             f"avoir sur {invoice}, écriture {issued.entry}")


def list_documents(books: Books, kind: str = "facture", *, member: str | None = None,
                   customer: str | None = None, status: str | None = None,
                   today: dt.date | None = None) -> list[sales_docs.DocumentRow]:
    """Issued documents of ``kind``; late ones are late as of ``today`` (the books' date)."""
    with _read(books) as conn:
        return sales_docs.list_documents(conn, kind, member, customer, status,
                                         today=today or books.today())


def document_view(books: Books, number: str) -> DocumentView:
    with _read(books) as conn:
        return sales_docs.document_view(conn, number)


def document_pdf(books: Books, number: str, out: Path | None = None) -> Path:
    with _read(books) as conn:
        row = sales_docs.document_row(conn, number)
    return _archived(books, row, "PDF", out)


def add_payment(books: Books, invoices: Sequence[str], amount: int, day: dt.date,
                method: str, reference: str = "", user: str | None = None
                ) -> sales_payments.PaymentResult:
    """A customer's payment of ``amount`` centimes, settling ``invoices`` in the order given."""
    with _write(books) as conn:
        paid = sales_payments.add_payment(conn, list(invoices), amount, day, method,
                                          books.who(user), reference)
        _audit(conn, books, "paiement", paid.entry,
               f"{amount} centimes le {day.isoformat()} ({method}) sur "
               + ", ".join(a[0] for a in paid.allocations), user)
        return paid


def add_expense(books: Books, member: str, supplier: str, day: dt.date, account: str,
                amount_ht: int, vat: Rate, reference: str = "", paid_on: dt.date | None = None,
                method: str | None = None, user: str | None = None,
                material: MaterialIn | None = None, due: dt.date | None = None,
                warnings: list[str] | None = None) -> int:
    """A supplier bill (``amount_ht`` in centimes, ``vat`` in basis points); with
    ``material`` its line also brings that material into the member's stock, at the bill's HT
    per unit. ``due`` (default: the legal term after ``day``) is checked against loi 69-21's
    dated limits and kept as the due date of the supplier's line (44111). Paid at once in cash
    beyond the limits (CGI art. 11 and 106), the warning is appended to ``warnings``."""
    who = books.who(user)
    due_on = sales_delays.supplier_due(day, due)
    with _write(books) as conn:
        eid = sales_payments.add_expense(conn, member, supplier, day, account, amount_ht, vat,
                                         who, reference, due=due_on)
        if material is not None:
            mat = _material(conn, material.code)
            if mat.member != member.strip().upper():
                raise InputError(f"matière : {mat.code} est au stock de {mat.member}",
                                 field="material", code="material.member")
            qty = material.quantity
            if qty <= 0:
                raise InputError("matière, quantité : doit être positive", field="material",
                                 code="quantity.zero")
            production.receive(conn, mat.code, qty, day, who,
                               cost=(amount_ht * 1000 * 2 + qty) // (2 * qty))
        if paid_on is not None:
            paid = sales_payments.settle_expense(conn, eid, paid_on, method or "virement", who)
            if warnings is not None:
                warnings.extend(paid.warnings)
        _audit(conn, books, "depense", f"dépense {eid}",
               f"{member} / {supplier}, {amount_ht} centimes HT, compte {account}, "
               f"le {day.isoformat()}" + (f", réglée le {paid_on.isoformat()}"
                                          if paid_on is not None else ""), user)
        return eid


def _material(conn: Connection, code: str) -> Any:
    try:
        return production.material(conn, code)
    except InputError as exc:
        raise type(exc)(exc.message, field="material", code="material.unknown") from None


def pay_expense(books: Books, expense_id: int, day: dt.date, method: str,
                amount: int | None = None, user: str | None = None) -> str:
    """Pay a supplier bill: ``amount`` centimes, or what remains when None."""
    return settle_expense(books, expense_id, day, method, amount, user).entry


def settle_expense(books: Books, expense_id: int, day: dt.date, method: str,
                   amount: int | None = None,
                   user: str | None = None) -> sales_payments.ExpensePaid:
    """Pay a supplier bill; the result carries the VAT deducted or charged (cash limits, CGI
    art. 11 and 106) and the warnings to show."""
    with _write(books) as conn:
        paid = sales_payments.settle_expense(conn, expense_id, day, method,
                                             books.who(user), amount)
        _audit(conn, books, "depense.reglee", f"dépense {expense_id}",
               f"écriture {paid.entry} le {day.isoformat()} ({method})", user)
        return paid


def list_expenses(books: Books, member: str | None = None) -> list[sales_payments.ExpenseRow]:
    with _read(books) as conn:
        return sales_payments.list_expenses(conn, member)


def vat_report(books: Books, period: Period) -> sales_vat_report.VatReport:
    """The VAT return of a month or a quarter (half-open period, end exclusive)."""
    with _read(books) as conn:
        return sales_vat_report.vat_report(conn, period.start, period.end, period.label)


def aged_receivables(books: Books, at: dt.date | None = None, member: str | None = None
                     ) -> list[sales_receivables.AgedRow]:
    """Open invoices at ``at`` (today by default) by member and customer, aged since issue."""
    with _read(books) as conn:
        return sales_receivables.aged_receivables(conn, at or books.today(), member)
