"""TVA et créances: the VAT cycle of a month or a quarter — the return with its DGI line
codes and each dimension's position, its declaration (``d``), payment (``p``) and reversal
(``a``), the relevé des déductions (``x``, XML and CSV), the return's PDF (``i``) — beside the
VAT cashed, credited and deducted and the aged receivables, with their CSV export (``c``: the
same files as ``ecp report vat`` / ``aged-receivables --format csv``), and the overdue invoices
with their reminders (tab 5, the table of ``ecp report dunning``; ``R`` on F9 sends one).

The period shown is, at first, the next one to declare (else the current month). The write
actions are those of ``ecp vat declare|pay|reverse``; on read-only books they are not offered."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Select, Static, TabbedContent, TabPane

from ecp import api
from ecp.kernel.errors import EcpError
from ecp.kernel.files import write_private
from ecp.kernel.money import fmt_fr
from ecp.kernel.money import parse as parse_amount
from ecp.kernel.periods import Period, parse_date
from ecp.reports.dunning import dunning_table
from ecp.reports.render import render_table
from ecp.reports.tables import AGED_COLUMNS, VAT_COLUMNS, Table, aged_table, vat_table
from ecp.reports.vat_pending import pending_text, to_declare
from ecp.reports.vat_tables import declarations_table, positions_table, return_table
from ecp.sales.vat_return import METHODS, DeclarationView, VatReturn, postings
from ecp.settings import value as settings_value
from ecp.tui.kit.base import EcpScreen
from ecp.tui.kit.format import DAY_PLACEHOLDER
from ecp.tui.kit.format import day as fr_day
from ecp.tui.kit.forms import FormModal
from ecp.tui.kit.report_table import add_columns, fill, flex_column
from ecp.tui.kit.table import FastTable

if TYPE_CHECKING:
    from ecp.sales.receivables import AgedRow
    from ecp.sales.reminders import DunningRow
    from ecp.sales.vat_report import VatReport
    from ecp.sales.vat_return import PendingPeriod

EXPORT_DIR = Path.cwd()

TABS = ("declaration", "declarations", "encaissements", "creances", "relances")
TAB_TITLES = ("Déclaration", "Déclarations", "TVA encaissée", "Créances", "Relances")
# the positions' columns, shorter than the command line's so that six fit in 120 columns
POSITION_LABELS = {"tva_facturee": "Facturée 4455", "deductible_charges": "Charges 34552",
                   "deductible_immobilisations": "Immob. 34551",
                   "credit_reporte": "Reporté 3456", "resultat": "Due / crédit (−)"}


# --- the dialogs of the VAT cycle: declare (a confirmation stating what is posted), pay, cancel
# a declaration. Each one calls ``ecp.api`` once; what the books refuse is shown in French next
# to the field it names (the period's own refusals above the buttons), and nothing is written.

# the accounts a declaration moves, in the order the confirmation lists them
ACCOUNTS = {
    "4455": "État – TVA facturée",
    "34552": "État – TVA récup. sur charges",
    "34551": "État – TVA récup. sur immobilisations",
    "3456": "État – crédit de TVA",
    "44881": "Liaison membres – ECP (imputation)",
    "4456": "État – TVA due (suivant déclarations)",
}
METHOD_CHOICES = [(label, code) for code, label in METHODS.items()]


def posting_lines(ret: VatReturn) -> list[str]:
    """What the declaration posts, account by account (summed over the dimensions), as a
    small table: account, name, debit, credit, then the totals; an account moved both ways
    (4456 when a dimension is in credit, the liaison) shows both. Empty for a « néant »."""
    debit: dict[str, int] = defaultdict(int)
    credit: dict[str, int] = defaultdict(int)
    for spec in postings(ret):
        if spec.amount > 0:
            debit[spec.account] += spec.amount
        else:
            credit[spec.account] -= spec.amount
    accounts = sorted(set(debit) | set(credit),
                      key=lambda a: (list(ACCOUNTS).index(a) if a in ACCOUNTS else 99, a))
    if not accounts:
        return []

    def row(account: str, name: str, d: str, c: str) -> str:
        return f"  {account:<7}{name:<38}{d:>12}{c:>12}"

    def amount(cents: int) -> str:
        return fmt_fr(cents) if cents else ""

    out = [row("Compte", "Intitulé", "Débit", "Crédit")]
    out += [row(a, ACCOUNTS.get(a, ""), amount(debit[a]), amount(credit[a])) for a in accounts]
    out.append(row("", "Total", fmt_fr(sum(debit.values())), fmt_fr(sum(credit.values()))))
    return out


class DeclareScreen(FormModal[Any]):
    """Déclarer la TVA d'une période: the return's result, the entry it posts (journal OD, one
    line set per dimension, the accounts and amounts), its date; Entrée declares."""

    FIELDS = {"day": "day"}

    def __init__(self, period: Period, ret: VatReturn) -> None:
        super().__init__()
        self.period = period
        self.ret = ret

    def compose(self) -> ComposeResult:
        ret = self.ret
        if ret.due:
            result = f"TVA due : {fmt_fr(ret.due)} DH, à payer ensuite (p) au crédit de 4456"
        elif ret.credit:
            result = (f"Crédit de TVA : {fmt_fr(ret.credit)} DH, au débit de 3456, reporté sur "
                      "la déclaration suivante")
        else:
            result = "Déclaration néant : aucune écriture"
        lines = posting_lines(ret)
        dims = len(ret.positions)
        detail = [result, ""]
        if lines:
            detail += [f"Écriture au journal OD « Déclaration de TVA {ret.period} », datée du "
                       f"jour ci-dessous, lignes par dimension ({dims}) ; au total :", *lines]
        with Vertical(classes="dialog"):
            yield Label(f"Déclarer la TVA de {self.period.label} ?", classes="title")
            yield Static(Text("\n".join(detail)), id="posting")
            yield from self.field("Date de la déclaration",
                                  Input(fr_day(self.today), placeholder=DAY_PLACEHOLDER, id="day"))
            yield Static("Une déclaration ne s'annule ensuite qu'avec un motif (a).",
                         classes="muted")
            yield from self.general_error()
            yield from self.buttons("Déclarer", "Entrée : déclarer — Échap : annuler")

    def on_mount(self) -> None:
        self.query_one("#day", Input).focus()

    def save(self) -> Any:
        return api.vat_declare(self.books, self.period, self.date("day", "date"))


class PayScreen(FormModal[Any]):
    """Payer la TVA déclarée: 4456 → 5141 per dimension (journal BQ), a penalty to 65831."""

    FIELDS = {"day": "day", "method": "method", "penalty": "penalty",
              "reference": "reference"}

    def __init__(self, period: Period, declared: DeclarationView) -> None:
        super().__init__()
        self.period = period
        self.declared = declared

    def compose(self) -> ComposeResult:
        d = self.declared
        with Vertical(classes="dialog"):
            yield Label(f"Payer la TVA de {self.period.label}", classes="title")
            yield Static(Text(
                f"Déclarée le {fr_day(d.day)} ({d.entry or 'néant'}) : TVA due "
                f"{fmt_fr(d.due)} DH.\nÉcriture au journal BQ : 4456 au débit, 5141 au crédit, "
                "par dimension ; la pénalité en 65831 (dimension ECP).",
                style="dim"), id="due")
            yield from self.field("Date du paiement", Input(fr_day(self.today),
                                                            placeholder=DAY_PLACEHOLDER, id="day"))
            yield from self.field("Mode", Select(METHOD_CHOICES, value="virement",
                                                 allow_blank=False, id="method"))
            yield from self.field("Pénalité", Input("0,00", id="penalty"))
            yield from self.field("Référence", Input(id="reference",
                                                     placeholder="n° de quittance, virement…"))
            yield from self.general_error()
            yield from self.buttons("Payer")

    def on_mount(self) -> None:
        self.query_one("#day", Input).focus()

    def save(self) -> Any:
        day = self.date("day", "date")
        text = self.value("penalty").strip()
        penalty = parse_amount(text, "pénalité", field="penalty") if text else 0
        return api.vat_pay(self.books, self.period, day, self.select("method"), penalty,
                           self.value("reference").strip())


class ReverseScreen(FormModal[Any]):
    """Annuler une déclaration (non payée, la plus récente): its entry is reversed on the
    date given; the reason is mandatory and kept in the audit trail."""

    FIELDS = {"reason": "reason", "day": "day"}

    def __init__(self, period: Period, declared: DeclarationView) -> None:
        super().__init__()
        self.period = period
        self.declared = declared

    def compose(self) -> ComposeResult:
        d = self.declared
        what = (f"L'écriture {d.entry} sera contre-passée à la date ci-dessous" if d.entry
                else "Déclaration néant : aucune écriture à contre-passer")
        with Vertical(classes="dialog"):
            yield Label(f"Annuler la déclaration de TVA de {self.period.label}",
                        classes="title")
            yield Static(Text(f"Déclarée le {fr_day(d.day)}. {what} ; la période "
                              "redevient à déclarer.", style="dim"))
            yield from self.field("Motif (obligatoire)", Input(id="reason"))
            yield from self.field("Date", Input(fr_day(self.today),
                                                placeholder=DAY_PLACEHOLDER, id="day"))
            yield from self.general_error()
            yield from self.buttons("Annuler la déclaration")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def save(self) -> Any:
        on: dt.date = self.date("day", "date")
        return api.vat_reverse(self.books, self.period, self.value("reason"), on)


# --- the screen ----------------------------------------------------------------------------


def last_complete_period(today: dt.date, quarterly: bool) -> str:
    """The label of the last VAT period ended before ``today``: ``2026-10`` on 28/11/2026 when
    monthly, ``2026-Q3`` when quarterly (``2026-Q4`` from 1 January 2027)."""
    if quarterly:
        q = (today.month - 1) // 3  # the quarters ended this year
        return f"{today.year}-Q{q}" if q else f"{today.year - 1}-Q4"
    return f"{today.year}-{today.month - 1:02d}" if today.month > 1 else f"{today.year - 1}-12"

class VatScreen(EcpScreen):
    """The VAT of a period (what was cashed, credited and deducted) and who still owes."""

    BINDINGS = [
        Binding("d", "declare", "Déclarer", id="vat.declare"),
        Binding("p", "pay", "Payer", id="vat.pay"),
        Binding("a", "reverse", "Annuler décl.", id="vat.reverse"),
        Binding("x", "releve", "Relevé XML", id="vat.releve"),
        Binding("i", "pdf", "PDF", id="vat.pdf"),
        Binding("c", "export", "CSV", show=True, id="vat.export"),
        Binding("f", "focus_period", "Période", show=True, id="vat.focus_period"),
        *(Binding(str(i), f"tab('{t}')", title, show=False, id=f"vat.tab-{t}")
          for i, (t, title) in enumerate(zip(TABS, TAB_TITLES, strict=True), 1)),
    ]
    DEFAULT_CSS = """
    VatScreen #vat-filters { height: 3; }
    VatScreen #vat-filters Input { width: 22; }
    VatScreen #vat-filters Label { padding: 1 1 0 1; }
    VatScreen .table-title { padding: 0 1; text-style: bold; }
    VatScreen TabbedContent { height: 1fr; }
    VatScreen TabPane { padding: 0; }
    VatScreen #ret-table { height: 1fr; }
    VatScreen #pos-table { height: 3; }
    VatScreen #vat-table, VatScreen #aged-table, VatScreen #decl-table { height: 1fr; }
    VatScreen #dun-table { height: 1fr; }
    VatScreen #vat-msg { padding: 0 1; height: auto; }
    VatScreen #vat-state { padding: 0 1; height: auto; }
    """

    # façade fields -> the filter inputs (an error is marked on its input)
    FIELDS = {"period": "f-period", "at": "f-at"}

    def __init__(self) -> None:
        super().__init__()
        self.report: VatReport | None = None
        self.aged: list[AgedRow] = []
        self.dunning: list[DunningRow] = []  # the overdue invoices at the same date
        self.at: dt.date | None = None  # the aged receivables' date, read on mount
        self.period: Period | None = None  # the period shown
        self.ret: VatReturn | None = None
        self.declarations: list[DeclarationView] = []
        self.pending: list[PendingPeriod] = []

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical():
            with Horizontal(id="vat-filters"):
                yield Label("Période (AAAA-MM ou AAAA-Qn)")
                yield Input(id="f-period")
                yield Label("Créances au")
                yield Input(id="f-at", placeholder=DAY_PLACEHOLDER)
            yield Static(id="vat-msg")
            yield Static(id="vat-state")
            with TabbedContent(id="vat-tabs", initial="declaration"):
                for i, (tab, title) in enumerate(zip(TABS, TAB_TITLES, strict=True), 1):
                    with TabPane(f"{i} {title}", id=tab):
                        yield from self._compose_tab(tab)
        yield from self.compose_footer()

    def _compose_tab(self, tab: str) -> ComposeResult:
        def table(name: str) -> ComposeResult:
            yield Static(id=f"{name}-title", classes="table-title")
            yield FastTable(id=f"{name}-table", cursor_type="row", zebra_stripes=True)

        if tab == "declaration":
            yield from table("ret")
            yield from table("pos")
        elif tab == "declarations":
            yield from table("decl")
        elif tab == "encaissements":
            yield from table("vat")
        elif tab == "creances":
            yield from table("aged")
        else:
            yield from table("dun")

    def on_mount(self) -> None:
        today = self.ecp.today
        self.at = today
        self.query_one("#f-period", Input).value = self.default_period()
        self.query_one("#f-at", Input).value = fr_day(today)
        add_columns(self.query_one("#vat-table", DataTable), Table("", VAT_COLUMNS, ()))
        add_columns(self.query_one("#aged-table", DataTable), Table("", AGED_COLUMNS, ()))
        self.load()
        self.query_one("#ret-table", DataTable).focus()

    def default_period(self) -> str:
        """The first period still to declare (an ended one: they are declared in order), else
        the last complete period of the filing (``vat.filing``): last month when monthly,
        the last ended quarter when quarterly — never the current month, still empty."""
        today = self.ecp.today
        first = to_declare(api.vat_status(self.books, today))
        if first:
            return first[0]
        return last_complete_period(today, settings_value(api.settings_show(self.books),
                                                          "vat.filing") == "trimestriel")

    def on_screen_resume(self) -> None:
        self.load()

    def _say(self, text: str, error: bool = False) -> None:
        self.query_one("#vat-msg", Static).update(Text(text, style="bold red" if error else ""))

    def load(self) -> bool:
        """Read the filters and show the tables; False (and the error next to its input, the
        figures unchanged) when a filter is refused."""
        period = self.query_one("#f-period", Input).value.strip()
        at_text = self.query_one("#f-at", Input).value.strip()
        for w in self.query("#vat-filters > .-invalid"):
            w.remove_class("-invalid")
        try:
            p = Period.parse(period)
            report = api.vat_report(self.books, p)
            ret = api.vat_return(self.books, p)
            at = parse_date(at_text, "créances au", field="at") if at_text else self.ecp.today
            self.aged = api.aged_receivables(self.books, at)
            self.dunning = api.dunning(self.books, at)
            self.declarations = api.vat_declarations(self.books)
            self.pending = api.vat_status(self.books, self.ecp.today)
            self.period, self.report, self.ret, self.at = p, report, ret, at
        except EcpError as exc:
            if exc.field in self.FIELDS:
                self.query_one(f"#{self.FIELDS[exc.field]}").add_class("-invalid")
            self._say(str(exc), error=True)
            return False
        self._say("")
        self.show()
        return True

    def declared(self) -> DeclarationView | None:
        """The declaration in force of the period shown, if any."""
        label = self.period.label if self.period else None
        found = [d for d in self.declarations if d.period == label and d.active]
        return found[-1] if found else None

    def state_text(self) -> str:
        """One line: the state of the period shown, then what is still to declare or pay."""
        ret, d = self.ret, self.declared()
        assert ret is not None
        if d is None:
            result = (f"TVA due {fmt_fr(ret.due)} DH" if ret.due or not ret.credit
                      else f"crédit de TVA {fmt_fr(ret.credit)} DH")
            state = f"{ret.period} : non déclarée ({result} si déclarée maintenant)"
        else:
            state = f"{ret.period} : déclarée le {fr_day(d.day)}"
            if d.entry:
                state += f" ({d.entry})"
            if d.due:
                state += f", TVA due {fmt_fr(d.due)} DH"
                state += (f", payée le {fr_day(d.paid_on)} ({d.payment_entry})"
                          if d.paid_on else ", à payer")
            elif d.credit:
                state += f", crédit de TVA {fmt_fr(d.credit)} DH reporté"
            else:
                state += ", néant"
        return f"{state} — TVA : {pending_text(self.pending)}"

    def _fill(self, name: str, table: Table, **kw: Any) -> None:
        self.query_one(f"#{name}-title", Static).update(table.title)
        widget = self.query_one(f"#{name}-table", DataTable)
        if not widget.columns:
            if name == "pos":
                if isinstance(widget, FastTable):
                    widget.flex = flex_column(table)
                for c in table.columns:
                    widget.add_column(POSITION_LABELS.get(c.key, c.label), width=c.width,
                                      key=c.key)
            else:
                add_columns(widget, table)
        fill(widget, table, **kw)

    def show(self) -> None:
        """The return with its line codes, each dimension's position, the declarations; the
        tables ``ecp report vat`` and ``aged-receivables`` print (of the VAT due and the
        credit, only the one that is not zero, the VAT due when both are)."""
        rep, at, ret = self.report, self.at, self.ret
        assert rep is not None and at is not None and ret is not None
        self._fill("ret", return_table(ret, self.declared()))
        self._fill("pos", positions_table(ret))
        pos = self.query_one("#pos-table", DataTable)
        pos.styles.height = min(pos.row_count + 1, 12)  # its rows, the return takes the rest
        self._fill("decl", declarations_table(self.declarations))
        self.query_one("#vat-state", Static).update(Text(self.state_text()))
        vat = vat_table(rep)
        self.query_one("#vat-title", Static).update(vat.title)
        fill(self.query_one("#vat-table", DataTable), vat,
             skip={"tva_due" if rep.credit else "credit_de_tva"})
        aged = aged_table(self.aged, at)
        self.query_one("#aged-title", Static).update(aged.title)
        fill(self.query_one("#aged-table", DataTable), aged)
        self._fill("dun", dunning_table(self.dunning, at))  # ecp report dunning

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.load():  # else the focus stays on the refused input
            self.focus_tab()

    # --- tabs --------------------------------------------------------------------------------

    @property
    def tab(self) -> str:
        return self.query_one("#vat-tabs", TabbedContent).active or TABS[0]

    def focus_tab(self) -> None:
        name = {"declaration": "ret", "declarations": "decl", "encaissements": "vat",
                "creances": "aged", "relances": "dun"}[self.tab]
        self.query_one(f"#{name}-table", DataTable).focus()

    def action_tab(self, tab: str) -> None:
        self.query_one("#vat-tabs", TabbedContent).active = tab
        self.focus_tab()

    @on(TabbedContent.TabActivated)
    def _activated(self, event: TabbedContent.TabActivated) -> None:
        self.focus_tab()

    def action_focus_period(self) -> None:
        self.query_one("#f-period", Input).focus()

    def action_export(self) -> None:
        if self.report is None:
            return
        stem = f"tva-{self.report.label}"
        vat_path = EXPORT_DIR / f"{stem}.csv"
        at = self.at or self.ecp.today
        aged_path = EXPORT_DIR / f"creances-{at.isoformat()}.csv"
        try:
            # private files (0600), never written through a symbolic link
            write_private(vat_path, (render_table(vat_table(self.report), "csv") + "\n")
                          .encode("utf-8"))
            write_private(aged_path, (render_table(aged_table(self.aged, at), "csv") + "\n")
                          .encode("utf-8"))
        except OSError as exc:
            self._say(f"export impossible : {exc.strerror} ({exc.filename})", error=True)
            return
        self._say(f"Export écrit : {vat_path} et {aged_path}")
        self.notify(f"{vat_path}\n{aged_path}", title="Exports CSV écrits")

    # --- the VAT cycle -----------------------------------------------------------------------

    def action_declare(self) -> None:
        """Déclarer: a confirmation stating what is posted, then ``api.vat_declare``."""
        if self.period is None or self.ret is None:
            return
        d = self.declared()
        if d is not None:
            self.notify(f"{d.period} est déjà déclarée le {fr_day(d.day)} ; pour "
                        "la refaire, l'annuler d'abord (a, avec un motif).",
                        title="Déclaration de TVA", severity="warning")
            return
        self.app.push_screen(DeclareScreen(self.period, self.ret), self._declared)

    def _declared(self, done: Any) -> None:
        if done is None:
            return
        d = done.declaration
        self.load()
        what = (f"TVA due {fmt_fr(d.due)} DH (à payer : p)" if d.due else
                f"crédit de TVA {fmt_fr(d.credit)} DH reporté" if d.credit else "néant")
        self.notify(f"{d.period} déclarée le {fr_day(d.day)} : {what}"
                    + (f", écriture {d.entry}" if d.entry else ""), title="Déclaration de TVA")

    def action_pay(self) -> None:
        """Payer: the date, the method, a penalty, a reference, then ``api.vat_pay``."""
        if self.period is None:
            return
        d = self.declared()
        if d is None:
            self.notify(f"{self.period.label} n'est pas déclarée : la déclarer d'abord (d).",
                        title="Paiement de TVA", severity="warning")
            return
        self.app.push_screen(PayScreen(self.period, d), self._paid)

    def _paid(self, d: Any) -> None:
        if d is None:
            return
        self.load()
        self.notify(f"TVA de {d.period} payée le {fr_day(d.paid_on)} : "
                    f"{fmt_fr(d.paid)} DH"
                    + (f" et pénalité {fmt_fr(d.penalty)} DH" if d.penalty else "")
                    + f", écriture {d.payment_entry}", title="Paiement de TVA")

    def action_reverse(self) -> None:
        """Annuler la déclaration: the reason (mandatory), then ``api.vat_reverse``."""
        if self.period is None:
            return
        d = self.declared()
        if d is None:
            self.notify(f"{self.period.label} n'est pas déclarée : rien à annuler.",
                        title="Annulation", severity="warning")
            return
        self.app.push_screen(ReverseScreen(self.period, d), self._reversed)

    def _reversed(self, d: Any) -> None:
        if d is None:
            return
        self.load()
        self.notify(f"Déclaration de {d.period} annulée"
                    + (f" (contre-passation {d.reversal_entry})" if d.reversal_entry else "")
                    + f" : {d.reason}", title="Annulation")

    def action_releve(self) -> None:
        """The relevé des déductions of the period shown, XML and its CSV twin, in
        ``EXPORT_DIR`` (replaced when there)."""
        if self.period is None:
            return
        out = EXPORT_DIR / f"releve-deductions-{self.period.label}.xml"
        try:
            done = api.export_releve_deductions(self.books, self.period, out, force=True)
        except EcpError as exc:
            self._say(str(exc), error=True)
            return
        except OSError as exc:
            self._say(f"export impossible : {exc.strerror} ({exc.filename})", error=True)
            return
        self._say(f"Relevé des déductions écrit : {done.xml} et {done.csv}")
        self.notify(f"{done.xml}\n{done.csv}", title="Relevé des déductions")

    def action_pdf(self) -> None:
        """The return of the period shown as a PDF laid out like the DGI form."""
        if self.period is None:
            return
        out = EXPORT_DIR / f"declaration-tva-{self.period.label}.pdf"
        try:
            path = api.vat_return_pdf(self.books, self.period, out, force=True)
        except EcpError as exc:
            self._say(str(exc), error=True)
            return
        except OSError as exc:
            self._say(f"PDF impossible : {exc.strerror} ({exc.filename})", error=True)
            return
        self._say(f"PDF écrit : {path}")
        self.notify(str(path), title="Déclaration de TVA (PDF)")
