"""Money in integer centimes. Never a float.

Amounts are signed integers of centimes (debit +, credit -). Parsing accepts what a Moroccan
bookkeeper types (``1 234,50``, ``1234.50``, ``-12``); formatting is done here, rounding is
half-up and explicit.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from ecp.kernel.errors import InputError

_AMOUNT = re.compile(r"^([+-]?)(\d+)(?:[.,](\d{1,2}))?$")
_GROUPED = re.compile(r"^([+-]?)(\d{1,3}(?:[ \u00a0\u202f.]\d{3})+)(?:,(\d{1,2}))?$")


def parse(text: str, label: str = "montant", *, field: str = "amount") -> int:
    """Parse a user-typed amount in dirhams into centimes (``label`` names it in the message,
    ``field`` is the parameter it is for, carried by the error).

    Accepts ``1234.50``, ``1234,50``, ``1 234,50`` (space, no-break or narrow no-break space as
    group separator), ``1.234,50``. More than two decimals is refused, not rounded: an amount the
    user typed must be kept exactly or rejected.
    """
    s = text.strip()
    m = _AMOUNT.match(s)
    if m is None:
        g = _GROUPED.match(s)
        if g is None:
            if re.match(r"^[+-]?\d[\d \u00a0\u202f.,]*[.,]\d{3,}$", s):
                raise InputError(f"{label} : « {text} » a plus de deux décimales", field=field)
            raise InputError(f"{label} : « {text} » n'est pas un montant (ex. 1 234,50)",
                             field=field)
        grouped = g.group(2)
        if g.group(3) is None and grouped.count(".") == 1 and grouped[-4] == ".":
            # ``12.345`` or ``1 234.567``: a decimal point followed by three digits, not a
            # thousands separator (that reading would multiply the amount by a thousand).
            raise InputError(f"{label} : « {text} » a plus de deux décimales", field=field)
        sign, whole, frac = g.group(1), re.sub(r"[ \u00a0\u202f.]", "", grouped), g.group(3)
    else:
        sign, whole, frac = m.group(1), m.group(2), m.group(3)
    cents = int(whole) * 100 + int((frac or "0").ljust(2, "0"))
    return -cents if sign == "-" else cents


def parse_csv_amount(text: str) -> int | None:
    """Fast parser for machine-written amounts (``1234.50``, ``1234,5``, empty).

    Returns ``None`` for an empty cell; raises ``ValueError`` for anything else that is not a
    plain amount with at most two decimals. Used by the bulk import, where speed matters.
    """
    if not text:
        return None
    neg = text[0] == "-"
    if neg or text[0] == "+":
        text = text[1:]
    sep = text.find(".")
    if sep < 0:
        sep = text.find(",")
    if sep < 0:
        if not text.isdigit():
            raise ValueError(text)
        v = int(text) * 100
    else:
        whole, frac = text[:sep], text[sep + 1 :]
        if not whole.isdigit() or not frac.isdigit() or len(frac) > 2:
            raise ValueError(text)
        v = int(whole) * 100 + int(frac.ljust(2, "0"))
    return -v if neg else v


def from_decimal(value: Decimal) -> int:
    """Decimal dirhams to centimes, rounded half-up (for computed values only)."""
    return int(value.scaleb(2).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_decimal(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def fmt_plain(cents: int) -> str:
    """``-1234.50``: machine format (CSV, JSON, hledger), decimal point, two decimals."""
    sign = "-" if cents < 0 else ""
    a = abs(cents)
    return f"{sign}{a // 100}.{a % 100:02d}"


def fmt_excel(cents: int) -> str:
    """``-1234,50``: decimal comma for Excel in French."""
    return fmt_plain(cents).replace(".", ",")


def fmt_fr(cents: int, unit: str = "") -> str:
    """``1 234 567,50`` (regular spaces as group separator; add `` DH`` with unit)."""
    sign = "-" if cents < 0 else ""
    a = abs(cents)
    whole = f"{a // 100:,}".replace(",", " ")
    s = f"{sign}{whole},{a % 100:02d}"
    return f"{s} {unit}" if unit else s
