"""Ventes (F9): `R` « Relancer » on an overdue invoice writes the letter (level and date in a
small dialog, errors by field), the invoice's detail lists its history (issue 17, item 9).

The invoice: FZ to HOTEL on 10/01/2026, TTC 1 200,00 (1 000,00 HT at 20 %), due 11/03/2026
(60 days), 200,00 paid on 20/02/2026: 1 000,00 left. On 25/04/2026 it is 45 days late (20 days
to 31 March + 25)."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Select

from ecp import api
from ecp.kernel.units import Quantity, Rate
from ecp.sales.documents import LineInput
from ecp.tui.screens.reminder_dialogs import ReminderScreen
from ecp.tui.screens.sales import SalesScreen
from ecp.tui.screens.sales_dialogs import DocumentScreen
from tests.tui.pilot import field_error, goto, palette, rows, run_app, shown, until

TODAY = dt.date(2026, 4, 25)


def _invoice(books: api.Books) -> str:
    num = api.create_and_issue(books, "facture", "FZ", "HOTEL", dt.date(2026, 1, 10), [
        LineInput("Caftan", Quantity(1000), 100_000, Rate(2000), "71211")]).number
    api.add_payment(books, [num], 20_000, dt.date(2026, 2, 20), "virement", "VIR 5")
    return num


async def test_remind_from_the_list_then_the_history(sales: api.Books) -> None:
    num = _invoice(sales)
    async with run_app(sales, today=TODAY) as (app, pilot):
        await goto(pilot, "ventes")
        assert isinstance(app.screen, SalesScreen)
        await pilot.press("R")
        await until(pilot, lambda: isinstance(app.screen, ReminderScreen))
        form = app.screen
        assert form.query_one("#level", Select).value == "1"
        assert form.query_one("#day", Input).value == "25/04/2026"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SalesScreen))
        said = shown(app, "#message")
        assert f"Relance de {num} au 25/04/2026 : 1 000,00 DH dus, 45 jours de retard" in said
        assert f"{num}-relance1-20260425.pdf" in said
        # again: the level proposed is now 2, refused the same day (the gap), by the date
        await pilot.press("R")
        await until(pilot, lambda: isinstance(app.screen, ReminderScreen))
        assert app.screen.query_one("#level", Select).value == "2"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReminderScreen)
        assert "au plus tôt le 10/05/2026" in field_error(app, "day")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, SalesScreen))
        await pilot.press("enter")  # the invoice's detail
        await until(pilot, lambda: isinstance(app.screen, DocumentScreen))
        history = shown(app, "#doc-history")
        lines = history.splitlines()
        assert lines[0] == "Historique :"
        assert lines[1].startswith("10/01/2026  émission") and "1 200,00" in lines[1]
        assert lines[2].startswith("20/02/2026  règlement") and "reste" in lines[2]
        assert "1 000,00" in lines[2] and "VIR 5" in lines[2]
        assert lines[3].startswith("25/04/2026  relance") and "45 jours de retard" in lines[3]
    assert api.verify(sales).ok


async def test_palette_reminds_the_selected_invoice(sales: api.Books) -> None:
    num = _invoice(sales)
    async with run_app(sales, today=TODAY) as (app, pilot):
        await palette(pilot, "facture : relancer")
        await until(pilot, lambda: isinstance(app.screen, ReminderScreen))
        assert app.screen.invoice == num  # type: ignore[attr-defined]
        app.screen.query_one("#day", Input).value = "01/03/2026"
        await pilot.press("enter")
        await pilot.pause()
        assert "pas échue au 01/03/2026" in field_error(app, "day")


async def test_f10_tab_5_shows_the_dunning_report(sales: api.Books) -> None:
    """F10, tab 5 « Relances »: the table of ``ecp report dunning`` at the « Créances au » date —
    the invoice 45 days late (band 31–60) with 1 000,00 left, then after a first reminder its
    last level and the next step; the same rows as the API's."""
    from ecp.tui.screens.vat import VatScreen

    num = _invoice(sales)
    async with run_app(sales, today=TODAY) as (app, pilot):
        await goto(pilot, "tva")
        assert isinstance(app.screen, VatScreen)
        await pilot.press("5")
        await pilot.pause()
        got = rows(app, "#dun-table")
        line = next(r for r in got if r[0] == num)
        assert "45" in line and "1 000,00" in line and "aucune" in line
        assert got[-1][0] == "TOTAL" and "1 000,00" in got[-1]
        api.send_reminder(sales, num, 1, TODAY)
        assert isinstance(app.screen, VatScreen)
        app.screen.load()
        await pilot.pause()
        line = next(r for r in rows(app, "#dun-table") if r[0] == num)
        assert "1 (relance)" in line
    assert [r.invoice for r in api.dunning(sales, TODAY)] == [num]
