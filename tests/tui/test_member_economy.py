"""The member's economy on screen, keyboard only with Pilot: FZ's page for a worked month (the
treasury of 1 950,00 after the contribution), a payout beyond it refused next to the amount
with the guard's reason, the same as a solidarity advance with its reason, and the month-end
checklist run step by step to the lock. Each test checks the screen and what the books hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, ProgressBar

from ecp import api
from ecp.kernel.periods import Month
from ecp.tui.app import EcpApp
from ecp.tui.screens.closing import ClosingScreen
from ecp.tui.screens.member_page import MemberPageScreen, PayoutFormScreen
from ecp.tui.screens.members import MembersScreen
from ecp.tui.screens.month_end import ConfirmMonthEndScreen, MonthEndScreen
from tests.members.test_economy import worked_month
from tests.tui.pilot import field_error, rows, shown, type_text, until

TODAY = dt.date(2026, 4, 6)  # March is over: its page, its payouts, its month end
SIZE = (150, 45)


async def open_fz_march(app: EcpApp, pilot: Pilot[Any]) -> MemberPageScreen:
    await pilot.press("f6")
    assert isinstance(app.screen, MembersScreen)
    await pilot.press("p")  # FZ is the first member
    await until(pilot, lambda: isinstance(app.screen, MemberPageScreen))
    page = app.screen
    assert isinstance(page, MemberPageScreen) and page.member == "FZ"
    assert page.query_one("#month", Input).value == "2026-04"
    await pilot.press("m", "ctrl+u")
    await type_text(pilot, "2026-03")
    await pilot.press("enter")
    await pilot.pause()
    return page


async def test_member_page_payout_guard_and_advance(sales: api.Books) -> None:
    a, b = worked_month(sales)
    api.contribution_run(sales, Month(2026, 3))
    app = EcpApp(sales, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_fz_march(app, pilot)
        assert "Fatima Zahra" in shown(app, "#identity")
        assert "فاطمة الزهراء" in shown(app, "#identity")
        assert "contribution 10 %" in shown(app, "#identity")
        treasury = shown(app, "#treasury")
        assert "Disponible pour versement au 31/03/2026" in treasury
        assert "disponible pour versement 1 950,00 DH" in treasury
        assert "TVA due 440,00" in treasury and "contribution due à l'ECP 250,00" in treasury \
            and "autres sommes dues à l'ECP 0,00" in treasury
        assert "Créances clients encore dues 600,00 DH" in treasury
        assert [r[0] for r in rows(app, "#t-invoices")] == [a, b]
        assert [r[4] for r in rows(app, "#t-payments")] == ["2 400,00", "600,00"]
        assert rows(app, "#t-expenses")[0][3:] == ["300,00", "60,00", "360,00"]
        assert rows(app, "#t-contribution") == [["2026-03", "2 500,00", "10 %", "250,00",
                                                 "250,00"]]
        (rec,) = rows(app, "#t-receivables")
        # invoiced on 9 March, due 60 days later: not yet due on 31 March
        assert rec[0] == b and rec[4] == "600,00" and rec[5] == "à échoir"
        assert rows(app, "#t-payouts") == []

        # Beyond the treasury: refused next to the amount, with the guard's reason.
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, PayoutFormScreen))
        assert "Disponible pour versement au 31/03/2026 : 1 950,00 DH" in shown(app, "#available")
        await type_text(pilot, "2 500,00")
        await pilot.pause()
        # FZ is salaried: the net 2 500,00 needs a gross of 2 680,67 (employee CNSS 13,94 +
        # 106,15 + AMO 60,58 = 180,67, no IR), employer 171,56 + 28,15 + 212,58 + 110,18 +
        # 42,89 = 565,36: a cost of 3 246,03 against 1 950,00
        assert "après ce versement : -1 296,03 DH" in shown(app, "#available")
        assert "net 2 500,00" in shown(app, "#payslip") \
            and "coût total 3 246,03 DH" in shown(app, "#payslip")
        assert "Salarié (CNSS 100200300" in shown(app, "#route")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PayoutFormScreen)
        err = field_error(app, "amount")
        assert "coût total de la paie, 3 246,03 DH" in err
        assert "dépasse la trésorerie disponible de FZ" in err
        assert "1 950,00 DH" in err and "avance de solidarité" in err
        assert api.member_statement(sales, "FZ", Month(2026, 3)).payouts == ()

        # As a solidarity advance: the reason is required, then it goes through.
        # gross, invoice, date, mode, the advance box
        await pilot.press("tab", "tab", "tab", "tab", "tab", "space")
        await pilot.pause()
        await pilot.press("enter")  # in the reason field, still empty
        await pilot.pause()
        assert field_error(app, "reason").startswith("motif : obligatoire")
        await type_text(pilot, "Machine a coudre en panne")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MemberPageScreen))
        await pilot.pause()
        assert rows(app, "#t-payouts") == [["VR-2026-000001", "31/03/2026", "2 500,00",
                                            "avance vir.", "Machine a coudre en panne"]]
        pdf = api.payout_pdf(sales, "VR-2026-000001")
        message = shown(app, "#message")
        assert "Avance de solidarité VR-2026-000001 : 2 500,00 DH" in message
        assert str(pdf) in message and pdf.exists()
        assert "disponible pour versement -550,00 DH" in shown(app, "#treasury")

        # The member's statement for the month, its path on the page.
        await pilot.press("r")
        await pilot.pause()
        path = Path(shown(app, "#message").split(" : ", 1)[1])
        assert path.name == "releve-2026-03-FZ.pdf" and path.exists()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MembersScreen)
    (p,) = api.member_statement(sales, "FZ", Month(2026, 3)).payouts
    assert (p.amount, p.advance, p.reason) == (250000, True, "Machine a coudre en panne")


async def test_payout_from_the_palette_within_the_treasury(sales: api.Books) -> None:
    worked_month(sales)
    api.contribution_run(sales, Month(2026, 3))
    app = EcpApp(sales, today=dt.date(2026, 3, 31))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6", "ctrl+p")
        await type_text(pilot, "membre : versement")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PayoutFormScreen))
        await type_text(pilot, "1234.50")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MemberPageScreen))
        await pilot.pause()
        assert rows(app, "#t-payouts")[0][2:4] == ["1 234,50", "versement vir."]
        # FZ is salaried: the net 1 234,50 on a gross of 1 323,72, employer charges 279,17,
        # a cost of 1 602,89: 1 950,00 − 1 602,89 = 347,11 left
        assert "disponible pour versement 347,11 DH" in shown(app, "#treasury")


async def test_month_end_checklist_runs_to_the_lock(sales: api.Books) -> None:
    worked_month(sales)
    app = EcpApp(sales, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        assert isinstance(app.screen, ClosingScreen)
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, MonthEndScreen))
        screen = app.screen
        assert isinstance(screen, MonthEndScreen)
        assert screen.query_one("#month", Input).value == "2026-03"
        await pilot.press("enter")  # in the month field: launch, after the confirmation
        await until(pilot, lambda: isinstance(app.screen, ConfirmMonthEndScreen))
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen and not screen.running
                    and "clôturé" in shown(app, "#outcome"))
        steps = [shown(app, f"#step-{i}") for i in range(8)]
        assert all(s.startswith("✓ ") for s in steps), steps
        assert "aucun brouillon daté dans le mois" in steps[1]
        assert "250,00 DH dus pour le mois" in steps[2]
        assert "3 relevés dans" in steps[6]
        assert "mois 2026-03 verrouillé" in steps[7]
        assert shown(app, "#outcome") == "2026-03 clôturé : les 8 étapes sont passées."
        bar = screen.query_one("#progress", ProgressBar)
        assert (bar.progress, bar.total) == (3, 3)
        assert "Relevés : 3/3" in shown(app, "#progress-label")
        # Once closed, the month is refused a second run.
        await pilot.press("l")
        await pilot.pause()
        assert "déjà clôturé" in shown(app, "#outcome")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ClosingScreen)
    assert api.month_is_closed(sales, Month(2026, 3))
    folder = api.statements_dir(sales, Month(2026, 3))
    assert sorted(p.name for p in folder.glob("*.pdf")) == [
        f"releve-2026-03-{m}.pdf" for m in ("FZ", "KH", "YS")]


async def test_members_show_their_treasury_and_run_the_contribution(sales: api.Books) -> None:
    """F6: the member balances (ecp report member-balances) beside each member; k runs the
    month's contribution (ecp contribution run), twice without posting twice."""
    worked_month(sales)
    app = EcpApp(sales, today=dt.date(2026, 3, 31))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await until(pilot, lambda: isinstance(app.screen, MembersScreen))
        fz = next(r for r in rows(app, "#members") if r[0] == "FZ")
        assert fz[-1] == "2 200,00"  # before the contribution
        await pilot.press("k")
        await pilot.pause()
        fz = next(r for r in rows(app, "#members") if r[0] == "FZ")
        assert fz[-1] == "1 950,00"
        await pilot.press("k")
        await pilot.pause()
    lines = api.contribution_run(sales, Month(2026, 3))
    assert sum(c.posted_now for c in lines) == 0
    assert next(c for c in lines if c.member == "FZ").due == 25000
