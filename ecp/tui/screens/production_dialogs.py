"""Production: the dialogs (a new order with its earliest date computed as it is typed, the
completion of an order, the cancellation question, the orders placed in one cell of the plan
and one order's detail). Each form calls ``ecp.api`` once; a refusal is shown in French next
to the field it names, and nothing is written."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from ecp import api
from ecp.kernel.errors import EcpError, InputError
from ecp.kernel.units import fmt_qty, parse_quantity
from ecp.production.plan import Plan, Scheduled
from ecp.tui.kit.format import DAY_PLACEHOLDER
from ecp.tui.kit.format import day as fr_day
from ecp.tui.kit.forms import FormModal

# A Select's lists search what is typed in their prompt too: no letters there, so that « c »
# finds CAFTAN, not « choisir… ».
PROMPT = "—"
DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def fr_weekday(d: dt.date) -> str:
    """``mardi 28/11/2026``."""
    return f"{DAYS_FR[d.weekday()]} {fr_day(d)}"


def late_text(days: int) -> str:
    if days < 0:
        return "hors horizon"
    return f"{days} j" if days else ""


# --- new order ---------------------------------------------------------------------------------

class OrderFormScreen(FormModal[Any]):
    """Nouvel ordre de fabrication: member, a product of their catalogue, quantity, due date.
    Under the fields, the earliest date the order could be ready on top of the current plan."""

    FIELDS = {"member": "member", "product": "product", "qty": "qty", "due": "due"}

    def __init__(self, member: str | None = None) -> None:
        super().__init__()
        self.member = member

    def compose(self) -> ComposeResult:
        members = [(f"{m.code}  {m.name}", m.code) for m in api.list_members(self.books)
                   if m.status == "actif"]
        codes = {c for _l, c in members}
        with Vertical(classes="dialog"):
            yield Label("Nouvel ordre de fabrication", classes="title")
            yield from self.field("Membre", Select(
                members, id="member", prompt=PROMPT,
                value=self.member if self.member in codes else Select.NULL))
            yield from self.field("Produit", Select([], id="product", prompt=PROMPT))
            yield from self.field("Quantité", Input(id="qty", placeholder="ex. 12"))
            yield from self.field("Échéance", Input(id="due", placeholder=DAY_PLACEHOLDER))
            yield Static("", id="earliest", classes="muted", markup=False)
            yield from self.general_error()
            yield from self.buttons("Créer l'ordre")

    def on_mount(self) -> None:
        self._products()
        self.query_one("#product" if self.select("member") else "#member", Select).focus()

    def _products(self) -> None:
        member = self.select("member")
        sel = self.query_one("#product", Select)
        products = api.list_products(self.books, member) if member else []
        sel.set_options((f"{p.code}  {p.name}", p.code) for p in products)
        if len(products) == 1:
            sel.value = products[0].code
        self.refresh_earliest()

    @on(Select.Changed, "#member")
    def _member_changed(self, event: Select.Changed) -> None:
        self._products()

    @on(Select.Changed, "#product")
    def _product_changed(self, event: Select.Changed) -> None:
        self.refresh_earliest()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refresh_earliest()

    def refresh_earliest(self) -> None:
        out = self.query_one("#earliest", Static)
        member, product, qty = self.select("member"), self.select("product"), self.value("qty")
        if not (member and product and qty.strip()):
            out.update("Au plus tôt : choisir le membre, le produit et la quantité")
            return
        try:
            day = api.earliest_date(self.books, member, product,
                                    parse_quantity(qty, "ordre", field="qty"), self.today)
        except EcpError as exc:
            out.update(Text(f"Au plus tôt : {exc}", style="red"))
            return
        if day is None:
            out.update(Text("Au plus tôt : ne tient pas dans les 52 semaines à venir",
                            style="bold red"))
            return
        text = Text(f"Au plus tôt (sans déplacer les autres ordres) : {fr_weekday(day)}")
        due = self.value("due").strip()
        try:
            wanted = self.date("due", "échéance") if due else None
        except EcpError:
            wanted = None
        if wanted is not None and wanted < day:
            text.append(f" — l'échéance du {wanted:%d/%m/%Y} sera dépassée de "
                        f"{(day - wanted).days} j", style="bold red")
        elif wanted is not None:
            text.append(" — échéance tenable", style="green")
        out.update(text)

    def save(self) -> str:
        for f, what in (("member", "membre"), ("product", "produit")):
            if not self.select(f):
                raise InputError(f"{what} : obligatoire", field=f)
        qty = parse_quantity(self.required("qty", "quantité"), "ordre", field="qty")
        self.required("due", "échéance")
        due = self.date("due", "échéance")
        return api.add_order(self.books, self.select("member"), self.select("product"), qty,
                             due)


# --- completion --------------------------------------------------------------------------------

class CompleteOrderScreen(FormModal[Any]):
    """Terminer un ordre: the day and the quantity made (the ordered quantity by default).
    Materials are consumed per the bill of materials; the result is the costing entry's ref."""

    FIELDS = {"day": "day", "qty": "qty"}  # a shortage of material is about the quantity

    def __init__(self, order: Any) -> None:
        super().__init__()
        self.order = order

    def compose(self) -> ComposeResult:
        o = self.order
        with Vertical(classes="dialog"):
            yield Label(f"Terminer l'ordre {o.number}", classes="title")
            yield Static(f"{o.member} — {o.product} — {fmt_qty(o.qty_milli)} commandé(s), "
                         f"échéance {o.due:%d/%m/%Y}, {o.status}", classes="muted",
                         markup=False)
            yield from self.field("Date de fin", Input(fr_day(self.today),
                                                       placeholder=DAY_PLACEHOLDER,
                                                      id="day"))
            yield from self.field("Quantité produite", Input(fmt_qty(o.qty_milli), id="qty"))
            yield Static("Les matières de la nomenclature sont sorties du stock ; une écriture "
                         "de coût de production est passée sur la dimension du membre.",
                         classes="muted")
            yield from self.general_error()
            yield from self.buttons("Terminer")

    def on_mount(self) -> None:
        self.query_one("#day", Input).focus()

    def save(self) -> tuple[str, str | None]:
        day = self.date("day", "date de fin")
        text = self.value("qty").strip()
        qty = parse_quantity(text, "production", field="qty") if text else None
        return self.order.number, api.complete_order(self.books, self.order.number, day, qty)


# --- a yes/no question -------------------------------------------------------------------------

class CancelOrderScreen(ModalScreen[bool]):
    """Annuler un ordre ? Escape (or n) keeps it."""

    BINDINGS = [Binding("o,y", "answer(True)", "Annuler l'ordre", id="cancel-order.answer-true"),
                Binding("n,escape", "answer(False)", "Garder l'ordre",
                        id="cancel-order.answer-false")]

    def __init__(self, order: Any) -> None:
        super().__init__()
        self.order = order

    def compose(self) -> ComposeResult:
        o = self.order
        with Vertical(classes="dialog"):
            yield Label(f"Annuler l'ordre {o.number} ?", classes="title")
            yield Static(f"{o.member} — {o.product} — {fmt_qty(o.qty_milli)} — échéance "
                         f"{o.due:%d/%m/%Y} — {o.status}\n\nUn ordre annulé sort du plan et "
                         "des besoins en matières ; il ne peut plus être repris.",
                         markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Annuler l'ordre (o)", id="yes", variant="error")
                yield Button("Garder l'ordre (n, Échap)", id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


# --- one order ---------------------------------------------------------------------------------

class OrderScreen(ModalScreen[str | None]):
    """One order: what, for when, its status, and where the plan puts it week by week.
    Dismisses with an action for the list: start, complete or cancel."""

    BINDINGS = [Binding("escape", "close", "Fermer", id="order.close"),
                Binding("s", "act('start')", "Commencer", id="order.act-start"),
                Binding("c", "act('complete')", "Terminer", id="order.act-complete"),
                Binding("x", "act('cancel')", "Annuler l'ordre", id="order.act-cancel")]
    DEFAULT_CSS = """
    OrderScreen #order-detail { height: auto; }
    """

    def __init__(self, order: Any, scheduled: Scheduled | None) -> None:
        super().__init__()
        self.order = order
        self.scheduled = scheduled

    def compose(self) -> ComposeResult:
        o, s = self.order, self.scheduled
        lines = [f"Membre : {o.member}", f"Produit : {o.product}",
                 f"Quantité : {fmt_qty(o.qty_milli)}", f"Échéance : {fr_weekday(o.due)}",
                 f"Statut : {o.status}"]
        if s is not None:
            lines.append("")
            lines.append("Au plan :")
            for w, units in sorted(s.weeks.items()):
                lines.append(f"  semaine du {w:%d/%m/%Y} : {fmt_qty(units)}")
            if s.unplaced_milli:
                lines.append(f"  hors horizon : {fmt_qty(s.unplaced_milli)}")
            if s.late_days:
                lines.append(f"En retard : {late_text(s.late_days)}")
        elif o.status in ("planifié", "en cours"):
            lines.append("\nPas dans le plan affiché.")
        with Vertical(classes="dialog"):
            yield Label(f"Ordre de fabrication {o.number}", classes="title")
            yield Static("\n".join(lines), id="order-detail", markup=False)
            yield Static("s : commencer — c : terminer — x : annuler l'ordre — Échap : fermer",
                         classes="muted")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_act(self, what: str) -> None:
        self.dismiss(what)


# --- the orders of one cell of the plan --------------------------------------------------------

class CellOrdersScreen(ModalScreen[tuple[str, str] | None]):
    """The orders the plan places in one week of one row (a member's orders, or every order
    using a shared resource). Enter opens an order; what is done there comes back to the
    screen as ``(number, action)``."""

    BINDINGS = [Binding("escape", "close", "Fermer", id="cell-orders.close")]

    def __init__(self, title: str, week: dt.date, orders: list[Scheduled],
                 rows: dict[str, Any], plan: Plan) -> None:
        super().__init__()
        self.title_text = title
        self.week = week
        self.orders = orders
        self.rows = rows
        self.plan = plan

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="title")
            yield DataTable(id="cell-orders", cursor_type="row", zebra_stripes=True)
            if not self.orders:
                yield Static("Aucun ordre placé cette semaine.", classes="muted")
            yield Static("Entrée : ouvrir l'ordre — Échap : fermer", classes="muted")

    def on_mount(self) -> None:
        self.query_one(".dialog").styles.width = 100  # the app's .dialog is 80 wide
        t = self.query_one(DataTable)
        t.styles.height = min(len(self.orders) + 1, 16)  # the app's tables take 1fr
        for label, width in (("Numéro", 13), ("Membre", 6), ("Produit", 12),
                             ("Cette sem.", 10), ("Total", 8), ("Échéance", 10),
                             ("Retard", 12)):
            t.add_column(label, width=width)
        for s in self.orders:
            o = self.rows.get(s.number)
            t.add_row(s.number, s.member, o.product if o else "",
                      Text(fmt_qty(s.weeks.get(self.week, 0)), justify="right"),
                      Text(fmt_qty(s.qty_milli), justify="right"), f"{s.due:%d/%m/%Y}",
                      Text(late_text(s.late_days), style="red" if s.late_days else ""),
                      key=s.number)
        t.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        number = str(event.row_key.value)
        o = self.rows.get(number)
        if o is None:
            return
        s = next((x for x in self.plan.orders if x.number == number), None)

        def done(action: str | None) -> None:
            if action:
                self.dismiss((number, action))

        self.app.push_screen(OrderScreen(o, s), done)

    def action_close(self) -> None:
        self.dismiss(None)
