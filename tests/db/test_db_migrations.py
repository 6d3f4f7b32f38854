"""Alembic migrations shipped in the package: applied at start-up after a backup, all or
nothing (SQLite DDL is transactional only because we BEGIN ourselves)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from ecp import api
from ecp.db.engine import make_engine
from ecp.db.migrate import MIGRATIONS, current_revision, head_revision, upgrade
from tests.fixture_types import SaleOf

HEAD = head_revision()

REVISION_TEST = '''"""test revision"""
from alembic import op
import sqlalchemy as sa

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("nouvelle", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("code", sa.String(10)))
    op.create_index("ix_nouvelle_code", "nouvelle", ["code"])
    op.add_column("settings", sa.Column("extra", sa.Integer, nullable=True))
    op.execute("INSERT INTO settings (key, value) VALUES ('migree', 'oui')")
    {tail}


def downgrade():
    op.drop_table("nouvelle")
'''


def _scripts(tmp_path: Path, tail: str) -> Path:
    dest = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, dest, ignore=shutil.ignore_patterns("__pycache__"))
    (dest / "versions" / "9999_test.py").write_text(
        REVISION_TEST.format(tail=tail, head=HEAD), encoding="utf-8")
    return dest


def _schema(path: Path) -> tuple[list[tuple[str, str]], list[tuple[str, ...]], str]:
    con = sqlite3.connect(str(path))
    try:
        objs = con.execute("SELECT type, name FROM sqlite_master ORDER BY type, name").fetchall()
        cols = con.execute("PRAGMA table_info(settings)").fetchall()
        rev = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        return objs, cols, rev
    finally:
        con.close()


def test_shipped_migrations_reach_head(books: api.Books) -> None:
    assert HEAD == "0016"
    assert current_revision(books.engine) == HEAD
    tables = set(inspect(books.engine).get_table_names())
    assert {"accounts", "dimensions", "journals", "entries", "lines", "balances", "periods",
            "period_events", "vat_rates", "settings", "alembic_version"} <= tables
    assert {"parties", "products", "drafts", "documents", "document_lines", "document_vat",
            "payments", "allocations", "expenses", "expense_payments"} <= tables


def test_new_database_needs_no_backup(tmp_path: Path) -> None:
    books = api.open_books(str(tmp_path / "neuve.sqlite3"), create=True)
    assert books.backup is None
    assert list(tmp_path.glob("*.bak")) == []
    books.engine.dispose()


def test_failed_migration_leaves_no_schema_change(db_path: Path, tmp_path: Path) -> None:
    scripts = _scripts(tmp_path, 'raise RuntimeError("migration interrompue")')
    before = _schema(db_path)
    engine = make_engine(f"sqlite:///{db_path}")
    try:
        with pytest.raises(RuntimeError, match="migration interrompue"):
            upgrade(engine, script_location=scripts)
        assert current_revision(engine) == HEAD
    finally:
        engine.dispose()
    objs, cols, rev = _schema(db_path)
    names = {n for _, n in objs}
    assert "nouvelle" not in names
    assert "ix_nouvelle_code" not in names
    assert "extra" not in {c[1] for c in cols}
    assert rev == HEAD
    assert (objs, cols, rev) == before
    con = sqlite3.connect(str(db_path))
    try:
        assert con.execute("SELECT count(*) FROM settings WHERE key='migree'").fetchone()[0] == 0
    finally:
        con.close()
    # The books still open and verify (with the shipped scripts).
    books = api.open_books(str(db_path))
    assert api.verify(books).ok
    books.engine.dispose()


def test_upgrade_of_existing_database_makes_a_backup_first(db_path: Path, tmp_path: Path,
                                                           sale_of: SaleOf) -> None:
    import datetime as dt

    books = api.open_books(str(db_path))
    sale_of(books, dt.date(2026, 3, 1), 50000)
    books.engine.dispose()
    scripts = _scripts(tmp_path, "")
    engine = make_engine(f"sqlite:///{db_path}")
    try:
        backup = upgrade(engine, script_location=scripts)
        assert current_revision(engine) == "9999"
        assert upgrade(engine, script_location=scripts) is None  # at head: nothing to do
    finally:
        engine.dispose()
    assert backup is not None
    bak = Path(backup)
    assert bak.exists() and bak.parent == db_path.parent
    assert f"avant-{HEAD}" in bak.name
    objs, _, rev = _schema(bak)
    assert rev == HEAD and "nouvelle" not in {n for _, n in objs}
    con = sqlite3.connect(str(bak))
    try:
        assert con.execute("SELECT count(*) FROM entries").fetchone()[0] == 1
    finally:
        con.close()
    objs, cols, rev = _schema(db_path)
    assert rev == "9999" and "nouvelle" in {n for _, n in objs}
    assert "extra" in {c[1] for c in cols}


def test_a_database_at_0001_is_upgraded_with_a_backup(tmp_path: Path) -> None:
    """A book created by the first release gains the reversal index and the sales tables on
    opening."""
    old = tmp_path / "migrations-0001"
    shutil.copytree(MIGRATIONS, old, ignore=shutil.ignore_patterns("__pycache__", "0002_*",
                                                                 "0003_*", "0004_*", "0005_*",
                                                                 "0006_*", "0007_*", "0008_*",
                                                                 "0009_*", "0010_*", "0011_*",
                                                                 "0012_*", "0013_*", "0014_*",
                                                                 "0015_*", "0016_*"))
    path = tmp_path / "ancienne.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, script_location=old)
    assert current_revision(engine) == "0001"
    engine.dispose()
    books = api.open_books(str(path))
    api.init(books)
    assert books.backup is not None and "avant-0001" in books.backup
    assert current_revision(books.engine) == HEAD
    indexes = {i["name"] for i in inspect(books.engine).get_indexes("entries")}
    assert "ix_entries_reverses" in indexes
    assert api.verify(books).ok
    books.engine.dispose()
