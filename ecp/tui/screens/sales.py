"""Ventes (F9): invoices, quotes, drafts, customers, suppliers, catalogue and expenses, one tab
each (keys 1 to 7). Every action goes through ``ecp.api``; the letter keys of the current tab
are in the footer, and the last thing done (a number issued, where its PDF was written) stays
on the message line.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Label, Select, Static, TabbedContent, TabPane

from ecp import api
from ecp.kernel.errors import EcpError
from ecp.kernel.units import fmt_rate
from ecp.sales.parties import PartyKind
from ecp.sales.rules import line_total, vat_by_rate
from ecp.tui.kit.base import EcpScreen
from ecp.tui.kit.format import day as fr_day
from ecp.tui.kit.format import money
from ecp.tui.kit.table import FastTable
from ecp.tui.screens.invoice_form import InvoiceFormScreen
from ecp.tui.screens.reminder_dialogs import ReminderScreen
from ecp.tui.screens.sales_dialogs import (
    CreditNoteScreen,
    DocumentScreen,
    ExpenseFormScreen,
    IssueConfirmScreen,
    PartyFormScreen,
    PayExpenseScreen,
    PaymentScreen,
    ProductFormScreen,
    RefundScreen,
    next_number,
    totals_text,
)

TABS = ("factures", "devis", "brouillons", "clients", "fournisseurs", "catalogue", "depenses")
TAB_TITLES = ("Factures", "Devis", "Brouillons", "Clients", "Fournisseurs", "Catalogue",
              "Dépenses")
STATUS_STYLE = {"payée": "green", "partiellement payée": "yellow", "en retard": "red",
                "annulée par avoir": "dim", "accepté": "green", "facturé": "dim"}
INVOICE_STATUSES = ("émise", "partiellement payée", "en retard", "payée", "annulée par avoir")
# Which keys each tab offers (the others are hidden from the footer).
TAB_ACTIONS = {
    "pay": {"factures", "depenses"},
    "credit": {"factures"},
    "remind": {"factures"},
    "refund": {"factures", "clients"},
    "pdf": {"factures", "devis"},
    "accept": {"devis"},
    "invoice_quote": {"devis"},
    "issue": {"brouillons"},
    "edit": {"brouillons", "clients", "fournisseurs"},
    "delete": {"brouillons"},
}
HINTS = {
    "factures": "Entrée : détail — n : nouvelle facture — p : règlement — a : avoir — "
                "R : relancer — b : rembourser — d : PDF — filtres au-dessus de la liste",
    "devis": "Entrée : détail — n : nouveau devis — c : accepter — f : facturer — d : PDF",
    "brouillons": "Entrée ou e : modifier — i : émettre (avec confirmation) — x : supprimer",
    "clients": "n : nouveau client — Entrée ou e : modifier — b : rembourser son solde "
               "créditeur",
    "fournisseurs": "n : nouveau fournisseur — Entrée ou e : modifier",
    "catalogue": "n : nouveau produit ou service",
    "depenses": "n : nouvelle dépense — p : payer la dépense sélectionnée",
}
COLUMNS = {
    "factures": (("Numéro", 13), ("Date", 10), ("Échéance", 10), ("Membre", 6),
                 ("Client", 16), ("TTC", 12), ("Payé", 12), ("Avoirs", 10), ("Reste", 12),
                 ("Statut", 17)),
    "devis": (("Numéro", 15), ("Date", 10), ("Validité", 10), ("Membre", 7), ("Client", 22),
              ("HT", 13), ("TTC", 13), ("Statut", 10), ("Facture", 15)),
    "brouillons": (("N°", 5), ("Type", 8), ("Date", 10), ("Échéance", 10), ("Membre", 7),
                   ("Client", 12), ("Lignes", 6), ("HT", 13), ("TVA", 12), ("TTC", 13)),
    "clients": (("Code", 10), ("Nom", 26), ("Nom arabe", 18), ("Ville", 12), ("ICE", 15),
                ("IF", 10), ("Type", 14)),
    "fournisseurs": (("Code", 10), ("Nom", 30), ("Adresse", 26), ("ICE", 15), ("IF", 10)),
    "catalogue": (("Code", 12), ("Membre", 7), ("Désignation", 30), ("Unité", 8),
                  ("Prix HT", 13), ("TVA", 8), ("Compte", 7)),
    "depenses": (("N°", 5), ("Date", 10), ("Membre", 7), ("Fournisseur", 22), ("Compte", 7),
                 ("HT", 13), ("TVA", 8), ("TTC", 13), ("Payé", 13), ("Référence", 14)),
}
# each list's text column that takes what the others leave, and those that give up room with it
FLEX = {"factures": "Client", "devis": "Client", "brouillons": "Client", "clients": "Nom",
        "fournisseurs": "Nom", "catalogue": "Désignation", "depenses": "Fournisseur"}
SHRINK = {"clients": ("Nom arabe",), "fournisseurs": ("Adresse",), "depenses": ("Référence",)}


def amount(cents: int) -> Text:
    return Text(money(cents), justify="right")


def status_text(status: str) -> Text:
    return Text(status, style=STATUS_STYLE.get(status, ""))


class SalesScreen(EcpScreen):
    BINDINGS = [
        Binding("n", "new", "Nouveau", id="sales.new"),
        Binding("p", "pay", "Règlement", id="sales.pay"),
        Binding("a", "credit", "Avoir", id="sales.credit"),
        Binding("b", "refund", "Rembourser", show=False, id="sales.refund"),
        Binding("R", "remind", "Relancer", id="sales.remind"),
        Binding("d", "pdf", "PDF", id="sales.pdf"),
        Binding("c", "accept", "Accepter", id="sales.accept"),
        Binding("f", "invoice_quote", "Facturer", id="sales.invoice_quote"),
        Binding("i", "issue", "Émettre", id="sales.issue"),
        Binding("e", "edit", "Modifier", id="sales.edit"),
        Binding("x", "delete", "Supprimer", id="sales.delete"),
        Binding("r", "reload", "Actualiser", show=False, id="sales.reload"),
        *(Binding(str(i), f"tab('{t}')", t, show=False, id=f"sales.tab-{t}")
          for i, t in enumerate(TABS, 1)),
    ]
    DEFAULT_CSS = """
    SalesScreen TabbedContent { height: 1fr; }
    SalesScreen TabPane { padding: 0; }
    SalesScreen #filters { height: 1; margin: 0 1; }
    SalesScreen #filters Label { padding: 0 1 0 0; color: $text-muted; }
    SalesScreen #filters Select { width: 30; margin-right: 2; }
    SalesScreen #message { height: auto; padding: 0 1; color: $success; }
    SalesScreen #message.-error { color: $error; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.invoices: dict[str, Any] = {}
        self.quotes: dict[str, Any] = {}
        self.drafts: dict[str, Any] = {}
        self.parties: dict[str, dict[str, Any]] = {"customer": {}, "supplier": {}}
        self.expenses: dict[str, Any] = {}

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with TabbedContent(id="tabs", initial="factures"):
            for i, (tab, title) in enumerate(zip(TABS, TAB_TITLES, strict=True), 1):
                with TabPane(f"{i} {title}", id=tab):
                    if tab == "factures":
                        with Horizontal(id="filters"):
                            yield Label("Membre")
                            yield Select([], prompt="tous", id="f-member", compact=True)
                            yield Label("Statut")
                            yield Select([(s, s) for s in INVOICE_STATUSES], prompt="tous",
                                         id="f-status", compact=True)
                    yield FastTable(id=f"t-{tab}", cursor_type="row", zebra_stripes=True,
                                    flex=FLEX[tab], shrink=SHRINK.get(tab, ()))
        yield Static("", id="message", markup=False)
        yield Label(HINTS["factures"], id="hint", classes="status")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        for tab in TABS:
            t = self.table(tab)
            for label, width in COLUMNS[tab]:
                t.add_column(label, width=width)
        self.query_one("#f-member", Select).set_options(
            (f"{m.code}  {m.name}", m.code) for m in api.list_members(self.books))
        self.load()
        self.table("factures").focus()

    def on_screen_resume(self) -> None:
        self.load()

    def table(self, tab: str) -> DataTable[Any]:
        return self.query_one(f"#t-{tab}", DataTable)

    @property
    def tab(self) -> str:
        return self.query_one("#tabs", TabbedContent).active or "factures"

    # -- loading ------------------------------------------------------------------------------

    def _fill(self, tab: str, rows: Iterable[tuple[str, Iterable[Any]]],
              select: str | None = None) -> None:
        t = self.table(tab)
        keep = select or self.current(tab)
        t.clear()
        for key, cells in rows:
            t.add_row(*(c if isinstance(c, Text) else Text(str(c)) for c in cells), key=key)
        if keep is not None and keep in t.rows:  # a row gone (a draft issued): stay on top
            t.move_cursor(row=t.get_row_index(keep))

    def load(self, select: dict[str, str] | None = None) -> None:
        select = select or {}
        today = self.ecp.today
        self.invoices = {r.number: r for r in api.list_documents(self.books, "facture",
                                                                 today=today)}
        member = self.query_one("#f-member", Select).value
        status = self.query_one("#f-status", Select).value
        shown = [r for r in self.invoices.values()
                 if (not isinstance(member, str) or r.member == member)
                 and (not isinstance(status, str) or r.status == status)]
        self._fill("factures", ((r.number, (
            r.number, fr_day(r.day), fr_day(r.due), r.member,
            r.customer_name, amount(r.total_ttc), amount(r.paid),
            Text(money(r.credited, blank_zero=True), justify="right"), amount(r.remaining),
            status_text(r.status))) for r in shown), select.get("factures"))
        self.quotes = {r.number: r for r in api.list_documents(self.books, "devis",
                                                               today=today)}
        self._fill("devis", ((r.number, (
            r.number, fr_day(r.day), fr_day(r.due), r.member,
            r.customer_name, amount(r.total_ht), amount(r.total_ttc), status_text(r.status),
            r.related or "")) for r in self.quotes.values()), select.get("devis"))
        self.drafts = {str(d.id): d for d in api.list_drafts(self.books)}
        self._fill("brouillons", ((k, (
            k, d.kind, fr_day(d.day), fr_day(d.due), d.member,
            d.customer, len(d.lines), amount(d.total_ht), amount(d.total_vat),
            amount(d.total_ttc))) for k, d in self.drafts.items()), select.get("brouillons"))
        tabs: tuple[tuple[PartyKind, str], ...] = (("customer", "clients"),
                                                   ("supplier", "fournisseurs"))
        for kind, tab in tabs:
            parties = api.list_parties(self.books, kind)
            self.parties[kind] = {p.code: p for p in parties}
            if kind == "customer":
                self._fill(tab, ((p.code, (
                    p.code, p.name, p.name_ar or "", p.city, p.ice or "", p.if_number or "",
                    "particulier" if p.consumer else "professionnel")) for p in parties),
                    select.get(tab))
            else:
                self._fill(tab, ((p.code, (p.code, p.name, p.address, p.ice or "",
                                           p.if_number or "")) for p in parties),
                           select.get(tab))
        self._fill("catalogue", ((p.code, (
            p.code, p.member, p.name, p.unit, amount(p.price_ht), fmt_rate(p.vat_bp),
            p.account)) for p in api.list_products(self.books)), select.get("catalogue"))
        self.expenses = {str(e.id): e for e in api.list_expenses(self.books)}
        self._fill("depenses", ((k, (
            k, fr_day(e.day), e.member, e.supplier_name, e.account, amount(e.amount_ht),
            e.rate, amount(e.ttc), amount(e.paid), e.reference))
            for k, e in self.expenses.items()), select.get("depenses"))
        paid = sum(1 for r in self.invoices.values() if r.status == "payée")
        due = sum(r.remaining for r in self.invoices.values())
        self.sub_title = (f"Ventes : {len(self.invoices)} factures ({paid} payées), reste dû "
                          f"{money(due)} DH")

    @on(Select.Changed, "#filters Select")
    def _filter(self, event: Select.Changed) -> None:
        self.load()

    def current(self, tab: str | None = None) -> str | None:
        t = self.table(tab or self.tab)
        if t.row_count == 0:
            return None
        key = t.coordinate_to_cell_key(t.cursor_coordinate).row_key.value
        return str(key) if key is not None else None

    def say(self, text: str, error: bool = False) -> None:
        msg = self.query_one("#message", Static)
        msg.update(text)
        msg.set_class(error, "-error")

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

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        tab = self.tab
        if tab in ("factures", "devis"):
            self.open_document()
        elif tab in ("brouillons", "clients", "fournisseurs"):
            self.action_edit()

    # -- new ----------------------------------------------------------------------------------

    def action_new(self) -> None:
        {"factures": self.action_new_invoice, "devis": self.action_new_quote,
         "brouillons": self.action_new_invoice, "clients": self.action_new_customer,
         "fournisseurs": self.action_new_supplier, "catalogue": self.action_new_product,
         "depenses": self.action_new_expense}[self.tab]()

    def action_new_invoice(self) -> None:
        self.app.push_screen(InvoiceFormScreen("facture"), self._after_form)

    def action_new_quote(self) -> None:
        self.app.push_screen(InvoiceFormScreen("devis"), self._after_form)

    def _after_form(self, result: tuple[str, str] | None) -> None:
        if result is None:
            return
        what, ref = result
        if what == "brouillon":
            self.load({"brouillons": ref})
            self.action_tab("brouillons")
            self.say(f"Brouillon n° {ref} enregistré (i : l'émettre)")
        else:
            self._issued(ref)

    def _issued(self, number: str) -> None:
        tab = "devis" if number.startswith("D-") else "factures"
        self.load({tab: number})
        self.action_tab(tab)
        kind = {"D": "Devis", "F": "Facture", "AV": "Avoir"}[number.split("-")[0]]
        try:
            where = f"PDF : {api.document_pdf(self.books, number)}"
        except EcpError as exc:
            where = f"PDF : {exc}"
        self.say(f"{kind} {number} émis{'e' if kind == 'Facture' else ''} — {where}")
        self.notify(where, title=f"{kind} {number}", markup=False)

    def action_new_customer(self) -> None:
        self.action_tab("clients")
        self.app.push_screen(PartyFormScreen("customer"), self._after_party("clients"))

    def action_new_supplier(self) -> None:
        self.action_tab("fournisseurs")
        self.app.push_screen(PartyFormScreen("supplier"), self._after_party("fournisseurs"))

    def _after_party(self, tab: str) -> Any:
        def done(code: str | None) -> None:
            if code:
                self.load({tab: code})
                self.say(f"{'Client' if tab == 'clients' else 'Fournisseur'} {code} "
                         "enregistré")
        return done

    def action_new_product(self) -> None:
        self.action_tab("catalogue")

        def done(code: str | None) -> None:
            if code:
                self.load({"catalogue": code})
                self.say(f"Produit {code} ajouté au catalogue")

        self.app.push_screen(ProductFormScreen(), done)

    def action_new_expense(self) -> None:
        self.action_tab("depenses")

        form = ExpenseFormScreen()

        def done(eid: int | None) -> None:
            if eid:
                self.load({"depenses": str(eid)})
                self.say("\n".join([f"Dépense n° {eid} enregistrée",
                                     *(f"Attention : {w}" for w in form.warnings)]))

        self.app.push_screen(form, done)

    # -- invoices -----------------------------------------------------------------------------

    def _invoice(self) -> str | None:
        num = self.current("factures") if self.tab == "factures" else None
        return num

    def open_document(self) -> None:
        num = self.current()
        if num is None:
            return

        def chosen(what: str | None) -> None:
            if what == "pay":
                self.payment_for([num])
            elif what == "credit":
                self.credit_for(num)
            elif what == "remind":
                self.remind_for(num)

        self.app.push_screen(DocumentScreen(num), chosen)

    def action_pay(self) -> None:
        if self.tab == "depenses":
            self.pay_expense()
            return
        num = self._invoice()
        if num is None:
            self.notify("Aucune facture sélectionnée", severity="warning")
            return
        self.payment_for([num])

    def action_payment(self) -> None:
        """Palette: a payment for the selected invoice (or one to type)."""
        num = self.current("factures")
        self.action_tab("factures")
        self.payment_for([num] if num else [])

    def action_credit_note(self) -> None:
        """Palette: an avoir on the selected invoice."""
        self.action_tab("factures")
        self.action_credit()

    def action_show_pdf(self) -> None:
        """Palette: where the selected invoice's PDF is."""
        if self.tab != "devis":
            self.action_tab("factures")
        self.action_pdf()

    def action_issue_draft(self) -> None:
        """Palette: issue the selected draft."""
        self.action_tab("brouillons")
        self.action_issue()

    def payment_for(self, numbers: list[str]) -> None:
        def done(res: Any) -> None:
            if res is None:
                return
            self.load({"factures": numbers[0] if numbers else ""})
            total = sum(a for _n, a, _v in res.allocations)
            parts = ", ".join(f"{n} {money(a)} DH, {self.invoices[n].status}"
                              if n in self.invoices else n for n, a, _v in res.allocations)
            self.say(f"Règlement de {money(total)} DH enregistré ({res.entry}) : {parts}")

        self.app.push_screen(PaymentScreen(numbers), done)

    # -- refunds ------------------------------------------------------------------------------

    def action_refund(self) -> None:
        """Rembourser un client: the selected invoice's customer and member, or the selected
        customer, proposed in the form."""
        customer = member = None
        if self.tab == "factures":
            num = self.current("factures")
            row = self.invoices.get(num) if num else None
            if row is not None:
                customer, member = row.customer, row.member
        elif self.tab == "clients":
            customer = self.current("clients")
        self.refund_for(customer, member)

    def action_refund_customer(self) -> None:
        """Palette: rembourser un client (the selected customer or invoice's, if any)."""
        if self.tab not in ("factures", "clients"):
            self.action_tab("clients")
        self.action_refund()

    def refund_for(self, customer: str | None, member: str | None) -> None:
        def done(res: Any) -> None:
            if res is None:
                return
            self.load()
            self.say(f"Remboursement de {money(res.amount)} DH au client {res.customer} chez "
                     f"{res.member} enregistré ({res.entry}) ; crédit restant "
                     f"{money(res.credit_left)} DH")

        self.app.push_screen(RefundScreen(customer, member), done)

    def action_credit(self) -> None:
        num = self._invoice()
        if num is not None:
            self.credit_for(num)

    def credit_for(self, num: str) -> None:
        def done(res: Any) -> None:
            if res is not None:
                self.load({"factures": num})
                try:
                    where = f"PDF : {api.document_pdf(self.books, res.number)}"
                except EcpError as exc:
                    where = str(exc)
                self.say(f"Avoir {res.number} émis sur {num} — {where}")

        self.app.push_screen(CreditNoteScreen(num), done)

    # -- reminders ----------------------------------------------------------------------------

    def action_remind(self) -> None:
        """Relancer the selected invoice: level 1, or 2 once a relance was sent."""
        num = self._invoice()
        if num is None:
            self.notify("Aucune facture sélectionnée", severity="warning")
            return
        self.remind_for(num)

    def action_remind_invoice(self) -> None:
        """Palette: relancer the selected invoice."""
        self.action_tab("factures")
        self.action_remind()

    def remind_for(self, num: str) -> None:
        def done(sent: Any) -> None:
            if sent is None:
                return
            v = sent.view
            self.load({"factures": num})
            self.say(f"{v.title} de {num} au {v.day.strftime('%d/%m/%Y')} : "
                     f"{money(v.left)} DH dus, {v.days_late} jours de retard — PDF : "
                     f"{sent.path}")

        level = 2 if any(e.kind == "relance" for e in api.invoice_history(self.books, num)) \
            else 1
        self.app.push_screen(ReminderScreen(num, level), done)

    def action_pdf(self) -> None:
        num = self.current()
        if num is None:
            return
        try:
            path = api.document_pdf(self.books, num)
        except EcpError as exc:
            self.say(str(exc), error=True)
            return
        self.say(f"{num} — PDF archivé : {path}")
        self.notify(str(path), title=f"PDF de {num}", markup=False)

    # -- quotes -------------------------------------------------------------------------------

    def action_accept(self) -> None:
        num = self.current("devis")
        if num is None:
            return
        try:
            api.accept_quote(self.books, num, self.ecp.today)
        except EcpError as exc:
            self.say(str(exc), error=True)
            return
        self.load({"devis": num})
        self.say(f"Devis {num} accepté (f : le facturer)")

    def action_invoice_quote(self) -> None:
        num = self.current("devis")
        if num is None:
            return
        q = self.quotes[num]
        today = self.ecp.today
        new = next_number(self.books, "facture", today)
        v = api.document_view(self.books, num)
        detail = (f"Facture {new} du {fr_day(today)} tirée du devis {num}\n"
                  f"Client {q.customer} {q.customer_name} — membre {q.member}\n\n"
                  + totals_text(v.total_ht, [(x.vat_bp, x.base_ht, x.vat) for x in v.vat],
                                v.total_ttc))

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                issued = api.invoice_quote(self.books, num, today)
            except EcpError as exc:
                self.say(str(exc), error=True)
                return
            self._issued(issued.number)

        self.app.push_screen(IssueConfirmScreen(f"Facturer le devis {num} ?", detail),
                             answered)

    # -- drafts -------------------------------------------------------------------------------

    def action_issue(self) -> None:
        key = self.current("brouillons")
        if key is None:
            self.notify("Aucun brouillon à émettre", severity="warning")
            return
        d = self.drafts[key]
        num = next_number(self.books, d.kind, d.day)
        per = vat_by_rate((line_total(x.quantity_milli, x.unit_price), x.vat_bp)
                          for x in d.lines)
        what = "le devis" if d.kind == "devis" else "la facture"
        detail = (f"Numéro : {num}\nDate : {fr_day(d.day)} — membre {d.member} — client "
                  f"{d.customer}\n{len(d.lines)} ligne{'s' if len(d.lines) > 1 else ''}\n\n"
                  + totals_text(d.total_ht, per, d.total_ttc))

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                issued = api.issue_document(self.books, d.id, d.day)
            except EcpError as exc:
                self.say(f"Brouillon n° {d.id} non émis : {exc}", error=True)
                return
            self._issued(issued.number)

        self.app.push_screen(IssueConfirmScreen(f"Émettre {what} {num} ?", detail), answered)

    def action_delete(self) -> None:
        from ecp.tui.kit.dialogs import ConfirmScreen

        key = self.current("brouillons")
        if key is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                api.delete_draft(self.books, int(key))
                self.load()
                self.say(f"Brouillon n° {key} supprimé")

        self.app.push_screen(ConfirmScreen(f"Supprimer le brouillon n° {key} ?",
                                           "Un brouillon n'a pas de numéro : le supprimer ne "
                                           "laisse pas de trou dans la série."), answered)

    def action_edit(self) -> None:
        tab = self.tab
        key = self.current(tab)
        if key is None:
            return
        if tab == "brouillons":
            d = self.drafts[key]
            self.app.push_screen(InvoiceFormScreen(d.kind, d.id), self._after_form)
        elif tab in ("clients", "fournisseurs"):
            kind: PartyKind = "customer" if tab == "clients" else "supplier"
            self.app.push_screen(PartyFormScreen(kind, self.parties[kind][key]),
                                 self._after_party(tab))

    # -- expenses -----------------------------------------------------------------------------

    def pay_expense(self) -> None:
        key = self.current("depenses")
        if key is None:
            return
        e = self.expenses[key]
        if e.remaining <= 0:
            self.say(f"Dépense n° {key} déjà payée")
            return

        def done(paid: Any) -> None:
            if paid:
                self.load({"depenses": key})
                self.say("\n".join([f"Dépense n° {key} payée ({paid.entry})",
                                     *(f"Attention : {w}" for w in paid.warnings)]))

        self.app.push_screen(PayExpenseScreen(e), done)
