"""A member's page for a month (from Membres, key p): who they are, their treasury at the end
of the month, and the month seen through their dimension (invoices, payments received,
expenses, the contribution, payouts and advances, receivables still due with their age), all
from ``api.member_statement`` — the same view-model as the statement PDF.

From it: ``v`` a payout (the form shows the available treasury live and the guard's refusal
next to the amount), ``r`` this member's statement PDF for the month, ``a`` their annual
statement (the attestation) for the month's year, ``m`` another month.

``j`` shows the « Parcours » section instead of the month (issue 18, ``ecp member journey``):
the social file, the stages of the path, the meetings with their total hours, the workshops
attended; there ``f`` edits the social file, ``e`` adds a stage, ``s`` records the exit (after
a confirmation), ``n`` a meeting, ``p`` the attendance at a workshop (the forms are in
``journey_dialogs``); ``j`` or Escape goes back to the month."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Checkbox, DataTable, Input, Label, Select, Static

from ecp import api
from ecp.kernel.errors import EcpError
from ecp.kernel.money import parse
from ecp.kernel.periods import Month, month_end_exclusive, month_key, month_label, parse_month
from ecp.members.economy import PayoutResult
from ecp.members.journey import EXIT_FR, STAGE_FR, Journey
from ecp.members.views import StatementView, Treasury
from ecp.sales.rules import METHODS
from ecp.tui.kit.base import EcpScreen
from ecp.tui.kit.format import DAY_PLACEHOLDER, money
from ecp.tui.kit.format import day as fr_day
from ecp.tui.kit.forms import FieldError, FormModal, KeyedInput
from ecp.tui.kit.table import FastTable
from ecp.tui.screens.journey_dialogs import (
    AttendFormScreen,
    ExitFormScreen,
    MeetingFormScreen,
    ProfileFormScreen,
    StageFormScreen,
    hours,
    profile_lines,
)

PAYOUT_METHODS = [("virement bancaire", "virement"), ("espèces", "especes")]


def fr_date(d: dt.date | None) -> str:
    return fr_day(d) if d else ""


def pct(bp: int) -> str:
    whole, frac = divmod(bp, 100)
    return f"{whole} %" if not frac else f"{whole},{frac:02d}".rstrip("0") + " %"


def month_last_day(key: int) -> dt.date:
    return month_end_exclusive(key) - dt.timedelta(days=1)


class PayoutFormScreen(FormModal[Any]):
    """Nouveau versement (rémunération) or avance de solidarité for one member. The available
    treasury at the chosen date is shown live; what the guard refuses goes under the amount."""

    # add_payout's parameters (and the posting's ``date``: a closed month) -> widget ids
    FIELDS = {"amount": "amount", "day": "day", "date": "day", "method": "method",
              "reason": "reason", "gross": "gross", "invoice_ref": "invoice_ref",
              "repay_monthly": "repay_monthly"}
    DEFAULT_CSS = """
    PayoutFormScreen #payout-dialog { width: 96; }
    PayoutFormScreen #available { padding: 1 0 0 24; height: auto; }
    PayoutFormScreen #advance { margin-left: 24; }
    """

    def __init__(self, member: str, name: str, day: dt.date) -> None:
        super().__init__()
        self.member = member
        self.member_name = name
        self.day = day

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="payout-dialog"):
            yield Label(f"Versement à {self.member} — {self.member_name}", classes="title")
            yield Static("", id="route")
            yield from self.field("Net à payer / facture TTC / avance (DH)",
                                  Input(id="amount", placeholder="1 234,50"))
            yield from self.field("ou brut (salarié, DH)", Input(id="gross",
                                                                  placeholder="6 500,00"))
            yield from self.field("Facture n° (indépendant)", Input(id="invoice_ref"))
            yield from self.field("Date", Input(fr_day(self.day),
                                                placeholder=DAY_PLACEHOLDER, id="day"))
            yield from self.field("Mode", Select(PAYOUT_METHODS, value="virement",
                                                 allow_blank=False, id="method"))
            yield Checkbox("avance de solidarité (au-delà de la trésorerie ; motif obligatoire)",
                           id="advance", compact=True)
            yield from self.field("Motif de l'avance", Input(id="reason", disabled=True,
                                                              placeholder="ex. machine en "
                                                                          "panne"))
            yield from self.field("Remboursement mensuel (DH)",
                                  Input(id="repay_monthly", disabled=True,
                                        placeholder="le quart de l'avance"))
            yield Static("", id="payslip")
            yield Static("", id="available")
            yield from self.general_error()
            yield from self.buttons("Verser", "Tab : champ suivant — Espace : cocher l'avance — "
                                              "Entrée : verser — Échap : annuler")

    def on_mount(self) -> None:
        self.query_one("#amount", Input).focus()
        self.show_available()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("amount", "day", "gross"):
            self.show_available()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        reason = self.query_one("#reason", Input)
        reason.disabled = not event.value
        self.query_one("#repay_monthly", Input).disabled = not event.value
        self.show_available()
        if event.value:  # once enabled (the next refresh), the reason is the next thing to type
            self.call_after_refresh(reason.focus)
        else:
            self.set_error("reason", "")

    def show_available(self) -> None:
        """What the member may be paid at the date typed (« disponible pour versement »), and
        what is left after the amount."""
        out = self.query_one("#available", Static)
        try:
            day = self.date("day", "date")
        except EcpError:
            out.update(Text("Disponible pour versement : saisissez une date (JJ/MM/AAAA)"))
            out.set_classes("muted")
            return
        t = api.member_treasury(self.books, self.member, day)
        text = f"Disponible pour versement au {fr_date(day)} : {money(t.available)} DH"
        ok = True
        amount = self._cents("amount")
        gross = self._cents("gross")
        advance = self.query_one("#advance", Checkbox).value
        cost = self.show_route(day, amount, gross, advance)
        if cost is not None:
            amount = cost
        if amount is not None:
            left = t.available - amount
            text += f" — après ce versement : {money(left)} DH"
            if left < 0:
                ok = False
                text += " (avance de solidarité nécessaire)"
        out.update(Text(text))
        out.set_classes("ok" if ok else "error")

    def _cents(self, wid: str) -> int | None:
        try:
            return parse(self.value(wid), "montant", field=wid) if self.value(wid).strip() \
                else None
        except EcpError:
            return None

    def show_route(self, day: dt.date, amount: int | None, gross: int | None,
                   advance: bool) -> int | None:
        """The member's route on ``day`` and, for a salarié, the payslip the amount (net) or
        the gross gives — before confirming; returns its total cost (what the guard checks)."""
        route = api.member_route(self.books, self.member, day)
        label = self.query_one("#route", Static)
        slip_view = self.query_one("#payslip", Static)
        slip_view.update("")
        if route is None:
            label.update(Text("Statut de rémunération à choisir (salarié ou indépendant) : "
                              "seule une avance de solidarité est possible"))
            label.set_classes("error")
            return None
        label.set_classes("muted")
        if route.route == "independant":
            label.update(Text("Indépendant : versement sur sa facture (numéro obligatoire, "
                              "montant TTC sans TVA)"))
            return None
        label.update(Text(f"Salarié (CNSS {route.cnss or 'non communiqué'}, "
                          f"{route.dependants} personne(s) à charge) : bulletin de paie, "
                          "net à payer ou brut"))
        if advance or (amount is None and gross is None):
            return None
        from ecp.members import payroll
        month = day.year * 100 + day.month
        try:
            slip = payroll.payslip(gross, route.dependants, month) if gross is not None \
                else payroll.payslip_for_net(amount or 0, route.dependants, month)
        except EcpError:
            return None
        slip_view.update(Text(
            f"Bulletin : brut {money(slip.gross)} — retenues sociales "
            f"{money(slip.employee_total)} — IR {money(slip.ir)} — net {money(slip.net)}\n"
            f"Charges patronales {money(slip.employer_total)} — coût total "
            f"{money(slip.cost)} DH" + "".join(f"\n{w}" for w in slip.warnings)))
        return slip.cost

    def save(self) -> PayoutResult:
        amount = self.value("amount").strip()
        gross = self.value("gross").strip()
        day = self.date("day", "date")
        advance = self.query_one("#advance", Checkbox).value
        repay = self.value("repay_monthly").strip() if advance else ""
        return api.add_payout(
            self.books, self.member,
            parse(amount, "montant", field="amount") if amount or not gross else None,
            day, self.select("method"), advance=advance,
            reason=self.value("reason") if advance else "",
            gross=parse(gross, "brut", field="gross") if gross else None,
            invoice_ref=self.value("invoice_ref"),
            repay_monthly=parse(repay, "remboursement mensuel", field="repay_monthly")
            if repay else None)


class MemberPageScreen(EcpScreen):
    """La fiche du mois d'un membre."""

    BINDINGS = [
        Binding("v", "payout", "Versement", id="member-page.payout"),
        Binding("r", "statement", "Relevé PDF", id="member-page.statement"),
        Binding("a", "annual", "Relevé annuel", id="member-page.annual"),
        Binding("m", "month", "Mois", id="member-page.month"),
        Binding("j", "journey", "Parcours", id="member-page.journey"),
        # the « Parcours » section's keys (shown and active there only: check_action)
        Binding("f", "profile", "Fiche sociale", id="member-page.profile"),
        Binding("e", "stage", "Étape", id="member-page.stage"),
        Binding("s", "exit", "Sortie", id="member-page.exit"),
        Binding("n", "meeting", "Rendez-vous", id="member-page.meeting"),
        Binding("p", "attend", "Présence atelier", id="member-page.attend"),
        Binding("escape", "back", "Retour", id="member-page.back"),
    ]
    JOURNEY_ACTIONS = frozenset({"profile", "stage", "exit", "meeting", "attend"})
    DEFAULT_CSS = """
    MemberPageScreen #monthbar { height: 1; padding: 0 1; }
    MemberPageScreen #monthbar > Label { padding: 0 1 0 0; }
    MemberPageScreen #month { width: 10; }
    MemberPageScreen #month-error { padding: 0 1; width: 1fr; }
    MemberPageScreen #identity { padding: 0 1; height: auto; }
    MemberPageScreen #treasury { height: auto; border: round $primary; padding: 0 1;
                                 margin: 0 1; }
    MemberPageScreen #message { height: auto; padding: 0 1; }
    MemberPageScreen #grid { grid-size: 2 3; grid-gutter: 0 2; padding: 0 1; height: 1fr; }
    MemberPageScreen #grid > Vertical { height: 1fr; }
    MemberPageScreen #grid Label { text-style: bold; }
    MemberPageScreen #journey { grid-size: 2 2; grid-rows: 12 1fr; grid-gutter: 0 2;
                                padding: 0 1; height: 1fr; display: none; }
    MemberPageScreen #journey.-shown { display: block; }
    MemberPageScreen #journey > Vertical { height: 1fr; }
    MemberPageScreen #journey Label { text-style: bold; }
    """
    # the « Parcours » section's tables: (id, title, columns (label, width; 0: flexible))
    JOURNEY_TABLES: tuple[tuple[str, str, tuple[tuple[str, int], ...]], ...] = (
        ("t-stages", "Étapes du parcours",
         (("Date", 10), ("Étape", 26), ("Type / motif", 0))),
        ("t-meetings", "Rendez-vous d'accompagnement",
         (("Date", 10), ("Durée", 7), ("Objet", 0), ("Conseiller", 16))),
        ("t-workshops", "Ateliers suivis",
         (("Date", 10), ("Code", 10), ("Atelier", 0), ("Durée", 7))),
    )
    MONTH_KEYS = ("v : versement ou avance — r : relevé PDF — a : relevé annuel — m : mois — "
                  "j : parcours — Tab : tableau suivant — Entrée sur un versement : son bon "
                  "PDF — Échap : retour")
    JOURNEY_KEYS = ("f : fiche sociale — e : étape — s : sortie — n : rendez-vous — p : "
                    "présence à un atelier — j ou Échap : le mois")
    # Two tables a row on a 150-column terminal: each fits in 72 columns (widths + 2 a cell).
    TABLES: tuple[tuple[str, str, tuple[tuple[str, int], ...]], ...] = (
        ("t-invoices", "Factures du mois",
         (("N°", 14), ("Date", 10), ("Client", 16), ("HT", 11), ("TTC", 11))),
        ("t-payments", "Encaissements",
         (("Date", 10), ("Facture", 14), ("Client", 9), ("Mode", 8), ("Montant", 11),
          ("dont TVA", 8))),
        ("t-expenses", "Dépenses",
         (("Date", 10), ("Fournisseur", 13), ("Réf.", 8), ("HT", 10), ("TVA", 8),
          ("Payé", 11))),
        ("t-payouts", "Versements et avances",
         (("N°", 14), ("Date", 10), ("Montant", 11), ("Nature", 11), ("Motif", 16))),
        ("t-receivables", "Créances encore dues",
         (("N°", 14), ("Client", 11), ("Date", 10), ("Échéance", 10), ("Reste dû", 10),
          ("Âge", 5))),
        ("t-contribution", "Contribution aux services partagés",
         (("Mois", 7), ("Base HT", 12), ("Taux", 7), ("Montant", 11), ("Restant dû", 12))),
    )
    # the text column of each table that takes what its other columns leave
    FLEX = {"t-invoices": "Client", "t-payments": "Client", "t-expenses": "Fournisseur",
            "t-payouts": "Motif", "t-receivables": "Client"}

    def __init__(self, member: str, month: int | None = None) -> None:
        super().__init__()
        self.member = member
        self.month = month or 0
        self.view: StatementView | None = None
        self.journey: Journey | None = None
        self.showing_journey = False

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Horizontal(id="monthbar"):
            yield Label("Mois (AAAA-MM)")
            yield KeyedInput(id="month", max_length=7, restrict=r"[0-9-]*", compact=True)
            yield FieldError("", id="month-error")
        yield Static("", id="identity")
        yield Static("", id="treasury")
        yield Static("", id="message")
        with Grid(id="grid"):
            for tid, title, _ in self.TABLES:
                with Vertical():
                    yield Label(title, id=f"title-{tid}")
                    yield FastTable(id=tid, cursor_type="row", zebra_stripes=True,
                                    flex=self.FLEX.get(tid))
        with Grid(id="journey"):  # the « Parcours » section, instead of the month (j)
            with Vertical():
                yield Label("Fiche sociale", id="title-profile")
                yield Static("", id="profile")
            for tid, title, cols in self.JOURNEY_TABLES:
                with Vertical():
                    yield Label(title, id=f"title-{tid}")
                    yield FastTable(id=tid, cursor_type="row", zebra_stripes=True,
                                    flex=next(c for c, w in cols if not w))
        yield Label(self.MONTH_KEYS, id="keys", classes="status")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        if not self.month:
            self.month = month_key(self.ecp.today)
        for tid, _, cols in self.TABLES:
            t = self.query_one(f"#{tid}", DataTable)
            for label, width in cols:
                t.add_column(label, width=width)
        for tid, _, cols in self.JOURNEY_TABLES:
            t = self.query_one(f"#{tid}", DataTable)
            for label, width in cols:
                t.add_column(label, width=width or None, key=label)
        self.query_one("#month", Input).value = month_label(self.month)
        self.query_one("#message", Static).display = False
        self.load()
        self.query_one("#t-invoices", DataTable).focus()

    # --- the month -----------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "month":
            return
        try:
            m = parse_month(event.value)
        except EcpError:
            return  # still typing: said on Enter or when leaving the field
        self.query_one("#month-error", FieldError).update("")
        if m != self.month:
            self.month = m
            self.load()

    def _check_month(self) -> bool:
        err = self.query_one("#month-error", FieldError)
        try:
            parse_month(self.query_one("#month", Input).value)
        except EcpError as exc:
            err.update(Text(str(exc)))
            return False
        err.update("")
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "month" and self._check_month():
            self.query_one("#t-invoices", DataTable).focus()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        if event.input.id == "month":
            self._check_month()

    def action_month(self) -> None:
        self.query_one("#month", Input).focus()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):  # leave the field first, as elsewhere
            self.query_one("#t-invoices", DataTable).focus()
            return
        if self.showing_journey:  # the « Parcours » section: back to the month
            self.show_journey(False)
            return
        self.dismiss(None)

    # --- what the page shows -------------------------------------------------------------------

    def load(self) -> None:
        try:
            st = api.member_statement(self.books, self.member, Month.from_key(self.month))
        except EcpError as exc:
            self.say(str(exc), ok=False)
            return
        self.view = st
        m = st.member
        self.sub_title = f"Fiche de {m.code} — {st.month}"
        ident = Text()
        ident.append(f"{m.code}  {m.name}", style="bold")
        if m.name_ar:
            ident.append(f"   {m.name_ar}")
        ident.append(f"   —   activité : {m.activity or '—'}   —   contribution "
                     f"{pct(m.contribution_bp)}")
        self.query_one("#identity", Static).update(ident)
        self.query_one("#treasury", Static).update(self.treasury_text(st))
        self.fill(st)

    @staticmethod
    def treasury_text(st: StatementView) -> Text:
        c: Treasury = st.closing
        t = Text()
        t.append(f"Disponible pour versement au {fr_date(c.at)}", style="bold")
        t.append(f"   (ouverture du mois : {money(st.opening.available)} DH)\n")
        t.append(f"Banque + caisse du membre {money(c.cash)}  −  TVA due {money(c.vat_due)}"
                 f"  −  contribution due à l'ECP {money(c.contribution_owed)}  −  autres "
                 f"sommes dues à l'ECP {money(c.other_owed)}  −  paie à payer "
                 f"{money(c.payroll_due)}  −  réserve "
                 f"{money(c.reserve)}  =  ")
        t.append(f"disponible pour versement {money(c.available)} DH",
                 style="bold green" if c.available >= 0 else "bold red")
        t.append(f"\nCréances clients encore dues {money(c.receivables)} DH  —  factures "
                 f"fournisseurs à payer {money(c.payables)} DH")
        if st.advance_outstanding:  # shown until repaid
            t.append(f"\nAvance de solidarité restant à rembourser "
                     f"{money(st.advance_outstanding)} DH")
        mr, yr = st.month_result, st.year_result
        if mr is not None and yr is not None:  # the result, next to the treasury
            t.append(f"\nRésultat du mois : chiffre d'affaires HT {money(mr.turnover)}  −  "
                     f"charges {money(mr.charges)}  −  contribution {money(mr.contribution)}"
                     f"  −  rémunération {money(mr.remuneration)}  =  ")
            t.append(f"{money(mr.result)} DH", style="bold")
            t.append(f"   (depuis le 1er janvier : {money(yr.result)} DH)")
        for note in st.notes:
            t.append(f"\n{note}", style="italic")
        return t

    def fill(self, st: StatementView) -> None:
        def table(tid: str, rows: list[tuple[Any, ...]], title: str) -> None:
            t = self.query_one(f"#{tid}", DataTable)
            t.clear()
            for i, row in enumerate(rows):
                t.add_row(*(Text(str(c), justify="right") if isinstance(c, Amount) else Text(str(c))
                            for c in row), key=str(i))
            self.query_one(f"#title-{tid}", Label).update(f"{title} ({len(rows)})")

        titles = {tid: title for tid, title, _ in self.TABLES}
        table("t-invoices", [
            (i.number + (" (avoir)" if i.kind == "avoir" else ""), fr_date(i.day), i.customer,
             Amount(i.total_ht), Amount(i.total_ttc)) for i in st.invoices],
            titles["t-invoices"])
        table("t-payments", [
            (fr_date(p.day), p.invoice, p.customer, METHODS.get(p.method, p.method)
             .split()[0], Amount(p.amount), Amount(p.vat)) for p in st.payments],
            titles["t-payments"])
        table("t-expenses", [
            (fr_date(e.day), e.supplier, e.reference, Amount(e.amount_ht), Amount(e.vat),
             Amount(e.paid)) for e in st.expenses], titles["t-expenses"])
        table("t-payouts", [
            (p.number, fr_date(p.day), Amount(p.amount),
             ("avance " if p.advance else "versement ") + ("esp." if "esp" in p.method
                                                           else "vir."), p.reason)
            for p in st.payouts],
            titles["t-payouts"])
        table("t-receivables", [
            (r.number, r.customer, fr_date(r.day), fr_date(r.due), Amount(r.remaining),
             f"{r.age_days} j" if r.overdue else "à échoir") for r in st.receivables],
            titles["t-receivables"])
        table("t-contribution", [
            (st.month, Amount(st.contribution_base), pct(st.contribution_bp),
             Amount(st.contribution), Amount(st.closing.contribution_owed))],
            titles["t-contribution"])

    def say(self, text: str, ok: bool = True) -> None:
        msg = self.query_one("#message", Static)
        msg.update(Text(text))
        msg.set_classes("ok" if ok else "error")
        msg.display = bool(text)

    # --- actions -------------------------------------------------------------------------------

    def payout_day(self) -> dt.date:
        """The month's last day, or today while the month is running."""
        return min(month_last_day(self.month), self.ecp.today)

    def action_payout(self) -> None:
        name = self.view.member.name if self.view else self.member
        self.app.push_screen(PayoutFormScreen(self.member, name, self.payout_day()),
                             self._after_payout)

    def _after_payout(self, res: PayoutResult | None) -> None:
        if res is None:
            return
        v = res.voucher
        kind = "Avance de solidarité" if v.advance else "Versement"
        try:
            where = str(api.payout_pdf(self.books, res.number))
        except EcpError as exc:
            where = str(exc)
        if month_key(v.day) != self.month:
            self.month = month_key(v.day)
            self.query_one("#month", Input).value = month_label(self.month)
        self.load()
        self.say(f"{kind} {res.number} : {money(v.amount)} DH le {fr_date(v.day)} "
                 f"(écriture {res.entry}) — bon de versement : {where}")
        self.notify(f"{res.number} : {money(v.amount)} DH", title=kind, markup=False)

    # --- the « Parcours » section (issue 18) ----------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The journey's keys are shown, and work, in the « Parcours » section only."""
        if action in self.JOURNEY_ACTIONS:
            return self.showing_journey
        return True

    def action_journey(self) -> None:
        self.show_journey(not self.showing_journey)

    def show_journey(self, on: bool) -> None:
        """Show the « Parcours » section (read again) instead of the month, or the month."""
        self.showing_journey = on
        for wid in ("#monthbar", "#treasury", "#grid"):
            self.query_one(wid).display = not on
        self.query_one("#journey").set_class(on, "-shown")
        self.query_one("#keys", Label).update(self.JOURNEY_KEYS if on else self.MONTH_KEYS)
        if on:
            self.load_journey()
            self.query_one("#t-stages", DataTable).focus()
        else:
            self.query_one("#t-invoices", DataTable).focus()
        self.refresh_bindings()

    def load_journey(self) -> None:
        try:
            j = api.member_journey(self.books, self.member)
        except EcpError as exc:
            self.say(str(exc), ok=False)
            return
        self.journey = j
        text = Text()
        for i, (label, value) in enumerate(profile_lines(j.profile)):
            text.append(("\n" if i else "") + f"{label} : ")
            text.append(value, style="italic" if value == "non renseigné" else "bold")
        stage = j.stage
        text.append("\nÉtape actuelle : ")
        text.append(stage.label if stage else "aucune", style="bold")
        self.query_one("#profile", Static).update(text)

        def table(tid: str, rows: list[tuple[Any, ...]], title: str) -> None:
            t = self.query_one(f"#{tid}", DataTable)
            t.clear()
            for i, row in enumerate(rows):
                t.add_row(*(c if isinstance(c, Text) else Text(str(c)) for c in row),
                          key=str(i))
            self.query_one(f"#title-{tid}", Label).update(title)

        table("t-stages", [
            (fr_date(s.day), STAGE_FR[s.stage],
             " — ".join(x for x in (EXIT_FR.get(s.exit_type or "", ""), s.reason) if x))
            for s in j.stages], f"Étapes du parcours ({len(j.stages)})")
        total = sum(m.minutes for m in j.meetings)
        table("t-meetings", [
            (fr_date(m.day), Text(hours(m.minutes), justify="right"), m.subject, m.advisor)
            for m in j.meetings],
            f"Rendez-vous d'accompagnement ({len(j.meetings)}, total {hours(total)})")
        table("t-workshops", [
            (fr_date(w.day), w.code, w.title, Text(hours(w.minutes), justify="right"))
            for w in j.workshops], f"Ateliers suivis ({len(j.workshops)})")

    def action_profile(self) -> None:
        profile = self.journey.profile if self.journey else api.member_journey(
            self.books, self.member).profile
        name = self.view.member.name if self.view else ""
        self.app.push_screen(ProfileFormScreen(profile, name), partial(
            self._journey_done, "Fiche sociale enregistrée (données personnelles : elles "
            "restent dans ces livres)"))

    def action_stage(self) -> None:
        last = self.journey.stage if self.journey else None
        nxt = {"candidat": "convention", "convention": "actif"}.get(
            last.stage if last else "", "candidat" if last is None else "actif")
        self.app.push_screen(StageFormScreen(self.member, nxt),
                             partial(self._journey_done, "Étape enregistrée"))

    def action_exit(self) -> None:
        name = self.view.member.name if self.view else ""
        self.app.push_screen(ExitFormScreen(self.member, name),
                             partial(self._journey_done, "Sortie enregistrée : statut « sorti »"))

    def action_meeting(self) -> None:
        self.app.push_screen(MeetingFormScreen(self.member),
                             partial(self._journey_done, "Rendez-vous enregistré"))

    def action_attend(self) -> None:
        self.app.push_screen(AttendFormScreen(self.member),
                             partial(self._journey_done, "Présence à l'atelier enregistrée"))

    def _journey_done(self, what: str, result: object) -> None:
        if result is None:
            return
        self.load_journey()
        self.say(what)

    def action_statement(self) -> None:
        label = month_label(self.month)
        try:
            (path,) = api.write_statements(self.books, Month.from_key(self.month),
                                           members=[self.member])
        except (EcpError, OSError) as exc:
            self.say(f"Relevé non produit : {exc}", ok=False)
            return
        self.say(f"Relevé de {self.member} pour {label} : {path}")
        self.notify(str(path), title="Relevé mensuel", markup=False)

    def action_annual(self) -> None:
        """The member's annual statement (attestation) of the month's fiscal year, archived
        like the monthly ones (``ecp statement annual AAAA --member M``)."""
        year = self.month // 100
        try:
            (path,) = api.write_annual_statements(self.books, year, members=[self.member])
        except (EcpError, OSError) as exc:
            self.say(f"Relevé annuel non produit : {exc}", ok=False)
            return
        self.say(f"Relevé annuel de {self.member}, exercice {year} : {path}")
        self.notify(str(path), title="Relevé annuel", markup=False)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id != "t-payouts" or self.view is None:
            return
        p = self.view.payouts[event.cursor_row]
        try:
            self.say(f"Bon de versement {p.number} : {api.payout_pdf(self.books, p.number)}")
        except EcpError as exc:
            self.say(str(exc), ok=False)


class Amount(int):
    """A money cell (right-aligned when shown)."""

    def __str__(self) -> str:
        return money(int(self))
