"""How screens write amounts and dates (French)."""

from __future__ import annotations

import datetime as dt

from ecp.kernel.money import fmt_fr

_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre")


def money(cents: int, blank_zero: bool = False) -> str:
    """French amount for screens: ``1 234,50`` (no unit; columns say DH)."""
    if blank_zero and cents == 0:
        return ""
    return fmt_fr(cents)


def long_date(d: dt.date) -> str:
    """``dimanche 15 mars 2026``."""
    return f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"
