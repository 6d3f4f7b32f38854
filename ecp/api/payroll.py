"""Payroll returns and their payment: the month's rows for the CNSS (Damancom) and IR
(SIMPL-IR) declarations, the annual summary per employee, and the payment of the month's CNSS
(4441) and IR withheld (44525) — ``ecp.members.payroll_report``."""

from __future__ import annotations

import datetime as dt

from ecp.api.session import Books, _read, _write
from ecp.api.trail import _audit
from ecp.kernel.errors import InputError
from ecp.kernel.periods import Period, month_key
from ecp.members import payroll_report as pr

PayrollMonth = pr.PayrollMonth
PayrollRow = pr.PayrollRow
PayrollYearRow = pr.YearRow
PayrollPayment = pr.PaymentView


def _month(period: Period) -> int:
    """The month key of ``period``, which must be one calendar month."""
    key = month_key(period.start)
    nxt = dt.date(period.start.year + period.start.month // 12, period.start.month % 12 + 1, 1)
    if period.start.day != 1 or period.end != nxt:
        raise InputError(f"période : « {period.label} », un mois (AAAA-MM) est attendu",
                         field="period", code="period.not_month")
    return key


def payroll_month(books: Books, period: Period) -> pr.PayrollMonth:
    """The month's payroll: one row per salaried member paid, totals, CNSS and IR due and
    their payment."""
    month = _month(period)
    with _read(books) as conn:
        return pr.payroll_month(conn, month)


def payroll_year(books: Books, year: int) -> list[pr.YearRow]:
    """The year's summary per employee (gross, contributions, taxable, IR, net, months)."""
    with _read(books) as conn:
        return pr.year_rows(conn, year)


def _pay(books: Books, kind: str, period: Period, day: dt.date, method: str, reference: str,
         user: str | None) -> pr.PaymentView:
    month = _month(period)
    with _write(books) as conn:
        p = pr.pay(conn, kind, month, day, method, books.who(user), reference)
        _audit(conn, books, "cnss.paiement" if kind == "cnss" else "ir.paiement", period.label,
               f"le {day.isoformat()} ({method}) : {p.amount} centimes, écriture {p.entry}, "
               f"référence {p.reference}", user)
        return p


def social_pay(books: Books, period: Period, day: dt.date, method: str = "virement",
               reference: str = "", user: str | None = None) -> pr.PaymentView:
    """Pay the month's CNSS/AMO/AF/TFP: BQ 4441 D / 5141 C per dimension, reference
    ``CNSS-AAAA-MM``."""
    return _pay(books, "cnss", period, day, method, reference, user)


def ir_pay(books: Books, period: Period, day: dt.date, method: str = "virement",
           reference: str = "", user: str | None = None) -> pr.PaymentView:
    """Pay the month's IR withheld: BQ 44525 D / 5141 C per dimension, reference
    ``IR-AAAA-MM``."""
    return _pay(books, "ir", period, day, method, reference, user)
