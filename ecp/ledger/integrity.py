"""``verify``: recompute the hash chain and every invariant, and say what is wrong and where."""

from __future__ import annotations

import hashlib
import multiprocessing
import re
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, case, func, select, text

from ecp.db.models import Balance, Entry, Line, Period, PeriodEvent
from ecp.kernel.chain import ChainHead
from ecp.kernel.periods import month_label
from ecp.ledger import audit
from ecp.ledger.chain import GENESIS, digest
from ecp.ledger.entry import day_iso, entry_ref
from ecp.ledger.posting import ALL
from ecp.ledger.year_ops import check_closes, year_event_entries

# Every table the database itself keeps insert-only, as the migrations protect them
# (``IMMUTABLE`` of 0001, 0003 and 0004, and stock moves in 0005): a missing, disabled or
# altered trigger on any of them is a finding, named.
PROTECTED = ("entries", "lines", "period_events",  # 0001
             "documents", "document_lines", "document_vat", "document_events",  # 0003
             "payments", "allocations", "allocation_vat", "expenses", "expense_payments",
             "contributions", "payouts",  # 0004
             "stock_moves",  # 0005
             "vat_declarations", "vat_reversals", "vat_payments", "refunds",  # 0008
             "member_routes", "payslips",  # 0009
             "asset_disposals", "depreciation_runs", "inventory_values", "inventory_runs",  # 0010
             "year_events",  # 0012
             "invoice_reminders",  # 0015
             "member_stages", "meetings", "workshops", "workshop_attendance")  # 0016
KEEP_USED = ("accounts", "dimensions")  # 0001: a used code is neither deleted nor renamed
# name → (table, the trigger's statement as the migration wrote it, whitespace collapsed)
_ABORT = r"BEGIN SELECT RAISE\(ABORT, '[^']*'\); END"
_SQLITE: dict[str, tuple[str, str]] = {
    **{f"{t}_no_{ev.lower()}": (t, rf"CREATE TRIGGER {t}_no_{ev.lower()} BEFORE {ev} ON {t} "
                                   + _ABORT)
       for t in PROTECTED for ev in ("UPDATE", "DELETE")},
    **{f"{t}_keep_used_delete": (t, rf"CREATE TRIGGER {t}_keep_used_delete BEFORE DELETE ON {t} "
                                    rf"WHEN EXISTS \(SELECT 1 FROM lines WHERE {c} = OLD\.code\) "
                                    + _ABORT)
       for t, c in (("accounts", "account"), ("dimensions", "dimension"))},
    **{f"{t}_keep_used_rename": (t, rf"CREATE TRIGGER {t}_keep_used_rename BEFORE UPDATE OF code "
                                    rf"ON {t} WHEN NEW\.code <> OLD\.code AND EXISTS \(SELECT 1 "
                                    rf"FROM lines WHERE {c} = OLD\.code\) " + _ABORT)
       for t, c in (("accounts", "account"), ("dimensions", "dimension"))},
}
_PG: dict[str, str] = {**{f"{t}_immutable": t for t in PROTECTED},
                       **{f"{t}_keep_used": t for t in KEEP_USED}}
SQLITE_TRIGGERS = frozenset(_SQLITE)
PG_TRIGGERS = frozenset(_PG)
# pg_trigger.tgtype bits: ROW 1, BEFORE 2, DELETE 8, UPDATE 16 — each of ours has all four.
_PG_TYPE = 1 | 2 | 8 | 16


@dataclass
class Report:
    head: ChainHead = field(default_factory=lambda: ChainHead(0, GENESIS))
    entries: int = 0
    lines: int = 0
    findings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def _triggers(conn: Connection, rep: Report) -> None:
    """Each protection trigger present, enabled, on its table, and still refusing."""
    bad: dict[str, str] = {}
    if conn.dialect.name == "postgresql":
        rows = conn.execute(text(
            "SELECT t.tgname, c.relname, t.tgenabled, t.tgtype, p.prosrc FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE NOT t.tgisinternal")).all()
        have = {r[0]: r for r in rows}
        for name, table in _PG.items():
            r = have.get(name)
            if r is None or r[2] == "D":
                bad[name] = "absent ou désactivé"
            elif r[1] != table or (r[3] & _PG_TYPE) != _PG_TYPE \
                    or "RAISE EXCEPTION" not in (r[4] or "").upper():
                bad[name] = "modifié (il ne refuse plus les modifications)"
    else:
        have_sql = {n: (t, " ".join((sql or "").split())) for n, t, sql in conn.execute(text(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"))}
        for name, (table, pattern) in _SQLITE.items():
            got = have_sql.get(name)
            if got is None:
                bad[name] = "absent ou désactivé"
            elif got[0] != table or not re.fullmatch(pattern, got[1], re.IGNORECASE):
                bad[name] = "modifié (il ne refuse plus les modifications)"
    for name in sorted(bad):
        rep.findings.append(
            f"trigger de protection {name} {bad[name]} : la base a été modifiée hors ECP")


def _chain(conn: Connection, rep: Report) -> dict[int, str]:
    """Walk entries and lines in chain order; return {entry id: stored hash}."""
    hashes: dict[int, str] = {}
    ent_q = select(Entry.id, Entry.journal, Entry.fiscal_year, Entry.number, Entry.day,
                   Entry.label, Entry.reference, Entry.posted_by, Entry.posted_at,
                   Entry.reverses, Entry.prev_hash, Entry.hash).order_by(Entry.id)
    line_q = select(Line.entry_id, Line.line_no, Line.account, Line.dimension, Line.amount,
                    Line.third_party, Line.due_day, Line.day, Line.id).order_by(
                        Line.entry_id, Line.line_no)
    lines_it = iter(conn.execution_options(yield_per=20000).execute(line_q))
    pending = next(lines_it, None)
    prev = GENESIS
    expected_id = 1
    for e in conn.execution_options(yield_per=20000).execute(ent_q):
        rep.entries += 1
        ref = entry_ref(e.journal, e.fiscal_year, e.number)
        where = f"écriture {ref} (n° {e.id} de la chaîne)"
        if e.id != expected_id:
            rep.findings.append(
                f"{where} : la chaîne saute de {expected_id - 1} à {e.id} "
                f"(écriture(s) {expected_id}..{e.id - 1} supprimée(s))")
            prev = "?"
        expected_id = e.id + 1
        while pending is not None and pending.entry_id < e.id:
            rep.findings.append(
                f"ligne {pending.id} : rattachée à l'écriture {pending.entry_id} qui n'existe pas")
            pending = next(lines_it, None)
        lines = []
        while pending is not None and pending.entry_id == e.id:
            lines.append(pending)
            pending = next(lines_it, None)
        rep.lines += len(lines)
        if prev != "?" and e.prev_hash != prev:
            rep.findings.append(
                f"{where} : l'empreinte précédente enregistrée ne suit pas la chaîne")
        fields = (e.id, e.journal, e.fiscal_year, e.number, e.day, e.label, e.reference,
                  e.posted_by, e.posted_at, e.reverses)
        lf = [(ln.line_no, ln.account, ln.dimension, ln.amount, ln.third_party, ln.due_day)
              for ln in lines]
        if digest(e.prev_hash, fields, lf) != e.hash:
            rep.findings.append(
                f"{where} : le contenu ne correspond plus à son empreinte "
                "(écriture ou ligne modifiée, ajoutée ou supprimée)")
        prev = e.hash
        hashes[e.id] = e.hash
        if e.fiscal_year != e.day // 10000:
            rep.findings.append(f"{where} : exercice {e.fiscal_year} ≠ année de la date")
        if len(lines) < 2:
            rep.findings.append(f"{where} : moins de deux lignes")
        total = 0
        per_dim: dict[str, int] = defaultdict(int)
        for n, ln in enumerate(lines, 1):
            total += ln.amount
            per_dim[ln.dimension] += ln.amount
            if ln.line_no != n:
                rep.findings.append(f"{where}, ligne {ln.line_no} : numérotation des lignes rompue")
            if ln.day != e.day:
                rep.findings.append(f"{where}, ligne {ln.line_no} : date ≠ date de l'écriture")
        if total:
            rep.findings.append(f"{where} : déséquilibrée de {total} centimes")
        for dim, s in sorted(per_dim.items()):
            if s and not total:
                rep.findings.append(f"{where} : déséquilibrée de {s} centimes pour {dim}")
    while pending is not None:
        rep.findings.append(
            f"ligne {pending.id} : rattachée à l'écriture {pending.entry_id} qui n'existe pas")
        pending = next(lines_it, None)
    if hashes:
        last = max(hashes)
        rep.head = ChainHead(last, hashes[last])
    return hashes


# --- fast path -------------------------------------------------------------------------------
# Healthy books are the common case and the big ones. On a SQLite file the fast path answers
# only "all good" (with the counts and the chain heads asked for) or "something is off"
# (None); when something is off the exact walk above runs and says what and where, so
# findings never depend on the fast path.
#
# Its work is split for the two cores of a small server: SQLite builds each entry's canonical
# string (``chain.canonical``) in C, worker processes hash halves of the chain (each entry
# stores the previous hash, so halves are independent and meet at one junction), and the
# parent meanwhile runs the structural checks as counting queries, in C, without Python
# objects per line.

US, RS = "\x1f", "\x1e"
_HEAD_FMT = "%d\x1f%s\x1f%d\x1f%d\x1f%d\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s"
_LINE_FMT = "%d\x1f%s\x1f%s\x1f%d\x1f%s\x1f%s"
_RANGE_ENTRIES = (
    "SELECT id, prev_hash, hash, printf(?, id, journal, fiscal_year, number, day, label, "
    "reference, posted_by, posted_at, coalesce(reverses, '')) "
    "FROM entries WHERE id BETWEEN ? AND ? ORDER BY id")
# Grouped through ix_lines_entry_id: entries in id order, each one's lines in id order, which
# ``Poster`` makes line_no order; any other order changes the string and fails the hash.
_RANGE_LINES = (
    "SELECT entry_id, count(*), group_concat(printf(?, line_no, account, dimension, amount, "
    "coalesce(third_party, ''), coalesce(due_day, '')), ?) "
    "FROM lines WHERE entry_id BETWEEN ? AND ? GROUP BY entry_id ORDER BY entry_id")
# Entries per worker process below which forking costs more than it saves.
PARALLEL_MIN_ENTRIES = 50_000
WORKERS = 2


@dataclass
class _Half:
    """What one worker found on its range of the chain."""
    ok: bool
    first_prev: str = ""
    last_hash: str = ""
    lines: int = 0
    keep: dict[int, str] = field(default_factory=dict)


def _walk_range(path: str, lo: int, hi: int, wanted: set[int]) -> _Half:
    """Recompute the hashes of entries ``lo..hi`` on a connection of its own."""
    con = sqlite3.connect(path)
    try:
        ecur, lcur = con.cursor(), con.cursor()
        ecur.execute(_RANGE_ENTRIES, (_HEAD_FMT, lo, hi))
        lcur.execute(_RANGE_LINES, (_LINE_FMT, RS, lo, hi))
        sha = hashlib.sha256
        out = _Half(ok=False)
        prev: str | None = None
        expected = lo
        nlines = 0
        for (eid, prev_hash, h, head), (leid, n, body) in zip(ecur, lcur, strict=True):
            if eid != expected or leid != eid or n < 2:
                return out
            if prev is None:
                out.first_prev = prev_hash
            elif prev_hash != prev:
                return out
            if sha(f"{head}{RS}{body}{RS}{prev_hash}".encode()).hexdigest() != h:
                return out
            prev = h
            expected += 1
            nlines += n
            if eid in wanted:
                out.keep[eid] = h
        if expected != hi + 1 or prev is None:
            return out
        out.ok, out.last_hash, out.lines = True, prev, nlines
        return out
    except (sqlite3.Error, TypeError, ValueError):
        return _Half(ok=False)  # odd types or rows out of step: the exact walk will tell
    finally:
        con.close()


# Each query counts what would be wrong; all must return 0. ``?`` is the last entry id.
_STRUCTURE = (
    # fiscal year of the date
    "SELECT count(*) FROM entries WHERE fiscal_year <> day / 10000",
    # every entry balanced in each dimension (hence in total)
    "SELECT count(*) FROM (SELECT 1 FROM lines GROUP BY entry_id, dimension "
    "HAVING sum(amount) <> 0)",
    # lines numbered 1..n, an entry's lines one after the other
    "SELECT count(*) FROM lines a JOIN lines b ON b.id = a.id - 1 WHERE CASE "
    "WHEN a.entry_id = b.entry_id THEN a.line_no <> b.line_no + 1 ELSE a.line_no <> 1 END",
    "SELECT count(*) FROM lines WHERE id = (SELECT min(id) FROM lines) AND line_no <> 1",
    # a line has its entry's date
    "SELECT count(*) FROM lines l JOIN entries e ON e.id = l.entry_id WHERE l.day <> e.day",
    # no line outside the chain's entries
    "SELECT count(*) FROM lines WHERE entry_id NOT BETWEEN 1 AND ?",
)
# The monthly balances: each stored row equals the lines of its dimension, account and month
# (one index range each); the stored rows cover every line (same grand total of |amount|);
# and the all-dimensions rows are the sums of the others.
_BALANCES = (
    "SELECT count(*) FROM balances b WHERE b.dimension <> ? AND "
    "(SELECT coalesce(sum(amount), 0) || ':' || coalesce(sum(abs(amount)), 0) FROM lines l "
    " WHERE l.dimension = b.dimension AND l.account = b.account "
    " AND l.day BETWEEN b.month * 100 AND b.month * 100 + 99) "
    "IS NOT (b.debit - b.credit) || ':' || (b.debit + b.credit)",
    "SELECT (SELECT coalesce(sum(abs(amount)), 0) FROM lines) IS NOT "
    "(SELECT coalesce(sum(debit + credit), 0) FROM balances WHERE dimension <> ?)",
    "SELECT count(*) FROM (SELECT 1 FROM balances GROUP BY account, month HAVING "
    "sum(CASE WHEN dimension = ?1 THEN debit ELSE -debit END) <> 0 OR "
    "sum(CASE WHEN dimension = ?1 THEN credit ELSE -credit END) <> 0)",
)


def _structure_clean(conn: Connection, last_id: int) -> bool:
    dbapi: Any = conn.connection.driver_connection
    cur = dbapi.cursor()
    try:
        for q in _STRUCTURE:
            if cur.execute(q, (last_id,) if "?" in q else ()).fetchone()[0]:
                return False
        return all(not cur.execute(q, (ALL,)).fetchone()[0] for q in _BALANCES)
    except (sqlite3.Error, TypeError, ValueError):
        return False
    finally:
        cur.close()


def _ranges(count: int) -> list[tuple[int, int]]:
    parts = WORKERS if count >= WORKERS * PARALLEL_MIN_ENTRIES else 1
    step = -(-count // parts)
    return [(lo, min(lo + step - 1, count)) for lo in range(1, count + 1, step)]


def _start_method() -> str:
    """fork is instant, but only safe from a single-threaded process (the command line);
    from the terminal UI, or where there is no fork, workers start afresh."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"


def _fast(conn: Connection, rep: Report, wanted: set[int]) -> dict[int, str] | None:
    """All the checks on a healthy SQLite file; None at the first doubt."""
    path = str(conn.engine.url.database)
    count, top = conn.exec_driver_sql("SELECT count(*), max(id) FROM entries").one()
    if not count:
        return None  # nothing to hash; the exact walk is instant and says it
    if top != count:
        return None  # a hole in the chain: the exact walk names it
    ranges = _ranges(count)
    halves: list[_Half]
    if len(ranges) == 1:
        structure = _structure_clean(conn, count)
        halves = [_walk_range(path, 1, count, wanted)]
    else:
        # Forked workers hash the halves while this process runs the structural checks.
        # They only read, each on its own connection; rows they may see beyond this
        # transaction's snapshot have ids above ``count`` (the ledger is append-only, and
        # tampering with that is what the checks find).
        with multiprocessing.get_context(_start_method()).Pool(len(ranges)) as pool:
            jobs = [pool.apply_async(_walk_range, (path, lo, hi, wanted)) for lo, hi in ranges]
            structure = _structure_clean(conn, count)
            halves = [j.get() for j in jobs]
    if not structure or not all(h.ok for h in halves):
        return None
    prev = GENESIS
    for h in halves:
        if h.first_prev != prev:
            return None
        prev = h.last_hash
    keep: dict[int, str] = {}
    for h in halves:
        keep.update(h.keep)
    rep.entries, rep.lines = count, sum(h.lines for h in halves)
    rep.head = ChainHead(count, prev)
    keep[count] = prev
    return keep


def _file_sqlite(conn: Connection) -> bool:
    db = conn.engine.url.database
    return conn.dialect.name == "sqlite" and bool(db) and db != ":memory:" \
        and not str(db).startswith("file:")


def _wanted_heads(conn: Connection, expect: ChainHead | None,
                  known: Sequence[tuple[str, ChainHead]] = ()) -> set[int]:
    wanted = set(conn.scalars(select(PeriodEvent.head_count)))
    wanted |= set(conn.scalars(select(Period.head_count)))
    if expect is not None:
        wanted.add(expect.count)
    wanted |= {h.count for _what, h in known}
    return wanted


def _numbering(conn: Connection, rep: Report) -> None:
    q = (select(Entry.journal, Entry.fiscal_year, func.count(), func.min(Entry.number),
                func.max(Entry.number)).group_by(Entry.journal, Entry.fiscal_year))
    for j, y, n, lo, hi in conn.execute(q):
        if lo != 1 or hi != n:
            nums = set(conn.scalars(select(Entry.number).where(
                Entry.journal == j, Entry.fiscal_year == y)))
            missing = [k for k in range(1, hi + 1) if k not in nums][:10]
            shown = ", ".join(entry_ref(j, y, k) for k in missing)
            rep.findings.append(f"numérotation {j} {y} : trou(s) dans la série : {shown}")


def _locks_and_heads(conn: Connection, rep: Report, hashes: dict[int, str]) -> None:
    events = list(conn.execute(select(PeriodEvent.__table__).order_by(PeriodEvent.id)))
    for ev in events:
        if ev.head_count == 0:
            continue
        if hashes.get(ev.head_count) != ev.head_hash:
            rep.findings.append(
                f"tête de chaîne enregistrée le {ev.at[:10]} ({ev.action} {month_label(ev.month)}) "
                f"{ev.head_count}:{ev.head_hash[:16]}… ne se retrouve pas : écritures supprimées "
                "ou chaîne recalculée")
    _periods_follow_events(conn, rep, events)
    if rep.head.count < max((ev.head_count for ev in events), default=0):
        rep.findings.append(
            f"la chaîne compte {rep.head.count} écritures, moins que lors d'une clôture "
            "précédente : des écritures ont été supprimées")
    # Windows in which each month was closed: (head count at close, head count at reopen).
    windows: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    for ev in events:
        if ev.action == "close":
            windows[ev.month].append((ev.head_count, None))
        elif windows[ev.month] and windows[ev.month][-1][1] is None:
            windows[ev.month][-1] = (windows[ev.month][-1][0], ev.head_count)
    closes = year_event_entries(conn)  # the year's close writes into its closed months
    for month, spans in windows.items():
        for lo, hi in spans:
            q = select(Entry.id, Entry.journal, Entry.fiscal_year, Entry.number, Entry.day).where(
                Entry.day >= month * 100, Entry.day < month * 100 + 100, Entry.id > lo)
            if hi is not None:
                q = q.where(Entry.id <= hi)
            for eid, j, y, n, d in conn.execute(q):
                if eid in closes:
                    continue
                rep.findings.append(
                    f"écriture {entry_ref(j, y, n)} du {day_iso(d)} : passée alors que le mois "
                    f"{month_label(month)} était clôturé")


def _periods_follow_events(conn: Connection, rep: Report, events: Sequence[Any]) -> None:
    """The heads recorded at close and reopen are kept twice, in the log (``period_events``)
    and in each month's state (``periods``); a chain rewritten with its heads must rewrite
    both alike, and the log must read forward: heads never go back, nor do the times."""
    last: dict[int, Any] = {}
    prev = None
    for ev in events:
        if prev is not None and (ev.head_count < prev.head_count or ev.at < prev.at):
            rep.findings.append(
                f"journal des clôtures : l'événement du {ev.at[:10]} ({ev.action} "
                f"{month_label(ev.month)}, tête {ev.head_count}) précède le précédent "
                f"(tête {prev.head_count}, {prev.at[:10]}) : journal réécrit")
        if ev.action not in ("close", "reopen"):
            rep.findings.append(
                f"journal des clôtures : action inconnue « {ev.action} » le {ev.at[:10]}")
        elif (ev.action == "close") == (last.get(ev.month) is not None
                                        and last[ev.month].action == "close"):
            rep.findings.append(
                f"journal des clôtures : {month_label(ev.month)} "
                f"{'clôturé' if ev.action == 'close' else 'rouvert'} deux fois de suite "
                f"le {ev.at[:10]}")
        last[ev.month] = ev
        prev = ev
    state = {p.month: p for p in conn.execute(select(Period.__table__))}
    for month in sorted(set(state) | set(last)):
        p, ev = state.get(month), last.get(month)
        want = None if ev is None else (
            "closed" if ev.action == "close" else "open", ev.head_count, ev.head_hash)
        got = None if p is None else (p.status, p.head_count, p.head_hash)
        if got != want:
            rep.findings.append(
                f"mois {month_label(month)} : état enregistré {_state(got)} ≠ dernier "
                f"événement du journal des clôtures {_state(want)} : état ou journal réécrit")


def _state(s: tuple[str, int, str] | None) -> str:
    return "(aucun)" if s is None else f"({s[0]}, tête {s[1]}:{s[2][:16]}…)"


def _known_heads(rep: Report, hashes: dict[int, str],
                 known: Sequence[tuple[str, ChainHead]]) -> None:
    """Heads recorded elsewhere (the last verify's): the chain still passes through them."""
    for what, h in known:
        if 0 < h.count <= rep.head.count and hashes.get(h.count) != h.hash:
            rep.findings.append(
                f"tête de chaîne {h.count}:{h.hash[:16]}… ({what}) ne se retrouve pas : "
                "écritures modifiées ou chaîne recalculée depuis")


def _balances(conn: Connection, rep: Report) -> None:
    """The per-month balances kept at posting must equal the sums of the lines."""
    deb = func.sum(case((Line.amount > 0, Line.amount), else_=0))
    cre = func.sum(case((Line.amount < 0, -Line.amount), else_=0))
    month = Line.day // 100  # SQL integer division on SQLite and PostgreSQL alike
    actual: dict[tuple[str, str, int], tuple[int, int]] = {}
    all_dims: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    q = select(Line.dimension, Line.account, month, deb, cre).group_by(
        Line.dimension, Line.account, month)
    for d, a, m, dv, cv in conn.execute(q):
        actual[(d, a, int(m))] = (int(dv), int(cv))
        all_dims[(a, int(m))][0] += int(dv)
        all_dims[(a, int(m))][1] += int(cv)
    for a, m in all_dims:
        actual[(ALL, a, m)] = (all_dims[(a, m)][0], all_dims[(a, m)][1])
    stored = {(b.dimension, b.account, b.month): (b.debit, b.credit)
              for b in conn.execute(select(Balance.__table__))}
    for key in sorted(set(actual) | set(stored)):
        if actual.get(key, (0, 0)) != stored.get(key, (0, 0)):
            d, a, m = key
            rep.findings.append(
                f"solde mensuel {a} / {d} / {month_label(m)} : enregistré {stored.get(key)} "
                f"≠ lignes {actual.get(key)} (débit, crédit en centimes)")


def verify(conn: Connection, expect: ChainHead | None = None,
           known: Sequence[tuple[str, ChainHead]] = ()) -> Report:
    """Check everything; ``expect`` is a chain head kept outside the database (an auditor's),
    ``known`` heads recorded by ECP elsewhere, each with what recorded it (e.g. the last
    verify that found the books intact)."""
    rep = Report()
    _triggers(conn, rep)
    hashes = _fast(conn, rep, _wanted_heads(conn, expect, known)) if _file_sqlite(conn) \
        else None
    fast = hashes is not None
    if hashes is None:
        rep.entries = rep.lines = 0
        rep.head = ChainHead(0, GENESIS)
        hashes = _chain(conn, rep)
    _numbering(conn, rep)
    _locks_and_heads(conn, rep, hashes)
    _known_heads(rep, hashes, known)
    rep.findings.extend(audit.check(conn))  # the audit trail: its chain and its triggers
    rep.findings.extend(check_closes(conn))  # year closes carry what the books held
    if not fast:
        _balances(conn, rep)
    # An empty head (0:000…0, what verify prints for empty books) is a prefix of every chain.
    if expect is not None and (GENESIS if expect.count == 0 else hashes.get(expect.count)) \
            != expect.hash:
        rep.findings.append(
            f"tête de chaîne attendue {expect.count}:{expect.hash[:16]}… introuvable : "
            "écritures supprimées ou chaîne recalculée depuis")
    return rep
