"""Waiting, not dying, on PostgreSQL (issue 12, failure 4): a writer that meets another
session's ``LOCK TABLE entries IN EXCLUSIVE MODE`` (a long import) waits with one visible line,
then refuses with « base occupée … » (exit 2, no traceback), nothing written. Same database and
rules as ``test_postgresql.py``: runs when ``ECP_TEST_PG_URL`` is set, its schema wiped."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from ecp import api
from ecp.cli import main
from ecp.db.engine import BusyError
from ecp.ledger import LineSpec
from tests.pgbooks import PG_URL, fresh_pg_books

pytestmark = pytest.mark.xdist_group("postgresql")


@pytest.fixture
def books(tmp_path: Path) -> Iterator[api.Books]:
    b = fresh_pg_books(tmp_path / "archives")
    api.add_member(b, "M001", "Fatima Zahra", joined=dt.date(2026, 1, 1))
    yield b
    b.engine.dispose()


def _count(engine: Engine) -> int:
    with engine.connect() as c:
        return int(c.execute(text("SELECT count(*) FROM entries")).scalar_one())


def _hold(url: str, ready: threading.Event, release: threading.Event) -> None:
    """Another session: holds the poster's lock in an open transaction until ``release``."""
    eng = create_engine(url)
    try:
        with eng.begin() as c:
            c.execute(text("LOCK TABLE entries IN EXCLUSIVE MODE"))
            ready.set()
            release.wait(30)
    finally:
        eng.dispose()


def _held(url: str) -> tuple[threading.Thread, threading.Event]:
    ready, release = threading.Event(), threading.Event()
    t = threading.Thread(target=_hold, args=(url, ready, release), daemon=True)
    t.start()
    assert ready.wait(10)
    return t, release


def test_cli_writer_waits_with_a_notice_then_refuses(books: api.Books,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Failure 4 on PostgreSQL: ``entry post`` behind a held lock says « base occupée,
    attente… » once, then exits 2 with « base occupée … depuis 2 s », no traceback, nothing
    written (before: no notice, the lock_timeout fell on the user without one)."""
    assert PG_URL is not None
    monkeypatch.setenv("ECP_LOCK_WAIT", "2")
    before = _count(books.engine)
    t, release = _held(PG_URL)
    try:
        t0 = time.monotonic()
        rc = main(["--db", PG_URL, "entry", "post", "--journal", "OD", "--date", "2026-01-05",
                   "--label", "Essai attente", "--line", "5141:M001:100",
                   "--line", "7111:M001:-100"])
        waited = time.monotonic() - t0
    finally:
        release.set()
        t.join(10)
    err = capsys.readouterr().err
    assert rc == 2, err
    assert 1.8 <= waited < 8
    assert err.count("base occupée, attente…") == 1
    assert "base occupée par une autre opération depuis 2 s" in err
    assert "Traceback" not in err and "LockNotAvailable" not in err and "lock" not in err
    assert len(err.strip().splitlines()) == 2
    assert _count(books.engine) == before


def test_facade_writer_gets_busy_error_or_gets_in(books: api.Books,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Failure 4 through the façade (the TUI's path): past the limit a ``BusyError`` (one
    French line, exit code 2), not the driver's error; within it the entry is posted once the
    lock is released, after one notice."""
    assert PG_URL is not None
    told: list[float] = []
    from ecp.db.engine import set_wait_notice

    previous = set_wait_notice(told.append)
    try:
        monkeypatch.setenv("ECP_LOCK_WAIT", "2")
        lines = [LineSpec("5141", "M001", 100), LineSpec("7111", "M001", -100)]
        before = _count(books.engine)
        t, release = _held(PG_URL)
        try:
            with pytest.raises(BusyError, match="base occupée") as info:
                api.post_entry(books, "OD", dt.date(2026, 1, 5), "Essai", lines)
        finally:
            release.set()
            t.join(10)
        assert info.value.exit_code == 2
        assert told == [2.0]
        assert _count(books.engine) == before
        monkeypatch.setenv("ECP_LOCK_WAIT", "20")
        told.clear()
        t, release = _held(PG_URL)
        timer = threading.Timer(1.6, release.set)
        timer.start()
        try:
            posted = api.post_entry(books, "OD", dt.date(2026, 1, 5), "Essai", lines)
        finally:
            timer.join()
            t.join(10)
        assert posted.ref.startswith("OD-2026-")
        assert told == [20.0]
        assert _count(books.engine) == before + 1
    finally:
        set_wait_notice(previous)
