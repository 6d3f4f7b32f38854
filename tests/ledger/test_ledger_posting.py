"""Posting rules, numbering without gaps (even when a posting fails half-way), month locks,
reopening and the chain head recorded at each close."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.engine.interfaces import DBAPICursor, ExecutionContext

from ecp import api, cli
from ecp.kernel.chain import ChainHead
from ecp.kernel.errors import InputError, NotFoundError, PeriodLockedError, ValidationError
from ecp.kernel.periods import Month
from ecp.ledger.chain import GENESIS
from ecp.ledger.entry import LineSpec
from tests.fixture_types import MakeLines, RowsOf, SaleOf

D = dt.date


def _numbers(path: Path | None) -> list[tuple[str, int, int, int]]:
    assert path is not None  # books on SQLite
    con = sqlite3.connect(str(path))
    try:
        return con.execute(
            "SELECT journal, fiscal_year, number, id FROM entries ORDER BY id").fetchall()
    finally:
        con.close()


# --- validation ------------------------------------------------------------------------------

@pytest.mark.parametrize(("lines", "message"), [
    ([("342111", "FZ", 1000), ("7111", "FZ", -999)],
     "écriture déséquilibrée : débit - crédit = 0,01 DH"),
    ([("342111", "FZ", 1000), ("7111", "KH", -1000)],
     "écriture déséquilibrée pour la dimension FZ : 10,00 DH"),
    ([("342111", "FZ", 1000), ("7199", "FZ", -1000)],
     "ligne 2 : compte « 7199 » inconnu du plan comptable"),
    ([("342111", "ZZ", 1000), ("7111", "ZZ", -1000)],
     "ligne 1 : dimension « ZZ » inconnue"),
    ([("342111", "FZ", 0), ("7111", "FZ", 0)], "ligne 1 : montant nul"),
    ([("342111", "FZ", 1000)], "au moins deux lignes"),
])
def test_invalid_entries_are_refused_and_nothing_is_written(
        books: api.Books, rows_of: RowsOf, L: MakeLines, lines: list[tuple[str, str, int]],
        message: str) -> None:
    before = rows_of(books.path)
    with pytest.raises(ValidationError) as exc:
        api.post_entry(books, "VT", D(2026, 1, 5), "Vente", L(*lines))
    assert any(message in p for p in exc.value.problems), exc.value.problems
    assert exc.value.exit_code == 2
    assert rows_of(books.path) == before


def test_unknown_journal_and_empty_label(books: api.Books, L: MakeLines) -> None:
    with pytest.raises(ValidationError) as exc:
        api.post_entry(books, "XX", D(2026, 1, 5), "  ",
                       L(("342111", "FZ", 1), ("7111", "FZ", -1)))
    text = " / ".join(exc.value.problems)
    assert "journal « XX » inconnu" in text and "libellé : obligatoire" in text


def test_float_amount_is_refused(books: api.Books) -> None:
    with pytest.raises(ValidationError, match="non entier en centimes"):
        api.post_entry(books, "OD", D(2026, 1, 5), "x", [
            LineSpec("5141", "ECP", 10.5),  # type: ignore[arg-type]
            LineSpec("1111", "ECP", -10.5)])  # type: ignore[arg-type]


def test_entry_with_several_dimensions_through_liaison(books: api.Books, L: MakeLines) -> None:
    """A contribution: the member pays the ECP through the liaison account 44881."""
    p = api.post_entry(books, "OD", D(2026, 1, 31), "Contribution janvier FZ", L(
        ("61365", "FZ", 5000), ("44881", "FZ", -5000),
        ("44881", "ECP", 5000), ("7180", "ECP", -5000)))
    assert p.ref == "OD-2026-000001"
    for dim in ("FZ", "ECP"):
        tb = api.trial_balance(books, dimension=dim)
        assert tb.total("debit") == tb.total("credit") == 5000
    assert api.verify(books).ok


# --- numbering -------------------------------------------------------------------------------

def test_numbers_per_journal_restart_each_fiscal_year(books: api.Books, sale_of: SaleOf) -> None:
    got = [
        sale_of(books, D(2025, 12, 31), 100).ref,
        sale_of(books, D(2026, 1, 1), 100).ref,
        sale_of(books, D(2026, 1, 2), 100, journal="AC").ref,
        sale_of(books, D(2025, 12, 31), 100).ref,  # back into the previous year, its last day
        sale_of(books, D(2026, 1, 3), 100).ref,
        sale_of(books, D(2027, 1, 3), 100, journal="AC").ref,
    ]
    assert got == ["VT-2025-000001", "VT-2026-000001", "AC-2026-000001", "VT-2025-000002",
                   "VT-2026-000002", "AC-2027-000001"]
    assert api.verify(books).ok


@pytest.mark.parametrize("where", ["after entries insert", "at balances upsert",
                                   "after lines insert"])
def test_failure_half_way_leaves_no_gap_and_no_trace(books: api.Books, sale_of: SaleOf,
                                                     rows_of: RowsOf, where: str) -> None:
    sale_of(books, D(2026, 1, 5), 1000)
    before = rows_of(books.path)
    seen: list[str] = []
    armed = [True]

    def _after(conn: Connection, cursor: DBAPICursor, statement: str, params: object,
               context: ExecutionContext | None, executemany: bool) -> None:
        s = statement.strip().upper()
        seen.append(s)
        if armed[0] and where == "after entries insert" and s.startswith("INSERT INTO ENTRIES"):
            raise RuntimeError("coupure de courant simulée")
        if armed[0] and where == "after lines insert" and s.startswith("INSERT INTO LINES"):
            raise RuntimeError("coupure de courant simulée")

    def _before(conn: Connection, cursor: DBAPICursor, statement: str, params: object,
                context: ExecutionContext | None, executemany: bool) -> None:
        s = statement.strip().upper()
        if armed[0] and where == "at balances upsert" and s.startswith("INSERT INTO BALANCES"):
            assert any(x.startswith("INSERT INTO ENTRIES") for x in seen)
            raise RuntimeError("coupure de courant simulée")

    event.listen(books.engine, "after_cursor_execute", _after)
    event.listen(books.engine, "before_cursor_execute", _before)
    with pytest.raises(RuntimeError, match="coupure"):
        sale_of(books, D(2026, 1, 6), 2000)
    assert any(x.startswith("INSERT INTO ENTRIES") for x in seen), "the failure came too early"
    assert rows_of(books.path) == before  # no entry, no line, no balance moved
    armed[0] = False
    assert sale_of(books, D(2026, 1, 7), 3000).ref == "VT-2026-000002"
    assert [(j, y, n) for j, y, n, _ in _numbers(books.path)] == [
        ("VT", 2026, 1), ("VT", 2026, 2)]
    rep = api.verify(books)
    assert rep.ok, rep.findings
    assert rep.head.count == 2


def test_poster_flush_failure_inside_api_post_entry(
        books: api.Books, sale_of: SaleOf, rows_of: RowsOf, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    """Same, by breaking Poster.flush after it has written what it writes."""
    from ecp.ledger import posting

    sale_of(books, D(2026, 2, 1), 500)
    before = rows_of(books.path)
    real = posting.Poster.flush

    def broken(self: posting.Poster) -> None:
        real(self)
        raise RuntimeError("disque plein simulé")

    monkeypatch.setattr(posting.Poster, "flush", broken)
    with pytest.raises(RuntimeError, match="disque plein"):
        sale_of(books, D(2026, 2, 2), 700)
    monkeypatch.setattr(posting.Poster, "flush", real)
    assert rows_of(books.path) == before
    assert sale_of(books, D(2026, 2, 3), 900).ref == "VT-2026-000002"
    assert api.verify(books).ok


# --- reversal --------------------------------------------------------------------------------

def test_reverse_rules(books: api.Books, sale_of: SaleOf) -> None:
    p = sale_of(books, D(2026, 1, 10), 120000)
    with pytest.raises(InputError, match="ne peut précéder"):
        api.reverse_entry(books, p.ref, D(2026, 1, 9))
    r = api.reverse_entry(books, p.ref, D(2026, 1, 12))
    assert r.ref == "VT-2026-000002"
    with pytest.raises(InputError, match=f"déjà contre-passée par {r.ref}"):
        api.reverse_entry(books, p.ref, D(2026, 1, 12))
    with pytest.raises(InputError, match="déjà une contre-passation"):
        api.reverse_entry(books, r.ref, D(2026, 1, 12))
    with pytest.raises(NotFoundError, match="VT-2026-000009 introuvable"):
        api.reverse_entry(books, "VT-2026-9", D(2026, 1, 12))
    with pytest.raises(InputError, match="attendu sous la forme"):
        api.reverse_entry(books, "n'importe quoi", D(2026, 1, 12))
    with api.postings(books) as rows:
        rev = [x for x in rows if x.entry == r.ref]
    assert {(x.account, x.amount) for x in rev} == {("342111", -120000), ("7111", 120000)}
    assert rev[0].reference == p.ref and "Contre-passation VT-2026-000001" in rev[0].label
    assert api.trial_balance(books).total("closing_debit") == 0


# --- periods ---------------------------------------------------------------------------------

def test_closed_month_refuses_postings_via_api(
        books: api.Books, sale_of: SaleOf, rows_of: RowsOf) -> None:
    p = sale_of(books, D(2026, 1, 10), 1000)
    api.close_period(books, Month(2026, 1))
    before = rows_of(books.path)
    with pytest.raises(PeriodLockedError) as exc:
        sale_of(books, D(2026, 1, 31), 1000)
    assert "date 2026-01-31 : le mois 2026-01 est clôturé" in str(exc.value)
    assert exc.value.exit_code == 2
    with pytest.raises(InputError, match="2026-01 est clôturé"):  # reversal dated in it too
        api.reverse_entry(books, p.ref, D(2026, 1, 20))
    assert rows_of(books.path) == before
    # The neighbours stay open; the reversal goes into February.
    assert sale_of(books, D(2026, 2, 1), 1000).ref == "VT-2026-000002"
    assert sale_of(books, D(2025, 12, 31), 1000).ref == "VT-2025-000001"
    assert api.reverse_entry(books, p.ref, D(2026, 2, 2)).ref == "VT-2026-000003"
    assert api.verify(books).ok


def test_closed_month_refuses_postings_via_cli(
        books: api.Books, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(books.path)
    assert cli.main(["--db", db, "period", "close", "2026-01"]) == 0
    assert "Mois 2026-01 clôturé" in capsys.readouterr().out
    code = cli.main(["--db", db, "entry", "post", "--journal", "VT", "--date", "15/01/2026",
                     "--label", "Vente", "--line", "342111:FZ:100", "--line", "7111:FZ:-100"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.strip() == "ecp : --date : date 2026-01-15 : le mois 2026-01 est clôturé"
    assert api.chain_head(books).count == 0


def test_close_records_chain_head_and_reopen_needs_reason(
        books: api.Books, sale_of: SaleOf, capsys: pytest.CaptureFixture[str]) -> None:
    assert api.chain_head(books) == ChainHead(0, GENESIS)
    sale_of(books, D(2026, 1, 10), 1000)
    p2 = sale_of(books, D(2026, 1, 11), 2000)
    head = api.close_period(books, Month(2026, 1), user="amina")
    assert head == ChainHead(2, p2.hash) == api.chain_head(books)
    with pytest.raises(InputError, match="déjà clôturé"):
        api.close_period(books, Month(2026, 1))
    for reason in ("", "   "):
        with pytest.raises(InputError, match="motif : obligatoire"):
            api.reopen_period(books, Month(2026, 1), reason)
    with pytest.raises(InputError, match="n'est pas clôturé"):
        api.reopen_period(books, Month(2026, 2), "erreur")
    db = str(books.path)
    assert cli.main(["--db", db, "period", "reopen", "2026-01", "--reason", " "]) == 2
    assert "motif : obligatoire" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:  # --reason is required by the parser itself
        cli.main(["--db", db, "period", "reopen", "2026-01"])
    assert stop.value.code == 2
    assert "--reason" in capsys.readouterr().err
    sale_of(books, D(2026, 2, 3), 3000)
    head2 = api.reopen_period(books, Month(2026, 1), "Facture oubliée du 28/01", user="amina")
    assert head2.count == 3
    # VT is kept day by day and already holds 03/02: the forgotten invoice goes to RG
    late = sale_of(books, D(2026, 1, 28), 4000, journal="RG")
    assert late.ref == "RG-2026-000001"
    head3 = api.close_period(books, Month(2026, 1), user="amina")
    assert head3 == ChainHead(4, late.hash)
    events = api.period_events(books)
    assert [(e.month, e.action, e.reason, e.actor, e.head.count) for e in events] == [
        ("2026-01", "close", "", "amina", 2),
        ("2026-01", "reopen", "Facture oubliée du 28/01", "amina", 3),
        ("2026-01", "close", "", "amina", 4),
    ]
    assert events[0].head == head and events[2].head == head3
    assert all(dt.datetime.fromisoformat(e.at.replace("Z", "+00:00")) for e in events)
    rep = api.verify(books)
    assert rep.ok, rep.findings
    assert cli.main(["--db", db, "period", "list", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "Facture oubliée du 28/01" in out and f"2:{p2.hash}" in out


def test_verify_flags_an_entry_posted_while_its_month_was_closed(books: api.Books,
                                                                 sale_of: SaleOf) -> None:
    """Bypass the lock by writing the period row directly (what a rogue client could do):
    verify still sees the entry dated in a month that was closed at the time."""
    sale_of(books, D(2026, 1, 10), 1000)
    api.close_period(books, Month(2026, 1))
    con = sqlite3.connect(str(books.path))
    con.execute("UPDATE periods SET status = 'open' WHERE month = 202601")
    con.commit()
    con.close()
    p = sale_of(books, D(2026, 1, 20), 1000)
    rep = api.verify(books)
    assert any(p.ref in f and "clôturé" in f for f in rep.findings), rep.findings
