"""Where the database is: ``--db`` beats ``ECP_DB`` beats the platformdirs user data dir.

Also how the books are opened: read-only (``ecp --read-only``, ``ECP_READ_ONLY=1``; the
auditor's mode) and how long a writer waits for another process's lock (``ECP_LOCK_WAIT``,
seconds)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "ecp"
DEFAULT_USER = "comptable"
DEFAULT_LOCK_WAIT = 60.0  # seconds a writer waits for another process's lock

_TRUE = ("1", "oui", "o", "yes", "y", "true", "vrai", "on")
_forced_read_only = False  # ``ecp --read-only`` (the CLI sets it for the run)


def force_read_only(flag: bool) -> bool:
    """Open every book read-only from now on (``--read-only``); the previous value."""
    global _forced_read_only
    previous, _forced_read_only = _forced_read_only, flag
    return previous


def read_only_wanted() -> bool:
    """Whether the user asked for read-only books (``--read-only`` or ``ECP_READ_ONLY``)."""
    return _forced_read_only or os.environ.get("ECP_READ_ONLY", "").strip().lower() in _TRUE


def lock_wait() -> float:
    """Seconds a writer waits for the lock held by another process (``ECP_LOCK_WAIT``)."""
    raw = os.environ.get("ECP_LOCK_WAIT", "").strip().replace(",", ".")
    if not raw:
        return DEFAULT_LOCK_WAIT
    try:
        value = float(raw)
    except ValueError:
        from ecp.kernel.errors import InputError

        raise InputError(f"ECP_LOCK_WAIT « {raw} » : un nombre de secondes est attendu",
                         field="ECP_LOCK_WAIT") from None
    if not 0 <= value <= 86_400 or value != value:
        from ecp.kernel.errors import InputError

        raise InputError(f"ECP_LOCK_WAIT « {raw} » : entre 0 et 86400 secondes",
                         field="ECP_LOCK_WAIT")
    return value


def default_db_path() -> Path:
    from platformdirs import user_data_dir  # only when neither --db nor ECP_DB says where

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "ecp.sqlite3"


def resolve_db_url(arg: str | None = None) -> str:
    """A SQLAlchemy URL from a path or URL given on the command line or in ``ECP_DB``."""
    raw = arg or os.environ.get("ECP_DB") or str(default_db_path())
    if "://" in raw:
        return raw
    return "sqlite:///" + str(Path(raw).expanduser().resolve())


def current_user() -> str:
    """Who posts: ``ECP_USER``, else the login name."""
    env = os.environ.get("ECP_USER")
    if env:
        return env
    try:
        return os.getlogin()
    except OSError:
        return os.environ.get("USER") or os.environ.get("USERNAME") or DEFAULT_USER
