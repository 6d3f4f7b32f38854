"""Balance, Grand livre and Journaux screens, driven by the keyboard; their CSV exports; the
keyset reads behind them."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from ecp import api
from ecp.db.engine import unit_of_work
from ecp.ledger import JournalEntry, LineSpec, PostedEntry, Poster, browse
from ecp.tui.app import EcpApp
from ecp.tui.kit.format import money
from ecp.tui.kit.table import PagedTable
from ecp.tui.screens.entries import EntryDetailScreen
from ecp.tui.screens.reports import BalanceScreen, JournalScreen, LedgerScreen
from tests.tui.pilot import cells_as_textual_draws

D = dt.date
TODAY = D(2026, 3, 15)
SIZE = (160, 45)


@pytest.fixture
def books(tmp_path: Path) -> Iterator[api.Books]:
    b = api.open_books(str(tmp_path / "t.db"), create=True)
    api.init(b, "ECP Test Tanger")
    api.add_member(b, "M001", "Fatima Zahra", joined=D(2025, 1, 1))
    api.add_member(b, "M002", "Youssef", joined=D(2025, 1, 1))
    yield b
    b.engine.dispose()


def _sale(books: api.Books, day: dt.date, ht: int, member: str = "M001") -> PostedEntry:
    return api.post_entry(books, "VT", day, f"Vente {ht}", [
        LineSpec("34211", member, ht + ht // 5), LineSpec("71211", member, -ht),
        LineSpec("44551", member, -(ht // 5))])


def _receipt(books: api.Books, day: dt.date, amount: int, member: str = "M001"
             ) -> PostedEntry:
    return api.post_entry(books, "BQ", day, f"Encaissement {amount}", [
        LineSpec("5141", member, amount), LineSpec("34211", member, -amount)])


@pytest.fixture
def posted(books: api.Books) -> api.Books:
    """A small year: sales of two members in January and February, receipts, rent."""
    _sale(books, D(2026, 1, 10), 100_000)
    _sale(books, D(2026, 1, 20), 50_000, "M002")
    _receipt(books, D(2026, 2, 3), 120_000)
    _sale(books, D(2026, 2, 14), 30_000)
    api.post_entry(books, "AC", D(2026, 2, 20), "Loyer février", [
        LineSpec("61312", "ECP", 200_000), LineSpec("5141", "ECP", -200_000)])
    _receipt(books, D(2026, 3, 2), 60_000, "M002")
    return books


def cells(table: DataTable[Any]) -> list[list[str]]:
    return [[str(c).strip() for c in table.get_row_at(i)] for i in range(table.row_count)]


def amount(text: str) -> int:
    """``1 234,50`` as the screen shows it, in centimes (empty cell: 0)."""
    t = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    return int(Decimal(t or "0") * 100)


def signed(text: str) -> int:
    """A running balance cell ``1 234,50 D`` / ``C``."""
    t = text.strip()
    if t.endswith(("D", "C")):
        return amount(t[:-1]) * (1 if t.endswith("D") else -1)
    return amount(t)


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*list(text))


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def bulk_5141(books: api.Books, n: int) -> None:
    """``n`` small cash receipts on 5141 (a member sale settled in cash), one transaction, in
    date order as BQ is kept (receipt i on day i % 59 of 2026, then by i)."""
    with unit_of_work(books.engine) as s:
        p = Poster(s.connection(), "testeur")
        for i in sorted(range(n), key=lambda i: i % 59):
            day = D(2026, 1, 1) + dt.timedelta(days=i % 59)
            cents = 1_000 + i
            p.add(JournalEntry("BQ", day, f"Recette {i}", (
                LineSpec("5141", "M001", cents), LineSpec("7111", "M001", -cents))))
        p.flush()


# --- Balance ---------------------------------------------------------------------------------

async def test_balance_shows_six_columns_and_a_total(posted: api.Books) -> None:
    tb = api.trial_balance(posted)
    app = EcpApp(posted, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, BalanceScreen)
        table = app.screen.query_one("#balance", DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels == ["Compte", "Intitulé", "Ouv. débit", "Ouv. crédit", "Mouv. débit",
                          "Mouv. crédit", "Clôt. débit", "Clôt. crédit"]
        rows = cells(table)
        assert [r[0] for r in rows[:-1]] == [r.account for r in tb.rows]
        total = rows[-1]
        assert total[1] == "TOTAL"
        assert [amount(c) for c in total[2:]] == [
            tb.total(f) for f in ("opening_debit", "opening_credit", "debit", "credit",
                                  "closing_debit", "closing_credit")]
        assert amount(total[4]) == amount(total[5]) == 596_000
        r5141 = next(r for r in rows if r[0] == "5141")
        assert amount(r5141[6]) == 0 and amount(r5141[7]) == 20_000  # 1 200 + 600 - 2 000 DH
        info = str(app.screen.query_one("#info").render())
        assert "équilibrée" in info


async def test_balance_period_and_dimension_filters_change_the_figures(posted: api.Books) -> None:
    app = EcpApp(posted, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        table = app.screen.query_one("#balance", DataTable)
        before = cells(table)
        # a month that does not exist: refused next to the field, figures unchanged
        await pilot.press("slash")
        await type_text(pilot, "2026-13")
        await pilot.press("enter")
        await pilot.pause()
        assert "n'est pas un mois" in str(app.screen.query_one("#f-error").render())
        assert app.screen.query_one("#f-month").has_class("-invalid")
        assert cells(table) == before
        # February: opening = January, movements = February
        await pilot.press("ctrl+u")
        await type_text(pilot, "2026-02")
        await pilot.press("enter")
        await pilot.pause()
        assert str(app.screen.query_one("#f-error").render()).strip() == ""
        assert app.screen.query_one("#f-from", Input).value == "01/02/2026"
        assert app.screen.query_one("#f-to", Input).value == "28/02/2026"
        tb = api.trial_balance(posted, D(2026, 2, 1), D(2026, 2, 28))
        rows = cells(table)
        assert [r[0] for r in rows[:-1]] == [r.account for r in tb.rows]
        assert amount(rows[-1][2]) == tb.total("opening_debit") > 0
        assert amount(rows[-1][4]) == tb.total("debit")
        # dimension M001 (Select: blank, ECP, M001, M002)
        await pilot.press("slash", "tab", "tab", "tab", "enter", "down", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BalanceScreen)
        assert app.screen.dimension == "M001"
        tb1 = api.trial_balance(posted, D(2026, 2, 1), D(2026, 2, 28), "M001")
        rows1 = cells(table)
        assert rows1 != rows
        assert [r[0] for r in rows1[:-1]] == [r.account for r in tb1.rows]
        assert "61312" not in [r[0] for r in rows1]  # the ECP's rent is not M001's
        assert amount(rows1[-1][4]) == tb1.total("debit") < tb.total("debit")
        assert "dimension M001" in str(app.screen.query_one("#info").render())
        # du after au: refused on the au field
        await pilot.press("slash", "tab", "ctrl+u")
        await type_text(pilot, "10/02/2026")
        await pilot.press("tab", "ctrl+u")
        await type_text(pilot, "2026-02-01")
        await pilot.press("enter")
        await pilot.pause()
        assert "est avant le" in str(app.screen.query_one("#f-error").render())
        assert app.screen.query_one("#f-to").has_class("-invalid")


async def test_balance_export_writes_the_csv_the_screen_shows(
        posted: api.Books, tmp_path: Path) -> None:
    out = tmp_path / "balance-fevrier.csv"
    app = EcpApp(posted, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("slash")
        await type_text(pilot, "2026-02")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        path_in = app.screen.query_one("#path", Input)
        assert path_in.value.endswith(f"balance-{TODAY.isoformat()}.csv")
        await pilot.press("ctrl+u")
        await type_text(pilot, str(out))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BalanceScreen)
        shown = str(app.screen.query_one("#export", Static).render())
        head = api.chain_head(posted)
        assert str(out) in shown and str(head) in shown
    tb = api.trial_balance(posted, D(2026, 2, 1), D(2026, 2, 28))
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["compte"] for r in rows] == [r.account for r in tb.rows]

    def col(name: str) -> int:
        return sum(int(Decimal(r[name]) * 100) for r in rows)

    assert col("ouverture_debit") == tb.total("opening_debit")
    assert col("ouverture_credit") == tb.total("opening_credit")
    assert col("mouvements_debit") == tb.total("debit") == col("mouvements_credit")
    assert col("cloture_debit") == tb.total("closing_debit") == col("cloture_credit")
    manifest = Path(str(out) + ".manifest.txt").read_text(encoding="utf-8")
    assert "Période: du 2026-02-01 au 2026-02-28" in manifest
    assert f"Tête de chaîne: {head}" in manifest


async def test_export_refused_path_stays_in_the_dialog(posted: api.Books, tmp_path: Path) -> None:
    app = EcpApp(posted, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("ctrl+u")
        await type_text(pilot, str(tmp_path / "absent" / "b.csv"))
        await pilot.press("enter")
        await pilot.pause()
        err = str(app.screen.query_one("#error").render())
        assert "n'existe pas" in err and "fichier" in err
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BalanceScreen)
    assert not (tmp_path / "absent").exists()


async def test_balance_enter_opens_the_ledger_of_the_account_same_filters(
        posted: api.Books) -> None:
    app = EcpApp(posted, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("slash")
        await type_text(pilot, "2026-02")
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one("#balance", DataTable)
        target = next(i for i, r in enumerate(cells(table)) if r[0] == "5141")
        table.move_cursor(row=target)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LedgerScreen)
        assert screen.account == "5141"
        assert (screen.date_from, screen.date_to) == (D(2026, 2, 1), D(2026, 2, 28))
        rows = cells(screen.query_one(PagedTable))
        assert [r[1] for r in rows] == ["BQ-2026-000001", "AC-2026-000001"]
        assert signed(rows[-1][-1]) == 120_000 - 200_000
        assert "Banques" in str(screen.query_one("#account-name").render())


# --- Grand livre -----------------------------------------------------------------------------

async def test_ledger_end_jumps_to_the_last_page_and_home_back(books: api.Books) -> None:
    bulk_5141(books, 250)
    _receipt(books, D(2026, 3, 1), 77_700)  # the newest line of 5141
    tb = api.trial_balance(books)
    closing = next(r for r in tb.rows if r.account == "5141")
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, LedgerScreen)
        assert app.screen.focused is app.screen.query_one("#f-account")
        await type_text(pilot, "5141")
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one(PagedTable)
        assert app.screen.focused is table
        first = cells(table)
        assert len(first) == 100 and table.page is not None and table.page.has_after
        assert first[0][0] == "01/01/2026" and signed(first[0][-1]) == 1_000
        await pilot.press("end")
        await pilot.pause()
        last = cells(table)
        assert last[-1][1] == "BQ-2026-000251" and last[-1][0] == "01/03/2026"
        assert amount(last[-1][6]) == 77_700
        assert signed(last[-1][-1]) == closing.closing_debit - closing.closing_credit
        assert table.cursor_row == len(last) - 1
        # every running balance on the page follows from the previous one
        for prev, cur in itertools.pairwise(last):
            assert signed(cur[-1]) == signed(prev[-1]) + amount(cur[6]) - amount(cur[7])
        summary = str(app.screen.query_one("#summary").render())
        assert f"clôture : {money(closing.closing_debit)} débiteur" in summary
        # Enter: the entry of the line
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EntryDetailScreen)
        assert app.screen.detail.ref == "BQ-2026-000251"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("home")
        await pilot.pause()
        assert cells(table) == first



def footer_keys(app: EcpApp) -> list[str]:
    from textual.widgets._footer import FooterKey

    return [k.key for k in app.screen.query(FooterKey)]


async def test_ledger_footer_follows_the_focus_without_a_rebuild(books: api.Books) -> None:
    """The footer shows the keys of what has the focus, as Textual's does (the account field
    hides the letter keys of the screen), but keeps the keys that stay instead of rebuilding
    them all."""
    from textual.widgets._footer import FooterKey

    bulk_5141(books, 30)
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        in_field = footer_keys(app)
        assert "x" not in in_field and "c" not in in_field and "f4" in in_field
        kept = set(app.screen.query(FooterKey))
        await type_text(pilot, "5141")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one(PagedTable)
        on_table = footer_keys(app)
        assert on_table[:3] == ["x", "slash", "c"] and on_table[3:] == in_field[1:]
        assert {k for k in app.screen.query(FooterKey) if k.key not in ("x", "c")} == kept
        await pilot.press("slash")
        await pilot.pause()
        assert footer_keys(app) == in_field


async def test_ledger_cells_are_the_segments_textual_would_draw(books: api.Books) -> None:
    """The direct rendering of plain cells gives exactly what DataTable renders through Rich:
    cursor row, zebra rows, cropped labels, padded and empty cells."""
    bulk_5141(books, 30)
    api.post_entry(books, "BQ", D(2026, 3, 1), "Un libellé bien plus long que sa colonne [b]",
                   [LineSpec("5141", "M001", 1), LineSpec("7111", "M001", -1)])
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await type_text(pilot, "5141")
        await pilot.press("enter", "down", "down", "end")
        await pilot.pause()
        table = app.screen.query_one(PagedTable)
        assert cells_as_textual_draws(table) > 200


async def test_ledger_account_by_name_through_the_picker(posted: api.Books) -> None:
    app = EcpApp(posted, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        await type_text(pilot, "loca")  # part of « Location de constructions »
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "PickerScreen"
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LedgerScreen) and screen.account == "61312"
        assert screen.query_one("#f-account", Input).value == "61312"
        rows = cells(screen.query_one(PagedTable))
        assert [(r[1], amount(r[6])) for r in rows] == [("AC-2026-000001", 200_000)]


async def test_ledger_export_keeps_the_account_dimension_and_period(
        posted: api.Books, tmp_path: Path) -> None:
    out = tmp_path / "gl.csv"
    app = EcpApp(posted, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, LedgerScreen)
        app.screen.show("34211", "M001", D(2026, 2, 1), None)
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert app.screen.query_one("#path", Input).value.endswith(
            f"grand-livre-34211-M001-{TODAY.isoformat()}.csv")
        await pilot.press("ctrl+u")
        await type_text(pilot, str(out))
        await pilot.press("enter")
        await pilot.pause()
        assert str(out) in str(app.screen.query_one("#export", Static).render())
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["compte"] for r in rows} == {"34211"} and {r["dimension"] for r in rows} == {"M001"}
    assert [r["numero_ecriture"] for r in rows] == ["BQ-2026-000001", "VT-2026-000003"]
    tb = api.trial_balance(posted, D(2026, 2, 1), None, "M001")
    r = next(x for x in tb.rows if x.account == "34211")
    assert int(Decimal(rows[-1]["solde"]) * 100) == r.closing_debit - r.closing_credit
    manifest = Path(str(out) + ".manifest.txt").read_text(encoding="utf-8")
    assert "Compte: 34211" in manifest and "Dimension: M001" in manifest


# --- Journaux --------------------------------------------------------------------------------

async def test_journal_screen_journal_month_totals_and_export(
        posted: api.Books, tmp_path: Path) -> None:
    out = tmp_path / "bq.csv"
    app = EcpApp(posted, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, JournalScreen)
        table = app.screen.query_one(PagedTable)
        rows = cells(table)
        assert len(rows) == 15  # every line of the six entries, in date order
        assert rows[0][:2] == ["10/01/2026", "VT-2026-000001"] and rows[1][1] == ""
        totals = str(app.screen.query_one("#totals").render())
        assert "6 écritures, 15 lignes" in totals and money(596_000) in totals
        # journal BQ (Select: blank, VT, AC, BQ, ...), then the month 2026-02
        await pilot.press("slash", "enter", "down", "down", "down", "enter")
        await settle(pilot)
        assert app.screen.journal == "BQ"
        await pilot.press("slash", "tab")
        await type_text(pilot, "2026-02")
        await pilot.press("enter")
        await settle(pilot)
        rows = cells(table)
        assert [(r[1], r[3], amount(r[6]), amount(r[7])) for r in rows] == [
            ("BQ-2026-000001", "5141", 120_000, 0), ("", "34211", 0, 120_000)]
        totals = str(app.screen.query_one("#totals").render())
        assert "journal BQ" in totals and "1 écriture, 2 lignes" in totals
        await pilot.press("enter")  # the entry
        await pilot.pause()
        assert isinstance(app.screen, EntryDetailScreen)
        assert app.screen.detail.ref == "BQ-2026-000001"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("ctrl+u")
        await type_text(pilot, str(out))
        await pilot.press("enter")
        await pilot.pause()
    with out.open(encoding="utf-8", newline="") as f:
        data = list(csv.DictReader(f))
    assert [(r["numero_ecriture"], r["compte"]) for r in data] == [
        ("BQ-2026-000001", "5141"), ("BQ-2026-000001", "34211")]
    manifest = Path(str(out) + ".manifest.txt").read_text(encoding="utf-8")
    assert "Journal: BQ" in manifest and "Total débit: 1200.00" in manifest


async def test_journal_pages_by_keyset(books: api.Books) -> None:
    bulk_5141(books, 250)
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        assert table.row_count == 100 and table.page is not None and table.page.has_after
        await pilot.press("end")
        await pilot.pause()
        rows = cells(table)
        # the latest day is 2026-02-28 (i % 59 == 58: i = 58, 117, 176, 235), numbered last
        assert rows[-2][:2] == ["28/02/2026", "BQ-2026-000250"] and rows[-1][1] == ""
        assert table.page is not None
        assert not table.page.has_after and table.page.has_before
        assert "250 écritures, 500 lignes" in str(app.screen.query_one("#totals").render())


# --- the reads behind the screens ------------------------------------------------------------

def test_journal_pages_walk_every_line_once_both_ways(posted: api.Books) -> None:
    with api.postings(posted, order="date") as it:
        expected = [(r.entry, r.account, r.amount) for r in it]
    key = None
    seen = []
    while True:
        p = api.journal_page(posted, after=key, limit=4) if key else \
            api.journal_page(posted, limit=4)
        seen += [(r.entry, r.account, r.amount) for r in p.rows]
        if not p.has_after:
            break
        last = p.rows[-1]
        key = (last.day, last.entry_id, last.line_id)
    assert sorted(seen) == sorted(expected) and len(seen) == len(expected) == 15
    back: list[tuple[str, str, int]] = []
    p = api.journal_page(posted, last=True, limit=4)
    while True:
        back = [(r.entry, r.account, r.amount) for r in p.rows] + back
        if not p.has_before:
            break
        first = p.rows[0]
        p = api.journal_page(posted, before=(first.day, first.entry_id, first.line_id),
                             limit=4)
    assert back == seen


@pytest.mark.parametrize("sparse", [2_000, 1])  # through the journal's index, the day index
def test_journal_filters_and_totals(posted: api.Books, monkeypatch: pytest.MonkeyPatch,
                                    sparse: int) -> None:
    monkeypatch.setattr(browse, "SPARSE_JOURNAL", sparse)
    p = api.journal_page(posted, journal="VT", dimension="M001", date_from=D(2026, 2, 1))
    assert [(r.entry, r.account) for r in p.rows] == [
        ("VT-2026-000003", "34211"), ("VT-2026-000003", "71211"), ("VT-2026-000003", "44551")]
    p = api.journal_page(posted, journal="VT", limit=4)
    assert [r.entry for r in p.rows] == ["VT-2026-000001"] * 3 + ["VT-2026-000002"]
    assert p.has_after and not p.has_before
    last = p.rows[-1]
    p2 = api.journal_page(posted, journal="VT", after=(last.day, last.entry_id, last.line_id),
                          limit=4)
    assert [r.entry for r in p2.rows] == ["VT-2026-000002"] * 2 + ["VT-2026-000003"] * 2
    p3 = api.journal_page(posted, journal="VT", last=True, limit=4)
    assert [r.entry for r in p3.rows] == ["VT-2026-000002"] + ["VT-2026-000003"] * 3
    assert p3.has_before and not p3.has_after
    t = api.journal_totals(posted, journal="VT", dimension="M001", date_from=D(2026, 2, 1))
    assert (t.entries, t.lines, t.debit, t.credit) == (1, 3, 36_000, 36_000)
    t = api.journal_totals(posted)
    assert (t.entries, t.lines) == (6, 15) and t.debit == t.credit == 596_000


def test_entry_of_line(posted: api.Books) -> None:
    page = api.ledger_page(posted, "61312")
    eid = api.entry_of_line(posted, page.rows[0].line_id)
    assert api.entry_detail(posted, eid).ref == "AC-2026-000001"


async def test_dashboard_drill_down_opens_the_ledger_for_all_dates(posted: api.Books) -> None:
    app = EcpApp(posted, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, LedgerScreen)
        app.screen.show("61312", None, D(2026, 1, 1), D(2026, 1, 31))  # a period set before
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        await pilot.press("enter")  # Trésorerie -> Grand livre 5141
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LedgerScreen) and screen.account == "5141"
        assert (screen.date_from, screen.date_to, screen.dimension) == (None, None, None)
        assert screen.query_one("#f-month", Input).value == ""
        rows = cells(screen.query_one(PagedTable))
        assert signed(rows[-1][-1]) == 120_000 - 200_000 + 60_000


async def test_balance_screen_shows_the_table_the_cli_prints(posted: api.Books) -> None:
    """The Balance screen and ``ecp report trial-balance`` draw the same table of
    ``ecp.reports.tables``: the same rows and figures, the total's label under the name."""
    from ecp.reports.render import render_table
    from ecp.reports.tables import trial_balance_table

    tb = api.trial_balance(posted)
    printed = [line.split("  ") for line in render_table(trial_balance_table(tb),
                                                          "table").splitlines()[2:]]
    printed = [[c.strip() for c in line if c.strip()] for line in printed]
    app = EcpApp(posted, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        shown = [[c for c in row if c] for row in cells(app.screen.query_one("#balance",
                                                                             DataTable))]
    assert shown == printed
    assert shown[-1][0] == "TOTAL"


async def test_vat_screen_shows_and_exports_the_tables_of_the_cli(
        posted: api.Books, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """TVA et créances: the rows of ``vat_table`` / ``aged_table`` (of the VAT due and the
    credit, the one that is not zero), and ``c`` writes exactly what
    ``ecp report vat|aged-receivables --format csv`` print."""
    from ecp.kernel.periods import Period
    from ecp.reports.render import cell_text, render_table
    from ecp.reports.tables import aged_table, vat_table
    from ecp.tui.screens import vat as vat_screen

    api.post_entry(posted, "OD", D(2026, 3, 10), "TVA sur vente au comptoir", [
        LineSpec("5161", "M001", 12_050), LineSpec("7111", "M001", -10_050),
        LineSpec("4455", "M001", -2_000)])
    monkeypatch.setattr(vat_screen, "EXPORT_DIR", tmp_path)
    rep = api.vat_report(posted, Period.parse("2026-03"))
    model = vat_table(rep)
    expected = [[str(cell_text(c, machine=False) or "") for c in r.cells]
                for r in model.rows if r.key != "credit_de_tva"]
    app = EcpApp(posted, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, vat_screen.VatScreen)
        # nothing to declare yet: F10 opens on February, the last complete month; ask March
        period = screen.query_one("#f-period", Input)
        assert period.value == "2026-02"
        period.value = "2026-03"
        screen.load()
        await pilot.pause()
        assert cells(screen.query_one("#vat-table", DataTable)) == expected
        assert expected[-1] == ["TVA due", "", "", "20,00"]
        assert str(screen.query_one("#vat-title", Static).render()) == model.title
        await pilot.press("c")
        await pilot.pause()
        # a period that is none: said in French, marked on its input, the figures unchanged
        await pilot.press("f")
        screen.query_one("#f-period", Input).value = ""
        await type_text(pilot, "2026-13")
        await pilot.press("enter")
        await pilot.pause()
        assert "période" in str(screen.query_one("#vat-msg", Static).render())
        assert screen.query_one("#f-period", Input).has_class("-invalid")
        assert cells(screen.query_one("#vat-table", DataTable)) == expected
    assert (tmp_path / "tva-2026-03.csv").read_text(encoding="utf-8") == \
        render_table(model, "csv") + "\n"
    aged = render_table(aged_table(api.aged_receivables(posted, TODAY), TODAY), "csv")
    assert (tmp_path / f"creances-{TODAY.isoformat()}.csv").read_text(encoding="utf-8") == \
        aged + "\n"
