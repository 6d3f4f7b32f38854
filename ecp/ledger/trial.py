"""The trial balance, in plain dialect-neutral SQL (``ecp.db.lite.fetch``).

It reads the ``balances`` table (accounts × months rows) for whole months and touches posting
lines only for the partial months at the edges of a period, so its cost grows with the chart
and the calendar, not with the number of postings.

Written without SQLAlchemy expressions on purpose: ``ecp report trial-balance`` runs it on a
bare ``sqlite3`` connection, so a one-shot command does not import SQLAlchemy at all; the
terminal UI, the exports and PostgreSQL run the same SQL on a SQLAlchemy connection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ecp.db.lite import fetch
from ecp.ledger.entry import day_int

FAR_PAST = dt.date(1900, 1, 1)
FAR_FUTURE = dt.date(9999, 12, 31)
ALL = "*"  # the balances' all-dimensions total (as ecp.ledger.posting.ALL)


@dataclass(frozen=True)
class TrialRow:
    account: str
    name: str
    opening_debit: int
    opening_credit: int
    debit: int
    credit: int
    closing_debit: int
    closing_credit: int
    # An account flagged internal in the chart (44881, 61468, 71248): flows between the
    # members' and the ECP's dimensions that the legal entity's own view sets apart
    internal: bool = False


@dataclass(frozen=True)
class TrialBalance:
    date_from: dt.date | None
    date_to: dt.date | None
    dimension: str | None
    rows: tuple[TrialRow, ...]

    def total(self, field: str, internal: bool | None = None) -> int:
        """The column's total; ``internal`` True / False: of the internal accounts only / of
        the others only."""
        return sum(getattr(r, field) for r in self.rows
                   if internal is None or r.internal == internal)

    @property
    def entity(self) -> bool:
        """The legal entity's view (no dimension): internal accounts are set apart."""
        return self.dimension is None


def _month(d: dt.date) -> int:
    return d.year * 100 + d.month


def _first_of_next_month(d: dt.date) -> dt.date:
    return dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def dimension_exists(conn: Any, code: str) -> bool:
    return bool(fetch(conn, "SELECT code FROM dimensions WHERE code = :code", {"code": code}))


def _movements(conn: Any, start: dt.date, end: dt.date,
               dimension: str | None) -> dict[str, list[int]]:
    """{account: [debit, credit]} of the postings dated in [start, end)."""
    out: dict[str, list[int]] = {}
    if start >= end:
        return out
    # Whole months inside [start, end) come from the balances; the ragged edges from the lines.
    # An open end (FAR_FUTURE) has no ragged edge: every month up to the last comes whole.
    open_end = end >= FAR_FUTURE
    fm_start = start if start.day == 1 else _first_of_next_month(start)
    fm_end = end if open_end else dt.date(end.year, end.month, 1)
    partial: list[tuple[dt.date, dt.date]] = []
    if fm_start < fm_end:
        sql = ("SELECT account, SUM(debit), SUM(credit) FROM balances"
               " WHERE dimension = :dim AND month >= :m0")
        params: dict[str, Any] = {"dim": dimension or ALL, "m0": _month(fm_start)}
        if not open_end:
            sql += " AND month < :m1"
            params["m1"] = _month(fm_end)
        for acc, d, c in fetch(conn, sql + " GROUP BY account", params):
            out[acc] = [int(d), int(c)]
        if start < fm_start:
            partial.append((start, fm_start))
        if fm_end < end and not open_end:
            partial.append((fm_end, end))
    else:
        partial.append((start, end))
    for a, b in partial:
        # ``account IN (chart)`` lets the (account, day) index seek each account's days
        # instead of scanning every line: the cost is one edge month, not the whole ledger.
        sql = ("SELECT account,"
               " SUM(CASE WHEN amount > 0 THEN amount ELSE 0 END),"
               " SUM(CASE WHEN amount < 0 THEN -amount ELSE 0 END)"
               " FROM lines WHERE account IN (SELECT code FROM accounts)"
               " AND day >= :d0 AND day < :d1")
        params = {"d0": day_int(a), "d1": day_int(b)}
        if dimension:
            sql += " AND dimension = :dim"
            params["dim"] = dimension
        for acc, d, c in fetch(conn, sql + " GROUP BY account", params):
            cur = out.setdefault(acc, [0, 0])
            cur[0] += int(d)
            cur[1] += int(c)
    return out


def _journal_day(conn: Any, journal: str, day: dt.date,
                 dimension: str | None) -> dict[str, tuple[int, int]]:
    """{account: (debit, credit)} of the lines of ``journal``'s entries dated ``day``."""
    sql = ("SELECT l.account,"
           " SUM(CASE WHEN l.amount > 0 THEN l.amount ELSE 0 END),"
           " SUM(CASE WHEN l.amount < 0 THEN -l.amount ELSE 0 END)"
           " FROM lines l JOIN entries e ON e.id = l.entry_id"
           " WHERE e.journal = :j AND e.day = :d")
    params: dict[str, Any] = {"j": journal, "d": day_int(day)}
    if dimension:
        sql += " AND l.dimension = :dim"
        params["dim"] = dimension
    return {acc: (int(d), int(c)) for acc, d, c in fetch(conn, sql + " GROUP BY l.account",
                                                         params)}


def _shift(into: dict[str, list[int]], account: str, debit: int, credit: int) -> None:
    cur = into.setdefault(account, [0, 0])
    cur[0] += debit
    cur[1] += credit


def trial_balance(conn: Any, date_from: dt.date | None = None,
                  date_to: dt.date | None = None, dimension: str | None = None) -> TrialBalance:
    """Six columns per account: opening, movements and closing, each debit and credit.

    ``conn``: a ``sqlite3`` or a SQLAlchemy connection, inside one read snapshot.
    ``date_to`` is inclusive, as the bookkeeper types it. Opening is everything before
    ``date_from`` and the à-nouveaux (journal AN) dated ``date_from``; closing is opening plus
    the period's movements, leaving out the closing entries (journal CL) dated ``date_to``:
    a fiscal year read on its bounds gives its balance before closing, whose classes 6-7 make
    its result, and the next year opens on its à-nouveaux, classes 6-7 at zero.

    Every account with a movement has its row, internal ones included (``TrialRow.internal``):
    without a dimension (the legal entity) readers set them apart, the auditor's export keeps
    them all; with a dimension (a member's or the ECP's books) they are accounts like others.
    """
    start = date_from or FAR_PAST
    end = (date_to + dt.timedelta(days=1)) if date_to and date_to < FAR_FUTURE else FAR_FUTURE
    before = _movements(conn, FAR_PAST, start, dimension) if date_from else {}
    during = _movements(conn, start, end, dimension)
    # A fiscal year read on its bounds: its à-nouveaux open it, its closing entries (which
    # bring every account to zero on the last day) are left out — the balance before closing.
    if date_from:
        for acc, (d, c) in _journal_day(conn, "AN", date_from, dimension).items():
            _shift(during, acc, -d, -c)
            _shift(before, acc, d, c)
    if date_to and date_to < FAR_FUTURE:
        for acc, (d, c) in _journal_day(conn, "CL", date_to, dimension).items():
            _shift(during, acc, -d, -c)
    chart = {code: (name, bool(internal))
             for code, name, internal in fetch(conn, "SELECT code, name, internal FROM accounts")}
    rows = []
    for acc in sorted(set(before) | set(during)):
        od, oc = before.get(acc, [0, 0])
        md, mc = during.get(acc, [0, 0])
        if od == oc and md == mc == 0:
            continue
        opening = od - oc
        closing = opening + md - mc
        name, internal = chart.get(acc, ("?", False))
        rows.append(TrialRow(acc, name, max(opening, 0), max(-opening, 0),
                             md, mc, max(closing, 0), max(-closing, 0), internal))
    return TrialBalance(date_from, date_to, dimension, tuple(rows))
