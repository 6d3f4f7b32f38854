"""The year-end inventory: each dimension's stock of materials and of finished goods at the
closing date, posted as the CGNC stock variation.

Accounts (CGNC, modèle normal). The issue names 6114x/3121x, but 6114 is the « variation de
stocks de marchandises » (goods bought for resale); the ECP's members transform materials, so:

* materials: stock 3121 « Matières premières » (the account the production module already
  posts its stock movements to; the chart's 31211 is its Groupe A sub-account and is read
  too) against 61241 « Variation des stocks des matières premières »;
* finished goods: stock 3151 « Produits finis » against 71321 « Variation des stocks de
  produits finis ».

The value of a stock: the value set by hand for the year (``inventory_values``, the latest row
wins) when there is one; else the production module's stock moves up to the closing date,
valued as ``ecp report stock`` values them (materials at their standard cost, products at the
cost of their bill of materials), an item with a negative quantity counting for nothing.

What is posted: the stock value minus the balance of the stock account on the dimension at
the closing date. That balance is the previous posted inventory plus whatever the production
module already posted (receipts, consumptions, completions, sales: a perpetual stock), so
nothing is counted twice; for a member without production data it is exactly the previous
posted inventory. A second run therefore posts nothing, a changed value only the difference.
One OD entry per dimension (both kinds), dated the closing date; one ``inventory_runs`` row per
dimension and kind whose value or posting changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select

from ecp.db.models import Dimension, FiscalYear, InventoryRun, InventoryValue, Line, StockMove
from ecp.kernel.errors import InputError, NotFoundError
from ecp.kernel.text import LABEL, check_text
from ecp.ledger import chart
from ecp.ledger.entry import JournalEntry, LineSpec, day_int, int_day
from ecp.ledger.posting import post
from ecp.production.service import (
    GOODS_STOCK,
    GOODS_VARIATION,
    MATERIALS_STOCK,
    MATERIALS_VARIATION,
    stock_report,
)

KINDS = ("matieres", "produits")
KIND_FR = {"matieres": "matières", "produits": "produits finis"}
# kind → (stock accounts read, stock account posted, variation account)
ACCOUNTS = {
    "matieres": ((MATERIALS_STOCK, "31211"), MATERIALS_STOCK, MATERIALS_VARIATION),
    "produits": ((GOODS_STOCK,), GOODS_STOCK, GOODS_VARIATION),
}
_REPORT_KIND = {"matière": "matieres", "produit": "produits"}
MAX_VALUE = 10**15  # centimes: ten thousand billion dirhams, beyond any workshop


def check_year(year: int) -> int:
    if not 1900 <= year <= 9999:
        raise InputError(f"exercice : « {year} » n'est pas une année (AAAA)", field="year")
    return year


def year_span(conn: Connection, year: int) -> tuple[dt.date, dt.date]:
    """The fiscal year's first and last day: from ``fiscal_years`` when it is there, else the
    calendar year."""
    r = conn.execute(select(FiscalYear.start, FiscalYear.end).where(FiscalYear.year == year)
                     ).first()
    if r is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    return int_day(r.start), int_day(r.end)


def closing_date(conn: Connection, year: int, day: dt.date | None) -> dt.date:
    start, end = year_span(conn, check_year(year))
    if day is None:
        return end
    if not start <= day <= end:
        raise InputError(f"date : {day.isoformat()} hors de l'exercice {year} "
                         f"({start.isoformat()} – {end.isoformat()})", field="day",
                         code="day.out_of_year")
    return day


def _dimension(conn: Connection, member: str) -> str:
    m = member.strip().upper()
    if not m or conn.scalar(select(Dimension.code).where(Dimension.code == m)) is None:
        raise NotFoundError(f"membre « {member} » inconnu", field="member")
    return m


def check_kind(kind: str) -> str:
    k = kind.strip().lower().replace("è", "e")
    if k not in KINDS:
        raise InputError(f"nature : « {kind} » (matieres ou produits)", field="kind")
    return k


def set_value(conn: Connection, year: int, member: str, kind: str, value: int, note: str,
              user: str, at: str) -> str:
    """A stock value counted by hand; it wins over the production module's for that year."""
    check_year(year)
    m = _dimension(conn, member)
    k = check_kind(kind)
    if value < 0:
        raise InputError("valeur : ne peut être négative", field="value")
    if value > MAX_VALUE:
        raise InputError("valeur : trop grande", field="value")
    check_text(note.strip(), "note", LABEL, field="note")
    conn.execute(insert(InventoryValue).values(year=year, dimension=m, kind=k, value=value,
                                               note=note.strip(), at=at, by=user))
    return m


def hand_values(conn: Connection, year: int) -> dict[tuple[str, str], int]:
    """(dimension, kind) → the latest value set by hand for the year."""
    out: dict[tuple[str, str], int] = {}
    for dim, kind, value in conn.execute(
            select(InventoryValue.dimension, InventoryValue.kind, InventoryValue.value)
            .where(InventoryValue.year == year).order_by(InventoryValue.id)):
        out[(dim, kind)] = int(value)
    return out


def _book_value(conn: Connection, dimension: str, kind: str, on: dt.date) -> int:
    accounts, _, _ = ACCOUNTS[kind]
    return int(conn.scalar(select(func.coalesce(func.sum(Line.amount), 0)).where(
        Line.account.in_(accounts), Line.dimension == dimension, Line.day <= day_int(on))) or 0)


@dataclass(frozen=True)
class InventoryLine:
    dimension: str
    kind: str  # matieres | produits
    source: str  # saisie | production
    value: int  # the stock at the closing date, centimes
    book: int  # the stock account's balance before the run
    posted: int  # the variation posted (value - book): + stock up, - stock down
    entry: str | None  # the entry's reference, None when nothing was posted


def valuation(conn: Connection, year: int, on: dt.date) -> list[InventoryLine]:
    """What a run would post, dimension by dimension (nothing written)."""
    hand = hand_values(conn, year)
    moved: dict[tuple[str, str], int] = {}
    for r in stock_report(conn, None, on):
        key = (r.member, _REPORT_KIND[r.kind])
        moved[key] = moved.get(key, 0) + max(r.value, 0)
    dims = {d for d, _ in hand} | {d for d, _ in moved}
    dims |= set(conn.scalars(select(StockMove.member).distinct()))
    dims |= set(conn.scalars(select(InventoryRun.dimension).distinct()))
    for kind in KINDS:
        dims |= set(conn.scalars(select(Line.dimension).where(
            Line.account.in_(ACCOUNTS[kind][0]), Line.day <= day_int(on)).distinct()))
    out = []
    for dim in sorted(dims):
        for kind in KINDS:
            if (dim, kind) in hand:
                source, value = "saisie", hand[(dim, kind)]
            else:
                source, value = "production", moved.get((dim, kind), 0)
            book = _book_value(conn, dim, kind, on)
            if value == 0 and book == 0:
                continue  # no stock, nothing to post: no step for this dimension
            out.append(InventoryLine(dim, kind, source, value, book, value - book, None))
    return out


def _last_run(conn: Connection, year: int, dimension: str, kind: str) -> int | None:
    return conn.scalar(select(InventoryRun.value).where(
        InventoryRun.year == year, InventoryRun.dimension == dimension,
        InventoryRun.kind == kind).order_by(InventoryRun.id.desc()).limit(1))


def run(conn: Connection, year: int, on: dt.date, user: str, at: str) -> list[InventoryLine]:
    """Post the stock variations of the year, one OD entry per dimension; idempotent."""
    lines = valuation(conn, year, on)
    out: list[InventoryLine] = []
    by_dim: dict[str, list[InventoryLine]] = {}
    for ln in lines:
        by_dim.setdefault(ln.dimension, []).append(ln)
    for dim, group in by_dim.items():
        specs: list[LineSpec] = []
        for ln in group:
            if ln.posted:
                _, stock, variation = ACCOUNTS[ln.kind]
                specs += [LineSpec(stock, dim, ln.posted), LineSpec(variation, dim, -ln.posted)]
        ref = None
        entry_id = None
        if specs:
            chart.seed(conn)  # 3121 on books created before it existed
            kinds = " et ".join(KIND_FR[ln.kind] for ln in group if ln.posted)
            posted = post(conn, JournalEntry(
                "OD", on, f"Inventaire {year} : variation des stocks de {kinds} ({dim})",
                tuple(specs), reference=f"INV-{year}"), user)
            ref, entry_id = posted.ref, posted.id
        for ln in group:
            if ln.posted or _last_run(conn, year, dim, ln.kind) != ln.value:
                conn.execute(insert(InventoryRun).values(
                    year=year, dimension=dim, kind=ln.kind, value=ln.value,
                    entry_id=entry_id if ln.posted else None, at=at, by=user))
            out.append(InventoryLine(ln.dimension, ln.kind, ln.source, ln.value, ln.book,
                                     ln.posted, ref if ln.posted else None))
    return out
