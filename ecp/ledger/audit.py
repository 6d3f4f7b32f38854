"""The audit trail: who did what, when, for every change of state of the books.

One row per user operation (a posting, an import, a reversal, an issued document, a payment, a
month closed or reopened, a setting, a member added or edited…), written by the façade in the
same unit of work as the change: a change rolled back leaves no event. Rows are insert-only
(triggers refuse UPDATE and DELETE on SQLite and PostgreSQL) and hash-chained like the entries:
each stores SHA-256(canonical content + previous hash), so an event edited, removed or inserted
afterwards breaks the chain and ``verify`` names it. A month-close event carries the entries'
chain head of that moment: the heads recorded at close are themselves chained.

The time and the user come from the caller (the books' clock and acting user), never from the
system here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, text

from ecp.db.models import AuditEvent as AuditRow
from ecp.db.models import PeriodEvent
from ecp.kernel.chain import ChainHead
from ecp.kernel.errors import InputError
from ecp.kernel.periods import Month

GENESIS = "0" * 64

# The protection triggers of the trail (``verify`` checks they are all there).
SQLITE_TRIGGERS = frozenset({"audit_events_no_update", "audit_events_no_delete"})
PG_TRIGGERS = frozenset({"audit_events_immutable"})

# What each action is, in French (``ecp audit list`` shows both).
ACTIONS = {
    "ecriture": "écriture passée",
    "extourne": "écriture extournée",
    "import": "écritures importées",
    "compte": "compte ouvert",
    "document": "document émis",
    "avoir": "avoir émis",
    "devis.accepte": "devis accepté",
    "paiement": "règlement client",
    "depense": "dépense enregistrée",
    "depense.reglee": "dépense réglée",
    "versement": "versement à un membre",
    "contributions": "contributions du mois",
    "cloture": "mois clôturé",
    "reouverture": "mois rouvert",
    "parametre": "paramètre modifié",
    "membre.ajout": "membre ajouté",
    "membre.modif": "membre modifié",
    "tiers.ajout": "client ou fournisseur ajouté",
    "tiers.modif": "client ou fournisseur modifié",
    "produit": "produit ajouté au catalogue",
    "banque.profil": "profil de relevé enregistré",
    "banque.import": "relevé bancaire importé",
    "banque.rapprochement": "ligne de relevé rapprochée",
    "banque.regle": "règle de rapprochement ajoutée",
    "matiere": "matière ajoutée",
    "stock.entree": "entrée en stock",
    "stock.ajustement": "stock ajusté",
    "nomenclature": "nomenclature enregistrée",
    "ressource": "ressource ajoutée",
    "capacite": "capacité enregistrée",
    "ordre.ajout": "ordre de fabrication ajouté",
    "ordre.debut": "ordre de fabrication commencé",
    "ordre.annule": "ordre de fabrication annulé",
    "ordre.termine": "ordre de fabrication terminé",
}

MAX_TEXT = 2000  # subject and detail are cut there (the change itself holds the full text)


@dataclass(frozen=True)
class AuditEvent:
    """One event of the trail, as stored."""

    id: int
    at: str  # ISO 8601, the books' clock (local wall time when naive)
    by: str
    action: str
    subject: str
    detail: str
    prev_hash: str
    hash: str

    @property
    def what(self) -> str:
        return ACTIONS.get(self.action, self.action)


def canonical(eid: int, at: str, by: str, action: str, subject: str, detail: str) -> str:
    """One unambiguous string for an event (a JSON array: no separator can be smuggled)."""
    return json.dumps([eid, at, by, action, subject, detail], ensure_ascii=False,
                      separators=(",", ":"))


def digest(prev_hash: str, eid: int, at: str, by: str, action: str, subject: str,
           detail: str) -> str:
    return hashlib.sha256(
        (canonical(eid, at, by, action, subject, detail) + "\x1e" + prev_hash).encode()
    ).hexdigest()


def stamp(at: dt.datetime) -> str:
    return at.isoformat(timespec="microseconds")


def record(conn: Connection, at: dt.datetime, by: str, action: str, subject: str = "",
           detail: str = "") -> AuditEvent:
    """Append one event to the trail, in the caller's transaction (commit or rollback with it).

    Call it last in the unit of work: on PostgreSQL it takes the trail's lock (one writer at a
    time extends the chain, as ``BEGIN IMMEDIATE`` gives on SQLite)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE audit_events IN EXCLUSIVE MODE")
    last = conn.execute(select(AuditRow.id, AuditRow.hash).order_by(AuditRow.id.desc())
                        .limit(1)).first()
    eid = last.id + 1 if last else 1
    prev = last.hash if last else GENESIS
    when = stamp(at)
    # No NUL byte (PostgreSQL refuses it in text) and a bounded length, on every database.
    by, subject, detail = (t.replace("\x00", "")[:MAX_TEXT] for t in (by, subject, detail))
    h = digest(prev, eid, when, by, action, subject, detail)
    conn.execute(insert(AuditRow), [{
        "id": eid, "at": when, "by": by, "action": action, "subject": subject,
        "detail": detail, "prev_hash": prev, "hash": h}])
    return AuditEvent(eid, when, by, action, subject, detail, prev, h)


def _bounds(date_from: dt.date | None, date_to: dt.date | None) -> tuple[str | None, str | None]:
    lo = date_from.isoformat() if date_from else None
    hi = (date_to + dt.timedelta(days=1)).isoformat() if date_to else None
    return lo, hi


def iter_events(conn: Connection, date_from: dt.date | None = None,
                date_to: dt.date | None = None) -> Iterator[AuditEvent]:
    """The events in chain order, those of [date_from, date_to] (both included) when given."""
    q = select(AuditRow.id, AuditRow.at, AuditRow.by, AuditRow.action, AuditRow.subject,
               AuditRow.detail, AuditRow.prev_hash, AuditRow.hash).order_by(AuditRow.id)
    lo, hi = _bounds(date_from, date_to)
    if lo is not None:
        q = q.where(AuditRow.at >= lo)
    if hi is not None:
        q = q.where(AuditRow.at < hi)
    for r in conn.execution_options(yield_per=5000).execute(q):
        yield AuditEvent(r.id, r.at, r.by, r.action, r.subject, r.detail, r.prev_hash, r.hash)


def list_events(conn: Connection, date_from: dt.date | None = None,
                date_to: dt.date | None = None) -> list[AuditEvent]:
    return list(iter_events(conn, date_from, date_to))


def head(conn: Connection) -> ChainHead:
    """The trail's head: number of events and hash of the last one."""
    last = conn.execute(select(AuditRow.id, AuditRow.hash).order_by(AuditRow.id.desc())
                        .limit(1)).first()
    return ChainHead(last.id, last.hash) if last else ChainHead(0, GENESIS)


def _triggers(conn: Connection) -> list[str]:
    if conn.dialect.name == "postgresql":
        have = set(conn.scalars(text(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'")))
        want: frozenset[str] = PG_TRIGGERS
    else:
        have = set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
        want = SQLITE_TRIGGERS
    return [f"trigger de protection {t} absent ou désactivé : la piste d'audit peut être "
            "modifiée hors ECP" for t in sorted(want - have)]


def check(conn: Connection) -> list[str]:
    """What is wrong with the trail, in French, each finding naming the event: protection
    triggers missing, an event edited (its hash no longer matches its content), removed or
    inserted (the chain skips or a previous hash does not match)."""
    findings = _triggers(conn)
    prev = GENESIS
    expected = 1
    for e in iter_events(conn):
        where = f"piste d'audit, événement {e.id} ({e.at}, {e.by}, {e.what})"
        if e.id != expected:
            findings.append(f"{where} : la piste saute de {expected - 1} à {e.id} "
                            f"(événement(s) {expected}..{e.id - 1} supprimé(s))")
            prev = e.prev_hash
        expected = e.id + 1
        if e.prev_hash != prev:
            findings.append(f"{where} : empreinte précédente {e.prev_hash[:16]}… ≠ "
                            f"{prev[:16]}… (événement inséré, supprimé ou recalculé)")
        if digest(e.prev_hash, e.id, e.at, e.by, e.action, e.subject, e.detail) != e.hash:
            findings.append(f"{where} : contenu modifié après coup (empreinte ne correspond "
                            "plus)")
        prev = e.hash
    return findings + _close_heads(conn)


CLOSE_HEAD = "tête de chaîne "


def close_detail(head: ChainHead) -> str:
    """The detail of a month-close event: the entries' chain head at that moment."""
    return f"{CLOSE_HEAD}{head}"


def _close_heads(conn: Connection) -> list[str]:
    """Every close in the trail must be in the log of closes with the same chain head: heads
    rewritten there together with the entries' chain (which the chain check alone cannot
    see) differ from the ones the trail chained at close."""
    logged = {(r.month, r.head_count, r.head_hash) for r in conn.execute(
        select(PeriodEvent.month, PeriodEvent.head_count, PeriodEvent.head_hash)
        .where(PeriodEvent.action == "close"))}
    findings: list[str] = []
    for e in iter_events(conn):
        if e.action != "cloture" or not e.detail.startswith(CLOSE_HEAD):
            continue
        try:
            month = Month.parse(e.subject)
            head = ChainHead.parse(e.detail[len(CLOSE_HEAD):].split(" ", 1)[0])
        except InputError:
            findings.append(f"piste d'audit, événement {e.id} : clôture illisible "
                            f"« {e.subject} », « {e.detail} »")
            continue
        if (month.key, head.count, head.hash) not in logged:
            findings.append(
                f"clôture de {month} : la tête de chaîne {head.count}:{head.hash[:16]}… "
                f"enregistrée dans la piste d'audit (événement {e.id}, {e.at}, {e.by}) "
                "n'est plus dans le journal des clôtures : têtes réécrites avec la chaîne")
    return findings
