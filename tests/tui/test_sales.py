"""Ventes (F9), keyboard only with Pilot: an invoice typed with live totals, issued after the
confirmation, then paid; the 20 000 DH cash rule refused in the payment dialog; a customer's
bad ICE shown next to its field. Each test checks the screen and what the books hold."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from ecp import api
from ecp.kernel.periods import Period
from ecp.kernel.units import Quantity, Rate
from ecp.sales.documents import LineInput
from ecp.tui.app import EcpApp
from ecp.tui.kit.format import money
from ecp.tui.kit.forms import FieldError
from ecp.tui.screens.invoice_form import InvoiceFormScreen
from ecp.tui.screens.sales import SalesScreen
from ecp.tui.screens.sales_dialogs import IssueConfirmScreen, PartyFormScreen, PaymentScreen
from tests.tui.pilot import field_error, rows, shown, type_text, until

TODAY = dt.date(2026, 3, 15)
SIZE = (150, 44)
ICE_OK = "001561191000066"

async def test_invoice_typed_issued_and_paid(sales: api.Books) -> None:
    app = EcpApp(sales, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9")
        assert isinstance(app.screen, SalesScreen)
        assert rows(app, "#t-factures") == []
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, InvoiceFormScreen))
        form = app.screen
        assert isinstance(form, InvoiceFormScreen)
        await type_text(pilot, "fz")
        await pilot.press("enter")
        await type_text(pilot, "hotel")
        await pilot.press("enter", "enter", "enter", "enter")  # date, due date, product
        await type_text(pilot, "Caftan brode")
        await pilot.press("enter")
        await type_text(pilot, "2")
        await pilot.press("enter")
        await type_text(pilot, "1500")
        await pilot.press("enter", "enter", "enter")  # rate 20, account 71243: next line
        await pilot.pause()
        # The first line alone: 3 000 HT, 600 of VAT.
        assert money(300000) in shown(app, "#totals")
        await pilot.press("enter")  # no product on line 2
        await type_text(pilot, "Retouches")
        await pilot.press("enter")
        await type_text(pilot, "3")
        await pilot.press("enter")
        await type_text(pilot, "125,50")
        await pilot.press("enter")
        await type_text(pilot, "10")  # the rate field selects its « 20 » on focus
        await pilot.pause()
        totals = re.sub(" +", " ", shown(app, "#totals")).splitlines()
        assert totals == [f"Total HT {money(337650)} DH",
                          f"TVA 20 % {money(60000)} DH (base {money(300000)})",
                          f"TVA 10 % {money(3765)} DH (base {money(37650)})",
                          f"Total TTC {money(401415)} DH"]
        assert api.list_drafts(sales) == []  # nothing written while typing
        await pilot.press("ctrl+e")
        await until(pilot, lambda: isinstance(app.screen, IssueConfirmScreen))
        detail = shown(app, "#detail")
        assert "Numéro : F-2026-000001" in detail and money(401415) in detail
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, SalesScreen))
        await pilot.pause()
        (row,) = rows(app, "#t-factures")
        assert row[0] == "F-2026-000001" and row[-1] == "émise"
        assert row[5:9] == [money(401415), money(0), "", money(401415)]
        pdf = api.document_pdf(sales, "F-2026-000001")
        assert pdf.exists() and str(pdf) in shown(app, "#message")
        # The payment of the whole TTC, typed the other way (1234.50 style).
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, PaymentScreen))
        assert f"reste dû {money(401415)} DH" in shown(app, "#owed")
        await type_text(pilot, "4014.15")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SalesScreen))
        await pilot.pause()
        (row,) = rows(app, "#t-factures")
        assert row[-1] == "payée" and row[8] == money(0)
        assert f"F-2026-000001 {money(401415)} DH, payée" in shown(app, "#message")
    (doc,) = api.list_documents(sales, "facture", today=TODAY)
    assert (doc.total_ttc, doc.paid, doc.remaining, doc.status) == (401415, 401415, 0, "payée")


async def test_cash_from_a_business_customer_is_refused(sales: api.Books) -> None:
    draft = api.create_document(sales, "facture", "FZ", "HOTEL", TODAY,
                                lines=[LineInput("Caftans", Quantity(10000), 250000, Rate(2000))])
    api.issue_document(sales, draft)
    app = EcpApp(sales, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9", "p")
        await until(pilot, lambda: isinstance(app.screen, PaymentScreen))
        assert app.screen.query_one("#amount", Input).value == money(3_000_000)
        await type_text(pilot, "25 000")
        await pilot.press("tab", "tab", "enter")  # date, then open the method list
        await pilot.press("down", "down", "enter")  # virement, chèque, espèces
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PaymentScreen)  # still open, with the reason
        err = field_error(app, "method")
        assert "espèces" in err and "CGI art. 193" in err and "HOTEL" in err
        assert app.screen.focused is app.screen.query_one("#method")
    (doc,) = api.list_documents(sales, "facture", today=TODAY)
    assert (doc.paid, doc.status) == (0, "émise")


async def test_customer_with_a_bad_ice(sales: api.Books) -> None:
    app = EcpApp(sales, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9", "4")
        await pilot.pause()
        assert [r[0] for r in rows(app, "#t-clients")] == ["AMINA", "HOTEL"]
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, PartyFormScreen))
        await type_text(pilot, "atlas")
        await pilot.press("tab")
        await type_text(pilot, "Atlas Textile")
        await pilot.press("tab", "tab", "tab", "tab")  # arabic name, address, city
        await type_text(pilot, "001561191000067")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PartyFormScreen)
        assert field_error(app, "ice") == ("client ATLAS, ICE : « 001561191000067 » a une clé "
                                          "de contrôle fausse")
        assert app.screen.focused is app.screen.query_one("#ice")
        # Corrected, it is saved and listed.
        app.screen.query_one("#ice", Input).value = ""
        await type_text(pilot, ICE_OK)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SalesScreen))
        assert [r[0] for r in rows(app, "#t-clients")] == ["AMINA", "ATLAS", "HOTEL"]
    assert [p.code for p in api.list_parties(sales, "customer")] == ["AMINA", "ATLAS", "HOTEL"]


async def test_vat_screen_shows_the_return_and_exports_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """F10 on the demo: November's VAT, due, and the receivables by age; c writes both CSVs."""
    import datetime as dt

    from ecp import api as ecp_api
    from ecp.demo import load_demo
    from ecp.kernel.money import fmt_fr
    from ecp.tui.app import EcpApp
    from ecp.tui.screens import vat as vat_screen

    books = ecp_api.open_books(str(tmp_path / "demo.db"), create=True)
    ecp_api.init(books)
    load_demo(books)
    monkeypatch.setattr(vat_screen, "EXPORT_DIR", tmp_path)
    app = EcpApp(books, today=dt.date(2026, 11, 28))
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, vat_screen.VatScreen)
        # shown first: the first period to declare; November, typed
        await pilot.press("f")
        screen.query_one("#f-period", Input).value = ""
        for ch in "2026-11":
            await pilot.press(ch)
        await pilot.press("enter")
        await pilot.pause()
        rep = ecp_api.vat_report(books, Period.parse("2026-11"))
        table = screen.query_one("#vat-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        last = ("Crédit de TVA", rep.credit) if rep.credit else ("TVA due", rep.due)
        assert (rows[-1][0], rows[-1][3]) == (last[0], fmt_fr(last[1]))
        assert any(r[1] == "autres écritures" for r in rows)  # the demo's rent, by hand
        aged = screen.query_one("#aged-table", DataTable)
        assert str(aged.get_row_at(aged.row_count - 1)[0]) == "TOTAL"
        await pilot.press("c")
        await pilot.pause()
        csv_text = (tmp_path / "tva-2026-11.csv").read_text(encoding="utf-8")
        assert csv_text.startswith("rubrique,taux,base_ht,tva")
        assert (tmp_path / "creances-2026-11-28.csv").exists()
        # Another period, typed: the first quarter has no sales.
        await pilot.press("f")
        screen.query_one("#f-period", Input).value = ""
        for ch in "2026-Q1":
            await pilot.press(ch)
        await pilot.press("enter")
        await pilot.pause()
        assert "TVA 2026-Q1" in str(screen.query_one("#vat-title").render())
    books.engine.dispose()


async def _open_form_with_two_lines(pilot: Pilot[Any], app: EcpApp, qty2: str, rate2: str
                                    ) -> InvoiceFormScreen:
    """Ventes, n: member FZ, customer HOTEL, a good first line, a second line as given."""
    await pilot.press("f9", "n")
    await until(pilot, lambda: isinstance(app.screen, InvoiceFormScreen))
    form = app.screen
    assert isinstance(form, InvoiceFormScreen)
    await type_text(pilot, "fz")
    await pilot.press("enter")
    await type_text(pilot, "hotel")
    await pilot.press("enter", "enter", "enter", "enter")  # date, due date, product
    await type_text(pilot, "Caftan brode")
    await pilot.press("enter")
    await type_text(pilot, "2")
    await pilot.press("enter")
    await type_text(pilot, "1500")
    await pilot.press("enter", "enter", "enter", "enter")  # rate, account, line 2's product
    await type_text(pilot, "Retouches")
    await pilot.press("enter")
    await type_text(pilot, qty2)
    await pilot.press("enter")
    await type_text(pilot, "100")
    await pilot.press("enter")
    await type_text(pilot, rate2)
    await pilot.pause()
    return form


def line_error(form: InvoiceFormScreen, n: int) -> str:
    err = form.lines()[n - 1].query_one(".line-error", FieldError)
    return str(err.content) if err.has_class("-shown") else ""


async def test_a_bad_quantity_is_shown_under_its_line(sales: api.Books) -> None:
    app = EcpApp(sales, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form_with_two_lines(pilot, app, "deux", "20")
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert app.screen is form  # refused before any confirmation
        assert "ligne 2, quantité" in line_error(form, 2) and line_error(form, 1) == ""
        qty = form.lines()[1].input("qty")
        assert qty.has_class("-invalid") and form.focused is qty
    assert api.list_drafts(sales) == []


async def test_a_refused_issue_leaves_no_draft(sales: api.Books) -> None:
    """The books refuse line 2's rate (7 % is no longer valid in 2026): the message lands under
    that line's rate, and nothing is written — no draft, no number."""
    app = EcpApp(sales, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form_with_two_lines(pilot, app, "3", "7")
        assert line_error(form, 2) == ""  # 7 reads as a rate: only the books know the date
        await pilot.press("ctrl+e")
        await until(pilot, lambda: isinstance(app.screen, IssueConfirmScreen))
        await pilot.press("o")
        await until(pilot, lambda: app.screen is form and line_error(form, 2))
        assert "7 % n'est pas applicable" in line_error(form, 2)
        assert not form.issuing and shown(app, "#issuing") == ""
        rate = form.lines()[1].input("rate")
        assert rate.has_class("-invalid") and form.focused is rate
        assert "rien n'est enregistré" in shown(app, "#post-error")
    assert api.list_drafts(sales) == []
    assert api.list_documents(sales, "facture", today=TODAY) == []


async def test_dialog_errors_land_under_their_field(sales: api.Books) -> None:
    """The payment and credit-note dialogs place the books' refusals by the field they carry:
    an unknown invoice under « Facture(s) », a rate the invoice does not have under « Taux »."""
    from ecp.tui.screens.sales_dialogs import CreditNoteScreen

    inv = api.create_and_issue(sales, "facture", "FZ", "HOTEL", TODAY,
                               [LineInput("Caftans", Quantity(1000), 100000, Rate(2000))])
    app = EcpApp(sales, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(PaymentScreen(["F-2026-999999"]))
        await until(pilot, lambda: isinstance(app.screen, PaymentScreen))
        await type_text(pilot, "100")
        await pilot.press("enter")
        await pilot.pause()
        assert "« F-2026-999999 » introuvable" in field_error(app, "invoices")
        assert app.screen.focused is app.screen.query_one("#invoices")
        app.screen.dismiss(None)
        await pilot.pause()
        app.push_screen(CreditNoteScreen(inv.number))
        await until(pilot, lambda: isinstance(app.screen, CreditNoteScreen))
        await type_text(pilot, "Remise")
        for field, value in (("#price", "50"), ("#rate", "10")):
            app.screen.query_one(field, Input).value = value
        await pilot.press("enter")
        await pilot.pause()
        assert "10 % ne figure pas sur la facture" in field_error(app, "rate")
        assert app.screen.focused is app.screen.query_one("#rate")
        app.screen.query_one("#rate", Input).value = "20"
        app.screen.query_one("#qty", Input).value = "-1"
        await pilot.press("enter")
        await pilot.pause()
        assert "quantité" in field_error(app, "qty")
    assert len(api.list_documents(sales, "avoir", today=TODAY)) == 0
