"""The SQLite engine recipe (DESIGN.md §6): PRAGMAs on every connection, a private file,
transactions we begin ourselves, writers that BEGIN IMMEDIATE."""

from __future__ import annotations

import datetime as dt
import os
import stat
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.interfaces import DBAPIConnection, DBAPICursor, ExecutionContext
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

from ecp import api
from ecp.db.engine import BUSY_TIMEOUT_MS, make_engine, reading, unit_of_work
from ecp.db.models import Entry
from ecp.kernel.errors import InputError
from tests.fixture_types import SaleOf


def test_connection_pragmas(books: api.Books) -> None:
    for _ in range(2):  # a fresh pooled connection and a reused one alike
        with books.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() >= 5000
    assert BUSY_TIMEOUT_MS >= 5000


def test_foreign_keys_are_enforced(books: api.Books) -> None:
    with pytest.raises(Exception, match="FOREIGN KEY"), unit_of_work(books.engine) as s:
        s.execute(text("INSERT INTO accounts (code, name, cls, parent, internal) "
                       "VALUES ('99999', 'x', 9, '12345678', 0)"))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes: Windows has ACLs instead")
def test_new_database_file_is_private(tmp_path: Path) -> None:
    old = os.umask(0o022)  # a permissive umask must not widen the file
    try:
        path = tmp_path / "sub" / "neuf.sqlite3"
        books = api.open_books(str(path), create=True)
        api.init(books)
        with books.engine.connect() as conn:  # hold a connection: -wal and -shm exist now
            conn.execute(select(func.count()).select_from(Entry))
            for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                if p.exists():
                    assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
            assert Path(f"{path}-wal").exists()
        books.engine.dispose()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_missing_database_is_not_created_silently(tmp_path: Path) -> None:
    path = tmp_path / "absente.sqlite3"
    with pytest.raises(InputError, match="ecp init"):
        api.open_books(str(path))
    assert not path.exists()


def _statements(engine: Engine) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _log(conn: Connection, cursor: DBAPICursor, statement: str, params: object,
             context: ExecutionContext | None, executemany: bool) -> None:
        seen.append(statement.strip().upper())

    # COMMIT and ROLLBACK go through the driver's methods, not a cursor: log them as events.
    event.listen(engine, "commit", lambda conn: seen.append("COMMIT"))
    event.listen(engine, "rollback", lambda conn: seen.append("ROLLBACK"))
    return seen


def test_writer_begins_immediate_reader_plain_begin(books: api.Books, sale_of: SaleOf) -> None:
    seen = _statements(books.engine)
    sale_of(books, dt.date(2026, 1, 5), 1000)
    assert seen[0] == "BEGIN IMMEDIATE"
    assert seen[-1] == "COMMIT"
    assert any(s.startswith("INSERT INTO ENTRIES") for s in seen)
    seen.clear()
    api.trial_balance(books)
    assert seen[0] == "BEGIN"
    assert "BEGIN IMMEDIATE" not in seen


def test_failed_unit_of_work_rolls_back(books: api.Books) -> None:
    seen = _statements(books.engine)
    with pytest.raises(RuntimeError), unit_of_work(books.engine) as s:
        s.execute(text("INSERT INTO settings (key, value) VALUES ('k', 'v')"))
        raise RuntimeError("boom")
    assert seen[0] == "BEGIN IMMEDIATE" and seen[-1] == "ROLLBACK"
    with reading(books.engine) as s:
        assert s.execute(text("SELECT count(*) FROM settings WHERE key='k'")).scalar() == 0


def test_second_writer_waits_instead_of_failing(books: api.Books, sale_of: SaleOf) -> None:
    """Writer A holds the write lock for a while; writer B waits for it, then posts.

    Under a plain deferred BEGIN, B would read, then fail at once on the lock upgrade
    ("database is locked") since SQLite cannot wait without a deadlock."""
    holding = threading.Event()
    errors: list[BaseException] = []

    def writer_a() -> None:
        try:
            with unit_of_work(books.engine) as s:
                s.execute(text("INSERT INTO settings (key, value) VALUES ('a', '1')"))
                holding.set()
                time.sleep(0.6)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            holding.set()

    t = threading.Thread(target=writer_a)
    t.start()
    assert holding.wait(5)
    # A reader is never blocked by the writer (WAL).
    t0 = time.monotonic()
    api.trial_balance(books)
    assert time.monotonic() - t0 < 0.5
    t0 = time.monotonic()
    posted = sale_of(books, dt.date(2026, 1, 5), 1000)
    waited = time.monotonic() - t0
    t.join()
    assert not errors
    assert waited > 0.3, "writer B should have waited for writer A's lock"
    assert posted.ref == "VT-2026-000001"
    with reading(books.engine) as s:
        assert s.execute(text("SELECT value FROM settings WHERE key='a'")).scalar() == "1"


def test_second_writer_with_short_timeout_fails_at_begin(db_path: Path) -> None:
    """With a short timeout the second writer is refused at BEGIN IMMEDIATE, before it has
    read anything (so no stale read can lead to a wrong number)."""
    a = make_engine(f"sqlite:///{db_path}")
    b = make_engine(f"sqlite:///{db_path}")

    @event.listens_for(b, "connect")
    def _short(dbapi_conn: DBAPIConnection, _rec: ConnectionPoolEntry) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout=100")

    seen = _statements(b)
    try:
        with unit_of_work(a) as s:
            s.execute(text("INSERT INTO settings (key, value) VALUES ('a', '1')"))
            with pytest.raises(OperationalError, match="locked"), unit_of_work(b) as s2:
                s2.execute(text("SELECT 1"))
        assert [st for st in seen if st != "ROLLBACK"][-1] == "BEGIN IMMEDIATE"
        assert not any(st.startswith("SELECT") for st in seen)
    finally:
        a.dispose()
        b.dispose()
