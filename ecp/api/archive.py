"""The archive of issued PDFs, kept ten years: writing at issue, checked reads, verify."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from ecp.api.session import Books, _write
from ecp.config import default_db_path
from ecp.kernel.errors import EcpError, InputError, NotFoundError
from ecp.kernel.periods import Month
from ecp.sales.views import DocumentView


def sha256_of(path: Path) -> str:
    """The SHA-256 of an archived file, as recorded when it was written."""
    import hashlib
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_archive(books: Books, conn: Connection) -> list[str]:
    """Every issued document's PDF and every payout voucher is in the archive, unchanged
    since it was written."""
    from ecp.db.models import Document, Payout
    out = []
    base = archive_dir(books)
    rows = [*conn.execute(select(Document.number, Document.pdf_name, Document.pdf_sha256)
                          .order_by(Document.id)),
            *conn.execute(select(Payout.number, Payout.pdf_name, Payout.pdf_sha256)
                          .order_by(Payout.id))]
    for num, name, sha in rows:
        if not name:
            continue
        f = base / name
        if not f.exists():
            out.append(f"archive : le PDF de {num} est absent ({f})")
        elif sha256_of(f) != sha:
            out.append(f"archive : le PDF de {num} a été modifié depuis son émission ({f})")
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


@contextmanager
def archiving(books: Books) -> Iterator[tuple[Connection, Store]]:
    """One unit of work that may archive PDFs: ``store(rel, data)`` writes a new file under the
    archive (never over an existing one) and gives back its name and SHA-256. Files are written
    before the commit and removed if the transaction fails, so the archive never holds a PDF of
    a document the books do not have."""
    import hashlib
    written: list[Path] = []

    def store(rel: str, data: bytes) -> tuple[str, str]:
        out = archive_dir(books) / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        try:
            with out.open("xb") as f:  # exclusive: an archived PDF is never overwritten
                f.write(data)
        except FileExistsError:
            raise InputError(f"archive : {out} existe déjà (base restaurée sans ses "
                             "archives ?)") from None
        written.append(out)
        return rel, hashlib.sha256(data).hexdigest()

    try:
        with _write(books) as conn:
            yield conn, store
    except BaseException:
        for f in written:
            f.unlink(missing_ok=True)
        raise


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
    import shutil
    if not row.pdf_name:
        raise NotFoundError(f"{row.number} : pas de {what} archivé")
    src: Path = archive_dir(books) / row.pdf_name
    if not src.exists():
        raise EcpError(f"{row.number} : {what} absent de l'archive ({src})")
    if sha256_of(src) != row.pdf_sha256:
        raise EcpError(f"{row.number} : le {what} archivé {src} a été modifié (empreinte)")
    if out is None:
        return src
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, out)
    return out


def statements_dir(books: Books, month: Month) -> Path:
    """Where the month's member statements go: ``releves/AAAA-MM`` beside the archive."""
    return archive_dir(books).parent / "releves" / str(month)
