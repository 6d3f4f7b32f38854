"""Posting: validation, numbering, hash chaining and per-month balances, in the caller's
transaction. Nothing here commits: ``api.unit_of_work`` owns the transaction, so a failure
anywhere leaves no number used, no line written and no balance moved.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import Connection, func, insert, select, text

from ecp.db.models import Account, Dimension, Entry, Journal, Line, Period
from ecp.errors import InputError, NotFoundError, PeriodLockedError, ValidationError
from ecp.ledger.chain import GENESIS, digest
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
from ecp.money import fmt_fr
from ecp.periods import month_label

ALL = "*"


def _has_control(s: str) -> bool:
    """C0 control characters other than tab and line breaks (and DEL) never belong in a text:
    the hash chain separates fields with two of them, so a text holding one could be re-split
    between fields without changing the hash."""
    return not s.isprintable() and any(
        (c < " " and c not in "\t\n\r") or c == "\x7f" for c in s)


_UPSERT = text(
    "INSERT INTO balances (dimension, account, month, debit, credit) "
    "VALUES (:dimension, :account, :month, :debit, :credit) "
    "ON CONFLICT (dimension, account, month) DO UPDATE SET "
    "debit = balances.debit + excluded.debit, credit = balances.credit + excluded.credit"
)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Poster:
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
        self.accounts = set(conn.scalars(select(Account.code)))
        self.dimensions = dict(conn.execute(select(Dimension.code, Dimension.status)).all())
        self.journals = set(conn.scalars(select(Journal.code)))
        self.locked = set(conn.scalars(select(Period.month).where(Period.status == "closed")))
        last = conn.execute(select(Entry.id, Entry.hash).order_by(Entry.id.desc()).limit(1)).first()
        self.next_id = (last.id + 1) if last else 1
        self.prev_hash = last.hash if last else GENESIS
        self.next_line_id = (conn.scalar(select(func.max(Line.id))) or 0) + 1
        self.counters: dict[tuple[str, int], int] = {}
        self.entries: list[dict[str, object]] = []
        self.lines: list[dict[str, object]] = []
        self.deltas: dict[tuple[str, str, int], list[int]] = defaultdict(lambda: [0, 0])
        self.posted_at = now_iso()

    def problems(self, e: JournalEntry, first_line: int = 1) -> list[str]:
        """Everything wrong with ``e``, in French, each naming its line. Empty when valid.

        Lines are numbered from ``first_line`` (the file line of the entry's first row when
        importing)."""
        out: list[str] = []
        if e.journal not in self.journals:
            out.append(f"journal « {e.journal} » inconnu (VT, AC, BQ, CA, OD, AN)")
        if not e.label.strip():
            out.append("libellé : obligatoire")
        for what, value in (("libellé", e.label), ("référence", e.reference)):
            if _has_control(value):
                out.append(f"{what} : caractère de contrôle interdit")
        month = e.date.year * 100 + e.date.month
        if month in self.locked:
            out.append(f"date {e.date.isoformat()} : le mois {month_label(month)} est clôturé")
        if len(e.lines) < 2:
            out.append("une écriture a au moins deux lignes")
        per_dim: dict[str, int] = defaultdict(int)
        total = 0
        for i, ln in enumerate(e.lines, first_line):
            if ln.account not in self.accounts:
                out.append(f"ligne {i} : compte « {ln.account} » inconnu du plan comptable")
            if ln.dimension not in self.dimensions:
                out.append(f"ligne {i} : dimension « {ln.dimension} » inconnue (ECP ou un membre)")
            if ln.third_party and _has_control(ln.third_party):
                out.append(f"ligne {i} : tiers : caractère de contrôle interdit")
            if not isinstance(ln.amount, int) or isinstance(ln.amount, bool):
                out.append(f"ligne {i} : montant non entier en centimes")
                continue
            if ln.amount == 0:
                out.append(f"ligne {i} : montant nul")
            total += ln.amount
            per_dim[ln.dimension] += ln.amount
        if total != 0:
            out.append(f"écriture déséquilibrée : débit - crédit = {fmt_fr(total)} DH")
        else:
            for dim, s in sorted(per_dim.items()):
                if s != 0:
                    out.append(
                        f"écriture déséquilibrée pour la dimension {dim} : {fmt_fr(s)} DH "
                        "(passer par le compte de liaison 44881)"
                    )
        return out

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
            found = self.problems(e)
            if found:
                if e.date.year * 100 + e.date.month in self.locked:
                    raise PeriodLockedError(found)
                raise ValidationError(found)
        eid = self.next_id
        year = e.date.year
        number = self._next_number(e.journal, year)
        day = day_int(e.date)
        month = day // 100
        fields = (eid, e.journal, year, number, day, e.label, e.reference, self.user,
                  self.posted_at, e.reverses)
        lfields = []
        for n, ln in enumerate(e.lines, 1):
            due = day_int(ln.due_date) if ln.due_date else None
            lfields.append((n, ln.account, ln.dimension, ln.amount, ln.third_party, due))
            self.lines.append({
                "id": self.next_line_id, "entry_id": eid, "line_no": n, "day": day,
                "account": ln.account, "dimension": ln.dimension, "amount": ln.amount,
                "third_party": ln.third_party, "due_day": due,
            })
            self.next_line_id += 1
            side = 0 if ln.amount > 0 else 1
            self.deltas[(ln.dimension, ln.account, month)][side] += abs(ln.amount)
            self.deltas[(ALL, ln.account, month)][side] += abs(ln.amount)
        h = digest(self.prev_hash, fields, lfields)
        self.entries.append({
            "id": eid, "journal": e.journal, "fiscal_year": year, "number": number, "day": day,
            "label": e.label, "reference": e.reference, "posted_by": self.user,
            "posted_at": self.posted_at, "reverses": e.reverses, "prev_hash": self.prev_hash,
            "hash": h,
        })
        self.prev_hash = h
        self.next_id += 1
        if len(self.lines) >= self.batch_lines:
            self.flush()
        return PostedEntry(eid, e.journal, year, number, h)

    def flush(self) -> None:
        if self.entries:
            self.conn.execute(insert(Entry), self.entries)
            self.entries = []
        if self.lines:
            self.conn.execute(insert(Line), self.lines)
            self.lines = []
        if self.deltas:
            self.conn.execute(_UPSERT, [
                {"dimension": d, "account": a, "month": m, "debit": v[0], "credit": v[1]}
                for (d, a, m), v in self.deltas.items()
            ])
            self.deltas.clear()


def post(conn: Connection, entry: JournalEntry, user: str) -> PostedEntry:
    """Validate and post one entry in the caller's transaction."""
    p = Poster(conn, user)
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
    return post(conn, JournalEntry(journal, on, f"Contre-passation {shown} : {orig.label}",
                                   specs, reference=shown, reverses=orig.id), user)
