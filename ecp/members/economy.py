"""The member's economy, read from and posted to the ledger on the member's dimension:
shared-services contribution, treasury, payouts and the monthly statement.

The statement is the ledger seen through the member's dimension, not a separate computation:
every figure below is a sum of posting lines or of the sales tables those lines came from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlalchemy import Connection, case, func, insert, select

from ecp import settings as settings_mod
from ecp.db.models import (
    Allocation,
    AllocationVat,
    Contribution,
    Document,
    Entry,
    Expense,
    ExpensePayment,
    Line,
    Party,
    Payment,
    Payout,
    Setting,
)
from ecp.kernel.errors import EcpError, InputError, NotFoundError
from ecp.kernel.money import check_amount, fmt_fr
from ecp.kernel.text import LABEL, check_text
from ecp.kernel.units import half_up_div
from ecp.ledger.entry import (
    ECP_DIMENSION,
    JournalEntry,
    LineSpec,
    day_int,
    entry_ref,
    int_day,
)
from ecp.ledger.posting import Poster, now_iso, post
from ecp.members import registry
from ecp.members.views import (
    MemberInfo,
    PayoutVoucher,
    Receivable,
    StatementExpense,
    StatementInvoice,
    StatementPayment,
    StatementPayout,
    StatementProduction,
    StatementView,
    Treasury,
)
from ecp.sales import company as company_mod
from ecp.sales.documents import sealed_reference
from ecp.sales.rules import METHODS

CASH_ACCOUNTS = ("5141", "5161")
LIAISON = "44881"
VAT_POSITION = ("4455", "34552", "34551", "4456", "3456")
# The contribution is internal to the legal entity (docs/architecture.md, « Flux internes »):
# a charge on the member's dimension, an income on the ECP's, both on accounts flagged internal
# that the entity's trial balance sets apart, so its turnover and charges leave them out.
CONTRIBUTION_CHARGE = "61468"  # Contribution aux services partagés (interne), the member's
CONTRIBUTION_INCOME = "71248"  # Contributions des membres (interne), on the ECP's dimension
# Before issue 14 the contribution posted to 61461 (cotisations) / 71243 (prestations de
# services): still read as contribution entries (the treasury's split), never posted again.
LEGACY_CONTRIBUTION_CHARGE = "61461"
REMUNERATION = "61711"  # Appointements et salaires: the member's pay, on their dimension
PAYOUT_ACCOUNT = {"virement": "5141", "especes": "5161"}


def _settings(conn: Connection) -> dict[str, str]:
    return {k: v for k, v in conn.execute(select(Setting.key, Setting.value))}


def member_info(conn: Connection, code: str, field: str = "member") -> MemberInfo:
    """The member (from the registry) with the contribution rate that applies to them."""
    m = registry.get(conn, code, field)
    rate = m.contribution_bp
    if rate is None:
        rate = settings_mod.contribution_default_rate(_settings(conn))
    return MemberInfo(m.code, m.name, m.name_ar, m.activity, rate)


def active_members(conn: Connection) -> list[str]:
    return registry.active_codes(conn)


def month_bounds(month: int) -> tuple[dt.date, dt.date]:
    """First and last day of YYYYMM."""
    start = dt.date(month // 100, month % 100, 1)
    return start, start + relativedelta(months=1, days=-1)


# --- contribution ----------------------------------------------------------------------------

def contribution_base(conn: Connection, member: str, month: int) -> int:
    """HT cashed in the month on the member's invoices (default), or HT invoiced less credit
    notes (setting ``contribution.basis`` = facturation)."""
    start, end = month_bounds(month)
    s, e = day_int(start), day_int(end)
    if settings_mod.contribution_on_invoicing(_settings(conn)):
        q = select(func.coalesce(func.sum(case((Document.kind == "avoir", -Document.total_ht),
                                               else_=Document.total_ht)), 0)).where(
            Document.member == member, Document.kind.in_(("facture", "avoir")),
            Document.day >= s, Document.day <= e)
        return int(conn.scalar(q) or 0)
    total = 0
    rows = conn.execute(
        select(Allocation.id, Allocation.amount, Document.total_ht, Document.total_ttc)
        .join(Document, Document.id == Allocation.invoice_id)
        .where(Document.member == member, Allocation.payment_id.is_not(None),
               Allocation.day >= s, Allocation.day <= e))
    recorded = dict(conn.execute(
        select(AllocationVat.allocation_id, func.sum(AllocationVat.base_ht))
        .group_by(AllocationVat.allocation_id)).all())
    for alloc_id, amount, ht, ttc in rows:
        # The HT share each payment settled, as recorded with the VAT it moved; in the
        # débits regime (nothing recorded) the same pro rata of the invoice.
        base = recorded.get(alloc_id)
        total += int(base) if base is not None else half_up_div(amount * ht, ttc) if ttc else 0
    return total


@dataclass(frozen=True)
class ContributionLine:
    member: str
    base: int
    rate_bp: int
    due: int  # for the month, all runs together
    posted_now: int  # this run's difference
    entry: str | None


def run_contribution(conn: Connection, month: int, user: str,
                     members: list[str] | None = None) -> list[ContributionLine]:
    """Post each active member's contribution for the month, or only the difference with what
    earlier runs posted: running twice changes nothing.

    OD at the month's last day: 61468 D / 44881 C on the member's dimension, 44881 D / 71248 C
    on the ECP's. A complement run of a month whose first run posted on the old accounts
    (61461 / 71243, before issue 14) posts its difference on the new ones: the earlier entry
    stays as it was (the ledger is insert-only), and the month's contribution is the sum of both;
    the old entry still inflates the entity's turnover, the difference does not (internal)."""
    _start, end = month_bounds(month)
    out = []
    for code in members or active_members(conn):
        info = member_info(conn, code)
        base = contribution_base(conn, code, month)
        due = half_up_div(base * info.contribution_bp, 10_000)
        before = int(conn.scalar(select(func.coalesce(func.sum(Contribution.amount), 0)).where(
            Contribution.member == code, Contribution.month == month)) or 0)
        delta = due - before
        ref = None
        if delta:
            label = (f"Contribution services partagés {month % 100:02d}/{month // 100} - {code}"
                     + (" (complément)" if before else ""))
            posted = post(conn, JournalEntry("OD", end, label, (
                LineSpec(CONTRIBUTION_CHARGE, code, delta), LineSpec(LIAISON, code, -delta),
                LineSpec(LIAISON, ECP_DIMENSION, delta),
                LineSpec(CONTRIBUTION_INCOME, ECP_DIMENSION, -delta)),
                reference=f"CONTRIB-{month // 100}-{month % 100:02d}-{code}"), user)
            conn.execute(insert(Contribution).values(
                member=code, month=month, base=base, rate_bp=info.contribution_bp,
                amount=delta, entry_id=posted.id, at=now_iso(), by=user))
            ref = posted.ref
        out.append(ContributionLine(code, base, info.contribution_bp, due, delta, ref))
    return out


# --- treasury --------------------------------------------------------------------------------

def _balance(conn: Connection, member: str, accounts: tuple[str, ...], at: dt.date) -> int:
    return int(conn.scalar(select(func.coalesce(func.sum(Line.amount), 0)).where(
        Line.dimension == member, Line.account.in_(accounts), Line.day <= day_int(at))) or 0)


def reserve_of(conn: Connection, member: str, before_reserve: int) -> int:
    """``reserve.M001`` (or ``reserve.default``): an amount in DH, or a % of the treasury."""
    rule = settings_mod.reserve_rule(_settings(conn), member)
    if rule is None:
        return 0
    rate, amount = rule
    if rate is not None:
        return max(half_up_div(before_reserve * rate, 10_000), 0)
    return amount


def owed_split(conn: Connection, member: str, at: dt.date) -> tuple[int, int]:
    """What the member owes the ECP at ``at`` (the member's 44881, credit positive), in two
    parts: (contributions not yet settled, everything else — the start-up fund, VAT imputed
    through the liaison, other amounts).

    Read from the ledger whichever command posted it: an entry with a contribution charge
    (61468, or 61461 before issue 14) on the member's dimension is a contribution, its 44881
    line what it made owed; an entry debiting the member's 44881 against the member's cash (a
    transfer to the ECP) settles the contributions first, the rest of it the other amounts.
    The two parts always add up to the 44881 balance."""
    d = day_int(at)
    liaison = (Line.dimension == member, Line.account == LIAISON, Line.day <= d)
    contribution_entries = select(Line.entry_id).where(
        Line.dimension == member, Line.day <= d,
        Line.account.in_((CONTRIBUTION_CHARGE, LEGACY_CONTRIBUTION_CHARGE)))
    transfer_entries = select(Line.entry_id).where(
        Line.dimension == member, Line.day <= d, Line.account.in_(CASH_ACCOUNTS),
        Line.amount < 0)
    posted = -int(conn.scalar(select(func.coalesce(func.sum(Line.amount), 0)).where(
        *liaison, Line.entry_id.in_(contribution_entries))) or 0)
    transferred = int(conn.scalar(select(func.coalesce(func.sum(Line.amount), 0)).where(
        *liaison, Line.amount > 0, Line.entry_id.in_(transfer_entries),
        Line.entry_id.not_in(contribution_entries))) or 0)
    total = -_balance(conn, member, (LIAISON,), at)
    contribution = max(posted - transferred, 0)
    return contribution, total - contribution


def treasury(conn: Connection, member: str, at: dt.date) -> Treasury:
    cash = _balance(conn, member, CASH_ACCOUNTS, at)
    # VAT collected not yet paid to the State, net of what is deductible or in credit: before
    # the declaration on 4455/34552/34551, after it on 4456 (due) or 3456 (credit); so a
    # declaration changes nothing here and its payment moves cash and this together.
    vat_due = -_balance(conn, member, VAT_POSITION, at)
    contribution_owed, other_owed = owed_split(conn, member, at)
    before = cash - vat_due - contribution_owed - other_owed
    reserve = reserve_of(conn, member, before)
    d = day_int(at)
    receivable = int(conn.scalar(
        select(func.coalesce(func.sum(Document.total_ttc), 0)).where(
            Document.member == member, Document.kind == "facture", Document.day <= d)) or 0) \
        - int(conn.scalar(select(func.coalesce(func.sum(Allocation.amount), 0)).join(
            Document, Document.id == Allocation.invoice_id).where(
            Document.member == member, Allocation.day <= d)) or 0)
    payable = int(conn.scalar(select(func.coalesce(
        func.sum(Expense.amount_ht + Expense.vat), 0)).where(
        Expense.member == member, Expense.day <= d)) or 0) \
        - int(conn.scalar(select(func.coalesce(func.sum(ExpensePayment.amount), 0)).join(
            Expense, Expense.id == ExpensePayment.expense_id).where(
            Expense.member == member, ExpensePayment.day <= d)) or 0)
    return Treasury(at, cash, vat_due, contribution_owed, reserve, before - reserve, receivable,
                    payable, other_owed)


# --- payouts ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PayoutResult:
    id: int
    number: str
    entry: str
    voucher: PayoutVoucher


def add_payout(conn: Connection, member: str, amount: int, on: dt.date, method: str,
               user: str, advance: bool = False, reason: str = "",
               archive: object = None) -> PayoutResult:
    """Pay the member (remuneration on their dimension) within the available treasury; beyond
    it only as a solidarity advance with a reason, which the statement shows."""
    info = member_info(conn, member)
    m = method.strip().lower().replace("è", "e")
    if m not in PAYOUT_ACCOUNT:
        raise InputError(f"mode : « {method} » (virement ou especes)", field="method")
    if amount <= 0:
        raise InputError("montant : doit être positif", field="amount", code="amount.positive")
    if advance and not reason.strip():
        raise InputError("motif : obligatoire pour une avance de solidarité", field="reason",
                         code="reason.required")
    check_amount(amount, field="amount")
    check_text(reason.strip(), "motif", LABEL, field="reason")  # one line of the voucher
    avail = treasury(conn, info.code, on).available
    if amount > avail and not advance:
        raise InputError(
            f"montant : {fmt_fr(amount)} DH dépasse la trésorerie disponible de {info.code} "
            f"au {on.isoformat()} ({fmt_fr(avail)} DH) ; au-delà, seulement comme avance de "
            "solidarité, avec un motif", field="amount", code="amount.over_available")
    company = company_mod.company(conn)
    year = on.year
    seq = int(conn.scalar(select(func.coalesce(func.max(Payout.seq), 0)).where(
        Payout.year == year)) or 0) + 1
    number = f"VR-{year}-{seq:06d}"
    what = "Avance de solidarité" if advance else "Rémunération"
    journal = "CA" if m == "especes" else "BQ"
    entry = JournalEntry(
        journal, on, f"{what} {number} - {info.code} {info.name}"[:300],
        (LineSpec(REMUNERATION, info.code, amount),
         LineSpec(PAYOUT_ACCOUNT[m], info.code, -amount)), reference=number)
    # The voucher shows its entry and the entry's reference seals the voucher's PDF (as an
    # invoice's does): the entry is checked, its number read under the writer lock the poster
    # holds, the voucher drawn with it, then the entry posted with the seal.
    poster = Poster(conn, user)
    errors = poster.errors(entry)
    if errors:
        poster.add(entry)  # raises the poster's own refusal (month closed, account…)
    ref = entry_ref(journal, on.year, int(conn.scalar(select(func.max(Entry.number)).where(
        Entry.journal == journal, Entry.fiscal_year == on.year)) or 0) + 1)
    voucher = PayoutVoucher(company, info, number, on, amount, METHODS[m], advance,
                            reason.strip(), avail, ref)
    pdf_name = pdf_sha = None
    if archive is not None:
        pdf_name, pdf_sha = archive(voucher)  # type: ignore[operator]
    posted = poster.add(dataclasses.replace(entry, reference=sealed_reference(number, pdf_sha)))
    poster.flush()
    if posted.ref != ref:  # cannot happen: the writer lock is held since the poster's start
        raise EcpError(f"versement {number} : écriture {posted.ref} au lieu de {ref}")
    res = conn.execute(insert(Payout).values(
        year=year, seq=seq, number=number, member=info.code, day=day_int(on), amount=amount,
        method=m, advance=int(advance), reason=reason.strip(), available_before=avail,
        entry_id=posted.id, at=now_iso(), by=user, pdf_name=pdf_name, pdf_sha256=pdf_sha))
    return PayoutResult(int(res.inserted_primary_key[0]), number,  # type: ignore[index]
                        posted.ref, voucher)


def payout_row(conn: Connection, number: str) -> object:
    r = conn.execute(select(Payout.__table__).where(Payout.number == number.strip().upper())
                     ).first()
    if r is None:
        raise NotFoundError(f"versement « {number} » introuvable", field="number")
    return r


# --- statement -------------------------------------------------------------------------------

def statement(conn: Connection, member: str, month: int) -> StatementView:
    info = member_info(conn, member)
    code = info.code
    start, end = month_bounds(month)
    s, e = day_int(start), day_int(end)
    names = dict(conn.execute(select(Party.id, Party.name)).all())
    invoices = tuple(
        StatementInvoice(r.number, int_day(r.day), names.get(r.customer_id, ""),
                         -r.total_ht if r.kind == "avoir" else r.total_ht,
                         -r.total_ttc if r.kind == "avoir" else r.total_ttc, r.kind)
        for r in conn.execute(select(Document.__table__).where(
            Document.member == code, Document.kind.in_(("facture", "avoir")),
            Document.day >= s, Document.day <= e).order_by(Document.day, Document.id)))
    vat_moved = dict(conn.execute(select(AllocationVat.allocation_id,
                                         func.sum(AllocationVat.vat))
                                  .group_by(AllocationVat.allocation_id)).all())
    payments = tuple(
        StatementPayment(int_day(r.day), r.number, names.get(r.customer_id, ""), r.method,
                         r.amount, int(vat_moved.get(r.id, 0)))
        for r in conn.execute(
            select(Allocation.id, Allocation.day, Allocation.amount, Document.number,
                   Document.customer_id, Payment.method)
            .join(Document, Document.id == Allocation.invoice_id)
            .join(Payment, Payment.id == Allocation.payment_id)
            .where(Document.member == code, Allocation.day >= s, Allocation.day <= e)
            .order_by(Allocation.day, Allocation.id)))
    paid_in_month = dict(conn.execute(
        select(ExpensePayment.expense_id, func.sum(ExpensePayment.amount))
        .where(ExpensePayment.day >= s, ExpensePayment.day <= e)
        .group_by(ExpensePayment.expense_id)).all())
    expenses = tuple(
        StatementExpense(int_day(r.day), names.get(r.supplier_id, ""), r.reference,
                         r.amount_ht, r.vat, int(paid_in_month.get(r.id, 0)))
        for r in conn.execute(select(Expense.__table__).where(
            Expense.member == code,
            ((Expense.day >= s) & (Expense.day <= e)) | Expense.id.in_(list(paid_in_month)))
            .order_by(Expense.day, Expense.id)))
    contrib = conn.execute(select(func.coalesce(func.sum(Contribution.amount), 0),
                                  func.max(Contribution.id)).where(
        Contribution.member == code, Contribution.month == month)).one()
    last_run = conn.execute(select(Contribution.base, Contribution.rate_bp).where(
        Contribution.id == contrib[1])).first() if contrib[1] else None
    payouts = tuple(
        StatementPayout(r.number, int_day(r.day), METHODS.get(r.method, r.method), r.amount,
                        bool(r.advance), r.reason)
        for r in conn.execute(select(Payout.__table__).where(
            Payout.member == code, Payout.day >= s, Payout.day <= e).order_by(Payout.day,
                                                                              Payout.id)))
    receivables = tuple(_receivables(conn, code, end, names))
    notes = []
    base = last_run.base if last_run else contribution_base(conn, code, month)
    if last_run is None and base:
        notes.append("Contribution du mois non encore calculée (fin de mois).")
    return StatementView(
        production=tuple(_production(conn, code, s, e)),
        company=company_mod.company(conn), member=info, month=f"{month // 100}-{month % 100:02d}",
        start=start, end=end, opening=treasury(conn, code, start - dt.timedelta(days=1)),
        closing=treasury(conn, code, end), invoices=invoices, payments=payments,
        expenses=expenses,
        contribution_base=base,
        contribution_bp=last_run.rate_bp if last_run else info.contribution_bp,
        contribution=int(contrib[0]), payouts=payouts, receivables=receivables,
        notes=tuple(notes))


def _production(conn: Connection, member: str, s: int, e: int) -> list[StatementProduction]:
    """Orders done in the month (with the materials they consumed, at cost) and open orders
    due from the month on."""
    from ecp.db.models import Product, ProductionOrder, StockMove
    names = dict(conn.execute(select(Product.code, Product.name)).all())
    consumed = dict(conn.execute(
        select(StockMove.order_id, func.sum(-StockMove.qty_milli * StockMove.unit_cost))
        .where(StockMove.kind == "consumption").group_by(StockMove.order_id)).all())
    status = {"planned": "planifié", "in_progress": "en cours", "done": "terminé"}
    out = []
    for r in conn.execute(select(ProductionOrder.__table__).where(
            ProductionOrder.member == member,
            ((ProductionOrder.status == "done") & (ProductionOrder.done_day >= s)
             & (ProductionOrder.done_day <= e))
            | (ProductionOrder.status.in_(("planned", "in_progress"))
               & (ProductionOrder.due_day >= s)))
            .order_by(ProductionOrder.due_day, ProductionOrder.number)):
        done = r.status == "done"
        out.append(StatementProduction(
            r.number, names.get(r.product, r.product),
            r.qty_done_milli if done and r.qty_done_milli else r.qty_milli,
            int_day(r.due_day), status[r.status], int_day(r.done_day) if done else None,
            half_up_div(int(consumed.get(r.id, 0) or 0), 1000) if done else 0))
    return out


def _receivables(conn: Connection, member: str, at: dt.date,
                 names: dict[int, str]) -> list[Receivable]:
    d = day_int(at)
    paid = dict(conn.execute(select(Allocation.invoice_id, func.sum(Allocation.amount))
                             .where(Allocation.day <= d).group_by(Allocation.invoice_id)).all())
    out = []
    for r in conn.execute(select(Document.__table__).where(
            Document.member == member, Document.kind == "facture", Document.day <= d)
            .order_by(Document.day, Document.id)):
        left = r.total_ttc - int(paid.get(r.id, 0))
        if left > 0:
            out.append(Receivable(r.number, names.get(r.customer_id, ""), int_day(r.day),
                                  int_day(r.due_day) if r.due_day else None, left,
                                  (at - int_day(r.day)).days))
    return out


@dataclass(frozen=True)
class MemberBalance:
    code: str
    name: str
    treasury: Treasury


def member_balances(conn: Connection, at: dt.date) -> list[MemberBalance]:
    out = []
    for m in registry.list_members(conn):
        code = m.code
        info = member_info(conn, code)
        out.append(MemberBalance(code, info.name, treasury(conn, code, at)))
    return out
