"""Paramètres: the ECP's identity (raison sociale, IF, ICE, RIB, …) and its options, the TUI
twin of ``ecp settings show | set``. Each key with its label and current value, « obligatoire »
when a required one is missing; Entrée edits the selected key in a small dialog."""

from __future__ import annotations

import re
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from ecp import api
from ecp.kernel.errors import InputError
from ecp.kernel.money import parse
from ecp.sales.company import COMPANY_KEYS, OTHER_KEYS
from ecp.tui.kit.forms import FormModal

# Options the CLI sets with ``ecp settings set`` too, checked here before storing.
EXTRA_KEYS = {
    "contribution.default_rate": "taux de contribution par défaut (ex. 10 ou 7,5 %)",
    "contribution.basis": "base de la contribution : encaissement (défaut) ou facturation",
    "reserve.default": "réserve par défaut : un montant en DH ou un % de la trésorerie",
}

_PCT = re.compile(r"^\d+([.,]\d{1,2})?\s*%?$")


def all_keys() -> list[tuple[str, str, bool]]:
    """(key, label, required) for every setting the bookkeeper may set."""
    keys = [(k, label, req) for k, (label, req) in COMPANY_KEYS.items()]
    keys += [(k, label, False) for k, label in OTHER_KEYS.items()]
    keys += [(k, label, False) for k, label in EXTRA_KEYS.items()]
    return keys


def store(books: api.Books, key: str, value: str) -> str:
    """Check and store one setting; InputError naming the key when refused."""
    if key not in EXTRA_KEYS:
        return api.settings_set(books, key, value)
    v = value.strip()
    if key == "contribution.default_rate":
        if v and not _PCT.match(v):
            raise InputError(f"{key} : « {value} » n'est pas un pourcentage (ex. 10 ou 7,5 %)")
    elif key == "contribution.basis":
        if v not in ("encaissement", "facturation"):
            raise InputError(f"{key} : « encaissement » ou « facturation »")
    elif v:
        if v.endswith("%"):
            if not _PCT.match(v):
                raise InputError(f"{key} : « {value} » n'est pas un pourcentage "
                                 "(ex. 10 ou 7,5 %)")
        else:
            parse(v, key)
    api.set_setting(books, key, v)
    return v


class SettingEditScreen(FormModal[str | None]):
    """One key, its value pre-filled; Entrée saves, the refusal shown under the field."""

    def __init__(self, key: str, label: str, value: str) -> None:
        super().__init__()
        self.key = key
        self.label = label
        self.current = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Paramètre {self.key}", classes="title")
            yield Static(self.label)
            yield from self.field("Valeur", Input(self.current, id="value"))
            yield from self.general_error()
            yield from self.buttons("Enregistrer", "Entrée : enregistrer — Échap : annuler")

    def on_mount(self) -> None:
        self.query_one("#value", Input).focus()

    def show_error(self, exc: Exception) -> None:
        self.set_error("value", str(exc))
        self.query_one("#value", Input).focus()

    def save(self) -> str:
        app: Any = self.app
        return store(app.books, self.key, self.value("value"))


class SettingsScreen(ModalScreen[None]):
    """Paramètres : identité de l'ECP et options."""

    BINDINGS = [Binding("escape", "close", "Fermer")]
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
        t.add_columns("Clé", "Description", "Valeur", "")
        self.reload()
        t.focus()

    def reload(self) -> None:
        t = self.query_one("#settings", DataTable)
        row = t.cursor_row
        t.clear()
        have = api.settings_show(self.books)
        for key, label, req in all_keys():
            value = have.get(key, "")
            mark = "obligatoire" if req and not value.strip() else ""
            t.add_row(key, label, value, mark, key=key)
        if t.row_count:
            t.move_cursor(row=min(max(row, 0), t.row_count - 1))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        t = self.query_one("#settings", DataTable)
        if not t.row_count:
            return
        key, label, _ = all_keys()[t.cursor_row]
        value = api.settings_show(self.books).get(key, "")

        def done(result: str | None) -> None:
            if result is not None:
                self.notify(f"{key} = {result}", title="Paramètres")
                self.reload()

        self.app.push_screen(SettingEditScreen(key, label, value), done)

    def action_close(self) -> None:
        self.dismiss(None)
