"""Paying the month's CNSS and IR withheld from the TUI (issue 14): the palette's « paie : payer
la CNSS du mois » and « paie : payer l'IR retenu du mois » open a form on the Membres screen
(the twins of ``ecp social pay`` / ``ecp ir pay``).

THE BOOKS — the sales test books; November 2026: FZ (one dependant) paid gross 6 500,00 on the
30th, KH (no dependant) gross 8 000,00 on the 28th (figures worked by hand in
tests/members/test_payroll_report.py): 4441 credited FZ 1 741,65, KH 1 957,20 (3 698,85);
44525 credited FZ 5,93, KH 276,75 (282,68). The app's today: 10 December 2026, so the form
offers November and the 10th."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from textual.widgets import Input

from ecp import api
from ecp.db.models import Entry
from ecp.kernel.periods import Period
from ecp.ledger.entry import LineSpec
from ecp.tui.screens.members import MembersScreen, PayrollPayScreen
from tests.tui.pilot import field_error, palette, run_app, type_text, until

D = dt.date
TODAY = D(2026, 12, 10)
NOV = Period.parse("2026-11")


def _payroll(books: api.Books) -> None:
    api.set_route(books, "FZ", "salarie", D(2026, 11, 1), cnss="123456789", dependants=1)
    api.set_route(books, "KH", "salarie", D(2026, 11, 1), cnss="987654321", dependants=0)
    for member, cents in (("FZ", 1_000_000), ("KH", 1_200_000)):
        api.post_entry(books, "BQ", D(2026, 11, 2), f"Recette {member}",
                       [LineSpec("5141", member, cents), LineSpec("7111", member, -cents)])
    api.add_payout(books, "KH", gross=800_000, day=D(2026, 11, 28))
    api.add_payout(books, "FZ", gross=650_000, day=D(2026, 11, 30))


def _count(books: api.Books) -> int:
    with books.engine.connect() as c:
        return len(c.execute(select(Entry.id)).all())


async def test_pay_cnss_then_ir_from_the_palette(sales: api.Books) -> None:
    _payroll(sales)
    async with run_app(sales, today=TODAY) as (app, pilot):
        await palette(pilot, "paie : payer la CNSS du mois")
        await until(pilot, lambda: isinstance(app.screen, PayrollPayScreen))
        assert app.screen.query_one("#period", Input).value == "2026-11"
        assert app.screen.query_one("#day", Input).value == "10/12/2026"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MembersScreen))
        paid = api.payroll_month(sales, NOV).cnss_paid
        assert paid is not None and (paid.amount, paid.per_dimension, paid.day) == (
            369_885, (("FZ", 174_165), ("KH", 195_720)), TODAY)

        # IR: a month with no payslip is refused under the month's field, nothing written
        await palette(pilot, "paie : payer l'IR retenu du mois")
        await until(pilot, lambda: isinstance(app.screen, PayrollPayScreen))
        before = _count(sales)
        period = app.screen.query_one("#period", Input)
        period.value = ""
        period.focus()
        await type_text(pilot, "2026-10")
        await pilot.press("enter")
        await until(pilot, lambda: "rien à payer" in field_error(app, "period"))
        assert _count(sales) == before
        period.value = "2026-11"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MembersScreen))
        ir = api.payroll_month(sales, NOV).ir_paid
        assert ir is not None and (ir.amount, ir.reference) == (28_268, "IR-2026-11")
