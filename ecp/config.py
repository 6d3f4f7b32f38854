"""Where the database is: ``--db`` beats ``ECP_DB`` beats the platformdirs user data dir."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "ecp"
DEFAULT_USER = "comptable"


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
