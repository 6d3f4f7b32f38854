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


def _check_archive(books: Books, conn: Connection) -> list[str]:
    """Every issued document's PDF and every payout voucher is in the archive, unchanged
    since it was written."""
    import hashlib

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
        elif hashlib.sha256(f.read_bytes()).hexdigest() != sha:
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


def _archiver(books: Books, written: list[Path]) -> Callable[[DocumentView], tuple[str, str]]:
    """Render a document's PDF once, at issue, into the archive; give its name and SHA-256.

    The file is written before the commit; ``written`` lets the caller remove it if the
    transaction fails."""
    def archive(view: DocumentView) -> tuple[str, str]:
        import hashlib

        from ecp.reports.invoice_pdf import render_document
        data = render_document(view)
        rel = f"{view.issue_date.year}/{view.number}.pdf"
        out = archive_dir(books) / rel
        if out.exists():
            raise InputError(f"archive : {out} existe déjà (base restaurée sans ses archives ?)")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        written.append(out)
        return rel, hashlib.sha256(data).hexdigest()
    return archive


@contextmanager
def _issuing(books: Books) -> Iterator[tuple[Connection, Callable[[DocumentView],
                                                                   tuple[str, str]]]]:
    written: list[Path] = []
    try:
        with _write(books) as conn:
            yield conn, _archiver(books, written)
    except BaseException:
        for f in written:
            f.unlink(missing_ok=True)
        raise


def _archived(books: Books, row: Any, what: str, out: Path | None) -> Path:
    """An archived PDF, checked against the SHA-256 recorded when it was written; or a copy
    of it at ``out``."""
    import hashlib
    import shutil
    if not row.pdf_name:
        raise NotFoundError(f"{row.number} : pas de {what} archivé")
    src: Path = archive_dir(books) / row.pdf_name
    if not src.exists():
        raise EcpError(f"{row.number} : {what} absent de l'archive ({src})")
    if hashlib.sha256(src.read_bytes()).hexdigest() != row.pdf_sha256:
        raise EcpError(f"{row.number} : le {what} archivé {src} a été modifié (empreinte)")
    if out is None:
        return src
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, out)
    return out


def statements_dir(books: Books, month: Month) -> Path:
    """Where the month's member statements go: ``releves/AAAA-MM`` beside the archive."""
    return archive_dir(books).parent / "releves" / str(month)
