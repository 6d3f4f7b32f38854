"""The arithmetic and formats of Moroccan sales documents, pure (no database).

Line HT = quantity × unit price, rounded half-up to the centime; VAT per rate on the document's
HT total at that rate, half-up; TTC = HT + VAT. Shares of VAT moved at payment are pro rata of
the amount paid, the last payment taking whatever remains, so the pending VAT ends at zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ecp.kernel.units import half_up_div

KIND_PREFIX = {"facture": "F", "avoir": "AV", "devis": "D"}
KIND_LABEL = {"facture": "facture", "avoir": "avoir", "devis": "devis"}
DEFAULT_DUE_DAYS = 60  # law 69-21: 60 days from the invoice date unless agreed otherwise
# Cash limits, dated data (valid_from, valid_to exclusive or None, YYYYMMDD; centimes; rule):
# change a limit by closing its row and adding one, never by editing a figure in code.
CASH_LIMITS: tuple[tuple[str, int, int | None, int, str], ...] = (
    # cash from a professional customer, per invoice and per customer per day: refused from
    ("sale", 20000101, None, 2_000_000, "CGI art. 193"),
    # cash paid to one supplier: deductible (charge and VAT) up to, per day and per month
    ("purchase.day", 20000101, None, 500_000, "CGI art. 11 et 106"),
    ("purchase.month", 20000101, None, 5_000_000, "CGI art. 11 et 106"),
)


def cash_limit(kind: str, day: int) -> tuple[int, str]:
    """(limit in centimes, rule) of ``kind`` in force on ``day`` (YYYYMMDD)."""
    for k, start, end, cents, rule in CASH_LIMITS:
        if k == kind and start <= day and (end is None or day < end):
            return cents, rule
    raise KeyError(f"{kind} {day}")
METHODS = {"virement": "virement bancaire", "cheque": "chèque", "especes": "espèces",
           "effet": "effet de commerce"}


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


def number(kind: str, year: int, seq: int) -> str:
    return f"{KIND_PREFIX[kind]}-{year}-{seq:06d}"
