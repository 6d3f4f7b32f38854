"""Membres: the register of member-entrepreneurs; add one, edit its non-accounting fields.

The member's code is its dimension in every posting: it is shown, never edited. Arabic names
are shown as stored (the logical string); terminals draw right-to-left text unevenly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label, Select, Static

from ecp import api
from ecp.kernel.errors import EcpError
from ecp.kernel.files import write_private
from ecp.kernel.money import fmt_fr
from ecp.kernel.money import parse as parse_amount
from ecp.kernel.periods import Month, Period, parse_date
from ecp.kernel.units import Rate, parse_percent
from ecp.members.registry import MemberView
from ecp.reports.payroll_tables import month_table
from ecp.reports.render import render_table
from ecp.tui.kit.base import Dialog, EcpScreen
from ecp.tui.kit.format import DAY_PLACEHOLDER
from ecp.tui.kit.format import day as fr_day
from ecp.tui.kit.forms import FieldError, FormModal
from ecp.tui.kit.report_table import add_columns, fill
from ecp.tui.kit.table import FastTable

T = TypeVar("T")

EXPORT_DIR = Path.cwd()  # where « c » writes the payroll CSV (like the VAT screen's export)




# façade parameter of add_member / update_member -> widget id
MEMBER_FIELDS = {"code": "code", "name": "name", "name_ar": "name_ar", "activity": "activity",
                 "contribution_rate": "rate", "status": "status", "joined": "joined",
                 "route": "route", "cnss": "cnss", "dependants": "dependants",
                 "day": "route_from", "language": "language"}
# the language of a member's documents (statement, voucher, payslip, annual statement)
LANGUAGE_CHOICES = [("français", "fr"), ("arabe — العربية", "ar")]
ROUTE_CHOICES = [("salarié de l'ECP (bulletin de paie)", "salarie"),
                 ("indépendant (facture)", "independant")]


def route_fields(form: FormModal[Any], m: MemberView | None, day: dt.date) -> ComposeResult:
    """Remuneration route, CNSS number, dependants and the date they apply from."""
    yield from form.field("Rémunération", Select(ROUTE_CHOICES, value=m.route if m and m.route
                                                 else Select.NULL, prompt="à choisir",
                                                 id="route"))
    yield from form.field("N° CNSS (salarié)", Input((m.cnss or "") if m else "", id="cnss"))
    yield from form.field("Personnes à charge",
                          Input(str(m.dependants or 0) if m else "0", id="dependants"))
    yield from form.field("Statut à partir du", Input(fr_day(day),
                                                      placeholder=DAY_PLACEHOLDER, id="route_from"))


def route_values(form: FormModal[Any]) -> tuple[str, str, int, dt.date] | None:
    """The route typed (None when none is chosen), checked before anything is written."""
    from ecp.kernel.errors import InputError
    from ecp.members.registry import MAX_DEPENDANTS, check_route
    route = form.query_one("#route", Select).value
    if route is Select.NULL or route is None:
        return None
    n = form.value("dependants").strip() or "0"
    if not n.isascii() or not n.isdigit() or int(n) > MAX_DEPENDANTS:
        raise InputError(f"personnes à charge : « {n} » (entier de 0 à {MAX_DEPENDANTS})",
                         field="dependants", code="dependants.range")
    day = parse_date(form.value("route_from"), "date d'effet du statut", field="day")
    return check_route(str(route)), form.value("cnss"), int(n), day


def route_changed(m: MemberView, r: tuple[str, str, int, dt.date]) -> bool:
    return (m.route, (m.cnss or ""), m.dependants or 0) != (
        r[0], r[1].strip().replace(" ", ""), r[2])


def parse_rate(text: str) -> Rate | None:
    """The contribution rate typed in the form (empty: the ECP's default rate)."""
    return parse_percent(text, "taux de contribution", field="contribution_rate") \
        if text.strip() else None


class MemberAddScreen(FormModal[str | None]):
    """Inscrire un membre: code, names, activity, contribution rate, date of entry."""

    FIELDS = MEMBER_FIELDS

    def compose(self) -> ComposeResult:
        app = self.ecp
        with Vertical(classes="dialog"):
            yield Label("Nouveau membre entrepreneur", classes="title")
            yield from self.field("Code (ex. M006)", Input(id="code", max_length=20))
            yield from self.field("Nom", Input(id="name"))
            yield from self.field("Nom en arabe", Input(id="name_ar"))
            yield from self.field("Activité", Input(id="activity",
                                                    placeholder="couture, cuisine…"))
            yield from self.field("Taux de contribution %",
                                  Input(id="rate", placeholder="10 ou 8,5"))
            yield from self.field("Date d'entrée", Input(fr_day(app.today),
                                                         placeholder=DAY_PLACEHOLDER, id="joined"))
            yield from self.field("Langue des documents",
                                  Select(LANGUAGE_CHOICES, value="fr", allow_blank=False,
                                         id="language"))
            yield from route_fields(self, None, app.today)
            yield from self.general_error()
            yield from self.buttons("Inscrire")

    def on_mount(self) -> None:
        self.query_one("#code", Input).focus()

    def save(self) -> str:
        app = self.ecp
        rate = parse_rate(self.value("rate"))
        joined = parse_date(self.value("joined"), "date d'entrée", field="joined")
        route = route_values(self)
        m = api.add_member(app.books, self.value("code"), self.value("name"),
                           name_ar=self.value("name_ar"),
                           activity=self.value("activity").strip() or None,
                           contribution_rate=rate, joined=joined,
                           language=str(self.query_one("#language", Select).value))
        if route is not None:
            api.set_route(app.books, m.code, route[0], route[3], route[1], route[2])
        return m.code


class MemberEditScreen(FormModal[str | None]):
    """Modifier un membre: everything but its code (the dimension used in postings)."""

    FIELDS = MEMBER_FIELDS

    def __init__(self, member: MemberView) -> None:
        super().__init__()
        self.member = member

    def compose(self) -> ComposeResult:
        m = self.member
        with Vertical(classes="dialog"):
            yield Label(f"Modifier le membre {m.code}", classes="title")
            yield from self.field("Code (non modifiable)",
                                  Input(m.code, id="code", disabled=True))
            yield from self.field("Nom", Input(m.name, id="name"))
            yield from self.field("Nom en arabe", Input(m.name_ar or "", id="name_ar"))
            yield from self.field("Activité", Input(m.activity or "", id="activity"))
            yield from self.field("Statut", Select([(s, s) for s in api.MEMBER_STATUSES],
                                                   value=m.status, allow_blank=False,
                                                   id="status"))
            yield from self.field("Taux de contribution %",
                                  Input(m.contribution_pct or "", id="rate",
                                        placeholder="10 ou 8,5"))
            yield from self.field("Langue des documents",
                                  Select(LANGUAGE_CHOICES, value=m.language, allow_blank=False,
                                         id="language"))
            yield Static(f"Entré le {m.joined_on or '—'}", classes="muted hint")
            yield from route_fields(self, m, self.ecp.today)
            yield Static(f"Rémunération actuelle : {m.route or 'à choisir'}"
                         + (f" depuis le {m.route_from}" if m.route_from else ""),
                         classes="muted hint")
            yield from self.general_error()
            yield from self.buttons("Enregistrer")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def save(self) -> str:
        app = self.ecp
        status = self.query_one("#status", Select).value
        rate = parse_rate(self.value("rate"))
        route = route_values(self)
        if route is not None and route_changed(self.member, route):
            api.set_route(app.books, self.member.code, route[0], route[3], route[1], route[2])
        api.update_member(app.books, self.member.code, name=self.value("name"),
                          name_ar=self.value("name_ar"), activity=self.value("activity"),
                          status=str(status), contribution_rate=rate,
                          default_rate=rate is None,
                          language=str(self.query_one("#language", Select).value))
        return self.member.code


PAY_KINDS = {  # kind -> (title, what the entry posts, façade name)
    "cnss": ("Payer la CNSS du mois (cotisations, AMO, allocations familiales, TFP)",
             "4441 au débit, 5141 au crédit, par dimension", "social_pay"),
    "ir": ("Payer l'IR retenu à la source du mois",
           "44525 au débit, 5141 au crédit, par dimension", "ir_pay"),
}


class PayrollPayScreen(FormModal[Any]):
    """The month's CNSS (4441) or IR withheld (44525) paid from the bank: the month, the date,
    the method, a reference, then ``api.social_pay`` / ``api.ir_pay`` (ecp social pay / ecp ir
    pay)."""

    FIELDS = {"period": "period", "day": "day", "method": "method", "reference": "reference"}

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def compose(self) -> ComposeResult:
        title, posts, _ = PAY_KINDS[self.kind]
        last = Month.of(self.today.replace(day=1) - dt.timedelta(days=1))  # last month
        with Vertical(classes="dialog"):
            yield Label(title, classes="title")
            yield Static(Text(f"Le montant est celui des paies du mois (écritures OD). Écriture "
                              f"au journal BQ : {posts}.", style="dim"))
            yield from self.field("Mois des paies", Input(str(last), id="period"))
            yield from self.field("Date du paiement", Input(fr_day(self.today),
                                                            placeholder=DAY_PLACEHOLDER, id="day"))
            yield from self.field("Mode", Select([("virement bancaire", "virement"),
                                                  ("chèque", "cheque")], value="virement",
                                                 allow_blank=False, id="method"))
            yield from self.field("Référence", Input(id="reference",
                                                     placeholder="reçu, n° de virement…"))
            yield from self.general_error()
            yield from self.buttons("Payer")

    def on_mount(self) -> None:
        self.query_one("#period", Input).focus()

    def save(self) -> Any:
        period = Period.parse(self.value("period"), "mois des paies", field="period")
        day = self.date("day", "date")
        pay = getattr(api, PAY_KINDS[self.kind][2])
        return pay(self.books, period, day, self.select("method"),
                   self.value("reference").strip())


def previous_month(today: dt.date) -> Month:
    return Month.of(today.replace(day=1) - dt.timedelta(days=1))


class AdvanceRepayScreen(FormModal[tuple[str, int, str] | None]):
    """The member repays part of their solidarity advances (``api.repay_advance``, the twin of
    ``ecp advance repay``): member, amount (proposed: what is still owed back today), date,
    method. Returns (member, amount, entry reference)."""

    FIELDS = {"member": "member", "amount": "amount", "day": "day", "method": "method"}

    def __init__(self, members: Iterable[MemberView], code: str | None) -> None:
        super().__init__()
        self.codes = [(f"{m.code} — {m.name}", m.code) for m in members]
        self.code = code

    def outstanding(self, code: str) -> int:
        return api.advance_outstanding(self.books, code, self.today)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Remboursement d'avance par le membre", classes="title")
            yield Static(Text("Écriture au journal BQ (virement) ou CA (espèces) : 5141 ou 5161 "
                              "au débit, 3431 au crédit, à la dimension du membre.",
                              style="dim"))
            yield from self.field("Membre", Select(self.codes, value=self.code or Select.NULL,
                                                   prompt="à choisir", id="member"))
            yield Static("", id="owed", classes="muted hint")
            yield from self.field("Montant (DH)", Input(id="amount", placeholder="1 234,50"))
            yield from self.field("Date", Input(fr_day(self.today),
                                                placeholder=DAY_PLACEHOLDER, id="day"))
            yield from self.field("Mode", Select([("virement bancaire", "virement"),
                                                  ("espèces", "especes")], value="virement",
                                                 allow_blank=False, id="method"))
            yield from self.general_error()
            yield from self.buttons("Rembourser")

    def on_mount(self) -> None:
        self.propose()
        self.query_one("#amount", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "member":
            self.propose()

    def propose(self) -> None:
        """The amount proposed: the advance still owed back by the member chosen, today."""
        code = self.select("member")
        owed = self.outstanding(code) if code else 0
        self.query_one("#owed", Static).update(
            f"Avance restant due au {fr_day(self.today)} : {fmt_fr(owed)} DH"
            if code else "")
        self.query_one("#amount", Input).value = fmt_fr(owed) if owed else ""

    def save(self) -> tuple[str, int, str]:
        from ecp.kernel.errors import InputError
        code = self.select("member")
        if not code:
            raise InputError("membre : à choisir", field="member", code="member.required")
        amount = parse_amount(self.value("amount"), "montant", field="amount")
        day = self.date("day", "date")
        ref = api.repay_advance(self.books, code, amount, day, self.select("method"))
        return code, amount, ref


class PayrollMonthScreen(Dialog[None]):
    """État de la paie du mois (the twin of ``ecp report payroll --period``): one row per
    salaried member paid, the total. Enter in the month shows it; ``c`` writes the same CSV as
    ``--format csv`` into the current folder; Escape closes."""

    BINDINGS = [Binding("escape", "close", "Fermer", id="payroll-month.close"),
                Binding("c", "export", "Export CSV", id="payroll-month.export")]
    DEFAULT_CSS = """
    PayrollMonthScreen .field { height: auto; }
    PayrollMonthScreen .field > Label { width: 16; padding: 0 1 0 0; }
    PayrollMonthScreen .field > Input { width: 12; }
    PayrollMonthScreen #payroll-title { margin-top: 1; height: auto; text-style: bold; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.table: Any = None  # the ecp.reports.tables.Table shown
        self.label = ""

    def compose(self) -> ComposeResult:
        from textual.containers import Horizontal
        with Vertical(classes="dialog"):
            yield Label("Paie : état du mois", classes="title")
            with Horizontal(classes="field"):
                yield Label("Mois (AAAA-MM)")
                yield Input(str(previous_month(self.today)), id="period", compact=True)
            err = FieldError("", id="err-period")
            err.display = False
            yield err
            yield Static("", id="payroll-title", markup=False)
            yield FastTable(id="payroll", cursor_type="row", zebra_stripes=True)
            yield Static("Entrée : afficher le mois — c : export CSV (dossier courant) — "
                         "Échap : fermer", classes="muted", id="payroll-status")

    def on_mount(self) -> None:
        self.query_one(".dialog").styles.width = "95%"  # the app's .dialog is 80 wide
        t = self.query_one("#payroll", DataTable)
        t.styles.height = "auto"
        t.styles.max_height = 20
        t.styles.margin = (1, 0, 0, 0)
        self.compute()
        t.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.compute():
            self.query_one("#payroll", DataTable).focus()

    def compute(self) -> bool:
        err = self.query_one("#err-period", FieldError)
        t = self.query_one("#payroll", DataTable)
        try:
            period = Period.parse(self.query_one("#period", Input).value, "mois",
                                  field="period")
            table = month_table(api.payroll_month(self.books, period))
        except EcpError as exc:
            err.update(Text(str(exc)))
            err.display = True
            return False
        err.display = False
        self.table, self.label = table, period.label
        if not t.columns:
            add_columns(t, table)
        fill(t, table)
        self.query_one("#payroll-title", Static).update(
            table.title if table.rows else f"{table.title} — aucun salarié payé ce mois")
        return True

    def action_export(self) -> None:
        if self.table is None:
            return
        path = EXPORT_DIR / f"paie-{self.label}.csv"
        status = self.query_one("#payroll-status", Static)
        try:
            write_private(path, (render_table(self.table, "csv") + "\n").encode("utf-8"))
        except OSError as exc:
            status.update(Text(f"export impossible : {exc.strerror} ({exc.filename})",
                               style="red"))
            return
        status.update(f"Export écrit : {path}")
        self.notify(str(path), title="Export CSV écrit", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)


class MembersScreen(EcpScreen):
    BINDINGS = [
        Binding("a", "add", "Ajouter", id="members.add"),
        Binding("e", "edit", "Modifier", id="members.edit"),
        Binding("p", "page", "Fiche du mois", id="members.page"),
        Binding("v", "payout", "Versement", show=False, id="members.payout"),
        Binding("k", "contribution", "Contribution du mois", id="members.contribution"),
        Binding("r", "reload", "Actualiser", show=False, id="members.reload"),
    ]

    COLUMNS = (("Code", 8), ("Nom", 28), ("Nom arabe", 22), ("Activité", 12), ("Entrée", 10),
               ("Statut", 8), ("Contrib. %", 10),
               ("Disponible pour versement (DH)", 30))

    def __init__(self) -> None:
        super().__init__()
        self.members: dict[str, MemberView] = {}

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Label("Membres entrepreneurs", id="heading", classes="title")
        yield FastTable(id="members", cursor_type="row", zebra_stripes=True, flex="Nom",
                        shrink=("Nom arabe", "Activité"))
        yield Label("a : ajouter — e ou Entrée : modifier — p : fiche du mois — k : "
                    "contribution du mois — le code d'un membre ne se modifie pas\n"
                    "Disponible pour versement = banque + caisse du membre − TVA due − dû à "
                    "l'ECP − paie à payer − réserve (p : le détail)",
                    classes="status")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        t = self.query_one("#members", DataTable)
        for label, width in self.COLUMNS:
            t.add_column(label, width=width)
        self.load()
        t.focus()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self, select: str | None = None) -> None:
        t = self.query_one("#members", DataTable)
        keep = select or self.current_code()
        t.clear()
        members = api.list_members(self.books)
        self.members = {m.code: m for m in members}
        # The member balances (ecp report member-balances): what each may be paid today —
        # their bank + cash less VAT due, sums owed to the ECP, payroll due and reserve.
        available = {b.code: b.treasury.available
                     for b in api.member_balances(self.books, self.ecp.today)}
        for m in members:
            cash = available.get(m.code)
            money_cell = Text("" if cash is None else fmt_fr(cash), justify="right",
                              style="red" if cash is not None and cash < 0 else "")
            t.add_row(*(Text(c) for c in self.cells(m)), money_cell, key=m.code)
        if keep in self.members:
            t.move_cursor(row=t.get_row_index(keep))
        active = sum(m.status == "actif" for m in members)
        self.query_one("#heading", Label).update(
            f"Membres entrepreneurs : {len(members)} ({active} actifs)")

    @staticmethod
    def cells(m: MemberView) -> Iterable[str]:
        pct = f"{m.contribution_pct} %" if m.contribution_pct is not None else ""
        return (m.code, m.name, m.name_ar or "", m.activity or "", fr_day(m.joined_on),
                m.status, pct)

    def current_code(self) -> str | None:
        t = self.query_one("#members", DataTable)
        if t.row_count == 0:
            return None
        key = t.coordinate_to_cell_key(t.cursor_coordinate).row_key.value
        return str(key) if key is not None else None

    def action_reload(self) -> None:
        self.load()

    def action_add(self) -> None:
        self.app.push_screen(MemberAddScreen(), self._after_add)

    def _after_add(self, code: str | None) -> None:
        if code:
            self.load(select=code)
            m = self.members[code]
            self.notify(f"Membre {code} inscrit : {m.name}", title="Membres", markup=False)

    def action_edit(self) -> None:
        code = self.current_code()
        if code is None:
            self.notify("Aucun membre à modifier : a pour en inscrire un", severity="warning")
            return
        self.app.push_screen(MemberEditScreen(self.members[code]), self._after_edit)

    def _after_edit(self, code: str | None) -> None:
        if code:
            self.load(select=code)
            self.notify(f"Membre {code} modifié", title="Membres")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_contribution(self) -> None:
        """The shared-services contribution of the open month."""
        month = Month.of(self.ecp.today)
        try:
            lines = api.contribution_run(self.books, month)
        except EcpError as exc:
            self.notify(str(exc), title="Contribution", severity="error", markup=False)
            return
        posted = sum(c.posted_now for c in lines)
        due = sum(c.due for c in lines)
        self.notify(f"{month} : {fmt_fr(due)} DH dus par {len(lines)} membres ; "
                    + (f"{fmt_fr(posted)} DH passés maintenant" if posted else
                       "déjà à jour, rien de passé"), title="Contribution", markup=False)
        self.load()

    def action_social_pay(self) -> None:
        """The month's CNSS paid (ecp social pay)."""
        self._payroll_pay("cnss")

    def action_ir_pay(self) -> None:
        """The month's IR withheld paid (ecp ir pay)."""
        self._payroll_pay("ir")

    def _payroll_pay(self, kind: str) -> None:
        if self.books.read_only:
            self.notify("Base en lecture seule : paiement impossible", severity="warning")
            return
        self.app.push_screen(PayrollPayScreen(kind), self._payroll_paid)

    def _payroll_paid(self, p: Any) -> None:
        if p is None:
            return
        what = "CNSS" if p.kind == "cnss" else "IR retenu"
        self.notify(f"{what} {p.month // 100}-{p.month % 100:02d} payé le "
                    f"{fr_day(p.day)} : {fmt_fr(p.amount)} DH, écriture {p.entry}",
                    title="Paie", markup=False)
        self.load()

    def action_repay_advance(self) -> None:
        """The selected member repays part of their advances (ecp advance repay)."""
        if self.books.read_only:
            self.notify("Base en lecture seule : remboursement impossible", severity="warning")
            return
        self.app.push_screen(AdvanceRepayScreen(self.members.values(), self.current_code()),
                             self._advance_repaid)

    def _advance_repaid(self, r: tuple[str, int, str] | None) -> None:
        if r is None:
            return
        code, amount, ref = r
        left = api.advance_outstanding(self.books, code, self.ecp.today)
        self.notify(f"Remboursement d'avance de {code} : {fmt_fr(amount)} DH (écriture {ref}) ;"
                    f" reste dû : {fmt_fr(left)} DH", title="Avance", markup=False)
        self.load(select=code)

    def action_payroll_report(self) -> None:
        """The month's payroll table (ecp report payroll --period)."""
        self.app.push_screen(PayrollMonthScreen())

    def action_page(self) -> None:
        """The member's page for the month (the open month, from today)."""
        self.run_worker(self.open_page(), exclusive=True)

    def action_payout(self) -> None:
        """A payout for the selected member: its page, with the payout form over it."""
        self.run_worker(self.open_page(payout=True), exclusive=True)

    async def open_page(self, payout: bool = False) -> None:
        from ecp.tui.screens.member_page import MemberPageScreen  # it builds on this module

        code = self.current_code()
        if code is None:
            self.notify("Aucun membre : a pour en inscrire un", severity="warning")
            return
        page = MemberPageScreen(code)
        await self.app.push_screen(page)
        if payout:
            page.action_payout()
