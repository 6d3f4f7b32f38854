"""How screens write amounts and dates (French)."""

from __future__ import annotations

import datetime as dt

from ecp.kernel.money import fmt_fr


def money(cents: int, blank_zero: bool = False) -> str:
    """French amount for screens: ``1 234,50`` (no unit; columns say DH)."""
    if blank_zero and cents == 0:
        return ""
    return fmt_fr(cents)


def day(d: dt.date | int | str | None) -> str:
    """The one way screens write a date: ``JJ/MM/AAAA`` (``15/03/2026``). ``d`` is a date, the
    storage's integer ``AAAAMMJJ`` or an ISO ``AAAA-MM-JJ`` text (view-models that carry it;
    a time after the date, ``2026-03-15T10:04`` or ``2026-03-15 10:04``, is kept as
    ``15/03/2026 10:04``); None or empty gives ``""``. The command line keeps ISO."""
    if d is None or d == "":
        return ""
    if isinstance(d, dt.date):
        return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"
    if isinstance(d, int):
        return f"{d % 100:02d}/{d // 100 % 100:02d}/{d // 10000:04d}"
    head, rest = d[:10], d[10:]
    try:
        parsed = dt.date.fromisoformat(head)
    except ValueError:
        return d
    rest = rest[1:] if rest[:1] in ("T", " ") else rest
    return day(parsed) + (f" {rest[:5]}" if rest else "")


DAY_PLACEHOLDER = "JJ/MM/AAAA"
"""What an empty date input shows; the inputs also accept ``AAAA-MM-JJ``."""


def long_date(d: dt.date) -> str:
    """``dimanche 15 mars 2026``: day and month names from babel's fr_MA data (the documents'
    one place, ``ecp.reports.i18n``)."""
    from ecp.reports import i18n

    return f"{i18n.day_names('fr')[d.weekday()]} {d.day} {i18n.month_names('fr')[d.month - 1]} " \
        f"{d.year}"
