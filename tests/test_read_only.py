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
