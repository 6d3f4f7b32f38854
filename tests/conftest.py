"""Shared fixtures: a fresh, initialised set of books per test, cheaply.

The schema migration and the seeding run once per session into a template file; each test
gets its own copy (SQLite's online backup), so tests stay independent and fast.

Every test runs with ``decimal.FloatOperation`` trapped: a float that leaks into a Decimal
(money must never go through a float) raises instead of silently rounding.
"""

from __future__ import annotations

import datetime as dt
import decimal
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ecp import api
from ecp.db.migrate import backup_sqlite
from ecp.ledger.entry import LineSpec, PostedEntry

if TYPE_CHECKING:
    from tests.fixture_types import CountOf, MakeLines, RowsOf, SaleOf

MEMBERS = ("FZ", "KH", "YS")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (it runs before conftests)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``make test`` runs ``-n N --dist loadgroup``), keep the tests of a
    module that uses a module-scoped fixture on one worker: that fixture (books typed through
    the CLI, a costly ledger) is then built once, not once per worker that gets a test of the
    module. A test that already names its group (``tests/pg``: one shared database) keeps it."""
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        info = getattr(item, "_fixtureinfo", None)
        defs = info.name2fixturedefs.values() if info is not None else ()
        if any(d[-1].scope == "module" for d in defs if d):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


@pytest.fixture(autouse=True)
def _trap_float_operation() -> Iterator[None]:
    ctx = decimal.getcontext()
    saved = ctx.traps[decimal.FloatOperation]
    ctx.traps[decimal.FloatOperation] = True
    try:
        yield
    finally:
        ctx.traps[decimal.FloatOperation] = saved


@pytest.fixture(autouse=True)
def _fixed_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECP_USER", "testeur")
    monkeypatch.delenv("ECP_DB", raising=False)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded database with three members and a client sub-account."""
    path = tmp_path_factory.mktemp("template") / "modele.sqlite3"
    books = api.open_books(str(path), create=True)
    api.init(books, "ECP Tanger")
    api.add_member(books, "FZ", "Fatima Zahra", name_ar="فاطمة الزهراء", activity="couture",
                   joined=dt.date(2025, 1, 1))
    api.add_member(books, "KH", "Khadija", activity="cuisine", joined=dt.date(2025, 1, 1))
    api.add_member(books, "YS", "Youssef", activity="artisanat", joined=dt.date(2025, 1, 1))
    api.add_account(books, "342111", "Client Hôtel Tanja")
    # FZ is paid as a salarié of the ECP (payslip, CNSS) — a payout needs a route (issue 14)
    api.set_route(books, "FZ", "salarie", dt.date(2025, 1, 1), cnss="100200300")
    books.engine.dispose()
    return path


def copy_db(template: Path, dest: Path) -> Path:
    backup_sqlite(template, dest)
    return dest


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    """Path of a fresh copy of the template books."""
    return copy_db(template_db, tmp_path / "ecp.sqlite3")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo ECP as ``api.init`` then ``load_demo`` leave it (database and archived PDFs),
    built once per session (per xdist worker); tests get copies through ``demo_path``."""
    from ecp.demo import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with pytest.MonkeyPatch.context() as mp:  # the same user as every test (_fixed_user)
        mp.setenv("ECP_USER", "testeur")
        mp.delenv("ECP_DB", raising=False)
        books = api.open_books(str(path), create=True)
        try:
            api.init(books)
            load_demo(books)
        finally:
            books.engine.dispose()
    return path


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo books: ``tmp_path/demo.db`` and its ``tmp_path/archives``."""
    shutil.copytree(demo_template.parent / "archives", tmp_path / "archives")
    return copy_db(demo_template, tmp_path / "demo.db")


@pytest.fixture
def books(db_path: Path) -> Iterator[api.Books]:
    b = api.open_books(str(db_path))
    try:
        yield b
    finally:
        b.engine.dispose()


def make_lines(*specs: tuple[str, str, int]) -> list[LineSpec]:
    return [LineSpec(a, d, amt) for a, d, amt in specs]


def sale(books: api.Books, day: dt.date, cents: int, member: str = "FZ",
         journal: str = "VT", label: str = "Vente") -> PostedEntry:
    """A member's sale: client debit, sales credit, same dimension."""
    return api.post_entry(books, journal, day, label,
                          make_lines(("342111", member, cents), ("7111", member, -cents)))


def count_rows(path: Path, table: str) -> int:
    con = sqlite3.connect(str(path))
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


def snapshot(path: Path | None, tables: Sequence[str] = ("entries", "lines", "balances",
                                                         "period_events", "periods")
             ) -> dict[str, list[Any]]:
    """Every row of the writable tables, to compare before and after a refused operation
    (``path``: ``books.path``, which is None only for books that are not on SQLite)."""
    assert path is not None, "books on SQLite only"
    con = sqlite3.connect(str(path))
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3").fetchall() for t in tables}
    finally:
        con.close()


# The helpers above, as fixtures (test modules do not import conftest).
@pytest.fixture
def sale_of() -> SaleOf:
    return sale


@pytest.fixture
def rows_of() -> RowsOf:
    return snapshot


@pytest.fixture
def count_of() -> CountOf:
    return count_rows


@pytest.fixture
def L() -> MakeLines:  # short: reads like the line list it builds
    return make_lines


# --- sales: the ECP's identity and a few parties, shared by the sales tests ------------------
COMPANY = {
    "company.name": "ECP Tanger Coop", "company.legal_form": "SARL",
    "company.capital": "100 000 DH", "company.address": "12 rue de Fès",
    "company.city": "Tanger", "company.if": "12345678", "company.tp": "50123456",
    "company.ice": "002345678000031", "company.rc": "98765", "company.court": "Tanger",
    "company.cnss": "1234567", "company.bank": "Banque Populaire",
    "company.rib": "190 640 0000000000000000 12",
}
ICE_OK = "001561191000066"  # passes stdnum.ma.ice's check


@pytest.fixture
def company() -> dict[str, str]:
    return dict(COMPANY)


@pytest.fixture
def sales(books: api.Books) -> api.Books:
    """Books ready to invoice: the whole identity, a business customer (HOTEL), a consumer
    with an Arabic name (AMINA), a supplier (TISSUS)."""
    for k, v in COMPANY.items():
        api.settings_set(books, k, v)
    api.add_customer(books, "HOTEL", "Hôtel Tanja", ice=ICE_OK, address="Av. Mohammed V",
                     city="Tanger")
    api.add_customer(books, "AMINA", "Amina Alaoui", name_ar="أمينة العلوي", consumer=True)
    api.add_supplier(books, "TISSUS", "Tissus du Nord", if_number="40100001",
                     ice="001234567000062")
    return books
