"""The arithmetic and formats of Moroccan sales documents, pure (no database).

Line HT = quantity × unit price, rounded half-up to the centime; VAT per rate on the document's
HT total at that rate, half-up; TTC = HT + VAT. Shares of VAT moved at payment are pro rata of
the amount paid, the last payment taking whatever remains, so the pending VAT ends at zero.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.ma import ice as stdnum_ice

from ecp.errors import InputError

KIND_PREFIX = {"facture": "F", "avoir": "AV", "devis": "D"}
KIND_LABEL = {"facture": "facture", "avoir": "avoir", "devis": "devis"}
DEFAULT_DUE_DAYS = 60  # law 69-21: 60 days from the invoice date unless agreed otherwise
CASH_LIMIT = 2_000_000  # CGI art. 193: 20 000 DH, cash from a business customer is refused
METHODS = {"virement": "virement bancaire", "cheque": "chèque", "especes": "espèces",
           "effet": "effet de commerce"}


def half_up_div(num: int, den: int) -> int:
    """num / den rounded half away from zero, in integers (den > 0)."""
    q, r = divmod(abs(num), den)
    if 2 * r >= den:
        q += 1
    return q if num >= 0 else -q


def line_total(quantity_milli: int, unit_price: int) -> int:
    return half_up_div(quantity_milli * unit_price, 1000)


def vat_of(base: int, vat_bp: int) -> int:
    return half_up_div(base * vat_bp, 10_000)


def vat_by_rate(lines: Iterable[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(rate, base HT, VAT) per rate, from (total HT, rate) per line; rates in descending order."""
    bases: dict[int, int] = {}
    for total, bp in lines:
        bases[bp] = bases.get(bp, 0) + total
    return [(bp, base, vat_of(base, bp)) for bp, base in sorted(bases.items(), reverse=True)]


def prorata(parts: Sequence[tuple[int, int, int]], paid: int, total: int,
            already: dict[int, tuple[int, int]] | None = None,
            settles: bool = False) -> list[tuple[int, int, int]]:
    """The (rate, base, VAT) shares of ``paid`` out of a document of ``total`` TTC.

    ``already`` holds what earlier payments took per rate; when ``settles`` (the document is
    fully paid by this one) each rate gets exactly what remains, so rounding never leaves a
    centime of VAT pending."""
    already = already or {}
    out = []
    for bp, base, vat in parts:
        done_base, done_vat = already.get(bp, (0, 0))
        if settles:
            out.append((bp, base - done_base, vat - done_vat))
        else:
            out.append((bp, half_up_div(base * paid, total), half_up_div(vat * paid, total)))
    return out


_QTY = re.compile(r"^(\d+)(?:[.,](\d{1,3}))?$")


def parse_quantity(text: str, where: str) -> int:
    """``2``, ``2,5``, ``0.125`` → thousandths; positive, three decimals at most."""
    s = text.strip().replace(" ", "")
    m = _QTY.match(s)
    if m is None:
        if s.startswith("-"):
            raise InputError(f"{where}, quantité : « {text} » doit être positive")
        raise InputError(f"{where}, quantité : « {text} » n'est pas une quantité (ex. 2 ou 2,5)")
    milli = int(m.group(1)) * 1000 + int((m.group(2) or "0").ljust(3, "0"))
    if milli <= 0:
        raise InputError(f"{where}, quantité : doit être positive")
    return milli


def parse_rate(text: str, where: str) -> int:
    """``20``, ``20 %``, ``7``, ``0`` or ``exonéré`` → basis points."""
    s = text.strip().lower().rstrip("%").strip().replace(",", ".")
    if s in ("exo", "exonéré", "exonere", "0"):
        return 0
    whole, _, frac = s.partition(".")
    if not whole.isdigit() or (frac and (not frac.isdigit() or len(frac) > 2)):
        raise InputError(f"{where}, taux de TVA : « {text} » (ex. 20, 10 ou exonéré)")
    return int(whole) * 100 + int(frac.ljust(2, "0") or 0)


def fmt_qty(milli: int) -> str:
    whole, frac = divmod(milli, 1000)
    return f"{whole},{frac:03d}".rstrip("0").rstrip(",") if frac else str(whole)


def fmt_rate(bp: int) -> str:
    if bp == 0:
        return "exonéré"
    whole, frac = divmod(bp, 100)
    return f"{whole},{frac:02d} %".replace(",00", "") if frac else f"{whole} %"


def check_ice(text: str, field: str = "ICE") -> str:
    """15 digits whose last two are the check of the first thirteen (stdnum.ma.ice)."""
    s = re.sub(r"[\s.-]", "", text)
    if not s.isdigit() or len(s) != 15:
        raise InputError(f"{field} : « {text} » doit compter 15 chiffres")
    try:
        return str(stdnum_ice.validate(s))
    except StdnumError:
        raise InputError(f"{field} : « {text} » a une clé de contrôle fausse") from None


def number(kind: str, year: int, seq: int) -> str:
    return f"{KIND_PREFIX[kind]}-{year}-{seq:06d}"
