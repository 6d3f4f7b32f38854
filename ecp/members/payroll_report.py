"""Payroll returns and their payment: what the CNSS declaration (Damancom) and the IR
withholding return (SIMPL-IR) need for a month, the annual summary per employee (état 9421-like),
and the payment of the month's CNSS/AMO/AF/TFP (4441) and IR withheld (44525).

Read from the ledger and the payslips, never recomputed: a row is the payslips of the month as
recorded (``payslips.detail``, ``Payslip.to_json``), a payment is what the month's payroll OD
entries credited to 4441 (or 44525) on each dimension.

A payment is identified by its entry's reference, ``CNSS-AAAA-MM`` or ``IR-AAAA-MM`` (followed by
the user's own reference, after a space, when one is given), in journal BQ: no table of its own.
A month is paid once: a second payment is refused while the first one's entry stands (a payment
reversed by ``ecp entry reverse`` may be made again).

Payslips whose payroll entry was reversed are left out of the returns; their reversal's 4441 /
44525 lines cancel theirs in what is due.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, func, or_, select

from ecp.db.models import Dimension, Entry, Line, MemberRoute, Payout
from ecp.db.models import Payslip as PayslipRow
from ecp.kernel.errors import InputError
from ecp.kernel.money import fmt_fr
from ecp.kernel.periods import month_label
from ecp.kernel.text import REFERENCE, check_text
from ecp.ledger.entry import JournalEntry, LineSpec, day_int, entry_ref, int_day
from ecp.ledger.posting import LATE_JOURNAL, post
from ecp.members import payroll

CNSS_ACCOUNT = "4441"  # CNSS: employee and employer CNSS/AMO/AF and the TFP, until paid
IR_ACCOUNT = "44525"  # IR withheld at source, until paid
BANK = "5141"
PAY_METHODS = {"virement": "virement bancaire", "cheque": "chèque"}
EMPLOYEE_KEYS = ("cnss_ct", "cnss_lt", "amo")
EMPLOYER_KEYS = ("af", "cnss_ct", "cnss_lt", "amo", "tfp")


@dataclass(frozen=True)
class PayrollRow:
    """One salaried member's pay of a month (their payslips of the month added up)."""

    member: str
    name: str
    cnss: str  # the CNSS number ("" when not given yet)
    payslips: int  # how many payslips (payouts) in the month
    days: int | None  # days worked, when known (payslips do not record them yet)
    hours: int | None  # hours worked (thousandths), when known
    gross: int
    cnss_base: int  # the CNSS base capped (base of the court / long terme lines)
    employee: dict[str, int]  # cnss_ct, cnss_lt, amo
    employer: dict[str, int]  # af, cnss_ct, cnss_lt, amo, tfp
    employee_total: int
    employer_total: int  # including the TFP
    professional_expenses: int
    taxable: int
    ir: int
    net: int
    cost: int


@dataclass(frozen=True)
class PaymentView:
    """A payment of the month's CNSS or IR, as its BQ entry says."""

    kind: str  # cnss | ir
    month: int  # YYYYMM
    day: dt.date
    amount: int
    entry: str  # BQ-2026-000012
    reference: str  # the entry's reference, « CNSS-2026-11 … »
    per_dimension: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class PayrollMonth:
    """The month's payroll returns: one row per salaried member paid, the totals, what is due
    to the CNSS and the State and whether it was paid."""

    month: int
    rows: tuple[PayrollRow, ...]
    total: PayrollRow
    cnss_due: int  # 4441 credited by the month's payroll entries
    ir_due: int  # 44525 credited by them
    cnss_paid: PaymentView | None
    ir_paid: PaymentView | None


@dataclass(frozen=True)
class YearRow:
    """An employee's year (état 9421-like): the figures of their payslips of the year."""

    member: str
    name: str
    cnss: str
    months: int  # distinct months paid
    gross: int
    employee_total: int
    professional_expenses: int
    taxable: int
    ir: int
    net: int
    employer_total: int
    cost: int


def payment_reference(kind: str, month: int) -> str:
    """``CNSS-2026-11`` / ``IR-2026-11``: the key of a month's payment entry."""
    return f"{'CNSS' if kind == 'cnss' else 'IR'}-{month_label(month)}"


def _reversed_ids(conn: Connection) -> object:
    return select(Entry.reverses).where(Entry.reverses.is_not(None))


def _payslips(conn: Connection, month_from: int, month_to: int) -> list[tuple[object, ...]]:
    """(member, name, payout day, detail JSON) of the payslips of [month_from, month_to] whose
    payroll entry stands, oldest first."""
    return [tuple(r) for r in conn.execute(
        select(PayslipRow.member, Dimension.name, Payout.day, PayslipRow.detail)
        .join(Dimension, Dimension.code == PayslipRow.member)
        .join(Payout, Payout.id == PayslipRow.payout_id)
        .where(PayslipRow.month >= month_from, PayslipRow.month <= month_to,
               PayslipRow.entry_id.not_in(_reversed_ids(conn)))  # type: ignore[arg-type]
        .order_by(PayslipRow.member, Payout.day, PayslipRow.id))]


def _cnss_number(conn: Connection, member: str, day: int) -> str:
    """The member's CNSS number on ``day`` (their route then), "" when none is given."""
    cnss = conn.scalar(select(MemberRoute.cnss).where(
        MemberRoute.member == member, MemberRoute.valid_from <= day)
        .order_by(MemberRoute.valid_from.desc()).limit(1))
    return str(cnss or "")


def _amounts(lines: Sequence[payroll.Line], keys: Sequence[str]) -> dict[str, int]:
    out = dict.fromkeys(keys, 0)
    for ln in lines:
        out[ln.key] = out.get(ln.key, 0) + ln.amount
    return out


def _add(rows: Sequence[PayrollRow], member: str, name: str, cnss: str) -> PayrollRow:
    return PayrollRow(
        member, name, cnss, sum(r.payslips for r in rows), None, None,
        sum(r.gross for r in rows), sum(r.cnss_base for r in rows),
        {k: sum(r.employee[k] for r in rows) for k in EMPLOYEE_KEYS},
        {k: sum(r.employer[k] for r in rows) for k in EMPLOYER_KEYS},
        sum(r.employee_total for r in rows), sum(r.employer_total for r in rows),
        sum(r.professional_expenses for r in rows), sum(r.taxable for r in rows),
        sum(r.ir for r in rows), sum(r.net for r in rows), sum(r.cost for r in rows))


def _row(member: str, name: str, cnss: str, slip: payroll.Payslip) -> PayrollRow:
    base = next((ln.base for ln in slip.employee if ln.key == "cnss_ct"), 0)
    return PayrollRow(member, name, cnss, 1, None, None, slip.gross, base,
                      _amounts(slip.employee, EMPLOYEE_KEYS),
                      _amounts(slip.employer, EMPLOYER_KEYS), slip.employee_total,
                      slip.employer_total, slip.professional_expenses, slip.taxable, slip.ir,
                      slip.net, slip.cost)


def _check_month(month: int) -> None:
    if not 200001 <= month <= 209912 or not 1 <= month % 100 <= 12:
        raise InputError(f"période : « {month} » n'est pas un mois (AAAA-MM)", field="period",
                         code="period.invalid")


def month_rows(conn: Connection, month: int) -> list[PayrollRow]:
    """One row per salaried member paid in ``month`` (YYYYMM), by member code."""
    _check_month(month)
    per: dict[str, list[PayrollRow]] = {}
    names: dict[str, tuple[str, str]] = {}
    for member, name, day, detail in _payslips(conn, month, month):
        code = str(member)
        slip = payroll.Payslip.from_json(json.loads(str(detail)))
        cnss = _cnss_number(conn, code, int(str(day)))
        names[code] = (str(name), cnss)  # the latest payout's CNSS number
        per.setdefault(code, []).append(_row(code, str(name), cnss, slip))
    return [_add(rows, code, *names[code]) for code, rows in sorted(per.items())]


def payroll_month(conn: Connection, month: int) -> PayrollMonth:
    rows = month_rows(conn, month)
    due = {k: sum(a for _d, a in _due(conn, k, month)) for k in ("cnss", "ir")}
    return PayrollMonth(month, tuple(rows), _add(rows, "", "Total", ""), due["cnss"],
                        due["ir"], _payment(conn, "cnss", month), _payment(conn, "ir", month))


def year_rows(conn: Connection, year: int) -> list[YearRow]:
    """The annual summary per employee: each figure of their payslips of ``year`` summed."""
    if not 2000 <= year <= 2099:
        raise InputError(f"année : « {year} » hors des années acceptées (2000 à 2099)",
                         field="year", code="year.out_of_range")
    acc: dict[str, dict[str, int]] = {}
    info: dict[str, tuple[str, str]] = {}
    months: dict[str, set[int]] = {}
    keys = ("gross", "employee_total", "professional_expenses", "taxable", "ir", "net",
            "employer_total", "cost")
    for member, name, day, detail in _payslips(conn, year * 100 + 1, year * 100 + 12):
        code = str(member)
        slip = payroll.Payslip.from_json(json.loads(str(detail)))
        a = acc.setdefault(code, dict.fromkeys(keys, 0))
        for k in keys:
            a[k] += int(getattr(slip, k))
        info[code] = (str(name), _cnss_number(conn, code, int(str(day))))
        months.setdefault(code, set()).add(slip.month)
    return [YearRow(code, info[code][0], info[code][1], len(months[code]), **acc[code])
            for code in sorted(acc)]


# --- payments --------------------------------------------------------------------------------

def _payroll_entries(conn: Connection, month: int) -> object:
    """Ids of the month's payroll OD entries and of the entries reversing them."""
    ids = select(PayslipRow.entry_id).where(PayslipRow.month == month)
    return select(Entry.id).where(or_(Entry.id.in_(ids), Entry.reverses.in_(ids)))


def _due(conn: Connection, kind: str, month: int) -> list[tuple[str, int]]:
    """(dimension, amount) the month's payroll entries credited to 4441 (cnss) or 44525 (ir),
    net of their reversals, by dimension; only positive amounts."""
    account = CNSS_ACCOUNT if kind == "cnss" else IR_ACCOUNT
    rows = conn.execute(
        select(Line.dimension, func.sum(Line.amount))
        .where(Line.account == account,
               Line.entry_id.in_(_payroll_entries(conn, month)))  # type: ignore[arg-type]
        .group_by(Line.dimension).order_by(Line.dimension)).all()
    return [(str(d), -int(a)) for d, a in rows if -int(a) > 0]


def _payment(conn: Connection, kind: str, month: int) -> PaymentView | None:
    """The standing BQ payment of the month (not reversed), if any."""
    key = payment_reference(kind, month)
    e = conn.execute(
        select(Entry.id, Entry.journal, Entry.fiscal_year, Entry.number, Entry.day,
               Entry.reference)
        .where(Entry.journal.in_(("BQ", LATE_JOURNAL)),
               or_(Entry.reference == key, Entry.reference.like(f"{key} %")),
               Entry.id.not_in(_reversed_ids(conn)))  # type: ignore[arg-type]
        .order_by(Entry.id.desc()).limit(1)).first()
    if e is None:
        return None
    account = CNSS_ACCOUNT if kind == "cnss" else IR_ACCOUNT
    per = tuple((str(d), int(a)) for d, a in conn.execute(
        select(Line.dimension, func.sum(Line.amount))
        .where(Line.entry_id == e.id, Line.account == account)
        .group_by(Line.dimension).order_by(Line.dimension)))
    return PaymentView(kind, month, int_day(e.day), sum(a for _d, a in per),
                       entry_ref(e.journal, e.fiscal_year, e.number), e.reference, per)


def pay(conn: Connection, kind: str, month: int, on: dt.date, method: str, user: str,
        reference: str = "") -> PaymentView:
    """Pay the month's CNSS (``kind`` cnss: 4441) or IR withheld (ir: 44525): BQ, on each
    dimension, the account D by what the month's payroll entries credited to it / 5141 C.

    Refused: a month already paid (``period.paid``), a month with nothing due
    (``period.nothing_due``), a date before the month's last payroll entry
    (``day.before_payslip``), another method than virement or chèque (``method``)."""
    if kind not in ("cnss", "ir"):
        raise InputError(f"nature : « {kind} » (cnss ou ir)", field="kind", code="kind.unknown")
    _check_month(month)
    what = "cotisations CNSS" if kind == "cnss" else "IR retenu à la source"
    label = month_label(month)
    m = method.strip().lower().replace("è", "e")
    if m not in PAY_METHODS:
        raise InputError(f"mode : « {method} » (virement ou cheque)", field="method",
                         code="method.unknown")
    reference = reference.strip()
    check_text(reference, "référence", REFERENCE - 16, field="reference")
    done = _payment(conn, kind, month)
    if done is not None:
        raise InputError(f"période {label} : {what} déjà payées le {done.day.isoformat()} "
                         f"({done.entry}, {fmt_fr(done.amount)} DH)", field="period",
                         code="period.paid")
    due = _due(conn, kind, month)
    if not due:
        raise InputError(f"période {label} : rien à payer ({what} : aucun bulletin de paie "
                         "du mois)", field="period", code="period.nothing_due")
    last = conn.scalar(select(func.max(Entry.day)).where(
        Entry.id.in_(_payroll_entries(conn, month))))  # type: ignore[arg-type]
    if last is not None and day_int(on) < int(last):
        raise InputError(f"date : le paiement du {on.isoformat()} précède la dernière paie du "
                         f"mois {label} ({int_day(int(last)).isoformat()})", field="day",
                         code="day.before_payslip")
    account = CNSS_ACCOUNT if kind == "cnss" else IR_ACCOUNT
    specs: list[LineSpec] = []
    for dim, amount in due:
        specs += [LineSpec(account, dim, amount), LineSpec(BANK, dim, -amount)]
    key = payment_reference(kind, month)
    title = "Paiement CNSS" if kind == "cnss" else "Paiement IR retenu à la source"
    post(conn, JournalEntry("BQ", on, f"{title} {label} ({PAY_METHODS[m]})", tuple(specs),
                            reference=f"{key} {reference}" if reference else key), user)
    paid = _payment(conn, kind, month)
    assert paid is not None
    return paid
