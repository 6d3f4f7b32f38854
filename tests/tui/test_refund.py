"""Ventes (F9): « Rembourser un client », keyboard only with Pilot. HOTEL paid an invoice of
1 200,00 TTC on FZ, then got a credit note of 600,00: a credit of 600,00. From the invoice, b
opens the form with HOTEL and FZ chosen and 600,00 proposed; 700,00 is refused under the
amount, nothing written; 600,00 is refunded (BQ: 34211 D / 5141 C). The palette opens the
same form."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Select

from ecp import api
from ecp.kernel.money import parse as parse_amount
from ecp.kernel.units import parse_quantity, parse_rate
from ecp.sales.documents import LineInput
from ecp.sales.refunds import CustomerCredit
from ecp.tui.kit.format import money
from ecp.tui.screens.sales import SalesScreen
from ecp.tui.screens.sales_dialogs import RefundScreen
from tests.tui.pilot import field_error, goto, palette, run_app, shown, type_text, until

TODAY = dt.date(2026, 3, 20)


def L(desc: str, price: str) -> LineInput:
    return LineInput(desc, parse_quantity("1", "quantité"), parse_amount(price),
                     parse_rate("20", "taux"), "71211")


def credited(books: api.Books) -> str:
    draft = api.create_document(books, "facture", "FZ", "HOTEL", dt.date(2026, 3, 2),
                                lines=[L("Caftan", "1000")])
    num = api.issue_document(books, draft).number
    api.add_payment(books, [num], 120000, dt.date(2026, 3, 5), "virement")
    api.credit_note(books, num, lines=[L("Remise", "500")], day=dt.date(2026, 3, 10))
    return num


async def test_refund_from_the_invoice_with_errors_by_field(sales: api.Books) -> None:
    credited(sales)
    async with run_app(sales, today=TODAY) as (app, pilot):
        await goto(pilot, "ventes")
        assert isinstance(app.screen, SalesScreen)
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, RefundScreen))
        form = app.screen
        assert form.query_one("#customer", Select).value == "HOTEL"
        assert form.query_one("#member", Select).value == "FZ"
        assert form.query_one("#amount", Input).value == money(60000)
        assert f"HOTEL chez FZ : {money(60000)} DH" in shown(app, "#credits")
        assert form.focused is form.query_one("#amount")
        form.query_one("#amount", Input).value = ""
        await type_text(pilot, "700")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RefundScreen)  # still open, the reason by the amount
        assert field_error(app, "amount") == (
            "montant : 700,00 DH dépasse le crédit du client HOTEL chez FZ au 20/03/2026 : "
            "600,00 DH")
        assert api.customer_credits(sales) == [
            CustomerCredit("FZ", "HOTEL", "Hôtel Tanja", 60000)]
        form.query_one("#amount", Input).value = ""
        await type_text(pilot, "600")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SalesScreen))
        await pilot.pause()
        msg = shown(app, "#message")
        assert f"Remboursement de {money(60000)} DH au client HOTEL chez FZ" in msg
        assert f"crédit restant {money(0)} DH" in msg
    assert api.customer_credits(sales) == []


async def test_palette_opens_the_refund_form(sales: api.Books) -> None:
    credited(sales)
    async with run_app(sales, today=TODAY) as (app, pilot):
        await palette(pilot, "client : rembourser")
        await until(pilot, lambda: isinstance(app.screen, RefundScreen))
        form = app.screen
        # Ventes opens on its invoices: the selected one's customer and member are proposed
        assert form.query_one("#customer", Select).value == "HOTEL"
        assert form.query_one("#member", Select).value == "FZ"
        assert form.query_one("#amount", Input).value == money(60000)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, SalesScreen))
        assert isinstance(app.screen, SalesScreen) and app.screen.tab == "factures"
    assert api.customer_credits(sales) == [CustomerCredit("FZ", "HOTEL", "Hôtel Tanja", 60000)]


async def test_missing_member_is_shown_by_its_field(sales: api.Books) -> None:
    credited(sales)
    async with run_app(sales, today=TODAY) as (app, pilot):
        await goto(pilot, "ventes")
        await pilot.press("4")  # clients
        await pilot.pause()
        await pilot.press("down", "b")  # HOTEL
        await until(pilot, lambda: isinstance(app.screen, RefundScreen))
        form = app.screen
        assert form.query_one("#customer", Select).value == "HOTEL"
        form.query_one("#amount", Input).value = "100"
        form.query_one("#ok").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert field_error(app, "member") == "membre : obligatoire"
        assert form.focused is form.query_one("#member")
    assert api.customer_credits(sales) == [CustomerCredit("FZ", "HOTEL", "Hôtel Tanja", 60000)]
