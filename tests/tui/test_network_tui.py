"""Issue 18: « rapport : réseau d'ECP » (the twin of ``ecp network report``): the books open in
the application and another ECP's database, read-only, side by side with their total; a
database that fails is named, or left aside when « partiel » is on."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from textual.widgets import Input

from ecp import api
from ecp.tui.app import EcpApp
from ecp.tui.screens import network as network_screen
from ecp.tui.screens.network import NetworkScreen
from tests.tui.pilot import palette, rows, shown, type_text, until

TODAY = dt.date(2026, 12, 7)


async def test_two_ecps_side_by_side_then_a_missing_one(
        demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo and a copy of it: every figure of the « Réseau » column is twice the demo's
    own (the same books twice: 6 + 6 beneficiaries, 7 + 7 meetings); a missing file stops
    the report, named, until « partiel » is on; the copy's bytes never change."""
    monkeypatch.setattr(network_screen, "EXPORT_DIR", tmp_path)
    other = tmp_path / "autre.sqlite3"
    shutil.copyfile(demo_path, other)
    before = other.read_bytes()
    books = api.open_books(str(demo_path))
    own = api.impact_report(books, dt.date(2026, 1, 1), TODAY)
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=(200, 50)) as pilot:
        await palette(pilot, "rapport : réseau d'ECP")
        await until(pilot, lambda: isinstance(app.screen, NetworkScreen))
        await pilot.press("b")
        await type_text(pilot, str(other))
        await pilot.press("enter")
        await until(pilot, lambda: bool(app.screen.query("#n-synthese")))
        got = {r[0]: r[1:] for r in rows(app, "#n-synthese")}
        line = got["Bénéficiaires de la période"]
        assert line[-1] == str(2 * len(own.members)) and line[0] == str(len(own.members))
        meetings = got["Rendez-vous d'accompagnement"]
        assert meetings[-1] == str(2 * own.meetings)
        app.screen.set_focus(None)
        await pilot.press("c")  # the network's anonymised CSV: 6 + 6 rows, no name
        written = tmp_path / "reseau-anonymise-2026-01-01-2026-12-07.csv"
        await until(pilot, written.exists)
        text = written.read_text(encoding="utf-8")
        assert len(text.splitlines()) == 1 + 2 * len(own.members)
        assert "Fatima" not in text and "M001" not in text
        field = app.screen.query_one("#dbs", Input)
        field.value = f"{other} {tmp_path / 'absente.sqlite3'}"
        field.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "ECP 3" in shown(app, "#err") and "absente.sqlite3" in shown(app, "#err")
        app.screen.set_focus(None)
        await pilot.press("t")
        await until(pilot, lambda: "manquante" in shown(app, "#warn"))
        assert shown(app, "#err") == ""
    assert other.read_bytes() == before
    books.engine.dispose()
