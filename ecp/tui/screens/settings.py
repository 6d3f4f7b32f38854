"""Paramètres: the ECP's identity (raison sociale, IF, ICE, RIB, …) and its options, the TUI
twin of ``ecp settings show | set``. Each key with its label and current value, « obligatoire »
when a required one is missing; Entrée edits the selected key in a small dialog."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from ecp import api
from ecp import settings as settings_mod
from ecp.tui.kit.forms import FormModal


def all_keys() -> list[tuple[str, str, bool]]:
    """(key, label, required) for every declared setting, in the screen's order."""
    return [(s.key, s.label, s.required) for s in settings_mod.SETTINGS.values()]


def store(books: api.Books, key: str, value: str) -> str:
    """Check and store one setting by the rule of ``ecp.settings`` (the CLI's too); what to
    tell the user: the key stored (``vat.regime.AAAA`` for a regime) = value, then any
    warning (filing frequency against last year's turnover), one per line."""
    res = api.settings_apply(books, key, value)
    return "\n".join((f"{res.key} = {res.value}", *res.warnings))


class SettingEditScreen(FormModal[str | None]):
    """One key, its value pre-filled; Entrée saves, the refusal shown under the field."""

    FIELDS = {"value": "value", "key": "value"}

    def __init__(self, key: str, label: str, value: str, description: str = "") -> None:
        super().__init__()
        self.key = key
        self.label = label
        self.current = value
        self.description = description

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Paramètre {self.key}", classes="title")
            yield Static(self.label + (f" — {self.description}" if self.description else ""))
            yield from self.field("Valeur", Input(self.current, id="value"))
            yield from self.general_error()
            yield from self.buttons("Enregistrer", "Entrée : enregistrer — Échap : annuler")

    def on_mount(self) -> None:
        self.query_one("#value", Input).focus()

    def save(self) -> str:
        app: Any = self.app
        return store(app.books, self.key, self.value("value"))


class SettingsScreen(ModalScreen[None]):
    """Paramètres : identité de l'ECP et options."""

    BINDINGS = [Binding("escape", "close", "Fermer", id="settings.close")]
    DEFAULT_CSS = """
    SettingsScreen > .dialog { width: 130; }
    SettingsScreen DataTable { height: auto; max-height: 26; }
    SettingsScreen .hint { color: $text-muted; padding-top: 1; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Paramètres : identité de l'ECP et options", classes="title")
            yield DataTable(id="settings", cursor_type="row", zebra_stripes=True)
            yield Static("Entrée : modifier — Échap : fermer", classes="hint")

    @property
    def books(self) -> api.Books:
        app: Any = self.app
        books: api.Books = app.books
        return books

    def on_mount(self) -> None:
        t = self.query_one("#settings", DataTable)
        t.add_columns("Paramètre", "Valeur", "", "Clé")
        self.reload()
        t.focus()

    def reload(self) -> None:
        t = self.query_one("#settings", DataTable)
        row = t.cursor_row
        t.clear()
        self.rows = api.settings_list(self.books)
        for v in self.rows:
            shown = v.value or (f"({v.default} par défaut)" if v.default else "")
            t.add_row(v.label, shown, "obligatoire" if v.missing else "", v.key, key=v.key)
        if t.row_count:
            t.move_cursor(row=min(max(row, 0), t.row_count - 1))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        t = self.query_one("#settings", DataTable)
        if not t.row_count:
            return
        v = self.rows[t.cursor_row]
        key = v.key

        def done(result: str | None) -> None:
            if result is not None:
                warned = "\n" in result
                self.notify(result, title="Paramètres", severity="warning" if warned
                            else "information", timeout=12 if warned else 5)
                self.reload()

        self.app.push_screen(SettingEditScreen(key, v.label, v.value, v.description), done)

    def action_close(self) -> None:
        self.dismiss(None)
