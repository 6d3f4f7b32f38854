"""Money in integer centimes. Never a float.

Amounts are signed integers of centimes (debit +, credit -). Parsing accepts what a Moroccan
bookkeeper types (``1 234,50``, ``1234.50``, ``-12``); formatting is done here, rounding is
half-up and explicit.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from ecp.kernel.errors import InputError

MAX_AMOUNT = 10**14
"""The largest amount ECP accepts, in centimes (10^12 DH, a thousand billion dirhams), for one
line and for the debits (or credits) of one entry. Far above anything an ECP books, and far
inside 64-bit integers (9.2·10^18) after every aggregation: the monthly ``balances`` sum many
entries per account, the trial balance and reports sum many months; with this bound it takes
over 92 000 entries of the maximum in one account to reach the 64-bit limit, which SQLite would
otherwise silently turn into a float (and PostgreSQL refuse), breaking ``verify`` for good since
posted entries cannot be removed."""


def amount_problem(cents: int) -> str | None:
    """Why ``cents`` is not an amount ECP accepts (beyond ``MAX_AMOUNT``), or None."""
    if -MAX_AMOUNT <= cents <= MAX_AMOUNT:
        return None
    return f"au-delà de {fmt_fr(MAX_AMOUNT)} DH, le maximum accepté"


def check_amount(cents: int, label: str = "montant", *, field: str = "amount",
                 line: int | None = None) -> int:
    """``cents`` unchanged when within ``MAX_AMOUNT`` (either sign), else an ``InputError``."""
    if -MAX_AMOUNT <= cents <= MAX_AMOUNT:
        return cents
    where = f"ligne {line} : " if line is not None else ""
    raise InputError(f"{where}{label} : au-delà de {fmt_fr(MAX_AMOUNT)} DH, le maximum accepté",
                     field=field, line=line, code=f"{field}.too_large")


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
    if len(s) > 40:  # no amount ECP accepts is written with more characters
        raise InputError(f"{label} : {len(s)} caractères, ce n'est pas un montant "
                         f"(au plus {fmt_fr(MAX_AMOUNT)} DH)", field=field,
                         code=f"{field}.too_large")
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
    return check_amount(-cents if sign == "-" else cents, label, field=field)


def parse_csv_amount(text: str) -> int | None:
    """Fast parser for machine-written amounts (``1234.50``, ``1234,5``, empty).

    Returns ``None`` for an empty cell; raises ``ValueError`` for anything else that is not a
    plain amount with at most two decimals, or beyond ``MAX_AMOUNT``. Used by the bulk import,
    where speed matters.
    """
    if not text:
        return None
    if len(text) > 40:
        raise ValueError(text[:40] + "…", "too_large" if text.lstrip("+-").isdigit() else "")
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
    if v > MAX_AMOUNT:
        raise ValueError(text, "too_large")
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
