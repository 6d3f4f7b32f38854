"""A network of ECPs (issue 18): several ECPs' books, each opened READ-ONLY (a SQLite file, or
a database on a shared PostgreSQL server), their own indicators (``impact_report``) side by
side and added up (``ecp.reports.network``). Nothing is ever written to any of them: SQLite
files are opened ``mode=ro``, PostgreSQL sessions with ``default_transaction_read_only``, and
books not at the current schema are refused rather than migrated.

A database that cannot be opened or read is named (« ECP 2 (url) : … ») and stops the report,
unless ``partial``: the report then goes on with the others and says which one is missing."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ecp.api.outputs import check_output
from ecp.api.session import Books, open_books
from ecp.config import resolve_db_url
from ecp.kernel.errors import EcpError, InputError
from ecp.reports.impact import Impact
from ecp.reports.network import Network, Source, build

__all__ = ["Network", "NetworkBooks", "network_check_output", "network_report", "open_network"]


@dataclass
class NetworkMember:
    n: int  # place in the list, from 1
    url: str
    where: str  # the URL as shown: a SQLite file's path, a server's URL without its password
    books: Books | None = None
    error: str | None = None


@dataclass
class NetworkBooks:
    members: list[NetworkMember] = field(default_factory=list)
    partial: bool = False

    @property
    def opened(self) -> list[Books]:
        return [m.books for m in self.members if m.books is not None]


def shown_url(url: str) -> str:
    """Where books live, as a user may read it: a SQLite file's path, a server URL without its
    password."""
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///"):]
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unreadable URL: shown from its host on, never its password
        return url.split("@", 1)[-1]


def _reason(exc: BaseException) -> str:
    """One line saying why books could not be opened or read."""
    if isinstance(exc, EcpError):
        return exc.message or str(exc)
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    line = (text[0] if text else type(orig).__name__).strip()
    from sqlalchemy.exc import OperationalError

    return f"connexion impossible ({line})" if isinstance(exc, OperationalError) else line


def _failures() -> tuple[type[BaseException], ...]:
    from sqlalchemy.exc import SQLAlchemyError

    return (EcpError, SQLAlchemyError, sqlite3.Error, OSError)


def _failed(net: NetworkBooks, m: NetworkMember, exc: BaseException) -> None:
    m.error = _reason(exc)
    if m.books is not None and m.books.has_engine:
        m.books.engine.dispose()
    m.books = None
    if not net.partial:
        raise InputError(f"ECP {m.n} ({m.where}) : {m.error} ; rien n'a été écrit (--partial : "
                         "continuer sans elle)", field="dbs", code="network.unreadable") from None


SQLITE_MAGIC = b"SQLite format 3\x00"


def _probe(url: str) -> None:
    """Say plainly what is wrong before ``open_books`` tries: a file that is no SQLite database
    (damaged, or another program's), a server that does not answer, a database that holds no
    ECP books. The probe itself only reads."""
    from ecp.db.engine import make_engine, sqlite_path

    path = sqlite_path(url)
    if path is not None:
        if path.is_file():
            with path.open("rb") as f:
                if f.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                    raise InputError(f"{path} n'est pas une base SQLite (fichier endommagé, ou "
                                     "d'un autre programme)", code="network.not_books")
        return
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import exc, text

    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            try:
                conn.execute(text("SELECT version_num FROM alembic_version")).all()
            except exc.DBAPIError:
                raise InputError("aucune comptabilité ECP dans cette base (ni schéma ni "
                                 "révision : « ecp init » n'y a jamais été lancé)",
                                 code="network.not_books") from None
    finally:
        engine.dispose()


@contextmanager
def open_network(urls: Sequence[str], *, partial: bool = False) -> Iterator[NetworkBooks]:
    """Each ECP's books, opened read-only (paths or SQLAlchemy URLs, as ``--db`` takes them);
    closed on the way out. Without ``partial``, the first that fails raises ``InputError``
    naming it."""
    if not urls:
        raise InputError("donner au moins une base (--db)", field="dbs")
    net = NetworkBooks(partial=partial)
    try:
        for n, raw in enumerate(urls, start=1):
            url = resolve_db_url(raw)
            m = NetworkMember(n, url, shown_url(url))
            net.members.append(m)
            try:
                _probe(url)
                m.books = open_books(url, read_only=True)
            except _failures() as exc:
                _failed(net, m, exc)
        yield net
    finally:
        for b in net.opened:
            if b.has_engine:
                b.engine.dispose()


def network_check_output(net: NetworkBooks, out: Path, *, force: bool = False) -> Path:
    """``out`` checked against every ECP's books (never one of them, their ``-wal``/``-shm``,
    their archive), an existing file only with ``force``."""
    for b in net.opened:
        check_output(b, out, force=force, make_parent=True)
    return out


def _label(m: NetworkMember, name: str | None) -> str:
    name = (name or "").strip()
    if name:
        return name
    if m.books is not None and m.books.path is not None:
        return m.books.path.name
    from sqlalchemy.engine import make_url

    return make_url(m.url).database or m.where


def network_report(net: NetworkBooks, start: dt.date | None = None,
                   end: dt.date | None = None) -> Network:
    """Each ECP's ``impact_report`` of [start, end] and their sum. ``end`` defaults to today,
    ``start`` to the first of January of ``end``'s year. A column is named by the ECP's
    ``company.name``, else its file or database name (« (ECP n) » added when two are alike)."""
    from ecp.api.impact import impact_report
    from ecp.api.settings import get_setting

    if end is None:
        end = net.opened[0].today() if net.opened else dt.date.today()  # noqa: DTZ011
    if start is None:
        start = dt.date(end.year, 1, 1)
    if start > end:
        raise InputError(f"la fin de la période ({end.strftime('%d/%m/%Y')}) précède son "
                         f"début ({start.strftime('%d/%m/%Y')})", field="date_to",
                         code="period.order")
    read: list[tuple[NetworkMember, str, Impact]] = []
    for m in net.members:
        if m.books is None:
            continue
        try:
            name = _label(m, get_setting(m.books, "company.name"))
            read.append((m, name, impact_report(m.books, start, end)))
        except _failures() as exc:
            _failed(net, m, exc)
    names = [name for _m, name, _i in read]
    labels = {m.n: (f"{name} (ECP {m.n})" if names.count(name) > 1 else name)
              for m, name, _i in read}
    sources: list[Source] = []
    for m in net.members:
        hit = next((r for r in read if r[0] is m), None)
        if hit is not None:
            sources.append(Source(m.n, m.where, labels[m.n], hit[2]))
        else:
            sources.append(Source(m.n, m.where, f"ECP {m.n}", None, m.error or "illisible"))
    return build(start, end, sources)
