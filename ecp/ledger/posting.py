"""Posting: validation, numbering, hash chaining and per-month balances, in the caller's
transaction. Nothing here commits: ``api.unit_of_work`` owns the transaction, so a failure
anywhere leaves no number used, no line written and no balance moved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, insert, select, text

from ecp.db.models import Account, Dimension, Entry, FiscalYear, Journal, Line, Period
from ecp.kernel.errors import InputError, NotFoundError, PeriodLockedError, ValidationError
from ecp.kernel.money import MAX_AMOUNT, fmt_fr
from ecp.kernel.periods import date_problem, month_label
from ecp.kernel.text import LABEL, REFERENCE, text_problem
from ecp.ledger.chain import GENESIS
from ecp.ledger.entry import (
    JournalEntry,
    LineSpec,
    PostedEntry,
    day_int,
    day_iso,
    entry_ref,
    int_day,
    parse_entry_ref,
)

ALL = "*"
# Each journal is kept day by day (loi 9-88: « chronologiquement, opération par opération et
# jour par jour »): its numbers follow its dates within a fiscal year. An entry dated before the
# last entry of its own journal is recorded in LATE_JOURNAL, which is kept in the order entries
# are recorded (each with its operation date): the other journals never go back in time and
# nothing is refused because it came late. Why not refuse: a bank statement, a supplier's
# invoice, a contre-passation in a reopened month legitimately arrive after later entries.
LATE_JOURNAL = "RG"
# journals whose numbers need not follow their dates: the late entries' own journal, the
# openings and the year close (dated by the close itself)
UNORDERED = frozenset({LATE_JOURNAL})


_UPSERT = text(
    "INSERT INTO balances (dimension, account, month, debit, credit) "
    "VALUES (:dimension, :account, :month, :debit, :credit) "
    "ON CONFLICT (dimension, account, month) DO UPDATE SET "
    "debit = balances.debit + excluded.debit, credit = balances.credit + excluded.credit"
)

# Buffered rows are plain tuples in table column order (no per-row dict: the bulk import
# makes millions of them). On SQLite they go to the driver as they are.
ENTRY_COLS = ("id", "journal", "fiscal_year", "number", "day", "label", "reference",
              "posted_by", "posted_at", "reverses", "prev_hash", "hash")
LINE_COLS = ("id", "entry_id", "line_no", "day", "account", "dimension", "amount",
             "third_party", "due_day")
BALANCE_COLS = ("dimension", "account", "month", "debit", "credit")
_ON_CONFLICT = (" ON CONFLICT (dimension, account, month) DO UPDATE SET "
                "debit = balances.debit + excluded.debit, "
                "credit = balances.credit + excluded.credit")


def _values_sql(table: str, cols: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"


_SQL_ENTRIES = _values_sql("entries", ENTRY_COLS)
_SQL_LINES = _values_sql("lines", LINE_COLS)
_SQL_BALANCES = _values_sql("balances", BALANCE_COLS) + _ON_CONFLICT
_US, _RS = "\x1f", "\x1e"  # as in ecp.ledger.chain.canonical
# Deltas kept in memory before they are added to the balances table (bounded by dimensions ×
# accounts × months, not by the number of postings).
MAX_DELTA_KEYS = 50_000
Rows = list[tuple[Any, ...]]


def day_fr(day: int) -> str:
    """20261205 → 05/12/2026, as messages show dates."""
    return f"{day % 100:02d}/{day // 100 % 100:02d}/{day // 10000}"


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Checker:
    """What an entry is checked against: the chart, the dimensions, the journals and the
    closed months, read once from ``conn``. The bulk import checks a whole file with one
    (in a read transaction, without the writer lock) before it posts anything."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._last_day: dict[tuple[str, int], int] = {}
        # Headings take no posting: the CGNC's classes, rubriques and postes (codes under 4
        # digits). A compte keeps taking postings when sub-accounts are opened under it (ecp
        # account add): ECP's own rules post to the CGNC comptes (34211, 4455, 5141…).
        self.headings = set(conn.scalars(select(Account.code).where(
            func.length(Account.code) < 4)))
        self.accounts = set(conn.scalars(select(Account.code)))
        self.dimensions = dict(conn.execute(select(Dimension.code, Dimension.status)).all())
        self.journals = set(conn.scalars(select(Journal.code)))
        self.locked = set(conn.scalars(select(Period.month).where(Period.status == "closed")))
        self.closing = False  # True only for the year close's own entries (journal CL)
        # Fiscal years closed (provisionally or for good): (start, end, year, status)
        self.closed_years: list[tuple[int, int, int, str]] = [
            (int(r[0]), int(r[1]), int(r[2]), str(r[3])) for r in conn.execute(
            select(FiscalYear.start, FiscalYear.end, FiscalYear.year, FiscalYear.status)
            .where(FiscalYear.status != "open"))]

        # The books' first day, when their first fiscal year starts after 1 January
        # (ecp.ledger.years.define_first_year): nothing is posted before it.
        first = conn.scalar(select(func.min(FiscalYear.start)))
        self.first_day = int(first) if first is not None and int(first) % 10000 != 101 \
            else None

    def last_day(self, journal: str, year: int) -> int:
        """The date (YYYYMMDD) of the last-numbered entry of ``journal`` in fiscal ``year``,
        0 when it has none: a new entry of that journal is dated on or after it."""
        key = (journal, year)
        if key not in self._last_day:
            self._last_day[key] = int(self._conn.scalar(
                select(Entry.day).where(Entry.journal == journal, Entry.fiscal_year == year)
                .order_by(Entry.number.desc()).limit(1)) or 0)
        return self._last_day[key]

    def late(self, journal: str, day: int) -> bool:
        """Whether an entry of ``journal`` dated ``day`` would go back in time in it (and so
        is recorded in LATE_JOURNAL)."""
        return journal not in UNORDERED and day < self.last_day(journal, day // 10000)

    def year_closed(self, day: int) -> tuple[int, str] | None:
        """(year, status) of the closed fiscal year holding ``day``, None when none does."""
        for start, end, year, status in self.closed_years:
            if start <= day <= end:
                return year, status
        return None

    def problems(self, e: JournalEntry, first_line: int = 1) -> list[str]:
        """Everything wrong with ``e``, in French, each naming its line. Empty when valid.

        Lines are numbered from ``first_line`` (the file line of the entry's first row when
        importing)."""
        return [str(x) for x in self.errors(e, first_line)]

    def errors(self, e: JournalEntry, first_line: int = 1) -> list[InputError]:
        """``problems`` as structured errors: each carries the parameter of ``post_entry`` it
        is about (``journal``, ``date``, ``label``, ``reference``, ``lines``, or
        ``lines.account`` / ``lines.dimension`` / ``lines.third_party`` / ``lines.amount``
        with the 1-based ``line``)."""
        out: list[InputError] = []

        def bad(msg: str, field: str, line: int | None = None, code: str | None = None
                ) -> None:
            out.append(InputError(msg, field=field, line=line, code=code))

        if e.journal not in self.journals:
            bad(f"journal « {e.journal} » inconnu (VT, AC, BQ, CA, OD, AN, RG)", "journal")
        elif e.journal == "CL" and not self.closing:
            bad("journal CL : réservé aux écritures de clôture d'exercice (ecp year close)",
                "journal", code="journal.reserved")
        if not e.label.strip():
            bad("libellé : obligatoire", "label", code="label.required")
        for what, field, value, limit in (("libellé", "label", e.label, LABEL),
                                          ("référence", "reference", e.reference, REFERENCE)):
            problem = text_problem(value, limit)
            if problem is not None:
                bad(f"{what} : {problem}", field)
        problem = date_problem(e.date)
        if problem is not None:
            bad(f"date : {problem}", "date", code="date.out_of_range")
        month = e.date.year * 100 + e.date.month
        if month in self.locked:
            bad(f"date {e.date.isoformat()} : le mois {month_label(month)} est clôturé", "date",
                code="date.closed")
        if problem is None and self.first_day is not None and day_int(e.date) < self.first_day:
            bad(f"date {e.date.isoformat()} : avant le premier exercice, qui commence le "
                f"{day_iso(self.first_day)}", "date", code="date.before_books")
        closed = self.year_closed(day_int(e.date)) if problem is None else None
        if closed is not None:
            how = ("clôturé définitivement" if closed[1] == "final" else
                   "en clôture provisoire (ecp year reopen pour le rouvrir)")
            bad(f"date {e.date.isoformat()} : l'exercice {closed[0]} est {how}", "date",
                code="date.year_closed")
        if len(e.lines) < 2:
            bad("une écriture a au moins deux lignes", "lines", code="lines.too_few")
        per_dim: dict[str, int] = defaultdict(int)
        total = debits = 0
        for n, (i, ln) in enumerate(enumerate(e.lines, first_line), 1):
            if ln.account not in self.accounts:
                bad(f"ligne {i} : compte « {ln.account} » inconnu du plan comptable",
                    "lines.account", n)
            elif ln.account in self.headings:
                bad(f"ligne {i} : compte « {ln.account} » : c'est un compte de regroupement "
                    "(classe, rubrique ou poste du plan) ; imputer un compte d'au moins 4 chiffres",
                    "lines.account", n, "lines.account.heading")
            if ln.dimension not in self.dimensions:
                bad(f"ligne {i} : dimension « {ln.dimension} » inconnue (ECP ou un membre)",
                    "lines.dimension", n)
            problem = text_problem(ln.third_party, REFERENCE) if ln.third_party else None
            if problem is not None:
                bad(f"ligne {i} : tiers : {problem}", "lines.third_party", n)
            problem = date_problem(ln.due_date) if ln.due_date else None
            if problem is not None:
                bad(f"ligne {i} : échéance : {problem}", "lines.due_date", n)
            if not isinstance(ln.amount, int) or isinstance(ln.amount, bool):
                bad(f"ligne {i} : montant non entier en centimes", "lines.amount", n)
                continue
            if ln.amount == 0:
                bad(f"ligne {i} : montant nul", "lines.amount", n, "lines.amount.zero")
            elif not -MAX_AMOUNT <= ln.amount <= MAX_AMOUNT:
                bad(f"ligne {i} : montant au-delà de {fmt_fr(MAX_AMOUNT)} DH, le maximum "
                    "accepté", "lines.amount", n, "lines.amount.too_large")
            elif ln.amount > 0:
                debits += ln.amount
            total += ln.amount
            per_dim[ln.dimension] += ln.amount
        if debits > MAX_AMOUNT:
            bad(f"écriture de {fmt_fr(debits)} DH au débit : au-delà de {fmt_fr(MAX_AMOUNT)} DH, "
                "le maximum accepté par écriture", "lines", code="lines.too_large")
        if total != 0:
            bad(f"écriture déséquilibrée : débit - crédit = {fmt_fr(total)} DH", "lines",
                code="lines.unbalanced")
        else:
            for dim, s in sorted(per_dim.items()):
                if s != 0:
                    bad(f"écriture déséquilibrée pour la dimension {dim} : {fmt_fr(s)} DH "
                        "(passer par le compte de liaison 44881)", "lines",
                        code="lines.unbalanced_dimension")
        return out


class Poster(Checker):
    """Posts entries into the open transaction of ``conn``, buffering rows for speed.

    One instance serves one transaction: it reads the chain head, the counters and the locks
    once, then validates and appends. ``flush`` writes buffered rows (called by ``post`` and
    every few thousand lines by the bulk import); the caller commits or rolls back.
    """

    def __init__(self, conn: Connection, user: str, batch_lines: int = 20_000) -> None:
        self.conn = conn
        self.user = user
        self.batch_lines = batch_lines
        if conn.dialect.name == "postgresql":
            # One writer at a time, as BEGIN IMMEDIATE gives on SQLite: numbers and chain are
            # read then extended.
            conn.exec_driver_sql("LOCK TABLE entries IN EXCLUSIVE MODE")
        super().__init__(conn)
        last = conn.execute(select(Entry.id, Entry.hash).order_by(Entry.id.desc()).limit(1)).first()
        self.next_id = (last.id + 1) if last else 1
        self.prev_hash = last.hash if last else GENESIS
        self.next_line_id = (conn.scalar(select(func.max(Line.id))) or 0) + 1
        self.counters: dict[tuple[str, int], int] = {}
        self._entries: list[tuple[Any, ...]] = []
        self._lines: list[tuple[Any, ...]] = []
        self._debits: dict[tuple[str, str, int], int] = {}
        self._credits: dict[tuple[str, str, int], int] = {}
        self.posted_at = now_iso()
        self.journal = ""

    def next_ref(self, journal: str, day: int) -> str:
        """The reference the next entry of ``journal`` dated ``day`` would get in this
        transaction (what a document prints before its entry is posted)."""
        if self.late(journal, day):
            journal = LATE_JOURNAL
        year = day // 10000
        number = self._next_number(journal, year)
        self.counters[(journal, year)] -= 1
        return entry_ref(journal, year, number)

    def _next_number(self, journal: str, year: int) -> int:
        key = (journal, year)
        if key not in self.counters:
            self.counters[key] = self.conn.scalar(
                select(func.max(Entry.number)).where(
                    Entry.journal == journal, Entry.fiscal_year == year)
            ) or 0
        self.counters[key] += 1
        return self.counters[key]

    def add(self, e: JournalEntry, checked: bool = False) -> PostedEntry:
        if not checked:
            errors = self.errors(e)
            if errors:
                found = [str(x) for x in errors]
                if any(x.code in ("date.closed", "date.year_closed") for x in errors):
                    raise PeriodLockedError(found, errors)
                raise ValidationError(found, errors)
        lines = [(ln.account, ln.dimension, ln.amount, ln.third_party,
                  day_int(ln.due_date) if ln.due_date else None) for ln in e.lines]
        year = e.date.year
        number = self.append(e.journal, year, day_int(e.date), e.label, e.reference,
                             e.reverses, lines)
        return PostedEntry(self.next_id - 1, self.journal, year, number, self.prev_hash)

    def append(self, journal: str, year: int, day: int, label: str, reference: str,
               reverses: int | None,
               lines: Sequence[tuple[str, str, int, str | None, int | None]]) -> int:
        """Append an entry already validated (``problems`` found nothing); return its number.

        ``lines`` are (account, dimension, amount, third party, due day) tuples. This is the
        hot path of the bulk import: tuples in, tuples buffered, the canonical string of
        ``ecp.ledger.chain`` built inline (``verify`` recomputes it with ``chain.digest``).
        """
        eid = self.next_id
        if journal not in UNORDERED:
            if day < self.last_day(journal, year):
                journal = LATE_JOURNAL
            else:
                self._last_day[(journal, year)] = day
        self.journal = journal  # the journal it went to (LATE_JOURNAL when it came late)
        number = self._next_number(journal, year)
        month = day // 100
        lid = self.next_line_id
        buf = self._lines
        debits, credits = self._debits, self._credits
        parts = [f"{eid}{_US}{journal}{_US}{year}{_US}{number}{_US}{day}{_US}{label}{_US}"
                 f"{reference}{_US}{self.user}{_US}{self.posted_at}{_US}"
                 f"{'' if reverses is None else reverses}"]
        n = 0
        for account, dim, amount, tp, due in lines:
            n += 1
            buf.append((lid, eid, n, day, account, dim, amount, tp, due))
            lid += 1
            parts.append(f"{n}{_US}{account}{_US}{dim}{_US}{amount}{_US}{tp or ''}{_US}"
                         f"{'' if due is None else due}")
            k = (dim, account, month)
            if amount > 0:
                debits[k] = debits.get(k, 0) + amount
            else:
                credits[k] = credits.get(k, 0) - amount
        if n == 0:
            parts.append("")  # canonical(): head + RS + (empty body)
        prev = self.prev_hash
        parts.append(prev)
        h = hashlib.sha256(_RS.join(parts).encode()).hexdigest()
        self._entries.append((eid, journal, year, number, day, label, reference, self.user,
                              self.posted_at, reverses, prev, h))
        self.prev_hash = h
        self.next_id = eid + 1
        self.next_line_id = lid
        if len(buf) >= self.batch_lines:
            self._flush_rows(final=False)
        return number

    def flush(self) -> None:
        """Write every buffered row and balance movement into the transaction."""
        self._flush_rows(final=True)

    def _take_balances(self) -> Rows:
        debits, credits = self._debits, self._credits
        self._debits, self._credits = {}, {}
        per_key: dict[tuple[str, str, int], list[int]] = {}
        for k, v in debits.items():
            per_key[k] = [v, 0]
        for k, v in credits.items():
            cur = per_key.get(k)
            if cur is None:
                per_key[k] = [0, v]
            else:
                cur[1] = v
        totals: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
        out: Rows = []
        for (dim, account, month), (d, c) in per_key.items():
            out.append((dim, account, month, d, c))
            t = totals[(account, month)]
            t[0] += d
            t[1] += c
        out.extend((ALL, account, month, d, c) for (account, month), (d, c) in totals.items())
        return out

    def _flush_rows(self, final: bool) -> None:
        entries, lines = self._entries, self._lines
        self._entries, self._lines = [], []
        balances: Rows = []
        if final or len(self._debits) + len(self._credits) > MAX_DELTA_KEYS:
            balances = self._take_balances()
        self._write_rows(entries, lines, balances)

    def _write_rows(self, entries: Rows, lines: Rows, balances: Rows) -> None:
        """Insert buffered rows into the transaction: tuples straight to the driver on SQLite
        (still through SQLAlchemy, so its events see every statement), dicts elsewhere."""
        conn = self.conn
        sqlite = conn.dialect.name == "sqlite"
        if entries:
            if sqlite:
                conn.exec_driver_sql(_SQL_ENTRIES, entries)
            else:
                conn.execute(insert(Entry), [dict(zip(ENTRY_COLS, r, strict=True))
                                             for r in entries])
        if lines:
            if sqlite:
                conn.exec_driver_sql(_SQL_LINES, lines)
            else:
                conn.execute(insert(Line), [dict(zip(LINE_COLS, r, strict=True))
                                            for r in lines])
        if balances:
            if sqlite:
                conn.exec_driver_sql(_SQL_BALANCES, balances)
            else:
                conn.execute(_UPSERT, [dict(zip(BALANCE_COLS, r, strict=True))
                                       for r in balances])


def post(conn: Connection, entry: JournalEntry, user: str, strict: bool = False) -> PostedEntry:
    """Validate and post one entry in the caller's transaction. An entry dated before the
    last of its journal goes to LATE_JOURNAL; ``strict`` (an entry typed by the bookkeeper,
    who chose its journal) refuses it instead, saying why and what to do."""
    p = Poster(conn, user)
    day = day_int(entry.date) if date_problem(entry.date) is None else 0
    if strict and day and p.late(entry.journal, day) and not p.errors(entry):
        last = p.last_day(entry.journal, day // 10000)
        raise InputError(
            f"date {day_fr(day)} : le journal {entry.journal} est tenu jour par jour et sa "
            f"dernière écriture de {day // 10000} est du {day_fr(last)} ; dater au "
            f"{day_fr(last)} ou après, ou passer l'écriture au journal {LATE_JOURNAL} "
            "(régularisations)", field="date", code="date.order")
    posted = p.add(entry)
    p.flush()
    return posted


def reverse(conn: Connection, ref: str, on: dt.date, user: str) -> PostedEntry:
    """Post the contre-passation of a posted entry: same journal, every amount negated."""
    journal, year, number = parse_entry_ref(ref)
    orig = conn.execute(select(Entry.id, Entry.day, Entry.label, Entry.reverses).where(
        Entry.journal == journal, Entry.fiscal_year == year, Entry.number == number)).first()
    shown = entry_ref(journal, year, number)
    if orig is None:
        raise NotFoundError(f"écriture {shown} introuvable")
    if orig.reverses is not None:
        raise InputError(f"écriture {shown} : c'est déjà une contre-passation")
    done = conn.execute(select(Entry.journal, Entry.fiscal_year, Entry.number)
                        .where(Entry.reverses == orig.id)).first()
    if done is not None:
        raise InputError(f"écriture {shown} : déjà contre-passée par {entry_ref(*done)}")
    if day_int(on) < orig.day:
        raise InputError(
            f"date : la contre-passation ne peut précéder l'écriture ({day_iso(orig.day)})")
    lines = conn.execute(select(Line.account, Line.dimension, Line.amount, Line.third_party,
                                Line.due_day).where(Line.entry_id == orig.id)
                         .order_by(Line.line_no))
    specs = tuple(LineSpec(ln.account, ln.dimension, -ln.amount, ln.third_party,
                           int_day(ln.due_day) if ln.due_day else None) for ln in lines)
    label = f"Contre-passation {shown} : {orig.label}"[:LABEL]
    return post(conn, JournalEntry(journal, on, label,
                                   specs, reference=shown, reverses=orig.id), user)
