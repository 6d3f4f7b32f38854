"""Ventes (F9), Dépenses: paying a supplier bill in cash beyond the CGI art. 11/106 limits
shows the rule and the VAT charged, as ``ecp expense pay`` prints it. Worked example (as in
tests/sales/test_cash_rules.py): 10 000,00 HT at 20 % (TTC 12 000,00) paid 12 000,00 in cash,
nothing else to that supplier that day: 5 000,00 within the limit, deductible VAT
2 000,00 × 5 000 / 12 000 = 833,33, charged 1 166,67."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Select

from ecp import api
from ecp.kernel.units import Rate
from ecp.tui.screens.sales import SalesScreen
from ecp.tui.screens.sales_dialogs import PayExpenseScreen
from tests.tui.pilot import goto, run_app, shown, until

TODAY = dt.date(2026, 3, 20)


async def test_cash_payment_over_the_limit_shows_the_warning(sales: api.Books) -> None:
    eid = api.add_expense(sales, "FZ", "TISSUS", dt.date(2026, 3, 3), "6111", 1000000,
                          Rate(2000))
    async with run_app(sales, today=TODAY) as (app, pilot):
        await goto(pilot, "ventes")
        assert isinstance(app.screen, SalesScreen)
        await pilot.press("7")  # the Dépenses tab
        await pilot.pause()
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, PayExpenseScreen))
        app.screen.query_one("#method", Select).value = "especes"
        await pilot.pause()
        app.screen.query_one("#amount").focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SalesScreen))
        await pilot.pause()
        msg = shown(app, "#message")
        assert f"Dépense n° {eid} payée" in msg
        assert "Attention : " in msg and "CGI art. 11 et 106" in msg and "1 166,67" in msg
    [e] = api.list_expenses(sales)
    assert e.remaining == 0
