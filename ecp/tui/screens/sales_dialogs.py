"""Ventes: the small dialogs (customer, supplier, product, expense, payment, refund, credit
note, the issue confirmation, an issued document's detail). Each one calls ``ecp.api`` once;
what the books refuse is shown in French next to the field it names, and nothing is written."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from ecp import api
from ecp.kernel.errors import EcpError, InputError
from ecp.kernel.money import parse as parse_amount
from ecp.kernel.units import fmt_qty, fmt_rate, parse_quantity, parse_rate
from ecp.sales.documents import LineInput
from ecp.sales.parties import PartyKind
from ecp.sales.rules import KIND_PREFIX, METHODS
from ecp.sales.views import PartyView
from ecp.tui.kit.format import DAY_PLACEHOLDER, money
from ecp.tui.kit.format import day as fr_day
from ecp.tui.kit.forms import FormModal
from ecp.tui.screens.reminder_dialogs import history_text

# the language of the documents a customer receives (the member form's choices: a screen never
# imports another feature's)
LANGUAGE_CHOICES = [("français", "fr"), ("arabe — العربية", "ar")]
METHOD_CHOICES = [(label, code) for code, label in METHODS.items()]
REVENUE_ACCOUNTS = [("71243  prestations de services", "71243"),
                    ("71211  ventes de produits finis", "71211"),
                    ("7111  ventes de marchandises", "7111")]


def next_number(books: api.Books, kind: str, day: dt.date) -> str:
    """The number the next issued document of ``kind`` will take in ``day``'s year (the API
    gives it only at issue; the series is gap-free, so it is the year's highest plus one)."""
    prefix = f"{KIND_PREFIX[kind]}-{day.year}-"
    seqs = [int(r.number[len(prefix):]) for r in api.list_documents(books, kind, today=day)
            if r.number.startswith(prefix)]
    return f"{prefix}{max(seqs, default=0) + 1:06d}"


# --- customers and suppliers -------------------------------------------------------------------

def required(value: str, what: str, field: str) -> str:
    """A choice the form requires, or an error under its widget."""
    if not value:
        raise InputError(f"{what} : obligatoire", field=field, code=f"{field}.required")
    return value


class PartyFormScreen(FormModal[str]):
    """Nouveau client / fournisseur, or Modifier (the code stays)."""

    FIELDS = {"code": "code", "name": "name", "ice": "ice", "address": "address",
              "city": "city", "if_number": "if_number", "rc": "rc", "name_ar": "name_ar",
              "consumer": "consumer", "language": "language"}

    def __init__(self, kind: PartyKind, party: PartyView | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.party = party

    def compose(self) -> ComposeResult:
        p = self.party
        what = "client" if self.kind == "customer" else "fournisseur"
        with Vertical(classes="dialog"):
            yield Label(f"Modifier le {what} {p.code}" if p else f"Nouveau {what}",
                        classes="title")
            yield from self.field("Code" + (" (non modifiable)" if p else ""),
                                  Input(p.code if p else "", id="code", max_length=20,
                                        disabled=p is not None, placeholder="ex. HOTEL"))
            yield from self.field("Nom (raison sociale)", Input(p.name if p else "", id="name"))
            yield from self.field("Nom en arabe", Input(p.name_ar or "" if p else "",
                                                        id="name_ar"))
            yield from self.field("Adresse", Input(p.address if p else "", id="address"))
            yield from self.field("Ville", Input(p.city if p else "", id="city"))
            yield from self.field("ICE (15 chiffres)", Input(p.ice or "" if p else "", id="ice"))
            yield from self.field("IF", Input(p.if_number or "" if p else "", id="if_number"))
            yield from self.field("RC", Input(p.rc or "" if p else "", id="rc"))
            if self.kind == "customer":
                yield from self.field("Type", Select(
                    [("professionnel (ICE obligatoire)", "pro"), ("particulier", "part")],
                    value="part" if p and p.consumer else "pro", allow_blank=False,
                    id="consumer"))
                # the language of the invoices, credit notes and quotes the customer receives
                yield from self.field("Langue des documents", Select(
                    LANGUAGE_CHOICES, value=p.language if p else "fr", allow_blank=False,
                    id="language"))
            yield from self.general_error()
            yield from self.buttons("Enregistrer")

    def on_mount(self) -> None:
        self.query_one("#name" if self.party else "#code", Input).focus()

    def save(self) -> str:
        kw: dict[str, Any] = {k: self.value(k) for k in ("name_ar", "address", "city",
                                                         "ice", "if_number", "rc")}
        if self.kind == "customer":
            kw["consumer"] = self.select("consumer") == "part"
            kw["language"] = self.select("language")
        if self.party is not None:
            p = api.edit_party(self.books, self.kind, self.party.code, name=self.value("name"),
                               **kw)
        elif self.kind == "customer":
            p = api.add_customer(self.books, self.value("code"), self.value("name"), **kw)
        else:
            kw.pop("city")
            kw.pop("rc")
            kw.pop("name_ar")
            p = api.add_supplier(self.books, self.value("code"), self.value("name"), **kw)
        return p.code


# --- catalogue ---------------------------------------------------------------------------------

class ProductFormScreen(FormModal[str]):
    FIELDS = {"code": "code", "member": "member", "name": "name", "unit": "unit",
              "price": "price", "vat": "vat", "account": "account"}

    def compose(self) -> ComposeResult:
        members = [(f"{m.code}  {m.name}", m.code) for m in api.list_members(self.books)
                   if m.status == "actif"]
        with Vertical(classes="dialog"):
            yield Label("Nouveau produit ou service au catalogue", classes="title")
            yield from self.field("Code", Input(id="code", max_length=20,
                                                placeholder="ex. CAFTAN"))
            yield from self.field("Membre", Select(members, id="member",
                                                   prompt="choisir le membre"))
            yield from self.field("Désignation", Input(id="name"))
            yield from self.field("Unité", Input(id="unit", placeholder="pièce, kg, heure"))
            yield from self.field("Prix HT", Input(id="price", placeholder="1 234,50"))
            yield from self.field("Taux de TVA %", Input("20", id="vat"))
            yield from self.field("Compte de produits", Select(REVENUE_ACCOUNTS, value="71243",
                                                               allow_blank=False, id="account"))
            yield from self.general_error()
            yield from self.buttons("Ajouter")

    def on_mount(self) -> None:
        self.query_one("#code", Input).focus()

    def save(self) -> str:
        member = required(self.select("member"), "membre", "member")
        price = parse_amount(self.value("price"), "prix HT", field="price")
        vat = parse_rate(self.value("vat"), "produit", field="vat")
        p = api.add_product(self.books, self.value("code"), member, self.value("name"),
                            self.value("unit"), price, vat, self.select("account"))
        return p.code


# --- expenses ----------------------------------------------------------------------------------

class ExpenseFormScreen(FormModal[int]):
    """Nouvelle dépense (facture fournisseur), payée tout de suite ou non."""

    FIELDS = {"member": "member", "supplier": "supplier", "day": "day", "account": "account",
              "amount_ht": "amount", "vat": "vat", "reference": "reference",
              "paid_on": "paid_on", "method": "method"}

    def __init__(self) -> None:
        super().__init__()
        self.warnings: list[str] = []  # the cash-purchase warning when paid at once in cash

    def compose(self) -> ComposeResult:
        members = [(f"{m.code}  {m.name}", m.code) for m in api.list_members(self.books)
                   if m.status == "actif"]
        suppliers = [(f"{p.code}  {p.name}", p.code)
                     for p in api.list_parties(self.books, "supplier")]
        with Vertical(classes="dialog"):
            yield Label("Nouvelle dépense (facture fournisseur)", classes="title")
            yield from self.field("Membre", Select(members, id="member",
                                                   prompt="choisir le membre"))
            yield from self.field("Fournisseur", Select(suppliers, id="supplier",
                                                        prompt="choisir le fournisseur"))
            yield from self.field("Date", Input(fr_day(self.today),
                                                placeholder=DAY_PLACEHOLDER, id="day"))
            yield from self.field("Compte de charges", Input(id="account",
                                                             placeholder="ex. 6121, 6125"))
            yield from self.field("Montant HT", Input(id="amount", placeholder="1 234,50"))
            yield from self.field("Taux de TVA %", Input("20", id="vat"))
            yield from self.field("Référence", Input(id="reference",
                                                     placeholder="n° de la facture"))
            yield from self.field("Payée le (vide : à payer)", Input(id="paid_on"))
            yield from self.field("Mode de paiement", Select(METHOD_CHOICES, value="virement",
                                                             allow_blank=False, id="method"))
            yield from self.general_error()
            yield from self.buttons("Enregistrer")

    def on_mount(self) -> None:
        self.query_one("#member").focus()

    def save(self) -> int:
        member = required(self.select("member"), "membre", "member")
        supplier = required(self.select("supplier"), "fournisseur", "supplier")
        day = self.date("day", "date de la dépense")
        paid = self.value("paid_on").strip()
        paid_on = self.date("paid_on", "paiement, date") if paid else None
        amount = parse_amount(self.value("amount"), "montant HT", field="amount_ht")
        vat = parse_rate(self.value("vat"), "dépense", field="vat")
        self.warnings.clear()  # paid at once in cash beyond the limits (CGI art. 11 and 106)
        return api.add_expense(self.books, member, supplier, day, self.value("account"),
                               amount, vat, self.value("reference"), paid_on,
                               self.select("method") if paid_on else None,
                               warnings=self.warnings)


class PayExpenseScreen(FormModal[Any]):
    """Pay a supplier bill; the result carries the VAT deducted or charged (cash limits)."""

    FIELDS = {"amount": "amount", "day": "day", "method": "method"}

    def __init__(self, expense: Any) -> None:
        super().__init__()
        self.expense = expense

    def compose(self) -> ComposeResult:
        e = self.expense
        with Vertical(classes="dialog"):
            yield Label(f"Payer la dépense n° {e.id} : {e.supplier_name}", classes="title")
            yield Static(f"TTC {money(e.ttc)} DH — déjà payé {money(e.paid)} DH — reste "
                         f"{money(e.remaining)} DH", classes="muted")
            yield from self.field("Montant", Input(money(e.remaining), id="amount"))
            yield from self.field("Date", Input(fr_day(self.today),
                                                placeholder=DAY_PLACEHOLDER, id="day"))
            yield from self.field("Mode de paiement", Select(METHOD_CHOICES, value="virement",
                                                             allow_blank=False, id="method"))
            yield from self.general_error()
            yield from self.buttons("Payer")

    def on_mount(self) -> None:
        self.query_one("#amount", Input).focus()

    def save(self) -> Any:
        amount = parse_amount(self.value("amount"), "montant", field="amount")
        return api.settle_expense(self.books, self.expense.id, self.date("day", "date"),
                                  self.select("method"), amount)


# --- payments ----------------------------------------------------------------------------------

class PaymentScreen(FormModal[Any]):
    """Enregistrer un règlement: one or several invoices of the same customer. The amount
    proposed is what they still owe; the API's refusals (cash from a business customer from
    20 000 DH, more than what is owed, a date before the invoice) appear next to the field."""

    FIELDS = {"invoices": "invoices", "amount": "amount", "day": "day", "method": "method",
              "reference": "reference"}

    def __init__(self, invoices: list[str]) -> None:
        super().__init__()
        self.invoices = invoices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Enregistrer un règlement", classes="title")
            yield from self.field("Facture(s)", Input(", ".join(self.invoices), id="invoices",
                                                      placeholder="F-2026-000001, …"))
            yield Static("", id="owed", classes="muted", markup=False)
            yield from self.field("Montant", Input(id="amount", placeholder="1 234,50"))
            yield from self.field("Date", Input(fr_day(self.today),
                                                placeholder=DAY_PLACEHOLDER, id="day"))
            yield from self.field("Mode de paiement", Select(METHOD_CHOICES, value="virement",
                                                             allow_blank=False, id="method"))
            yield from self.field("Référence", Input(id="reference",
                                                     placeholder="n° de chèque, virement…"))
            yield from self.general_error()
            yield from self.buttons("Enregistrer")

    def on_mount(self) -> None:
        owed = self._refresh_owed()
        if owed:
            self.query_one("#amount", Input).value = money(owed)
        self.query_one("#amount" if self.invoices else "#invoices", Input).focus()

    def numbers(self) -> list[str]:
        return [n.strip().upper() for n in self.value("invoices").split(",") if n.strip()]

    def _refresh_owed(self) -> int:
        rows = {r.number: r for r in api.list_documents(self.books, "facture",
                                                       today=self.today)}
        nums = self.numbers()
        found = [rows[n] for n in nums if n in rows]
        unknown = [n for n in nums if n not in rows]
        owed = sum(r.remaining for r in found)
        parts = [f"{r.number} {r.customer_name} : TTC {money(r.total_ttc)}, payé "
                 f"{money(r.paid + r.credited)}, reste dû {money(r.remaining)} DH"
                 for r in found]
        text = " — ".join(parts)
        if len(found) > 1:
            text += f" — au total : {money(owed)} DH"
        if unknown:
            text += (" — " if text else "") + "inconnue(s) : " + ", ".join(unknown)
        self.query_one("#owed", Static).update(text or "saisir le numéro de la facture")
        return owed

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "invoices":
            self._refresh_owed()

    def save(self) -> Any:
        amount = parse_amount(self.value("amount"), "montant", field="amount")
        day = self.date("day", "date")
        return api.add_payment(self.books, self.numbers(), amount, day,
                               self.select("method"), self.value("reference"))


# --- refunds -----------------------------------------------------------------------------------

REFUND_CHOICES = [(METHODS[code], code) for code in ("virement", "cheque", "especes")]


class RefundScreen(FormModal[Any]):
    """Rembourser un client: pay back the credit balance a credit note left on a member's
    books (an invoice already paid). The customers' credit balances are listed; once the
    customer and the member are chosen, their credit is proposed as the amount. The API's
    refusals (more than the credit, cash to a business from 20 000 DH) appear by the field."""

    FIELDS = {"customer": "customer", "member": "member", "amount": "amount", "day": "day",
              "method": "method", "reference": "reference"}

    def __init__(self, customer: str | None = None, member: str | None = None) -> None:
        super().__init__()
        self.customer = customer
        self.member = member
        self.credits: dict[tuple[str, str], int] = {}

    def compose(self) -> ComposeResult:
        self.credits = {(c.member, c.customer): c.credit
                        for c in api.customer_credits(self.books)}
        members = [(f"{m.code}  {m.name}", m.code) for m in api.list_members(self.books)]
        customers = [(f"{p.code}  {p.name}", p.code)
                     for p in api.list_parties(self.books, "customer")]
        codes = {c for _l, c in customers}
        mcodes = {c for _l, c in members}
        with Vertical(classes="dialog"):
            yield Label("Rembourser un client (solde créditeur)", classes="title")
            yield Static(self._credits_text(), id="credits", classes="muted", markup=False)
            yield from self.field("Client", Select(
                customers, id="customer", prompt="choisir le client",
                value=self.customer if self.customer in codes else Select.NULL))
            yield from self.field("Membre", Select(
                members, id="member", prompt="choisir le membre",
                value=self.member if self.member in mcodes else Select.NULL))
            yield from self.field("Montant", Input(id="amount", placeholder="1 234,50"))
            yield from self.field("Date", Input(fr_day(self.today),
                                                placeholder=DAY_PLACEHOLDER, id="day"))
            yield from self.field("Mode", Select(REFUND_CHOICES, value="virement",
                                                 allow_blank=False, id="method"))
            yield from self.field("Référence", Input(id="reference",
                                                     placeholder="n° de virement, chèque…"))
            yield from self.general_error()
            yield from self.buttons("Rembourser")

    def _credits_text(self) -> str:
        if not self.credits:
            return "Aucun client n'a de solde créditeur."
        return "Soldes créditeurs : " + " — ".join(
            f"{c} chez {m} : {money(v)} DH" for (m, c), v in sorted(self.credits.items()))

    def on_mount(self) -> None:
        self._propose()
        self.query_one("#amount" if self.select("customer") and self.select("member")
                       else "#customer").focus()

    def _propose(self) -> None:
        """The chosen customer's credit on the chosen member, as the amount."""
        credit = self.credits.get((self.select("member"), self.select("customer")))
        if credit:
            self.query_one("#amount", Input).value = money(credit)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id in ("customer", "member"):
            self._propose()

    def save(self) -> Any:
        customer = required(self.select("customer"), "client", "customer")
        member = required(self.select("member"), "membre", "member")
        amount = parse_amount(self.value("amount"), "montant", field="amount")
        return api.refund(self.books, customer, member, amount, self.date("day", "date"),
                          self.select("method"), self.value("reference"))


class CreditNoteScreen(FormModal[Any]):
    """Avoir on an invoice: whole by default, or one partial line (désignation, quantité,
    prix HT, taux — one of the invoice's rates)."""

    FIELDS = {"lines": "desc", "lines.description": "desc", "lines.qty": "qty",
              "lines.price": "price", "lines.vat": "rate", "lines.account": "desc",
              "day": "day"}

    def __init__(self, invoice: str) -> None:
        super().__init__()
        self.invoice = invoice

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Avoir sur la facture {self.invoice}", classes="title")
            yield Static("Désignation vide : avoir total. Sinon une ligne d'avoir partiel, à "
                         "l'un des taux de la facture.", classes="muted")
            yield from self.field("Désignation", Input(id="desc",
                                                       placeholder="vide : avoir total"))
            yield from self.field("Quantité", Input("1", id="qty"))
            yield from self.field("Prix HT", Input(id="price", placeholder="1 234,50"))
            yield from self.field("Taux de TVA %", Input("20", id="rate"))
            yield from self.field("Date", Input(fr_day(self.today),
                                                placeholder=DAY_PLACEHOLDER, id="day"))
            yield from self.general_error()
            yield from self.buttons("Émettre l'avoir")

    def on_mount(self) -> None:
        self.query_one("#desc", Input).focus()

    def line(self) -> LineInput | None:
        """The partial line typed, or None for a whole credit note."""
        desc = self.value("desc").strip()
        if not desc:
            return None
        price = parse_amount(self.value("price"), "ligne 1, prix HT", field="lines.price")
        qty = parse_quantity(self.value("qty"), "ligne 1", field="lines.qty")
        rate = parse_rate(self.value("rate"), "ligne 1", field="lines.vat")
        return LineInput(desc, qty, price, rate)

    def save(self) -> Any:
        line = self.line()
        return api.credit_note(self.books, self.invoice, [line] if line else [],
                               self.date("day", "date"))


# --- confirmation and detail -------------------------------------------------------------------

class IssueConfirmScreen(ModalScreen[bool]):
    """Émettre ? The number it will take, the customer and the totals. Escape is no."""

    BINDINGS = [Binding("o,y", "answer(True)", "Émettre", id="issue-confirm.answer-true"),
                Binding("n,escape", "answer(False)", "Ne pas émettre",
                        id="issue-confirm.answer-false")]

    def __init__(self, title: str, detail: str) -> None:
        super().__init__()
        self.title_text = title
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm"):
            yield Label(self.title_text, classes="title")
            yield Static(self.detail, id="detail", markup=False)
            yield Static("Une fois émise, une facture ne se modifie plus (faire un avoir).",
                         classes="muted")
            with Horizontal(classes="buttons"):
                yield Button("Émettre (o)", id="yes", variant="primary")
                yield Button("Ne pas émettre (n, Échap)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def totals_text(ht: int, vat: list[tuple[int, int, int]], ttc: int) -> str:
    out = [f"Total HT   {money(ht):>14} DH"]
    for bp, base, v in vat:
        out.append(f"TVA {fmt_rate(bp):<8}{money(v):>13} DH   (base {money(base)})")
    out.append(f"Total TTC  {money(ttc):>14} DH")
    return "\n".join(out)


class DocumentScreen(ModalScreen[str | None]):
    """An issued document as issued: lines, VAT by rate, totals, what is paid and remains,
    where its PDF is archived. Dismisses with an action for the list (payment, credit)."""

    BINDINGS = [Binding("escape", "close", "Fermer", id="document.close"),
                Binding("p", "choose('pay')", "Règlement", id="document.choose-pay"),
                Binding("a", "choose('credit')", "Avoir", id="document.choose-credit"),
                Binding("R", "choose('remind')", "Relancer", id="document.choose-remind")]
    DEFAULT_CSS = """
    DocumentScreen VerticalScroll { height: auto; max-height: 30; }
    DocumentScreen VerticalScroll > Static { margin-bottom: 1; }
    """

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose":
            return self.number.startswith("F-")
        return True

    def compose(self) -> ComposeResult:
        app: Any = self.app
        books: api.Books = app.books
        today: dt.date = app.today
        v = api.document_view(books, self.number)
        kind = {"facture": "Facture", "avoir": "Avoir", "devis": "Devis"}.get(v.kind, v.kind)
        row = next((r for r in api.list_documents(books, v.kind, today=today)
                    if r.number == self.number), None)
        head = [f"{kind} {v.number} du {fr_day(v.issue_date)}"
                + (f" — échéance {fr_day(v.due_date)}" if v.due_date else "")
                + (f" — valable jusqu'au {fr_day(v.valid_until)}" if v.valid_until else ""),
                f"Membre {v.member_code} {v.member_name} — client {v.customer.code} "
                f"{v.customer.name}" + (f" (ICE {v.customer.ice})" if v.customer.ice else "")]
        if v.related:
            head.append(f"Lié à : {v.related}")
        lines = [f"{'Désignation':<40} {'Qté':>8} {'PU HT':>12} {'TVA':>8} {'Total HT':>14}"]
        for ln in v.lines:
            lines.append(f"{ln.description[:40]:<40} {fmt_qty(ln.quantity_milli):>8} "
                         f"{money(ln.unit_price):>12} {fmt_rate(ln.vat_bp):>8} "
                         f"{money(ln.total_ht):>14}")
        tot = totals_text(v.total_ht, [(x.vat_bp, x.base_ht, x.vat) for x in v.vat],
                          v.total_ttc)
        state = ""
        if row is not None and v.kind == "facture":
            state = (f"Statut : {row.status} — payé {money(row.paid)} DH"
                     + (f" — avoirs {money(row.credited)} DH" if row.credited else "")
                     + f" — reste dû {money(row.remaining)} DH")
        elif row is not None:
            state = f"Statut : {row.status}"
        try:
            pdf = f"PDF archivé : {api.document_pdf(books, self.number)}"
        except EcpError as exc:
            pdf = f"PDF : {exc}"
        with Vertical(classes="dialog"):
            yield Label(" — ".join(head[:1]), classes="title")
            with VerticalScroll():
                yield Static("\n".join(head[1:]), markup=False)
                yield Static(Text("\n".join(lines)), classes="doc-lines")
                yield Static(Text(tot), classes="doc-totals")
                yield Static(state, id="doc-state", markup=False)
                yield Static(pdf, id="doc-pdf", markup=False)
                if v.kind == "facture":
                    yield Static(Text(history_text(books, self.number)), id="doc-history")
            yield Static("p : enregistrer un règlement — a : avoir — R : relancer — Échap : "
                         "fermer"
                         if v.kind == "facture" else "Échap : fermer", classes="muted")

    def on_mount(self) -> None:
        self.query_one(".dialog").styles.width = 100  # the app's .dialog is 80 wide

    def action_close(self) -> None:
        self.dismiss(None)

    def action_choose(self, what: str) -> None:
        self.dismiss(what)
