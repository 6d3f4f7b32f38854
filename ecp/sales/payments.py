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

from ecp.db.models import (
    Account,
    Allocation,
    Document,
    Expense,
    ExpensePayment,
    Line,
    Party,
    Payment,
)
from ecp.kernel.errors import InputError, NotFoundError
from ecp.kernel.money import check_amount, fmt_fr
from ecp.kernel.periods import check_date
from ecp.kernel.text import REFERENCE, check_text
from ecp.kernel.units import Quantity, fmt_rate, half_up_div
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
from ecp.sales.rules import METHODS, cash_limit, vat_of

SUPPLIERS = "44111"  # Fournisseurs
VAT_RECOVERABLE_PENDING = "34554"
VAT_RECOVERABLE = "34552"
# Fixed assets bought (class 2): their VAT waits on 34553 and becomes deductible on 34551,
# declared apart from the VAT on charges.
ASSET_VAT_PENDING = "34553"
ASSET_VAT_RECOVERABLE = "34551"


def is_asset_account(account: str) -> bool:
    """Class 2 immobilisations, not their depreciation (28) or impairment (29)."""
    return account.startswith("2") and not account.startswith(("28", "29"))


def vat_accounts(account: str) -> tuple[str, str]:
    """(pending, deductible) VAT accounts of a purchase booked on ``account``."""
    if is_asset_account(account):
        return ASSET_VAT_PENDING, ASSET_VAT_RECOVERABLE
    return VAT_RECOVERABLE_PENDING, VAT_RECOVERABLE
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
    if m == "especes" and not customer.consumer:
        _check_cash_receipt(conn, docs[0].customer_id, customer.code, amount, day,
                            [(d, t) for d, t, _s in plan])
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


def _check_cash_receipt(conn: Connection, customer_id: int, customer: str, amount: int,
                        day: int, takes: list[tuple[Any, int]]) -> None:
    """CGI art. 193: cash from a professional customer is cumulated per invoice (all its cash
    receipts) and per customer per day (all their cash that day, whatever the invoices); the
    receipt is refused when either total reaches the limit in force that day."""
    limit, rule = cash_limit("sale", day)
    advice = f"à partir de {fmt_fr(limit)} DH ({rule}) : virement, chèque ou effet"
    today = int(conn.scalar(select(func.coalesce(func.sum(Payment.amount), 0)).where(
        Payment.customer_id == customer_id, Payment.day == day,
        Payment.method == "especes")) or 0)
    if today + amount >= limit:
        already = f" (dont {fmt_fr(today)} DH déjà reçus ce jour)" if today else ""
        raise InputError(
            f"mode de paiement : {fmt_fr(today + amount)} DH en espèces le même jour du client "
            f"professionnel {customer}{already}, refusé {advice}", field="method",
            code="cash.limit")
    for d, take in takes:
        before = int(conn.scalar(select(func.coalesce(func.sum(Allocation.amount), 0))
                                 .join(Payment, Payment.id == Allocation.payment_id).where(
            Allocation.invoice_id == d.id, Payment.method == "especes")) or 0)
        if before + take >= limit:
            already = f" (dont {fmt_fr(before)} DH déjà reçus)" if before else ""
            raise InputError(
                f"mode de paiement : {fmt_fr(before + take)} DH en espèces sur la facture "
                f"{d.number} du client professionnel {customer}{already}, refusé "
                f"{advice}", field="method", code="cash.limit")


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
                amount_ht: int, vat_bp: int, user: str, reference: str = "",
                due: dt.date | None = None) -> int:
    """A supplier bill: charge HT (6xxx) and recoverable VAT (34554) against the supplier, or
    a fixed asset (2xxx) and its VAT (34553); ``due`` is the supplier line's due date."""
    mem = member_exists(conn, member)
    sup = party_row(conn, "supplier", supplier)
    acc = account.strip()
    if not (acc.startswith("6") or is_asset_account(acc)) \
            or conn.scalar(select(Account.code).where(Account.code == acc)) is None:
        raise InputError(f"compte : « {account} » n'est ni un compte de charges (6xxx) ni un "
                         "compte d'immobilisation (2xxx) du plan", field="account")
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
        specs.append(LineSpec(vat_accounts(acc)[0], mem, vat))
    specs.append(LineSpec(SUPPLIERS, mem, -(amount_ht + vat), sup.code, due))
    label = f"Facture fournisseur {sup.name}" + (f" {reference}" if reference else "")
    posted = post(conn, JournalEntry("AC", on, label[:300], tuple(specs),
                                     reference=reference[:100]), user)
    res = conn.execute(insert(Expense).values(
        member=mem, supplier_id=sup.id, day=day_int(on), account=acc, amount_ht=amount_ht,
        vat_bp=vat_bp, vat=vat, reference=reference, entry_id=posted.id, at=now_iso(),
        by=user))
    return int(res.inserted_primary_key[0])  # type: ignore[index]


@dataclass(frozen=True)
class ExpensePaid:
    """A supplier bill's payment: its entry, the VAT made deductible (34552), the VAT left in
    the charge because of the cash limits, and the warnings to show the user."""

    entry: str
    deductible_vat: int
    charged_vat: int
    warnings: tuple[str, ...] = ()


def pay_expense(conn: Connection, expense_id: int, on: dt.date, method: str, user: str,
                amount: int | None = None) -> str:
    """Pay a supplier bill (whole by default); its paid share of VAT becomes deductible."""
    return settle_expense(conn, expense_id, on, method, user, amount).entry


def settle_expense(conn: Connection, expense_id: int, on: dt.date, method: str, user: str,
                   amount: int | None = None) -> ExpensePaid:
    """Pay a supplier bill (whole by default); its paid share of VAT leaves 34554.

    CGI art. 11 and 106 (cash purchases): what is paid in cash to one supplier counts, per day
    and per calendar month, against the limits in force (5 000 DH and 50 000 DH TTC), all
    members together (the ECP is one taxable person). Reading: the VAT of the payment is
    deductible pro rata of the part of the payment within what is left of both limits, the
    rest of the VAT (the excess's) is not deducted and goes to the bill's charge account
    instead of 34552, with a warning. Worked example: 10 000,00 HT at 20 % (VAT 2 000,00,
    TTC 12 000,00) paid 12 000,00 in cash, nothing else to that supplier that day or month:
    5 000,00 is within the limit, deductible VAT = 2 000,00 × 5 000 / 12 000 = 833,33 (half
    up), charged VAT = 1 166,67; entry: 44111 D 12 000,00, 5161 C 12 000,00, 34552 D 833,33,
    6111 D 1 166,67, 34554 C 2 000,00. ``ExpensePayment.vat`` records the deductible VAT only
    (the VAT report reads it); what left 34554 is read back from the payments' entries.
    """
    m = _method(method)
    check_date(on, field="day")
    e = expense(conn, expense_id)
    pay = e.remaining if amount is None else amount
    if pay <= 0 or pay > e.remaining:
        raise InputError(f"montant : {fmt_fr(pay)} DH, reste à payer {fmt_fr(e.remaining)} DH",
                         field="amount")
    day = day_int(on)
    if day < day_int(e.day):
        raise InputError("date : le paiement précède la facture fournisseur", field="day")
    pending_acc, deductible_acc = vat_accounts(e.account)
    entries = select(ExpensePayment.entry_id).where(ExpensePayment.expense_id == e.id)
    vat_out_before = -int(conn.scalar(select(func.coalesce(func.sum(Line.amount), 0)).where(
        Line.entry_id.in_(entries), Line.account == pending_acc)) or 0)
    vat = e.vat - vat_out_before if pay == e.remaining else half_up_div(e.vat * pay, e.ttc)
    deductible = vat
    warnings: tuple[str, ...] = ()
    if m == "especes" and vat > 0:
        deductible, warning = _cash_purchase(conn, e, pay, vat, day)
        warnings = (warning,) if warning else ()
    charged = vat - deductible
    cash = {"effet": "5141"}.get(m, CASH_ACCOUNT[m])
    specs = [LineSpec(SUPPLIERS, e.member, pay, e.supplier), LineSpec(cash, e.member, -pay)]
    if deductible:
        specs.append(LineSpec(deductible_acc, e.member, deductible))
    if charged:
        specs.append(LineSpec(e.account, e.member, charged))
    if vat:
        specs.append(LineSpec(pending_acc, e.member, -vat))
    posted = post(conn, JournalEntry(JOURNAL[m], on,
                                     f"Paiement {e.supplier_name} {e.reference}".strip()[:300],
                                     tuple(specs), reference=e.reference[:100]), user)
    conn.execute(insert(ExpensePayment).values(
        expense_id=e.id, day=day, method=m, amount=pay, vat=deductible, entry_id=posted.id,
        at=now_iso(), by=user))
    return ExpensePaid(posted.ref, deductible, charged, warnings)


def _cash_purchase(conn: Connection, e: ExpenseRow, pay: int, vat: int,
                   day: int) -> tuple[int, str]:
    """(deductible VAT, warning or "") of a cash payment ``pay`` carrying ``vat``."""
    day_limit, rule = cash_limit("purchase.day", day)
    month_limit, _rule = cash_limit("purchase.month", day)
    supplier_id = conn.scalar(select(Expense.supplier_id).where(Expense.id == e.id))

    def paid(start: int, end: int) -> int:
        return int(conn.scalar(select(func.coalesce(func.sum(ExpensePayment.amount), 0))
                               .join(Expense, Expense.id == ExpensePayment.expense_id).where(
            Expense.supplier_id == supplier_id, ExpensePayment.method == "especes",
            ExpensePayment.day >= start, ExpensePayment.day <= end)) or 0)

    month = day // 100 * 100
    room = max(0, min(day_limit - paid(day, day), month_limit - paid(month + 1, month + 31)))
    within = min(pay, room)
    if within == pay:
        return vat, ""
    deductible = half_up_div(vat * within, pay)
    return deductible, (
        f"paiement en espèces de {fmt_fr(pay)} DH au fournisseur {e.supplier} : au-delà de "
        f"{fmt_fr(day_limit)} DH par jour et {fmt_fr(month_limit)} DH par mois par fournisseur "
        f"({rule}), TVA de {fmt_fr(vat - deductible)} DH non déductible, portée en charge "
        f"({e.account})")


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
