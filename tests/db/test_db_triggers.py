"""Posted is final, and the database itself says so: triggers refuse UPDATE and DELETE of
posted rows whatever client writes (SQLAlchemy or the bare ``sqlite3`` module), and refuse to
delete an account or a dimension that postings use."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from ecp import api
from ecp.db.engine import unit_of_work
from ecp.db.models import Account, Dimension, Entry, Line, PeriodEvent
from ecp.kernel.periods import Month
from tests.fixture_types import RowsOf, SaleOf

REFUSED = "modification et suppression interdites"
USED = "déjà mouvementé"


@pytest.fixture
def posted(books: api.Books, sale_of: SaleOf) -> api.Books:
    sale_of(books, dt.date(2026, 1, 10), 120000)
    api.close_period(books, Month(2026, 1))
    return books


STATEMENTS = {
    "entries": [update(Entry).values(label="modifié"), delete(Entry)],
    "lines": [update(Line).values(amount=1), delete(Line)],
    "period_events": [update(PeriodEvent).values(reason="effacé"), delete(PeriodEvent)],
}


@pytest.mark.parametrize(("table", "which"),
                         [(t, i) for t in STATEMENTS for i in (0, 1)])
def test_sqlalchemy_cannot_update_or_delete_posted_rows(
        posted: api.Books, rows_of: RowsOf, table: str, which: int) -> None:
    path = posted.path
    assert path is not None
    before = rows_of(path)
    assert before[table], "the table must have rows for the test to mean something"
    with pytest.raises(DBAPIError, match=REFUSED), unit_of_work(posted.engine) as s:
        s.execute(STATEMENTS[table][which])
    assert rows_of(path) == before


@pytest.mark.parametrize("sql", [
    "UPDATE entries SET label = 'x'",
    "UPDATE entries SET hash = 'x'",
    "DELETE FROM entries",
    "UPDATE lines SET amount = amount + 1",
    "UPDATE lines SET account = '7113'",
    "DELETE FROM lines",
    "UPDATE period_events SET reason = 'x'",
    "DELETE FROM period_events",
])
def test_sqlite3_module_cannot_update_or_delete(posted: api.Books, rows_of: RowsOf,
                                                sql: str) -> None:
    path = posted.path
    assert path is not None
    before = rows_of(path)
    con = sqlite3.connect(str(path))
    try:
        with pytest.raises(sqlite3.IntegrityError, match=REFUSED):
            con.execute(sql)
        con.commit()
    finally:
        con.close()
    assert rows_of(path) == before


def _sqlite(path: Path, sql: str, *params: object) -> None:
    con = sqlite3.connect(str(path))
    try:
        con.execute("PRAGMA foreign_keys=ON")
        con.execute(sql, params)
        con.commit()
    finally:
        con.close()


def test_used_account_and_dimension_cannot_be_deleted_or_renamed(posted: api.Books) -> None:
    path = posted.path
    assert path is not None
    for sql in ("DELETE FROM accounts WHERE code = '342111'",
                "DELETE FROM accounts WHERE code = '7111'",
                "DELETE FROM dimensions WHERE code = 'FZ'",
                "UPDATE accounts SET code = '342112' WHERE code = '342111'",
                "UPDATE dimensions SET code = 'FZ2' WHERE code = 'FZ'"):
        with pytest.raises(sqlite3.IntegrityError, match=USED):
            _sqlite(path, sql)
    with pytest.raises(DBAPIError, match=USED), unit_of_work(posted.engine) as s:
        s.execute(delete(Dimension).where(Dimension.code == "FZ"))
    with pytest.raises(DBAPIError, match=USED), unit_of_work(posted.engine) as s:
        s.execute(delete(Account).where(Account.code == "7111"))
    codes = {a.code for a in api.list_accounts(posted)}
    assert {"342111", "7111"} <= codes
    assert "FZ" in {m.code for m in api.list_members(posted)}


def test_unused_account_and_dimension_can_still_go(posted: api.Books) -> None:
    """The triggers refuse only what postings use (control for the test above)."""
    api.add_account(posted, "71111", "Ventes couture")
    with unit_of_work(posted.engine) as s:
        s.execute(delete(Account).where(Account.code == "71111"))
        s.execute(delete(Dimension).where(Dimension.code == "YS"))
        s.execute(update(Dimension).where(Dimension.code == "KH").values(name="Khadija B."))
    assert "71111" not in {a.code for a in api.list_accounts(posted)}
    assert "YS" not in {m.code for m in api.list_members(posted)}


def test_inserting_stays_possible_and_verify_checks_all_triggers(posted: api.Books) -> None:
    """Appending is what posting does; verify sees every trigger in place on clean books."""
    with posted.engine.connect() as conn:
        names = set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type='trigger'")))
    assert {"entries_no_update", "entries_no_delete", "lines_no_update", "lines_no_delete",
            "period_events_no_update", "period_events_no_delete"} <= names
    rep = api.verify(posted)
    assert rep.ok, rep.findings
