"""Production (F11), keyboard only with Pilot, on the worked example of issue 6: a couturière
with 30 h a week, a caftan needing 3 m of fabric, 6 h and 1 h of the shared machine. Twelve
caftans typed through the form; the plan grid at 100 % / 100 % / 40 %, the second week
overloaded; a cell's orders; 16 m of fabric missing; an order completed, one cancelled, one
refused for want of fabric. Each test checks the screen and what the books hold."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from ecp import api
from ecp.kernel.units import Quantity, Rate
from ecp.production.specs import BomItem
from ecp.tui.app import EcpApp
from ecp.tui.kit.forms import FieldError
from ecp.tui.screens.production import OVERLOADED, ProductionScreen
from ecp.tui.screens.production_dialogs import (
    CancelOrderScreen,
    CellOrdersScreen,
    CompleteOrderScreen,
    OrderFormScreen,
    OrderScreen,
)
from tests.tui.pilot import field_error, rows, type_text, until
from tests.tui.pilot import rendered as shown

START = dt.date(2026, 3, 2)  # a Monday: the app's today


def units(n: int) -> Quantity:
    """``n`` units (or hours) in thousandths."""
    return Quantity(n * 1000)


SIZE = (160, 45)


@pytest.fixture
def atelier(sales: api.Books) -> api.Books:
    """As in tests/production: FZ 30 h a week; CAFTAN = 3 m of TISSU, 6 h, 1 h of MACHINE;
    20 m of fabric in stock at 80 DH/m."""
    api.add_product(sales, "CAFTAN", "FZ", "Caftan brodé", "pièce", 280000, Rate(2000), "71211")
    api.add_material(sales, "TISSU", "FZ", "Tissu brocart", "m", 8000)
    api.add_resource(sales, "MACHINE", "Machine à coudre", units(35))
    api.set_bom(sales, "CAFTAN", [BomItem("TISSU", units(3))], hours=units(6),
                resources=[BomItem("MACHINE", units(1))])
    api.set_capacity(sales, "FZ", units(30))
    api.stock_receive(sales, "TISSU", units(20), START)
    return sales


async def test_twelve_caftans_typed_planned_and_short_of_fabric(atelier: api.Books) -> None:
    app = EcpApp(atelier, today=START)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f11")
        await until(pilot, lambda: isinstance(app.screen, ProductionScreen))
        screen = app.screen
        assert isinstance(screen, ProductionScreen)
        assert rows(app, "#t-ordres") == []
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, OrderFormScreen))
        await pilot.press("enter")  # open the members' list
        await type_text(pilot, "fz")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("tab", "tab")  # the product (FZ has one: chosen), the quantity
        await type_text(pilot, "12")
        await pilot.press("tab")
        await type_text(pilot, "2026-03-13")
        await pilot.pause()
        # 72 h at 30 h a week, on top of nothing: ready on the third Friday at the earliest.
        earliest = shown(app, "#earliest")
        assert "vendredi 20/03/2026" in earliest and "dépassée de 7 j" in earliest
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        assert rows(app, "#t-ordres") == [
            ["OF-2026-00001", "FZ", "CAFTAN", "12", "13/03/2026", "planifié", "7 j"]]
        assert "OF-2026-00001 créé" in shown(app, "#message")
        assert [o.number for o in api.list_orders(atelier)] == ["OF-2026-00001"]

        # The plan: FZ 100 %, 100 % (overloaded: 72 h wanted 30 h), 40 %.
        await pilot.press("2")
        await pilot.pause()
        grid = screen.query_one("#t-plan", DataTable)
        assert grid.has_focus
        fz, machine = rows(app, "#t-plan")
        assert fz[0].startswith("FZ") and machine[0] == "atelier : MACHINE"
        assert fz[1:4] == ["100 %", "100 %", "40 %"] and fz[4] == "0 %"
        assert machine[1:4] == ["14 %", "14 %", "6 %"]
        assert screen.plan is not None
        w1, w2, w3 = screen.plan.weeks[:3]
        states = screen.cells[("FZ", "")]
        assert (states[w1], states[w2], states[w3]) == ("plein", OVERLOADED, "")
        assert "red" in str(grid.get_cell_at(Coordinate(0, 2)).style)
        assert "yellow" in str(grid.get_cell_at(Coordinate(0, 1)).style)
        assert "OF-2026-00001" in shown(app, "#late") and "7 j de retard" in shown(app, "#late")

        # Enter on the third week: the order placed there; Enter again opens it.
        await pilot.press("right", "right", "enter")
        await until(pilot, lambda: isinstance(app.screen, CellOrdersScreen))
        assert "semaine du 16/03/2026" in shown(app, ".title")
        assert [r[:5] for r in rows(app, "#cell-orders")] == [
            ["OF-2026-00001", "FZ", "CAFTAN", "2", "12"]]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, OrderScreen))
        detail = shown(app, "#order-detail")
        assert "semaine du 16/03/2026 : 2" in detail and "En retard : 7 j" in detail
        await pilot.press("escape", "escape")
        await until(pilot, lambda: app.screen is screen)

        # > shows a week later (the plan itself does not move); ← on the first week shown
        # comes back a week, and no further than this week.
        await pilot.press(">")
        await pilot.pause()
        assert screen.shown[0] == w2 and rows(app, "#t-plan")[0][1:3] == ["100 %", "40 %"]
        await pilot.press("left", "left", "left")
        await pilot.pause()
        assert screen.shown[0] == w1 and rows(app, "#t-plan")[0][1] == "100 %"
        await pilot.press("left")
        await pilot.pause()
        assert screen.shown[0] == w1 and "commence cette semaine" in shown(app, "#message")
        await pilot.press("minus", "minus")
        await pilot.pause()
        assert len(rows(app, "#t-plan")[0]) == 1 + 10

        # Needs: 36 m of fabric for the order, 20 m on hand, 16 m missing (1 280 DH).
        await pilot.press("3")
        await pilot.pause()
        assert rows(app, "#t-besoins") == [
            ["FZ", "TISSU", "Tissu brocart", "m", "36", "20", "16", "1 280,00"]]
        assert "1 280,00 DH" in shown(app, "#needs-total")
        await pilot.press("b")
        await pilot.pause()
        await type_text(pilot, "2026-13-01")
        await pilot.press("enter")
        await pilot.pause()
        assert "2026-13-01" in shown(app, "#err-until")
        await pilot.press("ctrl+u")
        await type_text(pilot, "2026-03-06")  # before the due date: nothing needed
        await pilot.press("enter")
        await pilot.pause()
        assert shown(app, "#err-until") == "" and rows(app, "#t-besoins") == []


async def test_complete_an_order_of_five(atelier: api.Books) -> None:
    num = api.add_order(atelier, "FZ", "CAFTAN", units(5), START + dt.timedelta(days=11))
    app = EcpApp(atelier, today=START)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f11")
        await until(pilot, lambda: isinstance(app.screen, ProductionScreen))
        screen = app.screen
        await pilot.press("s")
        await pilot.pause()
        assert rows(app, "#t-ordres")[0][5] == "en cours"
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CompleteOrderScreen))
        await pilot.press("enter")  # today, the 5 ordered
        await until(pilot, lambda: app.screen is screen)
        assert rows(app, "#t-ordres") == [
            [num, "FZ", "CAFTAN", "5", "13/03/2026", "terminé", ""]]
        assert "OD-2026-000002" in shown(app, "#message")
    stock = {r.code: r.qty_milli for r in api.stock_report(atelier, "FZ", START)}
    assert stock == {"TISSU": 5000, "CAFTAN": 5000}


async def test_completion_refused_then_order_cancelled(atelier: api.Books) -> None:
    num = api.add_order(atelier, "FZ", "CAFTAN", units(7), START + dt.timedelta(days=11))
    app = EcpApp(atelier, today=START)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f11")
        await until(pilot, lambda: isinstance(app.screen, ProductionScreen))
        screen = app.screen
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CompleteOrderScreen))
        await pilot.press("enter")  # 21 m to consume, 20 in stock: refused, next to the quantity
        await pilot.pause()
        err = app.screen.query_one("#err-qty", FieldError)
        assert err.display and "21 m à consommer, 20 en stock" in str(err.content)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        assert api.list_orders(atelier)[0].status == "planifié"
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, CancelOrderScreen))
        await pilot.press("o")
        await until(pilot, lambda: app.screen is screen)
        assert rows(app, "#t-ordres")[0][:1] + rows(app, "#t-ordres")[0][5:] == [
            num, "annulé", ""]
    assert api.list_orders(atelier)[0].status == "annulé"


async def test_palette_opens_the_plan(atelier: api.Books) -> None:
    app = EcpApp(atelier, today=START)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "production : plan")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ProductionScreen)
                    and app.screen.tab == "plan")


async def test_order_form_places_a_bad_quantity_under_it(atelier: api.Books) -> None:
    """A quantity that is not one is refused under « Quantité » (the earliest date says why
    too); nothing is written."""
    app = EcpApp(atelier, today=START)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f11")
        await until(pilot, lambda: isinstance(app.screen, ProductionScreen))
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, OrderFormScreen))
        await pilot.press("enter")
        await type_text(pilot, "fz")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("tab", "tab")
        await type_text(pilot, "douze")
        await pilot.press("tab")
        await type_text(pilot, "2026-03-13")
        await pilot.pause()
        assert "douze" in shown(app, "#earliest")
        await pilot.press("enter")
        await until(pilot, lambda: "n'est pas une quantité" in field_error(app, "qty"))
        assert app.screen.focused is not None and app.screen.focused.id == "qty"
        assert not field_error(app, "general")
    assert api.list_orders(atelier) == []
