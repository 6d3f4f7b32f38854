"""Alembic migrations shipped in the package, applied at start-up after a backup.

Alembic is imported only when a migration is due. Opening books that are already at head
costs one ``SELECT`` of ``alembic_version`` and a look at the scripts' ``revision`` lines —
Alembic itself (a third of a second to import) stays out of every ordinary command.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from ecp.db.engine import WRITER, sqlite_path
from ecp.db.lite import sqlite_revisions
from ecp.kernel.files import make_private, private_dir, write_private

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"

_REVISION = re.compile(r"^revision\s*(?::[^=\n]*)?=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*(?::[^=\n]*)?=\s*(.+)$", re.M)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def _config(script_location: Path | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location or MIGRATIONS))
    return cfg


def current_revision(engine: Engine) -> str | None:
    """The revision stored in the database (``alembic_version``), None for a new database."""
    from sqlalchemy import exc, text

    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except exc.DBAPIError:
        return None  # no alembic_version table: nothing was ever migrated
    if len(rows) > 1:  # several heads: let Alembic say what it makes of it
        from alembic.runtime.migration import MigrationContext

        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    return rows[0][0] if rows else None


def _scanned_head(script_location: Path) -> str | None:
    """The head read from the scripts' ``revision`` / ``down_revision`` lines; None when that
    is not one clear head (Alembic decides then)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (script_location / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        rev, down = _REVISION.search(source), _DOWN.search(source)
        if rev is None or down is None:
            return None
        revisions.add(rev.group(1))
        parents.update(_QUOTED.findall(down.group(1).split("#", 1)[0]))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def at_head(path: Path, script_location: Path | None = None) -> bool:
    """Whether the SQLite books at ``path`` are at the head revision, read without SQLAlchemy
    (the cold start of a command). False when unsure: ``upgrade`` then looks properly."""
    revisions = sqlite_revisions(path)
    if revisions is None or len(revisions) != 1:
        return False
    return revisions[0] == head_revision(script_location)


def head_revision(script_location: Path | None = None) -> str | None:
    head = _scanned_head(script_location or MIGRATIONS)
    if head is not None:
        return head
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config(script_location)).get_current_head()


def backup_sqlite(src: Path, dest: Path) -> None:
    """A consistent copy through SQLite's online backup API (safe while others write), private
    (0600, in a 0700 folder if it has to be made) whatever the umask: the file is created
    before SQLite opens it, so SQLite keeps its mode (and gives it to a journal)."""
    private_dir(dest.parent)
    if not dest.exists():
        write_private(dest, b"", exclusive=True)
    make_private(dest)
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
    from alembic import command

    backup: str | None = None
    path = sqlite_path(str(engine.url))
    if cur is not None and path is not None and path.exists():
        stamp = dt.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")  # local time
        dest = path.with_name(f"{path.name}.avant-{cur}-{stamp}.bak")
        backup_sqlite(path, dest)
        backup = str(dest)
    cfg = _config(script_location)
    with engine.execution_options(**{WRITER: True}).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return backup
