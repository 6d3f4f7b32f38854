"""The app shell, the dashboard and the entries screen, driven by the keyboard."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable

from ecp import api
from ecp.ledger import LineSpec
from ecp.tui.app import EcpApp, WelcomeScreen
from ecp.tui.widgets import PagedTable


@pytest.fixture
def books(tmp_path):
    b = api.open_books(str(tmp_path / "t.db"), create=True)
    api.init(b, "ECP Test Tanger")
    api.add_member(b, "M001", "Fatima Zahra", name_ar="فاطمة الزهراء")
    return b


def _sale(books, day, ht):
    return api.post_entry(books, "VT", day, f"Caftan {ht}", [
        LineSpec("34211", "M001", ht + ht // 5), LineSpec("71211", "M001", -ht),
        LineSpec("44551", "M001", -(ht // 5))])


def cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_dashboard_figures_come_from_the_ledger(books):
    _sale(books, dt.date(2026, 3, 2), 100_000)
    api.post_entry(books, "BQ", dt.date(2026, 3, 5), "Encaissement", [
        LineSpec("5141", "M001", 60_000), LineSpec("34211", "M001", -60_000)])
    app = EcpApp(books, today=dt.date(2026, 3, 15))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert app.title == "ECP Test Tanger"
        assert "2026-03" in app.sub_title
        figures = cells(app.screen.query_one("#figures", DataTable))
        text = {r[0]: r[1].strip() for r in figures}
        assert text["Trésorerie (banques et caisses)"] == "600,00"
        assert text["Créances clients"] == "600,00"
        assert text["TVA sur factures non encaissées (44551)"] == "200,00"
        assert text["Écritures de 2026-03"] == "2"
        cash = cells(app.screen.query_one("#cash", DataTable))
        assert cash == [["M001", "Fatima Zahra", "600,00".rjust(16)]]


async def test_f_keys_navigate_and_entries_screen_lists_newest_first(books):
    for i in range(3):
        _sale(books, dt.date(2026, 3, 1 + i), 10_000 * (i + 1))
    app = EcpApp(books, today=dt.date(2026, 3, 15))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        table = app.screen.query_one(PagedTable)
        rows = cells(table)
        assert [r[1] for r in rows] == ["VT-2026-000003", "VT-2026-000002", "VT-2026-000001"]
        await pilot.press("f1")
        await pilot.pause()
        assert app.current_mode == "tableau"


async def test_reversal_shows_both_entries(books):
    e = _sale(books, dt.date(2026, 3, 2), 50_000)
    app = EcpApp(books, today=dt.date(2026, 3, 15))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("enter")  # open the entry
        await pilot.pause()
        await pilot.press("r")  # reverse it
        await pilot.pause()
        await pilot.press("enter")  # confirm with the default date (today)
        await pilot.pause()
        table = app.screen.query_one(PagedTable)
        rows = cells(table)
        assert rows[0][1] == "VT-2026-000002"
        assert rows[0][6] == f"annule {e.ref}"
        assert rows[1][1] == e.ref
        assert rows[1][6] == "annulée par VT-2026-000002"
    tb = api.trial_balance(books)
    assert all(r.closing_debit == r.closing_credit == 0 for r in tb.rows)


async def test_filter_by_text_and_month(books):
    _sale(books, dt.date(2026, 2, 2), 1_000)
    _sale(books, dt.date(2026, 3, 2), 2_000)
    app = EcpApp(books, today=dt.date(2026, 3, 15))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("f2", "slash")
        await pilot.press(*"2000")
        await pilot.press("enter")
        await pilot.pause()
        rows = cells(app.screen.query_one(PagedTable))
        assert [r[2] for r in rows] == ["Caftan 2000"]


async def test_first_run_offers_the_demo(tmp_path):
    url = "sqlite:///" + str(tmp_path / "new.db")
    app = EcpApp(None, url, today=dt.date(2026, 11, 28))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("d")
        await pilot.pause()
        assert app.current_mode == "tableau"
        assert app.title == "ECP Tanger Entreprendre"
    assert (tmp_path / "new.db").exists()


def test_ecp_without_command_opens_the_app_on_the_books(books, monkeypatch):
    """``ecp`` (and ``ecp tui``) in a terminal run the app on the configured database."""
    import sys

    from ecp import cli
    from ecp.tui import app as tui_app

    opened = []
    monkeypatch.setattr(tui_app, "run", lambda db: opened.append(db) or 0)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert cli.main(["--db", str(books.path)]) == 0
    assert cli.main(["--db", str(books.path), "tui"]) == 0
    assert opened == [str(books.path), str(books.path)]
