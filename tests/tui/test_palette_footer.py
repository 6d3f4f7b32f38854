"""Issue 17, surprises 5 and 7: the palette in French and grouped by screen; every F-key in
the footer, whatever the width from 120 columns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.command import CommandInput, CommandList
from textual.widgets._footer import FooterKey

from ecp import api
from ecp.tui.app import EcpApp
from ecp.tui.kit.footer import FKeyStrip, strip_width
from ecp.tui.kit.palette import FOOTER_TIGHT, SCREENS, EcpPalette
from tests.tui.pilot import goto, run_app, until

TODAY = dt.date(2026, 3, 15)


def _listed(app: EcpApp) -> list[str]:
    found = app.screen.query_one(CommandList)
    return [str(found.get_option_at_index(i).hit.text)  # type: ignore[attr-defined]
            for i in range(found.option_count)]


async def test_palette_is_french_and_grouped_by_screen(books: api.Books) -> None:
    """The placeholder is French; the list starts with F1's screen, then F2's (its commands
    sorted, « écriture » with an « e »), and ends with the app's commands, « Quitter » last
    (Textual sorted by title: « Quitter » first, every « écriture : … » last)."""
    async with run_app(books, today=TODAY) as (app, pilot):
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, EcpPalette) and _listed(app))
        assert app.screen.query_one(CommandInput).placeholder == "Rechercher une commande…"
        listed = _listed(app)
        assert listed[:6] == ["aller : tableau de bord", "aller : écritures",
                              "écriture : contre-passer", "écriture : nouvelle",
                              "écriture : rechercher", "aller : balance"]
        assert listed[-2:] == ["thème : changer", "Quitter"]
        # the screen's name is shown before each command, with its F-key
        first = app.screen.query_one(CommandList).get_option_at_index(1)
        assert str(first.prompt).startswith("F2  Écritures")
        # a search still finds by title, and runs the command
        await pilot.press(*"nouvelle")
        await until(pilot, lambda: "écriture : nouvelle" in _listed(app))


def _fkeys(app: EcpApp) -> dict[str, tuple[int, int, str]]:
    """The F-keys of the footer: key → (first column, width, text)."""
    return {k.key: (k.region.x, k.region.width, k.key_display + k.gap + k.description)  # type: ignore[attr-defined]
            for k in app.screen.query_one(FKeyStrip).query(FooterKey)}


async def _strip_at(books: api.Books, size: tuple[int, int]) -> dict[str, tuple[int, int, str]]:
    async with run_app(books, today=TODAY, size=size) as (app, pilot):
        await goto(pilot, "f10")  # a screen with keys of its own too
        await pilot.pause()
        keys = _fkeys(app)
        assert all(k.region.y == size[1] - 1
                   for k in app.screen.query_one(FKeyStrip).query(FooterKey))
        return keys


async def test_every_f_key_shows_at_120_columns(books: api.Books) -> None:
    """At 120 columns the strip takes its narrowest form: key glued to its name, « Prod. »:
    3×(F10+TVA…) — widths 9+11+9+13+10+9+6+9+8+6+8+9 = 107, plus 11 spaces = 118 ≤ 120.
    Textual's footer stopped after F9."""
    keys = await _strip_at(books, (120, 40))
    assert [k for k in keys] == [key for _, _, key in SCREENS]
    assert keys["f11"][2] == "F11Prod." and keys["f10"][2] == "F10TVA"
    assert keys["f1"][0] == 0 and keys["f12"][0] + keys["f12"][1] == 118
    assert all(x + w <= 120 and w == len(text) for x, w, text in keys.values())


async def test_f_keys_in_full_at_200_columns(books: api.Books) -> None:
    """At 200 columns each key has a space before its full name: 135 columns in all."""
    keys = await _strip_at(books, (200, 50))
    assert keys["f11"][2] == "F11 Production" and keys["f4"][2] == "F4 Grand livre"
    assert keys["f12"][0] + keys["f12"][1] == 135


def test_strip_widths() -> None:
    """The three forms: names in full with a space (135), without (123), « Prod. » (118)."""
    names: dict[str, Any] = {m: {"tableau": "Tableau", "plan": "Plan", "tva": "TVA"}.get(m, t)
                             for m, t, _ in SCREENS}
    assert strip_width(" ", names) == 135
    assert strip_width("", names) == 123
    assert strip_width("", {**names, **FOOTER_TIGHT}) == 118


async def test_palette_says_no_match_in_french(books: api.Books) -> None:
    """A search that finds nothing says so in French (Textual's « No matches found »)."""
    async with run_app(books, today=TODAY) as (app, pilot):
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, EcpPalette) and _listed(app))
        await pilot.press(*"zzqqxx")
        palette = app.screen

        def said() -> str:
            options = palette.query_one(CommandList)
            return " ".join(str(options.get_option_at_index(i).prompt)
                            for i in range(options.option_count))

        await until(pilot, lambda: "Aucune commande ne correspond" in said())
        assert "No matches" not in said()
