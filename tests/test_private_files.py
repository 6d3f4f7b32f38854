"""Private files (issue 12, failure 8): everything ECP writes — the data dir, the database,
archive folders and PDFs, statements, payout vouchers, exports, backups, pre-migration copies,
restored books — is 0600 (folders 0700) whatever the umask; checked with ``stat``."""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecp import api
from ecp.db.migrate import backup_sqlite
from ecp.kernel.periods import Month
from ecp.kernel.units import Quantity, Rate
from ecp.sales.documents import LineInput

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes")


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask a user can have: nothing ECP writes may inherit it."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def _everything(root: Path) -> set[Path]:
    return {root, *root.rglob("*")}


def _not_private(paths: set[Path]) -> list[str]:
    bad = []
    for p in sorted(paths):
        if p.is_symlink() or not p.exists():
            continue
        mode = stat.S_IMODE(p.stat().st_mode)
        want = 0o700 if p.is_dir() else 0o600
        if mode != want:
            bad.append(f"{p} {oct(mode)} (attendu {oct(want)})")
    return bad


def test_everything_ecp_writes_is_private(sales: api.Books, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch,
                                          open_umask: None) -> None:
    """Failure 8: backups, the pre-migration copy, the data dir, archives/, PDFs and
    statements used to be created 0644/0755 under a usual umask (0666/0777 under umask 000)."""
    (tmp_path / "exports").mkdir(mode=0o755)  # the user's folder, not ECP's
    before = _everything(tmp_path)
    # The data dir (platformdirs' default, then a --db in a folder that does not exist yet).
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    fresh = api.open_books(None, create=True)
    api.init(fresh, "ECP neuve")
    fresh.engine.dispose()
    other = api.open_books(str(tmp_path / "nouveau" / "dossier" / "ecp.sqlite3"), create=True)
    api.init(other, "Autre")
    other.engine.dispose()
    # An invoice issued (archive folders and its PDF), a payout voucher, statements.
    day = dt.date(2026, 3, 2)
    api.create_and_issue(sales, "facture", "FZ", "HOTEL", day, lines=[LineInput(
        "Caftans", Quantity(2000), 100_000, Rate(2000), "71211")])
    api.add_payout(sales, "FZ", 10_000, dt.date(2026, 3, 20), "virement", advance=True,
                   reason="Avance de solidarité")
    api.write_statements(sales, Month(2026, 3))
    # Exports (the auditor's CSV and its manifest, the hledger journal).
    api.export(sales, "journal", tmp_path / "exports" / "journal.csv", None, None, None, False)
    api.export_hledger(sales, tmp_path / "exports" / "ecp.journal")
    # A backup, its restoration, a pre-migration copy (the same SQLite online backup).
    backup = api.backup(sales, tmp_path / "sauvegardes" / "ecp-2026-03-20")
    api.restore(backup.folder, tmp_path / "restauree" / "ecp.sqlite3")
    assert sales.path is not None
    backup_sqlite(sales.path, tmp_path / "migration" / "ecp.sqlite3.avant-0006.bak")

    created = _everything(tmp_path) - before
    names = {p.name for p in created}
    assert {"ecp.sqlite3", "archives", "releves", "journal.csv", "ecp.journal",
            "books.sqlite3", "ecp.sqlite3.avant-0006.bak"} <= names
    # the invoice and the voucher (archived, backed up, restored), 3 statements
    assert len([p for p in created if p.suffix == ".pdf"]) >= 9
    assert _not_private(created) == []
