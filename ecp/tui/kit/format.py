"""How screens write amounts and dates (French)."""

from __future__ import annotations

import datetime as dt

from ecp.kernel.money import fmt_fr


def money(cents: int, blank_zero: bool = False) -> str:
    """French amount for screens: ``1 234,50`` (no unit; columns say DH)."""
    if blank_zero and cents == 0:
        return ""
    return fmt_fr(cents)


def long_date(d: dt.date) -> str:
    """``dimanche 15 mars 2026``: day and month names from babel's fr_MA data (the documents'
    one place, ``ecp.reports.i18n``)."""
    from ecp.reports import i18n

    return f"{i18n.day_names('fr')[d.weekday()]} {d.day} {i18n.month_names('fr')[d.month - 1]} " \
        f"{d.year}"
