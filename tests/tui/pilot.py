"""Shared Pilot helpers of the TUI tests: open books in the app, go to a screen, type, wait,
read what a table, a label or a field's error shows.

    async with run_app(books, today=TODAY) as (app, pilot):
        await goto(pilot, "f9")
        await type_text(pilot, "Hôtel Rif")
        await until(pilot, lambda: rows(app, "#list"))
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ecp import api
from ecp.tui.app import EcpApp
from ecp.tui.kit.forms import FieldError
from ecp.tui.kit.palette import SCREENS

SIZE = (160, 45)
FKEYS = {mode: key for mode, _, key in SCREENS}


@asynccontextmanager
async def run_app(books: api.Books, today: dt.date | None = None,
                  size: tuple[int, int] = SIZE) -> AsyncIterator[tuple[EcpApp, Pilot[Any]]]:
    """The app on ``books``, headless, its first screen (the Tableau de bord) shown."""
    app = EcpApp(books, today=today)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        yield app, pilot


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` key by key in the focused field."""
    await pilot.press(*("space" if c == " " else c for c in text))


async def until(pilot: Pilot[Any], cond: Callable[[], object], seconds: float = 20) -> None:
    """Let the app run until ``cond()`` holds (workers, timers, screens mounting)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while True:
        await pilot.pause()
        if cond():
            return
        if loop.time() > end:
            raise AssertionError("l'écran attendu n'est pas venu")
        await asyncio.sleep(0.02)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for every worker of the app to finish, and the screen to catch up."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def goto(pilot: Pilot[Any], mode_or_key: str) -> Screen[Any]:
    """Press the F-key of a job screen (``"ventes"`` or ``"f9"``) and wait until it shows."""
    key = FKEYS.get(mode_or_key, mode_or_key)
    mode = next(m for m, k in FKEYS.items() if k == key)
    await pilot.press(key)
    await until(pilot, lambda: pilot.app.current_mode == mode and pilot.app.screen.is_mounted)
    return pilot.app.screen


async def palette(pilot: Pilot[Any], text: str) -> None:
    """Run a palette command: ctrl+p, type its title, Enter."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await type_text(pilot, text)
    await pilot.pause(0.2)
    await pilot.press("enter")
    await pilot.pause()


def rows(app: EcpApp, selector: str) -> list[list[str]]:
    """The cells of a table of the current screen, as stripped text."""
    t = app.screen.query_one(selector, DataTable)
    return [[str(c).strip() for c in t.get_row_at(i)] for i in range(t.row_count)]


def shown(app: EcpApp, selector: str) -> str:
    """The plain text a Static (or Label, FieldError) of the current screen shows."""
    w = app.screen.query_one(selector)
    return str(w.content if isinstance(w, Static) else w.render())


def field_error(app: EcpApp, field: str) -> str:
    """The error shown under the widget ``field`` of the current form ('' when none)."""
    err = app.screen.query_one(f"#err-{field}", FieldError)
    return str(err.content) if err.display else ""


def rendered(app: EcpApp, selector: str) -> str:
    """What a widget of the current screen renders, as plain text (markup applied)."""
    return str(app.screen.query_one(selector).render())


def cells_as_textual_draws(table: DataTable[Any]) -> int:
    """Check every cell the table has drawn (its render cache) against what DataTable itself
    renders through Rich for the same row, column, style, cursor and hover; return how many
    cells were compared. The fast tables draw plain cells directly: this holds them to it."""
    from textual.cache import LRUCache

    checked = 0
    for key in list(table._cell_render_cache.keys()):
        row_key, column_key, style, cursor, hover, *_ = key
        lines = table._cell_render_cache.get(key)
        if row_key is table._header_row_key:
            continue
        row = table._row_locations.get(row_key)
        column = table._column_locations.get(column_key)
        assert row is not None and column is not None  # every cached cell is on the table
        width = table.ordered_columns[column].get_render_width(table)
        saved = table._cell_render_cache
        table._cell_render_cache = LRUCache(10)
        try:
            slow = DataTable._render_cell(table, row, column, style, width, cursor, hover)
        finally:
            table._cell_render_cache = saved
        assert lines == slow
        checked += 1
    return checked
