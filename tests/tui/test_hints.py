"""Issue 17, item 5: hints that tell the truth. On the demo books, every job screen (F1–F12)
and every dialog or form one of its keys opens: each key it advertises — its footer's keys
(bindings shown) and the keys its hint lines name (« x : exporter », « Entrée : détail »,
« e ou Entrée : modifier ») — is pressed, and something must happen: a screen pushed or
popped, the focus moved, a notification, a table or a text changed, a field's value… A key
advertised with no effect fails, naming the screen and the key.

Plus the two lies of the issue, checked on their own: ``l`` on the month-end while the month
field has the focus, and Entrée through an invoice line (prix → TVA % → Compte → next line)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import (
    ContentSwitcher,
    DataTable,
    Input,
    OptionList,
    Select,
    Static,
    TabbedContent,
)

from ecp import api
from ecp.tui.app import EcpApp
from ecp.tui.kit.footer import FKeyStrip, KeysFooter
from ecp.tui.kit.forms import SELECT_HINT, SELECT_OPEN_HINT, FormModal
from ecp.tui.kit.palette import SCREENS
from ecp.tui.screens.invoice_form import InvoiceFormScreen
from ecp.tui.screens.month_end import ConfirmMonthEndScreen, MonthEndScreen
from tests.tui.pilot import goto, settle, type_text, until

TODAY = dt.date(2026, 12, 10)  # the demo's books run to November 2026
SIZE = (160, 45)

# The names the hints give keys, as Textual names them.
KEY_NAMES = {"entrée": "enter", "échap": "escape", "tab": "tab", "fin": "end",
             "début": "home", "↑": "up", "↓": "down", "espace": "space", "suppr": "delete",
             "+": "plus", "-": "minus", "/": "slash", "pgdn": "pagedown", "pgup": "pageup"}
# Keys never pressed: they leave the app (Quitter), or the palette (its own test).
NOT_PRESSED = {"ctrl+q", "ctrl+p"}


def hint_keys(text: str) -> list[str]:
    """The keys a hint line names: « Entrée : détail — n : nouvelle — e ou Entrée : modifier
    — Fin/Début : … — ↑/↓ : … » → enter, n, e, enter, end, home, up, down. Segments whose
    left side is not made of key names (« Mois ouvert : 2026-10 ») are not hints."""
    keys: list[str] = []
    for segment in re.split(r" — |\n|\(|\)", text):
        left, sep, _ = segment.partition(" : ")
        if not sep:
            continue
        words = [w for w in re.split(r" ou |/| et |, | ", left.strip()) if w]
        named: list[str] = []
        for w in words:
            low = w.lower()
            if low in KEY_NAMES:
                named.append(KEY_NAMES[low])
            elif re.fullmatch(r"[A-Za-z0-9]", w):
                named.append(w)  # « R : relancer » is shift+r, not r
            elif re.fullmatch(r"ctrl\+[a-z]|f[0-9]{1,2}", low):
                named.append(low)
            else:
                named = []
                break
        keys += named
    return keys


def advertised(screen: Screen[Any]) -> list[str]:
    """The keys ``screen`` advertises: its footer's (shown bindings; the F-keys of the strip
    are not bindings shown) and those its hint lines name, each once, in order."""
    keys = [key for key, b in screen.active_bindings.items() if b.binding.show]
    for w in screen.query(Static):
        if w.display and not isinstance(w.parent, KeysFooter | FKeyStrip):
            keys += hint_keys(str(w.render()))
    out: list[str] = []
    for k in keys:
        if k not in out and k not in NOT_PRESSED:
            out.append(k)
    return out


def widget_state(w: Widget) -> tuple[Any, ...]:
    base: tuple[Any, ...] = (w.display, tuple(sorted(w.classes)), w.scroll_offset)
    if isinstance(w, DataTable):
        return (*base, w.row_count, w.cursor_coordinate, len(w.columns),
                tuple(str(c) for c in w.get_row_at(0)) if w.row_count else ())
    if isinstance(w, Input):
        return (*base, w.value, w.cursor_position, w.disabled)
    if isinstance(w, Select):
        return (*base, w.value, w.expanded)
    if isinstance(w, OptionList):
        return (*base, w.option_count, w.highlighted)
    if isinstance(w, TabbedContent):
        return (*base, w.active)
    if isinstance(w, ContentSwitcher):
        return (*base, w.current)
    if isinstance(w, Static):
        return (*base, str(w.render()))
    return base


RELOADS: list[int] = []  # one item each time a table is cleared or a text is set again


def state(app: App[Any], said: list[str], folder: Path) -> tuple[Any, ...]:
    """What a key may change: the screens, the mode, the focus, the notifications, the
    files written, the tables reloaded, and every widget of the screen shown."""
    s = app.screen
    return (tuple(id(x) for x in app.screen_stack), app.current_mode, id(s.focused),
            len(said), tuple(sorted(p.name for p in folder.rglob("*"))), len(RELOADS),
            tuple(widget_state(w) for w in s.query("*")))


async def back_to(pilot: Pilot[Any], depth: int) -> None:
    """Close what a key opened: Échap (a dialog asking first: n), until ``depth`` screens."""
    app = pilot.app
    for _ in range(6):
        if len(app.screen_stack) <= depth:
            return
        await pilot.press("escape")
        await settle(pilot)
        if len(app.screen_stack) > depth and "n" in app.screen.active_bindings:
            await pilot.press("n")  # « Abandonner ? » after something was typed
            await settle(pilot)
    while len(app.screen_stack) > depth:
        app.pop_screen()
        await settle(pilot)


async def check_keys(pilot: Pilot[Any], said: list[str], folder: Path, where: str,
                     seen: set[type], failures: list[str], level: int) -> None:
    """Press every key the current screen advertises; each must change something. A key
    that opens another screen: that screen is checked the same way (once per kind, two
    levels down), then closed."""
    app = pilot.app
    screen = app.screen
    depth = len(app.screen_stack)
    mode = app.current_mode
    seen.add(type(screen))
    for key in advertised(screen):
        if app.screen is not screen:  # a key before closed or replaced it
            break
        before = state(app, said, folder)
        await pilot.press(key)
        await settle(pilot)
        await pilot.pause(0.05)
        if state(app, said, folder) == before:
            failures.append(f"{where} : « {key} » ne fait rien")
            continue
        opened = app.screen
        if (len(app.screen_stack) > depth and type(opened) not in seen and level < 2):
            await check_keys(pilot, said, folder, f"{where} > {type(opened).__name__}", seen,
                             failures, level + 1)
        await back_to(pilot, depth)
        if app.current_mode != mode:
            await goto(pilot, dict((m, k) for m, _, k in SCREENS)[mode])


@pytest.fixture
def demo_books(demo_path: Path) -> Iterator[api.Books]:
    b = api.open_books(str(demo_path))
    try:
        yield b
    finally:
        b.engine.dispose()


@pytest.mark.parametrize("mode", [m for m, _, _ in SCREENS])
async def test_every_advertised_key_does_something(demo_books: api.Books, mode: str,
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "sorties"
    out.mkdir()
    monkeypatch.chdir(out)  # exports (« x : exporter ») are written in the current folder,
    for name in ("members", "reports", "vat", "year_end"):  # read once, when first imported
        monkeypatch.setattr(f"ecp.tui.screens.{name}.EXPORT_DIR", out)
    clear = DataTable.clear

    def reloaded(table: DataTable[Any], columns: bool = False) -> DataTable[Any]:
        RELOADS.append(1)
        return clear(table, columns)

    monkeypatch.setattr(DataTable, "clear", reloaded)
    update = Static.update

    def said_again(static: Static, *a: Any, **k: Any) -> None:
        RELOADS.append(1)  # a message said again (the same text: nothing else shows it)
        update(static, *a, **k)

    monkeypatch.setattr(Static, "update", said_again)
    app = EcpApp(demo_books, today=TODAY)
    said: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        notify = app.notify

        def counted(message: str, *a: Any, **k: Any) -> None:
            said.append(message)
            notify(message, *a, **k)

        app.notify = counted  # type: ignore[method-assign]
        await pilot.pause()
        await goto(pilot, mode)
        await settle(pilot)
        failures: list[str] = []
        assert advertised(app.screen), mode  # every job screen says what its keys do
        await check_keys(pilot, said, out, type(app.screen).__name__, set(), failures, 0)
    assert not failures, "\n".join(failures)


def test_hint_keys_read_the_french_names() -> None:
    assert hint_keys("Entrée : détail — n : nouvelle facture — e ou Entrée : modifier") == \
        ["enter", "n", "e", "enter"]
    assert hint_keys("Fin/Début : dernière/première page — ↑/↓ : parcourir") == \
        ["end", "home", "up", "down"]
    assert hint_keys("Mois ouvert : 2026-10 (3 ouverts)") == []
    assert hint_keys("Indicateurs (Entrée : détail)") == ["enter"]


# --- the two lies of the issue ---------------------------------------------------------------

async def test_month_end_l_works_in_the_month_field(demo_books: api.Books) -> None:
    """Clôture, f: the month field has the focus; « l : fin de mois » asks to launch the
    month-end of the month shown (before: the field swallowed the l, nothing happened)."""
    app = EcpApp(demo_books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await goto(pilot, "cloture")
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, MonthEndScreen))
        screen = app.screen
        assert isinstance(screen.focused, Input) and screen.focused.id == "month"
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, ConfirmMonthEndScreen))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await pilot.press("m")
        assert screen.focused is screen.query_one("#month")


async def test_invoice_line_enter_goes_through_every_cell(demo_books: api.Books) -> None:
    """Ventes, n: member M001, customer HOTEL; on a line, Entrée goes désignation → qté →
    prix → TVA % → Compte → the next line's product, never skipping a cell."""
    app = EcpApp(demo_books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await goto(pilot, "ventes")
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, InvoiceFormScreen))
        form = app.screen
        assert isinstance(form, InvoiceFormScreen)
        await settle(pilot)

        def cell() -> str:
            f = form.focused
            assert f is not None
            return f.id or next(c for c in ("product", "desc", "qty", "price", "rate",
                                            "account") if f.has_class(c))

        seen = [cell()]
        for text in ("M001", "HOTEL", "", "", "", "Retouche", "2", "150", "", "", ""):
            if text:
                await type_text(pilot, text)
            await pilot.press("enter")
            await pilot.pause()
            seen.append(cell())
        assert seen == ["member", "customer", "day", "due", "product", "desc", "qty", "price",
                        "rate", "account", "product", "desc"]
        assert form.lines()[1].input("product") is form.focused or \
            form.lines()[1].input("desc") is form.focused


async def test_form_hint_on_a_drop_down(demo_books: api.Books) -> None:
    """Ventes, catalogue, n: the product form. In a field, « Entrée : enregistrer »; on the
    member drop-down, the hint says Entrée opens the list; open, that Entrée chooses."""
    app = EcpApp(demo_books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await goto(pilot, "ventes")
        await pilot.press("6")  # the catalogue tab
        await settle(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormModal))
        form = app.screen

        def hint() -> str:
            return str(form.query_one(".form-hint", Static).render())

        assert "Entrée : enregistrer" in hint()
        await pilot.press("tab")
        assert isinstance(form.focused, Select)
        assert hint() == SELECT_HINT
        await pilot.press("enter")
        await pilot.pause()
        assert form.query_one(Select).expanded
        assert hint() == SELECT_OPEN_HINT
        await pilot.press("escape")
        await pilot.pause()
        assert hint() == SELECT_HINT
