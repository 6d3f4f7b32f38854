"""Files ECP writes are private: 0600 for files, 0700 for directories, whatever the umask.

The books, their archive of issued PDFs, statements, exports and backups hold personal and
commercial data; nothing ECP writes may be readable by other users of the machine. On Windows
the modes are not enforced by the file system (ACLs are), the calls are harmless there.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path) -> Path:
    """``path`` and any missing parent created 0700 (existing directories are left as they
    are, except ``path`` itself, made private when ECP created it)."""
    missing: list[Path] = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        with contextlib.suppress(FileExistsError):
            d.mkdir(mode=PRIVATE_DIR)
        with contextlib.suppress(OSError):
            os.chmod(d, PRIVATE_DIR)
    return path


def make_private(path: Path) -> Path:
    """Set a file ECP wrote to 0600 (a directory to 0700)."""
    with contextlib.suppress(OSError):
        os.chmod(path, PRIVATE_DIR if path.is_dir() else PRIVATE_FILE)
    return path


def write_private(path: Path, data: bytes, *, exclusive: bool = False) -> Path:
    """Write ``data`` to ``path`` as a 0600 file, never through a symbolic link; with
    ``exclusive`` an existing file is refused (``FileExistsError``) instead of replaced."""
    private_dir(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    flags |= os.O_EXCL if exclusive else os.O_TRUNC
    fd = os.open(path, flags, PRIVATE_FILE)
    try:
        with contextlib.suppress(OSError, AttributeError):
            os.fchmod(fd, PRIVATE_FILE)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


def replace_private(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (a private temporary file in the same directory,
    flushed, then renamed over ``path``): a reader sees the old file or the new one, whole."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write_private(tmp, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
