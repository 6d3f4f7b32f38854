"""Opening the books: the engine, the clock and the acting user, migrations, backups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecp.config import current_user, resolve_db_url
from ecp.db.engine import make_engine, reading, sqlite_path, unit_of_work
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
    read (``ecp report trial-balance``) never import SQLAlchemy (see ``_read_light``)."""

    def __init__(self, engine: Engine | None, url: str, backup: str | None = None,
                 user: str | None = None, clock: Callable[[], dt.date] = _system_today,
                 now_clock: Callable[[], dt.datetime] = _system_now,
                 archive: Path | None = None) -> None:
        self._engine = engine
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
            self._engine = make_engine(self.url)
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


def open_books(db: str | None = None, create: bool = False) -> Books:
    """Open (and migrate) the books. Without ``create``, a missing SQLite file is an error.

    SQLite books already at head are opened without an engine (one look at
    ``alembic_version`` through ``sqlite3``): the engine, and SQLAlchemy, come on first use."""
    url = resolve_db_url(db)
    path = sqlite_path(url)
    if path is not None and not path.exists() and not create:
        raise InputError(f"base {path} absente : lancer « ecp init » (ou « ecp init --demo »)")
    if path is not None and at_head(path):
        return Books(None, url)
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
def _write(books: Books) -> Iterator[Connection]:
    with unit_of_work(books.engine) as s:
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
        with sqlite_snapshot(path) as conn:
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
