"""The audit trail in the façade: each writing operation records who did what when, in its own
unit of work (``_audit``), and the trail is read back for ``ecp audit list`` and the exports."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection

from ecp.api.session import Books, _read
from ecp.kernel.chain import ChainHead
from ecp.kernel.errors import InputError
from ecp.ledger import audit
from ecp.ledger.audit import AuditEvent as AuditEvent  # re-exported by ecp.api


def _audit(conn: Connection, books: Books, action: str, subject: object = "",
           detail: object = "", user: str | None = None) -> None:
    """Record one event of the trail in the open unit of work ``conn`` (called last in it):
    the books' clock, the acting user (or ``user``), the action and what it was about."""
    audit.record(conn, books.now(), books.who(user), action, str(subject), str(detail))


def audit_events(books: Books, date_from: dt.date | None = None,
                 date_to: dt.date | None = None) -> list[AuditEvent]:
    """The trail's events, in order, those of [date_from, date_to] when given."""
    if date_from and date_to and date_from > date_to:
        raise InputError(f"période : le début {date_from.isoformat()} est après la fin "
                         f"{date_to.isoformat()}", field="date_from")
    with _read(books) as conn:
        return audit.list_events(conn, date_from, date_to)


def audit_head(books: Books) -> ChainHead:
    with _read(books) as conn:
        return audit.head(conn)


def audit_check(books: Books) -> list[str]:
    """What is wrong with the trail (empty when its chain and triggers are intact)."""
    with _read(books) as conn:
        return audit.check(conn)
