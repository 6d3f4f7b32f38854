"""The app shell, the dashboard and the entries screen, driven by the keyboard."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.widgets import DataTable

from ecp import api
from ecp.ledger import LineSpec, PostedEntry
from ecp.tui.app import EcpApp, WelcomeScreen
from ecp.tui.kit.table import PagedTable


@pytest.fixture
def books(tmp_path: Path) -> api.Books:
    b = api.open_books(str(tmp_path / "t.db"), create=True)
    api.init(b, "ECP Test Tanger")
    api.add_member(b, "M001", "Fatima Zahra", name_ar="فاطمة الزهراء")
    return b


def _sale(books: api.Books, day: dt.date, ht: int) -> PostedEntry:
    return api.post_entry(books, "VT", day, f"Caftan {ht}", [
        LineSpec("34211", "M001", ht + ht // 5), LineSpec("71211", "M001", -ht),
        LineSpec("44551", "M001", -(ht // 5))])


def cells(table: DataTable[Any]) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_dashboard_figures_come_from_the_ledger(books: api.Books) -> None:
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
        assert text["Trésorerie (banque + caisse), ECP et membres"] == "600,00"
        assert text["Créances clients"] == "600,00"
        assert text["TVA sur factures non encaissées (44551)"] == "200,00"
        assert text["Écritures de 2026-03"] == "2"
        cash = cells(app.screen.query_one("#cash", DataTable))
        assert cash == [["M001", "Fatima Zahra", "600,00"]]  # right-aligned by its column


async def test_f_keys_navigate_and_entries_screen_lists_newest_first(books: api.Books) -> None:
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


async def test_reversal_shows_both_entries(books: api.Books) -> None:
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
        assert rows[0][2].endswith(f" ↺ annule {e.ref}")
        assert rows[1][1] == e.ref
        assert rows[1][2].endswith(" ↺ annulée par VT-2026-000002")
    tb = api.trial_balance(books)
    assert all(r.closing_debit == r.closing_credit == 0 for r in tb.rows)


async def test_filter_by_text_and_month(books: api.Books) -> None:
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


async def test_first_run_offers_the_demo(tmp_path: Path) -> None:
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


def test_ecp_without_command_opens_the_app_on_the_books(
        books: api.Books, monkeypatch: pytest.MonkeyPatch) -> None:
    """``ecp`` (and ``ecp tui``) in a terminal run the app on the configured database."""
    import sys

    from ecp import cli
    from ecp.tui import app as tui_app

    opened: list[str | None] = []

    def run(db: str | None = None) -> int:
        opened.append(db)
        return 0

    monkeypatch.setattr(tui_app, "run", run)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert cli.main(["--db", str(books.path)]) == 0
    assert cli.main(["--db", str(books.path), "tui"]) == 0
    assert opened == [str(books.path), str(books.path)]


# --- the palette table, the F-keys, binding ids, the shell protocol -----------------------------

def _binding_classes() -> list[type]:
    """Every class of ``ecp.tui`` that declares key bindings."""
    import importlib
    import inspect
    import pkgutil

    from textual.dom import DOMNode

    import ecp.tui

    found = []
    for info in pkgutil.walk_packages(ecp.tui.__path__, "ecp.tui."):
        mod = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(mod, inspect.isclass):
            if (cls.__module__ == mod.__name__ and issubclass(cls, DOMNode)
                    and "BINDINGS" in cls.__dict__):
                found.append(cls)
    return found


def test_every_binding_carries_an_id_unique_in_its_class() -> None:
    from textual.binding import Binding

    classes = _binding_classes()
    assert len(classes) > 30  # the scan sees the screens and dialogs
    missing, twice = [], []
    for cls in classes:
        ids = [b.id for b in cls.__dict__["BINDINGS"] if isinstance(b, Binding)]
        missing += [f"{cls.__name__}: {b}" for b in ids if not b]
        twice += [f"{cls.__name__}: {b}" for b in set(ids) if ids.count(b) > 1]
    assert missing == [] and twice == []


def test_palette_commands_run_actions_that_exist() -> None:
    from ecp.tui.app import _modes
    from ecp.tui.kit.palette import COMMANDS

    screens = _modes()
    wrong = []
    for c in COMMANDS:
        target = EcpApp if c.mode is None else screens.get(c.mode)
        if target is None or not callable(getattr(target, f"action_{c.action_name}", None)):
            wrong.append(f"{c.title} → {c.mode or 'app'}.{c.action}")
    assert wrong == []
    titles = [c.title for c in COMMANDS]
    assert len(titles) == len(set(titles))


def test_every_job_screen_has_its_f_key_and_palette_entry() -> None:
    from ecp.tui.app import _modes
    from ecp.tui.kit.palette import COMMANDS, SCREENS

    modes = {m for m, _, _ in SCREENS}
    assert set(_modes()) == modes
    keys = {b.key: b.action for b in EcpApp.BINDINGS if isinstance(b, Binding)}
    assert {keys[k] for _, _, k in SCREENS} == {f"go('{m}')" for m in modes}
    assert {c.action for c in COMMANDS if c.mode is None and c.action_name == "go"} == {
        f"go('{m}')" for m in modes}


def test_the_app_is_the_shell_screens_ask() -> None:
    from ecp.tui.kit.base import SHELL_MEMBERS, Shell, is_shell

    assert set(SHELL_MEMBERS) == {n for n in dir(Shell) if not n.startswith("_")}
    assert is_shell(EcpApp(None, "sqlite://"))
    assert not is_shell(object())


async def test_f_keys_and_palette_reach_every_screen(books: api.Books) -> None:
    from ecp.tui.kit.palette import SCREENS
    from tests.tui.pilot import goto, palette, run_app, until

    async with run_app(books, today=dt.date(2026, 3, 15)) as (app, pilot):
        for mode, _, key in SCREENS:
            await goto(pilot, key)
            assert app.current_mode == mode
        await palette(pilot, "aller : balance")
        await until(pilot, lambda: app.current_mode == "balance")
        await palette(pilot, "sauvegarde : copie")
        await until(pilot, lambda: type(app.screen).__name__ == "BackupDialog")
        await pilot.press("escape")
        await palette(pilot, "membre : ajouter")
        await until(pilot, lambda: type(app.screen).__name__ == "MemberAddScreen")


async def test_a_report_line_opens_its_entry_through_the_shell(books: api.Books) -> None:
    """The Grand livre is not the entries' screen: Enter on a line asks the app for the
    entry's detail."""
    from ecp.tui.screens.entries import EntryDetailScreen
    from tests.tui.pilot import goto, run_app, until

    e = _sale(books, dt.date(2026, 3, 2), 50_000)
    async with run_app(books, today=dt.date(2026, 3, 15)) as (app, pilot):
        await goto(pilot, "journaux")
        await until(pilot, lambda: app.screen.query_one(PagedTable).row_count > 0)
        app.screen.query_one(PagedTable).focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, EntryDetailScreen))
        assert isinstance(app.screen, EntryDetailScreen)
        assert app.screen.entry_id == e.id
