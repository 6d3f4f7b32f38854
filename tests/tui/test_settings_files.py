"""Paramètres (p on the Tableau de bord) and the file dialogs of the palette (import, backup),
keyboard only with Pilot; each test checks the screen and what the books hold."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from ecp import api
from ecp.ledger.browse import EntryFilter
from ecp.tui.app import EcpApp
from ecp.tui.screens.file_ops import BackupDialog, ImportDialog
from ecp.tui.screens.settings import SettingEditScreen, SettingsScreen, all_keys
from ecp.tui.widgets import FieldError

TODAY = dt.date(2026, 3, 15)
SIZE = (150, 44)
ICE_OK = "001561191000066"
HEADER = "entry_ref,date,journal,label,account,dimension,debit,credit\n"


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*("space" if c == " " else c for c in text))


async def until(pilot: Pilot[Any], cond: Any) -> None:
    for _ in range(200):
        await pilot.pause()
        if cond():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("l'écran attendu n'est pas venu")


def field_error(app: EcpApp, field: str) -> str:
    err = app.screen.query_one(f"#err-{field}", FieldError)
    return str(err.content) if err.display else ""


def text_of(app: EcpApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def palette(pilot: Pilot[Any], text: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await type_text(pilot, text)
    await pilot.pause(0.3)
    await pilot.press("enter")


async def replace_input(pilot: Pilot[Any], text: str) -> None:
    await pilot.press("end", "ctrl+u")
    await type_text(pilot, text)
    await pilot.press("enter")


async def test_settings_ice_refused_then_stored(books: api.Books) -> None:
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        t = app.screen.query_one("#settings", DataTable)
        ice_row = [k for k, _, _ in all_keys()].index("company.ice")
        assert [str(c) for c in t.get_row_at(ice_row)] == ["company.ice", "ICE", "",
                                                            "obligatoire"]
        await pilot.press(*["down"] * ice_row, "enter")
        await until(pilot, lambda: isinstance(app.screen, SettingEditScreen))
        await replace_input(pilot, "12345")
        await pilot.pause()
        assert isinstance(app.screen, SettingEditScreen)
        assert "company.ice" in field_error(app, "value")
        assert "company.ice" not in api.settings_show(books)

        await replace_input(pilot, ICE_OK)
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        assert api.settings_show(books)["company.ice"] == ICE_OK
        t = app.screen.query_one("#settings", DataTable)
        assert [str(c) for c in t.get_row_at(ice_row)][2:] == [ICE_OK, ""]


async def test_import_good_then_bad_csv(books: api.Books, tmp_path: Path) -> None:
    good = tmp_path / "bon.csv"
    good.write_text(HEADER + "F1,2026-03-02,VT,Vente caftan,342111,FZ,1200.00,\n"
                    "F1,2026-03-02,VT,Vente caftan,7111,FZ,,1200.00\n", encoding="utf-8")
    bad = tmp_path / "mauvais.csv"
    bad.write_text(HEADER + "F2,2026-03-03,VT,Vente,342111,FZ,100.00,\n"
                   "F2,2026-03-03,VT,Vente,7111,FZ,,12.345\n", encoding="utf-8")
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await palette(pilot, "import : critures csv")
        await until(pilot, lambda: isinstance(app.screen, ImportDialog))
        await replace_input(pilot, str(good))
        await until(pilot, lambda: "importées" in text_of(app, "#result"))
        assert "1 écritures, 2 lignes importées" in text_of(app, "#result")
        assert len(api.entries_page(books, EntryFilter())) == 1

        await replace_input(pilot, str(bad))
        await until(pilot, lambda: "erreur" in text_of(app, "#result"))
        listed = text_of(app, "#problem-list")
        assert "ligne 3, credit" in listed
        assert app.screen.query_one("#problems").display
        assert len(api.entries_page(books, EntryFilter())) == 1


async def test_backup_writes_the_file(books: api.Books, tmp_path: Path) -> None:
    dest = tmp_path / "copies" / "ecp-copie.sqlite3"
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await palette(pilot, "sauvegarde")
        await until(pilot, lambda: isinstance(app.screen, BackupDialog))
        await replace_input(pilot, str(dest))
        await until(pilot, lambda: "Sauvegarde écrite" in text_of(app, "#result"))
        assert str(dest) in text_of(app, "#result")
    assert dest.exists() and dest.stat().st_size > 0
