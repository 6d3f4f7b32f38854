"""Production (F11): the production orders, the weekly plan as a grid and the material needs,
one tab each (keys 1 to 3); the workshop set-up (materials, shared resources, capacities,
bills of materials; key 4) and the stock report at a date (key 5). Everything goes through
``ecp.api``.

The grid has one row per member and per shared resource, one column per week from the app's
today; a cell is the load in % of that week's hours: yellow when full, red and bold when the
orders due that week wanted more than it holds (overloaded). Enter on a cell lists the orders
placed there, and Enter there opens the order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Static, TabbedContent, TabPane

from ecp import api
from ecp.kernel.errors import EcpError
from ecp.kernel.money import fmt_fr
from ecp.kernel.periods import parse_date
from ecp.kernel.units import fmt_qty
from ecp.production.plan import Plan, Scheduled
from ecp.tui.kit.base import EcpScreen
from ecp.tui.kit.format import DAY_PLACEHOLDER, money
from ecp.tui.kit.format import day as fr_day
from ecp.tui.kit.table import FastTable
from ecp.tui.screens.production_dialogs import (
    CancelOrderScreen,
    CellOrdersScreen,
    CompleteOrderScreen,
    OrderFormScreen,
    OrderScreen,
    late_text,
)
from ecp.tui.screens.workshop_dialogs import (
    BomFormScreen,
    CapacityFormScreen,
    MaterialFormScreen,
    ResourceFormScreen,
    StockMoveScreen,
)

TABS = ("ordres", "plan", "besoins", "atelier", "stock")
TAB_TITLES = ("Ordres", "Plan", "Besoins", "Atelier", "Stock")
HINTS = {
    "ordres": "n : nouvel ordre — s : commencer — c : terminer — x : annuler — "
              "Entrée : détail et semaines au plan",
    "plan": "flèches : se déplacer (← → au bord : semaine précédente / suivante, ou < >) — "
            "Entrée : ordres de la cellule — + - : plus ou moins de semaines",
    "besoins": "matières des ordres ouverts dont l'échéance tombe jusqu'à la date — "
               "b : changer la date",
    "atelier": "m : nouvelle matière — e : entrée en stock — j : ajustement — "
               "b : nomenclature — r : ressource partagée — k : capacité d'un membre",
    "stock": "d : changer la date — f : filtrer par membre (vide : tous)",
}
TAB_ACTIONS = {
    "start": {"ordres"}, "complete": {"ordres"}, "cancel": {"ordres"},
    "shift": {"plan"}, "resize": {"plan"}, "until": {"besoins"},
    "reload": {"ordres", "plan", "besoins", "stock"},
    "new_material": {"atelier"}, "receive": {"atelier"}, "adjust": {"atelier"},
    "bom": {"atelier"}, "new_resource": {"atelier"}, "capacity": {"atelier"},
    "stock_date": {"stock"}, "stock_member": {"stock"},
}
STATUS_STYLE = {"en cours": "cyan", "terminé": "green", "annulé": "dim"}
DEFAULT_WEEKS = 12
NEEDS_WEEKS = 8
LATE_HORIZON = 52  # weeks planned to tell how late an order of the list is

# What a plan cell shows, by its state (tests and the grid read the same flags).
OVERLOADED, FULL, FREE = "surcharge", "plein", ""
CELL_STYLE = {OVERLOADED: "bold red", FULL: "yellow", FREE: ""}


def cell_state(plan: Plan, key: tuple[str, str], week: dt.date) -> str:
    if plan.overloaded(key, week):
        return OVERLOADED
    if plan.capacity.get(key, {}).get(week, 0) and plan.pct(key, week) >= 100:
        return FULL
    return FREE


def cell_text(plan: Plan, key: tuple[str, str], week: dt.date) -> Text:
    state = cell_state(plan, key, week)
    # "—": no hours that week (days off, no capacity recorded)
    hours = plan.capacity.get(key, {}).get(week, 0)
    pct = plan.pct(key, week)
    label = f"{pct} %" if hours else "—"
    style = CELL_STYLE[state] or ("dim" if not pct else "")
    return Text(label, style=style, justify="right")


def week_label(w: dt.date) -> str:
    return f"S{w.isocalendar().week:02d} {w:%d/%m}"


class PlanGrid(DataTable[Any]):
    """The plan's cells: the arrows move the cursor; ← on the first week or → on the last one
    moves the horizon by a week instead (the cursor stays on the edge)."""

    class Shift(Message):
        def __init__(self, weeks: int) -> None:
            self.weeks = weeks
            super().__init__()

    def action_cursor_left(self) -> None:
        if self.cursor_column <= 1:
            self.post_message(self.Shift(-1))
            return
        super().action_cursor_left()

    def action_cursor_right(self) -> None:
        if self.cursor_column >= len(self.columns) - 1:
            self.post_message(self.Shift(1))
            return
        super().action_cursor_right()


class ProductionScreen(EcpScreen):
    BINDINGS = [
        Binding("n", "new_order", "Nouvel ordre", id="production.new_order"),
        Binding("s", "start", "Commencer", id="production.start"),
        Binding("c", "complete", "Terminer", id="production.complete"),
        Binding("x", "cancel", "Annuler l'ordre", id="production.cancel"),
        Binding("less_than_sign,comma", "shift(-1)", "Sem. préc.", key_display="<",
                id="production.shift-back"),
        Binding("greater_than_sign,full_stop", "shift(1)", "Sem. suiv.", key_display=">",
                id="production.shift-forward"),
        Binding("plus", "resize(1)", "Plus de sem.", key_display="+", id="production.more-weeks"),
        Binding("minus", "resize(-1)", "Moins de sem.", key_display="-",
                id="production.fewer-weeks"),
        Binding("b", "until", "Date", id="production.until"),
        Binding("m", "new_material", "Matière", id="production.new_material"),
        Binding("e", "receive", "Entrée", id="production.receive"),
        Binding("j", "adjust", "Ajustement", id="production.adjust"),
        Binding("b", "bom", "Nomenclature", id="production.bom"),
        Binding("r", "new_resource", "Ressource", id="production.new_resource"),
        Binding("k", "capacity", "Capacité", id="production.capacity"),
        Binding("d", "stock_date", "Date", id="production.stock_date"),
        Binding("f", "stock_member", "Membre", id="production.stock_member"),
        Binding("r", "reload", "Actualiser", show=False, id="production.reload"),
        *(Binding(str(i), f"tab('{t}')", t, show=False, id=f"production.tab-{t}")
          for i, t in enumerate(TABS, 1)),
    ]
    DEFAULT_CSS = """
    ProductionScreen TabbedContent { height: 1fr; }
    ProductionScreen TabPane { padding: 0; }
    ProductionScreen #plan-title { padding: 0 1; text-style: bold; }
    ProductionScreen #late { height: auto; max-height: 10; padding: 0 1; }
    ProductionScreen #needs-bar { height: 1; margin: 0 1; }
    ProductionScreen #needs-bar Label { padding: 0 1 0 0; color: $text-muted; }
    ProductionScreen #needs-bar Input { width: 14; }
    ProductionScreen #err-until { width: 1fr; padding: 0 0 0 2; }
    ProductionScreen #needs-total { height: auto; padding: 0 1; text-style: bold; }
    ProductionScreen .bar { height: 1; margin: 0 1; }
    ProductionScreen .bar Label { padding: 0 1 0 0; color: $text-muted; }
    ProductionScreen .bar Input { width: 14; }
    ProductionScreen #err-stock { width: 1fr; padding: 0 0 0 2; }
    ProductionScreen #atelier-note, ProductionScreen #stock-total { height: auto; padding: 0 1; }
    ProductionScreen #stock-total { text-style: bold; }
    ProductionScreen #message { height: auto; padding: 0 1; color: $success; }
    ProductionScreen #message.-error { color: $error; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.week_shift = 0  # weeks between this week and the first one shown
        self.weeks = DEFAULT_WEEKS
        self.shown: list[dt.date] = []  # the weeks (Mondays) shown in the grid
        self.plan: Plan | None = None
        self.orders: dict[str, Any] = {}
        self.late: dict[str, int] = {}  # order -> days late on the long plan (-1 beyond)
        self.grid_keys: list[tuple[str, str]] = []  # row index -> (member, resource)
        self.cells: dict[tuple[str, str], dict[dt.date, str]] = {}  # key -> week -> state
        self.work: dict[str, set[str]] = {}  # open order -> resources it uses ("" = member)
        self.needs: list[Any] = []

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with TabbedContent(id="tabs", initial="ordres"):
            with TabPane("1 Ordres", id="ordres"):
                yield FastTable(id="t-ordres", cursor_type="row", zebra_stripes=True,
                                flex="Produit")
            with TabPane("2 Plan", id="plan"):
                yield Static("", id="plan-title", markup=False)
                yield PlanGrid(id="t-plan", cursor_type="cell", fixed_columns=1)
                yield Static("", id="late")
            with TabPane("3 Besoins", id="besoins"):
                with Horizontal(id="needs-bar"):
                    yield Label("Ordres dont l'échéance tombe jusqu'au")
                    yield Input(id="f-until", placeholder=DAY_PLACEHOLDER, compact=True)
                    yield Static("", id="err-until", classes="error", markup=False)
                yield FastTable(id="t-besoins", cursor_type="row", zebra_stripes=True,
                                flex="Désignation")
                yield Static("", id="needs-total")
            with TabPane("4 Atelier", id="atelier"):
                yield FastTable(id="t-atelier", cursor_type="row", zebra_stripes=True,
                                flex="Désignation")
                yield Static("", id="atelier-note")
            with TabPane("5 Stock", id="stock"):
                with Horizontal(classes="bar"):
                    yield Label("Stock au")
                    yield Input(id="f-stock-at", placeholder=DAY_PLACEHOLDER, compact=True)
                    yield Label(" membre")
                    yield Input(id="f-stock-member", placeholder="tous", compact=True)
                    yield Static("", id="err-stock", classes="error", markup=False)
                yield FastTable(id="t-stock", cursor_type="row", zebra_stripes=True,
                                flex="Désignation")
                yield Static("", id="stock-total")
        yield Static("", id="message", markup=False)
        yield Label(HINTS["ordres"], id="hint", classes="status")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        for label, width in (("Numéro", 13), ("Membre", 7), ("Produit", 14), ("Qté", 8),
                             ("Échéance", 10), ("Statut", 9), ("Retard", 12)):
            self.table("ordres").add_column(label, width=width)
        for label, width in (("Membre", 7), ("Matière", 10), ("Désignation", 22),
                             ("Unité", 6), ("Besoin", 10), ("En stock", 10), ("Manque", 10),
                             ("Coût du manque", 15)):
            self.table("besoins").add_column(label, width=width)
        for label, width in (("Sorte", 10), ("Membre", 7), ("Code", 10), ("Désignation", 24),
                             ("Unité", 6), ("Qté / h sem.", 12), ("Coût unit.", 12)):
            self.table("atelier").add_column(label, width=width)
        for label, width in (("Membre", 7), ("Sorte", 8), ("Code", 10), ("Désignation", 24),
                             ("Unité", 6), ("Quantité", 10), ("Coût unit.", 12),
                             ("Valeur", 14)):
            self.table("stock").add_column(label, width=width)
        self.query_one("#f-stock-at", Input).value = fr_day(self.ecp.today)
        until = self.ecp.today + dt.timedelta(weeks=NEEDS_WEEKS)
        self.query_one("#f-until", Input).value = fr_day(until)
        # The app's stylesheet gives tables the whole height: the late orders go right under.
        self.table("plan").styles.height = "auto"
        self.table("plan").styles.max_height = "70%"
        self.table("besoins").styles.height = "auto"
        self.table("besoins").styles.max_height = "85%"
        for tab in ("atelier", "stock"):
            self.table(tab).styles.height = "auto"
            self.table(tab).styles.max_height = "85%"
        self.load()
        # The table of the tab shown — after the refresh, so that a palette command run as
        # the screen opens (« production : plan ») is not undone by the orders' pane taking
        # the focus, which would bring its tab back.
        self.call_after_refresh(lambda: self.table(self.tab).focus())

    def on_screen_resume(self) -> None:
        self.load()

    def table(self, tab: str) -> DataTable[Any]:
        return self.query_one(f"#t-{tab}", DataTable)

    @property
    def tab(self) -> str:
        return self.query_one("#tabs", TabbedContent).active or "ordres"

    def say(self, text: str, error: bool = False) -> None:
        msg = self.query_one("#message", Static)
        msg.update(text)
        msg.set_class(error, "-error")

    # -- loading ------------------------------------------------------------------------------

    def load(self, select: str | None = None) -> None:
        self.load_orders(select)
        self.load_plan()
        self.load_needs()
        self.load_atelier()
        self.load_stock()

    def load_orders(self, select: str | None = None) -> None:
        books, today = self.books, self.ecp.today
        rows = api.list_orders(books)
        self.orders = {r.number: r for r in rows}
        long = api.production_plan(books, today, LATE_HORIZON)
        self.late = {s.number: s.late_days for s in long.orders}
        t = self.table("ordres")
        keep = select or self.current()
        t.clear()
        for r in rows:
            late = self.late.get(r.number, 0) if r.status in ("planifié", "en cours") else 0
            t.add_row(r.number, r.member, r.product, Text(fmt_qty(r.qty_milli), justify="right"),
                      f"{r.due:%d/%m/%Y}", Text(r.status, style=STATUS_STYLE.get(r.status, "")),
                      Text(late_text(late), style="bold red" if late else ""), key=r.number)
        if keep is not None and keep in self.orders:
            t.move_cursor(row=t.get_row_index(keep))
        n_open = sum(1 for r in rows if r.status in ("planifié", "en cours"))
        n_late = sum(1 for d in self.late.values() if d)
        self.sub_title = (f"Production : {len(rows)} ordres, {n_open} ouverts, "
                          f"{n_late} en retard")

    def load_plan(self) -> None:
        books = self.books
        # Always planned from this week (shifting the view must not change the plan); the
        # grid shows ``weeks`` weeks from ``week_shift``.
        plan = api.production_plan(books, self.ecp.today, self.week_shift + self.weeks)
        self.plan = plan
        shown = self.shown = plan.weeks[self.week_shift:]
        # Which resources each open order uses (to list a resource's orders in a cell).
        self.work = api.order_resources(books)
        names = {m.code: m.name for m in api.list_members(books)}
        members = sorted({m for m, r in plan.capacity if m} | {o.member for o in plan.orders})
        resources = sorted(r for m, r in plan.capacity if r)
        keys = [(m, "") for m in members] + [("", r) for r in resources]
        t = self.table("plan")
        row, col = t.cursor_coordinate
        t.clear(columns=True)
        t.add_column("Membre / ressource", width=22, key="who")
        for w in shown:
            t.add_column(week_label(w), width=9, key=w.isoformat())
        self.grid_keys = keys
        self.cells = {}
        for key in keys:
            m, r = key
            label = Text(f"{m}  {names.get(m, '')}") if m else Text(
                f"atelier : {r}", style="italic")
            self.cells[key] = {w: cell_state(plan, key, w) for w in shown}
            t.add_row(label, *(cell_text(plan, key, w) for w in shown),
                      key=f"{m}|{r}")
        if keys:
            t.move_cursor(row=min(row, len(keys) - 1),
                          column=min(max(col, 1), len(shown)), animate=False)
        last = shown[-1] + dt.timedelta(days=6)
        self.query_one("#plan-title", Static).update(
            f"Charge par semaine, du {shown[0]:%d/%m/%Y} au {last:%d/%m/%Y} "
            f"({self.weeks} semaines) — en rouge : surcharge, en jaune : plein")
        late = Text()
        if plan.late:
            late.append(f"Ordres en retard ({len(plan.late)}) :\n", style="bold")
            for s in plan.late:
                o = self.orders.get(s.number)
                late.append(f"  {s.number}  {s.member}  {o.product if o else ''}  "
                            f"{fmt_qty(s.qty_milli)} pour le {s.due:%d/%m/%Y} : ")
                late.append(f"{s.late_days} j de retard" if s.late_days > 0
                            else "ne tient pas dans l'horizon", style="bold red")
                late.append("\n")
        else:
            late.append("Aucun ordre en retard sur l'horizon.", style="green")
        self.query_one("#late", Static).update(late)

    def load_needs(self) -> None:
        text = self.query_one("#f-until", Input).value.strip()
        try:
            until = parse_date(text, "jusqu'au") if text else (
                self.ecp.today + dt.timedelta(weeks=NEEDS_WEEKS))
        except EcpError as exc:
            self.query_one("#err-until", Static).update(str(exc))
            self.query_one("#f-until", Input).focus()
            return
        self.query_one("#err-until", Static).update("")
        self.needs = api.material_needs(self.books, until)
        t = self.table("besoins")
        t.clear()
        total = 0
        for n in self.needs:
            total += n.missing_cost
            lacking = n.missing_milli > 0
            t.add_row(n.member, n.material, n.name, n.unit,
                      Text(fmt_qty(n.required_milli), justify="right"),
                      Text(fmt_qty(n.on_hand_milli), justify="right"),
                      Text(fmt_qty(n.missing_milli), justify="right",
                           style="bold red" if lacking else ""),
                      Text(money(n.missing_cost, blank_zero=True), justify="right",
                           style="red" if lacking else ""), key=n.material)
        short = sum(1 for n in self.needs if n.missing_milli > 0)
        self.query_one("#needs-total", Static).update(Text(
            f"Au {until:%d/%m/%Y} : {len(self.needs)} matières, {short} en manque — coût du "
            f"manque : {money(total)} DH", style="bold red" if short else "bold"))

    def load_atelier(self) -> None:
        """Every material (with what is on hand today), the members' weekly hours (and how
        many spans of days off), then the shared resources' weekly hours."""
        books = self.books
        t = self.table("atelier")
        t.clear()
        mats = api.list_materials(books, None, self.ecp.today)
        for r in mats:
            t.add_row("matière", r.member, r.code, r.name, r.unit,
                      Text(fmt_qty(r.qty_milli), justify="right"),
                      Text(fmt_fr(r.cost), justify="right"), key=f"m|{r.code}")
        names = {m.code: m.name for m in api.list_members(books)}
        for c in api.list_capacities(books):
            off = f" ({len(c.off)} congé{'s' if len(c.off) > 1 else ''})" if c.off else ""
            t.add_row("capacité", c.member, c.member, f"{names.get(c.member, '')}{off}", "h",
                      Text(f"{fmt_qty(c.hours_milli)} h", justify="right"), "",
                      key=f"c|{c.member}")
        for res in api.list_resources(books):
            t.add_row("ressource", "", res.code, res.name, "h",
                      Text(f"{fmt_qty(res.hours_milli)} h", justify="right"), "",
                      key=f"r|{res.code}")
        self.query_one("#atelier-note", Static).update(
            f"{len(mats)} matières (en stock au {self.ecp.today:%d/%m/%Y}, coût standard) — "
            "heures : par semaine, avant congés")

    def load_stock(self) -> None:
        text = self.query_one("#f-stock-at", Input).value.strip()
        member = self.query_one("#f-stock-member", Input).value.strip().upper() or None
        err = self.query_one("#err-stock", Static)
        try:
            at = parse_date(text, "stock au") if text else self.ecp.today
        except EcpError as exc:
            err.update(str(exc))
            self.query_one("#f-stock-at", Input).focus()
            return
        err.update("")
        rows = api.stock_report(self.books, member, at)
        t = self.table("stock")
        t.clear()
        total = 0
        for r in rows:
            total += r.value
            t.add_row(r.member, r.kind, r.code, r.name, r.unit,
                      Text(fmt_qty(r.qty_milli), justify="right"),
                      Text(fmt_fr(r.unit_cost), justify="right"),
                      Text(fmt_fr(r.value), justify="right"), key=f"{r.kind}|{r.code}")
        who = f" de {member}" if member else ""
        self.query_one("#stock-total", Static).update(
            f"Stock{who} au {at:%d/%m/%Y} : {len(rows)} articles — valeur totale : "
            f"{fmt_fr(total, 'DH')}")

    def current(self) -> str | None:
        t = self.table("ordres")
        if t.row_count == 0:
            return None
        key = t.coordinate_to_cell_key(t.cursor_coordinate).row_key.value
        return str(key) if key is not None else None

    # -- tabs and bindings --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        tabs = TAB_ACTIONS.get(action)
        if tabs is None:
            return True
        return self.tab in tabs

    def action_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab
        self._tab_shown(tab)

    @on(TabbedContent.TabActivated)
    def _activated(self, event: TabbedContent.TabActivated) -> None:
        self._tab_shown(self.tab)

    def _tab_shown(self, tab: str) -> None:
        self.query_one("#hint", Label).update(HINTS[tab])
        self.table(tab).focus()
        self.refresh_bindings()

    def action_reload(self) -> None:
        self.load()

    # palette entries
    def action_show_plan(self) -> None:
        self.action_tab("plan")

    def action_show_needs(self) -> None:
        self.action_tab("besoins")

    # -- workshop set-up and stock ------------------------------------------------------------

    def action_ws(self, action: str) -> None:
        """Palette entries: the Atelier tab, then one of its dialogs (whatever tab was on)."""
        self.action_tab("atelier")
        getattr(self, f"action_{action}")()

    def _atelier_key(self) -> tuple[str, str] | None:
        t = self.table("atelier")
        if self.tab != "atelier" or t.row_count == 0:
            return None
        key = t.coordinate_to_cell_key(t.cursor_coordinate).row_key.value
        kind, _sep, code = str(key).partition("|")
        return kind, code

    def _after_setup(self, what: str) -> Any:
        def done(result: str | None) -> None:
            if result:
                self.load()
                self.action_tab("atelier")
                self.say(f"{what} : {result}")
        return done

    def action_new_material(self) -> None:
        key = self._atelier_key()
        member = key[1] if key and key[0] == "c" else None
        self.action_tab("atelier")
        self.app.push_screen(MaterialFormScreen(member), self._after_setup("Matière créée"))

    def _material(self) -> str | None:
        key = self._atelier_key()
        return key[1] if key and key[0] == "m" else None

    def action_receive(self) -> None:
        material = self._material()
        self.action_tab("atelier")
        self.app.push_screen(StockMoveScreen(False, material),
                             self._after_setup("Entrée en stock enregistrée"))

    def action_adjust(self) -> None:
        material = self._material()
        self.action_tab("atelier")
        self.app.push_screen(StockMoveScreen(True, material),
                             self._after_setup("Ajustement enregistré"))

    def action_bom(self) -> None:
        self.action_tab("atelier")
        self.app.push_screen(BomFormScreen(), self._after_setup("Nomenclature enregistrée"))

    def action_new_resource(self) -> None:
        self.action_tab("atelier")
        self.app.push_screen(ResourceFormScreen(), self._after_setup("Ressource créée"))

    def action_capacity(self) -> None:
        key = self._atelier_key()
        member = key[1] if key and key[0] == "c" else None
        self.action_tab("atelier")
        self.app.push_screen(CapacityFormScreen(member),
                             self._after_setup("Capacité enregistrée"))

    def action_stock_date(self) -> None:
        self.query_one("#f-stock-at", Input).focus()

    def action_stock_member(self) -> None:
        self.query_one("#f-stock-member", Input).focus()

    @on(Input.Submitted, "#f-stock-at, #f-stock-member")
    def _stock_filter(self, event: Input.Submitted) -> None:
        event.stop()
        self.load_stock()
        if not str(self.query_one("#err-stock", Static).render()):
            self.table("stock").focus()

    # -- plan ---------------------------------------------------------------------------------

    def action_shift(self, weeks: int) -> None:
        if self.week_shift + weeks < 0:
            self.say("Le plan commence cette semaine : rien à montrer avant.")
            return
        self.week_shift += weeks
        self.load_plan()

    @on(PlanGrid.Shift)
    def _edge(self, event: PlanGrid.Shift) -> None:
        self.action_shift(event.weeks)

    def action_resize(self, delta: int) -> None:
        self.weeks = min(max(self.weeks + delta, 1), 52)
        self.load_plan()

    def cell(self, row: int, column: int) -> tuple[tuple[str, str], dt.date] | None:
        """The (member, resource) key and the week of a grid cell (None on the label)."""
        plan = self.plan
        if plan is None or not 0 <= row < len(self.grid_keys) or column < 1:
            return None
        return self.grid_keys[row], self.shown[column - 1]

    def orders_in(self, key: tuple[str, str], week: dt.date) -> list[Scheduled]:
        plan = self.plan
        assert plan is not None
        member, resource = key
        return [s for s in plan.orders if week in s.weeks and (
            s.member == member if member else resource in self.work.get(s.number, ()))]

    @on(DataTable.CellSelected, "#t-plan")
    def _cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        found = self.cell(event.coordinate.row, event.coordinate.column)
        if found is None or self.plan is None:
            return
        key, week = found
        member, resource = key
        who = f"de {member}" if member else f"utilisant {resource}"
        plan = self.plan
        cap = plan.capacity.get(key, {}).get(week, 0)
        used = plan.load.get(key, {}).get(week, 0)
        title = (f"Ordres {who}, semaine du {week:%d/%m/%Y} — {fmt_qty(used)} h sur "
                 f"{fmt_qty(cap)} h ({plan.pct(key, week)} %)")
        if plan.overloaded(key, week):
            title += " — surcharge"
        self.app.push_screen(CellOrdersScreen(title, week, self.orders_in(key, week),
                                              self.orders, plan), self._after_cell)

    def _after_cell(self, result: tuple[str, str] | None) -> None:
        if result is None:
            return
        number, action = result
        self.act(number, action)

    # -- orders -------------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#t-ordres")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        number = self.current()
        if number is None:
            return
        plan = api.production_plan(self.books, self.ecp.today, LATE_HORIZON)
        s = next((x for x in plan.orders if x.number == number), None)

        def done(action: str | None) -> None:
            if action:
                self.act(number, action)

        self.app.push_screen(OrderScreen(self.orders[number], s), done)

    def act(self, number: str, action: str) -> None:
        {"start": self.start_order, "complete": self.complete_order,
         "cancel": self.cancel_order}[action](number)

    def _selected(self) -> str | None:
        number = self.current()
        if number is None:
            self.notify("Aucun ordre sélectionné", severity="warning")
        return number

    def action_new_order(self) -> None:
        number = self.current() if self.tab == "ordres" else None
        member = self.orders[number].member if number in self.orders else None

        def done(number: str | None) -> None:
            if number:
                self.load(number)
                self.action_tab("ordres")
                late = self.late.get(number, 0)
                self.say(f"Ordre {number} créé"
                         + (f" — en retard au plan : {late_text(late)}" if late else ""),
                         error=bool(late))

        self.app.push_screen(OrderFormScreen(member), done)

    def action_start(self) -> None:
        number = self._selected()
        if number:
            self.start_order(number)

    def action_complete(self) -> None:
        number = self._selected()
        if number:
            self.complete_order(number)

    def action_cancel(self) -> None:
        number = self._selected()
        if number:
            self.cancel_order(number)

    def start_order(self, number: str) -> None:
        try:
            api.start_order(self.books, number, self.ecp.today)
        except EcpError as exc:
            self.say(str(exc), error=True)
            return
        self.load(number)
        self.say(f"Ordre {number} commencé le {self.ecp.today:%d/%m/%Y}")

    def complete_order(self, number: str) -> None:
        o = self.orders[number]
        if o.status in ("terminé", "annulé"):
            self.say(f"{number} : déjà {o.status}", error=True)
            return

        def done(res: tuple[str, str | None] | None) -> None:
            if res is None:
                return
            num, ref = res
            self.load(num)
            where = f"écriture de coût {ref}" if ref else "aucune matière valorisée"
            self.say(f"Ordre {num} terminé — {where}")
            self.notify(where, title=f"Ordre {num} terminé", markup=False)

        self.app.push_screen(CompleteOrderScreen(o), done)

    def cancel_order(self, number: str) -> None:
        o = self.orders[number]
        if o.status in ("terminé", "annulé"):
            self.say(f"{number} : déjà {o.status}", error=True)
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                api.cancel_order(self.books, number)
            except EcpError as exc:
                self.say(str(exc), error=True)
                return
            self.load(number)
            self.say(f"Ordre {number} annulé")

        self.app.push_screen(CancelOrderScreen(o), answered)

    # -- needs --------------------------------------------------------------------------------

    def action_until(self) -> None:
        self.query_one("#f-until", Input).focus()

    @on(Input.Submitted, "#f-until")
    def _until(self, event: Input.Submitted) -> None:
        self.load_needs()
        if not str(self.query_one("#err-until", Static).render()):
            self.table("besoins").focus()
