"""Reading without SQLAlchemy: the cold path of a one-shot command.

Importing SQLAlchemy (and its ORM, and the declarative models) costs a command-line process
a quarter of a second or more before it does anything. A read-only report on SQLite books
(``ecp report trial-balance``) needs none of it: it opens the file with the standard
``sqlite3`` driver and runs plain SQL.

The same SQL runs everywhere: ``fetch`` takes either a ``sqlite3`` connection (that cold
path) or a SQLAlchemy ``Connection`` (PostgreSQL, in-memory databases, a process that
already has its engine, e.g. the terminal UI), with ``:name`` parameters in both cases, so a
query written for it must be dialect-neutral SQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ecp.db.engine import BUSY_TIMEOUT_MS, connect_sqlite, read_only_reason


def fetch(conn: Any, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """All rows of ``sql`` (``:name`` parameters) on a sqlite3 or a SQLAlchemy connection."""
    if isinstance(conn, sqlite3.Connection):
        return conn.execute(sql, dict(params or {})).fetchall()
    from sqlalchemy import text

    return [tuple(r) for r in conn.execute(text(sql), dict(params or {}))]


def _read_only(path: Path) -> bool:
    from ecp.config import read_only_wanted

    return read_only_wanted() or read_only_reason(path) is not None


@contextmanager
def sqlite_snapshot(path: Path, read_only: bool | None = None) -> Iterator[sqlite3.Connection]:
    """A read snapshot of SQLite books (``BEGIN`` … ``ROLLBACK``: consistent under WAL).

    ``read_only`` (by default: asked for, or a read-only file or folder): opened ``mode=ro``,
    so that reading a backup leaves its bytes as they were."""
    conn = connect_sqlite(path, _read_only(path) if read_only is None else read_only)
    try:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("ROLLBACK")
    finally:
        conn.close()


def sqlite_revisions(path: Path) -> list[str] | None:
    """The revisions in ``alembic_version``; None when the table cannot be read."""
    if not path.is_file():
        return None  # (sqlite3 would create the file)
    try:
        with sqlite_snapshot(path) as conn:
            return [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
    except sqlite3.Error:
        return None
