"""Issue 17, items 3 and 6: every list uses the terminal's width. On the demo books, each job
screen at 120×40 and 200×50: the longest value of its wide (flexible) column among the rows
shown and its largest amount appear whole in the rendered screen; the entry detail fills the
screen, shows every column whole and scrolls.

What a screen shows is read from its compositor (the lines the terminal gets), so a value cut
by its column, or pushed off the right edge, is not found."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from ecp import api
from ecp.tui.app import EcpApp
from ecp.tui.kit.table import FastTable, PagedTable
from tests.tui.pilot import goto, run_app, settle

TODAY = dt.date(2026, 11, 28)
AMOUNT = re.compile(r"^-?\d{1,3}( \d{3})*,\d{2}$")
# the main table of each F-screen (F4, the ledger, waits for an account: see the dashboard's
# cash, which opens it; F8 and F12 hold no rows on the demo)
TABLES = {"f1": ("#figures", "#cash"), "f2": ("#entries",), "f3": ("#balance",),
          "f5": ("#journal",), "f6": ("#members",), "f7": ("#accounts",),
          "f9": ("#t-factures",), "f10": ("#ret-table",), "f11": ("#t-ordres",)}
# Where the longest text cannot fit at 120 columns (the other columns, whole, leave less):
#   F3: code 5 + six amount columns (10 + 11 + 10 + 12 + 10 + 12 = 65) + 8 × 2 padding + 2 of
#       scroll bar = 88: the names get 120 - 88 = 32 cells, « État - TVA récupérable sur les
#       charges (Transitoire) » needs 52;
#   F5: date 10 + number 14 + account 5 + name cut to 14 + dim. 4 + 10 + 10 + 8 × 2 + 2 = 85:
#       the label gets 35, « Contribution services partagés 10/2026 - M001 » needs 46;
#   F2: date 10 + number 14 + reference and dimensions cut to 14 each + amount 8 + 6 × 2 + 2
#       = 74: the label gets 46, « Paiement IR retenu à la source 2026-10 (virement
#       bancaire) » needs 58;
#   F6: code 4 + Arabic name cut to 14 + activity 9 + date 10 + status 6 + « Contrib. % » 10 +
#       « Disponible pour versement (DH) » 30 + 8 × 2 = 99: the name gets 21, « Fatima Zahra
#       El Idrissi » needs 23;
#   F9: its ten columns need 124 (« partiellement payé » 18): the table scrolls sideways.
CUT_AT_120 = {"f2", "f3", "f5", "f6", "f9"}


def screen_text(app: EcpApp) -> str:
    """The rendered screen, line by line, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def plain(cell: Any) -> str:
    return str(cell).strip()


def visible_rows(t: DataTable[Any]) -> list[list[str]]:
    """The rows in the table's viewport (the screens open at their top)."""
    shown = max(0, t.scrollable_content_region.height - (1 if t.show_header else 0))
    return [[plain(c) for c in t.get_row_at(i)] for i in range(min(t.row_count, shown))]


def longest_wide(t: DataTable[Any]) -> str:
    """The longest value of the table's flexible column among the rows shown."""
    assert isinstance(t, FastTable)
    key = t.flex_key()
    assert key is not None, f"{t.id} : pas de colonne de texte large"
    i = list(t.columns).index(key)
    return max((r[i] for r in visible_rows(t)), key=len)


def largest_amount(t: DataTable[Any]) -> str | None:
    amounts = [c for r in visible_rows(t) for c in r if AMOUNT.match(c)]
    return max(amounts, key=lambda a: int(a.replace(" ", "").replace(",", "")), default=None)


@pytest.fixture
def demo_books(demo_path: Path) -> api.Books:
    return api.open_books(str(demo_path))


@pytest.mark.parametrize("size", [(120, 40), (200, 50)])
async def test_each_screen_shows_its_longest_text_and_largest_amount_whole(
        demo_books: api.Books, size: tuple[int, int]) -> None:
    missing: list[str] = []
    async with run_app(demo_books, today=TODAY, size=size) as (app, pilot):
        for key, selectors in TABLES.items():
            await goto(pilot, key)
            await settle(pilot)
            await pilot.pause(0.2)
            text = screen_text(app)
            for sel in selectors:
                t = app.screen.query_one(sel, DataTable)
                assert t.row_count, f"{key} {sel} : aucune ligne"
                wanted = [largest_amount(t)]
                if not (size[0] == 120 and key in CUT_AT_120):
                    wanted.append(longest_wide(t))
                missing += [f"{key} {sel} : « {w} »" for w in wanted if w and w not in text]
                if key == "f1":  # the dashboard: every figure and name whole
                    missing += [f"{key} {sel} : « {c} »" for r in visible_rows(t) for c in r
                                if c not in text]
    demo_books.engine.dispose()
    assert missing == []


@pytest.mark.parametrize("size", [(120, 40), (200, 50)])
async def test_the_longest_names_at_200_columns(demo_books: api.Books,
                                               size: tuple[int, int]) -> None:
    """At 200 columns the longest account name of the demo, « État - TVA récupérable sur les
    charges (Transitoire) » (34554, 52 characters) is whole in the balance (F3) and the
    journals (F5) next to 34552's « État - TVA récupérable sur les charges » (no longer alike);
    « Hôtel Continental » whole in the invoices (F9). At 120, the invoices' amounts are."""
    long_name = "État - TVA récupérable sur les charges (Transitoire)"
    async with run_app(demo_books, today=TODAY, size=size) as (app, pilot):
        seen = {}
        for key in ("f3", "f5", "f9"):
            await goto(pilot, key)
            await settle(pilot)
            await pilot.pause(0.2)
            seen[key] = screen_text(app)
    demo_books.engine.dispose()
    if size[0] == 200:
        assert long_name in seen["f3"]
        assert "État - TVA récupérable sur les charges " in seen["f3"]
        assert "Hôtel Continental" in seen["f9"]
    # F-2026-000004 : TTC 8 640,00, payé 4 000,00, reste 4 640,00 (the demo's largest TTC)
    assert re.search(r"F-2026-000004 .* 8 640,00 +4 000,00 +4 640,00", seen["f9"])


@pytest.mark.parametrize("size", [(120, 40), (200, 50)])
async def test_the_entry_detail_uses_the_screen_and_shows_every_column(
        demo_books: api.Books, size: tuple[int, int]) -> None:
    """F2, Entrée on the newest entry: the detail is as wide as the screen (less the dialog's
    border), every cell of its lines whole: account names, debits and credits."""
    async with run_app(demo_books, today=TODAY, size=size) as (app, pilot):
        await goto(pilot, "f2")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(0.2)
        t = app.screen.query_one("#lines", FastTable)
        assert app.screen.query_one("#detail").size.width >= size[0] - 6
        text = screen_text(app)
        rows = visible_rows(t)
        assert rows
        cut = [c for r in rows for c in r if c and c not in text]
        assert cut == []
        assert "Crédit" in text
    demo_books.engine.dispose()


async def test_the_entry_detail_scrolls_with_the_arrows(demo_books: api.Books) -> None:
    """On a terminal 14 lines high, the detail of an entry of 8 lines cannot show them all:
    Down moves through them and the table scrolls to show the last one."""
    async with run_app(demo_books, today=TODAY, size=(120, 14)) as (app, pilot):
        await goto(pilot, "f2")
        await settle(pilot)
        entries = app.screen.query_one("#entries", PagedTable)
        assert entries.page is not None
        keys = entries.page.keys
        big = max(range(min(entries.row_count, 30)),
                  key=lambda i: len(api.entry_detail(demo_books, keys[i][1]).lines))
        entries.move_cursor(row=big)
        await pilot.press("enter")
        await settle(pilot)
        t = app.screen.query_one("#lines", FastTable)
        n = t.row_count
        shown = t.scrollable_content_region.height - 1
        assert n > shown, (n, shown)
        last = [plain(c) for c in t.get_row_at(n - 1)]
        await pilot.press(*["down"] * n)
        await pilot.pause(0.2)
        assert t.cursor_row == n - 1
        assert t.scroll_y > 0
        text = screen_text(app)
        assert all(c in text for c in last if c)
        before = t.scroll_y
        await pilot.press("pageup")
        await pilot.pause(0.2)
        assert t.cursor_row < n - 1
        assert t.scroll_y < before
    demo_books.engine.dispose()
