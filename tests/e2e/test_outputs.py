"""Outputs never destroy (issue 12, failure 1): every ``--out`` refuses the database, its
``-wal``/``-shm``, anything under the archive and the statements, and symbolic links; an
existing file is replaced only with ``--force``; what is written is private (0600)."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from ecp.cli import _all_parsers, build_parser, main

Run = Callable[..., tuple[int, str, str]]

# Every command that has --out, with the arguments it needs around it (the demo's figures).
FILE_COMMANDS: dict[str, list[str]] = {
    "ecp export": ["export", "journal"],
    "ecp export hledger": ["export", "hledger"],
    "ecp invoice pdf": ["invoice", "pdf", "F-2026-000001"],
    "ecp payout pdf": ["payout", "pdf", "VR-2026-000001"],
    "ecp report vat": ["report", "vat", "--period", "2026-11"],
    "ecp vat show": ["vat", "show", "2026-11"],
    "ecp report payroll": ["report", "payroll", "--period", "2026-11"],
    "ecp report bilan": ["report", "bilan", "--year", "2026"],
    "ecp report cpc": ["report", "cpc", "--year", "2026"],
    "ecp report esg": ["report", "esg", "--year", "2026", "--model", "normal"],
    "ecp report tf": ["report", "tf", "--year", "2026"],
    "ecp report etic": ["report", "etic", "--year", "2026"],
    "ecp report aged-receivables": ["report", "aged-receivables", "--at", "2026-11-30"],
    "ecp report dunning": ["report", "dunning", "--date", "2027-02-20"],
    "ecp report impact": ["report", "impact", "--from", "2026-01-01", "--to", "2026-12-31"],
    "ecp invoice remind": ["invoice", "remind", "F-2026-000004", "--date", "2027-02-01"],
    "ecp workshop sheet": ["workshop", "sheet", "AT-2026-01"],
    # the network of the global --db alone: its books and archive are refused like any other's
    "ecp network report": ["network", "report", "--from", "2026-01-01", "--to", "2026-12-31"],
}
DIR_COMMANDS: dict[str, list[str]] = {"ecp statement": ["statement", "2026-11"]}


@pytest.fixture
def run(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    # the demo's invoices fall due in 2027: the reminder is dated then, beyond the default
    # 30 days after today a document may be dated
    assert main(["--db", str(demo_path), "settings", "set", "documents.max_future_days",
                 "366"]) == 0
    capsys.readouterr()
    with sqlite3.connect(demo_path) as c:  # into the file itself: its bytes stay put after
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def go(*args: str) -> tuple[int, str, str]:
        code = main(["--db", str(demo_path), *args])
        out = capsys.readouterr()
        return code, out.out, out.err
    return go


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_out_option_is_covered() -> None:
    """Each command with --out is tested here (a new one must join the tables), and each has
    --force."""
    found = set()
    for sp in _all_parsers(build_parser()):
        opts = {o for a in sp._actions for o in a.option_strings}
        if "--out" in opts:
            found.add(sp.prog)
            assert "--force" in opts, sp.prog
    assert found == {"ecp export", "ecp invoice pdf", "ecp payout pdf", "ecp report vat",
                     "ecp report aged-receivables", "ecp statement", "ecp vat show",
                     "ecp report payroll", "ecp report bilan", "ecp report cpc",
                     "ecp report esg", "ecp report tf", "ecp report etic",
                     "ecp report dunning", "ecp invoice remind", "ecp report impact",
                     "ecp network report",
                     "ecp workshop sheet"}


@pytest.mark.parametrize("name", sorted(FILE_COMMANDS))
def test_out_refuses_the_books_and_their_companions(name: str, run: Run,
                                                    demo_path: Path) -> None:
    """Failure 1: ``ecp invoice pdf N --out demo.sqlite3`` replaced the database, exit 0."""
    before = demo_path.read_bytes()
    for target in (demo_path, demo_path.with_name(demo_path.name + "-wal"),
                   demo_path.with_name(demo_path.name + "-shm")):
        code, _out, err = run(*FILE_COMMANDS[name], "--out", str(target))
        assert code == 2, (name, target, err)
        assert "--out" in err and "la base elle-même" in err, err
        assert err.count("\n") == 1
    assert demo_path.read_bytes() == before


def test_invoice_pdf_into_the_database_is_refused(run: Run, demo_path: Path) -> None:
    """Failure 1 as found: ``ecp invoice pdf N --out demo.sqlite3`` exited 0 with the database
    replaced by the PDF; now exit 2, one line, the books intact and still readable."""
    before = demo_path.read_bytes()
    code, _out, err = run("invoice", "pdf", "F-2026-000001", "--out", str(demo_path))
    assert (code, err) == (2, f"ecp : --out : fichier : {demo_path} écraserait la base "
                              "elle-même\n")
    assert demo_path.read_bytes() == before
    code, out, err = run("invoice", "show", "F-2026-000001")
    assert code == 0 and "F-2026-000001" in out, err


@pytest.mark.parametrize("name", sorted(FILE_COMMANDS))
def test_out_refuses_the_archive_and_the_statements(name: str, run: Run,
                                                    demo_path: Path) -> None:
    """Failure 1: --out overwrote other archived invoices."""
    archived = demo_path.parent / "archives" / "2026" / "F-2026-000002.pdf"
    kept = archived.read_bytes()
    new_in_archive = demo_path.parent / "archives" / "2026" / "copie.pdf"
    statements = demo_path.parent / "releves" / "2026-11"
    statements.mkdir(parents=True)
    for target in (archived, new_in_archive, statements / "releve.pdf"):
        code, _out, err = run(*FILE_COMMANDS[name], "--out", str(target))
        assert code == 2, (name, target, err)
        assert "où ECP garde ses archives" in err, err
    assert archived.read_bytes() == kept
    assert not new_in_archive.exists() and not any(statements.iterdir())


@pytest.mark.parametrize("name", sorted(FILE_COMMANDS))
def test_out_never_writes_through_a_link(name: str, run: Run, tmp_path: Path) -> None:
    """Failure 1: --out wrote through symbolic links."""
    victim = tmp_path / "victime.txt"
    victim.write_text("intact")
    link = tmp_path / "lien.pdf"
    link.symlink_to(victim)
    dangling = tmp_path / "pendant.pdf"
    dangling.symlink_to(tmp_path / "nulle-part.txt")
    for target in (link, dangling):
        code, _out, err = run(*FILE_COMMANDS[name], "--out", str(target))
        assert code == 2 and "lien symbolique" in err, (name, err)
    assert victim.read_text() == "intact" and not (tmp_path / "nulle-part.txt").exists()


@pytest.mark.parametrize("name", sorted(FILE_COMMANDS))
def test_out_replaces_an_existing_file_only_with_force(name: str, run: Run,
                                                       tmp_path: Path) -> None:
    """Failure 1: an existing file was silently replaced. Written files are 0600."""
    old = os.umask(0o022)
    try:
        target = tmp_path / "sortie.out"
        code, _out, err = run(*FILE_COMMANDS[name], "--out", str(target))
        assert code == 0, err
        assert target.stat().st_size > 0 and _mode(target) == 0o600, oct(_mode(target))
        target.write_text("ancien")
        code, _out, err = run(*FILE_COMMANDS[name], "--out", str(target))
        assert code == 2 and "existe déjà" in err and "--force" in err, err
        assert target.read_text() == "ancien"
        code, _out, err = run(*FILE_COMMANDS[name], "--out", str(target), "--force")
        assert code == 0, err
        assert target.read_bytes() != b"ancien" and _mode(target) == 0o600
    finally:
        os.umask(old)


def test_statement_folder_is_checked(run: Run, demo_path: Path, tmp_path: Path) -> None:
    """Failure 1 for ``ecp statement --out DOSSIER``: not into the archive or the statements,
    not through a link, an existing statement replaced only with --force."""
    args = DIR_COMMANDS["ecp statement"]
    for target in (demo_path.parent / "archives" / "2026",
                   demo_path.parent / "releves" / "2026-11"):
        code, _out, err = run(*args, "--out", str(target), "--force")
        assert code == 2 and "où ECP garde ses archives" in err, err
    code, _out, err = run(*args, "--out", str(demo_path))
    assert code == 2 and "pas un dossier" in err, err
    real = tmp_path / "ailleurs"
    real.mkdir()
    (tmp_path / "lien").symlink_to(real)
    code, _out, err = run(*args, "--out", str(tmp_path / "lien"), "--force")
    assert code == 2 and "lien symbolique" in err, err
    folder = tmp_path / "releves-copie"
    code, _out, err = run(*args, "--member", "M001", "--out", str(folder))
    assert code == 0, err
    made = folder / "releve-2026-11-M001.pdf"
    made.write_bytes(b"ancien")
    code, _out, err = run(*args, "--member", "M001", "--out", str(folder))
    assert code == 2 and "existe déjà" in err and "--force" in err, err
    code, _out, err = run(*args, "--out", str(folder))
    assert code == 2 and "existe déjà" in err, err
    assert made.read_bytes() == b"ancien"
    code, _out, err = run(*args, "--out", str(folder), "--force")
    assert code == 0, err
    assert made.read_bytes() != b"ancien"
    (folder / "releve-2026-11-M002.pdf").unlink()
    (folder / "releve-2026-11-M002.pdf").symlink_to(tmp_path / "victime.pdf")
    code, _out, err = run(*args, "--out", str(folder), "--force")
    assert code == 2 and "lien symbolique" in err, err
    assert not (tmp_path / "victime.pdf").exists()
