"""The auditor's mode (issue 12, failure 10): read-only books — ``--read-only``,
``ECP_READ_ONLY=1``, a 0400 database, a read-only folder — verify, report and export; every
write is refused up front with one French line (exit 2); the file's bytes never change."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from ecp.cli import main

READS = (["verify"], ["report", "trial-balance"], ["entry", "list"],
         ["report", "trial-balance", "--format", "csv"])
WRITES = (["account", "add", "61199", "Essai"],
          ["member", "add", "M099", "--name", "Auditrice"],
          ["period", "close", "2026-01"])


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run_all(db: Path, out_dir: Path, capsys: pytest.CaptureFixture[str],
             prefix: list[str] | None = None) -> None:
    before = _sha(db)
    pre = ["--db", str(db), *(prefix or [])]
    for args in READS:
        assert main([*pre, *args]) == 0, (args, capsys.readouterr().err)
    out = out_dir / "journal.csv"
    assert main([*pre, "export", "journal", "--out", str(out)]) == 0, capsys.readouterr().err
    assert out.stat().st_size > 0
    capsys.readouterr()
    for args in WRITES:
        assert main([*pre, *args]) == 2, args
        err = capsys.readouterr().err
        assert err.startswith("ecp : base ouverte en lecture seule"), err
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert _sha(db) == before



def _clean_close(db: Path) -> None:
    """The books as a bookkeeper leaves them: checkpointed, no -wal or -shm beside."""
    conn = sqlite3.connect(str(db))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def test_read_only_database_file(demo_path: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Failure 10: on a 0400 database verify crashed writing verify.last."""
    _clean_close(demo_path)
    demo_path.chmod(0o400)
    out = tmp_path / "out"
    out.mkdir()
    try:
        _run_all(demo_path, out, capsys)
    finally:
        demo_path.chmod(0o600)


def test_read_only_folder(demo_path: Path, tmp_path: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    """Failure 10: in a read-only folder every command crashed."""
    _clean_close(demo_path)
    out = tmp_path.parent / f"{tmp_path.name}-out"
    out.mkdir()
    folder = demo_path.parent
    folder.chmod(0o555)
    try:
        _run_all(demo_path, out, capsys)
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("how", ["option", "env"])
def test_read_only_asked(demo_path: Path, tmp_path: Path, how: str,
                         monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str]) -> None:
    """Failure 10: ``ecp --read-only`` / ``ECP_READ_ONLY=1`` on writable books."""
    if how == "env":
        monkeypatch.setenv("ECP_READ_ONLY", "1")
    _run_all(demo_path, tmp_path, capsys, ["--read-only"] if how == "option" else None)
    assert main(["--db", str(demo_path), "account", "add", "61199", "Essai"]) == \
        (2 if how == "env" else 0)  # the option lasts one run


def test_verifying_a_backup_leaves_its_bytes(demo_path: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Failure 10: verifying a backup changed it (verify.last written into it)."""
    copy = tmp_path / "copie.sqlite3"
    src, dst = sqlite3.connect(str(demo_path)), sqlite3.connect(str(copy))
    src.backup(dst)
    dst.close()
    src.close()
    _clean_close(copy)
    before = _sha(copy)
    assert main(["--read-only", "--db", str(copy), "verify"]) == 0, capsys.readouterr().err
    assert _sha(copy) == before
    copy.chmod(0o400)
    assert main(["--db", str(copy), "verify"]) == 0, capsys.readouterr().err
    assert _sha(copy) == before


def test_read_only_is_detected_from_the_mode(demo_path: Path) -> None:
    from ecp import api

    demo_path.chmod(stat.S_IRUSR)
    try:
        books = api.open_books(str(demo_path))
        assert books.read_only and "lecture seule" in books.read_only_why
    finally:
        demo_path.chmod(0o600)
    assert not api.open_books(str(demo_path)).read_only
    assert os.access(demo_path, os.W_OK)


def _tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` (database, archive, pending, strays) and its hash — but
    SQLite's ``-shm`` index and an empty ``-wal``, which a ``mode=ro`` reader of a WAL
    database creates in a writable folder (no data: the database file holds every page)."""
    out = {}
    for p in sorted(root.rglob("*")):
        if not p.is_file() or p.name.endswith("-shm"):
            continue
        if p.name.endswith("-wal") and p.stat().st_size == 0:
            continue
        out[p.relative_to(root).as_posix()] = _sha(p)
    return out


def test_read_only_verify_repairs_nothing(demo_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 12, failure 10 (and failure 2's repair): ``verify`` of read-only books moved a
    pending PDF into place and deleted old pending files. Now it reports them, with what a
    writable verify would do, and every byte of the database and the archive stays."""
    _clean_close(demo_path)
    root = demo_path.parent
    archives = root / "archives"
    pdfs = sorted(p for p in archives.rglob("*.pdf") if p.is_file())
    assert pdfs
    committed = pdfs[0]  # an issue killed after its commit: its PDF never left .pending
    pending = archives / ".pending"
    pending.mkdir(mode=0o700, exist_ok=True)
    waiting = pending / "0123456789abcdef0123456789abcdef.pdf"
    os.rename(committed, waiting)
    orphan = pending / "fedcba9876543210fedcba9876543210.pdf"  # killed before its commit
    orphan.write_bytes(b"%PDF-1.4 orphan")
    os.utime(orphan, (1_000_000_000, 1_000_000_000))  # old: a writable verify removes it
    before = _tree(root)

    assert main(["--read-only", "--db", str(demo_path), "verify"]) == 1
    out = capsys.readouterr().out
    assert _tree(root) == before
    assert str(waiting) in out and "remettra en place" in out and "lecture seule" in out
    assert str(orphan) in out and "supprimera" in out
    assert "est absent" not in out  # said once, as pending, not also as missing

    assert main(["--db", str(demo_path), "verify"]) == 1  # writable: repairs and says it
    out = capsys.readouterr().out
    assert "remis en place" in out and "supprimé" in out
    assert committed.is_file() and not waiting.exists() and not orphan.exists()
    assert main(["--db", str(demo_path), "verify"]) == 0, capsys.readouterr().out
