"""The typed values production's façade takes, and the parsers that make them from what a user
types (``TISSU:3``, ``2026-12-24:2026-12-25``) — used by the two edges, the command line and
the TUI forms, never by the façade. Cheap to import: no database, no façade.

Every refusal names the façade parameter it is about (``field``) and, for one item of a list,
its 1-based position (``line``); the messages say the French thing, never a flag.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ecp.kernel.errors import InputError
from ecp.kernel.periods import parse_date
from ecp.kernel.units import Quantity, parse_code_qty, parse_quantity


@dataclass(frozen=True)
class BomItem:
    """One line of a bill of materials: a material (or a shared resource) and its quantity
    (or hours) per unit of product, in thousandths."""

    code: str
    qty: Quantity


@dataclass(frozen=True)
class DateSpan:
    """Days off, both days included."""

    start: dt.date
    end: dt.date


def parse_items(texts: Iterable[str], what: str, field: str) -> list[BomItem]:
    """``CODE:QTÉ`` items (``TISSU:3``, ``AMANDE:0,5``); ``what`` is the French name of the list
    (« matières », « ressources »), ``field`` the façade parameter."""
    return [BomItem(*parse_code_qty(text, what, field, n)) for n, text in enumerate(texts, 1)]


def parse_spans(texts: Iterable[str], field: str = "off") -> list[DateSpan]:
    """``AAAA-MM-JJ:AAAA-MM-JJ`` spans of days off (both days included)."""
    out: list[DateSpan] = []
    for n, text in enumerate(texts, 1):
        a, sep, b = text.partition(":")
        if not sep:
            raise InputError(f"congés : « {text} » attendu AAAA-MM-JJ:AAAA-MM-JJ",
                             field=field, line=n)
        try:
            span = DateSpan(parse_date(a, "congés", field=field),
                            parse_date(b, "congés", field=field))
        except InputError as exc:
            raise InputError(exc.message, field=field, line=n, code=exc.code) from None
        out.append(span)
    return out


def parse_signed_quantity(text: str, what: str, field: str = "qty") -> int:
    """A signed quantity in thousandths (``-2``, ``+5``, ``1,5``), not zero."""
    s = text.strip()
    neg = s.startswith("-")
    q = parse_quantity(s.lstrip("+-"), what, field=field)
    return -q if neg else q
