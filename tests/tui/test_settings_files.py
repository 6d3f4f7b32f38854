"""Paramètres (p on the Tableau de bord) and the file dialogs of the palette (import, backup),
keyboard only with Pilot; each test checks the screen and what the books hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Label, Static

from ecp import api
from ecp import settings as settings_mod
from ecp.kernel.errors import EcpError
from ecp.ledger.browse import EntryFilter
from ecp.tui.app import EcpApp
from ecp.tui.screens.file_ops import BackupDialog, ImportDialog
from ecp.tui.screens.settings import SettingsScreen, all_keys, store
from tests.tui.pilot import type_text, until

TODAY = dt.date(2026, 3, 15)
SIZE = (150, 44)
ICE_OK = "001561191000066"
HEADER = "entry_ref,date,journal,label,account,dimension,debit,credit\n"


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
    """Paramètres show every value in place; the ICE typed in its row: 12345 refused under
    that row (nothing stored), then a valid ICE stored, « obligatoire » gone, and the cursor
    on the next key (« registre de commerce (RC) »)."""
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        # the label, its value in place, the mark, the key, under « Identité de l'ECP »
        groups = [str(w.content) for w in screen.query(".group").results(Label)]
        assert groups[:2] == ["Identité de l'ECP (imprimée sur chaque document)", "TVA"]
        assert screen.field("company.name").value == ""
        assert mark(app, "company.ice") == "obligatoire"
        assert screen.field("sales.due_days").placeholder == "60 par défaut"
        assert screen.field("vat.regime").placeholder == "encaissement ou debits ; " \
                                                         "encaissement par défaut"
        # the first required key left empty has the cursor: the raison sociale
        assert screen.focused is screen.field("company.name")
        ice_row = [k for k, _, _ in all_keys()].index("company.ice")
        await pilot.press(*["down"] * ice_row)
        assert screen.focused is screen.field("company.ice")
        assert "ICE (company.ice)" in str(screen.query_one("#description", Static).content)
        await type_text(pilot, "12345")
        assert mark(app, "company.ice") == "modifié (Entrée)"
        await pilot.press("enter")
        await pilot.pause()
        assert "company.ice" in screen.error_of("company.ice")
        assert screen.focused is screen.field("company.ice")
        assert "company.ice" not in api.settings_show(books)

        await replace_input(pilot, ICE_OK)
        await until(pilot, lambda: screen.error_of("company.ice") == "")
        assert api.settings_show(books)["company.ice"] == ICE_OK
        assert screen.field("company.ice").value == ICE_OK
        assert mark(app, "company.ice") == ""
        assert screen.focused is screen.field("company.rc")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, SettingsScreen))


def mark(app: EcpApp, key: str) -> str:
    screen = app.screen
    assert isinstance(screen, SettingsScreen)
    return str(screen.query_one(f"#mark-{screen.field(key).id}", Static).content)


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


# Every declared key (and a member's reserve.CODE), one valid and one invalid value.
SAMPLES = {"text": ("Atelier Tanger", "a\x07b"), "ice": (ICE_OK, "12345"),
           "rib": ("0117 3000 0000 1234 5678 9012", "123"), "days": ("45", "500"),
           "percent": ("12", "120"), "amount_or_percent": ("10 %", "dix"),
           "amount": ("150 000", "beaucoup"), "digits": ("1234567", "12A4")}


def _cases() -> list[tuple[str, str]]:
    out = []
    specs = [*settings_mod.SETTINGS.values(), settings_mod.spec("reserve.FZ")]
    for s in specs:
        good, bad = (s.choices[-1], "autre") if s.kind == "choice" else SAMPLES[s.kind]
        out += [(s.key, good), (s.key, bad)]
    out.append(("contribution.default_rate", "7,5 %"))
    out.append(("inconnu.cle", "1"))
    return out


async def test_settings_cli_and_tui_agree_on_every_key(books: api.Books, tmp_path: Path,
                                                      capsys: Any) -> None:
    """``ecp settings set`` and the settings screen's rows accept and refuse the same values
    for every key, and store the same text (they share ``ecp.settings``)."""
    from ecp import cli

    other = api.open_books(str(tmp_path / "cli.sqlite3"), create=True)
    api.init(other, "ECP")
    db = str(other.path)
    cases = _cases()
    cli_says: list[tuple[bool, str | None]] = []
    for key, value in cases:
        rc = cli.main(["--db", db, "settings", "set", key, value])
        capsys.readouterr()
        assert rc in (0, 2), (key, value, rc)
        cli_says.append((rc == 0, api.settings_show(other).get(key)))
    other.engine.dispose()
    tui_says: list[tuple[bool, str | None]] = []
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        for key, value in cases:
            if key not in screen._ids:  # no row for an unknown key: the screen's rule itself
                try:
                    store(books, key, value)
                    accepted = True
                except EcpError:
                    accepted = False
                tui_says.append((accepted, api.settings_show(books).get(key)))
                continue
            field = screen.field(key)
            field.focus()
            await pilot.pause()
            field.value = value
            await pilot.press("enter")
            await pilot.pause()
            accepted = screen.error_of(key) == ""
            if not accepted:
                assert screen.focused is screen.field(key), (key, value)
            tui_says.append((accepted, api.settings_show(books).get(key)))
    assert tui_says == cli_says
    by_case = dict(zip(cases, cli_says, strict=True))
    assert by_case[("contribution.default_rate", "12")] == (True, "12")
    assert by_case[("contribution.default_rate", "120")][0] is False
    assert by_case[("inconnu.cle", "1")] == (False, None)
    assert sum(ok for ok, _ in cli_says) == len(settings_mod.SETTINGS) + 2
