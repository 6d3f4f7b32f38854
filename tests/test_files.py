"""Private files whatever the umask (ecp/kernel/files.py)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from ecp.kernel.files import private_dir, replace_private, write_private

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_files_and_directories_are_private_under_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0o000)
    try:
        f = write_private(tmp_path / "a" / "b" / "x.pdf", b"%PDF")
        assert _mode(f) == 0o600
        assert _mode(tmp_path / "a") == 0o700 and _mode(tmp_path / "a" / "b") == 0o700
        g = replace_private(tmp_path / "a" / "y.csv", b"1;2\n")
        assert _mode(g) == 0o600 and g.read_bytes() == b"1;2\n"
        d = private_dir(tmp_path / "c" / "d")
        assert _mode(d) == 0o700
    finally:
        os.umask(old)


def test_exclusive_refuses_an_existing_file_and_no_write_goes_through_a_link(
        tmp_path: Path) -> None:
    target = tmp_path / "books.sqlite3"
    target.write_bytes(b"SQLite")
    with pytest.raises(FileExistsError):
        write_private(target, b"%PDF", exclusive=True)
    link = tmp_path / "link.pdf"
    link.symlink_to(target)
    with pytest.raises(OSError):
        write_private(link, b"%PDF")
    assert target.read_bytes() == b"SQLite"
