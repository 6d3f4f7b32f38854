"""The statutory statements of a fiscal year (Bilan, CPC) from the trial balance.

Reads the year's trial balance (``ecp.api.balance.trial_balance``, the one ``ecp report
trial-balance --from --to`` prints) on the fiscal year's bounds — the ``fiscal_years`` row when
there is one, else the calendar year — and the year before's; the figures are built by
``ecp.reports.statutory`` (pure), its tables rendered by the CLI.
"""

from __future__ import annotations

import datetime as dt

from ecp.api.balance import trial_balance
from ecp.api.session import Books, _read_light
from ecp.db.lite import fetch
from ecp.kernel.errors import InputError
from ecp.reports.statutory import VatDeclared, YearFigures, year_figures


def _date(day: int) -> dt.date:
    return dt.date(day // 10000, day // 100 % 100, day % 100)


def fiscal_year_bounds(books: Books, year: int) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of fiscal year ``year``."""
    if not 1901 <= year <= 9998:
        raise InputError(f"année : {year} hors des limites (1901 à 9998)", field="year",
                         code="year.range")
    with _read_light(books) as conn:
        rows = fetch(conn, "SELECT start, \"end\" FROM fiscal_years WHERE year = :y", {"y": year})
    if rows:
        return _date(int(rows[0][0])), _date(int(rows[0][1]))
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def statutory_year(books: Books, year: int) -> YearFigures:
    """The legal entity's figures of fiscal year ``year``."""
    start, end = fiscal_year_bounds(books, year)
    return year_figures(trial_balance(books, start, end), year)


def statutory_figures(books: Books, year: int) -> tuple[YearFigures, YearFigures]:
    """The legal entity's figures of ``year`` (N) and of the year before (N-1)."""
    return statutory_year(books, year), statutory_year(books, year - 1)


def vat_declared(books: Books, year: int) -> VatDeclared:
    """The VAT the declarations dated in fiscal year ``year`` settled (their stored
    positions: TVA facturée, récupérable sur charges, sur immobilisations), less the
    declarations reversed in the year — what the ledger's declaration entries of the year
    moved on 4455, 34552 and 34551. The ETIC's « déclarations TVA de l'exercice »."""
    from ecp.api.session import _read
    from ecp.sales import vat_return as vr

    start, end = fiscal_year_bounds(books, year)
    sums = {"tva_facturee": 0, "deductible_charges": 0, "deductible_immobilisations": 0}
    with _read(books) as conn:
        for d in vr.declarations(conn):
            sign = (start <= d.day <= end) - (
                d.reversed_on is not None and start <= d.reversed_on <= end)
            if sign:
                for pos in d.figures.get("positions", []):
                    for key in sums:
                        sums[key] += sign * int(pos.get(key, 0))
    return VatDeclared(sums["tva_facturee"], sums["deductible_charges"],
                       sums["deductible_immobilisations"])


__all__ = ["fiscal_year_bounds", "statutory_figures", "statutory_year", "vat_declared"]
