"""Plan comptable: the chart (class, parent, internal, used), filtered with ``/``; open a
sub-account of an existing account."""

from __future__ import annotations

import unicodedata

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static

from ecp import api
from ecp.ledger.chart import AccountView
from ecp.tui.kit.base import EcpScreen
from ecp.tui.kit.forms import FormModal
from ecp.tui.kit.table import FastTable


def _fold(text: str) -> str:
    """Lower case without accents: « creances » finds « Créances »."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold())
                   if not unicodedata.combining(c))


def matches(account: AccountView, text: str) -> bool:
    t = text.strip()
    return not t or account.code.startswith(t) or _fold(t) in _fold(account.name)


class AccountAddScreen(FormModal[str | None]):
    """Ouvrir un sous-compte: its code starts with the code of an existing account."""

    FIELDS = {"code": "code", "name": "name"}

    def __init__(self, parent: str = "") -> None:
        super().__init__()
        self.parent_code = parent

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Nouveau sous-compte", classes="title")
            yield Static("Son code prolonge celui d'un compte du plan (34211 → 342112) ; "
                         "il en prend la classe.", classes="muted")
            yield from self.field("Code", Input(self.parent_code, id="code", max_length=12,
                                                restrict=r"[0-9]*", select_on_focus=False))
            yield from self.field("Intitulé", Input(id="name"))
            yield from self.general_error()
            yield from self.buttons("Ouvrir le compte")

    def on_mount(self) -> None:
        code = self.query_one("#code", Input)
        code.focus()
        code.cursor_position = len(code.value)

    def save(self) -> str:
        acc = api.add_account(self.books, self.value("code"), self.value("name"))
        return acc.code


class AccountsScreen(EcpScreen):
    BINDINGS = [
        Binding("slash", "filter", "Filtrer", id="accounts.filter"),
        Binding("a", "add", "Ajouter un sous-compte", id="accounts.add"),
        Binding("escape", "table", "Liste", show=False, id="accounts.table"),
    ]

    # No « Parent » column: only the sub-accounts opened here have one (the CGNC's seeded
    # accounts none), so it was empty on almost every row; the name says it instead.
    COLUMNS = (("Code", 10), ("Intitulé", 52), ("Classe", 6), ("Interne", 7),
               ("Mouvementé", 10))

    def __init__(self) -> None:
        super().__init__()
        self.accounts: list[AccountView] = []

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Horizontal(classes="bar"):
            yield Label("Filtre")
            yield Input(placeholder="/ code (début) ou mot de l'intitulé", id="filter")
        yield FastTable(id="accounts", cursor_type="row", zebra_stripes=True, flex="Intitulé")
        yield Label("", id="count", classes="status")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        t = self.query_one("#accounts", DataTable)
        for label, width in self.COLUMNS:
            t.add_column(label, width=width)
        self.load()
        t.focus()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self, select: str | None = None) -> None:
        self.accounts = api.list_accounts(self.books)
        self.show(select)

    def show(self, select: str | None = None) -> None:
        t = self.query_one("#accounts", DataTable)
        keep = select or self.current_code()
        text = self.query_one("#filter", Input).value
        shown = [a for a in self.accounts if matches(a, text)]
        t.clear()
        for a in shown:
            name = f"{a.name} (sous-compte de {a.parent})" if a.parent else a.name
            t.add_row(a.code, Text(name), str(a.cls).center(6),
                      "oui" if a.internal else "", "oui" if a.used else "", key=a.code)
        codes = {a.code for a in shown}
        if keep in codes:
            t.move_cursor(row=t.get_row_index(keep))
        what = f" pour « {text.strip()} »" if text.strip() else ""
        plural = "s" if len(shown) > 1 else ""
        self.query_one("#count", Label).update(Text(
            f"{len(shown)} compte{plural} sur {len(self.accounts)}{what} — / : filtrer — "
            "Entrée : grand livre du compte — a : ouvrir un sous-compte du compte sélectionné"))

    def current_code(self) -> str | None:
        t = self.query_one("#accounts", DataTable)
        if t.row_count == 0:
            return None
        key = t.coordinate_to_cell_key(t.cursor_coordinate).row_key.value
        return str(key) if key is not None else None

    # --- filter ------------------------------------------------------------------------------

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_table(self) -> None:
        self.query_one("#accounts", DataTable).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.show()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.action_table()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        code = self.current_code()
        if code is not None:
            self.ecp.open_ledger(code, None)

    # --- add ---------------------------------------------------------------------------------

    def action_add(self) -> None:
        self.app.push_screen(AccountAddScreen(self.current_code() or ""), self._after_add)

    def _after_add(self, code: str | None) -> None:
        if not code:
            return
        self.accounts = api.list_accounts(self.books)
        acc = next(a for a in self.accounts if a.code == code)
        if not matches(acc, self.query_one("#filter", Input).value):
            self.query_one("#filter", Input).value = ""
        self.show(select=code)
        self.action_table()
        self.notify(f"Compte {acc.code} « {acc.name} » ouvert sous {acc.parent}",
                    title="Plan comptable", markup=False)
