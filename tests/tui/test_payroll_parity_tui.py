"""TUI parity of the payroll (issue 14): the palette's « avance : remboursement par le membre »
(the twin of ``ecp advance repay``) and « paie : état du mois » (``ecp report payroll
--period``), both on the Membres screen.

THE BOOKS — the sales test books; FZ salarié from 1 November 2026 (one dependant), its
treasury fed by a receipt of 10 000,00 on 2 November; a solidarity advance of 1 000,00 on
5 November, repaid by default a quarter a month (1 000,00 / 4 = 250,00); then its salary of
gross 6 500,00 on 30 November. The payslip's figures are worked by hand in
tests/members/test_payroll_report.py and tests/members/test_remuneration.py (the same FZ,
gross 6 500,00, one dependant): net to pay 6 078,37 DH, IR withheld 5,93 — of which 250,00 is
withheld for the advance (5 828,37 paid); the payroll's « Net à payer » is the payslip's net,
6 078,37. The app's today: 10 December 2026, so the forms offer November (the previous month)
and the 10th.

Repayment, worked by hand: owed back on 10 December = 1 000,00 − 250,00 withheld = 750,00.
1 000,00 is refused under the amount (1 000,00 > 750,00), nothing written. 400,00 is repaid:
BQ 5141 FZ D 400,00 / 3431 FZ C 400,00 (third party FZ); owed back after it:
750,00 − 400,00 = 350,00."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import DataTable, Input, Select

from ecp import api
from ecp.db.models import Entry, Line
from ecp.ledger.entry import LineSpec
from ecp.tui.screens import members as members_screen
from ecp.tui.screens.members import AdvanceRepayScreen, MembersScreen, PayrollMonthScreen
from tests.tui.pilot import field_error, goto, palette, rows, run_app, settle, shown, until

D = dt.date
TODAY = D(2026, 12, 10)


def _books(books: api.Books) -> None:
    api.set_route(books, "FZ", "salarie", D(2026, 11, 1), cnss="123456789", dependants=1)
    api.post_entry(books, "BQ", D(2026, 11, 2), "Recette FZ",
                   [LineSpec("5141", "FZ", 1_000_000), LineSpec("7111", "FZ", -1_000_000)])
    api.add_payout(books, "FZ", 100_000, D(2026, 11, 5), advance=True, reason="Loyer")
    api.add_payout(books, "FZ", gross=650_000, day=D(2026, 11, 30))


def _count(books: api.Books) -> int:
    with books.engine.connect() as c:
        return len(c.execute(select(Entry.id)).all())


def _lines(books: api.Books, ref: str) -> list[tuple[str, str, int, str | None]]:
    journal, year, number = ref.split("-")
    with books.engine.connect() as c:
        eid = c.scalar(select(Entry.id).where(Entry.journal == journal,
                                              Entry.fiscal_year == int(year),
                                              Entry.number == int(number)))
        return [(r.account, r.dimension, r.amount, r.third_party) for r in c.execute(
            select(Line.account, Line.dimension, Line.amount, Line.third_party)
            .where(Line.entry_id == eid).order_by(Line.line_no))]


def _last_ref(books: api.Books) -> str:
    with books.engine.connect() as c:
        e = c.execute(select(Entry.journal, Entry.fiscal_year, Entry.number)
                      .order_by(Entry.id.desc()).limit(1)).one()
    return f"{e.journal}-{e.fiscal_year}-{e.number:06d}"


async def test_repay_advance_refuses_more_than_owed_then_repays(sales: api.Books) -> None:
    _books(sales)
    assert api.advance_outstanding(sales, "FZ", TODAY) == 75_000
    async with run_app(sales, today=TODAY) as (app, pilot):
        screen = await goto(pilot, "membres")
        assert isinstance(screen, MembersScreen)
        table = screen.query_one("#members", DataTable)
        table.move_cursor(row=table.get_row_index("FZ"))
        await palette(pilot, "avance : remboursement par le membre")
        await until(pilot, lambda: isinstance(app.screen, AdvanceRepayScreen))
        form = app.screen
        assert form.query_one("#member", Select).value == "FZ"  # the current row
        amount = form.query_one("#amount", Input)
        assert amount.value == "750,00"  # proposed: what FZ still owes back today
        assert form.query_one("#day", Input).value == "10/12/2026"
        assert "750,00 DH" in shown(app, "#owed")

        # more than owed: refused under the amount, nothing written
        before = _count(sales)
        amount.value = "1 000,00"
        amount.focus()
        await pilot.press("enter")
        await until(pilot, lambda: "dépasse l'avance" in field_error(app, "amount"))
        assert "(750,00 DH)" in field_error(app, "amount")
        assert isinstance(app.screen, AdvanceRepayScreen)
        assert _count(sales) == before
        assert api.advance_outstanding(sales, "FZ", TODAY) == 75_000

        amount.value = "400"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MembersScreen))
        await settle(pilot)
    assert _count(sales) == before + 1
    ref = _last_ref(sales)
    assert ref.startswith("BQ-2026-")
    assert _lines(sales, ref) == [("5141", "FZ", 40_000, None), ("3431", "FZ", -40_000, "FZ")]
    assert api.advance_outstanding(sales, "FZ", TODAY) == 35_000


async def test_payroll_month_shows_fz_and_exports_csv(
        sales: api.Books, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _books(sales)
    monkeypatch.setattr(members_screen, "EXPORT_DIR", tmp_path)
    async with run_app(sales, today=TODAY) as (app, pilot):
        await palette(pilot, "paie : état du mois")
        await until(pilot, lambda: isinstance(app.screen, PayrollMonthScreen))
        assert app.screen.query_one("#period", Input).value == "2026-11"
        await until(pilot, lambda: rows(app, "#payroll"))
        got = rows(app, "#payroll")
        fz = next(r for r in got if r[1] == "FZ")
        assert (fz[0], fz[5], fz[-3], fz[-2]) == ("123456789", "6 500,00", "5,93", "6 078,37")
        assert got[-1][2] == "Total" and got[-1][-2] == "6 078,37"
        assert shown(app, "#payroll-title").startswith("Paie 2026-11 — CNSS à payer")

        await pilot.press("c")
        await until(pilot, lambda: (tmp_path / "paie-2026-11.csv").exists())
        csv = (tmp_path / "paie-2026-11.csv").read_text(encoding="utf-8")
        assert csv.splitlines()[0].startswith("cnss,membre,nom,")
        assert any(ln.startswith("123456789,FZ,") and ",6078.37," in ln
                   for ln in csv.splitlines())

        # a month that is not one: refused under the month, the table kept
        period = app.screen.query_one("#period", Input)
        period.value = "2026-13"
        period.focus()
        await pilot.press("enter")
        await until(pilot, lambda: field_error(app, "period") != "")
        assert any(r[1] == "FZ" for r in rows(app, "#payroll"))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MembersScreen))
