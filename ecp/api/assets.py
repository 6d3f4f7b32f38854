"""Fiscal years, fixed assets and depreciation (issue 15): ``ecp year``, ``ecp asset``,
``ecp depreciation``."""

from __future__ import annotations

import datetime as dt

from ecp.api.session import Books, _read, _write
from ecp.api.trail import _audit
from ecp.kernel.money import fmt_fr
from ecp.kernel.units import Rate
from ecp.ledger import years as years_mod
from ecp.ledger.entry import ECP_DIMENSION
from ecp.sales import assets as assets_mod

AssetView = assets_mod.AssetView
AssetRow = assets_mod.AssetRow
DepreciationLine = assets_mod.DepreciationLine
DisposalResult = assets_mod.DisposalResult
YearView = years_mod.YearView


def list_years(books: Books) -> list[YearView]:
    """Every fiscal year with a row or with entries (a year without a row: the calendar
    year, open)."""
    with _read(books) as conn:
        return years_mod.fiscal_years(conn)


def add_asset(books: Books, code: str, account: str, name: str, day: dt.date, cost: int,
              dimension: str = ECP_DIMENSION, years: int | None = None,
              rate: Rate | None = None, method: str = "lineaire",
              expense_id: int | None = None, user: str | None = None) -> AssetView:
    """A new fixed asset of ``dimension``: ``cost`` HT in centimes, ``years`` of useful life or
    a ``rate`` in basis points, ``method`` lineaire or degressif."""
    with _write(books) as conn:
        view = assets_mod.add_asset(conn, code, account, name, day, cost, books.who(user),
                                    dimension=dimension, years=years,
                                    rate_bp=int(rate) if rate is not None else None,
                                    method=method, expense_id=expense_id)
        _audit(conn, books, "immobilisation.ajout", view.code,
               f"{view.name}, {view.account}, {fmt_fr(view.cost)} DH, {view.dimension}", user)
        return view


def get_asset(books: Books, code: str) -> AssetView:
    with _read(books) as conn:
        return assets_mod.get_asset(conn, code)


def list_assets(books: Books, year: int | None = None) -> list[AssetRow]:
    """The register at 31/12 of ``year`` (default: this year): gross, cumulated, net."""
    with _read(books) as conn:
        return assets_mod.asset_rows(conn, year or books.today().year)


DepreciationDue = assets_mod.DepreciationDue


def depreciation_preview(books: Books, year: int) -> list[DepreciationDue]:
    """Per asset: the year's charge, what is already posted, what a run would post now."""
    with _read(books) as conn:
        return assets_mod.depreciation_due(conn, year)


def depreciation_run(books: Books, year: int, day: dt.date | None = None,
                     user: str | None = None) -> list[DepreciationLine]:
    """Post the year's depreciation (or only the difference with earlier runs)."""
    with _write(books) as conn:
        lines = assets_mod.run_depreciation(conn, year, books.who(user), day)
        if any(x.posted_now for x in lines):
            _audit(conn, books, "amortissements", str(year),
                   ", ".join(f"{x.asset} {x.posted_now}" for x in lines if x.posted_now)
                   + " (centimes passés)", user)
        return lines


def dispose_asset(books: Books, code: str, day: dt.date, price: int = 0,
                  user: str | None = None) -> DisposalResult:
    """The disposal of an asset on ``day`` at ``price`` (centimes HT, 0 when scrapped)."""
    with _write(books) as conn:
        res = assets_mod.dispose_asset(conn, code, day, books.who(user), price)
        _audit(conn, books, "immobilisation.cession", res.asset,
               f"VNC {fmt_fr(res.net)} DH, prix {fmt_fr(res.price)} DH ({res.entry})", user)
        return res
