"""Production planning on a worked example a couturière would recognise, and the planner's
guarantee: loads never exceed capacity; when a feasible plan exists, nothing is late."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecp import api
from ecp.kernel.errors import InputError
from ecp.kernel.periods import Month
from ecp.kernel.units import Quantity, Rate
from ecp.production.plan import OrderIn, monday, schedule
from ecp.production.specs import BomItem, DateSpan
from ecp.sales.documents import ProductLine
from ecp.sales.payments import MaterialIn

D = dt.date
START = D(2026, 3, 2)  # a Monday


def units(n: int) -> Quantity:
    """``n`` units (or hours) in thousandths."""
    return Quantity(n * 1000)


@pytest.fixture
def atelier(sales: api.Books) -> api.Books:
    """FZ, couturière, 30 h a week; a caftan needs 3 m of fabric, 6 h and 1 h of the shared
    sewing machine; 20 m of fabric in stock at 80 DH/m."""
    api.add_product(sales, "CAFTAN", "FZ", "Caftan brodé", "pièce", 280000, Rate(2000), "71211")
    api.add_material(sales, "TISSU", "FZ", "Tissu brocart", "m", 8000)
    api.add_resource(sales, "MACHINE", "Machine à coudre", units(35))
    api.set_bom(sales, "CAFTAN", [BomItem("TISSU", units(3))], hours=units(6),
                resources=[BomItem("MACHINE", units(1))])
    api.set_capacity(sales, "FZ", units(30))
    api.stock_receive(sales, "TISSU", units(20), START)
    return sales


def test_worked_example_twelve_caftans_in_two_weeks(atelier: api.Books) -> None:
    due = START + dt.timedelta(days=11)  # Friday of the second week
    num = api.add_order(atelier, "FZ", "CAFTAN", units(12), due)
    assert num == "OF-2026-00001"
    plan = api.production_plan(atelier, START, weeks=4)
    w1, w2, w3, _w4 = plan.weeks
    fz, machine = ("FZ", ""), ("", "MACHINE")
    # 72 h of work: 30 h in each of the two weeks before the due date, 12 h after it.
    assert [plan.load[fz].get(w, 0) for w in (w1, w2, w3)] == [30000, 30000, 12000]
    assert [plan.pct(fz, w) for w in (w1, w2, w3)] == [100, 100, 40]
    assert [plan.load[machine].get(w, 0) for w in (w1, w2, w3)] == [5000, 5000, 2000]
    assert plan.overloaded(fz, w2) and not plan.overloaded(fz, w1)  # 72 h wanted 30 h
    (late,) = plan.late
    assert late.number == num and late.weeks == {w1: 5000, w2: 5000, w3: 2000}
    assert late.late_days == 7  # ends on the third Friday, a week after the due date
    # Fabric: 36 m required, 20 m on hand, 16 m missing (1 280,00 DH at standard cost).
    (need,) = api.material_needs(atelier, due)
    assert (need.required_milli, need.on_hand_milli, need.missing_milli, need.missing_cost) == (
        36000, 20000, 16000, 128000)
    # A new order of 2 caftans could be ready at the earliest on the third week's Friday.
    assert api.earliest_date(atelier, "FZ", "CAFTAN", units(2), START) == w3 + dt.timedelta(days=4)


def test_completion_moves_the_stock_exactly(atelier: api.Books) -> None:
    num = api.add_order(atelier, "FZ", "CAFTAN", units(5), START + dt.timedelta(days=11))
    api.start_order(atelier, num, START)
    assert api.complete_order(atelier, num, START + dt.timedelta(days=5)) == "OD-2026-000002"
    with pytest.raises(InputError, match="déjà terminé"):
        api.complete_order(atelier, num, START + dt.timedelta(days=5))
    rows = {r.code: r for r in api.stock_report(atelier, "FZ", START + dt.timedelta(days=6))}
    assert rows["TISSU"].qty_milli == 20000 - 15000 and rows["CAFTAN"].qty_milli == 5000
    assert rows["CAFTAN"].unit_cost == 24000  # 3 m × 80 DH
    tb = {r.account: r for r in api.trial_balance(atelier, dimension="FZ").rows}
    # 20 m received (1 600 DH into 3121), 15 m consumed (1 200 DH out, into the goods).
    assert (tb["3121"].debit, tb["3121"].credit) == (160000, 120000)
    assert (tb["61241"].debit, tb["61241"].credit) == (120000, 160000)
    assert tb["3151"].debit == tb["71321"].credit == 120000
    assert api.list_orders(atelier)[0].status == "terminé"
    assert api.verify(atelier).ok


def test_completion_refuses_what_is_not_in_stock(atelier: api.Books) -> None:
    num = api.add_order(atelier, "FZ", "CAFTAN", units(7), START + dt.timedelta(days=11))
    with pytest.raises(InputError, match="matière TISSU : 21 m à consommer, 20 en stock"):
        api.complete_order(atelier, num, START)
    assert api.list_orders(atelier)[0].status == "planifié"
    api.stock_adjust(atelier, "TISSU", 1000, START, "Coupon retrouvé à l'atelier")
    assert api.complete_order(atelier, num, START) is not None


def test_days_off_take_hours_out_of_their_week(atelier: api.Books) -> None:
    api.set_capacity(atelier, "FZ", units(30), off=[DateSpan(D(2026, 3, 2), D(2026, 3, 3))])
    plan = api.production_plan(atelier, START, weeks=2)
    assert plan.capacity[("FZ", "")][plan.weeks[0]] == 18000  # 3 days of 5
    assert plan.capacity[("FZ", "")][plan.weeks[1]] == 30000


def test_bad_input(atelier: api.Books) -> None:
    with pytest.raises(InputError, match="motif : obligatoire"):
        api.stock_adjust(atelier, "TISSU", -1000, START, " ")
    with pytest.raises(InputError, match="deviendrait négatif"):
        api.stock_adjust(atelier, "TISSU", -25000, START, "casse")
    with pytest.raises(InputError, match="ressource « FOUR » inconnue"):
        api.set_bom(atelier, "CAFTAN", [BomItem("TISSU", units(3))],
                    resources=[BomItem("FOUR", units(1))])
    with pytest.raises(InputError, match="quantité"):
        api.add_order(atelier, "FZ", "CAFTAN", Quantity(-3000), START)


orders_strategy = st.lists(
    st.tuples(st.integers(1, 3), st.integers(1, 20), st.integers(0, 7),
              st.integers(1, 8), st.integers(0, 3)),
    min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(orders_strategy, st.integers(10, 50), st.integers(5, 40))
def test_no_week_is_loaded_over_capacity(specs: list[tuple[int, int, int, int, int]],
                                         hours: int, machine: int) -> None:
    weeks = [monday(START) + dt.timedelta(weeks=i) for i in range(8)]
    members = {f"M{i}": {w: hours * 1000 for w in weeks} for i in (1, 2, 3)}
    orders = [OrderIn(f"O{i:02d}", f"M{m}", qty * 1000, START + dt.timedelta(weeks=due, days=4),
                      {"": h * 1000, **({"MACH": mh * 500} if mh else {})})
              for i, (m, qty, due, h, mh) in enumerate(specs)]
    plan = schedule(orders, START, 8, members, {"MACH": machine * 1000})
    for key, per_week in plan.load.items():
        for w, used in per_week.items():
            assert used <= plan.capacity[key][w], (key, w)
    for o, s in zip(sorted(orders, key=lambda x: (x.due, x.number)), plan.orders, strict=True):
        assert sum(s.weeks.values()) + s.unplaced_milli == o.qty_milli
    # When everything could be done in its own due week or before, nothing is late.
    total = {m: sum(o.qty_milli * o.work[""] // 1000 for o in orders if o.member == m)
             for m in members}
    if all(o.due >= weeks[-1] for o in orders) and all(
            total[m] <= hours * 1000 * 8 for m in members) and sum(
            o.qty_milli * o.work.get("MACH", 0) // 1000 for o in orders) <= machine * 8000:
        assert not plan.late


def test_invoicing_a_made_product_takes_it_out_of_stock(atelier: api.Books) -> None:
    num = api.add_order(atelier, "FZ", "CAFTAN", units(2), START + dt.timedelta(days=4))
    api.complete_order(atelier, num, START + dt.timedelta(days=3))
    inv = api.create_and_issue(atelier, "facture", "FZ", "HOTEL", START + dt.timedelta(days=5),
                               [ProductLine("CAFTAN", units(1))])
    assert inv.warnings == ()
    stock = {r.code: r.qty_milli for r in api.stock_report(atelier, "FZ",
                                                           START + dt.timedelta(days=6))}
    assert stock["CAFTAN"] == 1000
    more = api.create_and_issue(atelier, "facture", "FZ", "HOTEL",
                                START + dt.timedelta(days=6), [ProductLine("CAFTAN", units(3))])
    assert more.warnings and "CAFTAN : 3 facturé(s), 1 en stock" in more.warnings[0]
    tb = {r.account: r for r in api.trial_balance(atelier, dimension="FZ").rows}
    # 2 made at 240 DH, 4 sold: the stock account ends at 2 × 240 − 4 × 240.
    assert tb["3151"].debit - tb["3151"].credit == 48000 - 96000
    assert api.verify(atelier).ok


def test_a_supplier_bill_line_brings_material_into_stock(atelier: api.Books) -> None:
    api.add_expense(atelier, "FZ", "TISSUS", START, "61211", 100000, Rate(2000),
                    material=MaterialIn("TISSU", Quantity(12500)))
    rows = {r.code: r for r in api.stock_report(atelier, "FZ", START)}
    assert rows["TISSU"].qty_milli == 32500  # 20 + 12,5
    moves_cost = 8000  # 1 000 DH / 12,5 m = 80,00 DH per metre
    tb = {r.account: r for r in api.trial_balance(atelier, dimension="FZ").rows}
    assert tb["3121"].debit == 160000 + 12500 * moves_cost // 1000
    with pytest.raises(InputError, match="quantité") as bad:
        api.add_expense(atelier, "FZ", "TISSUS", START, "61211", 1000, Rate(2000),
                        material=MaterialIn("TISSU", Quantity(0)))
    assert bad.value.field == "material"


def test_statement_gains_the_months_production(atelier: api.Books) -> None:
    done = api.add_order(atelier, "FZ", "CAFTAN", units(2), START + dt.timedelta(days=4))
    api.complete_order(atelier, done, START + dt.timedelta(days=3))
    api.add_order(atelier, "FZ", "CAFTAN", units(4), START + dt.timedelta(days=25))
    st = api.member_statement(atelier, "FZ", Month(2026, 3))
    assert [(p.number, p.status, p.quantity_milli, p.material_cost) for p in st.production] == [
        (done, "terminé", 2000, 48000), ("OF-2026-00002", "planifié", 4000, 0)]


def test_statement_pdf_shows_the_production(atelier: api.Books, tmp_path: Path) -> None:
    from pypdf import PdfReader

    done = api.add_order(atelier, "FZ", "CAFTAN", units(2), START + dt.timedelta(days=4))
    api.complete_order(atelier, done, START + dt.timedelta(days=3))
    (path,) = api.write_statements(atelier, Month(2026, 3), tmp_path, ["FZ"])
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(path)).pages)
                    .replace("\xa0", " ").split())
    assert "Production" in text and done in text and "480,00 DH" in text


def test_a_plan_made_midweek_counts_only_the_days_left(atelier: api.Books) -> None:
    plan = api.production_plan(atelier, START + dt.timedelta(days=2), weeks=2)  # Wednesday
    assert plan.weeks[0] == START
    assert plan.capacity[("FZ", "")][START] == 18000  # 3 days of 5 of 30 h
    assert plan.capacity[("", "MACHINE")][START] == 21000
    assert plan.capacity[("FZ", "")][plan.weeks[1]] == 30000


def test_the_bill_of_materials_read_back(atelier: api.Books) -> None:
    b = api.get_bom(atelier, "caftan")
    assert (b.product, b.materials, b.hours, b.resources) == (
        "CAFTAN", (BomItem("TISSU", units(3)),), units(6), (BomItem("MACHINE", units(1)),))


def test_errors_carry_the_parameter_and_the_item(atelier: api.Books) -> None:
    """A refusal names the façade parameter it is about and, in a list, the item (1-based);
    the message says the French thing, never a command-line option."""
    def refused(call: Any, *args: Any, **kw: Any) -> InputError:
        with pytest.raises(InputError) as exc:
            call(atelier, *args, **kw)
        assert "--" not in exc.value.message
        return exc.value

    e = refused(api.set_bom, "CAFTAN", [BomItem("TISSU", units(3)), BomItem("FIL", units(2))])
    assert (e.field, e.line) == ("materials", 2) and "FIL" in e.message
    e = refused(api.set_bom, "CAFTAN", [BomItem("TISSU", units(3)),
                                        BomItem("TISSU", units(1))])
    assert (e.field, e.line, e.code) == ("materials", 2, "materials.duplicate")
    e = refused(api.set_bom, "CAFTAN", [], None, [BomItem("MACHINE", units(1)),
                                                  BomItem("FOUR", units(1))])
    assert (e.field, e.line) == ("resources", 2)
    e = refused(api.set_bom, "CAFTAN", [], Quantity(-1000))
    assert e.field == "hours"
    e = refused(api.set_bom, "NOPE", [])
    assert e.field == "product"
    e = refused(api.set_capacity, "FZ", units(30), [DateSpan(D(2026, 3, 9), D(2026, 3, 13)),
                                                    DateSpan(D(2026, 3, 20), D(2026, 3, 16))])
    assert (e.field, e.line) == ("off", 2) and "précède" in e.message
    assert refused(api.set_capacity, "XX", units(30)).field == "member"
    assert refused(api.add_order, "FZ", "CAFTAN", Quantity(0), START).field == "qty"
    assert refused(api.add_order, "FZ", "NOPE", units(1), START).field == "product"
    assert refused(api.add_order, "FZ", "CAFTAN", units(1), START, customer="X").field == \
        "customer"
    assert refused(api.complete_order, "OF-2026-00099").field == "number"
    num = api.add_order(atelier, "FZ", "CAFTAN", units(7), START)
    e = refused(api.complete_order, num, START)
    assert (e.field, e.code) == ("qty", "stock.short")
    assert refused(api.stock_receive, "NOPE", units(1), START).field == "material"
    assert refused(api.stock_adjust, "TISSU", -30000, START, "casse").field == "qty"
    assert refused(api.stock_adjust, "TISSU", 1000, START, "").field == "reason"
    assert refused(api.add_material, "TISSU", "FZ", "Tissu", "m").field == "code"
    assert refused(api.add_material, "LIN", "FZ", "Lin", "").field == "unit"
    assert refused(api.add_resource, "FOUR", "Four", Quantity(0)).field == "hours"
    # nothing of the refused calls was written
    assert api.get_order(atelier, num).status == "planifié"
    assert [m.code for m in api.list_materials(atelier)] == ["TISSU"]
    assert [(c.member, c.hours_milli, c.off) for c in api.list_capacities(atelier)] == [
        ("FZ", 30000, ())]


def test_the_edges_parse_items_and_spans() -> None:
    """``CODE:QTÉ`` and ``AAAA-MM-JJ:AAAA-MM-JJ`` as the command line and the forms read them;
    a bad item is refused with its position."""
    from ecp.production.specs import parse_items, parse_spans

    assert parse_items(["tissu:3", "FIL:0,5"], "matières", "materials") == [
        BomItem("TISSU", Quantity(3000)), BomItem("FIL", Quantity(500))]
    with pytest.raises(InputError) as exc:
        parse_items(["TISSU:3", "FIL"], "matières", "materials")
    assert (exc.value.field, exc.value.line) == ("materials", 2)
    with pytest.raises(InputError) as exc:
        parse_items(["TISSU:-3"], "matières", "materials")
    assert (exc.value.field, exc.value.line) == ("materials.qty", 1)
    assert parse_spans(["2026-03-02:06/03/2026"]) == [DateSpan(D(2026, 3, 2), D(2026, 3, 6))]
    with pytest.raises(InputError) as exc:
        parse_spans(["2026-03-02:2026-03-06", "2026-02-30:2026-03-01"])
    assert (exc.value.field, exc.value.line) == ("off", 2)
