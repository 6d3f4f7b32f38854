"""Backup and restore with the archive (issue 12, failure 8): ``ecp backup DEST`` writes a
folder holding the database and the archived PDFs it records; ``ecp restore DEST --to PATH``
brings both back; the restored books pass ``verify`` elsewhere."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from ecp import api, cli
from ecp.kernel.errors import InputError
from ecp.tui.app import EcpApp
from ecp.tui.screens.file_ops import BackupDialog
from tests.tui.pilot import palette, until


def _pdfs(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*.pdf")
            if not p.relative_to(folder).parts[0].startswith(".")}


def _count(db: Path, table: str) -> int:
    con = sqlite3.connect(str(db))
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


@pytest.fixture
def demo(demo_path: Path) -> Iterator[api.Books]:
    books = api.open_books(str(demo_path))
    yield books
    books.engine.dispose()


def test_backup_holds_the_database_and_the_archive(demo: api.Books, tmp_path: Path) -> None:
    """Failure 8: the backup used to be the database alone (a restored copy failed verify
    with « PDF absent » for every archived document)."""
    dest = tmp_path / "sauvegardes" / "ecp-2026-03-15"
    res = api.backup(demo, dest)
    archive = api.archive_dir(demo)
    assert res.folder == dest and res.database == dest / "books.sqlite3"
    assert res.problems == ()
    assert res.pdfs == len(_pdfs(archive)) > 0
    assert _pdfs(dest / "archives") == _pdfs(archive)
    assert _count(res.database, "documents") == _count(demo.path or Path(), "documents")
    # The backup folder is books in its own right: verify passes where it lies.
    in_place = api.open_books(str(res.database))
    try:
        rep = api.verify(in_place, record=False)
    finally:
        in_place.engine.dispose()
    assert rep.ok, rep.findings


def test_restore_elsewhere_passes_verify(demo: api.Books, tmp_path: Path) -> None:
    """Failure 8: a backup restored on another machine/folder passes verify (was: 10 « PDF
    absent »)."""
    dest = api.backup(demo, tmp_path / "copie").folder
    to = tmp_path / "ailleurs" / "ecp.sqlite3"
    res = api.restore(dest, to)
    assert res.database == to and res.archive == to.parent / "archives"
    assert res.pdfs == len(_pdfs(dest / "archives"))
    restored = api.open_books(str(to))
    try:
        rep = api.verify(restored)
        assert rep.ok, rep.findings
        assert api.chain_head(restored) == api.chain_head(demo)
    finally:
        restored.engine.dispose()


def test_restore_refuses_an_existing_database_without_force(demo: api.Books,
                                                            tmp_path: Path) -> None:
    """Failure 8: restoring never overwrites books by accident; with force it replaces them
    whole (their stale -wal removed) and the result verifies."""
    dest = api.backup(demo, tmp_path / "copie").folder
    to = tmp_path / "cible" / "ecp.sqlite3"
    other = api.open_books(str(to), create=True)
    api.init(other, "Autre ECP")
    other.engine.dispose()
    before = to.read_bytes()
    with pytest.raises(InputError) as err:
        api.restore(dest, to)
    assert "existe déjà" in str(err.value)
    assert err.value.field == "to"
    assert to.read_bytes() == before and not (to.parent / "archives").exists()

    api.restore(dest, to, force=True)
    restored = api.open_books(str(to))
    try:
        assert api.verify(restored).ok
    finally:
        restored.engine.dispose()


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    """A folder without books, or a file that is not SQLite, is refused with one message and
    nothing is written."""
    empty = tmp_path / "vide"
    empty.mkdir()
    with pytest.raises(InputError, match="n'est pas une sauvegarde ECP"):
        api.restore(empty, tmp_path / "x.sqlite3")
    junk = tmp_path / "junk" / "books.sqlite3"
    junk.parent.mkdir()
    junk.write_bytes(b"ceci n'est pas une base" * 100)
    with pytest.raises(InputError, match="pas une base ECP lisible"):
        api.restore(junk.parent, tmp_path / "x.sqlite3")
    assert not (tmp_path / "x.sqlite3").exists()


def test_cli_backup_restore_verify(demo: api.Books, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Failure 8 through the command line: backup, restore (refused then forced), verify."""
    db = str(demo.path)
    dest = tmp_path / "sauvegarde"
    assert cli.main(["--db", db, "backup", str(dest)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Sauvegarde écrite : {dest} (base books.sqlite3 et ")
    to = tmp_path / "restauree" / "ecp.sqlite3"
    assert cli.main(["restore", str(dest), "--to", str(to)]) == 0
    assert "Sauvegarde restaurée" in capsys.readouterr().out
    assert cli.main(["restore", str(dest), "--to", str(to)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ecp : --to : restauration : la base") and "--force" in err
    assert err.count("\n") == 1
    assert cli.main(["restore", str(dest), "--to", str(to), "--force"]) == 0
    capsys.readouterr()
    assert cli.main(["--db", str(to), "verify"]) == 0
    out = capsys.readouterr().out
    assert "ERREUR" not in out and "Vérification réussie" in out


async def test_tui_backup_dialog_writes_the_folder(demo: api.Books, tmp_path: Path) -> None:
    """Failure 8 in the TUI: the backup dialog writes the same folder (database and PDFs)."""
    dest = tmp_path / "copies" / "ecp-copie"
    app = EcpApp(demo, today=dt.date(2026, 3, 15))
    async with app.run_test(size=(150, 44)) as pilot:
        p: Pilot[Any] = pilot
        await p.pause()
        await palette(p, "sauvegarde")
        await until(p, lambda: isinstance(app.screen, BackupDialog))
        assert app.screen.query_one("#path", Input).value.endswith("ecp-2026-03-15")
        app.screen.query_one("#path", Input).value = str(dest)
        await p.press("enter")
        await until(p, lambda: "Sauvegarde écrite" in str(
            app.screen.query_one("#result", Static).content))
    assert (dest / "books.sqlite3").is_file()
    assert _pdfs(dest / "archives") == _pdfs(api.archive_dir(demo))
