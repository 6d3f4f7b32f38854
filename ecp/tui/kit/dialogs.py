"""Modal dialogs shared by every feature: search-and-pick a code, a yes/no question."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ecp.tui.kit.base import see_through


class PickerScreen(ModalScreen[str | None]):
    """Search and pick a code: type part of a code or a name, ↑/↓ to move, Enter to pick."""

    BINDINGS = [
        Binding("escape", "cancel", "Annuler", id="picker.cancel"),
        Binding("down", "move('down')", "Suivant", show=False, id="picker.move-down"),
        Binding("up", "move('up')", "Précédent", show=False, id="picker.move-up"),
        Binding("pagedown", "move('page_down')", show=False, id="picker.move-page_down"),
        Binding("pageup", "move('page_up')", show=False, id="picker.move-page_up"),
    ]

    DEFAULT_CSS = """
    PickerScreen > .dialog { width: 100; max-width: 95%; }
    PickerScreen OptionList { height: auto; max-height: 18; margin-top: 1; }
    PickerScreen #empty { color: $text-muted; margin-top: 1; display: none; }
    PickerScreen #empty.-shown { display: block; }
    """

    def __init__(self, title: str, search: Callable[[str], list[tuple[str, str]]],
                 text: str = "", nothing: str = "aucun résultat") -> None:
        super().__init__()
        self.title_text = title
        self.search = search
        self.text = text
        self.nothing = nothing
        self._codes: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="title")
            yield Input(self.text, placeholder="code ou partie du nom", id="q",
                        select_on_focus=False)
            ol = OptionList(id="choices", markup=False)
            ol.can_focus = False
            yield ol
            yield Static("", id="empty")
            yield Label("↑/↓ : parcourir — Entrée : choisir — Échap : annuler", classes="muted")

    def on_mount(self) -> None:
        see_through(self)
        self._refresh(self.text)
        q = self.query_one("#q", Input)
        q.focus()
        q.cursor_position = len(q.value)

    @on(Input.Changed, "#q")
    def _changed(self, event: Input.Changed) -> None:
        self._refresh(event.value)

    def _refresh(self, text: str) -> None:
        found = self.search(text)
        self._codes = [code for code, _ in found]
        ol = self.query_one(OptionList)
        ol.clear_options()
        ol.add_options([Option(f"{code:<10} {name}", id=code) for code, name in found])
        ol.highlighted = 0 if found else None
        ol.display = bool(found)
        empty = self.query_one("#empty", Static)
        empty.update("" if found else self.nothing)
        empty.set_class(not found, "-shown")

    def action_move(self, how: str) -> None:
        ol = self.query_one(OptionList)
        getattr(ol, f"action_{'cursor_' if how in ('up', 'down') else ''}{how}")()

    @on(Input.Submitted, "#q")
    def _submitted(self, event: Input.Submitted) -> None:
        ol = self.query_one(OptionList)
        if ol.highlighted is not None and self._codes:
            self.dismiss(self._codes[ol.highlighted])

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; Escape is the safe answer (no). Subclasses name their buttons."""

    YES = "Abandonner (o)"
    NO = "Continuer la saisie (n, Échap)"

    BINDINGS = [
        Binding("o,y", "answer(True)", "Oui", id="confirm.answer-true"),
        Binding("n,escape", "answer(False)", "Non", id="confirm.answer-false"),
    ]

    def __init__(self, question: str, detail: str) -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="title")
            yield Static(self.detail, markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.YES, id="yes", variant="error")
                yield Button(self.NO, id="no", variant="primary")

    def on_mount(self) -> None:
        see_through(self)
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
