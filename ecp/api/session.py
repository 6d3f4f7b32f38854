"""Opening the books: the engine, the clock and the acting user, migrations, backups."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecp.config import current_user, read_only_wanted, resolve_db_url
from ecp.db.engine import (
    ReadOnlyError,
    make_engine,
    read_only_reason,
    reading,
    sqlite_path,
    unit_of_work,
)
from ecp.db.lite import sqlite_snapshot
from ecp.db.migrate import at_head, backup_sqlite, current_revision, head_revision, upgrade
from ecp.kernel.errors import EcpError, InputError
from ecp.kernel.files import PRIVATE_DIR, make_private, private_dir, replace_private, write_private
from ecp.ledger.entry import ECP_DIMENSION

if TYPE_CHECKING:  # SQLAlchemy is imported when the books first need their engine
    from sqlalchemy import Connection, Engine


def _system_today() -> dt.date:
    return dt.date.today()  # noqa: DTZ011 - the bookkeeper's civil date, on this machine


def _system_now() -> dt.datetime:
    return dt.datetime.now()  # noqa: DTZ005 - local wall time, as the bookkeeper reads it


class Books:
    """An open set of books: the engine and where it lives, the clock and the acting user.

    No façade or domain code asks the system for the date or the user: they ask the books, so
    a test (or a batch run « as of » a date) can freeze both.

    The engine is made on first use (``books.engine``): books opened at head by a one-shot
    read (``ecp report trial-balance``) never import SQLAlchemy (see ``_read_light``).

    ``read_only``: the auditor's books (``--read-only``, ``ECP_READ_ONLY``, a read-only file
    or folder): opened ``mode=ro`` (PostgreSQL: read-only transactions), every write refused
    up front; ``read_only_why`` says why, for the TUI's title and the messages."""

    def __init__(self, engine: Engine | None, url: str, backup: str | None = None,
                 user: str | None = None, clock: Callable[[], dt.date] = _system_today,
                 now_clock: Callable[[], dt.datetime] = _system_now,
                 archive: Path | None = None, read_only: bool = False,
                 read_only_why: str = "") -> None:
        self._engine = engine
        self.read_only = read_only
        self.read_only_why = read_only_why
        self.url = url
        self.backup = backup
        self.user = user if user is not None else current_user()
        self.clock = clock
        self.now_clock = now_clock
        self.archive = archive  # where issued PDFs go; next to the database by default

    def __repr__(self) -> str:
        return f"Books({self.url!r}, user={self.user!r})"

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url, read_only=self.read_only)
        return self._engine

    @engine.setter
    def engine(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def has_engine(self) -> bool:
        """Whether the engine exists already (its pool is then the cheaper way in)."""
        return self._engine is not None

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    def today(self) -> dt.date:
        return self.clock()

    def now(self) -> dt.datetime:
        return self.now_clock()

    def who(self, user: str | None) -> str:
        """The user an operation is done by: the one given, else the books' acting user."""
        return user or self.user

    def refuse_writes(self) -> None:
        """Raise the read-only refusal when these books are read-only (before any work)."""
        if self.read_only:
            raise ReadOnlyError(self.read_only_why)


def open_books(db: str | None = None, create: bool = False,
               read_only: bool | None = None) -> Books:
    """Open (and migrate) the books. Without ``create``, a missing SQLite file is an error.

    ``read_only``: None follows ``--read-only`` / ``ECP_READ_ONLY``; SQLite books in a
    read-only file or folder are opened read-only whatever is asked (and never migrated).

    SQLite books already at head are opened without an engine (one look at
    ``alembic_version`` through ``sqlite3``): the engine, and SQLAlchemy, come on first use."""
    url = resolve_db_url(db)
    path = sqlite_path(url)
    wanted = read_only_wanted() if read_only is None else read_only
    why = "mode auditeur : --read-only ou ECP_READ_ONLY" if wanted else ""
    if path is not None and not path.exists() and (not create or wanted):
        raise InputError(f"base {path} absente : lancer « ecp init » (ou « ecp init --demo »)")
    if path is not None:
        why = read_only_reason(path) or why
    ro = bool(why)
    if path is not None and at_head(path):
        return Books(None, url, read_only=ro, read_only_why=why)
    if ro:
        engine = make_engine(url, read_only=True)
        current, head = current_revision(engine), head_revision()
        if current != head:
            raise InputError(f"base à mettre à jour (révision {current}, attendue {head}) : "
                             f"impossible en lecture seule ({why}) ; l'ouvrir une fois en "
                             "écriture, ou en vérifier une copie", code="db.read_only")
        return Books(engine, url, read_only=True, read_only_why=why)
    engine = make_engine(url)
    backup = upgrade(engine)
    return Books(engine, url, backup)


def is_initialised(books: Books) -> bool:
    from sqlalchemy import select

    from ecp.db.models import Dimension

    with books.engine.connect() as conn:
        return conn.scalar(select(Dimension.code).where(Dimension.code == ECP_DIMENSION)) \
            is not None


def init(books: Books, ecp_name: str = "ECP") -> bool:
    """Seed chart, journals, VAT rates and the ECP's own dimension. True when newly created."""
    from sqlalchemy import insert, select

    from ecp.db.models import Dimension
    from ecp.ledger import chart

    books.refuse_writes()
    with unit_of_work(books.engine) as s:
        conn = s.connection()
        chart.seed(conn)
        if conn.scalar(select(Dimension.code).where(Dimension.code == ECP_DIMENSION)):
            return False
        conn.execute(insert(Dimension), [{
            "code": ECP_DIMENSION, "kind": "ecp", "name": ecp_name, "status": "actif"}])
        return True


def schema_status(books: Books) -> tuple[str | None, str | None]:
    return current_revision(books.engine), head_revision()


@contextmanager
def _write(books: Books, wait: float | None = None) -> Iterator[Connection]:
    """One writer transaction. ``wait``: seconds to wait for another process's lock
    (default ``ECP_LOCK_WAIT``; 0 for what may be skipped, like recording verify's outcome).
    Read-only books refuse before the engine is even made."""
    books.refuse_writes()
    with unit_of_work(books.engine, wait) as s:
        yield s.connection()


@contextmanager
def _read(books: Books) -> Iterator[Connection]:
    with reading(books.engine) as s:
        yield s.connection()


@contextmanager
def _read_light(books: Books) -> Iterator[Any]:
    """A read snapshot for plain-SQL queries (``ecp.db.lite.fetch``): the ``sqlite3`` driver
    alone when the books are a SQLite file whose engine is not made yet (a one-shot command:
    no SQLAlchemy import), else a SQLAlchemy connection (PostgreSQL, the terminal UI)."""
    path = books.path
    if path is not None and not books.has_engine:
        with sqlite_snapshot(path, books.read_only) as conn:
            yield conn
    else:
        with _read(books) as conn:
            yield conn


BACKUP_DB = "books.sqlite3"  # the database's name inside a backup folder
BACKUP_ARCHIVE = "archives"  # the archive's, beside it: the folder is itself openable books


@dataclass(frozen=True)
class BackupResult:
    """A backup folder: the database and the archived PDFs it records."""

    folder: Path
    database: Path
    pdfs: int
    problems: tuple[str, ...] = ()  # recorded PDFs absent or altered in the archive


@dataclass(frozen=True)
class RestoreResult:
    database: Path
    archive: Path
    pdfs: int


def _recorded_pdfs(db: Path) -> list[tuple[str, str, str]]:
    """(number, archived name, SHA-256) of every archived PDF the SQLite books at ``db``
    record (issued documents, payout vouchers and invoice reminder letters)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        reminders = ("UNION ALL SELECT 'relance ' || level || ' de ' || invoice, pdf_name, "
                     "pdf_sha256 FROM invoice_reminders WHERE pdf_name IS NOT NULL "
                     if con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                    "name = 'invoice_reminders'").fetchone() else "")
        return [(str(n), str(name), str(sha or "")) for n, name, sha in con.execute(
            "SELECT number, pdf_name, pdf_sha256 FROM documents WHERE pdf_name IS NOT NULL "
            "UNION ALL SELECT number, pdf_name, pdf_sha256 FROM payouts "
            "WHERE pdf_name IS NOT NULL " + reminders)]
    finally:
        con.close()


def _pending_by_sha(archive: Path) -> dict[str, Path]:
    """PDFs of committed issues not yet put in place (``.pending``), by SHA-256."""
    folder = archive / ".pending"
    if not folder.is_dir():
        return {}
    out: dict[str, Path] = {}
    for f in folder.iterdir():
        if f.is_file() and not f.is_symlink():
            out[hashlib.sha256(f.read_bytes()).hexdigest()] = f
    return out


def backup(books: Books, dest: Path) -> BackupResult:
    """A consistent copy of the books and their archive, even while another process writes:
    the folder ``dest`` (made 0700) holds ``books.sqlite3`` (SQLite's online backup, 0600) and
    ``archives/`` with exactly the PDFs that copy records (0600), each checked against its
    SHA-256 as it is copied. ``dest`` is itself a set of books: ``ecp --db
    dest/books.sqlite3 verify`` checks it where it is; ``restore`` brings it back."""
    import shutil

    from ecp.api.archive import archive_dir

    path = books.path
    if path is None:
        raise EcpError("sauvegarde : seule une base SQLite se copie ainsi (PostgreSQL : pg_dump)")
    if dest.exists() or dest.is_symlink():
        raise InputError(f"sauvegarde : {dest} existe déjà, choisir un autre nom")
    private_dir(dest.parent)
    try:
        dest.mkdir(mode=PRIVATE_DIR)
    except FileExistsError:
        raise InputError(f"sauvegarde : {dest} existe déjà, choisir un autre nom") from None
    try:
        make_private(dest)
        database = dest / BACKUP_DB
        backup_sqlite(path, database)
        source = archive_dir(books)
        target = private_dir(dest / BACKUP_ARCHIVE)
        problems: list[str] = []
        pending: dict[str, Path] | None = None
        copied = 0
        for number, name, sha in _recorded_pdfs(database):
            f = source / name
            data = f.read_bytes() if f.is_file() else None
            if data is None or hashlib.sha256(data).hexdigest() != sha:
                if pending is None:
                    pending = _pending_by_sha(source)
                if sha in pending:  # committed, not yet in place: its bytes are these
                    data = pending[sha].read_bytes()
                elif data is None:
                    problems.append(f"archive : le PDF de {number} est absent ({f})")
                    continue
                else:
                    problems.append(f"archive : le PDF de {number} a été modifié depuis son "
                                    f"émission ({f}), copié tel quel")
            write_private(target / name, data, exclusive=True)
            copied += 1
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)  # made here: nothing half-written is left
        raise
    return BackupResult(dest, database, copied, tuple(problems))


def restore(src: Path, to: Path, force: bool = False) -> RestoreResult:
    """Bring back a backup folder (``books.sqlite3`` and ``archives/``; or a lone SQLite file,
    as older backups were) as the books at ``to`` with their archive beside them
    (``archives/``). An existing database is replaced only with ``force``, and so is an
    archived PDF that differs; the database is checked before it takes the place, which it
    takes whole (an atomic rename; its stale ``-wal``/``-shm`` are removed first)."""
    import os

    db = src / BACKUP_DB if src.is_dir() else src
    if not db.is_file():
        raise InputError(f"restauration : {src} n'est pas une sauvegarde ECP (ni {BACKUP_DB} "
                         "ni fichier de base)")
    to = to.expanduser().absolute()
    if to.exists() and db.resolve() == to.resolve():
        raise InputError(f"restauration : {to} est la base de la sauvegarde elle-même",
                         field="to")
    if to.is_dir():
        raise InputError(f"restauration : {to} est un dossier, donner le chemin de la base",
                         field="to")
    if (to.exists() or to.is_symlink()) and not force:
        raise InputError(f"restauration : la base {to} existe déjà ; la remplacer doit être "
                         "demandé expressément", field="to", code="restore.exists")
    problem = _check_sqlite(db)
    if problem:
        raise InputError(f"restauration : {db} n'est pas une base ECP lisible ({problem})")
    archive_src = src / BACKUP_ARCHIVE if src.is_dir() else None
    archive = to.parent / BACKUP_ARCHIVE
    files: list[tuple[Path, Path]] = []
    if archive_src is not None and archive_src.is_dir():
        for f in sorted(archive_src.rglob("*")):
            rel = f.relative_to(archive_src)
            if f.is_symlink() or not f.is_file() or rel.parts[0].startswith("."):
                continue
            out = archive / rel
            if out.is_symlink() or out.is_dir():
                raise InputError(f"restauration : {out} n'est pas un fichier ordinaire",
                                 field="to")
            if out.exists() and out.read_bytes() != f.read_bytes() and not force:
                raise InputError(f"restauration : {out} existe déjà avec un autre contenu ; "
                                 "le remplacer doit être demandé expressément", field="to",
                                 code="restore.exists")
            files.append((f, out))
    private_dir(to.parent)
    for f, out in files:  # the archive first: when the database appears, its PDFs are there
        data = f.read_bytes()
        if not (out.exists() and out.read_bytes() == data):
            replace_private(out, data)
    tmp = to.with_name(f".{to.name}.restauration-{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        backup_sqlite(db, tmp)
        problem = _check_sqlite(tmp)
        if problem:
            raise EcpError(f"restauration : la copie de {db} est illisible ({problem})")
        for suffix in ("-wal", "-shm", "-journal"):  # the old base's, never the new one's
            to.with_name(to.name + suffix).unlink(missing_ok=True)
        os.replace(tmp, to)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return RestoreResult(to, archive, len(files))


def _check_sqlite(db: Path) -> str:
    """Why the file at ``db`` is not readable ECP books ("" when it is)."""
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            ok = con.execute("PRAGMA quick_check").fetchone()[0]
            if ok != "ok":
                return str(ok)
            if con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                           "AND name IN ('entries', 'alembic_version')").fetchone()[0] != 2:
                return "pas de livres ECP"
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return ""
