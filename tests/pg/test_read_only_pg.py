"""The auditor's mode on PostgreSQL (issue 12, failure 10): ``ecp --read-only`` opens a
read-only session — every write refused up front (exit 2, one line), and refused by the server
even past the façade — while ``verify`` works and repairs nothing in the archive. Same database
and rules as ``test_postgresql.py``: runs when ``ECP_TEST_PG_URL`` is set, its schema wiped."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ecp import api
from ecp.cli import main
from ecp.config import default_db_path
from ecp.kernel.units import Quantity, Rate
from ecp.sales.documents import LineInput
from tests.pgbooks import PG_URL, fresh_pg_books, require_pg

pytestmark = pytest.mark.xdist_group("postgresql")

COMPANY = {"company.name": "ECP PG", "company.legal_form": "SARL",
           "company.capital": "100 000 DH", "company.address": "1 rue A",
           "company.city": "Tanger", "company.if": "1234567", "company.tp": "2",
           "company.ice": "002345678000031", "company.rc": "3", "company.court": "Tanger",
           "company.cnss": "4000001", "company.bank": "BP",
           "company.rib": "190640000000000000000012"}


@pytest.fixture
def books(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[api.Books]:
    """Books with one issued invoice; their archive is the one the CLI finds too (the data
    dir, moved under ``tmp_path``)."""
    require_pg()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("ECP_READ_ONLY", raising=False)
    archive = default_db_path().parent / "archives"
    assert tmp_path in archive.parents
    b = fresh_pg_books(archive)
    for k, v in COMPANY.items():
        api.settings_set(b, k, v)
    api.add_member(b, "M001", "Fatima Zahra")
    api.add_customer(b, "HOTEL", "Hôtel", ice="001561191000066")
    api.create_and_issue(b, "facture", "M001", "HOTEL", dt.date(2026, 3, 2), lines=[
        LineInput("Caftan", Quantity(1000), 100000, Rate(2000), "71211")])
    yield b
    b.engine.dispose()


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_read_only_refuses_writes_and_verifies_on_postgresql(
        books: api.Books, capsys: pytest.CaptureFixture[str]) -> None:
    """Failure 10 on PostgreSQL: ``--read-only`` refuses a write up front, ``verify`` and the
    reports work."""
    head = api.chain_head(books)
    assert main(["--read-only", "--db", PG_URL or "", "verify"]) == 0, capsys.readouterr()
    assert "Vérification réussie" in capsys.readouterr().out
    assert main(["--read-only", "--db", PG_URL or "", "report", "trial-balance"]) == 0
    capsys.readouterr()
    assert main(["--read-only", "--db", PG_URL or "", "member", "add", "M099",
                 "--name", "Auditrice"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ecp : base ouverte en lecture seule"), err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert [m.code for m in api.list_members(books)] == ["M001"]
    assert api.chain_head(books) == head


def test_read_only_session_is_refused_by_the_server(books: api.Books) -> None:
    """Past the façade's refusal, the PostgreSQL session itself is read-only."""
    ro = api.open_books(PG_URL or "", read_only=True)
    try:
        with ro.engine.connect() as conn, pytest.raises(DBAPIError, match="read-only"):
            conn.execute(text("UPDATE settings SET value = 'x' WHERE key = 'company.name'"))
    finally:
        ro.engine.dispose()
    assert api.get_setting(books, "company.name") == "ECP PG"


def test_read_only_verify_moves_nothing_on_postgresql(
        books: api.Books, capsys: pytest.CaptureFixture[str]) -> None:
    """Failure 10 (with failure 2's repair): a PDF left pending by an issue killed after its
    commit is reported by a read-only verify, not moved; a writable verify puts it in place."""
    assert books.archive is not None
    pdf = next(books.archive.rglob("*.pdf"))
    pending = books.archive / ".pending"
    pending.mkdir(mode=0o700, exist_ok=True)
    waiting = pending / "0123456789abcdef0123456789abcdef.pdf"
    pdf.rename(waiting)
    before = _tree(books.archive)
    assert main(["--read-only", "--db", PG_URL or "", "verify"]) == 1
    out = capsys.readouterr().out
    assert str(waiting) in out and "remettra en place" in out
    assert _tree(books.archive) == before
    assert main(["--db", PG_URL or "", "verify"]) == 1
    assert "remis en place" in capsys.readouterr().out
    assert pdf.is_file() and not waiting.exists()
    assert main(["--db", PG_URL or "", "verify"]) == 0
