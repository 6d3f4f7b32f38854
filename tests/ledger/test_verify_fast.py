"""The fast path of ``verify`` on SQLite files: on healthy books it must agree with the exact
walk (counts, head, recorded heads), in one process and split over worker processes; on any
tampering it must give up (return None) so that the exact walk names what is wrong. A fast
path that said "all good" where the exact walk finds something would be a hole in the audit."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ecp import api
from ecp.ledger import integrity
from ecp.ledger.chain import GENESIS, digest
from ecp.ledger.entry import LineSpec

D = dt.date
TRIGGERS = [f"{t}_no_{e}" for t in ("entries", "lines") for e in ("update", "delete")]


@pytest.fixture(params=["serial", "parallel"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    # Parallel: even a handful of entries is split over two worker processes.
    monkeypatch.setattr(integrity, "PARALLEL_MIN_ENTRIES",
                        1 if request.param == "parallel" else 10**9)
    return str(request.param)


@pytest.fixture
def six(books: api.Books) -> api.Books:
    """Six entries: sales of two members, a payment with VAT, a contribution through the
    liaison account (two dimensions in one entry), and a sale with a third party and due date."""
    api.add_member(books, "AB", "Amina Bennani")
    L = LineSpec
    api.post_entry(books, "VT", D(2026, 1, 5), "Vente 1",
                   [L("342111", "FZ", 120000), L("7111", "FZ", -100000),
                    L("44551", "FZ", -20000)])
    api.post_entry(books, "VT", D(2026, 1, 6), "Vente 2",
                   [L("342111", "AB", 50000), L("71243", "AB", -50000)])
    api.post_entry(books, "BQ", D(2026, 1, 20), "Encaissement",
                   [L("5141", "FZ", 120000), L("342111", "FZ", -120000),
                    L("44551", "FZ", 20000), L("4455", "FZ", -20000)])
    api.post_entry(books, "OD", D(2026, 1, 31), "Contribution",
                   [L("61365", "FZ", 10000), L("44881", "FZ", -10000),
                    L("44881", "ECP", 10000), L("71243", "ECP", -10000)])
    api.post_entry(books, "VT", D(2026, 2, 2), "Vente 3",
                   [L("342111", "AB", 30000, "Client Idrissi", D(2026, 4, 3)),
                    L("71243", "AB", -30000)])
    api.post_entry(books, "VT", D(2026, 2, 3), "Vente 4",
                   [L("342111", "FZ", 8000), L("7111", "FZ", -8000)])
    return books


def _fast(books: api.Books, wanted: set[int] | None = None) -> dict[int, str] | None:
    with books.engine.connect() as conn:
        return integrity._fast(conn, integrity.Report(), wanted or set())


def _exact(books: api.Books) -> integrity.Report:
    rep = integrity.Report()
    with books.engine.connect() as conn:
        integrity._chain(conn, rep)
    return rep


def test_healthy_books_fast_equals_exact(six: api.Books, mode: str) -> None:
    exact = _exact(six)
    assert not exact.findings
    rep = integrity.Report()
    with six.engine.connect() as conn:
        keep = integrity._fast(conn, rep, {2, 4})
    assert keep is not None, "the fast path gave up on healthy books"
    assert (rep.entries, rep.lines, rep.head) == (exact.entries, exact.lines, exact.head)
    assert rep.lines == 17
    with sqlite3.connect(str(six.path)) as con:
        stored = dict(con.execute("SELECT id, hash FROM entries"))
    assert keep == {2: stored[2], 4: stored[4], 6: stored[6]}


def test_verify_takes_the_fast_path_on_healthy_books(six: api.Books, mode: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_a: object) -> None:
        raise AssertionError("exact walk used")
    monkeypatch.setattr(integrity, "_chain", boom)
    monkeypatch.setattr(integrity, "_balances", boom)
    rep = api.verify(six)
    assert rep.ok and rep.entries == 6 and rep.lines == 17


def _raw(path: Path) -> Iterator[sqlite3.Connection]:
    con = sqlite3.connect(str(path))
    for t in TRIGGERS:
        con.execute(f"DROP TRIGGER IF EXISTS {t}")
    return iter([con])


def _rechain(con: sqlite3.Connection) -> None:
    """A forger with the source code: every hash recomputed, so only structure can tell."""
    prev = GENESIS
    for e in con.execute("SELECT id, journal, fiscal_year, number, day, label, reference, "
                         "posted_by, posted_at, reverses FROM entries ORDER BY id").fetchall():
        lines = con.execute("SELECT line_no, account, dimension, amount, third_party, due_day "
                            "FROM lines WHERE entry_id = ? ORDER BY line_no, id",
                            (e[0],)).fetchall()
        h = digest(prev, tuple(e), [tuple(x) for x in lines])
        con.execute("UPDATE entries SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h, e[0]))
        prev = h


def _rebuild_balances(con: sqlite3.Connection) -> None:
    con.execute("DELETE FROM balances")
    for dim in ("dimension", "'*'"):
        con.execute(
            f"INSERT INTO balances (dimension, account, month, debit, credit) "
            f"SELECT {dim}, account, day / 100, "
            "sum(CASE WHEN amount > 0 THEN amount ELSE 0 END), "
            "sum(CASE WHEN amount < 0 THEN -amount ELSE 0 END) "
            f"FROM lines GROUP BY {dim}, account, day / 100")


def _forged(*sql: str) -> Callable[[sqlite3.Connection], None]:
    def run(con: sqlite3.Connection) -> None:
        for q in sql:
            con.execute(q)
        _rebuild_balances(con)
        _rechain(con)
    return run


def _plain(*sql: str) -> Callable[[sqlite3.Connection], None]:
    def run(con: sqlite3.Connection) -> None:
        for q in sql:
            con.execute(q)
    return run


TAMPERING = {
    # what the hash catches
    "amount edited": _plain("UPDATE lines SET amount = amount + 1 WHERE entry_id = 5 "
                            "AND line_no = 1"),
    "label edited": _plain("UPDATE entries SET label = 'x' WHERE id = 2"),
    "third party edited": _plain("UPDATE lines SET third_party = 'Autre' WHERE entry_id = 5 "
                                 "AND line_no = 1"),
    "middle entry deleted": _plain("DELETE FROM lines WHERE entry_id = 3",
                                   "DELETE FROM entries WHERE id = 3"),
    "line deleted": _plain("DELETE FROM lines WHERE entry_id = 4 AND line_no = 4"),
    "prev hash edited": _plain("UPDATE entries SET prev_hash = hash WHERE id = 4"),
    "lines of two entries swapped": _plain(
        "UPDATE lines SET entry_id = 7 WHERE entry_id = 2",
        "UPDATE lines SET entry_id = 2 WHERE entry_id = 6",
        "UPDATE lines SET entry_id = 6 WHERE entry_id = 7"),
    # what only the structural checks catch, the chain being recomputed
    "unbalanced entry, chain forged": _forged(
        "UPDATE lines SET amount = amount + 5 WHERE entry_id = 2 AND line_no = 1"),
    "one dimension unbalanced, chain forged": _forged(
        "UPDATE lines SET dimension = 'AB' WHERE entry_id = 4 AND line_no = 2"),
    "line date moved, chain forged": _forged(
        "UPDATE lines SET day = 20260107 WHERE entry_id = 2 AND line_no = 2"),
    "line numbers duplicated, chain forged": _forged(
        "UPDATE lines SET line_no = 1 WHERE entry_id = 1 AND line_no = 2"),
    "one-line entry, chain forged": _forged(
        "DELETE FROM lines WHERE entry_id = 6 AND line_no = 2",
        "UPDATE lines SET amount = 0 WHERE entry_id = 6"),
    "fiscal year edited, chain forged": _forged("UPDATE entries SET fiscal_year = 2025 "
                                                "WHERE id = 6"),
    "line without an entry": _plain(
        "INSERT INTO lines (id, entry_id, line_no, day, account, dimension, amount) "
        "VALUES (100, 99, 1, 20260203, '5141', 'FZ', 0)"),
    # the monthly balances
    "stored balance edited": _plain("UPDATE balances SET debit = debit + 1 "
                                    "WHERE dimension = 'AB' AND account = '342111'"),
    "all-dimensions balance edited": _plain("UPDATE balances SET credit = credit + 1 "
                                            "WHERE dimension = '*' AND account = '7111'"),
    "balance row deleted": _plain("DELETE FROM balances WHERE dimension = 'FZ' "
                                  "AND account = '5141'"),
    "balance row added": _plain("INSERT INTO balances VALUES ('AB', '5141', 202603, 1, 0)"),
}


@pytest.mark.parametrize("what", sorted(TAMPERING))
def test_any_tampering_makes_the_fast_path_give_up(six: api.Books, mode: str,
                                                   what: str) -> None:
    assert six.path is not None
    assert _fast(six) is not None
    con = next(_raw(six.path))
    try:
        TAMPERING[what](con)
        con.commit()
    finally:
        con.close()
    assert _fast(six) is None, f"{what}: the fast path still says all good"
    rep = api.verify(six)
    assert not rep.ok, f"{what}: verify found nothing"
