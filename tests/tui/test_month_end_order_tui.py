"""Issue 17, items 1 and 8, in the TUI: the header shows the oldest open month and how many are
open; Clôture (F8) lists the month's drafts, refuses to close the month while they wait, and
``d`` opens the first in the invoice form."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input

from ecp import api
from ecp.kernel.periods import Month
from ecp.kernel.units import Quantity, Rate
from ecp.sales.documents import LineInput
from ecp.tui.screens.closing import ClosingScreen, ConfirmCloseScreen
from ecp.tui.screens.invoice_form import InvoiceFormScreen
from tests.conftest import sale
from tests.tui.pilot import goto, run_app, shown, type_text, until

D = dt.date
TODAY = D(2026, 12, 7)


async def test_header_drafts_and_order_on_f8(sales: api.Books) -> None:
    """Entries on 05/10, 03/11 and 01/12/2026, nothing closed, today 07/12: three open months,
    the oldest October. A draft invoice dated 25/11/2026 (FZ, HOTEL): F8 on November lists it,
    closing November is refused, ``d`` opens it in the invoice form."""
    for day in (D(2026, 10, 5), D(2026, 11, 3), D(2026, 12, 1)):
        sale(sales, day, 10_000)
    draft = api.create_document(sales, "facture", "FZ", "HOTEL", D(2026, 11, 25), [
        LineInput("Caftan", Quantity(1000), 100_000, Rate(2000), "71211")])
    async with run_app(sales, today=TODAY) as (app, pilot):
        assert app.sub_title == "Mois ouvert : 2026-10 (3 ouverts)"
        screen = await goto(pilot, "cloture")
        assert isinstance(screen, ClosingScreen)
        assert screen.query_one("#month", Input).value == "2026-10"
        assert shown(app, "#chk-drafts") == "Brouillons datés dans le mois : aucun"
        await pilot.press("m")
        screen.query_one("#month", Input).value = ""
        await type_text(pilot, "2026-11")
        await pilot.press("enter")
        await until(pilot, lambda: screen.month == 202611)
        assert shown(app, "#chk-drafts") == (
            f"Brouillons datés dans le mois : 1 — n° {draft} (facture, membre FZ, client HOTEL, "
            "25/11/2026) — le mois ne se clôture pas avant qu'ils soient émis ou supprimés "
            "(d : ouvrir le premier)")
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ConfirmCloseScreen))
        await pilot.press("enter")
        await until(pilot, lambda: "Clôture refusée" in shown(app, "#outcome"))
        assert f"1 brouillon(s) daté(s) dans le mois : n° {draft}" in shown(app, "#outcome")
        assert not api.month_is_closed(sales, Month(2026, 11))
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, InvoiceFormScreen))
        form = app.screen
        assert isinstance(form, InvoiceFormScreen) and form.draft_id == draft
