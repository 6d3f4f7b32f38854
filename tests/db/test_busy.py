"""Waiting, not dying (issue 12, failure 4): a writer that meets another process's lock waits
with one visible line, then refuses with a clear message (exit 2, no traceback); ``verify``
never needs the write lock."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ecp import api
from ecp.cli import main


@contextmanager
def held_lock(path: Path, seconds: float | None = None) -> Iterator[sqlite3.Connection]:
    """Another connection holding ``BEGIN IMMEDIATE`` (a long import); released after
    ``seconds`` in a thread when given, else when the block ends."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    timer = None
    if seconds is not None:
        timer = threading.Timer(seconds, lambda: conn.execute("ROLLBACK"))
        timer.start()
    try:
        yield conn
    finally:
        if timer is not None:
            timer.join()
        else:
            conn.execute("ROLLBACK")
        conn.close()


def _verify_last(path: Path) -> str | None:
    conn = sqlite3.connect(str(path))
    try:
        row = conn.execute("SELECT value FROM settings WHERE key='verify.last'").fetchone()
    finally:
        conn.close()
    return row[0] if row else None


def test_writer_waits_with_a_notice_then_refuses(db_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Failure 4: a writer blocked past the limit died with « database is locked » and a
    traceback; now one line after ~1 s, then exit 2 « base occupée … depuis … »."""
    monkeypatch.setenv("ECP_LOCK_WAIT", "2")
    with held_lock(db_path):
        t0 = time.monotonic()
        rc = main(["--db", str(db_path), "account", "add", "61199", "Essai attente"])
        waited = time.monotonic() - t0
    err = capsys.readouterr().err
    assert rc == 2
    assert 1.8 <= waited < 6
    assert err.count("base occupée, attente…") == 1
    assert "base occupée par une autre opération depuis 2 s" in err
    assert "Traceback" not in err and "locked" not in err
    assert len(err.strip().splitlines()) == 2
    books = api.open_books(str(db_path))
    try:
        assert all(a.code != "61199" for a in api.list_accounts(books))
    finally:
        books.engine.dispose()


def test_writer_gets_in_when_the_lock_is_released(db_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Failure 4: within the limit the writer waits (saying so) and then does its work."""
    monkeypatch.setenv("ECP_LOCK_WAIT", "20")
    with held_lock(db_path, seconds=1.6):
        rc = main(["--db", str(db_path), "account", "add", "61199", "Essai attente"])
    err = capsys.readouterr().err
    assert rc == 0, err
    assert "base occupée, attente…" in err
    books = api.open_books(str(db_path))
    try:
        assert any(a.code == "61199" for a in api.list_accounts(books))
    finally:
        books.engine.dispose()


def test_verify_does_not_need_the_write_lock(db_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Failure 4: ``ecp verify`` during an import died too (recording verify.last waited for
    the lock); now it checks, prints its outcome and skips the record at once."""
    monkeypatch.setenv("ECP_LOCK_WAIT", "30")
    before = _verify_last(db_path)
    with held_lock(db_path):
        t0 = time.monotonic()
        rc = main(["--db", str(db_path), "verify"])
        elapsed = time.monotonic() - t0
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert "Vérification réussie" in out
    assert "Traceback" not in err and "attente" not in err
    assert elapsed < 10
    assert _verify_last(db_path) == before  # skipped, not waited for
    assert main(["--db", str(db_path), "verify"]) == 0  # free again: recorded
    assert _verify_last(db_path) is not None


def test_bad_lock_wait_setting_is_one_line(db_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ECP_LOCK_WAIT", "longtemps")
    rc = main(["--db", str(db_path), "account", "add", "61199", "Essai"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "ECP_LOCK_WAIT « longtemps »" in err and "Traceback" not in err
