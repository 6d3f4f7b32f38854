"""Alembic migrations shipped in the package, applied at start-up after a backup."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from ecp.db.engine import WRITER, sqlite_path

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(script_location: Path | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location or MIGRATIONS))
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(script_location: Path | None = None) -> str | None:
    return ScriptDirectory.from_config(_config(script_location)).get_current_head()


def backup_sqlite(src: Path, dest: Path) -> None:
    """A consistent copy through SQLite's online backup API (safe while others write)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    s = sqlite3.connect(str(src))
    d = sqlite3.connect(str(dest))
    try:
        s.backup(d)
    finally:
        d.close()
        s.close()


def upgrade(engine: Engine, script_location: Path | None = None) -> str | None:
    """Bring the schema to head. Returns the backup path written, if any.

    An existing SQLite database that needs a migration is copied first. All pending migrations
    run in one transaction: a failure leaves the schema exactly as it was.
    """
    cur = current_revision(engine)
    head = head_revision(script_location)
    if cur == head:
        return None
    backup: str | None = None
    path = sqlite_path(str(engine.url))
    if cur is not None and path is not None and path.exists():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        dest = path.with_name(f"{path.name}.avant-{cur}-{stamp}.bak")
        backup_sqlite(path, dest)
        backup = str(dest)
    cfg = _config(script_location)
    with engine.execution_options(**{WRITER: True}).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return backup
