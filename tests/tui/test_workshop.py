"""The workshop set-up of Production (F11, tab 4 « Atelier », tab 5 « Stock ») and the bank's
import profile (F12, p), keyboard only with Pilot: the worked example of issue 6 typed through
the dialogs (fabric, 20 m received, an adjustment refused for want of a reason, the shared
machine, FZ's 30 h a week with a week off, the caftan's bill of materials), then what the
plan and the stock report say; a bank profile with debit and credit columns."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, TabbedContent

from ecp import api
from ecp.kernel.units import Quantity, Rate
from ecp.tui.app import EcpApp
from ecp.tui.kit.forms import FieldError
from ecp.tui.screens.bank import BankScreen
from ecp.tui.screens.bank_dialogs import BankProfileFormScreen, ImportScreen
from ecp.tui.screens.production import ProductionScreen
from ecp.tui.screens.workshop_dialogs import (
    BomFormScreen,
    CapacityFormScreen,
    MaterialFormScreen,
    ResourceFormScreen,
    StockMoveScreen,
)
from tests.tui.pilot import rows, type_text, until

START = dt.date(2026, 3, 2)  # a Monday: the app's today


def units(n: int) -> Quantity:
    """``n`` units (or hours) in thousandths."""
    return Quantity(n * 1000)


SIZE = (160, 45)


@pytest.fixture
def caftan(sales: api.Books) -> api.Books:
    api.add_product(sales, "CAFTAN", "FZ", "Caftan brodé", "pièce", 280000, Rate(2000), "71211")
    return sales


def error(app: EcpApp, field: str) -> str:
    return str(app.screen.query_one(f"#err-{field}", FieldError).render())


async def fill(pilot: Pilot[Any], *values: str) -> None:
    """Type each value in the next field (Tab between them), then Enter."""
    for i, v in enumerate(values):
        if i:
            await pilot.press("tab")
        if v:
            await type_text(pilot, v)
    await pilot.press("enter")


async def test_workshop_set_up_by_keyboard(caftan: api.Books) -> None:
    app = EcpApp(caftan, today=START)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f11")
        await until(pilot, lambda: isinstance(app.screen, ProductionScreen))
        await pilot.press("4")
        await until(pilot, lambda: app.screen.query_one("#tabs", TabbedContent).active == "atelier")
        screen = app.screen
        # a new material
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MaterialFormScreen))
        await fill(pilot, "TISSU", "FZ", "Tissu brocart", "m", "80")
        await until(pilot, lambda: app.screen is screen)
        # listed before any stock moves; 20 m received (the material is the one under the
        # cursor, the date is today's, the cost the standard one)
        assert rows(app, "#t-atelier")[0][:6] == ["matière", "FZ", "TISSU", "Tissu brocart",
                                                  "m", "0"]
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, StockMoveScreen))
        await fill(pilot, "20", "", "")
        await until(pilot, lambda: app.screen is screen)
        assert rows(app, "#t-atelier")[0][:6] == ["matière", "FZ", "TISSU", "Tissu brocart",
                                                  "m", "20"]
        # an adjustment without its reason is refused, under the field; then given one
        await pilot.press("j")
        await until(pilot, lambda: isinstance(app.screen, StockMoveScreen))
        await type_text(pilot, "-2")  # the material is the one under the cursor
        await pilot.press("enter")
        await until(pilot, lambda: "motif" in error(app, "reason"))
        assert "obligatoire" in error(app, "reason")
        await type_text(pilot, "chute")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        # the shared machine, then FZ's capacity with a week off
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ResourceFormScreen))
        await fill(pilot, "MACHINE", "Machine à coudre", "35")
        await until(pilot, lambda: app.screen is screen)
        await pilot.press("k")
        await until(pilot, lambda: isinstance(app.screen, CapacityFormScreen))
        await fill(pilot, "FZ", "30", "2026-03-09:2026-03-13")
        await until(pilot, lambda: app.screen is screen)
        # the caftan's bill of materials: a bad material first, then the right one
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, BomFormScreen))
        await fill(pilot, "CAFTAN", "TISSU", "6", "MACHINE:1")
        await until(pilot, lambda: "CODE:QTÉ" in error(app, "materials"))
        await pilot.press("end")
        await type_text(pilot, ":3")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        kinds = [r[0] for r in rows(app, "#t-atelier")]
        assert kinds == ["matière", "capacité", "ressource"]
        # opened again, the product typed whole brings its bill of materials back to change
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, BomFormScreen))
        await type_text(pilot, "CAFTAN")
        await until(pilot, lambda: app.screen.query_one("#materials", Input).value == "TISSU:3")
        assert app.screen.query_one("#hours", Input).value == "6"
        assert app.screen.query_one("#resources", Input).value == "MACHINE:1"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        # the stock tab: 18 m at 80 DH
        await pilot.press("5")
        await until(pilot, lambda: app.screen.query_one("#tabs", TabbedContent).active == "stock")
        assert rows(app, "#t-stock") == [["FZ", "matière", "TISSU", "Tissu brocart", "m", "18",
                                          "80,00", "1 440,00"]]
        assert "1 440,00 DH" in str(app.screen.query_one("#stock-total").render())

    (row,) = api.stock_report(caftan, "FZ", START)
    assert (row.code, row.qty_milli, row.value) == ("TISSU", 18000, 144000)
    num = api.add_order(caftan, "FZ", "CAFTAN", units(2), START + dt.timedelta(days=25))
    plan = api.production_plan(caftan, START, 5)
    w1, w2 = plan.weeks[:2]
    assert plan.capacity[("FZ", "")][w1] == 30000 and plan.capacity[("FZ", "")][w2] == 0
    assert plan.capacity[("", "MACHINE")][w1] == 35000
    assert sum(plan.load[("FZ", "")].values()) == 12000  # 2 caftans, 6 h each
    assert sum(plan.load[("", "MACHINE")].values()) == 2000
    (need,) = api.material_needs(caftan, START + dt.timedelta(days=30))
    assert need.required_milli == 6000 and num


async def test_bank_import_profile(sales: api.Books) -> None:
    app = EcpApp(sales, today=START)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f12")
        await until(pilot, lambda: isinstance(app.screen, BankScreen))
        screen = app.screen
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, BankProfileFormScreen))
        await fill(pilot, "cih", "1", "2")  # no amount column, nor debit and credit
        await until(pilot, lambda: "montant" in error(app, "amount_col"))
        await pilot.press("tab")  # from the amount to the debit column
        await type_text(pilot, "3")
        await pilot.press("tab")
        await type_text(pilot, "4")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, ImportScreen))
        names = [str(o[0]) for o in app.screen.query_one("#profile", Select)._options]
        assert "cih" in names
        # an account that is not a bank's: under « Compte de banque »
        app.screen.query_one("#path", Input).value = "releve.csv"
        app.screen.query_one("#account", Input).value = "6111"
        await pilot.press("enter")
        await until(pilot, lambda: "compte de banque" in error(app, "account"))
        assert not error(app, "path")
        await pilot.press("escape")
    (p,) = [x for x in api.bank_profiles(sales) if x.name == "cih"]
    assert (p.date_col, p.label_col, p.amount_col, p.debit_col, p.credit_col) == (
        1, 2, None, 3, 4)
    assert (p.decimal, p.sep, p.encoding, p.skip) == (",", ";", "cp1252", 1)


async def test_a_bad_value_shows_under_its_field(caftan: api.Books) -> None:
    """The books say which parameter (and which item of a list) a refusal is about; each
    dialog puts it under that field, whatever the wording."""
    api.add_material(caftan, "TISSU", "FZ", "Tissu brocart", "m", 8000)
    api.add_resource(caftan, "MACHINE", "Machine à coudre", units(35))
    app = EcpApp(caftan, today=START)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f11")
        await until(pilot, lambda: isinstance(app.screen, ProductionScreen))
        await pilot.press("4")
        await until(pilot, lambda: app.screen.query_one("#tabs", TabbedContent).active == "atelier")
        screen = app.screen
        # a material of the second item that does not exist: under « Matières »
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, BomFormScreen))
        await fill(pilot, "CAFTAN", "TISSU:3 FIL:2", "6", "MACHINE:1")
        await until(pilot, lambda: "FIL" in error(app, "materials"))
        assert "inconnue" in error(app, "materials") and not error(app, "general")
        assert app.screen.focused is not None and app.screen.focused.id == "materials"
        # a resource that does not exist: under « Ressources »
        app.screen.query_one("#materials", Input).value = "TISSU:3"
        app.screen.query_one("#resources", Input).value = "FOUR:1"
        await pilot.press("enter")
        await until(pilot, lambda: "FOUR" in error(app, "resources"))
        assert not error(app, "materials")
        # hours that are not a number: under « Heures »
        app.screen.query_one("#resources", Input).value = "MACHINE:1"
        app.screen.query_one("#hours", Input).value = "six"
        await pilot.press("enter")
        await until(pilot, lambda: "six" in error(app, "hours"))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        # days off ending before they start: under « Congés »
        await pilot.press("k")
        await until(pilot, lambda: isinstance(app.screen, CapacityFormScreen))
        await fill(pilot, "FZ", "30", "2026-03-13:2026-03-09")
        await until(pilot, lambda: "précède" in error(app, "off"))
        assert not error(app, "hours") and not error(app, "general")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        # an adjustment that would leave the stock negative: under « Quantité »
        await pilot.press("j")
        await until(pilot, lambda: isinstance(app.screen, StockMoveScreen))
        await fill(pilot, "-5", "", "casse")
        await until(pilot, lambda: "négatif" in error(app, "qty"))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
    # nothing was written
    assert api.list_capacities(caftan) == []
    assert api.list_materials(caftan)[0].qty_milli == 0
