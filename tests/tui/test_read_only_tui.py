"""The TUI on the auditor's books (issue 12, failure 10: « the TUI hides write actions »).

On read-only books the footer and the palette do not offer what would change the books; a
key pressed anyway opens nothing (the refusal notice stays as the safety net)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets._footer import FooterKey

from ecp import api
from ecp.tui.app import WRITE_ACTIONS, EcpApp, command_writes
from ecp.tui.kit.palette import COMMANDS
from tests.tui.pilot import goto, run_app, settle

TODAY = dt.date(2026, 11, 28)

# job screen -> (its binding namespace, a key that would open a write form, a read key kept)
SCREENS = {
    "ecritures": ("entries", "n", "slash"),
    "ventes": ("sales", "n", "d"),
    "membres": ("members", "a", "p"),
    "cloture": ("closing", "c", "v"),
}
HIDDEN_TITLES = ("écriture : nouvelle", "facture : nouvelle", "membre : ajouter",
                 "période : clôturer", "fin de mois : lancer la clôture",
                 "import : écritures CSV")
KEPT_TITLES = ("vérifier les livres", "export : journal CSV", "aller : ventes",
               "sauvegarde : copie de la base")


@pytest.fixture
def audit_books(demo_path: Path) -> Iterator[api.Books]:
    b = api.open_books(str(demo_path), read_only=True)
    assert b.read_only
    try:
        yield b
    finally:
        b.engine.dispose()


def _footer(app: EcpApp) -> dict[str, str]:
    """The keys the footer of the current screen shows, and their labels."""
    return {k.key: k.description for k in app.screen.query(FooterKey)}


def _palette(app: EcpApp) -> list[str]:
    return [c.title for c in app.get_system_commands(app.screen)]


async def _footer_of(pilot: Pilot[Any], mode: str) -> dict[str, str]:
    await goto(pilot, mode)
    await settle(pilot)
    app = pilot.app
    assert isinstance(app, EcpApp)
    return _footer(app)


async def test_read_only_footer_and_palette_hide_write_actions(
        audit_books: api.Books) -> None:
    """Failure 10: on read-only books the footer and the palette still offered « Nouveau »,
    « Ajouter », « Clôturer »… (refused only once chosen)."""
    async with run_app(audit_books, today=TODAY) as (app, pilot):
        for mode, (ns, write_key, read_key) in SCREENS.items():
            shown = await _footer_of(pilot, mode)
            assert write_key not in shown, (mode, shown)
            assert "Nouveau" not in shown.values() and "Nouvelle écriture" not in shown.values()
            assert read_key in shown, (mode, shown)  # reading stays on offer
            screen = app.screen
            for key, b in screen.active_bindings.items():
                assert b.binding.action not in WRITE_ACTIONS[ns], (mode, key)
        titles = _palette(app)
        for t in HIDDEN_TITLES:
            assert t not in titles
        for t in KEPT_TITLES:
            assert t in titles
        assert not any(command_writes(c) and c.title in titles for c in COMMANDS)


async def test_read_only_keys_open_no_form(audit_books: api.Books) -> None:
    """Failure 10: a write key pressed on read-only books opens no form; it is refused with
    the read-only notice (the safety net under the hidden footer)."""
    async with run_app(audit_books, today=TODAY) as (app, pilot):
        for mode, (_ns, write_key, _read) in SCREENS.items():
            screen = await goto(pilot, mode)
            depth = len(app.screen_stack)
            app.clear_notifications()
            await pilot.press(write_key)
            await settle(pilot)
            assert app.screen is screen and len(app.screen_stack) == depth, mode
            assert any("lecture seule" in n.message for n in app._notifications), mode


async def test_writable_books_keep_their_write_actions(demo_path: Path) -> None:
    """The same screens on writable books still offer their write keys and commands."""
    books = api.open_books(str(demo_path))
    try:
        async with run_app(books, today=TODAY) as (app, pilot):
            for mode, (_ns, write_key, _read) in SCREENS.items():
                assert write_key in await _footer_of(pilot, mode), mode
            titles = _palette(app)
            for t in HIDDEN_TITLES:
                assert t in titles
    finally:
        books.engine.dispose()
