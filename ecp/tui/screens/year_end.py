"""Clôture de l'exercice (from Clôture, F8, key y): the fiscal year's end, tab by tab —

1. Contrôles: the close's checklist (``ecp year check``), each step ✓ or ✗ with its detail,
   up to the first failure; ``r`` runs it again (it verifies the books: a worker thread).
2. Immobilisations: the register at 31/12 of the year (``ecp asset list``); ``a`` adds an
   asset, ``s`` disposes of the one selected.
3. Amortissements: each asset's charge of the year by its plan; ``d`` posts them after a
   confirmation listing what is posted (``ecp depreciation run``).
4. Inventaire: the year-end stocks and the variations still to post (``ecp inventory``);
   ``m`` sets a stock counted by hand, ``i`` posts the variations.
5. États: Bilan, CPC, ESG, tableau de financement and the ETIC's tables, N and N-1, in the
   model the year's turnover calls for (``ecp report bilan|cpc|esg|tf|etic``); ``t`` shows
   the next one, ``n`` changes the model (``--model``), ``x`` writes the one shown as CSV,
   ``p`` as the official model's PDF, ``l`` the liasse (``ecp export liasse``).
6. Clôture: the year's state and result; ``c`` closes it provisionally, ``f`` for good (each
   after a confirmation stating what it does), ``o`` reopens a provisional close (reason),
   ``g`` allocates the result (the legal-reserve minimum shown) — ``ecp year close|reopen|
   allocate``.
7. Journal: the log of closes, reopenings and allocations (``ecp year events``).

The year shown at first is the oldest past year still open with entries (in January, the year
just ended), else the latest open year with entries. A tab's keys show in the footer
when the tab does; the writing ones are not offered on read-only books."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Input, Label, Static, TabbedContent, TabPane

from ecp import api
from ecp.kernel.errors import EcpError
from ecp.kernel.files import write_private
from ecp.kernel.money import fmt_fr
from ecp.ledger.year_ops import legal_reserve_minimum
from ecp.reports.render import cell_text, render_table
from ecp.reports.statutory import YearFigures
from ecp.reports.tables import Table
from ecp.sales.assets import accounts_for, plan
from ecp.tui.kit.base import EcpScreen
from ecp.tui.kit.format import day as fr_day
from ecp.tui.kit.forms import FieldError, KeyedInput
from ecp.tui.kit.report_table import fill
from ecp.tui.kit.table import FastTable
from ecp.tui.screens.year_end_dialogs import (
    METHOD_FR,
    AddAssetScreen,
    AllocateScreen,
    ConfirmYearCloseScreen,
    DefineYearScreen,
    DepreciationScreen,
    DisposeAssetScreen,
    InventoryRunScreen,
    InventorySetScreen,
    ReopenYearScreen,
)

EXPORT_DIR = Path.cwd()  # where x, p and l write (like the VAT screen's exports)

TABS = ("controles", "immobilisations", "amortissements", "inventaire", "etats", "cloture",
        "journal")
TAB_TITLES = ("Contrôles", "Immobilisations", "Amortissements", "Inventaire", "États",
              "Clôture", "Journal")
STATUS_FR = {"open": "ouvert", "provisional": "clôture provisoire",
             "final": "clôture définitive"}
EVENT_FR = {"close": "clôture", "reopen": "réouverture", "final": "clôture définitive",
            "allocate": "affectation"}
KIND_FR = {"matieres": "matières", "produits": "produits finis"}
SOURCE_FR = {"saisie": "à la main", "production": "production"}
# the statements shown in turn (t): a statement of ``ecp report``, and for the ETIC one table
VIEWS: tuple[tuple[str, str | None], ...] = (
    ("bilan", None), ("cpc", None), ("esg", None), ("tf", None), ("etic", "immobilisations"),
    ("etic", "amortissements"), ("etic", "stocks"), ("etic", "tva"))
STATEMENTS = ("bilan", "cpc", "esg", "tf", "etic")
STATEMENT_FR = {"bilan": "Bilan", "cpc": "CPC", "esg": "ESG", "tf": "Tableau de financement",
                "etic": "ETIC"}
# the model (n): by the year's turnover, or forced as ``--model`` does
MODELS: tuple[str | None, ...] = (None, "normal", "simplifie")
MODEL_FR = {None: "selon le chiffre d'affaires", "normal": "normal", "simplifie": "simplifié"}

# the checklist's steps (``api.year_checklist``), in its order, then the close itself
STEPS = (("exercice précédent", "Exercice précédent clôturé"),
         ("mois", "Mois de l'exercice clôturés"),
         ("TVA", "Périodes de TVA de l'exercice déclarées"),
         ("amortissements", "Dotations aux amortissements passées"),
         ("inventaire", "Variations des stocks passées"),
         ("brouillons", "Aucun brouillon daté dans l'exercice"),
         ("vérification", "Vérification des livres (chaîne, soldes)"),
         ("clôture", "Clôture : écritures CL et AN"))

# the keys of one tab (shown in the footer when the tab is)
TAB_ACTIONS = {
    "add_asset": ("immobilisations",), "dispose": ("immobilisations",),
    "depreciation": ("immobilisations", "amortissements"),
    "inventory_set": ("inventaire",), "inventory_run": ("inventaire",),
    "next_statement": ("etats",), "model": ("etats",), "export": ("etats",),
    "pdf": ("etats",), "liasse": ("etats",),
    "close": ("controles", "cloture"), "final": ("cloture",), "reopen": ("cloture",),
    "allocate": ("cloture",), "define": ("cloture",),
}
# the close's keys, by the year's state
STATE_ACTIONS = {"close": ("open",), "final": ("open", "provisional"),
                 "reopen": ("provisional",), "allocate": ("provisional", "final"),
                 "define": ("open",)}
# palette operations (``year('…')``): the tab they show, then the action they run, if any
OPS = {"checks": ("controles", "refresh"), "assets": ("immobilisations", ""),
       "journal": ("journal", ""), "export": ("etats", "export"), "pdf": ("etats", "pdf"),
       "liasse": ("etats", "liasse"),
       **{s: ("etats", "") for s in STATEMENTS},
       **{a: (tabs[-1] if a == "depreciation" else tabs[0], a)
          for a, tabs in TAB_ACTIONS.items() if tabs != ("etats",)}}


def default_year(years: list[api.YearView], today_year: int) -> int:
    """The year to close: the oldest past year still open with entries (years close in
    order: in January, the year just ended); else the latest open year with entries; else the
    current one."""
    open_ = [y.year for y in years if y.status == "open" and y.entries]
    past = [y for y in open_ if y < today_year]
    return min(past) if past else max(open_) if open_ else today_year


def parse_year(text: str) -> int:
    from ecp.kernel.errors import InputError

    s = text.strip()
    if not (len(s) == 4 and s.isascii() and s.isdigit()) or not 1901 <= int(s) <= 9998:
        raise InputError(f"exercice : « {text} » n'est pas une année (AAAA)", field="year",
                         code="year.invalid")
    return int(s)


def closing_balance(fig: YearFigures, prefix: str) -> int:
    """Debit − credit at the year's end of the entity's accounts starting with ``prefix``."""
    return sum(o + d - c for a, (o, d, c) in fig.accounts.items() if a.startswith(prefix))


def reserve_minimum(fig: YearFigures) -> tuple[int, int, int]:
    """(minimum, reserve, capital): the legal reserve's minimum on the year's result (the
    rule of ``ecp year allocate``), the reserve 1140 and the capital 111 at the year's end."""
    capital = -closing_balance(fig, "111")
    reserve = -closing_balance(fig, "1140")
    return legal_reserve_minimum(fig.result, reserve, capital), reserve, capital


def fit_widths(table: Table, width: int) -> list[int]:
    """The widths of ``table``'s columns (those readers see) on a screen ``width`` wide: every
    header and cell whole when they fit; else the amounts as wide as their figures, the widest
    text column (« Poste ») whole if it can be, and what is left to the amounts' headers."""
    keep = [k for k, c in enumerate(table.columns) if not c.machine_only]
    cols = [table.columns[k] for k in keep]
    cells = [0] * len(cols)  # the widest cell of each column
    for r in (*table.rows, *table.totals):
        for i, k in enumerate(keep):
            text = cell_text(r.cells[k], machine=False)
            cells[i] = max(cells[i], len("" if text is None else str(text)))
    whole = [max(len(c.label), n) for c, n in zip(cols, cells, strict=True)]
    avail = width - 4 - 2 * len(cols)  # cell padding, scrollbar
    if sum(whole) <= avail:
        return whole
    amounts = [i for i, c in enumerate(cols) if c.align == "right"]
    out = [max(10, cells[i]) if i in amounts else whole[i] for i in range(len(cols))]
    texts = [i for i in range(len(cols)) if i not in amounts]
    if texts:
        main = max(texts, key=lambda i: whole[i])
        rest = avail - sum(w for i, w in enumerate(out) if i != main)
        out[main] = max(24, min(whole[main], rest))
    spare = avail - sum(out)
    for i in amounts:  # the headers, as far as the room goes
        more = min(spare, whole[i] - out[i])
        if more > 0:
            out[i] += more
            spare -= more
    return out


class YearEndScreen(EcpScreen):
    """La clôture de l'exercice, onglet par onglet."""

    BINDINGS = [
        Binding("e", "focus_year", "Exercice", id="year-end.focus_year"),
        Binding("r", "refresh", "Contrôler", id="year-end.refresh"),
        Binding("a", "add_asset", "Ajouter", id="year-end.add_asset"),
        Binding("s", "dispose", "Céder", id="year-end.dispose"),
        Binding("d", "depreciation", "Passer les dotations", id="year-end.depreciation"),
        Binding("m", "inventory_set", "Stock à la main", id="year-end.inventory_set"),
        Binding("i", "inventory_run", "Passer l'inventaire", id="year-end.inventory_run"),
        Binding("t", "next_statement", "État suivant", id="year-end.next_statement"),
        Binding("n", "model", "Modèle", id="year-end.model"),
        Binding("x", "export", "CSV", id="year-end.export"),
        Binding("p", "pdf", "PDF", id="year-end.pdf"),
        Binding("l", "liasse", "Liasse", id="year-end.liasse"),
        Binding("c", "close", "Clôture provisoire", id="year-end.close"),
        Binding("f", "final", "Clôture définitive", id="year-end.final"),
        Binding("o", "reopen", "Rouvrir", id="year-end.reopen"),
        Binding("g", "allocate", "Affecter le résultat", id="year-end.allocate"),
        Binding("b", "define", "Premier exercice", id="year-end.define"),
        Binding("escape", "back", "Retour", id="year-end.back"),
        *(Binding(str(i), f"tab('{t}')", title, show=False, id=f"year-end.tab-{t}")
          for i, (t, title) in enumerate(zip(TABS, TAB_TITLES, strict=True), 1)),
    ]
    DEFAULT_CSS = """
    YearEndScreen #yearbar { height: auto; padding: 0 1; margin-bottom: 1; }
    YearEndScreen #yearbar > Label { padding: 0 1 0 0; }
    YearEndScreen #year { width: 6; }
    YearEndScreen #year-error { width: auto; padding: 0 1; }
    YearEndScreen #year-state { width: 1fr; height: auto; padding: 0 1; }
    YearEndScreen TabbedContent { height: 1fr; }
    YearEndScreen TabPane { padding: 0; }
    YearEndScreen .pane-title { padding: 0 1; text-style: bold; height: auto; }
    YearEndScreen .pane-hint { padding: 0 1; color: $text-muted; height: auto; }
    YearEndScreen #steps { height: auto; border: round $primary; padding: 0 1; margin: 0 1; }
    YearEndScreen .step { height: auto; }
    YearEndScreen #checks-outcome { height: auto; padding: 1 2; }
    YearEndScreen #close-info { height: auto; padding: 0 1; }
    YearEndScreen #msg { height: auto; padding: 0 1; }
    """

    def __init__(self, year: int | None = None, op: str = "") -> None:
        super().__init__()
        self.year = year or 0
        self.op = op
        self.running = False  # the checklist or the close, in a worker
        self.years: list[api.YearView] = []
        self.rows: list[api.AssetRow] = []
        self.inventory: list[api.InventoryLine] = []
        self.events: list[Any] = []
        self.shown_view = 0  # VIEWS[shown_view] on the États tab
        self.model: str | None = None
        self._tables: dict[tuple[str, str | None, str | None], Table | str] = {}
        self._figures: YearFigures | None = None
        self._figures_error = ""

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Horizontal(id="yearbar"):
            yield Label("Exercice (AAAA)")
            yield KeyedInput(id="year", max_length=4, restrict=r"[0-9]*", compact=True)
            yield FieldError("", id="year-error")
            yield Static("", id="year-state")
        with TabbedContent(id="year-tabs", initial="controles"):
            for i, (tab, title) in enumerate(zip(TABS, TAB_TITLES, strict=True), 1):
                with TabPane(f"{i} {title}", id=tab):
                    yield from self._compose_tab(tab)
        yield Static("", id="msg")
        yield from self.compose_footer()

    def _compose_tab(self, tab: str) -> ComposeResult:
        def table(name: str) -> FastTable:
            return FastTable(id=name, cursor_type="row", zebra_stripes=True)

        if tab == "controles":
            with VerticalScroll():
                with Vertical(id="steps"):
                    yield Label("", id="steps-title", classes="title")
                    for i in range(len(STEPS)):
                        yield Static("", id=f"step-{i}", classes="step")
                yield Static("", id="checks-outcome")
                yield Static("r : contrôler à nouveau — c : clôturer (provisoire) — 1 à 7 : "
                             "onglets — e : exercice", classes="pane-hint")
        elif tab == "immobilisations":
            yield Static("", id="assets-title", classes="pane-title")
            yield table("assets")
            yield Static("a : ajouter — s : céder l'immobilisation choisie — d : passer les "
                         "dotations", classes="pane-hint")
        elif tab == "amortissements":
            yield Static("", id="depr-title", classes="pane-title")
            yield table("depr")
            yield Static("", id="depr-result", classes="pane-hint")
        elif tab == "inventaire":
            yield Static("", id="inventory-title", classes="pane-title")
            yield table("inventory")
            yield Static("m : stock compté à la main — i : passer les variations (une écriture "
                         "OD par dimension ; relancer ne passe que la différence)",
                         classes="pane-hint")
        elif tab == "etats":
            yield Static("", id="statement-title", classes="pane-title")
            yield DataTable(id="statement", cursor_type="row", zebra_stripes=True)
            yield Static("t : état suivant (Bilan, CPC, ESG, tableau de financement, ETIC) — "
                         "n : modèle — x : CSV — p : PDF — l : liasse (un CSV par tableau)",
                         classes="pane-hint")
        elif tab == "cloture":
            with VerticalScroll():
                yield Static("", id="close-info")
        else:
            yield Static("Journal des clôtures d'exercice (le plus récent en haut)",
                         classes="pane-title")
            yield table("events")

    def on_resize(self) -> None:
        """The tables' widths follow the terminal's."""
        if self.is_mounted and self.year:
            self.fill_assets()
            self.fill_depreciation()
            self.fill_events()
            if self.tab == "etats":
                self.show_statement()

    def on_mount(self) -> None:
        self.years = api.list_years(self.books)
        if not self.year:
            self.year = default_year(self.years, self.today.year)
        self.query_one("#year", Input).value = str(self.year)
        self.query_one("#steps-title", Label).styles.padding = 0
        self.load()
        self.run_checks()
        if self.op:
            op, self.op = self.op, ""
            self.call_after_refresh(self.action_year, op)
        else:
            self.focus_tab()

    # --- the year ----------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "year":
            return
        try:
            y = parse_year(event.value)
        except EcpError:
            return  # still typing: said on Enter
        self.query_one("#year-error", FieldError).update("")
        if y != self.year:
            self.year = y
            self.load()
            self.run_checks()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "year":
            return
        try:
            parse_year(event.value)
        except EcpError as exc:
            self.query_one("#year-error", FieldError).update(Text(str(exc)))
            return
        self.focus_tab()

    def action_focus_year(self) -> None:
        self.query_one("#year", Input).focus()

    def view(self) -> api.YearView | None:
        return next((y for y in self.years if y.year == self.year), None)

    @property
    def status(self) -> str:
        v = self.view()
        return v.status if v else "open"

    def say(self, text: str, error: bool = False) -> None:
        self.query_one("#msg", Static).update(Text(text, style="bold red" if error else ""))

    # --- reading -----------------------------------------------------------------------------

    def load(self) -> None:
        """Read the year's state, register, inventory and log, and show them (the statements
        are read when their tab or the Clôture tab shows)."""
        books, year = self.books, self.year
        self.years = api.list_years(books)
        self._figures = None
        self._tables = {}
        try:
            self.rows = api.list_assets(books, year)
            self.inventory = api.inventory_preview(books, year)
        except EcpError as exc:
            self.rows, self.inventory = [], []
            self.say(str(exc), error=True)
        self.events = list(reversed(api.year_events(books)))
        self.refresh_bindings()  # the close's keys follow the year's state
        self.show_state()
        self.fill_assets()
        self.fill_depreciation()
        self.fill_inventory()
        self.fill_events()
        if self.tab in ("etats", "cloture"):
            self.show_statement()
            self.show_close()

    def figures(self) -> YearFigures | None:
        """The entity's figures of the year (its result, capital, reserve), read once per
        load."""
        if self._figures is None:
            try:
                self._figures = api.statutory_year(self.books, self.year)
            except EcpError as exc:
                self._figures_error = str(exc)
                return None
            self._figures_error = ""
        return self._figures

    def show_state(self) -> None:
        v = self.view()
        y = self.year
        if v is None:
            text = f"{y} : du 01/01/{y} au 31/12/{y} — ouvert — aucune écriture"
        else:
            def d(day: int) -> str:
                return f"{day % 100:02d}/{day // 100 % 100:02d}/{day // 10000}"

            text = (f"{y} : du {d(v.start)} au {d(v.end)} — {STATUS_FR.get(v.status, v.status)}"
                    f" — {v.entries} écriture(s)")
        others = [f"{o.year} {STATUS_FR.get(o.status, o.status)}" for o in self.years
                  if o.year != y]
        if others:
            text += " · autres : " + ", ".join(others)
        self.query_one("#year-state", Static).update(Text(text))

    def _columns(self, name: str, columns: list[tuple[str, int]]) -> DataTable[Any]:
        t = self.query_one(f"#{name}", DataTable)
        t.clear(columns=True)
        for label, width in columns:
            t.add_column(label, width=width)
        return t

    def name_width(self, fixed: int) -> int:
        """A name column's width: what the screen leaves after the other columns."""
        return max(14, min(44, self.app.size.width - fixed))

    def fill_assets(self) -> None:
        rows = self.rows
        self.query_one("#assets-title", Static).update(
            f"Registre des immobilisations au 31/12/{self.year} : {len(rows)} immobilisation(s)"
            + (f", brut {fmt_fr(sum(r.asset.cost for r in rows if not r.asset.disposed))} DH, "
               f"net {fmt_fr(sum(r.net for r in rows))} DH" if rows else ""))
        t = self._columns("assets", [
            ("Code", 8), ("Nom", self.name_width(104)), ("Compte", 6), ("Dim.", 5),
            ("Acquise le", 10), ("Plan", 11), ("Brut", 10), ("Amort.", 10), ("Net", 10),
            ("Cédée le", 10)])
        for r in rows:
            a = r.asset
            bp = a.rate_bp or 0
            how = f"{a.years} ans" if a.years else f"{bp // 100},{bp % 100:02d} %"
            t.add_row(a.code, a.name, a.account, a.dimension, fr_day(a.day),
                      f"{'lin.' if a.method == 'lineaire' else 'dégr.'} {how}",
                      Text(fmt_fr(a.cost), justify="right"),
                      Text(fmt_fr(r.cumulated), justify="right"),
                      Text(fmt_fr(r.net), justify="right"),
                      fr_day(a.disposed) if a.disposed else "", key=a.code)

    def fill_depreciation(self) -> None:
        y = self.year
        t = self._columns("depr", [
            ("Code", 8), ("Nom", self.name_width(98)), ("Dim.", 5), ("Méthode", 10),
            ("Débit", 6), ("Crédit", 6), (f"Dotation {y}", 13), (f"Cumul 31/12/{y}", 16),
            ("VNC", 12)])
        total = 0
        for r in self.rows:
            a = r.asset
            due = plan(a, y).get(y, 0)
            total += due
            mapped = accounts_for(a.account) or ("", "")
            t.add_row(a.code, a.name, a.dimension, METHOD_FR.get(a.method, a.method),
                      mapped[1], mapped[0], Text(fmt_fr(due), justify="right"),
                      Text(fmt_fr(r.cumulated), justify="right"),
                      Text(fmt_fr(r.net), justify="right"), key=a.code)
        self.query_one("#depr-title", Static).update(
            f"Plan d'amortissement {y} : dotations de l'exercice {fmt_fr(total)} DH "
            "(d : les passer, après confirmation)")

    def fill_inventory(self) -> None:
        lines = self.inventory
        todo = [x for x in lines if x.posted]
        self.query_one("#inventory-title", Static).update(
            f"Stocks au 31/12/{self.year} : " + (
                f"{len(todo)} variation(s) à passer (i)" if todo else
                "rien à passer" if lines else "aucun stock"))
        t = self._columns("inventory", [
            ("Dimension", 9), ("Nature", 14), ("Source", 11), ("Stock", 13),
            ("Comptabilisé", 13), ("Variation à passer", 18)])
        for x in lines:
            t.add_row(x.dimension, KIND_FR.get(x.kind, x.kind), SOURCE_FR.get(x.source, x.source),
                      Text(fmt_fr(x.value), justify="right"),
                      Text(fmt_fr(x.book), justify="right"),
                      Text(fmt_fr(x.posted) if x.posted else "", justify="right"))

    def fill_events(self) -> None:
        t = self._columns("events", [
            ("Exercice", 8), ("Action", 18), ("Écritures", 9), ("Par", 12), ("Le (UTC)", 16),
            ("Motif", self.name_width(85))])
        for e in self.events:
            t.add_row(str(e.year), EVENT_FR.get(e.action, e.action),
                      Text(str(e.entries), justify="right"), Text(e.actor),
                      fr_day(e.at), Text(e.reason))

    def statement_table(self) -> Table | str:
        """The statement shown (``VIEWS``) in the model chosen, or why it cannot be shown."""
        statement, table = VIEWS[self.shown_view]
        key = (statement, table, self.model)
        if key not in self._tables:
            try:
                st = api.statutory_tables(self.books, statement, self.year, self.model, table)
            except EcpError as exc:
                self._tables[key] = str(exc) + (
                    " (n : changer de modèle)" if exc.field == "model" else "")
            else:
                self._tables[key] = st.tables[0][2]
        return self._tables[key]

    def show_statement(self) -> None:
        t = self.query_one("#statement", DataTable)
        title = self.query_one("#statement-title", Static)
        table = self.statement_table()
        t.clear(columns=True)
        if isinstance(table, str):
            title.update(Text(f"{STATEMENT_FR[VIEWS[self.shown_view][0]]} {self.year} : "
                              f"{table}", style="red"))
            return
        title.update(Text(table.title + ("" if self.model is None else " — modèle choisi")))
        cols = [c for c in table.columns if not c.machine_only]
        for c, w in zip(cols, fit_widths(table, self.app.size.width), strict=True):
            t.add_column(c.label, width=w, key=c.key)
        fill(t, table)

    def show_close(self) -> None:
        y, status = self.year, self.status
        out = [f"Exercice {y} : {STATUS_FR.get(status, status)}."]
        n = self.figures()
        allocated = [e for e in self.events if e.year == y and e.action == "allocate"]
        if n is None:
            out.append(f"Résultat : {self._figures_error}")
        else:
            word = "bénéfice" if n.result >= 0 else "perte"
            out.append(f"Résultat de l'exercice (entité, classes 6 et 7 hors comptes "
                       f"internes) : {word} de {fmt_fr(abs(n.result))} DH.")
            minimum, reserve, capital = reserve_minimum(n)
            if status != "open":  # closed: what ``ecp year allocate`` will check
                p = api.allocation_preview(self.books, y)
                minimum, reserve, capital = p.reserve_minimum, p.reserve, p.capital
            out.append(f"Réserve légale minimum à l'affectation : {fmt_fr(minimum)} DH (5 % "
                       f"du bénéfice tant que la réserve, {fmt_fr(reserve)} DH, n'atteint pas "
                       f"10 % du capital, {fmt_fr(capital)} DH).")
        if allocated:
            out.append(f"Résultat affecté le {fr_day(allocated[0].at[:10])} "
                       f"({allocated[0].entries} écriture(s)).")
        out.append("")
        if status == "open":
            out += ["c : clôture provisoire — les contrôles (onglet 1), puis les écritures de "
                    "clôture (journal CL) et les à-nouveaux (journal AN) ; elle peut être "
                    "rouverte.",
                    "f : clôture définitive — la même, sans réouverture possible.",
                    "b : premier exercice — les livres commencent en cours d'année : "
                    "l'exercice va du jour choisi au 31/12 (loi 9-88, art. 7)."]
        elif status == "provisional":
            out += ["o : rouvrir (motif obligatoire) — les écritures CL et AN contre-passées.",
                    "f : clôture définitive — l'exercice figé tel quel.",
                    "g : affecter le résultat (réserve légale, report à nouveau, dividendes)."
                    if not allocated else "Le résultat est affecté."]
        else:
            out += ["Exercice clôturé définitivement : plus d'écriture ni de réouverture."]
            if not allocated:
                out.append("g : affecter le résultat (réserve légale, report à nouveau, "
                           "dividendes).")
        self.query_one("#close-info", Static).update(Text("\n".join(out)))

    # --- tabs --------------------------------------------------------------------------------

    @property
    def tab(self) -> str:
        return self.query_one("#year-tabs", TabbedContent).active or TABS[0]

    def focus_tab(self) -> None:
        target = {"immobilisations": "#assets", "amortissements": "#depr",
                  "inventaire": "#inventory", "etats": "#statement",
                  "journal": "#events"}.get(self.tab)
        if target:
            self.query_one(target, DataTable).focus()
        else:
            self.query_one("#year-tabs", TabbedContent).query_one("Tabs").focus()

    def action_tab(self, tab: str) -> None:
        self.query_one("#year-tabs", TabbedContent).active = tab
        self._shown(tab)

    @on(TabbedContent.TabActivated)
    def _activated(self, event: TabbedContent.TabActivated) -> None:
        self._shown(self.tab)

    def _shown(self, tab: str) -> None:
        if tab in ("etats", "cloture"):
            self.show_statement()
            self.show_close()
        self.focus_tab()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A tab's keys only with the tab (the footer shows them then), the close's only when
        the year's state allows them."""
        if not self.is_mounted:
            return True
        tabs, states = TAB_ACTIONS.get(action), STATE_ACTIONS.get(action)
        return (tabs is None or self.tab in tabs) and (states is None or self.status in states)

    def action_year(self, op: str) -> None:
        """A palette operation: its tab, then its action (``OPS``)."""
        tab, action = OPS.get(op, ("controles", ""))
        if op in STATEMENTS:
            self.shown_view = next(i for i, (s, _) in enumerate(VIEWS) if s == op)
        self.action_tab(tab)
        if action:
            getattr(self, f"action_{action}")()

    def action_back(self) -> None:
        if self.running:
            self.notify("Contrôles ou clôture en cours : attendez la fin.", severity="warning")
            return
        self.dismiss(None)

    # --- the checklist (a worker: it verifies the books) -------------------------------------

    def reset_steps(self, title: str) -> None:
        self.query_one("#steps-title", Label).update(title)
        for i, (_, text) in enumerate(STEPS):
            self.step_line(i, "·", text, "", "muted")
        self.checks_outcome("")

    def step_line(self, i: int, mark: str, text: str, detail: str, cls: str) -> None:
        w = self.query_one(f"#step-{i}", Static)
        w.update(Text(f"{mark} {text}" + (f" — {detail}" if detail else "")))
        w.set_classes(f"step {cls}")

    def checks_outcome(self, text: str, ok: bool = True) -> None:
        o = self.query_one("#checks-outcome", Static)
        o.update(Text(text))
        o.set_classes("ok" if ok else "error")
        o.display = bool(text)

    def on_step(self, step: api.CloseStep) -> None:
        names = [n for n, _ in STEPS]
        if step.name not in names:  # « exercice »: already closed
            self.checks_outcome(step.detail, step.ok)
            return
        i = names.index(step.name)
        self.step_line(i, "✓" if step.ok else "✗", STEPS[i][1], step.detail,
                       "ok" if step.ok else "error")
        if step.ok and i + 1 < len(STEPS) - 1:
            self.step_line(i + 1, "…", STEPS[i + 1][1], "en cours", "")

    def action_refresh(self) -> None:
        self.load()
        self.run_checks()

    def run_checks(self) -> None:
        if self.running:
            return
        self.running = True
        self.reset_steps(f"Clôture de l'exercice {self.year} : liste de contrôle")
        self.step_line(0, "…", STEPS[0][1], "en cours", "")
        self.checks_worker(self.year)

    @work(thread=True, exclusive=True, group="year-end", exit_on_error=False)
    def checks_worker(self, year: int) -> None:
        call = self.app.call_from_thread
        try:
            steps = api.year_checklist(self.books, year,
                                       on_step=lambda s: call(self.on_step, s))
            ok = bool(steps) and all(s.ok for s in steps)
            text = (f"Exercice {year} : prêt à clôturer (c : clôture provisoire, f : "
                    "définitive, onglet 6)" if ok else
                    f"Exercice {year} : à compléter (étape « {steps[-1].name} »)"
                    if steps else f"Exercice {year} : aucun contrôle")
            if steps and steps[-1].name == "exercice":
                text, ok = steps[-1].detail, True
        except Exception as exc:  # any failure is shown on the screen, never swallowed
            ok, text = False, f"Erreur : {exc}"
        call(self._checks_done, text, ok)

    def _checks_done(self, text: str, ok: bool) -> None:
        self.running = False
        self.checks_outcome(text, ok)

    # --- fixed assets and the year's runs ----------------------------------------------------

    def selected_asset(self) -> api.AssetView | None:
        t = self.query_one("#assets", DataTable)
        if not self.rows or not 0 <= t.cursor_row < len(self.rows):
            return None
        return self.rows[t.cursor_row].asset

    def action_add_asset(self) -> None:
        def done(v: Any) -> None:
            if v is None:
                return
            self.load()
            self.say(f"Immobilisation {v.code} enregistrée : {v.name}, compte {v.account}, "
                     f"{fmt_fr(v.cost)} DH HT le {fr_day(v.day)} sur "
                     f"{v.dimension}")
            t = self.query_one("#assets", DataTable)
            codes = [r.asset.code for r in self.rows]
            if v.code in codes:
                t.move_cursor(row=codes.index(v.code))

        self.app.push_screen(AddAssetScreen(self.year), done)

    def action_dispose(self) -> None:
        a = self.selected_asset()
        if a is not None and a.disposed:
            self.say(f"{a.code} a déjà été cédée le {fr_day(a.disposed)}",
                     error=True)
            return

        def done(r: Any) -> None:
            if r is None:
                return
            self.load()
            self.say(f"Cession de {r.asset} enregistrée (écriture {r.entry}) : brut "
                     f"{fmt_fr(r.cost)}, amortissements {fmt_fr(r.cumulated)}, VNC "
                     f"{fmt_fr(r.net)}, prix {fmt_fr(r.price)} DH"
                     + (f" ; dotation jusqu'à la cession {fmt_fr(r.complement)} DH"
                        if r.complement else ""))

        self.app.push_screen(DisposeAssetScreen(a), done)

    def action_depreciation(self) -> None:
        year = self.year

        def done(lines: Any) -> None:
            if lines is None:
                return
            self.load()
            moved = [x for x in lines if x.posted_now]
            text = (f"Amortissements {year} : " + "; ".join(
                f"{x.asset} ({x.dimension}) {fmt_fr(x.posted_now)} DH ({x.entry})"
                for x in moved) if moved else
                f"Amortissements {year} : rien à passer, tout est à jour.")
            self.query_one("#depr-result", Static).update(Text(text))
            self.say("")
            self.run_checks()

        self.action_tab("amortissements")
        self.app.push_screen(DepreciationScreen(year, api.depreciation_preview(self.books, year)),
                             done)

    def action_inventory_set(self) -> None:
        def done(r: Any) -> None:
            if r is None:
                return
            dim, kind, value = r
            self.load()
            self.say(f"Inventaire {self.year} de {dim}, {KIND_FR[kind]} : {fmt_fr(value)} DH "
                     "(i : passer la variation)")

        t = self.query_one("#inventory", DataTable)
        member = (self.inventory[t.cursor_row].dimension
                  if self.inventory and 0 <= t.cursor_row < len(self.inventory) else None)
        self.app.push_screen(InventorySetScreen(self.year, member), done)

    def action_inventory_run(self) -> None:
        year = self.year

        def done(lines: Any) -> None:
            if lines is None:
                return
            self.load()
            moved = [x for x in lines if x.posted]
            self.say(f"Inventaire {year} : " + ("; ".join(
                f"{x.dimension} {KIND_FR.get(x.kind, x.kind)} {fmt_fr(x.posted)} DH "
                f"({x.entry})" for x in moved) if moved else
                "rien de changé depuis le dernier inventaire, aucune écriture"))
            self.run_checks()

        self.app.push_screen(InventoryRunScreen(year, self.inventory), done)

    # --- statements --------------------------------------------------------------------------

    def action_next_statement(self) -> None:
        self.shown_view = (self.shown_view + 1) % len(VIEWS)
        self.show_statement()

    def action_model(self) -> None:
        self.model = MODELS[(MODELS.index(self.model) + 1) % len(MODELS)]
        self.say(f"Modèle des états : {MODEL_FR[self.model]}")
        self.show_statement()

    def view_name(self) -> str:
        """``bilan``, ``etic-stocks``…: the files' stem for the statement shown."""
        statement, table = VIEWS[self.shown_view]
        return f"{statement}-{table}" if table else statement

    def _written(self, path: Path, what: str) -> None:
        self.say(f"{what} écrit : {path}")
        self.notify(str(path), title=f"{what} {self.year}")

    def action_export(self) -> None:
        """The statement shown as CSV (``ecp report … --format csv --out``)."""
        table = self.statement_table()
        if isinstance(table, str):
            self.say(table, error=True)
            return
        path = EXPORT_DIR / f"{self.view_name()}-{self.year}.csv"
        try:
            # a private file (0600), never written through a symbolic link
            write_private(path, (render_table(table, "csv") + "\n").encode("utf-8"))
        except OSError as exc:
            self.say(f"export impossible : {exc.strerror} ({exc.filename})", error=True)
            return
        self._written(path, "CSV")

    def action_pdf(self) -> None:
        """The statement shown as the official model's PDF (``ecp report … --out X.pdf``)."""
        statement, table = VIEWS[self.shown_view]
        path = EXPORT_DIR / f"{self.view_name()}-{self.year}.pdf"
        try:
            api.statutory_pdf(self.books, statement, self.year, path, self.model, table,
                              force=True)
        except EcpError as exc:
            self.say(str(exc), error=True)
            return
        except OSError as exc:
            self.say(f"PDF impossible : {exc.strerror} ({exc.filename})", error=True)
            return
        self._written(path, "PDF")

    def action_liasse(self) -> None:
        """The year's liasse, one CSV per table (``ecp export liasse``)."""
        folder = EXPORT_DIR / f"liasse-{self.year}"
        try:
            done = api.export_liasse(self.books, self.year, folder, self.model, force=True)
        except EcpError as exc:
            self.say(str(exc), error=True)
            return
        except OSError as exc:
            self.say(f"liasse impossible : {exc.strerror} ({exc.filename})", error=True)
            return
        self.say(f"Liasse {self.year} écrite : {len(done.files)} fichiers dans {done.folder} "
                 f"({done.choice.note()})")
        self.notify(str(done.folder), title=f"Liasse {self.year}")

    # --- the close ---------------------------------------------------------------------------

    def action_close(self) -> None:
        self._ask_close(final=False)

    def action_final(self) -> None:
        self._ask_close(final=True)

    def _ask_close(self, final: bool) -> None:
        year, status = self.year, self.status
        if self.running:
            self.say("Contrôles en cours : attendez leur fin pour clôturer.", error=True)
            return
        if status == "final" or (status == "provisional" and not final):
            self.say(f"Exercice {year} : déjà {STATUS_FR[status]}", error=True)
            return
        n = self.figures()
        result = n.result if n is not None else None

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.start_close(year, final)

        self.app.push_screen(ConfirmYearCloseScreen(year, final, status, result), confirmed)

    def start_close(self, year: int, final: bool) -> None:
        self.running = True
        self.action_tab("controles")
        self.reset_steps(f"Clôture {'définitive' if final else 'provisoire'} de l'exercice "
                         f"{year}")
        self.checks_outcome(f"Clôture de l'exercice {year} en cours…")
        self.close_worker(year, final)

    @work(thread=True, exclusive=True, group="year-end", exit_on_error=False)
    def close_worker(self, year: int, final: bool) -> None:
        call = self.app.call_from_thread
        try:
            steps, out = api.close_year(self.books, year, final=final,
                                        on_step=lambda s: call(self.on_step, s))
            if out is not None:
                ok = True
                text = (f"Exercice {year} : {STATUS_FR.get(out.status, out.status)}"
                        + (f" — {len(out.entries)} écritures : {', '.join(out.entries)}"
                           if out.entries and not (final and len(steps) == 1) else ""))
            else:
                ok = False
                text = (f"Clôture de l'exercice {year} arrêtée à l'étape « {steps[-1].name} » "
                        f": {steps[-1].detail}" if steps else "Clôture interrompue.")
        except Exception as exc:  # any failure is shown on the screen, never swallowed
            ok, text = False, f"Erreur : {exc}"
        call(self._close_done, text, ok)

    def _close_done(self, text: str, ok: bool) -> None:
        self.running = False
        self.checks_outcome(text, ok)
        self.load()
        self.ecp.refresh_title()
        self.notify(text, title="Clôture de l'exercice",
                    severity="information" if ok else "error", markup=False)

    def action_reopen(self) -> None:
        year = self.year
        if self.status != "provisional":
            self.say(f"Exercice {year} : seule une clôture provisoire se rouvre (état : "
                     f"{STATUS_FR.get(self.status, self.status)})", error=True)
            return

        def done(out: Any) -> None:
            if out is None:
                return
            self.load()
            self.say(f"Exercice {year} rouvert : {len(out.entries)} écritures de clôture "
                     "contre-passées")
            self.run_checks()

        self.app.push_screen(ReopenYearScreen(year), done)

    def action_define(self) -> None:
        year = self.year

        def done(out: Any) -> None:
            if out is None:
                return
            self.load()
            self.say(f"Premier exercice {year} : du {out.start % 100:02d}/"
                     f"{out.start // 100 % 100:02d}/{year} au 31/12/{year}")

        self.app.push_screen(DefineYearScreen(year), done)

    def action_allocate(self) -> None:
        year = self.year
        if self.status == "open":
            self.say(f"Exercice {year} : à clôturer avant l'affectation du résultat",
                     error=True)
            return
        n = self.figures()
        if n is None:
            self.say(self._figures_error, error=True)
            return
        minimum = api.allocation_preview(self.books, year).reserve_minimum

        def done(r: Any) -> None:
            if r is None:
                return
            self.load()
            self.say(f"Affectation du résultat {year} ({fmt_fr(r.result)} DH) : réserve légale "
                     f"{fmt_fr(r.legal_reserve)}, report à nouveau {fmt_fr(r.retained)}, "
                     f"dividendes {fmt_fr(r.dividends)} DH — {', '.join(r.entries)}")

        self.app.push_screen(AllocateScreen(year, n.result, minimum), done)
