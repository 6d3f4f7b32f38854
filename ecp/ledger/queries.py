"""Read side of the ledger: SQL aggregates and keyset pages, returned as frozen view-models.

The trial balance lives in ``ecp.ledger.trial`` (plain SQL, runnable without SQLAlchemy for
a one-shot command) and is re-exported here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, and_, func, or_, select

from ecp.db.models import Account, Balance, Entry, Line
from ecp.ledger.entry import day_int, day_iso, entry_ref
from ecp.ledger.posting import ALL
from ecp.ledger.trial import FAR_FUTURE, FAR_PAST, TrialBalance, TrialRow, trial_balance

__all__ = ["FAR_FUTURE", "FAR_PAST", "ChainEntry", "ChainLine", "LedgerPage", "LedgerRow",
           "PostingRow", "TrialBalance", "TrialRow", "balance_before", "iter_chain",
           "iter_postings", "ledger_page", "trial_balance"]


@dataclass(frozen=True)
class LedgerRow:
    line_id: int
    day: str
    entry: str
    label: str
    reference: str
    dimension: str
    third_party: str | None
    amount: int
    balance: int  # running balance after this line, debit +


@dataclass(frozen=True)
class LedgerPage:
    account: str
    name: str
    opening: int
    rows: tuple[LedgerRow, ...]
    has_before: bool
    has_after: bool


def balance_before(conn: Connection, account: str, dimension: str | None, day: int,
                   line_id: int) -> int:
    """Balance of ``account`` over every line ordered before (day, line_id).

    Whole months come from the balances, the current month from the covering index: at most a
    month of one account's lines is read.
    """
    month = day // 100
    b = conn.execute(select(func.coalesce(func.sum(Balance.debit - Balance.credit), 0)).where(
        Balance.dimension == (dimension or ALL), Balance.account == account,
        Balance.month < month)).scalar_one()
    # (day, id) < (day, line_id), spelt so that the index range stops at ``day``.
    q = select(func.coalesce(func.sum(Line.amount), 0)).where(
        Line.account == account, Line.day >= month * 100, Line.day <= day,
        or_(Line.day < day, Line.id < line_id))
    if dimension:
        q = q.where(Line.dimension == dimension)
    return int(b) + int(conn.execute(q).scalar_one())


def ledger_page(conn: Connection, account: str, dimension: str | None = None,
                date_from: dt.date | None = None, date_to: dt.date | None = None,
                after: tuple[int, int] | None = None, before: tuple[int, int] | None = None,
                last: bool = False, limit: int = 50) -> LedgerPage:
    """One page of the general ledger of ``account`` (keyset pagination on (day, line id)).

    ``after`` gives the page following a row, ``before`` the page preceding it, ``last`` the
    final page. The running balance of each row includes everything posted before it.
    """
    lo = day_int(date_from) if date_from else 0
    hi = day_int(date_to) if date_to else 99_991_231
    # The keyset row also narrows the day range: one lower and one upper bound on day, so the
    # (account, day) index seeks straight to the page (SQLite uses a single bound per side).
    q_lo = max(lo, after[0]) if after is not None else lo
    q_hi = min(hi, before[0]) if before is not None else hi
    q = select(Line.id, Line.day, Line.amount, Line.dimension, Line.third_party,
               Line.entry_id).where(Line.account == account, Line.day >= q_lo, Line.day <= q_hi)
    if dimension:
        q = q.where(Line.dimension == dimension)
    backwards = last or before is not None
    if after is not None:
        q = q.where(or_(Line.day > after[0], and_(Line.day == after[0], Line.id > after[1])))
    if before is not None:
        q = q.where(or_(Line.day < before[0], and_(Line.day == before[0], Line.id < before[1])))
    q = q.order_by(Line.day.desc(), Line.id.desc()) if backwards else q.order_by(Line.day, Line.id)
    got = list(conn.execute(q.limit(limit + 1)))
    more = len(got) > limit
    got = got[:limit]
    if backwards:
        got.reverse()
    name = conn.scalar(select(Account.name).where(Account.code == account)) or "?"
    opening = balance_before(conn, account, dimension, lo, 0)
    if not got:
        return LedgerPage(account, name, opening, (), False, False)
    ids = {r.entry_id for r in got}
    info = {e.id: e for e in conn.execute(
        select(Entry.id, Entry.journal, Entry.fiscal_year, Entry.number, Entry.label,
               Entry.reference).where(Entry.id.in_(ids)))}
    running = balance_before(conn, account, dimension, got[0].day, got[0].id)
    rows = []
    for r in got:
        running += r.amount
        e = info[r.entry_id]
        rows.append(LedgerRow(r.id, day_iso(r.day), entry_ref(e.journal, e.fiscal_year, e.number),
                              e.label, e.reference, r.dimension, r.third_party, r.amount, running))
    has_before = more if backwards else after is not None
    has_after = (before is not None) if backwards else more
    return LedgerPage(account, name, opening, tuple(rows), has_before, has_after)


@dataclass(frozen=True)
class PostingRow:
    """One posting line with its entry, as the journal and the auditor exports show it."""

    entry_id: int
    journal: str
    entry: str
    day: str
    label: str
    reference: str
    account: str
    account_name: str
    dimension: str
    third_party: str | None
    due: str | None
    amount: int
    hash: str
    posted_by: str = ""  # who posted the line's entry
    posted_at: str = ""  # when (ISO 8601, the books' clock)


def iter_postings(conn: Connection, date_from: dt.date | None = None,
                  date_to: dt.date | None = None, journal: str | None = None,
                  dimension: str | None = None, account: str | None = None,
                  order: str = "journal") -> Iterator[PostingRow]:
    """Stream posting lines, in entry order (journal) or account then date order (ledger)."""
    names = dict(conn.execute(select(Account.code, Account.name)).all())
    q = (select(Line.entry_id, Entry.journal, Entry.fiscal_year, Entry.number, Line.day,
                Entry.label, Entry.reference, Line.account, Line.dimension, Line.third_party,
                Line.due_day, Line.amount, Entry.hash, Entry.posted_by, Entry.posted_at)
         .join(Entry, Entry.id == Line.entry_id))
    if date_from:
        q = q.where(Line.day >= day_int(date_from))
    if date_to:
        q = q.where(Line.day <= day_int(date_to))
    if journal:
        q = q.where(Entry.journal == journal)
    if dimension:
        q = q.where(Line.dimension == dimension)
    if account:
        q = q.where(Line.account == account)
    if order == "ledger":
        q = q.order_by(Line.account, Line.day, Line.id)
    else:
        q = q.order_by(Line.day, Entry.journal, Entry.number, Line.line_no) if order == "date" \
            else q.order_by(Entry.journal, Entry.fiscal_year, Entry.number, Line.line_no)
    for r in conn.execution_options(yield_per=5000).execute(q):
        yield PostingRow(r[0], r[1], entry_ref(r[1], r[2], r[3]), day_iso(r[4]), r[5], r[6],
                         r[7], names.get(r[7], "?"), r[8], r[9],
                         day_iso(r[10]) if r[10] else None, r[11], r[12], r[13], r[14])


@dataclass(frozen=True)
class ChainLine:
    account: str
    dimension: str
    amount: int
    third_party: str | None


@dataclass(frozen=True)
class ChainEntry:
    """A posted entry with its lines, as the hash chain orders them."""

    id: int
    ref: str
    day: str
    label: str
    reference: str
    hash: str
    lines: tuple[ChainLine, ...]


def iter_chain(conn: Connection) -> Iterator[ChainEntry]:
    """Every posted entry in chain order (entry id), one at a time.

    Lines are read through their entry_id index, so SQLite sorts only within an entry: an
    export streams from the first row, whatever the size of the books.
    """
    q = (select(Entry.id, Entry.journal, Entry.fiscal_year, Entry.number, Entry.day, Entry.label,
                Entry.reference, Entry.hash, Line.account, Line.dimension, Line.amount,
                Line.third_party)
         .join(Line, Line.entry_id == Entry.id).order_by(Line.entry_id, Line.line_no))
    cur: tuple[int, str, str, str, str, str] | None = None  # the entry's own fields
    lines: list[ChainLine] = []
    for r in conn.execution_options(yield_per=5000).execute(q):
        if cur is None or r.id != cur[0]:
            if cur is not None:
                yield ChainEntry(*cur, tuple(lines))
            cur = (r.id, entry_ref(r.journal, r.fiscal_year, r.number), day_iso(r.day),
                   r.label, r.reference or "", r.hash)
            lines = []
        lines.append(ChainLine(r.account, r.dimension, int(r.amount), r.third_party))
    if cur is not None:
        yield ChainEntry(*cur, tuple(lines))
