"""Forms: a modal form with one row per field and errors placed by the field they name."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import DescendantFocus, Key
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static
from textual.widgets._select import SelectOverlay

from ecp.kernel.errors import EcpError, InputError
from ecp.kernel.periods import parse_date
from ecp.tui.kit.base import Dialog

T = TypeVar("T")

# The hint of a form while a drop-down has the cursor, closed then open.
SELECT_HINT = "Entrée ou ↓ : ouvrir la liste — Tab : champ suivant — Échap : annuler"
SELECT_OPEN_HINT = "↑/↓ : parcourir — Entrée : choisir — Échap : fermer la liste"


class KeyedInput(Input):
    """A field that takes only what its ``restrict`` allows (a month: digits and « - ») and
    leaves every other key to the screen's bindings: Textual drops a screen's letter keys
    while any field has the focus, even priority ones (issue 17: « l » on the month-end)."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if not super().check_consume_key(key, character):
            return False
        return self.restrict is None or (character is not None
                                         and re.fullmatch(self.restrict, character) is not None)

    async def _on_key(self, event: Key) -> None:
        if event.is_printable and not self.check_consume_key(event.key, event.character):
            # not a character of the field: the screen's key, as if the field had no focus
            # (Textual's Input would swallow it; the bindings kept by check_consume_key)
            event.stop()
            event.prevent_default()
            await self.app._check_bindings(event.key)
            return
        await super()._on_key(event)


class FieldError(Static):
    """The French message shown under a field that was refused."""

    DEFAULT_CSS = """
    FieldError { color: $error; height: auto; }
    """


def widget_for(exc: EcpError, fields: Mapping[str, str]) -> str | None:
    """The id of the widget an error is about: ``fields[exc.field]``, or for an error on one
    line of a multi-line input, ``fields["lines"]`` formatted with the line number when it holds
    ``{line}`` (``"qty-{line}"``)."""
    if exc.field is None or exc.field not in fields:
        return None
    target = fields[exc.field]
    if "{line}" in target:
        return target.format(line=exc.line) if exc.line is not None else None
    return target


class FormModal(Dialog[T]):
    """A modal form: one row per field (label, widget), its French error right under it.

    An error from the façade carries the parameter it is about (``EcpError.field``);
    ``FIELDS`` maps those names to the ids of this form's widgets, and ``show_error`` puts the
    message under that widget and moves the cursor there. Any other message goes to the
    general error line above the buttons. No message text is ever parsed."""

    BINDINGS = [Binding("escape", "cancel", "Annuler", id="form.cancel")]
    DEFAULT_CSS = """
    FormModal .field { height: auto; margin-top: 1; }
    FormModal .field > Label { width: 24; padding: 0 1 0 0; }
    FormModal .field > Input, FormModal .field > Select { width: 1fr; }
    FormModal FieldError { padding-left: 24; }
    FormModal .hint { color: $text-muted; padding-top: 1; }
    """
    FIELDS: Mapping[str, str] = {}
    _hint = ""

    def field(self, label: str, widget: Widget) -> ComposeResult:
        if isinstance(widget, Input | Select):
            widget.compact = True  # one line a field: the form fits a 30-line terminal
        with Horizontal(classes="field"):
            yield Label(label)
            yield widget
        err = FieldError("", id=f"err-{widget.id}")
        err.display = False
        yield err

    def general_error(self) -> ComposeResult:
        err = FieldError("", id="err-general")
        err.display = False
        yield err

    def buttons(self, ok: str, hint: str = "Tab : champ suivant — Entrée : enregistrer — "
                                           "Échap : annuler") -> ComposeResult:
        self._hint = hint
        yield Static(hint, classes="hint form-hint", markup=False)
        with Horizontal(classes="buttons"):
            yield Button(f"{ok} (Entrée)", id="ok", variant="primary")
            yield Button("Annuler (Échap)", id="cancel")

    def hint_for(self, focused: Widget | None) -> str:
        """What the keys do where the cursor is: on a drop-down, Entrée opens it (it does not
        save); in its open list, Entrée chooses (issue 17: the hint said « enregistrer »)."""
        if isinstance(focused, SelectOverlay):
            return SELECT_OPEN_HINT
        if isinstance(focused, Select):
            return SELECT_HINT
        return self._hint

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        hints = self.query(".form-hint").results(Static)
        text = self.hint_for(event.widget)
        for h in hints:
            if str(h.content) != text:
                h.update(text)

    def set_error(self, field: str, text: str) -> None:
        err = self.query_one(f"#err-{field}", FieldError)
        err.update(Text(text))
        err.display = bool(text)

    def clear_errors(self) -> None:
        for err in self.query(FieldError):
            err.update("")
            err.display = False

    def show_error(self, exc: EcpError) -> None:
        """Put the message next to the field it names and move the cursor there."""
        msg = str(exc)
        widget = widget_for(exc, self.FIELDS)
        if widget is None and exc.field is not None and exc.line is None:
            widget = exc.field  # a form's own parse (``self.date("due", …)``) names its widget
        if widget is not None and self.query(f"#err-{widget}"):
            self.set_error(widget, msg)
            self.query_one(f"#{widget}").focus()
            return
        self.set_error("general", msg)

    def value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    def required(self, field: str, what: str) -> str:
        """The text of the widget ``field``, which must not be empty."""
        v = self.value(field).strip()
        if not v:
            raise InputError(f"{what} : obligatoire", field=field)
        return v

    def select(self, field: str) -> str:
        v = self.query_one(f"#{field}", Select).value
        return v if isinstance(v, str) else ""

    def date(self, field: str, what: str) -> dt.date:
        """The date typed in the widget ``field``; refused, the error names that widget."""
        return parse_date(self.value(field), what, field=field)

    # Enter in any field, or the button, submits; Escape cancels.
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _submit(self) -> None:
        self.clear_errors()
        try:
            result = self.save()
        except EcpError as exc:
            self.show_error(exc)
            return
        self.dismiss(result)

    def save(self) -> Any:
        raise NotImplementedError
