"""Engines configured as DESIGN.md §6 says.

SQLite: foreign keys on, WAL, synchronous FULL, a busy timeout, and SQLAlchemy's recipe for
real transactions (the driver's own transaction handling is switched off and we emit BEGIN
ourselves, so DDL and reads are transactional and SAVEPOINTs behave). Writers start with
``BEGIN IMMEDIATE``: a second writer waits for the lock instead of failing on upgrade.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # SQLAlchemy is imported when an engine is made, not with this module
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

BUSY_TIMEOUT_MS = 10_000
WRITER = "ecp_writer"


def sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite:///"):
        return None
    p = url[len("sqlite:///"):]
    return None if p in ("", ":memory:") else Path(p)


def _create_private_file(path: Path) -> None:
    """Create the database file 0600 before SQLite does (its -wal/-shm inherit the mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


def make_engine(url: str, create: bool = True) -> Engine:
    from sqlalchemy import create_engine

    path = sqlite_path(url)
    if path is not None and create:
        _create_private_file(path)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see "begin" below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
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
        if conn.get_execution_options().get(WRITER):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One user operation: one writer transaction, committed whole or rolled back whole."""
    from sqlalchemy.orm import Session

    session = Session(bind=engine.execution_options(**{WRITER: True}), expire_on_commit=False)
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
