"""The audit trail on PostgreSQL: recorded with the change, refused UPDATE and DELETE by the
trigger, checked by verify (issue 12, « an audit trail »). Same database and rules as
``test_postgresql.py``: runs when ``ECP_TEST_PG_URL`` is set, its schema wiped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ecp import api
from ecp.kernel.errors import EcpError
from ecp.kernel.periods import Month
from ecp.ledger import LineSpec
from tests.pgbooks import fresh_pg_books

pytestmark = pytest.mark.xdist_group("postgresql")


@pytest.fixture
def books(tmp_path: Path) -> Iterator[api.Books]:
    b = fresh_pg_books(tmp_path / "archives")
    api.add_member(b, "M001", "Fatima Zahra", joined=dt.date(2026, 1, 1))
    b.now_clock = lambda: dt.datetime(2026, 3, 10, 9, 30)  # noqa: DTZ001 - local wall time
    b.user = "amina"
    b.archive = tmp_path / "archives"  # not the shared default place
    yield b
    b.engine.dispose()


def test_trail_recorded_protected_and_checked(books: api.Books) -> None:
    start = api.audit_head(books).count
    ref = api.post_entry(books, "VT", dt.date(2026, 2, 2), "Vente", [
        LineSpec("34211", "M001", 1000), LineSpec("71211", "M001", -1000)]).ref
    head = api.close_period(books, Month(2026, 2))
    with pytest.raises(EcpError):  # refused: no event
        api.reopen_period(books, Month(2026, 2), "")
    events = [e for e in api.audit_events(books) if e.id > start]
    assert [(e.action, e.subject, e.by) for e in events] == [
        ("ecriture", ref, "amina"), ("cloture", "2026-02", "amina")]
    assert str(head) in events[1].detail
    assert api.verify(books).ok
    for sql in ("UPDATE audit_events SET by = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="piste d’audit"), books.engine.begin() as c:
            c.execute(text(sql))
    with books.engine.begin() as c:  # someone with the owner's rights: off, edit, on
        c.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_immutable"))
        c.execute(text("UPDATE audit_events SET by = 'intrus' WHERE id = 1"))
    findings = api.verify(books).findings
    assert any("audit_events_immutable" in f for f in findings), findings
    assert any("événement 1" in f and "contenu modifié" in f for f in findings), findings
