"""SVG snapshots of the main screens on the demo ECP (pytest-textual-snapshot, Textual pinned).

Regenerate after a deliberate change of layout with ``pytest tests/tui/test_snapshots.py
--snapshot-update`` and look at the SVGs before committing them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path, PurePath
from typing import Any, Protocol

import pytest
from textual.app import App
from textual.pilot import Pilot

from ecp import api
from ecp.tui.app import EcpApp
from ecp.tui.screens.reports import LedgerScreen

SIZE = (140, 40)
TODAY = dt.date(2026, 11, 28)


class SnapCompare(Protocol):
    """The ``snap_compare`` fixture of pytest-textual-snapshot (the plugin is untyped and
    its fixture declares a narrower signature than the function it returns)."""

    def __call__(self, app: str | PurePath | App[Any], press: Iterable[str] = ...,
                 terminal_size: tuple[int, int] = ...,
                 run_before: Callable[[Pilot[Any]], Awaitable[None] | None] | None = ...,
                 ) -> bool: ...


@pytest.fixture
def demo_app(demo_path: Path) -> EcpApp:
    """The demo ECP (a copy of the books conftest's demo_template built once)."""
    books = api.open_books(str(demo_path))
    return EcpApp(books, today=TODAY)


def test_dashboard(snap_compare: SnapCompare, demo_app: EcpApp) -> None:
    assert snap_compare(demo_app, terminal_size=SIZE)


def test_entries(snap_compare: SnapCompare, demo_app: EcpApp) -> None:
    assert snap_compare(demo_app, press=["f2"], terminal_size=SIZE)


def test_balance(snap_compare: SnapCompare, demo_app: EcpApp) -> None:
    assert snap_compare(demo_app, press=["f3"], terminal_size=SIZE)


def test_ledger_5141_member(snap_compare: SnapCompare, demo_app: EcpApp) -> None:
    async def open_ledger(pilot: Pilot[None]) -> None:
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(demo_app.screen, LedgerScreen)
        demo_app.screen.show("5141", "M001")
        await pilot.pause()

    assert snap_compare(demo_app, run_before=open_ledger, terminal_size=SIZE)


def test_entry_form_unbalanced(snap_compare: SnapCompare, demo_app: EcpApp) -> None:
    keys = ["f2", "n", "tab", "tab", *"Achat fil", "tab", *"61211", "tab", "tab", *"1200",
            "tab", "tab", *"44111", "tab", "tab", "tab", *"1000"]
    assert snap_compare(demo_app, press=keys, terminal_size=SIZE)


def test_members(snap_compare: SnapCompare, demo_app: EcpApp) -> None:
    assert snap_compare(demo_app, press=["f6"], terminal_size=SIZE)


def test_sales_invoices(snap_compare: SnapCompare, demo_app: EcpApp) -> None:
    """Ventes (F9) on the demo's invoices, statuses in colour; the app's ``today`` is fixed."""
    assert snap_compare(demo_app, press=["f9"], terminal_size=SIZE)
