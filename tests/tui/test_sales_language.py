"""The language of a customer's documents in the TUI (issue 16): chosen when the customer is
added (Ventes, Clients, n), changed on the customer's form (e), like the member's « Langue des
documents »; ``ecp customer add|edit --language`` is its twin. An invoice then issued to the
customer is in that language (frozen in its view)."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, Input, Select

from ecp import api
from ecp.kernel.units import Quantity, Rate
from ecp.sales.documents import LineInput
from ecp.tui.app import EcpApp
from ecp.tui.screens.sales import SalesScreen
from ecp.tui.screens.sales_dialogs import PartyFormScreen
from tests.conftest import ICE_OK
from tests.tui.pilot import rows, type_text, until

TODAY = dt.date(2026, 3, 15)
SIZE = (150, 44)


def customer(books: api.Books, code: str) -> str:
    return next(p.language for p in api.list_parties(books, "customer") if p.code == code)


async def test_customer_language_added_then_changed(sales: api.Books) -> None:
    app = EcpApp(sales, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9", "4")
        await pilot.pause()
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, PartyFormScreen))
        form = app.screen
        assert form.query_one("#language", Select).value == "fr"  # French unless chosen
        await type_text(pilot, "RIF")
        await pilot.press("tab")
        await type_text(pilot, "Restaurant Rif")
        form.query_one("#ice", Input).value = ICE_OK
        form.query_one("#language", Select).value = "ar"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SalesScreen))
        assert customer(sales, "RIF") == "ar"
        # e on the customer's row: the form shows its language; changed back to French
        table = app.screen.query_one("#t-clients", DataTable)
        codes = [r[0] for r in rows(app, "#t-clients")]
        assert codes == ["AMINA", "HOTEL", "RIF"]
        table.focus()
        table.move_cursor(row=codes.index("RIF"))
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, PartyFormScreen))
        assert app.screen.query_one("#language", Select).value == "ar"
        app.screen.query_one("#language", Select).value = "fr"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SalesScreen))
    assert customer(sales, "RIF") == "fr"


def test_invoice_takes_the_customers_language(sales: api.Books) -> None:
    """AMINA set to Arabic (as the form does, through api.edit_party): her invoice is in
    Arabic; HOTEL's stays French."""
    api.edit_party(sales, "customer", "AMINA", language="ar")
    caftan = LineInput("Caftan", Quantity(1000), 100_000, Rate(2000), "71211")
    ar = api.create_and_issue(sales, "facture", "FZ", "AMINA", TODAY, [caftan])
    fr = api.create_and_issue(sales, "facture", "FZ", "HOTEL", TODAY, [caftan])
    assert (ar.view.language, fr.view.language) == ("ar", "fr")
