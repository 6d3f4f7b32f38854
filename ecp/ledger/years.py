"""Fiscal years: the ``fiscal_years`` rows (start, end, status) and the years the ledger has
entries in. A year with entries but no row is the calendar year, open: the row is written
(``ensure_year``) the first time a year-end step needs it.

Fiscal years are calendar years, except the first, which may start on any day of its year
and end on 31 December (``define_first_year``): loi 9-88 art. 7 sets twelve months,
exceptionally fewer — never more — so a longer first year is refused. Numbering per fiscal
year therefore stays numbering per calendar year."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, update

from ecp.db.models import Entry, FiscalYear
from ecp.kernel.errors import InputError
from ecp.ledger.entry import day_iso
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


def define_first_year(conn: Connection, year: int, start: int, user: str) -> YearView:
    """Make ``year`` the books' first fiscal year, from ``start`` (YYYYMMDD, in that year) to
    31 December: no entry and no other fiscal year before it, none of its entries before
    ``start``; the year open. Postings dated before ``start`` are refused from then on."""
    check_year(year)
    if start // 10000 != year:
        raise InputError(f"début : {day_iso(start)} n'est pas en {year} — le premier exercice "
                         "finit le 31/12 de son année : douze mois au plus (loi 9-88, art. 7)",
                         field="start", code="year.start")
    earlier = conn.scalar(select(func.min(Entry.day)).where(Entry.day < start))
    if earlier is not None:
        raise InputError(f"début : une écriture est datée du {day_iso(int(earlier))}, avant le "
                         f"{day_iso(start)}", field="start", code="year.entries_before")
    other = conn.scalar(select(FiscalYear.year).where(FiscalYear.year < year))
    if other is not None:
        raise InputError(f"exercice {year} : l'exercice {other} le précède, ce n'est pas le "
                         "premier", field="year", code="year.not_first")
    row = conn.execute(select(FiscalYear).where(FiscalYear.year == year)).first()
    if row is not None and row.status != "open":
        raise InputError(f"exercice {year} : déjà clôturé", field="year", code="year.closed")
    end = year * 10000 + 1231
    if row is None:
        conn.execute(insert(FiscalYear).values(year=year, start=start, end=end, status="open",
                                               at=now_iso(), by=user))
    else:
        conn.execute(update(FiscalYear).where(FiscalYear.year == year).values(
            start=start, end=end, at=now_iso(), by=user))
    return ensure_year(conn, year, user)


def books_start(conn: Connection) -> int | None:
    """The first day of the books when their first fiscal year was defined to start after
    1 January (``define_first_year``), else None."""
    day = conn.scalar(select(func.min(FiscalYear.start)))
    return int(day) if day is not None and day % 10000 != 101 else None
