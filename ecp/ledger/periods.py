"""Month locks and the chain head recorded at each close."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, update

from ecp.db.models import Entry, FiscalYear, Period, PeriodEvent
from ecp.kernel.chain import ChainHead
from ecp.kernel.errors import InputError
from ecp.kernel.periods import month_label, next_month
from ecp.ledger.chain import GENESIS
from ecp.ledger.posting import now_iso


def chain_head(conn: Connection) -> ChainHead:
    row = conn.execute(select(Entry.id, Entry.hash).order_by(Entry.id.desc()).limit(1)).first()
    return ChainHead(row.id, row.hash) if row else ChainHead(0, GENESIS)


def is_closed(conn: Connection, month: int) -> bool:
    return conn.scalar(select(Period.status).where(Period.month == month)) == "closed"


def _closed(conn: Connection) -> set[int]:
    return set(conn.scalars(select(Period.month).where(Period.status == "closed")))


def _has_entries(conn: Connection, month: int) -> bool:
    return conn.scalar(select(Entry.id).where(
        Entry.day >= month * 100, Entry.day < month * 100 + 100).limit(1)) is not None


def open_months_with_entries(conn: Connection, before: int | None = None) -> list[int]:
    """Months (keys, oldest first) holding at least one entry and not closed, from the books'
    first entry on; with ``before``, only the months before that one. Each month is one
    indexed look-up on the entries' day: the books span a few dozen months at most."""
    first, last = conn.execute(select(func.min(Entry.day), func.max(Entry.day))).one()
    if first is None:
        return []
    closed = _closed(conn)
    end = int(last) // 100 if before is None else min(int(last) // 100, before - 1)
    out: list[int] = []
    m = int(first) // 100
    while m <= end:
        if m not in closed and _has_entries(conn, m):
            out.append(m)
        m = next_month(m)
    return out


def open_months(conn: Connection, current: int) -> list[int]:
    """The open months the header counts, oldest first: those holding entries and not
    closed, and the current month unless it is closed."""
    months = set(open_months_with_entries(conn))
    if current not in _closed(conn):
        months.add(current)
    return sorted(months)


def close_month(conn: Connection, month: int, user: str) -> ChainHead:
    """Lock a month and record the chain head at that moment."""
    if is_closed(conn, month):
        raise InputError(f"mois {month_label(month)} : déjà clôturé", field="month",
                         code="month.closed")
    earlier = open_months_with_entries(conn, before=month)
    if earlier:
        first = month_label(earlier[0])
        raise InputError(f"mois {month_label(month)} : le mois {first} n'est pas clôturé "
                         f"({len(earlier)} mois antérieur(s) ouvert(s) avec des écritures) ; les "
                         f"mois se clôturent dans l'ordre, clôturer {first} d'abord",
                         field="month", code="month.order")
    head = chain_head(conn)
    _set(conn, month, "closed", head)
    conn.execute(insert(PeriodEvent), [{
        "month": month, "action": "close", "reason": "", "actor": user, "at": now_iso(),
        "head_count": head.count, "head_hash": head.hash}])
    return head


def reopen_month(conn: Connection, month: int, reason: str, user: str) -> ChainHead:
    """Reopen a closed month: an explicit act, with its reason, kept in the log."""
    if not reason.strip():
        raise InputError("motif : obligatoire pour rouvrir un mois clôturé", field="reason",
                         code="reason.required")
    if not is_closed(conn, month):
        raise InputError(f"mois {month_label(month)} : n'est pas clôturé", field="month",
                         code="month.open")
    year = conn.execute(select(FiscalYear.year, FiscalYear.status).where(
        FiscalYear.start <= month * 100 + 31, FiscalYear.end >= month * 100 + 1,
        FiscalYear.status != "open")).first()
    if year is not None:
        raise InputError(f"mois {month_label(month)} : l'exercice {year.year} est clôturé"
                         + (" définitivement" if year.status == "final" else
                            " (ecp year reopen d'abord)"), field="month", code="month.year_closed")
    head = chain_head(conn)
    _set(conn, month, "open", head)
    conn.execute(insert(PeriodEvent), [{
        "month": month, "action": "reopen", "reason": reason.strip(), "actor": user,
        "at": now_iso(), "head_count": head.count, "head_hash": head.hash}])
    return head


def _set(conn: Connection, month: int, status: str, head: ChainHead) -> None:
    if conn.scalar(select(Period.month).where(Period.month == month)) is None:
        conn.execute(insert(Period), [{
            "month": month, "status": status, "head_count": head.count, "head_hash": head.hash}])
    else:
        conn.execute(update(Period).where(Period.month == month).values(
            status=status, head_count=head.count, head_hash=head.hash))


@dataclass(frozen=True)
class PeriodEventView:
    month: str
    action: str
    reason: str
    actor: str
    at: str
    head: ChainHead


def period_events(conn: Connection) -> list[PeriodEventView]:
    return [
        PeriodEventView(month_label(r.month), r.action, r.reason, r.actor, r.at,
                        ChainHead(r.head_count, r.head_hash))
        for r in conn.execute(select(PeriodEvent.__table__).order_by(PeriodEvent.id))
    ]
