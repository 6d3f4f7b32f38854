"""``verify``: recompute the hash chain and every invariant, and say what is wrong and where."""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Engine, case, func, select, text

from ecp.db.models import Balance, Entry, Line, PeriodEvent
from ecp.ledger.chain import GENESIS, digest
from ecp.ledger.entry import day_iso, entry_ref
from ecp.ledger.periods import ChainHead
from ecp.ledger.posting import ALL
from ecp.periods import month_label

SQLITE_TRIGGERS = {
    f"{t}_no_{ev}" for t in ("entries", "lines", "period_events") for ev in ("update", "delete")
} | {f"{t}_keep_used_{w}" for t in ("accounts", "dimensions") for w in ("delete", "rename")}
PG_TRIGGERS = {f"{t}_immutable" for t in ("entries", "lines", "period_events")} | {
    "accounts_keep_used", "dimensions_keep_used"}


@dataclass
class Report:
    head: ChainHead = ChainHead(0, GENESIS)
    entries: int = 0
    lines: int = 0
    findings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def _triggers(conn: Connection, rep: Report) -> None:
    if conn.dialect.name == "postgresql":
        have = set(conn.scalars(text(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'")))
        want = PG_TRIGGERS
    else:
        have = set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
        want = SQLITE_TRIGGERS
    for t in sorted(want - have):
        rep.findings.append(
            f"trigger de protection {t} absent ou désactivé : la base a été modifiée hors ECP")


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
# Healthy books are the common case and the big ones: a walk over plain driver tuples that
# only answers "all good" (with the counts and the chain heads asked for) or "something is
# off" (None). When something is off, the exact walk above runs and says what and where, so
# findings never depend on the fast path.

_FAST_ENTRIES = ("SELECT id, journal, fiscal_year, number, day, label, reference, posted_by, "
                 "posted_at, reverses, prev_hash, hash FROM entries ORDER BY id")
# Lines in id order: ``Poster`` numbers them entry after entry, line after line, so on healthy
# books this is (entry_id, line_no) order with no sort; any other order sends us to the exact
# walk.
_FAST_LINES = ("SELECT entry_id, line_no, account, dimension, amount, third_party, due_day, "
               "day FROM lines ORDER BY id")


def _chain_fast(conn: Connection, rep: Report, wanted: set[int]) -> dict[int, str] | None:
    """The checks of ``_chain`` on healthy books, over raw SQLite cursors.

    Returns {entry id: hash} for the ids in ``wanted`` and the last one, having set the
    counts and head of ``rep``; None at the first irregularity (nothing is recorded then).
    The canonical string is built as ``ecp.ledger.chain.canonical`` builds it.
    """
    dbapi: Any = conn.connection.driver_connection
    ecur, lcur = dbapi.cursor(), dbapi.cursor()
    try:
        ecur.execute(_FAST_ENTRIES)
        lcur.execute(_FAST_LINES)
        return _walk(ecur, lcur, rep, wanted)
    except (TypeError, ValueError, AttributeError):
        return None  # odd types in a column: the exact walk will tell
    finally:
        ecur.close()
        lcur.close()


def _walk(entries: Any, lines: Any, rep: Report, wanted: set[int]) -> dict[int, str] | None:
    sha = hashlib.sha256
    us, rs = "\x1f", "\x1e"
    keep: dict[int, str] = {}
    prev = GENESIS
    expected = 1
    nlines = 0
    # One group of lines per entry, in step with the entries: an entry without lines, lines
    # without an entry or lines out of order break the step (or ``strict``: ValueError).
    groups = groupby(lines, itemgetter(0))
    for (eid, journal, year, number, day, label, ref, by, at, rev, prev_hash, h), \
            (line_eid, group) in zip(entries, groups, strict=True):
        if eid != expected or line_eid != eid or prev_hash != prev or year != day // 10000:
            return None
        expected += 1
        parts = [f"{eid}{us}{journal}{us}{year}{us}{number}{us}{day}{us}{label}{us}{ref}{us}"
                 f"{by}{us}{at}{us}{'' if rev is None else rev}"]
        n = total = 0
        dim0 = None
        mixed = False
        for _e, line_no, account, dim, amount, tp, due, lday in group:
            n += 1
            if line_no != n or lday != day:
                return None
            parts.append(f"{n}{us}{account}{us}{dim}{us}{amount}{us}{tp or ''}{us}"
                         f"{'' if due is None else due}")
            total += amount
            if dim != dim0:
                if dim0 is None:
                    dim0 = dim
                else:
                    mixed = True
        if n < 2 or total:
            return None
        if mixed:
            per_dim: dict[str, int] = defaultdict(int)
            for part in parts[1:]:
                f = part.split(us)
                per_dim[f[2]] += int(f[3])
            if any(per_dim.values()):
                return None
        parts.append(prev_hash)
        if sha(rs.join(parts).encode()).hexdigest() != h:
            return None
        prev = h
        nlines += n
        if eid in wanted:
            keep[eid] = h
    count = expected - 1
    rep.entries, rep.lines = count, nlines
    if count:
        rep.head = ChainHead(count, prev)
        keep[count] = prev
    return keep


_FINGERPRINT = "SELECT (SELECT max(id) FROM entries), (SELECT max(id) FROM lines)"
# Both sides of the balances check as one string each, ordered the same way: one row, so
# SQLite computes it in a single step without holding the GIL while the chain walk runs.
_BALANCES_FROM_LINES = """
WITH per AS MATERIALIZED (
  SELECT dimension AS d, account AS a, day / 100 AS m,
         sum(CASE WHEN amount > 0 THEN amount ELSE 0 END) AS dv,
         sum(CASE WHEN amount < 0 THEN -amount ELSE 0 END) AS cv
  FROM lines GROUP BY dimension, account, day / 100)
SELECT group_concat(k, char(30)) FROM (
  SELECT d || char(31) || a || char(31) || m || char(31) || dv || char(31) || cv AS k
  FROM (SELECT d, a, m, dv, cv FROM per
        UNION ALL SELECT ?, a, m, sum(dv), sum(cv) FROM per GROUP BY a, m)
  WHERE NOT (dv = 0 AND cv = 0) ORDER BY d, a, m)"""
_BALANCES_STORED = """
SELECT group_concat(k, char(30)) FROM (
  SELECT dimension || char(31) || account || char(31) || month || char(31) || debit
         || char(31) || credit AS k
  FROM balances WHERE NOT (debit = 0 AND credit = 0) ORDER BY dimension, account, month)"""


class _BalancesCheck:
    """``_balances`` for healthy books, in a thread with its own connection and snapshot.

    ``clean(conn)`` is True when the stored balances equal the sums of the lines in a
    snapshot holding the same postings as ``conn``'s; otherwise the exact check runs.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.fingerprint: tuple[Any, ...] | None = None
        self.equal = False
        self.thread = threading.Thread(target=self._run, name="ecp-verify-balances",
                                       daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            with self.engine.connect() as c:
                fp = c.exec_driver_sql(_FINGERPRINT).one()  # begins the read transaction
                dbapi: Any = c.connection.driver_connection
                cur = dbapi.cursor()
                try:
                    actual = cur.execute(_BALANCES_FROM_LINES, (ALL,)).fetchone()[0]
                    stored = cur.execute(_BALANCES_STORED).fetchone()[0]
                finally:
                    cur.close()
                self.equal = actual == stored
                self.fingerprint = tuple(fp)
        except Exception:  # any trouble here only means: use the exact check
            self.equal = False

    def clean(self, conn: Connection) -> bool:
        self.thread.join()
        if not self.equal or self.fingerprint is None:
            return False
        return tuple(conn.exec_driver_sql(_FINGERPRINT).one()) == self.fingerprint


def _file_sqlite(conn: Connection) -> bool:
    db = conn.engine.url.database
    return conn.dialect.name == "sqlite" and bool(db) and db != ":memory:" \
        and not str(db).startswith("file:")


def _wanted_heads(conn: Connection, expect: ChainHead | None) -> set[int]:
    wanted = set(conn.scalars(select(PeriodEvent.head_count)))
    if expect is not None:
        wanted.add(expect.count)
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
    for month, spans in windows.items():
        for lo, hi in spans:
            q = select(Entry.journal, Entry.fiscal_year, Entry.number, Entry.day).where(
                Entry.day >= month * 100, Entry.day < month * 100 + 100, Entry.id > lo)
            if hi is not None:
                q = q.where(Entry.id <= hi)
            for j, y, n, d in conn.execute(q):
                rep.findings.append(
                    f"écriture {entry_ref(j, y, n)} du {day_iso(d)} : passée alors que le mois "
                    f"{month_label(month)} était clôturé")


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


def verify(conn: Connection, expect: ChainHead | None = None) -> Report:
    """Check everything; ``expect`` is a chain head kept outside the database (an auditor's)."""
    rep = Report()
    _triggers(conn, rep)
    background = _BalancesCheck(conn.engine) if _file_sqlite(conn) else None
    hashes = None
    if conn.dialect.name == "sqlite":
        hashes = _chain_fast(conn, rep, _wanted_heads(conn, expect))
    if hashes is None:
        rep.entries = rep.lines = 0
        rep.head = ChainHead(0, GENESIS)
        hashes = _chain(conn, rep)
    _numbering(conn, rep)
    _locks_and_heads(conn, rep, hashes)
    if background is None or not background.clean(conn):
        _balances(conn, rep)
    # An empty head (0:000…0, what verify prints for empty books) is a prefix of every chain.
    if expect is not None and (GENESIS if expect.count == 0 else hashes.get(expect.count)) \
            != expect.hash:
        rep.findings.append(
            f"tête de chaîne attendue {expect.count}:{expect.hash[:16]}… introuvable : "
            "écritures supprimées ou chaîne recalculée depuis")
    return rep
