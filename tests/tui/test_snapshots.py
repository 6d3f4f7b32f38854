"""SVG snapshots of the main screens on the demo ECP (pytest-textual-snapshot, Textual pinned).

Regenerate after a deliberate change of layout with ``pytest tests/tui/test_snapshots.py
--snapshot-update`` and look at the SVGs before committing them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ecp import api
from ecp.tui.app import EcpApp

SIZE = (140, 40)
TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def demo_app(demo_path):
    """The demo ECP (a copy of the books conftest's demo_template built once)."""
    books = api.open_books(str(demo_path))
    return EcpApp(books, today=TODAY)


def test_dashboard(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE)


def test_entries(snap_compare, demo_app):
    assert snap_compare(demo_app, press=["f2"], terminal_size=SIZE)


def test_balance(snap_compare, demo_app):
    assert snap_compare(demo_app, press=["f3"], terminal_size=SIZE)


def test_ledger_5141_member(snap_compare, demo_app):
    async def open_ledger(pilot):
        await pilot.press("f4")
        await pilot.pause()
        demo_app.screen.show("5141", "M001")
        await pilot.pause()

    assert snap_compare(demo_app, run_before=open_ledger, terminal_size=SIZE)


def test_entry_form_unbalanced(snap_compare, demo_app):
    keys = ["f2", "n", "tab", "tab", *"Achat fil", "tab", *"61211", "tab", "tab", *"1200",
            "tab", "tab", *"44111", "tab", "tab", "tab", *"1000"]
    assert snap_compare(demo_app, press=keys, terminal_size=SIZE)


def test_members(snap_compare, demo_app):
    assert snap_compare(demo_app, press=["f6"], terminal_size=SIZE)


def test_sales_invoices(snap_compare, demo_app):
    """Ventes (F9) on the demo's invoices, statuses in colour; the app's ``today`` is fixed."""
    assert snap_compare(demo_app, press=["f9"], terminal_size=SIZE)
