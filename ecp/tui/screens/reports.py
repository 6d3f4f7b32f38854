"""Balance, Grand livre, Journaux: the report screens.

Each screen has a filter bar (a month ``AAAA-MM`` or from/to dates, a dimension; the Grand
livre an account, the Journaux a journal) applied by Enter, shows what SQL returns for it (the
balance from the monthly balances, ledger and journal lines by keyset pages), and writes what
it shows to CSV with ``x`` (``api.export``, same filters), then says where and with which
totals and chain head.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, DataTable, Input, Label, Select, Static
from textual.widgets.select import InvalidSelectValueError
from textual.worker import get_current_worker

from ecp import api
from ecp.kernel.errors import EcpError
from ecp.kernel.files import private_dir
from ecp.kernel.periods import (
    month_end_exclusive,
    month_label,
    month_start,
    parse_date,
    parse_month,
)
from ecp.ledger.browse import JournalLine, JournalTotals
from ecp.ledger.chart import JOURNALS
from ecp.ledger.queries import LedgerRow, TrialBalance
from ecp.reports.exports import ExportResult
from ecp.reports.tables import (
    TRIAL_BALANCE_COLUMNS,
    TRIAL_BALANCE_FIELDS,
    Table,
    trial_balance_table,
)
from ecp.tui.kit.base import EcpScreen
from ecp.tui.kit.footer import Footer
from ecp.tui.kit.format import day as fr_day
from ecp.tui.kit.format import money
from ecp.tui.kit.forms import FieldError
from ecp.tui.kit.report_table import add_columns, fill
from ecp.tui.kit.table import FastTable, Page, PagedTable, right

PAGE = 100
EXPORT_DIR = Path.home() / "ecp-exports"


# --- cells -----------------------------------------------------------------------------------

AMOUNT_WIDTH = 14  # « 999 999 999,99 »
BALANCE_WIDTH = 16  # the same and « D » or « C »


def amount_cell(cents: int, blank_zero: bool = True, bold: bool = False) -> Text:
    """An amount, right-aligned in its column (empty when zero, as paper ledgers do): the
    column fits its longest amount (FastTable draws it quickly)."""
    return right(money(cents, blank_zero), style="bold" if bold else "")


def balance_cell(cents: int) -> Text:
    """A running balance: its size and D (débiteur) or C (créditeur); padded (a zero's
    blank side would be stripped by ``justify="right"``), its column grows past the width."""
    side = "D" if cents > 0 else "C" if cents < 0 else " "
    return Text(f"{money(abs(cents))} {side}".rjust(BALANCE_WIDTH))


def side_text(cents: int) -> str:
    if cents == 0:
        return "0,00"
    return f"{money(abs(cents))} {'débiteur' if cents > 0 else 'créditeur'}"


def short(text: str, width: int) -> str:
    """One line of at most ``width`` characters (a Select shows its choice on one line)."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def day_key(iso: str) -> int:
    return int(iso.replace("-", ""))


def period_text(date_from: dt.date | None, date_to: dt.date | None) -> str:
    if date_from and date_to:
        if (date_from.day == 1 and date_to + dt.timedelta(days=1)
                == month_end_exclusive(date_from.year * 100 + date_from.month)):
            return f"mois {date_from.year:04d}-{date_from.month:02d}"
        return f"du {fr_day(date_from)} au {fr_day(date_to)}"
    if date_from:
        return f"à partir du {fr_day(date_from)}"
    if date_to:
        return f"jusqu'au {fr_day(date_to)}"
    return "toutes dates"


# --- export dialog ---------------------------------------------------------------------------

class ExportDialog(ModalScreen[ExportResult | None]):
    """Where to write the CSV (an editable path), plain or Excel; errors stay in the dialog."""

    BINDINGS = [Binding("escape", "cancel", "Annuler", id="export-dialog.cancel")]

    DEFAULT_CSS = """
    ExportDialog > .dialog { width: 96; }
    ExportDialog Checkbox { margin-top: 1; }
    """

    def __init__(self, title: str, summary: str, path: Path,
                 write: Callable[[Path, bool], ExportResult]) -> None:
        super().__init__()
        self.title_text = title
        self.summary = summary
        self.path = path
        self.write = write

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="title")
            yield Static(self.summary, classes="muted")
            yield Label("Fichier CSV (un manifeste .manifest.txt est écrit à côté)")
            yield Input(str(self.path), id="path")
            yield Checkbox("Variante Excel (point-virgule, virgule décimale, BOM)", id="excel")
            yield FieldError("", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Écrire (Entrée)", id="ok", variant="primary")
                yield Button("Annuler (Échap)", id="cancel")

    def on_mount(self) -> None:
        inp = self.query_one("#path", Input)
        inp.focus()
        inp.cursor_position = len(inp.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._write()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._write()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _write(self) -> None:
        err = self.query_one("#error", FieldError)
        text = self.query_one("#path", Input).value.strip()
        if not text:
            err.update("fichier : obligatoire")
            return
        path = Path(text).expanduser().absolute()
        try:
            if path.parent == EXPORT_DIR and not EXPORT_DIR.exists():
                private_dir(EXPORT_DIR)
            res = self.write(path, self.query_one("#excel", Checkbox).value)
        except EcpError as exc:
            err.update(str(exc))
            return
        except OSError as exc:
            err.update(f"fichier : écriture impossible ({exc.strerror or exc})")
            return
        self.dismiss(res)


# --- the shared filter bar and export --------------------------------------------------------

class ReportScreen(EcpScreen):
    """Period (month or dates) and dimension filters, Enter applies, ``x`` exports."""

    FILE = "export"  # default file name stem
    BINDINGS = [
        Binding("x", "export", "Exporter CSV", id="report.export"),
        Binding("slash", "filters", "Filtres", id="report.filters"),
        Binding("escape", "table", "Tableau", show=False, id="report.table"),
    ]

    # Screen CSS is scoped to the screen's own class by Textual.
    CSS = """
    .bar { height: auto; }
    #f-month { width: 18; }
    #f-from, #f-to { width: 19; }
    #f-dim { width: 1fr; min-width: 26; max-width: 34; }
    #f-error { padding: 0 1; }
    #f-journal { width: 30; }
    #f-account { width: 12; }
    #account-name { width: 1fr; min-width: 12; height: 3; padding: 1 1 0 0;
                    text-wrap: nowrap; text-overflow: ellipsis; }
    .info { height: auto; padding: 0 1; }
    #summary { height: 2; }  /* fixed: a new account repaints it without a new layout */
    #export { height: auto; padding: 0 1; color: $success; }
    #export.muted { color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.date_from: dt.date | None = None
        self.date_to: dt.date | None = None
        self.dimension: str | None = None
        self._stamp: tuple[str, int] | None = None

    # compose pieces

    def compose_period(self) -> ComposeResult:
        yield Input(placeholder="Mois AAAA-MM", id="f-month")
        yield Input(placeholder="Du JJ/MM/AAAA", id="f-from")
        yield Input(placeholder="Au JJ/MM/AAAA", id="f-to")
        yield Select([], prompt="Toutes dimensions", id="f-dim")

    HINT = "/ : filtres — x : exporter en CSV"

    def compose_end(self) -> ComposeResult:
        yield Static(self.HINT, id="export", classes="muted")
        yield from self.compose_footer()

    def compose_footer(self) -> ComposeResult:
        yield Footer()  # the same keys, not rebuilt when the focus moves to the table

    # state of the books: reload on return only if something was posted or a member added

    def _books_stamp(self) -> tuple[str, int]:
        return str(api.chain_head(self.books)), len(api.list_members(self.books, True))

    # Textual calls the handlers of every class in the MRO: subclasses override hooks
    # (``setup``, ``load``, ``read_extra``...), never these handlers.

    def on_mount(self) -> None:
        self.setup()
        self._fill_dimensions()
        self._stamp = self._books_stamp()
        self.load()
        self.action_table()

    def on_screen_resume(self) -> None:
        if self._stamp is None:  # not mounted yet: on_mount loads
            return
        stamp = self._books_stamp()
        if stamp != self._stamp:
            self._stamp = stamp
            self._fill_dimensions()
            self.load()

    def _fill_dimensions(self) -> None:
        sel = self.query_one("#f-dim", Select)
        options = [(short(f"{m.code} {m.name}", 25), m.code)
                   for m in api.list_members(self.books, True)]
        with self.prevent(Select.Changed):
            sel.set_options(options)
            if self.dimension in {c for _, c in options}:
                sel.value = self.dimension
            else:
                self.dimension = None

    # to override

    def setup(self) -> None:
        """Once, before the first load (columns of a plain DataTable)."""

    def load(self) -> None:
        raise NotImplementedError

    def table(self) -> DataTable[Any]:
        raise NotImplementedError

    def read_extra(self, source: str | None) -> bool:
        """Read the screen's own filters (account, journal); False when one is refused."""
        return True

    # filters

    def set_period(self, date_from: dt.date | None, date_to: dt.date | None) -> None:
        self.date_from, self.date_to = date_from, date_to
        self.query_one("#f-from", Input).value = fr_day(date_from)
        self.query_one("#f-to", Input).value = fr_day(date_to)
        month = ""
        if date_from and date_to and date_from.day == 1:
            key = date_from.year * 100 + date_from.month
            if date_to + dt.timedelta(days=1) == month_end_exclusive(key):
                month = month_label(key)
        self.query_one("#f-month", Input).value = month

    def set_dimension(self, dimension: str | None) -> None:
        sel = self.query_one("#f-dim", Select)
        with self.prevent(Select.Changed):
            try:
                sel.value = dimension if dimension else Select.NULL
            except InvalidSelectValueError:  # not (or no longer) a dimension: all of them
                sel.value = Select.NULL
                dimension = None
        self.dimension = dimension

    def refuse(self, field_id: str, message: str) -> bool:
        self.query_one(f"#{field_id}").add_class("-invalid")
        self.query_one("#f-error", FieldError).update(message)
        return False

    def read_period(self, source: str | None) -> bool:
        month_in = self.query_one("#f-month", Input)
        from_in = self.query_one("#f-from", Input)
        to_in = self.query_one("#f-to", Input)
        month_txt = month_in.value.strip()
        if source == "f-month" or (source not in ("f-from", "f-to") and month_txt):
            if not month_txt:
                self.set_period(None, None)
                return True
            try:
                key = parse_month(month_txt)
            except EcpError as exc:
                return self.refuse("f-month", str(exc))
            self.set_period(month_start(key), month_end_exclusive(key) - dt.timedelta(days=1))
            return True
        try:
            d1 = parse_date(from_in.value, "du") if from_in.value.strip() else None
        except EcpError as exc:
            return self.refuse("f-from", str(exc))
        try:
            d2 = parse_date(to_in.value, "au") if to_in.value.strip() else None
        except EcpError as exc:
            return self.refuse("f-to", str(exc))
        if d1 and d2 and d1 > d2:
            return self.refuse("f-to", f"au : le {fr_day(d2)} est avant le "
                                       f"{fr_day(d1)} (du)")
        self.set_period(d1, d2)
        return True

    def apply(self, source: str | None = None) -> bool:
        """Read every filter; show the first refusal next to its field, else reload."""
        # Touch styles only when something was marked: a restyle costs a repaint of the bar.
        for w in self.query(".bar > .-invalid"):
            w.remove_class("-invalid")
        err = self.query_one("#f-error", FieldError)
        if str(err.render()):
            err.update("")
        if not self.read_period(source) or not self.read_extra(source):
            return False
        d = self.query_one("#f-dim", Select).value
        self.dimension = d if isinstance(d, str) else None
        self.load()
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.apply(event.input.id):
            self.action_table()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.apply(event.select.id)

    def action_filters(self) -> None:
        self.query_one(".bar > *").focus()

    def action_table(self) -> None:
        self.table().focus()

    def filters_text(self) -> str:
        return f"{period_text(self.date_from, self.date_to)} — " + (
            f"dimension {self.dimension}" if self.dimension else "toutes dimensions")

    # export

    def export_kind(self) -> tuple[str, str]:
        """(what for api.export, dialog title)."""
        raise NotImplementedError

    def export_name(self) -> str:
        parts = [self.FILE, *([self.dimension] if self.dimension else []),
                 self.ecp.today.isoformat()]
        return "-".join(parts)

    def default_export_path(self) -> Path:
        stem = self.export_name()
        path, n = EXPORT_DIR / f"{stem}.csv", 2
        while path.exists():
            path, n = EXPORT_DIR / f"{stem}-{n}.csv", n + 1
        return path

    def write_export(self, path: Path, excel: bool) -> ExportResult:
        what, _ = self.export_kind()
        return api.export(self.books, what, path, self.date_from, self.date_to,
                          self.dimension, excel, **self.export_filters())

    def export_filters(self) -> dict[str, Any]:
        return {}

    def can_export(self) -> bool:
        return True

    def action_export(self) -> None:
        if not self.can_export():
            return
        _, title = self.export_kind()
        self.app.push_screen(ExportDialog(title, f"Ce que l'écran montre : {self.filters_text()}",
                                          self.default_export_path(), self.write_export),
                             self._exported)

    def _exported(self, res: ExportResult | None) -> None:
        if res is None:
            return
        what = "compte" if self.FILE == "balance" else "ligne"
        self.query_one("#export", Static).set_class(False, "muted")
        self.query_one("#export", Static).update(Text(
            f"Export écrit : {res.path} ({plural(res.rows, what)}, débit {money(res.debit)}, "
            f"crédit {money(res.credit)})\nManifeste : {res.manifest} — "
            f"tête de chaîne {res.head}"))
        self.notify(f"{res.path}", title="Export CSV écrit")


# --- Balance ---------------------------------------------------------------------------------

TOTAL_KEY = "__total__"


class BalanceScreen(ReportScreen):
    """Balance générale: six columns per account and their totals; Enter opens the ledger."""

    FILE = "balance"
    HINT = "Entrée : grand livre du compte — / : filtres — x : exporter en CSV"
    BINDINGS = [Binding("enter", "open", "Grand livre du compte", show=True, id="balance.open")]

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Horizontal(classes="bar"):
            yield from self.compose_period()
        yield FieldError("", id="f-error")
        yield Label("", id="info", classes="info")
        yield FastTable(id="balance", cursor_type="row", zebra_stripes=True)
        yield from self.compose_end()

    def setup(self) -> None:
        add_columns(self.table(), Table("", TRIAL_BALANCE_COLUMNS, ()))

    def table(self) -> DataTable[Any]:
        return self.query_one("#balance", DataTable)

    def load(self) -> None:
        tb = api.trial_balance(self.books, self.date_from, self.date_to, self.dimension)
        self.show_balance(tb)

    def show_balance(self, tb: TrialBalance) -> None:
        """The table ``ecp report trial-balance`` prints, rows keyed by account; the total's
        label under the account's name (the code column is narrow)."""
        t = self.table()
        row = t.cursor_row
        table = trial_balance_table(tb)
        # The TOTAL then, on the entity's books, « dont hors flux internes » / « dont flux
        # internes » (TrialBalance.total(field, internal=…)): each label under the name.
        fill(t, table, keyed=True, pad=True, totals=[replace(
            total, cells=("", total.cells[0], *total.cells[2:]),
            key=TOTAL_KEY if k == 0 else f"{TOTAL_KEY}{k}")
            for k, total in enumerate(table.totals)])
        totals = [tb.total(f) for f in TRIAL_BALANCE_FIELDS]
        t.move_cursor(row=max(0, min(row, len(tb.rows) - 1)))
        pairs = [totals[i] - totals[i + 1] for i in (0, 2, 4)]
        check = ("équilibrée : débit = crédit" if not any(pairs) else
                 "DÉSÉQUILIBRÉE : " + ", ".join(f"écart {money(p)}" for p in pairs if p))
        empty = "aucun mouvement — " if not tb.rows else ""
        self.query_one("#info", Label).update(
            f"Balance générale — {self.filters_text()} — {plural(len(tb.rows), 'compte')} — "
            f"{empty}{check}")

    def action_open(self) -> None:
        t = self.table()
        if t.row_count == 0:
            return
        key = t.coordinate_to_cell_key(t.cursor_coordinate).row_key.value
        if key is None or key.startswith(TOTAL_KEY):
            return
        account, dimension = str(key), self.dimension
        period = (self.date_from, self.date_to)

        async def go() -> None:
            await self.app.switch_mode("grandlivre")
            screen = self.app.screen
            if isinstance(screen, LedgerScreen):
                screen.show(account, dimension, *period)

        self.app.run_worker(go())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def export_kind(self) -> tuple[str, str]:
        return "trial-balance", "Exporter la balance (CSV)"


# --- Grand livre -----------------------------------------------------------------------------

LEDGER_COLUMNS = (("Date", 10), ("Écriture", 14), ("Libellé", 22), ("Référence", 13),
                  ("Dim.", 5), ("Tiers", 10), ("Débit", AMOUNT_WIDTH), ("Crédit", AMOUNT_WIDTH),
                  ("Solde", BALANCE_WIDTH))


class LedgerScreen(ReportScreen):
    """Grand livre of one account: its lines by keyset pages, each with the running balance."""

    FILE = "grand-livre"
    HINT = ("Entrée : l'écriture — Fin/Début (dans la liste) : dernière/première page — "
            "c : compte — "
            "/ : filtres — x : exporter en CSV")
    BINDINGS = [Binding("c", "pick_account", "Choisir le compte", id="ledger.pick_account")]

    def __init__(self) -> None:
        super().__init__()
        self.account: str | None = None
        self.account_name = ""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Horizontal(classes="bar"):
            yield Input(placeholder="Compte", id="f-account")
            yield Label("c : choisir un compte", id="account-name", classes="muted")
            yield from self.compose_period()
        yield FieldError("", id="f-error")
        yield Static("", id="summary", classes="info")
        yield PagedTable(LEDGER_COLUMNS, self.fetch, id="ledger", flex="Libellé",
                         shrink=("Référence", "Tiers"))
        yield from self.compose_end()

    def table(self) -> DataTable[Any]:
        return self.query_one("#ledger", PagedTable)

    def action_table(self) -> None:
        if self.account is None:
            self.query_one("#f-account", Input).focus()
        else:
            super().action_table()

    def show(self, account: str, dimension: str | None, date_from: dt.date | None = None,
             date_to: dt.date | None = None) -> None:
        """Drill-down: the ledger of ``account`` (a dimension, a period), from its first line."""
        self.query_one("#f-account", Input).value = account
        self.set_dimension(dimension)
        self.set_period(date_from, date_to)
        if self.apply("show"):
            self.action_table()

    def _lookup(self, code: str) -> str | None:
        return next((n for c, n in api.search_accounts(self.books, code, 50) if c == code),
                    None)

    def read_extra(self, source: str | None) -> bool:
        inp = self.query_one("#f-account", Input)
        code = inp.value.strip()
        if not code:
            if source == "f-account":
                self.action_pick_account()
                return False
            self.account = None
            self.query_one("#account-name", Label).update("c : choisir un compte", layout=False)
            return True
        name = self._lookup(code)
        if name is None:
            if source == "f-account":  # Enter on a part of a code or of a name: pick one
                self.action_pick_account(code)
                return False
            return self.refuse("f-account", f"compte : « {code} » n'est pas dans le plan "
                                            "comptable (c : choisir)")
        self.account, self.account_name = code, name
        inp.value = code
        # fixed size (1fr × 3): a new name repaints the label, no new layout of the screen
        self.query_one("#account-name", Label).update(name, layout=False)
        return True

    def action_pick_account(self, text: str = "") -> None:
        """The account picker, searching ``text`` (a part of a code or of a name)."""
        from ecp.tui.kit.dialogs import PickerScreen

        self.app.push_screen(PickerScreen("Grand livre : choisir un compte",
                                          lambda t: api.search_accounts(self.books, t, 50),
                                          text, "aucun compte ne correspond"), self._picked)

    def _picked(self, code: str | None) -> None:
        if code is None:
            self.query_one("#f-account", Input).focus()
            return
        self.query_one("#f-account", Input).value = code
        if self.apply("picker"):
            # after the modal is gone: Textual gives the focus back to the field first
            self.call_after_refresh(self.action_table)

    def load(self) -> None:
        summary = self.query_one("#summary", Static)
        if self.account is None:
            summary.update("Choisir un compte : taper son code (ou une partie de son intitulé) "
                           "puis Entrée, ou c", layout=False)
        else:
            tb = api.trial_balance(self.books, self.date_from, self.date_to, self.dimension)
            r = next((x for x in tb.rows if x.account == self.account), None)
            opening = (r.opening_debit - r.opening_credit) if r else 0
            closing = (r.closing_debit - r.closing_credit) if r else 0
            since = f" au {fr_day(self.date_from)}" if self.date_from else ""
            summary.update(Text.assemble(
                (f"{self.account} {self.account_name}", "bold"),
                f" — {ReportScreen.filters_text(self)}\n",
                f"Ouverture{since} : {side_text(opening)} — mouvements : débit "
                f"{money(r.debit if r else 0)}, crédit {money(r.credit if r else 0)} — "
                "clôture : ", (side_text(closing), "bold")), layout=False)
        self.query_one("#ledger", PagedTable).reload()

    def fetch(self, direction: str, key: Any) -> Page:
        if self.account is None:
            return Page([], [], False, False)
        kw: dict[str, Any] = {"dimension": self.dimension, "date_from": self.date_from,
                              "date_to": self.date_to, "limit": PAGE}
        if direction == "last":
            kw["last"] = True
        elif direction == "after":
            kw["after"] = key
        elif direction == "before":
            kw["before"] = key
        p = api.ledger_page(self.books, self.account, **kw)
        return Page([self._cells(r) for r in p.rows],
                    [(day_key(r.day), r.line_id) for r in p.rows], p.has_before, p.has_after)

    @staticmethod
    def _cells(r: LedgerRow) -> tuple[Any, ...]:
        return (fr_day(r.day), r.entry, Text(r.label), Text(r.reference), r.dimension,
                Text(r.third_party or ""),
                amount_cell(max(r.amount, 0)), amount_cell(max(-r.amount, 0)),
                balance_cell(r.balance))

    def on_paged_table_opened(self, event: PagedTable.Opened) -> None:
        self.ecp.open_entry(api.entry_of_line(self.books, event.key[1]))

    def can_export(self) -> bool:
        if self.account is None:
            self.notify("Choisir d'abord un compte", severity="warning")
            return False
        return True

    def export_name(self) -> str:
        return "-".join([self.FILE, self.account or "", *([self.dimension] if self.dimension
                                                          else []),
                         self.ecp.today.isoformat()])

    def export_filters(self) -> dict[str, Any]:
        return {"account": self.account}

    def export_kind(self) -> tuple[str, str]:
        return "ledger", f"Exporter le grand livre du compte {self.account} (CSV)"

    def filters_text(self) -> str:
        acc = f"compte {self.account} — " if self.account else ""
        return acc + super().filters_text()


# --- Journaux --------------------------------------------------------------------------------

JOURNAL_COLUMNS = (("Date", 10), ("Écriture", 14), ("Libellé", 30), ("Compte", 8),
                   ("Intitulé", 24), ("Dim.", 6), ("Débit", AMOUNT_WIDTH),
                   ("Crédit", AMOUNT_WIDTH))


class JournalScreen(ReportScreen):
    """Journaux: the lines of a journal (or of all) in date order, by keyset pages, with the
    period's totals computed by SQL in the background."""

    FILE = "journal"
    HINT = ("Entrée : l'écriture — Fin/Début : dernière/première page — / : filtres — "
            "x : exporter en CSV")

    def __init__(self) -> None:
        super().__init__()
        self.journal: str | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Horizontal(classes="bar"):
            yield Select([(f"{c} {n}", c) for c, n in JOURNALS.items()],
                         prompt="Tous les journaux", id="f-journal")
            yield from self.compose_period()
        yield FieldError("", id="f-error")
        yield Static("", id="totals", classes="info")
        yield PagedTable(JOURNAL_COLUMNS, self.fetch, id="journal", flex="Libellé",
                         shrink=("Intitulé",))
        yield from self.compose_end()

    def table(self) -> DataTable[Any]:
        return self.query_one("#journal", PagedTable)

    def read_extra(self, source: str | None) -> bool:
        j = self.query_one("#f-journal", Select).value
        self.journal = j if isinstance(j, str) else None
        return True

    def set_journal(self, journal: str | None) -> None:
        with self.prevent(Select.Changed):
            self.query_one("#f-journal", Select).value = journal or Select.NULL
        self.journal = journal

    def _filters(self) -> dict[str, Any]:
        return {"journal": self.journal, "date_from": self.date_from,
                "date_to": self.date_to, "dimension": self.dimension}

    def load(self) -> None:
        self.query_one("#totals", Static).update(f"{self.filters_text()} — totaux : calcul…")
        self.compute_totals(self._filters(), self.filters_text())
        self.query_one("#journal", PagedTable).reload()

    @work(thread=True, exclusive=True, group="journal-totals")
    def compute_totals(self, flt: dict[str, Any], label: str) -> None:
        totals = api.journal_totals(self.books, **flt)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_totals, totals, label)

    def _show_totals(self, t: JournalTotals, label: str) -> None:
        gap = "" if t.debit == t.credit else f" — ÉCART {money(t.debit - t.credit)}"
        self.query_one("#totals", Static).update(Text.assemble(
            f"{label} — totaux : {plural(t.entries, 'écriture')}, {plural(t.lines, 'ligne')}"
            " — débit ",
            (money(t.debit), "bold"), " — crédit ", (money(t.credit), "bold"), gap))

    def fetch(self, direction: str, key: Any) -> Page:
        kw: dict[str, Any] = {**self._filters(), "limit": PAGE}
        if direction == "last":
            kw["last"] = True
        elif direction == "after":
            kw["after"] = key
        elif direction == "before":
            kw["before"] = key
        p = api.journal_page(self.books, **kw)
        return Page(list(self._cells(p.rows)), [(r.day, r.entry_id, r.line_id) for r in p.rows],
                    p.has_before, p.has_after)

    @staticmethod
    def _cells(rows: tuple[JournalLine, ...]) -> Iterator[tuple[Any, ...]]:
        """An entry's number, date and label on its first line only, as a paper journal."""
        prev = None
        for r in rows:
            first = r.entry_id != prev
            prev = r.entry_id
            yield (fr_day(r.date) if first else "", r.entry if first else "",
                   Text(r.label if first else ""), r.account, Text(r.account_name), r.dimension,
                   amount_cell(max(r.amount, 0)), amount_cell(max(-r.amount, 0)))

    def on_paged_table_opened(self, event: PagedTable.Opened) -> None:
        self.ecp.open_entry(event.key[1])

    def export_name(self) -> str:
        return "-".join([self.FILE, *([self.journal] if self.journal else []),
                         *([self.dimension] if self.dimension else []),
                         self.ecp.today.isoformat()])

    def export_filters(self) -> dict[str, Any]:
        return {"journal": self.journal}

    def export_kind(self) -> tuple[str, str]:
        j = f" {self.journal}" if self.journal else ""
        return "journal", f"Exporter le journal{j} (CSV)"

    def filters_text(self) -> str:
        j = f"journal {self.journal} {JOURNALS[self.journal]}" if self.journal else \
            "tous les journaux"
        return f"{j} — {super().filters_text()}"
