"""Fresh books on the test PostgreSQL server, shared by every PostgreSQL test.

The server is given by ``ECP_TEST_PG_URL`` (``.ci/run`` starts one); without it the test is
skipped, unless ``ECP_REQUIRE_PG=1`` (CI) makes that a failure. The tests wipe the one database's
public schema, so they share an xdist group (``postgresql``) and never run at the same time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from ecp import api

PG_URL = os.environ.get("ECP_TEST_PG_URL")


def require_pg() -> str:
    """The server's URL, or skip (fail under ``ECP_REQUIRE_PG=1``)."""
    if not PG_URL:
        if os.environ.get("ECP_REQUIRE_PG") == "1":
            pytest.fail("ECP_REQUIRE_PG=1 mais ECP_TEST_PG_URL n'est pas défini")
        pytest.skip("pas de serveur PostgreSQL : définir ECP_TEST_PG_URL pour ce test")
    return PG_URL


def fresh_pg_books(archive: Path) -> api.Books:
    """Empty, initialised books on a wiped schema; their PDF archive at ``archive`` (not the
    user's data dir, which may hold files of other books that verify would call strays)."""
    url = require_pg()
    eng = create_engine(url)
    with eng.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    eng.dispose()
    b = api.open_books(url, create=True)
    b.archive = archive
    api.init(b)
    return b
