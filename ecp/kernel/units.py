"""Quantities and rates, in integers, and the one rounding rule of ECP.

A quantity is in thousandths (``Quantity(2500)`` is 2,5), a rate in basis points
(``Rate(2000)`` is 20 %). Both are ``NewType``s over ``int``: free at run time, checked by mypy,
so a quantity is never passed where centimes are expected.
"""

from __future__ import annotations

import re
from typing import NewType

from ecp.kernel.errors import InputError

Quantity = NewType("Quantity", int)
Rate = NewType("Rate", int)


def half_up_div(num: int, den: int) -> int:
    """num / den rounded half away from zero, in integers (den > 0)."""
    q, r = divmod(abs(num), den)
    if 2 * r >= den:
        q += 1
    return q if num >= 0 else -q


_QTY = re.compile(r"^(\d+)(?:[.,](\d{1,3}))?$")
MAX_QUANTITY = Quantity(10**12)
"""The largest quantity ECP accepts, in thousandths (a thousand million units): a quantity
times a price stays far inside 64-bit integers, as amounts do (``money.MAX_AMOUNT``)."""


def parse_quantity(text: str, where: str, field: str = "quantity") -> Quantity:
    """``2``, ``2,5``, ``0.125`` → thousandths; positive, three decimals at most."""
    s = text.strip().replace(" ", "")
    m = _QTY.match(s)
    if m is None:
        if s.startswith("-"):
            raise InputError(f"{where}, quantité : « {text} » doit être positive", field=field,
                             code="quantity.negative")
        raise InputError(f"{where}, quantité : « {text} » n'est pas une quantité (ex. 2 ou 2,5)",
                         field=field)
    if len(m.group(1)) > 9 or int(m.group(1)) * 1000 > MAX_QUANTITY:
        raise InputError(f"{where}, quantité : au-delà de 1 000 000 000, le maximum accepté",
                         field=field, code="quantity.too_large")
    milli = int(m.group(1)) * 1000 + int((m.group(2) or "0").ljust(3, "0"))
    if milli <= 0:
        raise InputError(f"{where}, quantité : doit être positive", field=field,
                         code="quantity.zero")
    return Quantity(milli)


def parse_rate(text: str, where: str, field: str = "vat") -> Rate:
    """``20``, ``20 %``, ``7``, ``0`` or ``exonéré`` → basis points."""
    s = text.strip().lower().rstrip("%").strip().replace(",", ".")
    if s in ("exo", "exonéré", "exonere", "0"):
        return Rate(0)
    whole, _, frac = s.partition(".")
    if not (whole.isascii() and whole.isdigit()) or len(whole) > 3 \
            or (frac and (not (frac.isascii() and frac.isdigit()) or len(frac) > 2)):
        raise InputError(f"{where}, taux de TVA : « {text} » (ex. 20, 10 ou exonéré)",
                         field=field)
    return Rate(int(whole) * 100 + int(frac.ljust(2, "0") or 0))


def parse_percent(text: str, where: str, field: str) -> Rate:
    """A percentage between 0 and 100 with two decimals at most (``12``, ``12,5 %``)."""
    s = text.strip().rstrip("%").strip().replace(",", ".")
    whole, _, frac = s.partition(".")
    if not (whole.isascii() and whole.isdigit()) or len(whole) > 3 \
            or (frac and not (frac.isascii() and frac.isdigit())) or len(frac) > 2:
        raise InputError(f"{where} : « {text} » n'est pas un pourcentage", field=field)
    bp = int(whole) * 100 + int(frac.ljust(2, "0") or 0)
    if bp > 10000:
        raise InputError(f"{where} : {text} dépasse 100 %", field=field, code=f"{field}.range")
    return Rate(bp)


def fmt_qty(milli: int) -> str:
    whole, frac = divmod(milli, 1000)
    return f"{whole},{frac:03d}".rstrip("0").rstrip(",") if frac else str(whole)


def fmt_rate(bp: int) -> str:
    if bp == 0:
        return "exonéré"
    whole, frac = divmod(bp, 100)
    return f"{whole},{frac:02d} %".replace(",00", "") if frac else f"{whole} %"




def parse_code_qty(text: str, what: str, field: str, line: int | None = None
                   ) -> tuple[str, Quantity]:
    """``CODE:QTÉ`` (a product, material or resource and a quantity: ``TISSU:3``,
    ``AMANDE:0,5``); the code upper-cased. ``what`` names it in the message, ``field`` and
    ``line`` say which input (and which item of a list) an error is about."""
    code, sep, qty = text.partition(":")
    code = code.strip().upper()
    if not sep or not code:
        raise InputError(f"{what} : « {text} » attendu CODE:QTÉ (ex. TISSU:3)", field=field,
                         line=line, code=f"{field}.format")
    try:
        return code, parse_quantity(qty, what, field=f"{field}.qty")
    except InputError as exc:
        raise InputError(exc.message, field=exc.field, line=line, code=exc.code) from None
