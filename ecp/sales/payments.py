"""Customer payments against invoices, and members' expenses and their payment.

Régime de l'encaissement (default): a payment moves the paid share of each invoice's VAT from
pending (44551) to due (4455), per rate; paying an expense makes its VAT deductible
(34554 -> 34552). Each posting is on the member's dimension; a payment of invoices of two
members posts on both, each balanced.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select

from ecp.db.models import Account, Document, Expense, ExpensePayment, Party, Payment
from ecp.kernel.errors import InputError, NotFoundError
from ecp.kernel.money import check_amount, fmt_fr
from ecp.kernel.periods import check_date
from ecp.kernel.text import REFERENCE, check_text
from ecp.kernel.units import Quantity, fmt_rate
from ecp.ledger.entry import JournalEntry, LineSpec, day_int, int_day
from ecp.ledger.posting import now_iso, post
from ecp.sales import company as company_mod
from ecp.sales.documents import (
    RECEIVABLE,
    VAT_DUE,
    VAT_PENDING,
    record_allocation,
    settlement,
    valid_rates,
    vat_share,
)
from ecp.sales.parties import member_exists, party_by_id, party_row
from ecp.sales.rules import CASH_LIMIT, METHODS, vat_of

SUPPLIERS = "44111"  # Fournisseurs
VAT_RECOVERABLE_PENDING = "34554"
VAT_RECOVERABLE = "34552"
# Where the money lands, by method. An effet (bill of exchange) is a receivable until it is
# cashed; its VAT is treated as cashed on receipt.
CASH_ACCOUNT = {"virement": "5141", "cheque": "5141", "especes": "5161", "effet": "3425"}
JOURNAL = {"virement": "BQ", "cheque": "BQ", "especes": "CA", "effet": "BQ"}


def _method(method: str) -> str:
    m = method.strip().lower().replace("è", "e").replace("é", "e")
    if m not in METHODS:
        raise InputError(f"mode de paiement : « {method} » (virement, cheque, especes, effet)",
                         field="method")
    return m


@dataclass(frozen=True)
class MaterialIn:
    """A supplier bill's line that brings a material into the member's stock: its code and the
    quantity bought (thousandths)."""

    code: str
    quantity: Quantity


@dataclass(frozen=True)
class PaymentResult:
    id: int
    entry: str
    allocations: tuple[tuple[str, int, int], ...]  # (invoice, amount, VAT moved)


def add_payment(conn: Connection, invoices: list[str], amount: int, on: dt.date, method: str,
                user: str, reference: str = "") -> PaymentResult:
    """Settle invoices in the order given, each up to what it still owes."""
    m = _method(method)
    if amount <= 0:
        raise InputError("montant : doit être positif", field="amount", code="amount.positive")
    check_amount(amount, field="amount")
    check_date(on, field="day")
    check_text(reference, "référence", REFERENCE, field="reference")
    if not invoices:
        raise InputError("factures : au moins une facture", field="invoices",
                         code="invoices.empty")
    docs: list[Any] = []
    for num in invoices:
        r = conn.execute(select(Document.__table__).where(
            Document.number == num.strip().upper(), Document.kind == "facture")).first()
        if r is None:
            raise NotFoundError(f"facture « {num} » introuvable", field="invoices")
        if any(d.id == r.id for d in docs):
            raise InputError(f"facture {r.number} : citée deux fois", field="invoices")
        docs.append(r)
    customers = {d.customer_id for d in docs}
    if len(customers) > 1:
        raise InputError("factures : les factures d'un même règlement doivent être du même "
                         "client", field="invoices", code="invoices.customers")
    customer = party_by_id(conn, docs[0].customer_id)
    day = day_int(on)
    for d in docs:
        if d.day > day:
            raise InputError(f"date : le règlement précède la facture {d.number} "
                             f"({int_day(d.day).isoformat()})", field="day")
    if m == "especes" and not customer.consumer and amount >= CASH_LIMIT:
        raise InputError(
            f"mode de paiement : un règlement en espèces de {fmt_fr(amount)} DH d'un client "
            f"professionnel ({customer.code}) est refusé à partir de {fmt_fr(CASH_LIMIT)} DH "
            "(CGI art. 193) : virement, chèque ou effet", field="method", code="cash.limit")
    owed = {d.id: settlement(conn, d.id).remaining for d in docs}
    total_owed = sum(owed.values())
    if amount > total_owed:
        raise InputError(f"montant : {fmt_fr(amount)} DH dépasse le reste dû de "
                         f"{fmt_fr(total_owed)} DH sur {', '.join(d.number for d in docs)}",
                         field="amount", code="amount.too_much")
    left = amount
    plan = []
    for d in docs:
        take = min(left, owed[d.id])
        if take <= 0:
            continue
        # the regime of the invoice's fiscal year decides whether its VAT is still pending
        shares = vat_share(conn, d.id, take) if company_mod.vat_on_payment(conn, d.day) else []
        plan.append((d, take, shares))
        left -= take
    cash = CASH_ACCOUNT[m]
    specs: list[LineSpec] = []
    for d, take, shares in plan:
        specs.append(LineSpec(cash, d.member, take))
        specs.append(LineSpec(RECEIVABLE, d.member, -take, customer.code))
        vat = sum(v for _bp, _b, v in shares)
        if vat:
            specs.append(LineSpec(VAT_PENDING, d.member, vat))
            specs.append(LineSpec(VAT_DUE, d.member, -vat))
    label = f"Règlement {', '.join(d.number for d, _t, _s in plan)} {customer.name}"
    posted = post(conn, JournalEntry(JOURNAL[m], on, label[:300], tuple(specs),
                                     reference=(reference or plan[0][0].number)[:100]), user)
    res = conn.execute(insert(Payment).values(
        customer_id=docs[0].customer_id, day=day, method=m, amount=amount,
        reference=reference, entry_id=posted.id, at=now_iso(), by=user))
    pay_id = int(res.inserted_primary_key[0])  # type: ignore[index]
    out = []
    for d, take, shares in plan:
        record_allocation(conn, d.id, take, day, shares, payment_id=pay_id)
        out.append((d.number, take, sum(v for _bp, _b, v in shares)))
    return PaymentResult(pay_id, posted.ref, tuple(out))


# --- expenses --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExpenseRow:
    id: int
    member: str
    supplier: str
    supplier_name: str
    day: dt.date
    account: str
    amount_ht: int
    vat_bp: int
    vat: int
    ttc: int
    paid: int
    reference: str

    @property
    def remaining(self) -> int:
        return self.ttc - self.paid

    @property
    def rate(self) -> str:
        return fmt_rate(self.vat_bp)


def add_expense(conn: Connection, member: str, supplier: str, on: dt.date, account: str,
                amount_ht: int, vat_bp: int, user: str, reference: str = "") -> int:
    """A supplier bill: charge HT (6xxx) and recoverable VAT (34554) against the supplier."""
    mem = member_exists(conn, member)
    sup = party_row(conn, "supplier", supplier)
    acc = account.strip()
    if not acc.startswith("6") or conn.scalar(select(Account.code).where(Account.code == acc)) \
            is None:
        raise InputError(f"compte : « {account} » n'est pas un compte de charges (6xxx) du plan",
                         field="account")
    if amount_ht <= 0:
        raise InputError("montant HT : doit être positif", field="amount_ht",
                         code="amount_ht.positive")
    check_amount(amount_ht, "montant HT", field="amount_ht")
    check_date(on, field="day")
    check_text(reference, "référence", REFERENCE, field="reference")

    rates = valid_rates(conn, day_int(on))
    if vat_bp not in rates:
        shown = ", ".join(fmt_rate(r) for r in sorted(rates, reverse=True))
        raise InputError(f"taux de TVA : {fmt_rate(vat_bp)} n'est pas applicable au "
                         f"{on.isoformat()} (taux valides : {shown})", field="vat",
                         code="vat.not_valid")
    vat = vat_of(amount_ht, vat_bp)
    specs = [LineSpec(acc, mem, amount_ht)]
    if vat:
        specs.append(LineSpec(VAT_RECOVERABLE_PENDING, mem, vat))
    specs.append(LineSpec(SUPPLIERS, mem, -(amount_ht + vat), sup.code))
    label = f"Facture fournisseur {sup.name}" + (f" {reference}" if reference else "")
    posted = post(conn, JournalEntry("AC", on, label[:300], tuple(specs),
                                     reference=reference[:100]), user)
    res = conn.execute(insert(Expense).values(
        member=mem, supplier_id=sup.id, day=day_int(on), account=acc, amount_ht=amount_ht,
        vat_bp=vat_bp, vat=vat, reference=reference, entry_id=posted.id, at=now_iso(),
        by=user))
    return int(res.inserted_primary_key[0])  # type: ignore[index]


def pay_expense(conn: Connection, expense_id: int, on: dt.date, method: str, user: str,
                amount: int | None = None) -> str:
    """Pay a supplier bill (whole by default); its paid share of VAT becomes deductible."""
    m = _method(method)
    check_date(on, field="day")
    e = expense(conn, expense_id)
    pay = e.remaining if amount is None else amount
    if pay <= 0 or pay > e.remaining:
        raise InputError(f"montant : {fmt_fr(pay)} DH, reste à payer {fmt_fr(e.remaining)} DH",
                         field="amount")
    if day_int(on) < day_int(e.day):
        raise InputError("date : le paiement précède la facture fournisseur", field="day")
    vat_paid_before = conn.scalar(select(func.coalesce(func.sum(ExpensePayment.vat), 0)).where(
        ExpensePayment.expense_id == e.id)) or 0
    vat = e.vat - vat_paid_before if pay == e.remaining else e.vat * pay // e.ttc
    cash = {"effet": "5141"}.get(m, CASH_ACCOUNT[m])
    specs = [LineSpec(SUPPLIERS, e.member, pay, e.supplier), LineSpec(cash, e.member, -pay)]
    if vat:
        specs += [LineSpec(VAT_RECOVERABLE, e.member, vat),
                  LineSpec(VAT_RECOVERABLE_PENDING, e.member, -vat)]
    posted = post(conn, JournalEntry(JOURNAL[m], on,
                                     f"Paiement {e.supplier_name} {e.reference}".strip()[:300],
                                     tuple(specs), reference=e.reference[:100]), user)
    conn.execute(insert(ExpensePayment).values(
        expense_id=e.id, day=day_int(on), method=m, amount=pay, vat=vat, entry_id=posted.id,
        at=now_iso(), by=user))
    return posted.ref


def expense(conn: Connection, expense_id: int) -> ExpenseRow:
    rows = list_expenses(conn, expense_id=expense_id)
    if not rows:
        raise NotFoundError(f"dépense n° {expense_id} introuvable", field="expense_id")
    return rows[0]


def list_expenses(conn: Connection, member: str | None = None,
                  expense_id: int | None = None) -> list[ExpenseRow]:
    paid: dict[int, int] = defaultdict(int)
    for eid, amt in conn.execute(select(ExpensePayment.expense_id, ExpensePayment.amount)):
        paid[eid] += amt
    q = (select(Expense.__table__, Party.code.label("scode"), Party.name.label("sname"))
         .join(Party, Party.id == Expense.supplier_id).order_by(Expense.day, Expense.id))
    if member:
        q = q.where(Expense.member == member.strip().upper())
    if expense_id is not None:
        q = q.where(Expense.id == expense_id)
    return [ExpenseRow(r.id, r.member, r.scode, r.sname, int_day(r.day), r.account,
                       r.amount_ht, r.vat_bp, r.vat, r.amount_ht + r.vat, paid[r.id],
                       r.reference) for r in conn.execute(q)]
