"""The archive of issued PDFs, kept ten years: writing at issue, checked reads, verify."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from ecp.api.session import Books, _write
from ecp.config import default_db_path
from ecp.kernel.errors import EcpError, NotFoundError
from ecp.kernel.periods import Month
from ecp.sales.views import DocumentView


def sha256_of(path: Path) -> str:
    """The SHA-256 of an archived file, as recorded when it was written."""
    import hashlib
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_archive(books: Books, conn: Connection) -> list[str]:
    """Every issued document's PDF and every payout voucher is in the archive, unchanged
    since it was written; the archive holds nothing else.

    A PDF left pending by an issue interrupted after its commit is put in place first (and
    said); pending files of issues that never committed are removed once they are old enough
    not to belong to an issue in progress; files the books do not know — in the archive or
    set aside in ``.strays`` — are reported.

    On read-only books (the auditor's) nothing is moved or removed: the pending and stray
    files are reported with what a writable ``verify`` would do."""
    dry = books.read_only
    out = _settle(books, conn, sweep=False, dry_run=dry)
    base = archive_dir(books)
    rows = _recorded(conn)
    waiting = _pending_shas(base) if dry else set()
    for num, name, sha in rows:
        if not name:
            continue
        f = base / name
        if dry and sha in waiting and not f.exists():
            continue  # said by _settle: pending, would be put in place
        if not f.exists():
            out.append(f"archive : le PDF de {num} est absent ({f})")
        elif sha256_of(f) != sha:
            out.append(f"archive : le PDF de {num} a été modifié depuis son émission ({f})")
    out.extend(_unknown_files(base, {name for _n, name, _s in rows if name}))
    return out


def _recorded(conn: Connection) -> list[tuple[str, str | None, str | None]]:
    """(number, archived name, SHA-256) of every issued document, payout voucher and invoice
    reminder letter (named « relance N de F-… du AAAA-MM-JJ »)."""
    from ecp.db.models import Document, InvoiceReminder, Payout
    reminders = [(f"relance {lv} de {inv} du {d // 10000}-{d // 100 % 100:02d}-{d % 100:02d}",
                  name, sha) for inv, lv, d, name, sha in conn.execute(
        select(InvoiceReminder.invoice, InvoiceReminder.level, InvoiceReminder.day,
               InvoiceReminder.pdf_name, InvoiceReminder.pdf_sha256)
        .order_by(InvoiceReminder.id))]
    return [(str(n), name, sha) for n, name, sha in (
        *conn.execute(select(Document.number, Document.pdf_name, Document.pdf_sha256)
                      .order_by(Document.id)),
        *conn.execute(select(Payout.number, Payout.pdf_name, Payout.pdf_sha256)
                      .order_by(Payout.id)),
        *reminders)]


def _unknown_files(base: Path, known: set[str]) -> list[str]:
    """Files under the archive that no document or voucher names, and files set aside."""
    out: list[str] = []
    if not base.is_dir():
        return out
    for f in sorted(base.rglob("*")):
        if f.is_dir():
            continue
        rel = f.relative_to(base)
        top = rel.parts[0]
        if top == PENDING:
            continue  # handled by _settle
        if top == STRAYS:
            out.append(f"archive : fichier mis à l'écart {f} (trouvé à la place d'un PDF à "
                       "émettre, inconnu des livres) : à examiner puis retirer")
        elif rel.as_posix() not in known:
            out.append(f"archive : fichier {f} inconnu des livres (aucun document ne le "
                       "nomme) : à examiner puis retirer")
    return out


def archive_dir(books: Books) -> Path:
    """Issued PDFs, kept ten years: next to the database file, in ``archives/``."""
    if books.archive is not None:
        return books.archive
    path = books.path
    if path is None:  # PostgreSQL: the user data dir
        return default_db_path().parent / "archives"
    return path.parent / "archives"


Store = Callable[[str, bytes], tuple[str, str]]

PENDING = ".pending"  # PDFs written for a unit of work not yet committed
STRAYS = ".strays"    # files found where a new PDF goes, unknown to the books, set aside
ORPHAN_AGE_S = 600    # a pending file older than this belongs to no issue in progress

_log = logging.getLogger("ecp.archive")


def _crash_point(name: str) -> None:
    """Test hook of the kill harness (``tests/test_kill_harness.py``), never set in use: with
    ``ECP_TEST_CRASH_AT=<name>`` in the environment the process dies on the spot at that named
    point of archiving — ``store`` (number taken, nothing written), ``written`` (the PDF
    written under ``.pending``, not committed), ``committed`` (committed, the PDF not yet in
    place), ``placed`` (in place) — as a power cut would: ``os._exit``, no rollback, no
    cleanup."""
    if os.environ.get("ECP_TEST_CRASH_AT") == name:
        os._exit(9)


def _sync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (POSIX; a no-op where directories cannot be opened)."""
    import contextlib
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _set_aside(books: Books, target: Path) -> str:
    """Move a file the books do not know out of a PDF's way, into ``.strays``; say so."""
    from ecp.kernel.files import private_dir
    base = archive_dir(books)
    try:
        rel = target.relative_to(base).as_posix().replace("/", "_")
    except ValueError:
        rel = target.name
    folder = private_dir(base / STRAYS)
    stamp = books.now().strftime("%Y%m%d-%H%M%S")
    dest = folder / f"{stamp}-{rel}"
    n = 1
    while dest.exists() or dest.is_symlink():
        n += 1
        dest = folder / f"{stamp}-{n}-{rel}"
    os.rename(target, dest)
    return (f"archive : {target} était inconnu des livres (base restaurée sans ses archives ?) "
            f": mis à l'écart dans {dest}")


def _place(books: Books, pending: Path, target: Path, sha: str) -> str | None:
    """Rename a committed document's pending PDF into its place in the archive; a file the
    books do not know found there is set aside first (the message is returned)."""
    from ecp.kernel.files import private_dir
    said = None
    if target.is_symlink() or target.exists():
        if target.is_file() and not target.is_symlink() and sha256_of(target) == sha:
            pending.unlink(missing_ok=True)  # already in place (placed by another process)
            return None
        said = _set_aside(books, target)
    private_dir(target.parent)
    os.replace(pending, target)
    _sync_dir(target.parent)
    return said


def _pending_shas(base: Path) -> set[str]:
    """The SHA-256 of every file waiting in ``.pending`` (none when it cannot be read)."""
    out: set[str] = set()
    try:
        for p in (base / PENDING).iterdir():
            if p.is_file() and not p.is_symlink():
                out.add(sha256_of(p))
    except OSError:
        pass
    return out


def _settle(books: Books, conn: Connection, *, sweep: bool,
            dry_run: bool = False) -> list[str]:
    """Finish what interrupted issues left in ``.pending``: a file whose SHA-256 is recorded
    for a document or voucher missing from its place is renamed into it (the issue had
    committed); a file no document records (the issue never committed) is removed — at once
    with ``sweep`` (the caller holds the SQLite writer lock, so no issue is in progress), else
    once older than ``ORPHAN_AGE_S``. Returns what was done, in French, one line each.

    ``dry_run`` (read-only books): nothing is renamed or removed; each line says what is
    pending and what a writable ``ecp verify`` would do with it."""
    import time
    folder = archive_dir(books) / PENDING
    try:
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink())
    except OSError:  # no pending folder: nothing was ever interrupted
        return []
    if not files:
        return []
    base = archive_dir(books)
    by_sha = {sha: (num, name) for num, name, sha in _recorded(conn) if name and sha}
    said: list[str] = []
    for p in files:
        try:
            sha = sha256_of(p)
            hit = by_sha.get(sha)
            if hit is None:
                old = sweep or time.time() - p.stat().st_mtime > ORPHAN_AGE_S
                if dry_run:
                    said.append(f"archive : fichier en attente {p} d'une émission interrompue "
                                "avant son enregistrement (aucun document) : laissé tel quel "
                                "(lecture seule) ; « ecp verify » sans --read-only le "
                                + ("supprimera" if old else "supprimera après "
                                   f"{ORPHAN_AGE_S // 60} minutes"))
                    continue
                if old:
                    p.unlink(missing_ok=True)
                    said.append(f"archive : fichier en attente {p} d'une émission interrompue "
                                "avant son enregistrement : supprimé (aucun document)")
                continue
            num, name = hit
            target = base / name
            if dry_run:
                if target.is_file() and not target.is_symlink() and sha256_of(target) == sha:
                    what = "le supprimera (déjà en place)"
                elif target.exists() or target.is_symlink():
                    what = (f"mettra à l'écart le fichier inconnu {target} puis le remettra "
                            "en place")
                else:
                    what = f"le remettra en place ({target})"
                said.append(f"archive : le PDF de {num} est en attente dans {p} (émission "
                            "interrompue après son enregistrement) : laissé tel quel (lecture "
                            f"seule) ; « ecp verify » sans --read-only {what}")
                continue
            aside = _place(books, p, target, sha)
            if aside:
                said.append(aside)
            said.append(f"archive : le PDF de {num} était en attente (émission interrompue "
                        f"après son enregistrement) : remis en place ({target})")
        except OSError as exc:  # a read-only archive (auditor): say it, change nothing
            said.append(f"archive : fichier en attente {p} non traité ({exc.strerror or exc})")
    return said


@contextmanager
def archiving(books: Books) -> Iterator[tuple[Connection, Store]]:
    """One unit of work that may archive PDFs: ``store(rel, data)`` writes the PDF under a
    temporary name in ``.pending`` (private, flushed) and gives back ``rel`` and its SHA-256,
    which the caller records with the document.

    Crash-safe: after the commit each pending file is renamed into ``rel`` (atomic); if the
    transaction fails the pending files are removed. A crash before the commit leaves only a
    pending file no document records (removed by the next unit of work); a crash between the
    commit and the rename leaves a pending file whose SHA-256 a document records (put in place
    by the next unit of work or ``verify``). A file found at ``rel`` that the books do not
    know is set aside in ``.strays`` with a message, never overwritten, and never blocks an
    issue."""
    import hashlib
    import uuid

    from ecp.kernel.files import write_private
    pending: list[tuple[Path, Path, str]] = []
    base = archive_dir(books)

    def store(rel: str, data: bytes) -> tuple[str, str]:
        _crash_point("store")
        sha = hashlib.sha256(data).hexdigest()
        tmp = write_private(base / PENDING / f"{uuid.uuid4().hex}.pdf", data, exclusive=True)
        pending.append((tmp, base / rel, sha))
        _crash_point("written")
        return rel, sha

    try:
        with _write(books) as conn:
            # The writer lock is held (SQLite: BEGIN IMMEDIATE): no other issue is between
            # writing its PDF and its commit, so what is pending is left by a crash.
            for said in _settle(books, conn, sweep=conn.dialect.name == "sqlite"):
                _log.warning("%s", said)
            yield conn, store
    except BaseException:
        for tmp, _target, _sha in pending:
            tmp.unlink(missing_ok=True)
        raise
    _crash_point("committed")
    for tmp, target, sha in pending:
        try:
            aside = _place(books, tmp, target, sha)
        except OSError as exc:  # committed: the PDF stays pending, verify puts it in place
            if target.is_file() and sha256_of(target) == sha:
                continue  # another process put it in place meanwhile
            _log.warning("archive : le PDF %s reste en attente dans %s (%s) : « ecp verify » "
                         "le remettra en place", target.name, tmp, exc.strerror or exc)
        else:
            if aside:
                _log.warning("%s", aside)
    _crash_point("placed")


@contextmanager
def _issuing(books: Books) -> Iterator[tuple[Connection, Callable[[DocumentView],
                                                                   tuple[str, str]]]]:
    """A unit of work issuing documents: each document's PDF is drawn once, at issue, and
    archived as ``YEAR/NUMBER.pdf``."""
    with archiving(books) as (conn, store):
        def archive(view: DocumentView) -> tuple[str, str]:
            from ecp.reports.invoice_pdf import render_document
            return store(f"{view.issue_date.year}/{view.number}.pdf", render_document(view))
        yield conn, archive


def _archived(books: Books, row: Any, what: str, out: Path | None) -> Path:
    """An archived PDF, checked against the SHA-256 recorded when it was written; or a copy
    of it at ``out``."""
    if not row.pdf_name:
        raise NotFoundError(f"{row.number} : pas de {what} archivé")
    src: Path = archive_dir(books) / row.pdf_name
    if not src.exists():
        raise EcpError(f"{row.number} : {what} absent de l'archive ({src})")
    if sha256_of(src) != row.pdf_sha256:
        raise EcpError(f"{row.number} : le {what} archivé {src} a été modifié (empreinte)")
    if out is None:
        return src
    # A copy never destroys: not the books, not the archive, not through a link (the CLI
    # asks --force before replacing another file); written private, atomically.
    from ecp.api.outputs import check_output
    from ecp.kernel.files import private_dir, replace_private
    check_output(books, out, make_parent=True)
    private_dir(out.parent)
    replace_private(out, src.read_bytes())
    return out


def statements_dir(books: Books, month: Month) -> Path:
    """Where the month's member statements go: ``releves/AAAA-MM`` beside the archive."""
    return archive_dir(books).parent / "releves" / str(month)
