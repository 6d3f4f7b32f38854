"""Bounded text on the remaining paths (issue 12, failure 5: « on PostgreSQL a label over 300
characters or a NUL byte crashes while SQLite accepts them »): account names, materials,
resources, bills of materials, production orders, bank rules and bank profiles. Each refuses
an over-long text and a control character with a clear ``InputError`` on its field (CLI: exit
2, one line), nothing written — on SQLite and, when ``ECP_TEST_PG_URL`` is set, on
PostgreSQL (where, before, the same inputs were database errors with a traceback)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from ecp import api, cli
from ecp.kernel.errors import InputError
from ecp.kernel.units import Quantity, Rate
from ecp.ledger.bank import Profile
from tests.pgbooks import fresh_pg_books

D = dt.date(2026, 1, 5)
TABLES = ("accounts", "materials", "resources", "bom_lines", "product_work",
          "production_orders", "stock_moves", "bank_rules", "bank_profiles", "bank_lines",
          "entries", "audit_events")

Case = tuple[str, Callable[[api.Books], object]]


def counts(books: api.Books) -> dict[str, int]:
    with books.engine.connect() as c:
        return {t: int(c.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
                for t in TABLES}


def setup(books: api.Books, member: str) -> None:
    """A product with a material and a resource, on ``member``'s books."""
    api.add_product(books, "P1", member, "Caftan", "pièce", 100_000, Rate(2000))
    api.add_material(books, "FARINE", member, "Farine", "kg", 1_000)
    api.add_resource(books, "FOUR", "Four", Quantity(10_000))


def cases(member: str, statement: Path) -> list[Case]:
    """(expected field, a façade call that must be refused): one over-long text and one
    control character (NUL: PostgreSQL's crash; U+001F: the chain's separator) per path."""
    one = Quantity(1000)
    bom = api.BomItem
    return [
        ("name", lambda b: api.add_account(b, "61198", "n" * 201)),
        ("name", lambda b: api.add_account(b, "61198", "Essai\x00")),
        ("name", lambda b: api.add_material(b, "SUCRE", member, "s" * 201, "kg")),
        ("name", lambda b: api.add_material(b, "SUCRE", member, "Su\x1fcre", "kg")),
        ("unit", lambda b: api.add_material(b, "SUCRE", member, "Sucre", "k" * 21)),
        ("unit", lambda b: api.add_material(b, "SUCRE", member, "Sucre", "k\x00g")),
        ("reason", lambda b: api.stock_adjust(b, "FARINE", one, D, "r" * 300)),
        ("reason", lambda b: api.stock_adjust(b, "FARINE", one, D, "casse\x00")),
        ("material", lambda b: api.stock_receive(b, "FAR\x00INE", one, D)),
        ("name", lambda b: api.add_resource(b, "MACHINE", "m" * 201, one)),
        ("name", lambda b: api.add_resource(b, "MACHINE", "Mach\x00ine", one)),
        ("product", lambda b: api.set_bom(b, "P\x001", [bom("FARINE", one)])),
        ("materials", lambda b: api.set_bom(b, "P1", [bom("FARINE\x00", one)])),
        ("materials", lambda b: api.set_bom(b, "P1", [bom("F" * 31, one)])),
        ("resources", lambda b: api.set_bom(b, "P1", [], resources=[bom("FO\x00UR", one)])),
        ("member", lambda b: api.set_capacity(b, member + "\x00", one)),
        ("product", lambda b: api.add_order(b, member, "P1\x00", one, D)),
        ("member", lambda b: api.add_order(b, "M" * 21, "P1", one, D)),
        ("customer", lambda b: api.add_order(b, member, "P1", one, D, customer="C\x00")),
        ("quote", lambda b: api.add_order(b, member, "P1", one, D, quote="D" * 31)),
        ("number", lambda b: api.start_order(b, "OF-2026\x00")),
        ("number", lambda b: api.cancel_order(b, "O" * 31)),
        ("pattern", lambda b: api.bank_rule_add(b, "p" * 101, "5141")),
        ("pattern", lambda b: api.bank_rule_add(b, "CNSS\x00", "5141")),
        ("label", lambda b: api.bank_rule_add(b, "CNSS", "4441", label="l" * 201)),
        ("label", lambda b: api.bank_rule_add(b, "CNSS", "4441", label="Coti\x1esation")),
        ("account", lambda b: api.bank_rule_add(b, "CNSS", "4441\x00")),
        ("dimension", lambda b: api.bank_rule_add(b, "CNSS", "4441", "E\x00CP")),
        ("name", lambda b: api.bank_profile_add(b, Profile("n" * 51, 1, 2, amount_col=3))),
        ("name", lambda b: api.bank_profile_add(b, Profile("cih\x00", 1, 2, amount_col=3))),
        ("date_format", lambda b: api.bank_profile_add(
            b, Profile("cih", 1, 2, amount_col=3, date_format="%d/%m/%Y\x00"))),
        ("account", lambda b: api.bank_import(b, statement, account="5141\x00")),
        ("profile", lambda b: api.bank_import(b, statement, profile="cih\x00")),
    ]


def check_all(books: api.Books, member: str, tmp_path: Path) -> None:
    setup(books, member)
    statement = tmp_path / "releve.csv"
    statement.write_text("Date;Libellé;Montant\n05/01/2026;Virement;100,00\n", encoding="cp1252")
    before = counts(books)
    for field, call in cases(member, statement):
        with pytest.raises(InputError) as info:
            call(books)
        exc = info.value
        assert exc.field == field, (field, exc.field, exc.message)
        assert ("au plus" in exc.message or "caractère de contrôle interdit" in exc.message), \
            exc.message
        assert "\n" not in exc.message and len(exc.message) < 200, exc.message
    assert counts(books) == before


def test_item5_remaining_paths_refuse_long_text_and_control_characters(
        books: api.Books, tmp_path: Path) -> None:
    """Failure 5 on SQLite: these texts were stored as given (longer than their column, with a
    NUL), so the same books could not be moved to PostgreSQL; now refused on their field."""
    check_all(books, "FZ", tmp_path)


@pytest.fixture
def pg_books(tmp_path: Path) -> Iterator[api.Books]:
    b = fresh_pg_books(tmp_path / "archives")
    api.add_member(b, "M001", "Fatima Zahra", joined=dt.date(2026, 1, 1))
    yield b
    b.engine.dispose()


@pytest.mark.xdist_group("postgresql")
def test_item5_remaining_paths_on_postgresql(pg_books: api.Books, tmp_path: Path) -> None:
    """Failure 5 on PostgreSQL: an over-long name or a NUL on these paths was a database
    error (StringDataRightTruncation, « cannot contain NUL »), a traceback; now the same
    clear refusal as on SQLite, nothing written."""
    check_all(pg_books, "M001", tmp_path)


# --- the command line: exit 2, one line, nothing written ----------------------------------------

def run(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    try:
        code = cli.main(["--db", str(db), *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def test_item5_remaining_paths_by_the_command_line(books: api.Books, db_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Failure 5 by the CLI (arguments may carry control characters, not NUL): each refusal is
    one « ecp : » line naming the option, exit 2, nothing written."""
    setup(books, "FZ")
    before = counts(books)
    for flag, args in (
            ("", ("account", "add", "61198", "n" * 201)),
            ("--name", ("material", "add", "SUCRE", "--member", "FZ", "--name", "Su\x1fcre",
                        "--unit", "kg")),
            ("--unit", ("material", "add", "SUCRE", "--member", "FZ", "--name", "Sucre",
                        "--unit", "k" * 21)),
            ("--reason", ("stock", "adjust", "--material", "FARINE", "--qty", "1", "--date",
                          "2026-01-05", "--reason", "r" * 300)),
            ("--name", ("resource", "add", "MACHINE", "--name", "m" * 201,
                        "--hours-per-week", "10")),
            ("--material", ("product", "bom", "P1", "--material", "FARI\x01NE:1")),
            ("--customer", ("production", "order", "add", "--member", "FZ", "--product", "P1",
                            "--qty", "1", "--due", "2026-02-01", "--customer", "C\x02")),
            ("", ("bank", "rule", "add", "p" * 101, "--account", "5141")),
            ("--label", ("bank", "rule", "add", "CNSS", "--account", "4441",
                         "--label", "li\x1ebellé")),
            ("", ("bank", "profile", "add", "n" * 51, "--date-col", "1", "--label-col", "2",
                  "--amount-col", "3")),
            ("--date-format", ("bank", "profile", "add", "cih", "--date-col", "1",
                               "--label-col", "2", "--amount-col", "3",
                               "--date-format", "%d\x07%m"))):
        code, err = run(db_path, capsys, *args)
        assert code == 2, (args, err)
        assert err.startswith("ecp : ") and len(err.strip().splitlines()) == 1, err
        assert "au plus" in err or "caractère de contrôle interdit" in err, err
        assert flag in err, (flag, err)
    assert counts(books) == before
