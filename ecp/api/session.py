"""Opening the books: the engine, the clock and the acting user, migrations, backups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


def backup(books: Books, dest: Path) -> Path:
    """A consistent copy of the books, even while another process writes."""
    path = books.path
    if path is None:
        raise EcpError("sauvegarde : seule une base SQLite se copie ainsi (PostgreSQL : pg_dump)")
    if dest.exists():
        raise InputError(f"sauvegarde : {dest} existe déjà, choisir un autre nom")
    backup_sqlite(path, dest)
    return dest
