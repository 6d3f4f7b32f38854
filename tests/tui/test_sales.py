"""Ventes (F9), keyboard only with Pilot: an invoice typed with live totals, issued after the
confirmation, then paid; the 20 000 DH cash rule refused in the payment dialog; a customer's
bad ICE shown next to its field. Each test checks the screen and what the books hold."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from ecp import api
from ecp.tui.app import EcpApp
from ecp.tui.screens.invoice_form import InvoiceFormScreen
from ecp.tui.screens.sales import SalesScreen
from ecp.tui.screens.sales_dialogs import IssueConfirmScreen, PartyFormScreen, PaymentScreen
from ecp.tui.widgets import FieldError, money

TODAY = dt.date(2026, 3, 15)
SIZE = (150, 44)
ICE_OK = "001561191000066"

async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*("space" if c == " " else c for c in text))


def shown(app: EcpApp, selector: str) -> str:
    return str(app.screen.query_one(selector).content)  # type: ignore[attr-defined]


def rows(app: EcpApp, selector: str) -> list[list[str]]:
    t = app.screen.query_one(selector, DataTable)
    return [[str(c).strip() for c in t.get_row_at(i)] for i in range(t.row_count)]


def field_error(app: EcpApp, field: str) -> str:
    err = app.screen.query_one(f"#err-{field}", FieldError)
    return str(err.content) if err.display else ""


async def until(pilot: Pilot[Any], cond: Any) -> None:
    for _ in range(100):
        await pilot.pause()
        if cond():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("l'écran attendu n'est pas venu")


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
                                lines=["Caftans|10|2500|20"])
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


async def test_vat_screen_shows_the_return_and_exports_it(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """F10 on the demo: November's VAT, due, and the receivables by age; x writes both CSVs."""
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
        rep = ecp_api.vat_report(books, "2026-11")
        table = screen.query_one("#vat-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        last = ("Crédit de TVA", rep.credit) if rep.credit else ("TVA due", rep.due)
        assert (rows[-1][0], rows[-1][3]) == (last[0], fmt_fr(last[1]))
        assert any(r[1] == "autres écritures" for r in rows)  # the demo's rent, by hand
        aged = screen.query_one("#aged-table", DataTable)
        assert str(aged.get_row_at(aged.row_count - 1)[0]) == "TOTAL"
        await pilot.press("x")
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
