"""Engines configured as DESIGN.md §6 says.

SQLite: foreign keys on, WAL, synchronous FULL, a busy timeout, and SQLAlchemy's recipe for
real transactions (the driver's own transaction handling is switched off and we emit BEGIN
ourselves, so DDL and reads are transactional and SAVEPOINTs behave). Writers start with
``BEGIN IMMEDIATE``: a second writer waits for the lock instead of failing on upgrade.

Waiting, not dying: a writer that meets another process's lock (a long import) retries
``BEGIN IMMEDIATE`` one second at a time, says so once (``set_wait_notice``: one line on the
CLI's stderr, a notice in the TUI) and gives up after ``ECP_LOCK_WAIT`` seconds with a
``BusyError`` (exit 2, nothing written). PostgreSQL: ``lock_timeout`` bounds the writer's
``LOCK TABLE``, told once after a second the same way, and becomes the same ``BusyError``.

Read-only books (the auditor's mode; a 0400 file, a read-only folder): SQLite is opened with
``mode=ro``; when SQLite cannot open a WAL database that way because its ``-shm`` cannot be
made (a read-only folder, no ``-wal`` left), with ``immutable=1`` — safe only then: without a
``-wal`` the file holds every committed page, and no writer can come while the folder has no
write permission at all (a WAL writer must create ``-wal``). PostgreSQL: every transaction
read-only. ``unit_of_work`` refuses up front with a ``ReadOnlyError``.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ecp.kernel.errors import EcpError

if TYPE_CHECKING:  # SQLAlchemy is imported when an engine is made, not with this module
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

BUSY_TIMEOUT_MS = 10_000
WRITER = "ecp_writer"
READ_ONLY = "ecp_read_only"
LOCK_WAIT = "ecp_lock_wait"  # execution option: seconds this writer waits (verify: 0)
NOTICE_AFTER = 1.0  # seconds of waiting before the user is told
_STEP_MS = 1000
_SQLITE_BUSY = 5
_PG_LIMIT, _PG_TOLD = "ecp_lock_limit", "ecp_lock_told"  # PostgreSQL writer's wait (conn.info)
_PG_START, _PG_TIMER = "ecp_lock_start", "ecp_lock_timer"


class BusyError(EcpError):
    """Another process holds the write lock longer than this writer would wait."""

    exit_code = 2

    def __init__(self, waited: float) -> None:
        super().__init__(
            f"base occupée par une autre opération depuis {waited:.0f} s (une importation ?) "
            "; rien n'a été enregistré, réessayer plus tard (ECP_LOCK_WAIT : attente en "
            "secondes)", code="db.busy")
        self.waited = waited


class ReadOnlyError(EcpError):
    """A write asked of books opened read-only."""

    exit_code = 2

    def __init__(self, why: str = "") -> None:
        super().__init__(
            "base ouverte en lecture seule" + (f" ({why})" if why else "")
            + " : aucune modification possible, rien n'a été enregistré (vérification, "
            "rapports et exports restent disponibles)", code="db.read_only")


_wait_notice: Callable[[float], None] | None = None


def set_wait_notice(notice: Callable[[float], None] | None) -> Callable[[float], None] | None:
    """Who tells the user a writer is waiting for the lock (called once per wait, with the
    limit in seconds); the previous one. The CLI prints a line, the TUI shows a notice."""
    global _wait_notice
    previous, _wait_notice = _wait_notice, notice
    return previous


def _no_write_bits(path: Path) -> bool:
    try:
        return not stat.S_IMODE(path.stat().st_mode) & (stat.S_IWUSR | stat.S_IWGRP |
                                                        stat.S_IWOTH)
    except OSError:
        return False


def read_only_reason(path: Path) -> str | None:
    """Why SQLite books at ``path`` can only be read (a read-only file or folder), or None.

    A file or folder without any write permission counts as read-only even for root (who
    could write it anyway): it was marked so on purpose (a backup handed to an auditor)."""
    if not path.exists():
        return None
    if _no_write_bits(path) or not os.access(path, os.W_OK):
        return f"fichier {path.name} en lecture seule"
    folder = path.parent
    if _no_write_bits(folder) or not os.access(folder, os.W_OK):
        return f"dossier {folder} en lecture seule"
    return None


def sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite:///"):
        return None
    p = url[len("sqlite:///"):]
    return None if p in ("", ":memory:") else Path(p)


def _create_private_file(path: Path) -> None:
    """Create the database file 0600 before SQLite does (its -wal/-shm inherit the mode), in
    a folder made 0700 if it is missing (the data dir), whatever the umask."""
    from ecp.kernel.files import make_private, private_dir

    private_dir(path.parent)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
        make_private(path)


def _ro_uri(path: Path, immutable: bool = False) -> str:
    return f"file:{quote(str(path))}?" + ("immutable=1" if immutable else "mode=ro")


def _immutable_is_safe(path: Path) -> bool:
    """``immutable=1`` is safe when no writer can exist: no ``-wal`` left (the file holds all
    that was committed) and a folder nobody may write (a WAL writer must create ``-wal``)."""
    return not Path(f"{path}-wal").exists() and _no_write_bits(path.parent)


def connect_sqlite(path: Path, read_only: bool = False, *,
                   check_same_thread: bool = True) -> sqlite3.Connection:
    """A ``sqlite3`` connection on the books at ``path`` in autocommit mode (we emit BEGIN);
    read-only with ``mode=ro`` (``immutable=1`` where that is safe and ``mode=ro`` fails)."""
    timeout = BUSY_TIMEOUT_MS / 1000
    if not read_only:
        return sqlite3.connect(str(path), timeout=timeout, isolation_level=None,
                               check_same_thread=check_same_thread)
    conn = sqlite3.connect(_ro_uri(path), uri=True, timeout=timeout, isolation_level=None,
                           check_same_thread=check_same_thread)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.Error:
        conn.close()
        if not _immutable_is_safe(path):
            from ecp.kernel.errors import InputError

            raise InputError(
                f"base {path} illisible en lecture seule : son dossier n'accepte pas le "
                "fichier -shm de SQLite ; copier la base dans un dossier accessible en "
                "écriture, ou ôter tout droit d'écriture au dossier", code="db.read_only"
            ) from None
    return sqlite3.connect(_ro_uri(path, immutable=True), uri=True, timeout=timeout,
                           isolation_level=None, check_same_thread=check_same_thread)


def make_engine(url: str, create: bool = True, *, read_only: bool = False) -> Engine:
    from sqlalchemy import create_engine

    path = sqlite_path(url)
    if path is not None and create and not read_only:
        _create_private_file(path)
    if url.startswith("sqlite"):
        if read_only and path is not None:
            ro_path = path
            engine = create_engine(url, creator=lambda: connect_sqlite(
                ro_path, read_only=True, check_same_thread=False))
        else:
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine, read_only)
    else:
        engine = create_engine(url, pool_pre_ping=True)
        _configure_server(engine, read_only)
    if read_only:
        engine = engine.execution_options(**{READ_ONLY: True})
    return engine


def is_read_only(engine: Engine) -> bool:
    return bool(engine.get_execution_options().get(READ_ONLY))


def _is_busy(exc: BaseException) -> bool:
    """SQLITE_BUSY, raised by ``sqlite3`` or wrapped by SQLAlchemy (``.orig``)."""
    exc = getattr(exc, "orig", None) or exc
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF == _SQLITE_BUSY)
    return "locked" in str(exc)


def begin_immediate(dbapi_conn: sqlite3.Connection, wait: float | None = None,
                    begin: Callable[[], object] | None = None) -> None:
    """``BEGIN IMMEDIATE``, waiting for another process's write lock up to ``wait`` seconds
    (``ECP_LOCK_WAIT``), telling the user after one second; ``BusyError`` past the limit.

    ``begin`` emits the statement (SQLAlchemy's connection, so that it is seen as any other);
    the wait is cut in one-second ``busy_timeout`` steps on ``dbapi_conn``."""
    if wait is None:
        from ecp.config import lock_wait

        wait = lock_wait()
    start = time.monotonic()
    told = False
    try:
        while True:
            waited = time.monotonic() - start
            step = max(0, min(_STEP_MS, int((wait - waited) * 1000)))
            dbapi_conn.execute(f"PRAGMA busy_timeout={step}")
            try:
                if begin is None:
                    dbapi_conn.execute("BEGIN IMMEDIATE")
                else:
                    begin()
                return
            except Exception as exc:
                if not _is_busy(exc):
                    raise
            waited = time.monotonic() - start
            if waited >= wait:
                raise BusyError(waited)
            if not told and waited >= NOTICE_AFTER * 0.9 and _wait_notice is not None:
                told = True
                _wait_notice(wait)
    finally:
        dbapi_conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _configure_server(engine: Engine, read_only: bool) -> None:
    """PostgreSQL: a read-only session for the auditor; a writer's lock wait is bounded
    (``lock_timeout``) like on SQLite."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        if read_only:
            cur = dbapi_conn.cursor()
            cur.execute("SET default_transaction_read_only = on")
            cur.close()
            dbapi_conn.commit()  # else the pool's reset (a rollback) undoes the SET

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        opts = conn.get_execution_options()
        if opts.get(WRITER):
            from ecp.config import lock_wait

            wait = opts.get(LOCK_WAIT)
            limit = float(lock_wait() if wait is None else wait)
            conn.info[_PG_LIMIT] = limit
            conn.info[_PG_TOLD] = False
            ms = max(1, int(limit * 1000))
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {ms}")

    # The writer's lock (``LOCK TABLE … IN EXCLUSIVE MODE``, ecp.ledger.posting and others) is
    # where it waits for another session: told once after a second, like on SQLite, and the
    # lock_timeout becomes the same ``BusyError`` (not the driver's error) for every caller.
    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any,
                _many: bool) -> None:
        if not statement.startswith("LOCK TABLE") or not conn.get_execution_options().get(
                WRITER):
            return
        conn.info[_PG_START] = time.monotonic()
        notice, limit = _wait_notice, conn.info.get(_PG_LIMIT)
        if notice is None or limit is None or conn.info.get(_PG_TOLD) or limit < NOTICE_AFTER:
            return

        def tell() -> None:
            conn.info[_PG_TOLD] = True
            notice(limit)

        timer = threading.Timer(NOTICE_AFTER, tell)
        timer.daemon = True
        conn.info[_PG_TIMER] = timer
        timer.start()

    def _stop(conn: Any) -> float | None:
        timer = conn.info.pop(_PG_TIMER, None)
        if timer is not None:
            timer.cancel()
        start = conn.info.pop(_PG_START, None)
        return None if start is None else time.monotonic() - start

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, *_args: Any) -> None:
        _stop(conn)

    @event.listens_for(engine, "handle_error")
    def _on_error(ctx: Any) -> None:
        conn = ctx.connection
        waited = _stop(conn) if conn is not None else None
        if waited is not None and getattr(ctx.original_exception, "sqlstate", None) == "55P03":
            raise BusyError(waited) from None  # lock_timeout (LockNotAvailable)


def _configure_sqlite(engine: Engine, read_only: bool = False) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see "begin" below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if read_only:  # nothing to set on a file that is only read (WAL is in its header)
            cur.execute("PRAGMA query_only=ON")
            cur.close()
            return
        mode = cur.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() not in ("wal", "memory"):
            # WAL needs shared memory: it is refused on network shares. Keep working, loudly.
            warnings.warn(
                f"SQLite n'a pas pu passer en mode WAL (mode {mode}) : base sur un partage "
                "réseau ? Les accès concurrents seront plus lents.",
                stacklevel=1,
            )
            print("avertissement : journal WAL indisponible (partage réseau ?)", file=sys.stderr)
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        opts = conn.get_execution_options()
        if opts.get(WRITER):
            raw = conn.connection.dbapi_connection
            own = raw.execute("PRAGMA busy_timeout").fetchone()[0]
            if own < BUSY_TIMEOUT_MS and opts.get(LOCK_WAIT) is None:
                # a connection whose wait was shortened on purpose keeps it: one attempt
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                begin_immediate(raw, opts.get(LOCK_WAIT),
                                lambda: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        else:
            conn.exec_driver_sql("BEGIN")


@contextmanager
def unit_of_work(engine: Engine, wait: float | None = None) -> Iterator[Session]:
    """One user operation: one writer transaction, committed whole or rolled back whole.

    Refused up front on read-only books; ``wait``: seconds to wait for another process's
    lock (default ``ECP_LOCK_WAIT``; 0: do not wait)."""
    from sqlalchemy.orm import Session

    if is_read_only(engine):
        raise ReadOnlyError()
    opts: dict[str, Any] = {WRITER: True}
    if wait is not None:
        opts[LOCK_WAIT] = wait
    session = Session(bind=engine.execution_options(**opts), expire_on_commit=False)
    try:
        with session.begin():
            yield session
    finally:
        session.close()


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A read-only snapshot (a plain BEGIN on SQLite: consistent under WAL)."""
    from sqlalchemy.orm import Session

    session = Session(bind=engine)
    try:
        with session.begin():
            yield session
    finally:
        session.close()
