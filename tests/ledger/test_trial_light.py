"""The trial balance's cold path: plain SQL on ``sqlite3``, the same figures as SQLAlchemy's.

``ecp report trial-balance`` opens SQLite books at head without an engine and reads them
through the ``sqlite3`` driver alone; a process that has its engine (the terminal UI), and
PostgreSQL, run the same SQL on a SQLAlchemy connection. Both must give the same balance to
the centime, and refuse an unknown dimension alike.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from ecp import api
from ecp.db.lite import sqlite_revisions
from ecp.db.migrate import at_head, head_revision
from ecp.kernel.errors import NotFoundError
from ecp.ledger import posting, trial

D = dt.date
CASES = [
    (None, None, None),
    (D(2026, 9, 1), None, None),  # whole months from the balances, opening before
    (D(2026, 9, 15), D(2026, 11, 20), None),  # ragged months at both ends
    (D(2026, 10, 3), D(2026, 10, 20), None),  # inside one month: lines only
    (None, D(2026, 10, 31), "ECP"),
    (D(2026, 8, 2), D(2026, 11, 29), "M001"),
    (D(2026, 10, 1), D(2026, 10, 31), "M002"),
]


def test_open_books_at_head_makes_no_engine(demo_path: Path) -> None:
    books = api.open_books(str(demo_path))
    assert not books.has_engine
    assert sqlite_revisions(demo_path) == [head_revision()]
    assert at_head(demo_path)
    api.trial_balance(books)
    assert not books.has_engine  # read through sqlite3 alone
    assert books.engine is not None  # made on first use
    assert books.has_engine
    books.engine.dispose()


@pytest.mark.parametrize(("start", "end", "dim"), CASES)
def test_sqlite3_and_sqlalchemy_give_the_same_balance(demo_path: Path, start: D | None,
                                                      end: D | None, dim: str | None) -> None:
    cold = api.open_books(str(demo_path))
    warm = api.open_books(str(demo_path))
    _ = warm.engine  # an engine made: the façade reads through SQLAlchemy
    try:
        a = api.trial_balance(cold, start, end, dim)
        b = api.trial_balance(warm, start, end, dim)
        assert not cold.has_engine
        assert a == b
        assert a.rows, "the demo has postings in every case"
        assert a.total("closing_debit") == a.total("closing_credit")
        assert all(isinstance(getattr(r, f), int) for r in a.rows
                   for f in ("opening_debit", "debit", "closing_credit"))
    finally:
        warm.engine.dispose()


def test_unknown_dimension_refused_on_both_paths(demo_path: Path) -> None:
    cold = api.open_books(str(demo_path))
    warm = api.open_books(str(demo_path))
    _ = warm.engine
    try:
        for books in (cold, warm):
            with pytest.raises(NotFoundError) as err:
                api.trial_balance(books, dimension="NOPE")
            assert err.value.field == "dimension"
            assert "NOPE" in str(err.value)
    finally:
        warm.engine.dispose()


def test_books_not_at_head_are_migrated_with_an_engine(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    books = api.open_books(str(path), create=True)
    assert books.has_engine  # a new file: migrated by Alembic through the engine
    assert at_head(path)
    books.engine.dispose()
    assert not at_head(tmp_path / "absent.sqlite3")
    assert not (tmp_path / "absent.sqlite3").exists()  # looking creates no file


def test_all_dimensions_key_is_the_posters() -> None:
    assert trial.ALL == posting.ALL


def test_trial_balance_command_imports_no_sqlalchemy(demo_path: Path) -> None:
    probe = ("import sys; from ecp.cli import main\n"
             "code = main(sys.argv[1:])\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy'"
             " or m == 'ecp.db.models'), file=sys.stderr)\n"
             "raise SystemExit(code)")
    r = subprocess.run([sys.executable, "-c", probe, "--db", str(demo_path), "report",
                        "trial-balance", "--from", "2026-09-15", "--dimension", "M001"],
                       capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip().splitlines()[-1] == "[]"
    assert "TOTAL" in r.stdout
