"""Facture ou devis: member, customer, date, due date, then lines (product code, description,
quantity, unit price HT, VAT rate, revenue account) under live totals HT / TVA by rate / TTC,
computed on every keystroke with the domain's own rounding (``ecp.sales``).

ctrl+s saves the draft (no number yet); ctrl+e issues it after a confirmation that shows the
number it will take and its totals. What is wrong is said in French under its field or line,
and nothing is written until everything reads.

Keys: Tab / Enter move on (Enter after the last field of a line goes to the next line), F2
searches the member, customer or product under the cursor, a product code fills its line,
ctrl+n adds a line, ctrl+d deletes the current one, Escape leaves (asking when something was
typed).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Input, Label, Static

from ecp import api
from ecp.kernel.errors import EcpError
from ecp.kernel.money import parse as parse_amount
from ecp.kernel.periods import parse_date
from ecp.kernel.units import fmt_qty, fmt_rate, parse_quantity, parse_rate
from ecp.sales.documents import (
    DEFAULT_ACCOUNT,
    NATURE_ACCOUNTS,
    DocumentSpec,
    LineInput,
    nature_account,
    totals,
)
from ecp.sales.rules import DEFAULT_DUE_DAYS, line_total, vat_by_rate
from ecp.tui.kit.dialogs import ConfirmScreen, PickerScreen
from ecp.tui.kit.footer import Footer
from ecp.tui.kit.format import long_date, money
from ecp.tui.kit.forms import FieldError, widget_for
from ecp.tui.kit.lines import LinesScroll
from ecp.tui.screens.sales_dialogs import IssueConfirmScreen, next_number, totals_text

LINE_FIELDS = ("product", "desc", "qty", "price", "rate", "account")
HELP = ("Entrée : champ suivant — F2 : chercher membre, client ou produit — un code produit "
        "remplit la ligne — ctrl+n : ligne — ctrl+d : supprimer la ligne — ctrl+s : enregistrer "
        "le brouillon — ctrl+e : émettre — Échap : quitter\n"
        "Qté suivie de l'unité (« 2,5 m ») ; taux 0 suivi du code d'exonération (« 0 PAIN ») ; "
        "compte ou nature (biens 7111, produits 71211, services 71243)")
KIND_FR = {"facture": "facture", "devis": "devis"}


# Where the books' refusals go: the façade's parameter (and sub-field of a line) → the widget
# id, or for a line the cell's class and the line number (``qty-2``: line 2's quantity).
FIELDS = {"member": "member", "customer": "customer", "day": "day", "due": "due",
          "operation_date": "operation", "order_ref": "order_ref",
          "lines": "desc-{line}", "lines.description": "desc-{line}", "lines.qty": "qty-{line}",
          "lines.price": "price-{line}", "lines.vat": "rate-{line}",
          "lines.account": "account-{line}", "lines.product": "product-{line}",
          "lines.unit": "qty-{line}", "lines.exemption": "rate-{line}",
          "lines.nature": "account-{line}"}


def rate_text(bp: int, exemption: str | None = None) -> str:
    if bp == 0:
        return f"0 {exemption}" if exemption else "exonéré"
    return fmt_rate(bp).removesuffix(" %")


def split_last(text: str) -> tuple[str, str]:
    """« 2,5 m » → (« 2,5 », « m »); « 0 PAIN » → (« 0 », « PAIN »); one word: (it, "")."""
    head, _, tail = text.strip().rpartition(" ")
    if head and tail and not tail[0].isdigit():
        return head.strip(), tail
    return text.strip(), ""


@dataclass
class ParsedDocLine:
    line: LineInput | None
    empty: bool
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field, message)


def read_doc_line(n: int, values: dict[str, str], accounts: set[str], unit: str = "",
                  product: str | None = None) -> ParsedDocLine:
    """One line of the form read with the domain's parsers; problems per field."""
    where = f"ligne {n}"
    desc = values["desc"].strip()
    empty = not (desc or values["qty"].strip() or values["price"].strip()
                 or values["product"].strip())
    p = ParsedDocLine(None, empty)
    if empty:
        return p
    if not desc:
        p.problems.append(("desc", f"{where}, désignation : obligatoire"))
    elif "|" in desc:
        p.problems.append(("desc", f"{where}, désignation : le caractère « | » n'est pas permis"))
    qty = price = rate = None
    qty_text, typed_unit = split_last(values["qty"])
    rate_typed, exemption = split_last(values["rate"])
    try:
        qty = parse_quantity(qty_text, where, field="lines.qty")
    except EcpError as exc:
        p.problems.append(("qty", str(exc)))
    try:
        price = parse_amount(values["price"], f"{where}, prix HT", field="lines.price")
        if price < 0:
            p.problems.append(("price", f"{where}, prix HT : ne peut être négatif (faire un "
                                        "avoir)"))
    except EcpError as exc:
        p.problems.append(("price", str(exc)))
    try:
        rate = parse_rate(rate_typed, where, field="lines.vat")
        if exemption and rate != 0:
            p.problems.append(("rate", f"{where}, exonération : « {exemption} » sur une ligne "
                                       "taxée (une exonération va avec le taux 0)"))
    except EcpError as exc:
        p.problems.append(("rate", str(exc)))
    account = values["account"].strip() or DEFAULT_ACCOUNT
    if account.lower() in NATURE_ACCOUNTS:
        account = nature_account(account)
    if account not in accounts:
        p.problems.append(("account", f"{where}, compte : « {account} » n'est pas un compte de "
                                      "produits du plan (ex. 7111, 71211, 71243)"))
    if not p.problems and qty is not None and price is not None and rate is not None:
        p.line = LineInput(desc, qty, price, rate, account, typed_unit or unit, product,
                           exemption.upper() or None)
    return p


class DocInput(Input):
    """A compact field whose Enter moves on through the form."""

    BINDINGS = [Binding("enter", "next_field", "Suivant", show=False, id="doc-input.next_field")]

    def __init__(self, value: str = "", **kw: Any) -> None:
        super().__init__(value, compact=True, **kw)

    async def action_next_field(self) -> None:
        screen = self.screen
        if isinstance(screen, InvoiceFormScreen):
            await screen.enter_from(self)


class DocLine(Vertical):
    """One line: product, description, quantity, unit price HT, VAT rate, account, total."""

    def __init__(self, line: LineInput | None = None) -> None:
        super().__init__(classes="line")
        self.initial = line
        self.unit = line.unit if line else ""
        self.product: str | None = line.product if line else None
        self.touched = False

    def compose(self) -> ComposeResult:
        ln = self.initial
        with Horizontal(classes="row"):
            yield Label("", classes="no")
            yield DocInput(ln.product or "" if ln else "", placeholder="produit",
                           classes="product")
            yield DocInput(ln.description if ln else "", placeholder="désignation",
                           classes="desc")
            qty = fmt_qty(ln.quantity_milli) if ln else ""
            if ln and ln.unit and not ln.product:  # a free line's unit, typed after it
                qty += f" {ln.unit}"
            yield DocInput(qty, placeholder="qté", classes="qty")
            yield DocInput(money(ln.unit_price) if ln else "", placeholder="prix HT",
                           classes="price")
            yield DocInput(rate_text(ln.vat_bp, ln.exemption) if ln else "20", classes="rate")
            yield DocInput(ln.account if ln else DEFAULT_ACCOUNT, classes="account")
            yield Static("", classes="total", markup=False)
        yield FieldError("", classes="line-error", markup=False)

    @property
    def is_composed(self) -> bool:
        return bool(self.query(".account"))

    def input(self, name: str) -> Input:
        return self.query_one(f".{name}", Input)

    def values(self) -> dict[str, str]:
        if not self.is_composed:
            return {f: "" for f in LINE_FIELDS}
        return {f: self.input(f).value for f in LINE_FIELDS}

    @staticmethod
    def field_of(inp: Widget) -> str:
        return next((f for f in LINE_FIELDS if inp.has_class(f)), "")

    def has_content(self) -> bool:
        v = self.values()
        return bool(v["product"].strip() or v["desc"].strip() or v["qty"].strip()
                    or v["price"].strip())


class InvoiceFormScreen(Screen[tuple[str, str] | None]):
    """New or edited draft of an invoice (``facture``) or a quote (``devis``). Dismisses with
    ("brouillon", id), ("émise", number) or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Enregistrer le brouillon", priority=True,
                id="invoice-form.save"),
        Binding("ctrl+e", "issue", "Émettre", priority=True, id="invoice-form.issue"),
        Binding("ctrl+n", "add_line", "Ligne", priority=True, id="invoice-form.add_line"),
        Binding("ctrl+d", "delete_line", "Supprimer la ligne", priority=True,
                id="invoice-form.delete_line"),
        Binding("f2", "pick", "Chercher", id="invoice-form.pick"),
        Binding("escape", "cancel", "Quitter", id="invoice-form.cancel"),
    ]

    DEFAULT_CSS = """
    InvoiceFormScreen #form { padding: 0 1; height: 1fr; }
    InvoiceFormScreen .head { height: 1; margin-top: 1; }
    InvoiceFormScreen .head .lbl { width: 10; color: $text-muted; }
    InvoiceFormScreen .head .lbl2 { width: auto; color: $text-muted; margin: 0 1 0 3; }
    InvoiceFormScreen #member { width: 10; }
    InvoiceFormScreen #customer { width: 14; }
    InvoiceFormScreen #member-name, InvoiceFormScreen #customer-name { width: 1fr;
        margin-left: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    InvoiceFormScreen .-unknown { color: $error; }
    InvoiceFormScreen #day, InvoiceFormScreen #due, InvoiceFormScreen #operation { width: 12; }
    InvoiceFormScreen #order_ref { width: 20; }
    InvoiceFormScreen #agreed { width: 5; }
    InvoiceFormScreen #day-hint { width: 1fr; margin-left: 2; color: $text-muted; }
    InvoiceFormScreen .head-error { margin-left: 10; }
    InvoiceFormScreen Input.-textual-compact { background: $boost; }
    InvoiceFormScreen Input.-textual-compact:focus { background: $primary 35%; }
    InvoiceFormScreen Input.-textual-compact.-invalid { background: $error 25%; }
    InvoiceFormScreen #columns { height: 1; margin-top: 1; color: $text-muted;
                                 text-style: bold; padding-right: 1; }
    InvoiceFormScreen #lines { height: 1fr; width: 100%; scrollbar-size-vertical: 1;
                               scrollbar-gutter: stable; }
    InvoiceFormScreen .line { height: auto; }
    InvoiceFormScreen .row { height: 1; }
    InvoiceFormScreen .no { width: 4; color: $text-muted; }
    InvoiceFormScreen .product { width: 10; margin-right: 1; }
    InvoiceFormScreen .desc { width: 1fr; margin-right: 1; }
    InvoiceFormScreen .qty { width: 8; margin-right: 1; }
    InvoiceFormScreen .price { width: 14; margin-right: 1; }
    InvoiceFormScreen .rate { width: 8; margin-right: 1; }
    InvoiceFormScreen .account { width: 8; margin-right: 1; }
    InvoiceFormScreen .total { width: 14; text-align: right; }
    InvoiceFormScreen .line-error { margin-left: 4; display: none; }
    InvoiceFormScreen .line-error.-shown { display: block; }
    InvoiceFormScreen #totals { height: auto; border-top: solid $primary 50%;
                                padding: 0 1; text-style: bold; }
    InvoiceFormScreen #post-error { height: auto; margin-top: 1; }
    InvoiceFormScreen #issuing { height: auto; margin-top: 1; color: $accent; }
    InvoiceFormScreen #help { height: auto; margin-top: 1; color: $text-muted; }
    """

    def __init__(self, kind: str = "facture", draft_id: int | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.draft_id = draft_id
        self.members: dict[str, str] = {}
        self.customers: dict[str, str] = {}
        self.products: dict[str, Any] = {}
        self.accounts: set[str] = set()
        self._attempted = False
        self._draft: Any = None
        self._sent: list[DocLine] = []  # the form's lines sent, in the order of ``lines``
        self.issuing = False  # an issue runs (in a thread): the form waits for its outcome

    # -- access -------------------------------------------------------------------------------

    @property
    def books(self) -> api.Books:
        app: Any = self.app
        books: api.Books = app.books
        return books

    @property
    def today(self) -> dt.date:
        app: Any = self.app
        today: dt.date = app.today
        return today

    def lines(self) -> list[DocLine]:
        return list(self.query(DocLine))

    def _line_of(self, widget: Widget | None) -> DocLine | None:
        node: Any = widget
        while node is not None and not isinstance(node, DocLine):
            node = node.parent
        return node

    def val(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.members = {m.code: m.name + ("" if m.status == "actif" else f" ({m.status})")
                        for m in api.list_members(self.books)}
        self.customers = {p.code: p.name for p in api.list_parties(self.books, "customer")}
        self.products = {p.code: p for p in api.list_products(self.books)}
        self.accounts = {a.code for a in api.list_accounts(self.books)
                         if a.code.startswith("7") and len(a.code) > 2}
        d = self._draft = api.draft(self.books, self.draft_id) if self.draft_id else None
        active = [c for c, n in self.members.items() if not n.endswith(")")]
        member = d.member if d else (active[0] if len(active) == 1 else "")
        due = "" if d is None or d.due is None else d.due.isoformat()
        yield Header()
        with Vertical(id="form"):
            with Horizontal(classes="head"):
                yield Label("Membre", classes="lbl")
                yield DocInput(member, placeholder="code", id="member",
                               disabled=d is not None)
                yield Static("", id="member-name", markup=False)
                yield Label("Client", classes="lbl2")
                yield DocInput(d.customer if d else "", placeholder="code (F2)", id="customer")
                yield Static("", id="customer-name", markup=False)
            yield FieldError("", id="err-member", classes="head-error", markup=False)
            yield FieldError("", id="err-customer", classes="head-error", markup=False)
            with Horizontal(classes="head"):
                yield Label("Date", classes="lbl")
                yield DocInput((d.day if d else self.today).isoformat(),
                               placeholder="AAAA-MM-JJ", id="day")
                yield Label("Valable jusqu'au" if self.kind == "devis" else "Échéance",
                            classes="lbl2")
                yield DocInput(due, placeholder="AAAA-MM-JJ", id="due")
                yield Static("", id="day-hint", markup=False)
            yield FieldError("", id="err-day", classes="head-error", markup=False)
            yield FieldError("", id="err-due", classes="head-error", markup=False)
            terms = d.terms if d else None
            with Horizontal(classes="head", id="terms-row") as row:
                row.display = self.kind == "facture"  # a quote has no operation date
                yield Label("Opération", classes="lbl")
                yield DocInput(terms.operation.isoformat() if terms and terms.operation
                               else "", placeholder="= date", id="operation")
                yield Label("Commande client", classes="lbl2")
                yield DocInput(terms.order_ref or "" if terms else "", placeholder="réf.",
                               id="order_ref")
                yield Label("Délai convenu (> 60 j)", classes="lbl2")
                yield DocInput("oui" if terms and terms.agreed_terms else "",
                               placeholder="non", id="agreed")
            yield FieldError("", id="err-operation", classes="head-error", markup=False)
            yield FieldError("", id="err-order_ref", classes="head-error", markup=False)
            with Horizontal(id="columns"):
                yield Label("N°", classes="no")
                yield Label("Produit", classes="product")
                yield Label("Désignation", classes="desc")
                yield Label("Qté", classes="qty")
                yield Label("Prix unit. HT", classes="price")
                yield Label("TVA %", classes="rate")
                yield Label("Compte", classes="account")
                yield Label("Total HT", classes="total")
            with LinesScroll(id="lines"):
                if d:
                    for ln in d.lines:
                        yield DocLine(ln)
                yield DocLine()
            yield Static("", id="totals", markup=False)
            yield FieldError("", id="post-error", markup=False)
            yield Static("", id="issuing", markup=False)
            yield Static(HELP, id="help", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        what = "Devis" if self.kind == "devis" else "Facture"
        self.sub_title = (f"{what} : brouillon n° {self.draft_id}" if self.draft_id
                          else f"{what} : nouveau brouillon")
        self._renumber()
        for err in self.query(".head-error").results(FieldError):
            err.display = False
        self._refresh_head()
        self.call_after_refresh(self._refresh_all)
        first = "#customer" if self.val("member") else "#member"
        self.query_one(first, Input).focus()

    def _renumber(self) -> None:
        for i, line in enumerate(self.lines(), 1):
            for no in line.query(".no").results(Label):
                no.update(f"{i:>2}")

    # -- live refresh -------------------------------------------------------------------------

    def _set_error(self, field_id: str, text: str) -> None:
        err = self.query_one(f"#err-{field_id}", FieldError)
        err.update(text)
        err.display = bool(text)
        self.query_one(f"#{field_id}", Input).set_class(bool(text), "-invalid")

    def _refresh_head(self) -> tuple[dt.date | None, dt.date | None]:
        for fid, names in (("member", self.members), ("customer", self.customers)):
            code = self.val(fid).upper()
            name = self.query_one(f"#{fid}-name", Static)
            name.update(names.get(code, f"« {code} » inconnu (Entrée ou F2 : chercher)"
                                  if code else ""))
            name.set_class(bool(code) and code not in names, "-unknown")
        hint = self.query_one("#day-hint", Static)
        day = due = None
        try:
            day = parse_date(self.val("day"), "date")
            self._set_error("day", "")
        except EcpError as exc:
            self._set_error("day", str(exc))
        try:
            due = parse_date(self.val("due"), "échéance") if self.val("due") else None
            self._set_error("due", "")
        except EcpError as exc:
            self._set_error("due", str(exc))
        if day is not None and due is not None and due < day:
            self._set_error("due", "échéance : ne peut précéder la date du document")
        try:
            if self.val("operation"):
                parse_date(self.val("operation"), "date de l'opération", field="operation_date")
            self._set_error("operation", "")
        except EcpError as exc:
            self._set_error("operation", str(exc))
        text = long_date(day) if day else ""
        if day and not self.val("due"):
            days = 30 if self.kind == "devis" else DEFAULT_DUE_DAYS
            text += (f" — sans date : validité {days} jours" if self.kind == "devis"
                     else f" — sans échéance : {days} jours (paramètre sales.due_days)")
        hint.update(text)
        return day, due

    def _parse(self, line: DocLine, n: int) -> ParsedDocLine:
        return read_doc_line(n, line.values(), self.accounts, line.unit, line.product)

    def _refresh_line(self, line: DocLine, n: int) -> ParsedDocLine:
        p = self._parse(line, n)
        if not line.is_composed:
            return p
        v = line.values()
        total = ""
        with contextlib.suppress(EcpError):
            total = money(line_total(parse_quantity(v["qty"], ""),
                                     parse_amount(v["price"], "")))
        line.query_one(".total", Static).update(total if not p.empty else "")
        shown = p.problems if (line.touched or self._attempted) else []
        bad = {f for f, _ in shown}
        for f in LINE_FIELDS:
            line.input(f).set_class(f in bad, "-invalid")
        err = line.query_one(".line-error", FieldError)
        err.update(" — ".join(m for _, m in shown))
        err.set_class(bool(shown), "-shown")
        return p

    def _refresh_totals(self) -> list[ParsedDocLine]:
        parsed = [self._parse(ln, i) for i, ln in enumerate(self.lines(), 1)]
        good = [p.line for p in parsed if p.line is not None]
        ht, _vat, ttc = totals(good)
        per = vat_by_rate((line_total(x.quantity_milli, x.unit_price), x.vat_bp) for x in good)
        text = totals_text(ht, per, ttc)
        waiting = sum(1 for p in parsed if not p.empty and p.line is None)
        if waiting:
            text += f"\n({waiting} ligne{'s' if waiting > 1 else ''} incomplète"\
                    f"{'s' if waiting > 1 else ''}, hors totaux)"
        self.query_one("#totals", Static).update(text)
        return parsed

    def _refresh_all(self) -> None:
        for i, line in enumerate(self.lines(), 1):
            self._refresh_line(line, i)
        self._refresh_totals()

    async def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.has_focus:
            self.query_one("#post-error", FieldError).update("")
        line = self._line_of(event.input)
        if line is None:
            self._refresh_head()
            if event.input.id in ("member", "customer") and event.input.has_focus:
                self._set_error(event.input.id, "")
            return
        self._refresh_line(line, self.lines().index(line) + 1)
        self._refresh_totals()
        await self._ensure_blank_tail()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        line = self._line_of(event.input)
        if line is None:
            inp = event.input
            if inp.id in ("member", "customer") and inp.value != inp.value.strip().upper():
                inp.value = inp.value.strip().upper()
            return
        inp = event.input
        if inp.has_class("price"):
            try:
                cents = parse_amount(inp.value, "prix")
                if inp.value.strip() and inp.value != money(cents):
                    inp.value = money(cents)
            except EcpError:
                pass
        if line.has_content():
            line.touched = True
        self._refresh_line(line, self.lines().index(line) + 1)

    async def _ensure_blank_tail(self) -> None:
        last = self.lines()[-1]
        if last.is_composed and last.has_content():
            await self._mount_line(DocLine())

    async def _mount_line(self, new: DocLine, after: DocLine | None = None,
                          focus: bool = False) -> None:
        await self.query_one("#lines", LinesScroll).mount(new, after=after)
        self._renumber()
        if focus:
            self.set_focus(new.input("product"))

    # -- products -----------------------------------------------------------------------------

    def _fill_product(self, line: DocLine, code: str) -> bool:
        p = self.products.get(code.strip().upper())
        if p is None:
            return False
        member = self.val("member").upper()
        if member and p.member != member:
            err = line.query_one(".line-error", FieldError)
            err.update(f"produit {p.code} : au catalogue de {p.member}, pas de {member}")
            err.add_class("-shown")
            return False
        line.product, line.unit = p.code, p.unit
        line.input("product").value = p.code
        line.input("desc").value = p.name
        if not line.input("qty").value.strip():
            line.input("qty").value = "1"
        line.input("price").value = money(p.price_ht)
        line.input("rate").value = rate_text(p.vat_bp)
        line.input("account").value = p.account
        return True

    # -- moving around ------------------------------------------------------------------------

    async def enter_from(self, inp: Input) -> None:
        line = self._line_of(inp)
        if line is None:
            if inp.id == "member" and self.val("member").upper() not in self.members:
                self._pick_member()
            elif inp.id == "customer" and self.val("customer").upper() not in self.customers:
                self._pick_customer()
            elif inp.id == "due":
                self.set_focus(self.lines()[0].input("product"))
            else:
                self.focus_next()
            return
        if inp.has_class("product"):
            code = inp.value.strip()
            if not code:
                self.set_focus(line.input("desc"))
            elif self._fill_product(line, code):
                self.set_focus(line.input("qty"))
            else:
                self._pick_product(line)
            return
        if inp.has_class("account"):
            lines = self.lines()
            i = lines.index(line)
            if i + 1 < len(lines):
                self._go(lines[i + 1], "product")
            else:
                await self._mount_line(DocLine(), focus=True)
            return
        # the next cell of the same line, by name (issue 17: Entrée after the price goes to
        # « TVA % », then « Compte », whatever the focus chain holds)
        name = DocLine.field_of(inp)
        if name in LINE_FIELDS[:-1]:
            self.set_focus(line.input(LINE_FIELDS[LINE_FIELDS.index(name) + 1]))
            return
        self.focus_next()

    def _go(self, line: DocLine, name: str) -> None:
        if line.is_composed:
            self.set_focus(line.input(name))
        else:
            self.call_after_refresh(lambda: line.input(name).focus())

    async def action_add_line(self) -> None:
        line = self._line_of(self.focused) or self.lines()[-1]
        await self._mount_line(DocLine(), after=line, focus=True)

    async def action_delete_line(self) -> None:
        line = self._line_of(self.focused)
        if line is None:  # the cursor in the head: say so rather than do nothing
            self.notify("ctrl+d supprime la ligne où est le curseur : aller sur une ligne",
                        severity="warning")
            return
        lines = self.lines()
        if len(lines) <= 1:
            for f in LINE_FIELDS:
                line.input(f).value = {"rate": "20", "account": DEFAULT_ACCOUNT}.get(f, "")
            line.touched = False
            line.product = None
            self._refresh_all()
            return
        i = lines.index(line)
        self._go(lines[i + 1] if i + 1 < len(lines) else lines[i - 1], "product")
        await line.remove()
        self._renumber()
        self._refresh_all()
        await self._ensure_blank_tail()

    # -- pickers ------------------------------------------------------------------------------

    def action_pick(self) -> None:
        f = self.focused
        line = self._line_of(f)
        if line is not None:
            self._pick_product(line)
        elif f is not None and f.id == "member":
            self._pick_member()
        else:
            self._pick_customer()

    @staticmethod
    def _search(names: dict[str, str]) -> Callable[[str], list[tuple[str, str]]]:
        def search(text: str) -> list[tuple[str, str]]:
            t = text.strip().casefold()
            return [(c, n) for c, n in names.items()
                    if not t or c.casefold().startswith(t) or t in n.casefold()][:60]
        return search

    def _pick_into(self, target: str, title: str, names: dict[str, str], nothing: str,
                   then: Callable[[], object]) -> None:
        inp = self.query_one(f"#{target}", Input)

        def picked(code: str | None) -> None:
            if code:
                inp.value = code
                then()
            else:
                inp.focus()

        typed = inp.value.strip()
        self.app.push_screen(PickerScreen(title, self._search(names),
                                          "" if typed.upper() in names else typed, nothing),
                             picked)

    def _pick_member(self) -> None:
        self._pick_into("member", "Choisir le membre qui vend", self.members,
                        "aucun membre ne correspond",
                        lambda: self.query_one("#customer", Input).focus())

    def _pick_customer(self) -> None:
        self._pick_into("customer", "Choisir le client (code ou nom)", self.customers,
                        "aucun client ne correspond (Ventes, onglet Clients : n pour en créer)",
                        lambda: self.query_one("#day", Input).focus())

    def _pick_product(self, line: DocLine) -> None:
        member = self.val("member").upper()
        names = {c: f"{p.name} — {money(p.price_ht)} HT / {p.unit}, TVA {fmt_rate(p.vat_bp)}"
                 for c, p in self.products.items() if not member or p.member == member}
        inp = line.input("product")

        def picked(code: str | None) -> None:
            if code and self._fill_product(line, code):
                line.input("qty").focus()
            else:
                inp.focus()

        typed = inp.value.strip()
        self.app.push_screen(PickerScreen(f"Choisir un produit du catalogue de "
                                          f"{member or 'tous les membres'}",
                                          self._search(names),
                                          "" if typed.upper() in names else typed,
                                          "aucun produit ne correspond"), picked)

    # -- saving -------------------------------------------------------------------------------

    def _check(self) -> tuple[list[tuple[Widget, str]], list[LineInput], dt.date | None,
                              dt.date | None]:
        self._attempted = True
        problems: list[tuple[Widget, str]] = []
        for fid, names, what in (("member", self.members, "membre"),
                                 ("customer", self.customers, "client")):
            code = self.val(fid).upper()
            msg = (f"{what} : obligatoire (F2 : chercher)" if not code else
                   "" if code in names else f"{what} « {code} » inconnu (F2 : chercher)")
            self._set_error(fid, msg)
            if msg:
                problems.append((self.query_one(f"#{fid}"), msg))
        day, due = self._refresh_head()
        for fid in ("day", "due", "operation"):
            msg = str(self.query_one(f"#err-{fid}", FieldError).content)
            if msg:
                problems.append((self.query_one(f"#{fid}"), msg))
        good: list[LineInput] = []
        self._sent = []
        for i, line in enumerate(self.lines(), 1):
            line.touched = line.has_content()
            p = self._refresh_line(line, i)
            if p.problems:
                problems.append((line.input(p.problems[0][0]), p.problems[0][1]))
            elif p.line is not None:
                good.append(p.line)
                self._sent.append(line)
        if not good and not any(p for w, p in problems if self._line_of(w)):
            problems.append((self.lines()[0].input("desc"),
                             "lignes : au moins une ligne (désignation, quantité, prix)"))
        self._refresh_totals()
        return problems, good, day, due

    def _refuse(self, problems: list[tuple[Widget, str]]) -> None:
        n = len(problems)
        self.query_one("#post-error", FieldError).update(
            f"Rien n'est enregistré, {n} problème{'s' if n > 1 else ''} : "
            + " ; ".join(m for _, m in problems[:3]) + (" ; …" if n > 3 else ""))
        self.set_focus(problems[0][0])

    def _api_error(self, exc: EcpError, prefix: str) -> None:
        """Put what the books refused under the field or the line's cell it names (by
        ``exc.field`` and ``exc.line``, through ``FIELDS``)."""
        msg = str(exc)
        target = widget_for(exc, FIELDS)
        if target is not None and exc.line is not None:
            name, _, _n = target.rpartition("-")
            sent = self._sent
            if 0 < exc.line <= len(sent) and name in LINE_FIELDS:
                line = sent[exc.line - 1]
                err = line.query_one(".line-error", FieldError)
                err.update(msg)
                err.add_class("-shown")
                line.input(name).add_class("-invalid")
                line.input(name).focus()
        elif target is not None and self.query(f"#err-{target}"):
            self._set_error(target, msg)
            self.query_one(f"#{target}").focus()
        self.query_one("#post-error", FieldError).update(f"{prefix} : {msg}")

    def _spec(self, good: list[LineInput], day: dt.date, due: dt.date | None) -> DocumentSpec:
        member = self._draft.member if self._draft is not None else self.val("member").upper()
        operation = None
        if self.kind == "facture" and self.val("operation"):
            operation = parse_date(self.val("operation"), "date de l'opération",
                                   field="operation_date")
        return DocumentSpec(self.kind, member, self.val("customer").upper(), day, tuple(good),
                            due, operation, self.val("order_ref") or None,
                            self.kind == "facture"
                            and self.val("agreed").lower() in ("oui", "o", "x"))

    def _store(self, good: list[LineInput], day: dt.date, due: dt.date | None) -> int:
        """Create or replace the draft in one call; returns its id."""
        draft_id = api.save_document(self.books, self._spec(good, day, due), self.draft_id)
        self.draft_id = draft_id
        what = "Devis" if self.kind == "devis" else "Facture"
        self.sub_title = f"{what} : brouillon n° {draft_id}"
        self.query_one("#member", Input).disabled = True
        return draft_id

    def action_save(self) -> None:
        if self.issuing:
            return
        problems, good, day, due = self._check()
        if problems or day is None:
            self._refuse(problems or [(self.query_one("#day"), "date")])
            return
        try:
            draft_id = self._store(good, day, due)
        except EcpError as exc:
            self._api_error(exc, "Brouillon refusé")
            return
        self.dismiss(("brouillon", str(draft_id)))

    def action_issue(self) -> None:
        if self.issuing:
            return
        problems, good, day, due = self._check()
        if problems or day is None:
            self._refuse(problems or [(self.query_one("#day"), "date")])
            return
        ht, _vat, ttc = totals(good)
        per = vat_by_rate((line_total(x.quantity_milli, x.unit_price), x.vat_bp) for x in good)
        num = next_number(self.books, self.kind, day)
        customer = self.val("customer").upper()
        what = "le devis" if self.kind == "devis" else "la facture"
        detail = (f"Numéro : {num}\nDate : {day.isoformat()} — membre {self.val('member')} — "
                  f"client {customer} {self.customers.get(customer, '')}\n"
                  f"{len(good)} ligne{'s' if len(good) > 1 else ''}\n\n"
                  + totals_text(ht, per, ttc))

        def answered(yes: bool | None) -> None:
            if yes:
                self._issue(good, day, due)

        self.app.push_screen(IssueConfirmScreen(f"Émettre {what} {num} ?", detail), answered)

    def _issue(self, good: list[LineInput], day: dt.date, due: dt.date | None) -> None:
        """Save and issue in one call, all or nothing: a refusal writes nothing (a new
        document leaves no draft; an edited draft stays as it was saved)."""
        spec = self._spec(good, day, due)
        self.issuing = True
        what = "du devis" if self.kind == "devis" else "de la facture"
        self.query_one("#issuing", Static).update(
            f"Émission {what} en cours : numéro, écriture, PDF archivé…")
        self._run_issue(spec, self.draft_id)

    @work(thread=True, exclusive=True, group="issue", exit_on_error=False)
    def _run_issue(self, spec: DocumentSpec, draft_id: int | None) -> None:
        """The one façade call, off the event loop so that the progress line shows."""
        call = self.app.call_from_thread
        try:
            if draft_id is None:
                issued = api.issue_new(self.books, spec)
            else:
                issued = api.issue_document(self.books, draft_id, spec.day, spec=spec)
        except EcpError as exc:
            call(self._issue_done, None, exc)
            return
        except Exception as exc:
            call(self._issue_done, None, EcpError(f"erreur inattendue : {exc}"))
            return
        call(self._issue_done, issued.number, None)

    def _issue_done(self, number: str | None, exc: EcpError | None) -> None:
        self.issuing = False
        self.query_one("#issuing", Static).update("")
        if exc is not None:
            self._api_error(exc, "Émission refusée, rien n'est enregistré")
            return
        self.dismiss(("émise", number or ""))

    # -- leaving ------------------------------------------------------------------------------

    def _typed(self) -> bool:
        return any(line.has_content() for line in self.lines()) or bool(self.val("customer"))

    def action_cancel(self) -> None:
        if not self._typed():
            self.dismiss(None)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        saved = (f"Le brouillon n° {self.draft_id} reste tel qu'enregistré (ctrl+s) ; les "
                 "modifications depuis seront perdues." if self.draft_id else
                 "Rien n'a été enregistré ; ce qui a été saisi sera perdu.")
        self.app.push_screen(ConfirmScreen("Quitter sans enregistrer ?", saved), answered)
