"""The year-end inventory on a worked example, computed by hand.

FZ (couturière, production data), at standard cost: TISSU 80,00 DH/m, FIL 5,00 DH/bobine,
BOUTON 2,50 DH/pièce. Received on 2026-03-02: 20 m of TISSU bought at 70,00 DH/m (the
receipt posts 20 × 70,00 = 1 400,00 to 3121), 10 FIL and 30 BOUTON at standard (50,00 and
75,00 posted). At 2026-12-31 the stock, valued like ``ecp report stock`` (standard cost):
20 × 80,00 + 10 × 5,00 + 30 × 2,50 = 1 600,00 + 50,00 + 75,00 = 1 725,00 DH; on the books
3121 FZ = 1 400,00 + 50,00 + 75,00 = 1 525,00; variation = 1 725,00 − 1 525,00 = 200,00:
3121 FZ D 200,00 / 61241 FZ C 200,00. No finished goods: nothing on 3151.

KH (cuisine, no production data) counts by hand: materials 1 500,00, finished goods 800,00;
nothing on the books: one entry 3121 KH D 1 500,00 / 61241 KH C 1 500,00 and 3151 KH
D 800,00 / 71321 KH C 800,00. YS has no stock: no step, no line.

Second run: every stock equals its account: nothing posted, nothing recorded. Then KH
recounts materials at 1 200,00: 1 200,00 − 1 500,00 = −300,00: 3121 KH C 300,00 /
61241 KH D 300,00; products unchanged, no line.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from ecp import api
from ecp.kernel.errors import InputError, NotFoundError
from ecp.kernel.units import Quantity

D = dt.date
RECEIVED = D(2026, 3, 2)


def units(n: int) -> Quantity:
    return Quantity(n * 1000)


def inventory_lines(db: Path) -> list[tuple[int, str, str, int]]:
    """(entry id, account, dimension, amount) of the inventory entries, in order."""
    with sqlite3.connect(db) as c:
        return [tuple(r) for r in c.execute(
            "SELECT l.entry_id, l.account, l.dimension, l.amount FROM lines l "
            "JOIN entries e ON e.id = l.entry_id WHERE e.reference = 'INV-2026' "
            "ORDER BY l.entry_id, l.line_no")]


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as c:
        return int(c.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.fixture
def stocked(books: api.Books) -> api.Books:
    api.add_material(books, "TISSU", "FZ", "Tissu brocart", "m", 8000)
    api.add_material(books, "FIL", "FZ", "Fil de soie", "bobine", 500)
    api.add_material(books, "BOUTON", "FZ", "Bouton nacre", "pièce", 250)
    api.stock_receive(books, "TISSU", units(20), RECEIVED, cost=7000)
    api.stock_receive(books, "FIL", units(10), RECEIVED)
    api.stock_receive(books, "BOUTON", units(30), RECEIVED)
    api.inventory_set(books, 2026, "KH", "matieres", 150000, note="comptage du 31/12")
    api.inventory_set(books, 2026, "kh", "produits", 80000)
    return books


def test_run_posts_the_variation_then_nothing_then_the_difference(
        stocked: api.Books, db_path: Path) -> None:
    first = api.inventory_run(stocked, 2026)
    got = [(ln.dimension, ln.kind, ln.source, ln.value, ln.book, ln.posted) for ln in first]
    assert got == [
        ("FZ", "matieres", "production", 172500, 152500, 20000),
        ("KH", "matieres", "saisie", 150000, 0, 150000),
        ("KH", "produits", "saisie", 80000, 0, 80000),
    ]
    assert first[0].entry is not None and first[1].entry == first[2].entry != first[0].entry
    posted = inventory_lines(db_path)
    fz, kh = sorted({e for e, *_ in posted})
    assert [p[1:] for p in posted] == [
        ("3121", "FZ", 20000), ("61241", "FZ", -20000),
        ("3121", "KH", 150000), ("61241", "KH", -150000),
        ("3151", "KH", 80000), ("71321", "KH", -80000),
    ]
    assert [p[0] for p in posted] == [fz, fz, kh, kh, kh, kh]  # one entry per dimension
    with sqlite3.connect(db_path) as c:
        assert c.execute("SELECT day, journal FROM entries WHERE id = ?", (fz,)).fetchone() == (
            20261231, "OD")
    assert count(db_path, "inventory_runs") == 3

    # Run twice: nothing changed, nothing posted, nothing recorded.
    entries = count(db_path, "entries")
    second = api.inventory_run(stocked, 2026)
    assert [(ln.dimension, ln.kind, ln.value, ln.book, ln.posted, ln.entry) for ln in second] == [
        ("FZ", "matieres", 172500, 172500, 0, None),
        ("KH", "matieres", 150000, 150000, 0, None),
        ("KH", "produits", 80000, 80000, 0, None),
    ]
    assert count(db_path, "entries") == entries
    assert count(db_path, "inventory_runs") == 3

    # KH recounts: 1 200,00 − 1 500,00 = −300,00, only that.
    api.inventory_set(stocked, 2026, "KH", "matieres", 120000, note="recomptage")
    third = api.inventory_run(stocked, 2026)
    assert [(ln.dimension, ln.kind, ln.posted) for ln in third] == [
        ("FZ", "matieres", 0), ("KH", "matieres", -30000), ("KH", "produits", 0)]
    assert [p[1:] for p in inventory_lines(db_path)[6:]] == [
        ("3121", "KH", -30000), ("61241", "KH", 30000)]
    assert count(db_path, "entries") == entries + 1
    assert count(db_path, "inventory_runs") == 4


def test_preview_writes_nothing_and_a_date_is_taken(stocked: api.Books, db_path: Path) -> None:
    entries = count(db_path, "entries")
    lines = api.inventory_preview(stocked, 2026)
    assert [(ln.dimension, ln.kind, ln.posted) for ln in lines] == [
        ("FZ", "matieres", 20000), ("KH", "matieres", 150000), ("KH", "produits", 80000)]
    assert count(db_path, "entries") == entries
    api.inventory_run(stocked, 2026, D(2026, 12, 30))
    with sqlite3.connect(db_path) as c:
        assert {d for (d,) in c.execute(
            "SELECT day FROM entries WHERE reference = 'INV-2026'")} == {20261230}


@pytest.mark.parametrize(("call", "field"), [
    (lambda b: api.inventory_set(b, 2026, "ZZ", "matieres", 100), "member"),
    (lambda b: api.inventory_set(b, 2026, "KH", "marchandises", 100), "kind"),
    (lambda b: api.inventory_set(b, 2026, "KH", "matieres", -1), "value"),
    (lambda b: api.inventory_set(b, 26, "KH", "matieres", 100), "year"),
    (lambda b: api.inventory_set(b, 2026, "KH", "produits", 100, note="x" * 301), "note"),
    (lambda b: api.inventory_run(b, 2026, D(2027, 1, 1)), "day"),
    (lambda b: api.inventory_run(b, 99999), "year"),
])
def test_errors_name_their_field_and_write_nothing(books: api.Books, db_path: Path,
                                                   call: object, field: str) -> None:
    before = (count(db_path, "inventory_values"), count(db_path, "entries"))
    with pytest.raises((InputError, NotFoundError)) as exc:
        call(books)  # type: ignore[operator]
    assert exc.value.field == field
    assert (count(db_path, "inventory_values"), count(db_path, "entries")) == before


def test_cli_set_and_run(books: api.Books, db_path: Path,
                         capsys: pytest.CaptureFixture[str]) -> None:
    from ecp.cli import main
    db = str(db_path)
    assert main(["--db", db, "inventory", "set", "2026", "--member", "KH", "--kind",
                 "matieres", "--value", "1 500,00", "--note", "comptage"]) == 0
    assert "1 500,00 DH" in capsys.readouterr().out
    assert main(["--db", db, "inventory", "run", "2026", "--date", "2026-12-31"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["dimension", "nature", "source", "stock", "comptabilise",
                              "variation", "ecriture"]
    assert out[-1].split()[:9] == ["KH", "matieres", "saisie", "1", "500,00", "0,00", "1",
                                   "500,00", "OD-2026-000001"]
    assert main(["--db", db, "inventory", "run", "2026"]) == 0
    assert "aucune écriture" in capsys.readouterr().out
    assert main(["--db", db, "inventory", "set", "26", "--member", "KH", "--kind",
                 "matieres", "--value", "1"]) == 2
    assert "AAAA" in capsys.readouterr().err
