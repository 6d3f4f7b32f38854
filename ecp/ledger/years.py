"""Fiscal years: the ``fiscal_years`` rows (start, end, status) and the years the ledger has
entries in. A year with entries but no row is the calendar year, open: the row is written
(``ensure_year``) the first time a year-end step needs it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select

from ecp.db.models import Entry, FiscalYear
from ecp.kernel.errors import InputError
from ecp.ledger.posting import now_iso

YEAR_STATUSES = ("open", "provisional", "final")
STATUS_FR = {"open": "ouvert", "provisional": "clôture provisoire", "final": "clôturé"}


@dataclass(frozen=True)
class YearView:
    year: int
    start: int  # YYYYMMDD, inclusive
    end: int  # YYYYMMDD, inclusive
    status: str  # open | provisional | final
    entries: int


def _calendar(year: int) -> tuple[int, int]:
    return year * 10000 + 101, year * 10000 + 1231


def fiscal_years(conn: Connection) -> list[YearView]:
    """Every year with a row or with entries, oldest first, with its number of entries."""
    counts = {int(y): int(n) for y, n in conn.execute(
        select(Entry.fiscal_year, func.count()).group_by(Entry.fiscal_year)).all()}
    rows = {r.year: r for r in conn.execute(select(FiscalYear)).all()}
    out = []
    for year in sorted(set(counts) | set(rows)):
        r = rows.get(year)
        start, end = (r.start, r.end) if r is not None else _calendar(year)
        out.append(YearView(year, start, end, r.status if r is not None else "open",
                            counts.get(year, 0)))
    return out


def check_year(year: int, field: str = "year") -> int:
    if not 1900 <= year <= 9999:
        raise InputError(f"exercice : {year} n'est pas une année (AAAA)", field=field,
                         code="year.range")
    return year


def ensure_year(conn: Connection, year: int, user: str) -> YearView:
    """The year's row, written as the calendar year, open, when it has none yet."""
    check_year(year)
    row = conn.execute(select(FiscalYear).where(FiscalYear.year == year)).first()
    if row is None:
        start, end = _calendar(year)
        conn.execute(insert(FiscalYear).values(year=year, start=start, end=end, status="open",
                                               at=now_iso(), by=user))
        status = "open"
    else:
        start, end, status = row.start, row.end, row.status
    n = int(conn.scalar(select(func.count()).select_from(Entry)
                        .where(Entry.fiscal_year == year)) or 0)
    return YearView(year, start, end, status, n)


def require_open(conn: Connection, year: int, user: str, field: str = "year") -> YearView:
    """``ensure_year``, refusing a year closed for good."""
    view = ensure_year(conn, year, user)
    if view.status == "final":
        raise InputError(f"exercice {year} : clôturé définitivement, plus aucune écriture",
                         field=field, code="year.final")
    return view
