"""The Balance screen (F3) on the demo: after the TOTAL, the entity's « dont hors flux
internes » and « dont flux internes » (TrialBalance.total(field, internal=…), issue 14), as
``ecp report trial-balance`` prints them; none of the three opens a ledger."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import DataTable

from ecp import api
from ecp.reports.tables import TRIAL_BALANCE_FIELDS
from ecp.tui.app import EcpApp
from ecp.tui.screens.reports import BalanceScreen
from tests.tui.test_reports import amount, cells

SIZE = (140, 40)


async def test_balance_splits_the_internal_flows(demo_path: Path) -> None:
    """The demo's internal accounts are 44881 (liaison), 61468 and 71248 (the members'
    contributions): each total row is the sum of its group's rows, the two groups add up to
    the TOTAL, and the internal credit closing is 71248's alone (44881 is settled to zero
    on the entity's books)."""
    books = api.open_books(str(demo_path))
    tb = api.trial_balance(books)
    app = EcpApp(books, today=dt.date(2026, 11, 28))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, BalanceScreen)
        table = app.screen.query_one("#balance", DataTable)
        rows = cells(table)
        assert [r[0] for r in rows[:-3]] == [r.account for r in tb.rows if not r.internal] \
            + [r.account for r in tb.rows if r.internal]
        assert [r.account for r in tb.rows if r.internal] == ["44881", "61468", "71248"]
        assert [r[:2] for r in rows[-3:]] == [["", "TOTAL"], ["", "dont hors flux internes"],
                                              ["", "dont flux internes"]]
        for row, flag in zip(rows[-3:], (None, False, True), strict=True):
            assert [amount(c) for c in row[2:]] == [tb.total(f, flag)
                                                    for f in TRIAL_BALANCE_FIELDS]
        by_account = {r.account: r for r in tb.rows}
        assert amount(rows[-1][7]) == by_account["71248"].closing_credit > 0
        assert amount(rows[-2][6]) + amount(rows[-1][6]) == amount(rows[-3][6])
        # Entrée on a total row stays on the Balance
        table.move_cursor(row=table.row_count - 1)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BalanceScreen)
