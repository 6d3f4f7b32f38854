"""Where an output may go: the one check every ``--out`` (and the TUI's exports) goes through.

An output never destroys: it may not be the database (nor its ``-wal``/``-shm``/``-journal``),
anything under the archive of issued PDFs or the statements' folder, nor a symbolic link; an
existing file is replaced only when the caller says so (``force``: the CLI's ``--force``).
"""

from __future__ import annotations

from pathlib import Path

from ecp.api.archive import archive_dir, statements_dir
from ecp.api.session import Books
from ecp.kernel.errors import InputError
from ecp.kernel.periods import Month
from ecp.reports.exports import check_target


def protected_dirs(books: Books) -> list[Path]:
    """The folders no output may be written into: the archive and the statements' root."""
    return [archive_dir(books), statements_dir(books, Month(2000, 1)).parent]


def check_output(books: Books, out: Path, *, force: bool = True, manifest: bool = False,
                 make_parent: bool = False) -> Path:
    """Refuse ``out`` when writing it would destroy something (see the module); ``manifest``:
    its ``.manifest.txt`` is written too; ``make_parent``: a missing folder will be created.
    Errors carry ``field="out"``; an existing file without ``force`` has code ``out.exists``."""
    check_target(out, [books.path] if books.path else [], dirs=protected_dirs(books),
                 force=force, manifest=manifest, make_parent=make_parent)
    return out


def check_output_dir(books: Books, folder: Path, names: list[str] | None, pattern: str, *,
                     force: bool) -> Path:
    """A folder an output writes several files into (the statements of ``ecp statement``):
    not a protected place, not a link; its files ``names`` (or, when not known in advance,
    every file matching ``pattern``) checked as single outputs."""
    if folder.is_symlink():
        raise InputError(f"dossier : {folder} est un lien symbolique, donner le dossier "
                         "lui-même", field="out")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"dossier : {folder} n'est pas un dossier", field="out")
    root = folder.resolve()
    for d in protected_dirs(books):
        if root == d.resolve() or d.resolve() in root.parents:
            raise InputError(f"dossier : {folder} est sous {d}, où ECP garde ses archives",
                             field="out")
    if folder.is_dir():
        targets = [folder / n for n in names] if names is not None \
            else sorted(p for p in folder.glob(pattern))
        for t in targets:
            if t.exists() or t.is_symlink():
                check_output(books, t, force=force, make_parent=True)
    return folder
