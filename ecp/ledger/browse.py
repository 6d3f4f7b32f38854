"""What the bookkeeper's screens browse: entries by keyset pages, one entry in full, and the
dashboard's figures. Everything is an indexed query returning frozen view-models."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, and_, exists, func, or_, select

from ecp.db.models import Account, Balance, Dimension, Entry, Line
from ecp.ledger.entry import day_iso, entry_ref
from ecp.ledger.posting import ALL


@dataclass(frozen=True)
class EntryRow:
    id: int
    day: int
    ref: str
    date: str
    journal: str
    label: str
    reference: str
    amount: int  # the operation's amount: see ``operation_amount``
    dimensions: str
    reverses: str | None
    reversed_by: str | None


@dataclass(frozen=True)
class EntryFilter:
    journal: str | None = None
    month: int | None = None  # YYYYMM
    dimension: str | None = None
    text: str | None = None


def _ref_of(conn: Connection, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {r.id: entry_ref(r.journal, r.fiscal_year, r.number) for r in conn.execute(
        select(Entry.id, Entry.journal, Entry.fiscal_year, Entry.number)
        .where(Entry.id.in_(ids)))}


OPERATION_ACCOUNTS: dict[str, tuple[str, ...]] = {
    "BQ": ("51",), "CA": ("51",), "VT": ("342",), "AC": ("441",),
    "RG": ("51", "342", "441")}
"""The lines that carry an entry's operation, by journal: the treasury (51…) of a bank or
cash entry, the customer (342…) of a sale, the supplier (441…) of a purchase; a late entry
(RG, régularisations: any kind of entry) the first of these it has."""


def operation_amount(journal: str, lines: list[tuple[str, int]]) -> int:
    """The amount of the operation an entry records, as the entry list shows it (positive):
    on the accounts ``OPERATION_ACCOUNTS`` names for its journal, the larger of their debits
    and their credits — the 4 000,00 DH a cheque brought to the bank, not that plus the VAT
    moved from 44551 to 4455 by the same entry; a bank-to-cash transfer's 5141 credit and 5161
    debit give its amount once. An entry with no such line (OD, AN, a BQ entry without a
    treasury line) shows its total debit."""
    for prefix in OPERATION_ACCOUNTS.get(journal, ()):
        mine = [a for acc, a in lines if acc.startswith(prefix)]
        if mine:
            return max(sum(a for a in mine if a > 0), -sum(a for a in mine if a < 0))
    return sum(a for _, a in lines if a > 0)


def entries_page(conn: Connection, flt: EntryFilter, before: tuple[int, int] | None = None,
                 after: tuple[int, int] | None = None, limit: int = 100) -> list[EntryRow]:
    """Newest first. ``before`` = (day, id) of the last row shown: the next (older) page;
    ``after`` = (day, id) of the first row shown: the previous (newer) page."""
    q = select(Entry.id, Entry.day, Entry.journal, Entry.fiscal_year, Entry.number,
               Entry.label, Entry.reference, Entry.reverses)
    if flt.journal:
        q = q.where(Entry.journal == flt.journal)
    if flt.month:
        q = q.where(Entry.day >= flt.month * 100, Entry.day < flt.month * 100 + 100)
    if flt.dimension:
        q = q.where(exists().where(Line.entry_id == Entry.id, Line.dimension == flt.dimension))
    if flt.text:
        t = flt.text.strip()
        like = f"%{t}%"
        conds: list[ColumnElement[bool]] = [Entry.label.ilike(like),
                                            Entry.reference.ilike(like)]
        parts = t.upper().split("-")
        if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
            conds.append(and_(Entry.journal == parts[0], Entry.fiscal_year == int(parts[1]),
                              Entry.number == int(parts[2])))
        q = q.where(or_(*conds))
    if before is not None:
        q = q.where(or_(Entry.day < before[0], and_(Entry.day == before[0],
                                                    Entry.id < before[1])))
        q = q.order_by(Entry.day.desc(), Entry.id.desc())
    elif after is not None:
        q = q.where(or_(Entry.day > after[0], and_(Entry.day == after[0], Entry.id > after[1])))
        q = q.order_by(Entry.day, Entry.id)
    else:
        q = q.order_by(Entry.day.desc(), Entry.id.desc())
    rows = list(conn.execute(q.limit(limit)))
    if after is not None:
        rows.reverse()
    ids = {r.id for r in rows}
    lines: dict[int, list[tuple[str, int]]] = {}
    dims: dict[int, set[str]] = {}
    if ids:
        for eid, account, amount, dim in conn.execute(
                select(Line.entry_id, Line.account, Line.amount, Line.dimension)
                .where(Line.entry_id.in_(ids))):
            lines.setdefault(eid, []).append((account, amount))
            dims.setdefault(eid, set()).add(dim)
    totals = {r.id: operation_amount(r.journal, lines.get(r.id, [])) for r in rows}
    reversed_by = {r.reverses: r.id for r in conn.execute(
        select(Entry.reverses, Entry.id).where(Entry.reverses.in_(ids)))} if ids else {}
    refs = _ref_of(conn, {r.reverses for r in rows if r.reverses} | set(reversed_by.values()))
    return [EntryRow(r.id, r.day, entry_ref(r.journal, r.fiscal_year, r.number), day_iso(r.day),
                     r.journal, r.label, r.reference, totals[r.id],
                     " ".join(sorted(dims.get(r.id, ()))),
                     refs.get(r.reverses) if r.reverses else None,
                     refs.get(reversed_by[r.id]) if r.id in reversed_by else None)
            for r in rows]


@dataclass(frozen=True)
class EntryLineView:
    line_no: int
    account: str
    account_name: str
    dimension: str
    third_party: str | None
    due: str | None
    amount: int


@dataclass(frozen=True)
class EntryDetail:
    id: int
    ref: str
    date: str
    journal: str
    label: str
    reference: str
    posted_by: str
    posted_at: str
    hash: str
    reverses: str | None
    reversed_by: str | None
    lines: tuple[EntryLineView, ...]


def entry_detail(conn: Connection, entry_id: int) -> EntryDetail | None:
    e = conn.execute(select(Entry.__table__).where(Entry.id == entry_id)).first()
    if e is None:
        return None
    rev_by = conn.scalar(select(Entry.id).where(Entry.reverses == entry_id))
    refs = _ref_of(conn, {x for x in (e.reverses, rev_by) if x})
    lines = tuple(
        EntryLineView(r.line_no, r.account, r.name, r.dimension, r.third_party,
                      day_iso(r.due_day) if r.due_day else None, r.amount)
        for r in conn.execute(
            select(Line.line_no, Line.account, Account.name, Line.dimension, Line.third_party,
                   Line.due_day, Line.amount).join(Account, Account.code == Line.account)
            .where(Line.entry_id == entry_id).order_by(Line.line_no)))
    return EntryDetail(e.id, entry_ref(e.journal, e.fiscal_year, e.number), day_iso(e.day),
                       e.journal, e.label, e.reference, e.posted_by, e.posted_at, e.hash,
                       refs.get(e.reverses) if e.reverses else None,
                       refs.get(rev_by) if rev_by else None, lines)


@dataclass(frozen=True)
class Dashboard:
    ecp_name: str
    cash_by_dimension: tuple[tuple[str, str, int], ...]  # code, name, balance
    cash_total: int
    receivables: int
    payables: int
    vat_collected: int  # 4455, due to the State (credit balance, shown positive)
    vat_pending: int  # 44551, collected on invoices not yet paid
    vat_deductible: int  # 34552 + 34554 (debit balance)
    entries_this_month: int
    entries_total: int
    month: str


def _prefix_balance(conn: Connection, prefixes: tuple[str, ...]) -> int:
    q = select(func.coalesce(func.sum(Balance.debit - Balance.credit), 0)).where(
        Balance.dimension == ALL, or_(*[Balance.account.like(p + "%") for p in prefixes]))
    return int(conn.execute(q).scalar_one())


def _accounts_balance(conn: Connection, codes: tuple[str, ...]) -> int:
    q = select(func.coalesce(func.sum(Balance.debit - Balance.credit), 0)).where(
        Balance.dimension == ALL, Balance.account.in_(codes))
    return int(conn.execute(q).scalar_one())


def dashboard(conn: Connection, today: dt.date) -> Dashboard:
    names = dict(conn.execute(select(Dimension.code, Dimension.name)).all())
    cash = [(d, names.get(d, d), int(v)) for d, v in conn.execute(
        select(Balance.dimension, func.sum(Balance.debit - Balance.credit))
        .where(Balance.dimension != ALL, Balance.account.like("51%"))
        .group_by(Balance.dimension).order_by(Balance.dimension))]
    month = today.year * 100 + today.month
    this_month = conn.scalar(select(func.count()).select_from(Entry).where(
        Entry.day >= month * 100, Entry.day < month * 100 + 100)) or 0
    total = conn.scalar(select(func.max(Entry.id))) or 0
    return Dashboard(
        ecp_name=names.get("ECP", "ECP"),
        cash_by_dimension=tuple(cash),
        cash_total=sum(v for _, _, v in cash),
        receivables=_prefix_balance(conn, ("342",)),
        payables=-_prefix_balance(conn, ("441",)),
        vat_collected=-_accounts_balance(conn, ("4455",)),
        vat_pending=-_accounts_balance(conn, ("44551",)),
        vat_deductible=_accounts_balance(conn, ("34552", "34554")),
        entries_this_month=int(this_month),
        entries_total=int(total),
        month=f"{today.year:04d}-{today.month:02d}",
    )


def search_accounts(conn: Connection, text: str, limit: int = 30) -> list[tuple[str, str]]:
    """Accounts whose code starts with, or whose name contains, ``text``."""
    t = text.strip()
    q = select(Account.code, Account.name).order_by(Account.code).limit(limit)
    if t:
        q = q.where(or_(Account.code.like(t + "%"), Account.name.ilike(f"%{t}%")))
    return [(c, n) for c, n in conn.execute(q)]


# --- report screens: journal pages, their totals, the entry of a ledger line -----------------

@dataclass(frozen=True)
class JournalLine:
    """One posting line as the Journaux screen shows it."""

    line_id: int
    entry_id: int
    day: int
    date: str
    entry: str  # VT-2026-000012
    journal: str
    label: str
    account: str
    account_name: str
    dimension: str
    third_party: str | None
    amount: int


@dataclass(frozen=True)
class JournalPage:
    rows: tuple[JournalLine, ...]
    has_before: bool
    has_after: bool


@dataclass(frozen=True)
class JournalTotals:
    entries: int
    lines: int
    debit: int
    credit: int


def _journal_conds(journal: str | None, date_from: dt.date | None, date_to: dt.date | None,
                   dimension: str | None, by_day: bool = False, after_day: int | None = None,
                   before_day: int | None = None) -> list[ColumnElement[bool]]:
    """The filters of the Journaux screen. ``by_day``: spelt so that the only index the
    planner can use is the entries' ``day`` one (``col || ''`` hides the journal and dimension
    indexes), which yields the rows already in date order: a page is read, not sorted. The
    keyset row's day narrows the day range itself: one bound per side, so the index seeks
    straight to the page."""
    lo = date_from.year * 10_000 + date_from.month * 100 + date_from.day if date_from else 0
    hi = date_to.year * 10_000 + date_to.month * 100 + date_to.day if date_to else 99_991_231
    if after_day is not None:
        lo = max(lo, after_day)
    if before_day is not None:
        hi = min(hi, before_day)
    conds = [Entry.day >= lo, Entry.day <= hi]
    if journal:
        conds.append((Entry.journal + "" if by_day else Entry.journal) == journal)
    if dimension:
        conds.append((Line.dimension + "" if by_day else Line.dimension) == dimension)
    return conds


SPARSE_JOURNAL = 2_000  # entries under which a journal is read through its own index


def journal_page(conn: Connection, journal: str | None = None,
                 date_from: dt.date | None = None, date_to: dt.date | None = None,
                 dimension: str | None = None, after: tuple[int, int, int] | None = None,
                 before: tuple[int, int, int] | None = None, last: bool = False,
                 limit: int = 100) -> JournalPage:
    """One page of journal lines in date order (keyset on (day, entry id, line id)).

    The scan is driven by the entries' ``day`` index (whose rowid is the entry id) and reaches
    the lines through their ``entry_id`` index: the first and the last page of a million lines
    read about ``limit`` rows, never the whole journal. A journal with few entries at all (AN,
    or one barely used) would make that scan long for nothing: then its own index is used and
    its few rows sorted. ``after`` / ``before`` are the key of the last / first row
    shown; ``last`` gives the final page.
    """
    after_day = after[0] if after else None
    before_day = before[0] if before else None
    by_day = True
    if journal:  # counted on the (journal, year, number) index alone, at most SPARSE_JOURNAL
        few = select(Entry.id).where(Entry.journal == journal).limit(SPARSE_JOURNAL)
        by_day = conn.scalar(select(func.count()).select_from(few.subquery())) \
            == SPARSE_JOURNAL
    q = (select(Line.id, Line.entry_id, Entry.day, Entry.journal, Entry.fiscal_year,
                Entry.number, Entry.label, Line.account, Line.dimension, Line.third_party,
                Line.amount).select_from(Entry).join(Line, Line.entry_id == Entry.id)
         .where(*_journal_conds(journal, date_from, date_to, dimension, by_day=by_day,
                                after_day=after_day, before_day=before_day)))
    backwards = last or before is not None
    if after is not None:
        d, e, ln = after
        q = q.where(or_(Entry.day > d, and_(Entry.day == d, or_(
            Entry.id > e, and_(Entry.id == e, Line.id > ln)))))
    if before is not None:
        d, e, ln = before
        q = q.where(or_(Entry.day < d, and_(Entry.day == d, or_(
            Entry.id < e, and_(Entry.id == e, Line.id < ln)))))
    if backwards:
        q = q.order_by(Entry.day.desc(), Entry.id.desc(), Line.id.desc())
    else:
        q = q.order_by(Entry.day, Entry.id, Line.id)
    got = list(conn.execute(q.limit(limit + 1)))
    more = len(got) > limit
    got = got[:limit]
    if backwards:
        got.reverse()
    names = dict(conn.execute(select(Account.code, Account.name).where(
        Account.code.in_({r.account for r in got}))).all()) if got else {}
    rows = tuple(JournalLine(r.id, r.entry_id, r.day, day_iso(r.day),
                             entry_ref(r.journal, r.fiscal_year, r.number), r.journal, r.label,
                             r.account, names.get(r.account, "?"), r.dimension, r.third_party,
                             int(r.amount)) for r in got)
    has_before = more if backwards else after is not None
    has_after = (before is not None) if backwards else more
    return JournalPage(rows, has_before, has_after)


def journal_totals(conn: Connection, journal: str | None = None,
                   date_from: dt.date | None = None, date_to: dt.date | None = None,
                   dimension: str | None = None) -> JournalTotals:
    """Entries, lines, total debit and total credit of the journal lines of a period.

    Debit and credit come from the sums of the amounts and of their absolute values (no CASE:
    the same SQL on SQLite and PostgreSQL, exact on integers)."""
    q = (select(func.count(func.distinct(Entry.id)), func.count(Line.id),
                func.coalesce(func.sum(Line.amount), 0),
                func.coalesce(func.sum(func.abs(Line.amount)), 0))
         .select_from(Entry).join(Line, Line.entry_id == Entry.id)
         .where(*_journal_conds(journal, date_from, date_to, dimension)))
    n_entries, n_lines, net, gross = conn.execute(q).one()
    net, gross = int(net), int(gross)
    return JournalTotals(int(n_entries), int(n_lines), (gross + net) // 2, (gross - net) // 2)


def entry_of_line(conn: Connection, line_id: int) -> int | None:
    """The id of the entry a posting line belongs to (the ledger's Enter opens it)."""
    return conn.scalar(select(Line.entry_id).where(Line.id == line_id))
