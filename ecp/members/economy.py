"""The member's economy, read from and posted to the ledger on the member's dimension:
shared-services contribution, treasury, payouts and the monthly statement.

The statement is the ledger seen through the member's dimension, not a separate computation:
every figure below is a sum of posting lines or of the sales tables those lines came from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import Connection, case, func, insert, select

from ecp import settings as settings_mod
from ecp.db.models import (
    Account,
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
from ecp.db.models import Payslip as PayslipRow
from ecp.kernel.errors import EcpError, InputError, NotFoundError
from ecp.kernel.money import check_amount, fmt_fr
from ecp.kernel.text import LABEL, REFERENCE, check_text
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
from ecp.ledger.year_close import year_end_entries
from ecp.members import registry
from ecp.members.views import (
    MOVEMENT_CATEGORIES,
    MemberInfo,
    PayoutVoucher,
    Receivable,
    StatementExpense,
    StatementInvoice,
    StatementMovement,
    StatementPayment,
    StatementPayout,
    StatementProduction,
    StatementResult,
    StatementView,
    Treasury,
)
from ecp.sales import company as company_mod
from ecp.sales.documents import check_document_day, sealed_reference
from ecp.sales.rules import METHODS
from ecp.sales.views import Company

if TYPE_CHECKING:
    from ecp.members.payroll import Payslip

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
    return MemberInfo(m.code, m.name, m.name_ar, m.activity, rate, m.language)


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
        Line.dimension == member, Line.account.in_(accounts), Line.day <= day_int(at),
        Line.entry_id.not_in(year_end_entries()))) or 0)


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
    liaison = (Line.dimension == member, Line.account == LIAISON, Line.day <= d,
               Line.entry_id.not_in(year_end_entries()))
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
    """What the member may draw at ``at``: cash − VAT due − owed to the ECP − payroll due −
    reserve.

    A solidarity advance is a receivable on the member (3431), not money lost: its payment
    already took the cash down, so the outstanding advance is not subtracted again (it would
    count twice); its repayments (withheld from later payouts or paid in) bring it back.
    Payroll due — net pay not yet paid (4432), CNSS/AMO/AF/TFP (4441) and IR withheld (44525)
    until their returns are paid — stays the State's and the CNSS's, so it is subtracted: a
    salary's whole cost leaves the available treasury the day it is posted."""
    cash = _balance(conn, member, CASH_ACCOUNTS, at)
    # VAT collected not yet paid to the State, net of what is deductible or in credit: before
    # the declaration on 4455/34552/34551, after it on 4456 (due) or 3456 (credit); so a
    # declaration changes nothing here and its payment moves cash and this together.
    vat_due = -_balance(conn, member, VAT_POSITION, at)
    contribution_owed, other_owed = owed_split(conn, member, at)
    payroll_due = -_balance(conn, member, PAYROLL_DUE, at)
    before = cash - vat_due - contribution_owed - other_owed - payroll_due
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
                    payable, other_owed, payroll_due)


# --- payouts ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PayslipDoc:
    """The bulletin de paie of a salaried member's payout, as its PDF prints it."""

    company: Company
    member: MemberInfo
    cnss: str | None  # the member's CNSS number (None: not given yet)
    number: str  # the payout's number, « VR-2026-000001 »
    day: dt.date  # the day of the payment
    method: str  # « virement bancaire » | « espèces »
    payslip: Payslip
    withheld: int  # advance repaid out of the net
    paid: int  # net − withheld
    payroll_entry: str  # the OD entry of the payroll
    payment_entry: str  # the BQ/CA entry of the payment
    year_to_date: dict[str, int]  # gross, employee_total, employer_total, taxable, ir, net,
    # cost, professional_expenses: the year's payslips up to and including this one
    months: int  # how many payslips that is


@dataclass(frozen=True)
class PayoutResult:
    id: int
    number: str
    entry: str  # the payment's entry (BQ or CA)
    voucher: PayoutVoucher
    kind: str = "remuneration"  # salaire | honoraires | avance
    payslip: Payslip | None = None
    withheld: int = 0  # advance repaid out of this payout
    other_entry: str | None = None  # the payroll's OD entry, or the member's invoice's AC


# Accounts of the payouts by route (CGNC, on the member's dimension)
EMPLOYER_CHARGES = "61741"  # Cotisations de sécurité sociale (AF, CNSS, AMO employer)
TFP = "61678"  # Taxe de formation professionnelle
WAGES_DUE = "4432"  # Rémunérations dues au personnel
CNSS = "4441"  # CNSS: employee and employer contributions, TFP (collected by the CNSS)
IR_WITHHELD = "44525"  # IR withheld at source
ADVANCES = "3431"  # Avances et acomptes au personnel: the member owes them back
FEES = "61365"  # Honoraires: an independent member's invoice
SUPPLIERS = "44111"  # Fournisseurs: the independent member, third party = their code
PAYROLL_DUE = (WAGES_DUE, CNSS, IR_WITHHELD)  # owed by the member's dimension until paid
KINDS = {"salaire": "Salaire", "honoraires": "Honoraires", "avance": "Avance de solidarité",
         "remuneration": "Rémunération"}


def advance_outstanding(conn: Connection, member: str, at: dt.date) -> int:
    """What the member still owes back of their solidarity advances at ``at`` (3431)."""
    return _balance(conn, member, (ADVANCES,), at)


def repay_rate(conn: Connection, member: str, at: dt.date) -> int:
    """The monthly repayment of the member's latest advance paid on or before ``at``."""
    return int(conn.scalar(select(Payout.repay_monthly).where(
        Payout.member == member, Payout.kind == "avance", Payout.day <= day_int(at))
        .order_by(Payout.day.desc(), Payout.id.desc()).limit(1)) or 0)


def _withholding(conn: Connection, member: str, at: dt.date, due: int) -> int:
    """What a payout of ``due`` withholds to repay the member's advances: the monthly
    repayment, at most what is outstanding and at most the payout itself."""
    return max(min(repay_rate(conn, member, at), advance_outstanding(conn, member, at), due), 0)


def _month_label(on: dt.date) -> str:
    return f"{on.month:02d}/{on.year}"


def _over(what: str, amount: int, code: str, on: dt.date, avail: int) -> InputError:
    return InputError(
        f"montant : {what} {fmt_fr(amount)} DH dépasse la trésorerie disponible de {code} "
        f"au {on.isoformat()} ({fmt_fr(avail)} DH) ; au-delà, seulement comme avance de "
        "solidarité, avec un motif", field="amount", code="amount.over_available")


def add_payout(conn: Connection, member: str, amount: int | None, on: dt.date, method: str,
               user: str, advance: bool = False, reason: str = "",
               archive: Callable[[PayoutVoucher, PayslipDoc | None], tuple[str, str]]
               | None = None, *, gross: int | None = None, invoice_ref: str = "",
               repay_monthly: int | None = None) -> PayoutResult:
    """Pay the member by their remuneration route on ``on``, within the available treasury.

    - *salarié*: ``amount`` is the net to pay (or ``gross`` the gross): the payslip of the
      month (ecp.members.payroll) with the member's dependants; its total cost (gross +
      employer charges) must fit the available treasury. OD « Paie MM/AAAA – CODE »: 61711 D
      gross, 61741 D employer AF/CNSS/AMO, 61678 D TFP / 4441 C employee + employer
      contributions and TFP, 44525 C IR, 4432 C net; then BQ (CA in cash) 4432 D net / 5141
      (5161) C. The payslip row and its PDF (the bulletin de paie, archived as the payout's
      document).
    - *indépendant*: ``amount`` is the member's invoice TTC (no VAT: not liable), its number
      ``invoice_ref`` mandatory. AC « Facture CODE n° … » 61365 D / 44111 C (third party the
      member), then BQ 44111 D / 5141 C.
    - *avance de solidarité* (``advance``, any route, a reason mandatory, beyond the treasury
      allowed): 3431 D (third party the member) / 5141 C — a receivable, never a charge — with
      its monthly repayment (``repay_monthly``, default a quarter of it, half-up).

    Each later salary or fee payment withholds min(monthly repayment, 3431 outstanding, the
    net): 4432 D net (44111 D the invoice) / 3431 C withheld / 5141 C the rest. The payout's
    amount is what leaves the bank or the till (the payslip keeps the net). A payout other
    than an advance is refused while the member has no route."""
    info = member_info(conn, member)
    code = info.code
    m = method.strip().lower().replace("è", "e")
    if m not in PAYOUT_ACCOUNT:
        raise InputError(f"mode : « {method} » (virement ou especes)", field="method")
    cash = PAYOUT_ACCOUNT[m]
    reason = reason.strip()
    invoice_ref = invoice_ref.strip()
    if amount is not None and gross is not None:
        raise InputError("brut : donner le net à payer ou le brut, pas les deux", field="gross",
                         code="gross.with_amount")
    for value, name, label in ((amount, "amount", "montant"), (gross, "gross", "brut")):
        if value is not None:
            if value <= 0:
                raise InputError(f"{label} : doit être positif", field=name,
                                 code=f"{name}.positive")
            check_amount(value, field=name)
    if amount is None and gross is None:
        raise InputError("montant : obligatoire (le net à payer, ou le brut d'un salarié)",
                         field="amount", code="amount.required")
    if advance and not reason:
        raise InputError("motif : obligatoire pour une avance de solidarité", field="reason",
                         code="reason.required")
    check_text(reason, "motif", LABEL, field="reason")  # one line of the voucher
    if repay_monthly is not None and not advance:
        raise InputError("remboursement mensuel : seulement pour une avance de solidarité",
                         field="repay_monthly", code="repay_monthly.not_advance")
    avail = treasury(conn, code, on).available
    route = None if advance else registry.route_on(conn, code, on)
    slip: Payslip | None = None
    withheld = 0
    repay = 0
    if advance:
        if gross is not None:
            raise InputError("brut : une avance de solidarité n'a pas de brut (montant seul)",
                             field="gross", code="gross.advance")
        if invoice_ref:
            raise InputError("facture : une avance de solidarité n'a pas de facture",
                             field="invoice_ref", code="invoice_ref.advance")
        assert amount is not None
        repay = half_up_div(amount, 4) if repay_monthly is None else repay_monthly
        if not 0 < repay <= amount:
            raise InputError(f"remboursement mensuel : {fmt_fr(repay)} DH (positif, au plus "
                             f"l'avance de {fmt_fr(amount)} DH)", field="repay_monthly",
                             code="repay_monthly.range")
        kind, due = "avance", amount
    elif route is None:
        raise InputError(
            f"membre {code} : choisir d'abord son statut de rémunération (salarié ou "
            f"indépendant), en vigueur au {on.isoformat()}", field="member",
            code="member.no_route")
    elif route.route == "salarie":
        if invoice_ref:
            raise InputError("facture : un salarié est payé sur bulletin de paie, sans facture",
                             field="invoice_ref", code="invoice_ref.salaried")
        from ecp.members import payroll
        month = on.year * 100 + on.month
        slip = payroll.payslip(gross, route.dependants, month) if gross is not None \
            else payroll.payslip_for_net(amount or 0, route.dependants, month)
        if slip.cost > avail:
            raise InputError(
                f"montant : le coût total de la paie, {fmt_fr(slip.cost)} DH (net "
                f"{fmt_fr(slip.net)}, retenues {fmt_fr(slip.employee_total + slip.ir)}, "
                f"charges patronales {fmt_fr(slip.employer_total)}), dépasse la trésorerie "
                f"disponible de {code} au {on.isoformat()} ({fmt_fr(avail)} DH) ; au-delà, "
                "seulement comme avance de solidarité, avec un motif",
                field="amount", code="amount.over_available")
        kind, due = "salaire", slip.net
    else:
        if gross is not None:
            raise InputError("brut : un indépendant est payé sur sa facture (montant TTC)",
                             field="gross", code="gross.independent")
        if not invoice_ref:
            raise InputError(f"facture : le numéro de la facture de {code} est obligatoire "
                             "(membre indépendant)", field="invoice_ref",
                             code="invoice_ref.required")
        check_text(invoice_ref, "facture", REFERENCE, field="invoice_ref")
        if conn.scalar(select(Payout.id).where(Payout.member == code,
                                               Payout.invoice_ref == invoice_ref)):
            raise InputError(f"facture : la facture n° {invoice_ref} de {code} est déjà payée",
                             field="invoice_ref", code="invoice_ref.exists")
        assert amount is not None
        if amount > avail:
            raise _over("la facture de", amount, code, on, avail)
        kind, due = "honoraires", amount
    if kind != "avance":
        withheld = _withholding(conn, code, on, due)
    paid = due - withheld
    company = company_mod.company(conn)
    year = on.year
    check_document_day(conn, day_int(on))
    last = conn.execute(select(Payout.number, Payout.day).where(Payout.year == year)
                        .order_by(Payout.seq.desc()).limit(1)).first()
    if last is not None and day_int(on) < last.day:
        shown = int_day(last.day).strftime("%d/%m/%Y")
        raise InputError(f"date {on.strftime('%d/%m/%Y')} : la série des versements suit "
                         f"l'ordre des dates et {last.number} est du {shown} ; dater au "
                         f"{shown} ou après", field="day", code="day.series_order")
    seq = int(conn.scalar(select(func.coalesce(func.max(Payout.seq), 0)).where(
        Payout.year == year)) or 0) + 1
    number = f"VR-{year}-{seq:06d}"
    journal = "CA" if m == "especes" else "BQ"
    poster = Poster(conn, user)
    other = None
    if slip is not None:
        tfp = sum(ln.amount for ln in slip.employer if ln.key == "tfp")
        other = JournalEntry("OD", on, f"Paie {_month_label(on)} – {code}", tuple(
            ln for ln in (
                LineSpec(REMUNERATION, code, slip.gross),
                LineSpec(EMPLOYER_CHARGES, code, slip.employer_total - tfp),
                LineSpec(TFP, code, tfp),
                LineSpec(CNSS, code, -(slip.employee_total + slip.employer_total)),
                LineSpec(IR_WITHHELD, code, -slip.ir),
                LineSpec(WAGES_DUE, code, -slip.net)) if ln.amount), reference=number)
        debit = LineSpec(WAGES_DUE, code, slip.net)
    elif kind == "honoraires":
        other = JournalEntry("AC", on, f"Facture {code} n° {invoice_ref}"[:300], (
            LineSpec(FEES, code, due), LineSpec(SUPPLIERS, code, -due, code)),
            reference=number)
        debit = LineSpec(SUPPLIERS, code, due, code)
    else:
        debit = LineSpec(ADVANCES, code, due, code)
    entry = JournalEntry(
        journal, on, f"{KINDS[kind]} {number} - {code} {info.name}"[:300], tuple(
            ln for ln in (debit, LineSpec(ADVANCES, code, -withheld, code),
                          LineSpec(cash, code, -paid)) if ln.amount), reference=number)
    # The voucher (or payslip) shows its entry and the entry's reference seals the PDF (as an
    # invoice's does): the entries are checked, the payment's number read under the writer
    # lock the poster holds, the PDF drawn with it, then the payment posted with the seal.
    other_posted = poster.add(other) if other is not None else None
    errors = poster.errors(entry)
    if errors:
        poster.add(entry)  # raises the poster's own refusal (month closed, account…)
    ref = poster.next_ref(journal, day_int(on))  # RG when dated before the journal's last
    other_ref = entry_ref(other.journal, on.year, other_posted.number) \
        if other is not None and other_posted is not None else None
    text = reason
    if kind == "honoraires":
        text = f"Facture n° {invoice_ref} de {fmt_fr(due)} DH"
    elif slip is not None:
        text = f"Salaire {_month_label(on)} : net {fmt_fr(slip.net)} DH"
    if withheld:
        text += f" ; remboursement d'avance retenu {fmt_fr(withheld)} DH"
    voucher = PayoutVoucher(company, info, number, on, paid, METHODS[m], advance, text, avail,
                            ref)
    doc = None
    if slip is not None:
        ytd = _year_to_date(conn, code, slip)
        doc = PayslipDoc(company, info, route.cnss if route else None, number, on, METHODS[m],
                         slip, withheld, paid, other_ref or "", ref, ytd, ytd.pop("months"))
    pdf_name = pdf_sha = None
    if archive is not None:
        pdf_name, pdf_sha = archive(voucher, doc)
    posted = poster.add(dataclasses.replace(entry, reference=sealed_reference(number, pdf_sha)))
    poster.flush()
    if posted.ref != ref:  # cannot happen: the writer lock is held since the poster's start
        raise EcpError(f"versement {number} : écriture {posted.ref} au lieu de {ref}")
    res = conn.execute(insert(Payout).values(
        year=year, seq=seq, number=number, member=code, day=day_int(on), amount=paid,
        method=m, advance=int(advance), reason=reason, available_before=avail,
        entry_id=posted.id, at=now_iso(), by=user, pdf_name=pdf_name, pdf_sha256=pdf_sha,
        kind=kind, invoice_ref=invoice_ref, repay_monthly=repay))
    payout_id = int(res.inserted_primary_key[0])  # type: ignore[index]
    if slip is not None and other_posted is not None:
        conn.execute(insert(PayslipRow).values(
            payout_id=payout_id, member=code, month=slip.month, gross=slip.gross,
            employee_total=slip.employee_total, employer_total=slip.employer_total,
            taxable=slip.taxable, ir=slip.ir, net=slip.net, cost=slip.cost,
            dependants=slip.dependants, detail=json.dumps(slip.to_json(), sort_keys=True),
            entry_id=other_posted.id))
    return PayoutResult(payout_id, number, posted.ref, voucher, kind, slip, withheld, other_ref)


YTD_FIELDS = ("gross", "employee_total", "employer_total", "professional_expenses", "taxable",
              "ir", "net", "cost")


def _year_to_date(conn: Connection, member: str, slip: Payslip) -> dict[str, int]:
    """The year's payslips of the member up to ``slip`` (included, not yet recorded): each
    figure summed, and ``months`` their count."""
    from ecp.members import payroll
    out = {k: int(getattr(slip, k)) for k in YTD_FIELDS}
    out["months"] = 1
    year = slip.month // 100
    for (detail,) in conn.execute(select(PayslipRow.detail).where(
            PayslipRow.member == member, PayslipRow.month >= year * 100,
            PayslipRow.month <= slip.month)):
        earlier = payroll.Payslip.from_json(json.loads(detail))
        for k in YTD_FIELDS:
            out[k] += int(getattr(earlier, k))
        out["months"] += 1
    return out


def repay_advance(conn: Connection, member: str, amount: int, on: dt.date, method: str,
                  user: str) -> str:
    """The member repays part of their advances in money: BQ (CA) 5141 (5161) D / 3431 C, at
    most what is outstanding. Returns the entry's reference."""
    info = member_info(conn, member)
    m = method.strip().lower().replace("è", "e")
    if m not in PAYOUT_ACCOUNT:
        raise InputError(f"mode : « {method} » (virement ou especes)", field="method")
    if amount <= 0:
        raise InputError("montant : doit être positif", field="amount", code="amount.positive")
    check_amount(amount, field="amount")
    left = advance_outstanding(conn, info.code, on)
    if amount > left:
        raise InputError(f"montant : {fmt_fr(amount)} DH dépasse l'avance restant due par "
                         f"{info.code} au {on.isoformat()} ({fmt_fr(left)} DH)",
                         field="amount", code="amount.over_outstanding")
    posted = post(conn, JournalEntry(
        "CA" if m == "especes" else "BQ", on,
        f"Remboursement d'avance - {info.code} {info.name}"[:300],
        (LineSpec(PAYOUT_ACCOUNT[m], info.code, amount),
         LineSpec(ADVANCES, info.code, -amount, info.code)),
        reference=f"REMB-AVANCE-{info.code}"), user)
    return posted.ref


def payslip_of(conn: Connection, number: str) -> PayslipDoc:
    """The bulletin de paie of a salaried payout, rebuilt from its payslip row and entries."""
    from ecp.members import payroll
    p: Any = payout_row(conn, number)
    r = conn.execute(select(PayslipRow.__table__).where(PayslipRow.payout_id == p.id)).first()
    if r is None:
        raise NotFoundError(f"versement {p.number} : pas de bulletin de paie (pas un salaire)",
                            field="number", code="number.not_salary")
    slip = payroll.Payslip.from_json(json.loads(r.detail))
    refs = {i: entry_ref(j, y, n) for i, j, y, n in conn.execute(
        select(Entry.id, Entry.journal, Entry.fiscal_year, Entry.number).where(
            Entry.id.in_((p.entry_id, r.entry_id))))}
    route = registry.route_on(conn, p.member, int_day(p.day))
    ytd: dict[str, int] = {k: 0 for k in YTD_FIELDS}
    months = 0
    for (detail,) in conn.execute(select(PayslipRow.detail).where(
            PayslipRow.member == p.member, PayslipRow.month >= slip.month // 100 * 100,
            PayslipRow.id <= r.id, PayslipRow.month <= slip.month)):
        earlier = payroll.Payslip.from_json(json.loads(detail))
        for k in YTD_FIELDS:
            ytd[k] += int(getattr(earlier, k))
        months += 1
    return PayslipDoc(company_mod.company(conn), member_info(conn, p.member),
                      route.cnss if route else None, p.number, int_day(p.day),
                      METHODS.get(p.method, p.method), slip, slip.net - p.amount, p.amount,
                      refs.get(r.entry_id, ""), refs.get(p.entry_id, ""), ytd, months)


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
                        bool(r.advance), r.reason, r.kind, r.invoice_ref)
        for r in conn.execute(select(Payout.__table__).where(
            Payout.member == code, Payout.day >= s, Payout.day <= e).order_by(Payout.day,
                                                                              Payout.id)))
    receivables = tuple(_receivables(conn, code, end, names))
    notes = []
    base = last_run.base if last_run else contribution_base(conn, code, month)
    if last_run is None and base:
        notes.append("Contribution du mois non encore calculée (fin de mois).")
    year_start = day_int(dt.date(start.year, 1, 1))
    return StatementView(
        movements=tuple(movements(conn, code, s, e)),
        month_result=result_of(conn, code, s, e), year_result=result_of(conn, code, year_start, e),
        vat_paid_on=_vat_paid_on(conn, s, e),
        advance_outstanding=advance_outstanding(conn, code, end),
        advance_opening=advance_outstanding(conn, code, start - dt.timedelta(days=1)),
        production=tuple(_production(conn, code, s, e)),
        company=company_mod.company(conn), member=info, month=f"{month // 100}-{month % 100:02d}",
        start=start, end=end, opening=treasury(conn, code, start - dt.timedelta(days=1)),
        closing=treasury(conn, code, end), invoices=invoices, payments=payments,
        expenses=expenses,
        contribution_base=base,
        contribution_bp=last_run.rate_bp if last_run else info.contribution_bp,
        contribution=int(contrib[0]), payouts=payouts, receivables=receivables,
        notes=tuple(notes))


# The statement's categories, read from the accounts of each line and of its entry
VAT_COLLECTED = ("4455", "44551")  # due (cashed) and pending (invoiced, not yet cashed)
VAT_DEDUCTIBLE = ("34551", "34552", "34553", "34554")  # deductible and pending (bills unpaid)
VAT_SETTLED = ("4456", "3456")  # after the declaration: due to the State, or credit
VAT_ACCOUNTS = VAT_COLLECTED + VAT_DEDUCTIBLE + VAT_SETTLED
CUSTOMERS = "34211"
EFFECTS = "3425"  # effets reçus: cash to come, outside the treasury
CONTRIBUTION_CHARGES = (CONTRIBUTION_CHARGE, LEGACY_CONTRIBUTION_CHARGE)
PAYROLL_ACCOUNTS = (REMUNERATION, EMPLOYER_CHARGES, TFP, *PAYROLL_DUE)
# The accounts the available treasury sums (before the reserve): see ``treasury``
TREASURY_ACCOUNTS = frozenset(CASH_ACCOUNTS + VAT_POSITION + (LIAISON,) + PAYROLL_DUE)


def _category(account: str, member_fees: bool, accounts: set[str]) -> str:
    """The statement's category of a line on ``account`` of an entry whose lines on the
    member's dimension are on ``accounts``; ``member_fees``: the entry is the member's own
    invoice to the ECP (44111 with the member as third party)."""
    cash = account in CASH_ACCOUNTS or account == EFFECTS
    if account in VAT_ACCOUNTS or (cash and "4456" in accounts):
        if "4456" in accounts and accounts & {*CASH_ACCOUNTS, EFFECTS}:
            return "vat_paid"
        if accounts & set(VAT_SETTLED):
            return "vat_declared"
        return "vat_collected" if account in VAT_COLLECTED else "vat_deductible"
    if account in CONTRIBUTION_CHARGES:
        return "contribution"
    if account == LIAISON:
        if accounts & set(CONTRIBUTION_CHARGES):
            return "contribution"
        return "vat_declared" if accounts & set(VAT_SETTLED) else "other"
    if account in PAYROLL_ACCOUNTS or (member_fees and account in (FEES, SUPPLIERS)):
        return "remuneration"
    if account == ADVANCES:
        return "advances"
    if account.startswith("7"):
        return "sales"
    if account == CUSTOMERS:
        return "sales" if any(a.startswith("7") for a in accounts) else "receipts"
    if account.startswith(("6", "2", "441")):
        return "expenses"
    if cash:
        if CUSTOMERS in accounts:
            return "receipts"
        if member_fees or accounts & set(PAYROLL_ACCOUNTS):
            return "remuneration"
        if ADVANCES in accounts:
            return "advances"
        if LIAISON in accounts:
            return "contribution" if accounts & set(CONTRIBUTION_CHARGES) else "other"
        if any(a.startswith(("6", "2", "441")) for a in accounts):
            return "expenses"
    return "other"


@dataclass
class _Move:
    debit: int = 0
    credit: int = 0
    effect: int = 0


def _classified(conn: Connection, member: str, s: int, e: int
                ) -> list[tuple[str, str, str, int, int]]:
    """Every line of days [s, e] on the member's dimension as (category, account, label,
    amount, effect on the available treasury), in the ledger's order. ``label`` is the
    entry's label for the « other » category, else empty.

    The effect is the line's amount on the treasury's accounts (cash, VAT position, 44881,
    payroll due), 0 elsewhere — except a repayment withheld from a payout (3431 credited in an
    entry whose treasury lines are the payout's): it counts for the advances and the payout's
    category gives it back, so the payout shows what it cost and the advance what came back."""
    rows = conn.execute(
        select(Line.entry_id, Line.account, Line.amount, Line.third_party, Entry.label)
        .join(Entry, Entry.id == Line.entry_id)
        .where(Line.dimension == member, Line.day >= s, Line.day <= e,
               Line.entry_id.not_in(year_end_entries()))
        .order_by(Line.entry_id, Line.line_no)).all()
    by_entry: dict[int, list[Any]] = {}
    for r in rows:
        by_entry.setdefault(r.entry_id, []).append(r)
    out: list[tuple[str, str, str, int, int]] = []
    for lines in by_entry.values():
        accounts = {r.account for r in lines}
        fees = any(r.account == SUPPLIERS and r.third_party == member for r in lines)
        cats = [_category(r.account, fees, accounts) for r in lines]
        effects = [r.amount if r.account in TREASURY_ACCOUNTS else 0 for r in lines]
        if "advances" in cats and not any(
                eff for c, eff in zip(cats, effects, strict=True) if c == "advances"):
            donor = next((i for i, eff in enumerate(effects) if eff), None)
            if donor is not None:
                for i, (r, c) in enumerate(zip(lines, cats, strict=True)):
                    if c == "advances":
                        effects[i] -= r.amount
                        effects[donor] += r.amount
        for r, c, eff in zip(lines, cats, effects, strict=True):
            out.append((c, r.account, r.label if c == "other" else "", int(r.amount), eff))
    return out


def movements(conn: Connection, member: str, s: int, e: int) -> list[StatementMovement]:
    """The lines of days [s, e] on the member's dimension, summed by category and account
    (and entry label for « other »), in the order of ``MOVEMENT_CATEGORIES`` then account:
    for each account, the movements add up to the trial balance's on the dimension."""
    names = dict(conn.execute(select(Account.code, Account.name)).all())
    acc: dict[tuple[str, str, str], _Move] = {}
    for cat, account, label, amount, effect in _classified(conn, member, s, e):
        m = acc.setdefault((cat, account, label), _Move())
        if amount >= 0:
            m.debit += amount
        else:
            m.credit -= amount
        m.effect += effect
    order = {c: i for i, c in enumerate(MOVEMENT_CATEGORIES)}
    return [StatementMovement(c, a, names.get(a, ""), m.debit, m.credit, lab, m.effect)
            for (c, a, lab), m in sorted(acc.items(),
                                         key=lambda kv: (order[kv[0][0]], kv[0][2], kv[0][1]))]


def result_of(conn: Connection, member: str, s: int, e: int) -> StatementResult:
    """The member's result over days [s, e], from the classified lines: turnover HT (class 7)
    − charges (class 6 other than below) − contribution − remuneration cost."""
    turnover = charges = contribution = remuneration = 0
    for cat, account, _label, amount, _effect in _classified(conn, member, s, e):
        if account.startswith("7"):
            turnover -= amount
        elif account.startswith("6"):
            if cat == "contribution":
                contribution += amount
            elif cat == "remuneration":
                remuneration += amount
            else:
                charges += amount
    return StatementResult(turnover, charges, contribution, remuneration)


def _vat_paid_on(conn: Connection, s: int, e: int) -> dt.date | None:
    """The day the VAT of days [s, e] was paid to the State: the payment of the declaration
    whose period covers them (not cancelled); None while it is not paid."""
    from ecp.db.models import VatDeclaration, VatPayment, VatReversal
    paid = conn.scalar(
        select(func.min(VatPayment.day)).join(
            VatDeclaration, VatDeclaration.id == VatPayment.declaration_id)
        .where(VatDeclaration.start <= s, VatDeclaration.end > e,
               VatDeclaration.id.not_in(select(VatReversal.declaration_id))))
    return int_day(int(paid)) if paid is not None else None


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
            due = int_day(r.due_day) if r.due_day else None
            # its age runs from the due date (the invoice's date when it has none): before
            # it, « à échoir » (0 or less)
            out.append(Receivable(r.number, names.get(r.customer_id, ""), int_day(r.day),
                                  due, left, (at - (due or int_day(r.day))).days))
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
