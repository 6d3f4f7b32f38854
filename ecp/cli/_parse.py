"""What a user types on the command line, parsed once, into the values the façade takes.

Built on the kernel parsers. Every error carries the façade parameter it is about (``field``)
and, for one line of a multi-line input, its number (``line``): ``main`` turns the field into
the command's own flag (``ecp : --line n°2 : montant : …``), so the messages here never name a
flag.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ecp.kernel.errors import InputError
from ecp.kernel.money import parse
from ecp.kernel.periods import parse_date
from ecp.kernel.units import Quantity, parse_code_qty

if TYPE_CHECKING:
    from ecp.ledger.entry import LineSpec

ENTRY_LINE = "COMPTE:DIMENSION:MONTANT[:TIERS[:ECHEANCE]]"


def entry_line(text: str, n: int, field: str = "lines") -> LineSpec:
    """``COMPTE:DIMENSION:MONTANT[:TIERS[:ECHEANCE]]``, the n-th line of an entry (signed
    amount: positive to the debit, negative to the credit)."""
    from ecp.ledger.entry import LineSpec  # the ledger package pulls the database layer

    parts = text.split(":", 4)
    if len(parts) < 3 or not parts[0].strip() or not parts[1].strip():
        raise InputError(f"« {text} » attendu {ENTRY_LINE}", field=field, line=n,
                         code="line.format")
    acc, dim, amount = parts[:3]
    third = parts[3].strip() if len(parts) > 3 and parts[3].strip() else None
    due = None
    if len(parts) > 4 and parts[4].strip():
        due = _at(parse_date, parts[4], "échéance", f"{field}.due", n)
    cents = _at(parse, amount, "montant", f"{field}.amount", n)
    return LineSpec(acc.strip(), dim.strip().upper(), cents, third, due)


def entry_lines(texts: list[str] | None, field: str = "lines") -> list[LineSpec]:
    return [entry_line(t, i, field) for i, t in enumerate(texts or (), 1)]


def code_qty(text: str, n: int | None, what: str, field: str) -> tuple[str, Quantity]:
    """``CODE:QTÉ`` (a product or a material and a quantity, ``2`` or ``2,5``): the kernel's
    one parser, with the item's number."""
    return parse_code_qty(text, what, field, n)


def date_span(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date | None,
                                                                         dt.date | None]:
    """``--from D --to D`` (both included) checked in order."""
    if date_from and date_to and date_to < date_from:
        raise InputError(f"période : le {date_to.isoformat()} précède le "
                         f"{date_from.isoformat()}", field="date_to", code="period.order")
    return date_from, date_to


def _at(fn, text: str, label: str, field: str, n: int):  # type: ignore[no-untyped-def]
    """A kernel parser for one part of line ``n``; its error carries the line."""
    try:
        return fn(text, label, field=field)
    except InputError as exc:
        exc.line = n
        raise
