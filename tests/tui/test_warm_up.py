"""The screens built ahead at start-up (``EcpApp(warm=True)``, as ``ecp tui`` runs): each job
screen is ready before its F-key, shows fresh figures on its first visit, and a key pressed
while the warm-up runs gets the screen Textual would have built, never a second one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from reportlab.pdfbase import pdfmetrics

from ecp import api
from ecp.reports import invoice_pdf
from ecp.tui.app import WARM, EcpApp
from ecp.tui.kit.palette import SCREENS
from tests.tui.pilot import SIZE, cells_as_textual_draws, goto, rows, until

TODAY = dt.date(2026, 3, 15)


@pytest.fixture
def books(tmp_path: Path) -> api.Books:
    b = api.open_books(str(tmp_path / "t.db"), create=True)
    api.init(b, "ECP Test Tanger")
    api.add_member(b, "M001", "Fatima Zahra")
    return b


def test_every_job_screen_but_the_dashboard_is_warmed() -> None:
    assert sorted(WARM) == sorted(mode for mode, _, _ in SCREENS[1:])


async def test_a_warmed_screen_shows_fresh_figures_on_its_first_visit(
        books: api.Books) -> None:
    app = EcpApp(books, today=TODAY, warm=True)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.warm_done)
        assert app.warmed == list(WARM)
        built: dict[str, Any] = {mode: app.get_screen_stack(mode)[0] for mode in WARM}
        assert all(s.is_mounted for s in built.values())
        assert app.current_mode == "tableau"
        # the books change after the Membres screen was built: its first visit reads again
        api.add_member(books, "M002", "Khadija Amrani")
        screen = await goto(pilot, "membres")
        assert screen is built["membres"]
        await until(pilot, lambda: len(rows(app, "#members")) == 2)
        assert [r[0] for r in rows(app, "#members")] == ["M001", "M002"]
        # styled with the CSS in force: no restyling of the whole app on the visit
        assert screen._css_update_count == app._css_update_count
        for mode in ("ventes", "grandlivre", "production"):
            assert await goto(pilot, mode) is built[mode]


async def test_a_theme_changed_after_the_warm_up_still_reaches_a_warmed_screen(
        books: api.Books) -> None:
    app = EcpApp(books, today=TODAY, warm=True)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.warm_done)
        before = app._css_update_count
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        assert app._css_update_count != before
        screen = await goto(pilot, "balance")
        assert screen._css_update_count == app._css_update_count
        assert screen.styles.background == app.screen.styles.background


async def test_an_f_key_pressed_during_the_warm_up_gets_one_screen(books: api.Books) -> None:
    app = EcpApp(books, today=TODAY, warm=True)
    async with app.run_test(size=SIZE) as pilot:
        sales = await goto(pilot, "ventes")  # before the warm-up reaches it
        await until(pilot, lambda: app.warm_done)
        assert "ventes" not in app.warmed  # built by Textual on the key, left as it was
        assert app.get_screen_stack("ventes") == [sales]
        assert app.screen is sales and app.current_mode == "ventes"
        assert await goto(pilot, "ecritures") is app.get_screen_stack("ecritures")[0]


async def test_without_warm_up_screens_are_built_on_their_key(books: api.Books) -> None:
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert app.warmed == [] and not app.warm_done
        with pytest.raises(KeyError):
            app.get_screen_stack("ventes")


def test_the_pdf_warm_up_registers_the_fonts_and_draws_in_memory(tmp_path: Path) -> None:
    invoice_pdf.warm_up()
    assert {invoice_pdf.FONT, invoice_pdf.FONT_BOLD} <= set(pdfmetrics.getRegisteredFontNames())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("mode", "selector"), [("plan", "#accounts"), ("membres", "#members")])
async def test_a_fast_table_draws_its_cells_as_textual_would(books: api.Books, mode: str,
                                                           selector: str) -> None:
    from ecp.tui.kit.table import FastTable

    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await goto(pilot, mode)
        await pilot.press("down", "down")
        await pilot.pause()
        table = app.screen.query_one(selector, FastTable)
        assert cells_as_textual_draws(table) >= 6
