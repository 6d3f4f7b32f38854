"""Banque: the dialogs (import a statement, confirm a match with what it will post, search a
match by hand, a rule made from a line, the reconciliation at a date). Each one calls
``ecp.api``; what the books refuse is shown in French next to the field, and nothing is
written."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from ecp import api
from ecp.kernel.errors import EcpError, InputError
from ecp.kernel.periods import parse_date
from ecp.kernel.units import half_up_div
from ecp.ledger.bank import Profile
from ecp.sales.bank_match import LineView, MatchKind, Suggestion
from ecp.tui.kit.dialogs import PickerScreen
from ecp.tui.kit.format import DAY_PLACEHOLDER, money
from ecp.tui.kit.format import day as fr_day
from ecp.tui.kit.forms import FieldError, FormModal

KIND_LABEL = {"facture": "facture", "dépense": "dépense", "versement": "versement",
              "règle": "règle"}


def signed(cents: int) -> Text:
    """An amount of the statement: money in green, money out red."""
    return Text(("+" if cents > 0 else "") + money(cents), justify="right",
                style="green" if cents > 0 else "red")


def line_text(ln: LineView) -> str:
    return f"{ln.day:%d/%m/%Y}  « {ln.label} »  {'+' if ln.amount > 0 else ''}" \
           f"{money(ln.amount)} DH"


@dataclass(frozen=True)
class Match:
    """A candidate for a line: a suggestion of the books, or one found by hand."""

    kind: MatchKind
    ref: str
    label: str
    amount: int
    exact: bool

    @classmethod
    def of(cls, s: Suggestion) -> Match:
        return cls(s.kind, s.ref, s.label, s.amount, s.exact)

    def short(self) -> str:
        if self.kind == "facture":
            return f"facture {self.label}"
        if self.kind == "versement":
            return f"versement {self.label}"
        if self.kind == "règle":
            return f"règle {self.ref} : {self.label}"
        return self.label  # « dépense 3 Tissus du Nord TN-77 »


def describe(books: api.Books, ln: LineView, kind: str, ref: str) -> str:
    """What accepting ``kind ref`` for the line will post, in the bookkeeper's words."""
    amount = abs(ln.amount)
    if kind == "facture":
        row = next((r for r in api.list_documents(books, "facture") if r.number == ref), None)
        if row is None:
            return f"Règlement de {ref} : {money(amount)} DH"
        head = f"Règlement de {ref} ({row.customer_name}) : {money(amount)} DH"
        if api.get_setting(books, "vat.regime") == "debits":
            vat = "TVA déjà exigible (régime des débits)"
        elif amount == row.remaining and not row.paid and not row.credited:
            vat = f"TVA exigible {money(row.total_vat)} DH"
        else:  # the books take the pro rata of what remains; this is its estimate
            share = round(row.total_vat * amount / row.total_ttc) if row.total_ttc else 0
            vat = f"TVA exigible ≈ {money(share)} DH"
        left = row.remaining - amount
        after = ("La facture sera payée." if left == 0 else
                 f"Reste dû après : {money(left)} DH." if left > 0 else
                 f"Le montant dépasse le reste dû ({money(row.remaining)} DH).")
        return f"{head}, {vat}\n{after}"
    if kind == "dépense":
        e = next((x for x in api.list_expenses(books) if str(x.id) == ref), None)
        if e is None:
            return f"Paiement de la dépense n° {ref} : {money(amount)} DH"
        who = ", ".join(x for x in (e.supplier_name, e.reference) if x)
        if amount == e.remaining and not e.paid:
            vat = f"TVA récupérable {money(e.vat)} DH"
        else:
            share = half_up_div(e.vat * amount, e.ttc) if e.ttc else 0  # rounded as the payment
            vat = f"TVA récupérable ≈ {money(share)} DH"
        left = e.remaining - amount
        after = ("La dépense sera payée." if left == 0 else
                 f"Reste à payer après : {money(left)} DH." if left > 0 else
                 f"Le montant dépasse le reste à payer ({money(e.remaining)} DH).")
        return f"Paiement de la dépense n° {ref} ({who}) : {money(amount)} DH, {vat}\n{after}"
    if kind == "versement":
        return (f"Versement {ref} : {money(amount)} DH\nSon écriture existe déjà : la ligne y "
                "est rattachée, rien de nouveau n'est passé.")
    if kind == "règle":
        rule = next((r for r in api.bank_rules(books) if str(r.id) == ref), None)
        if rule is None:
            return f"Règle n° {ref}\nÉcriture BQ de {money(amount)} DH"
        label, account, dim = rule.label, rule.account, rule.dimension
        name = next((n for c, n in api.search_accounts(books, account, 20) if c == account), "")
        bank, other = f"{ln.account}", f"{account} {name}".strip()
        debit, credit = (bank, other) if ln.amount > 0 else (other, bank)
        return (f"Règle n° {ref} « {label} »\nÉcriture BQ de {money(amount)} DH (dimension "
                f"{dim}) : débit {debit}, crédit {credit}")
    return f"{kind} {ref}"


# --- accepting a match -------------------------------------------------------------------------

class AcceptScreen(ModalScreen[str | None]):
    """Rapprocher ? The line, what will be posted; o posts (the error stays in the dialog),
    n or Escape leaves the line open. Dismisses with the entry's reference."""

    BINDINGS = [Binding("o,y", "answer(True)", "Rapprocher", id="accept.answer-true"),
                Binding("n,escape", "answer(False)", "Ne pas rapprocher", id="accept.answer-false")]

    def __init__(self, line: LineView, kind: MatchKind, ref: str, title: str = "") -> None:
        super().__init__()
        self.line = line
        self.kind = kind
        self.ref = ref
        self.title_text = title or f"Rapprocher la ligne : {kind} {ref} ?"

    def compose(self) -> ComposeResult:
        app: Any = self.app
        detail = describe(app.books, self.line, self.kind, self.ref)
        with Vertical(classes="dialog", id="accept"):
            yield Label(self.title_text, classes="title")
            yield Static(f"Ligne du {line_text(self.line)}\n", id="line", markup=False)
            yield Static(detail, id="detail", markup=False)
            err = FieldError("", id="err-general")
            err.display = False
            yield err
            with Horizontal(classes="buttons"):
                yield Button("Rapprocher (o)", id="yes", variant="primary")
                yield Button("Ne pas rapprocher (n, Échap)", id="no")

    def on_mount(self) -> None:
        self.query_one(".dialog").styles.width = 100
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        if not yes:
            self.dismiss(None)
            return
        app: Any = self.app
        try:
            entry = api.bank_accept(app.books, self.line.id, self.kind, self.ref)
        except EcpError as exc:
            err = self.query_one("#err-general", FieldError)
            err.update(Text(str(exc)))
            err.display = True
            return
        self.dismiss(entry)


# --- search by hand ----------------------------------------------------------------------------

def _norm(text: str) -> str:
    return re.sub(r"\s", "", text.casefold())


class MatchSearchScreen(PickerScreen):
    """Chercher un rapprochement: the line's suggestions first, then what the typed text finds
    among open invoices (number, customer, amount), open expenses (number, supplier,
    reference, amount) and a payout typed by its number. Enter picks; dismisses with
    ``"kind|ref"``."""

    def __init__(self, books: api.Books, line: LineView) -> None:
        self.line = line
        self.suggested = [Match.of(s) for s in api.bank_suggestions(books, line.id)]
        self.invoices = ([r for r in api.list_documents(books, "facture") if r.remaining > 0]
                         if line.amount > 0 else [])
        self.expenses = ([e for e in api.list_expenses(books) if e.remaining > 0]
                         if line.amount < 0 else [])
        self.found: dict[str, Match] = {}
        super().__init__(f"Rapprocher à la main — {line_text(line)}", self._search, "",
                         "rien ne correspond : un numéro de facture ou de versement (VR-…), "
                         "un client, un fournisseur, un montant")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(".dialog").styles.width = 118
        self.query_one("#q", Input).placeholder = ("numéro, client, fournisseur, référence ou "
                                                   "montant")

    def _search(self, text: str) -> list[tuple[str, str]]:
        t = _norm(text)
        amount = abs(self.line.amount)
        out = [m for m in self.suggested
               if not t or t in _norm(f"{m.kind} {m.ref} {m.label} {money(m.amount)}")]
        seen = {(m.kind, m.ref) for m in out}
        if t:
            for r in self.invoices:
                if (("facture", r.number) not in seen
                        and t in _norm(f"{r.number} {r.customer} {r.customer_name} "
                                       f"{money(r.remaining)}")):
                    out.append(Match("facture", r.number, f"{r.number} {r.customer_name}",
                                     min(r.remaining, amount), r.remaining == amount))
            for e in self.expenses:
                if (("dépense", str(e.id)) not in seen
                        and t in _norm(f"{e.id} {e.supplier} {e.supplier_name} {e.reference} "
                                       f"{money(e.remaining)}")):
                    out.append(Match("dépense", str(e.id),
                                     f"dépense {e.id} {e.supplier_name} {e.reference}".strip(),
                                     min(e.remaining, amount), e.remaining == amount))
            number = text.strip().upper()
            if (self.line.amount < 0 and re.fullmatch(r"VR-\d{4}-\d+", number)
                    and ("versement", number) not in seen):
                out.append(Match("versement", number, f"{number} (numéro saisi)", amount,
                                 False))
        self.found = {f"{m.kind}|{m.ref}": m for m in out}
        return [(key, self._text(m)) for key, m in self.found.items()]

    def _text(self, m: Match) -> str:
        """``= facture  F-2026-000005 Hôtel Continental   2 520,00`` and, when the line pays
        part of it, ``sur 7 200,00`` (what remains due)."""
        rest = None
        if m.kind == "facture":
            rest = next((r.remaining for r in self.invoices if r.number == m.ref), None)
        elif m.kind == "dépense":
            rest = next((e.remaining for e in self.expenses if str(e.id) == m.ref), None)
        label = m.label.removeprefix("dépense ") if m.kind == "dépense" else m.label
        part = f"sur {money(rest)}" if rest is not None and rest != m.amount else ""
        return (f"{'=' if m.exact else ' '} {KIND_LABEL.get(m.kind, m.kind):<9} "
                f"{label[:58]:<58} {money(m.amount):>12} {part:<16}")

    def _refresh(self, text: str) -> None:
        found = self.search(text)
        self._codes = [code for code, _ in found]
        ol = self.query_one(OptionList)
        ol.clear_options()
        ol.add_options([Option(label, id=code) for code, label in found])
        ol.highlighted = 0 if found else None
        ol.display = bool(found)
        empty = self.query_one("#empty", Static)
        empty.update("" if found else self.nothing)
        empty.set_class(not found, "-shown")


# --- a rule from a line ------------------------------------------------------------------------

def pattern_of(label: str) -> str:
    """The label's first two words, leaving out those with digits (dates, references)."""
    words = [w for w in label.split() if not any(c.isdigit() for c in w)]
    return " ".join(words[:2]) or label.strip()


class RuleFormScreen(FormModal[Any]):
    """Nouvelle règle: « libellé contient MOTIF → COMPTE (dimension) ». F2 searches the
    account. Dismisses with the rule's id."""

    FIELDS = {"pattern": "pattern", "account": "account", "dimension": "dimension",
              "label": "label"}
    BINDINGS = [Binding("f2", "pick", "Chercher le compte", id="rule-form.pick")]

    def __init__(self, line: LineView) -> None:
        super().__init__()
        self.line = line

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Nouvelle règle de rapprochement", classes="title")
            yield Static(f"À partir de la ligne du {line_text(self.line)}", markup=False,
                         classes="muted")
            yield from self.field("Libellé contient", Input(pattern_of(self.line.label),
                                                            id="pattern"))
            yield from self.field("Compte (F2 : chercher)", Input(id="account",
                                                                  placeholder="ex. 4441"))
            yield Static("", id="account-name", classes="muted")
            yield from self.field("Dimension", Input("ECP", id="dimension"))
            yield from self.field("Libellé de l'écriture", Input(
                id="label", placeholder="par défaut : Relevé : <motif>"))
            yield from self.general_error()
            yield from self.buttons("Enregistrer la règle", "Tab : champ suivant — F2 : "
                                    "chercher un compte — Entrée : enregistrer — Échap : "
                                    "annuler")

    def on_mount(self) -> None:
        self.query_one("#account-name").styles.padding = (0, 0, 0, 24)
        self.query_one("#pattern", Input).focus()

    @on(Input.Changed, "#account")
    def _account_changed(self, event: Input.Changed) -> None:
        code = event.value.strip()
        name = next((n for c, n in api.search_accounts(self.books, code, 20) if c == code),
                    None) if code else None
        self.query_one("#account-name", Static).update(
            Text(name or ("compte inconnu (F2 : chercher)" if code else "")))

    def action_pick(self) -> None:
        typed = self.value("account").strip()

        def picked(code: str | None) -> None:
            if code:
                self.query_one("#account", Input).value = code
                self.query_one("#dimension", Input).focus()
            else:
                self.query_one("#account", Input).focus()

        self.app.push_screen(PickerScreen("Choisir le compte de la règle",
                                          lambda t: api.search_accounts(self.books, t, 60),
                                          typed, "aucun compte ne correspond"), picked)

    def save(self) -> int:
        if not self.value("account").strip():
            raise InputError("compte : à choisir (F2 : chercher)", field="account")
        return api.bank_rule_add(self.books, self.value("pattern"),
                                 self.value("account").strip(),
                                 self.value("dimension").strip() or None, self.value("label"))


# --- import ------------------------------------------------------------------------------------

class ImportScreen(FormModal[Any]):
    """Importer un relevé: the file, the bank account, the profile. Dismisses with the
    ImportResult (read, added, duplicates) and what was asked."""

    FIELDS = {"path": "path", "account": "account", "profile": "profile"}

    def __init__(self, path: str = "", account: str = "5141") -> None:
        super().__init__()
        self.path = path
        self.account = account

    def compose(self) -> ComposeResult:
        profiles = [(p.name, p.name) for p in api.bank_profiles(self.books)]
        with Vertical(classes="dialog"):
            yield Label("Importer un relevé bancaire (CSV)", classes="title")
            yield from self.field("Fichier", Input(self.path, id="path",
                                                   placeholder="ex. ~/releves/mars.csv"))
            yield from self.field("Compte de banque", Input(self.account, id="account"))
            yield from self.field("Profil", Select(profiles, value="maroc" if any(
                n == "maroc" for n, _ in profiles) else profiles[0][1], allow_blank=False,
                id="profile"))
            yield Static("Une ligne déjà importée (même date, montant et libellé) n'est pas "
                         "reprise : réimporter un relevé ou un relevé qui chevauche est sans "
                         "risque. Un fichier avec une erreur n'importe rien.", classes="hint")
            yield from self.general_error()
            yield from self.buttons("Importer")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def save(self) -> tuple[Any, str, str]:
        text = self.value("path").strip()
        if not text:
            raise InputError("fichier : indiquer le chemin du relevé", field="path")
        path = Path(text).expanduser()
        account = self.value("account").strip()
        return (api.bank_import(self.books, path, account, self.select("profile")),
                path.name, account)


# --- reconciliation ----------------------------------------------------------------------------

class ReconciliationScreen(ModalScreen[None]):
    """État de rapprochement: the statement's balance beside the ledger's at a date, and the
    lines that explain the gap. Enter in a field recomputes; Escape closes."""

    BINDINGS = [Binding("escape", "close", "Fermer", id="reconciliation.close")]
    DEFAULT_CSS = """
    ReconciliationScreen .field { height: auto; }
    ReconciliationScreen .field > Label { width: 8; padding: 0 1 0 0; }
    ReconciliationScreen .field > Input { width: 16; margin-right: 2; }
    ReconciliationScreen #rec-summary { margin-top: 1; height: auto; }
    ReconciliationScreen #rec-verdict { height: auto; text-style: bold; }
    """

    def __init__(self, account: str, at: dt.date) -> None:
        super().__init__()
        self.account = account
        self.at = at

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("État de rapprochement bancaire", classes="title")
            with Horizontal(classes="field"):
                yield Label("Compte")
                yield Input(self.account, id="account", compact=True)
                yield Label("Au")
                yield Input(fr_day(self.at), placeholder=DAY_PLACEHOLDER, id="at", compact=True)
            err = FieldError("", id="err-general")
            err.display = False
            yield err
            yield Static(id="rec-summary", markup=False)
            yield Static(id="rec-verdict", markup=False)
            yield DataTable(id="rec-diffs", cursor_type="row", zebra_stripes=True)
            yield Static("Entrée : recalculer — Échap : fermer", classes="muted")

    def on_mount(self) -> None:
        self.query_one(".dialog").styles.width = 118  # the app's .dialog is 80 wide
        t = self.query_one("#rec-diffs", DataTable)
        t.styles.height = "auto"  # the app's tables fill the screen
        t.styles.max_height = 16
        t.styles.margin = (1, 0, 0, 0)
        for name, width in (("Côté", 16), ("Date", 10), ("Libellé", 38), ("Montant", 13),
                            ("Réf. (fichier:ligne, écriture)", 24)):
            t.add_column(name, width=width)
        self.compute()
        self.query_one("#at", Input).focus()

    def compute(self) -> None:
        app: Any = self.app
        err = self.query_one("#err-general", FieldError)
        try:
            account = self.query_one("#account", Input).value.strip()
            at = parse_date(self.query_one("#at", Input).value.strip(), "date")
            rec = api.bank_reconciliation(app.books, account, at)
        except EcpError as exc:
            err.update(Text(str(exc)))
            err.display = True
            self.query_one("#rec-summary", Static).update("")
            self.query_one("#rec-verdict", Static).update("")
            self.query_one("#rec-diffs", DataTable).clear()
            return
        err.display = False
        first = min((ln.day for ln in api.bank_lines(app.books) if ln.account == account),
                    default=rec.at)
        self.query_one("#rec-summary", Static).update(
            f"Compte {rec.account} au {rec.at:%d/%m/%Y} (le relevé part du solde du grand livre "
            f"avant sa première ligne, du {first:%d/%m/%Y})\n"
            f"Solde du relevé       {money(rec.statement):>16} DH\n"
            f"Solde du grand livre  {money(rec.ledger):>16} DH\n"
            f"Écart                 {money(rec.gap):>16} DH")
        if rec.gap == 0 and not rec.differences:
            verdict = Text("aucun écart : tout le relevé est rapproché", style="green")
        elif rec.gap == 0:
            verdict = Text("aucun écart — les différences ci-dessous se compensent",
                           style="green")
        elif rec.explained == rec.gap:
            verdict = Text(f"écart de {money(rec.gap)} DH, expliqué par les différences "
                           "ci-dessous", style="yellow")
        else:
            verdict = Text(f"écart de {money(rec.gap)} DH : {money(rec.gap - rec.explained)} "
                           "DH restent inexpliqués", style="bold red")
        self.query_one("#rec-verdict", Static).update(verdict)
        t = self.query_one("#rec-diffs", DataTable)
        t.clear()
        for d in rec.differences:
            where = ("relevé seul" if d.side == "relevé" else "grand livre seul")
            t.add_row(where, fr_day(d.day), Text(d.label[:38]), signed(d.amount), d.ref)
        t.display = bool(rec.differences)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.compute()

    def action_close(self) -> None:
        self.dismiss(None)


# --- bank import profile -----------------------------------------------------------------------

class BankProfileFormScreen(FormModal[Any]):
    """Profil d'import d'un relevé: columns numbered from 1, either one signed amount column or
    a debit and a credit column; date format, decimal mark, separator, encoding, header lines."""

    # The widgets are named after the Profile's fields, which the books' errors carry.
    FIELDS = {f: f for f in ("name", "date_col", "label_col", "amount_col", "debit_col",
                             "credit_col", "date_format", "decimal", "sep", "encoding", "skip")}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Profil d'import d'un relevé (colonnes numérotées à partir de 1)",
                        classes="title")
            yield from self.field("Nom", Input(id="name", placeholder="ex. cih"))
            yield from self.field("Colonne date", Input(id="date_col", placeholder="ex. 1"))
            yield from self.field("Colonne libellé", Input(id="label_col", placeholder="ex. 2"))
            yield from self.field("Colonne montant", Input(
                id="amount_col", placeholder="signé ; ou débit + crédit"))
            yield from self.field("Colonne débit", Input(id="debit_col"))
            yield from self.field("Colonne crédit", Input(id="credit_col"))
            yield from self.field("Format de date", Input("%d/%m/%Y", id="date_format"))
            yield from self.field("Décimale", Input(",", id="decimal", placeholder=", ou ."))
            yield from self.field("Séparateur", Input(";", id="sep",
                                                      placeholder="; , ou \\t"))
            yield from self.field("Encodage", Input("cp1252", id="encoding"))
            yield from self.field("Lignes d'en-tête", Input("1", id="skip"))
            yield from self.general_error()
            yield from self.buttons("Enregistrer le profil")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def number(self, field: str, what: str, required: bool = False) -> int | None:
        text = self.value(field).strip()
        if not text:
            if required:
                raise InputError(f"{what} : obligatoire", field=field)
            return None
        if not text.isdigit():
            raise InputError(f"{what} : « {text} », un nombre entier attendu", field=field)
        return int(text)

    def save(self) -> str:
        name = self.required("name", "nom")
        date_col = self.number("date_col", "date : colonne", True)
        label_col = self.number("label_col", "libellé : colonne", True)
        amount = self.number("amount_col", "montant : colonne")
        debit = self.number("debit_col", "débit : colonne")
        credit = self.number("credit_col", "crédit : colonne")
        if amount is None and (debit is None or credit is None):
            raise InputError("montant : une colonne montant, ou débit et crédit",
                             field="amount_col")
        if amount is not None and (debit is not None or credit is not None):
            raise InputError("montant : une colonne montant, ou débit et crédit, pas les deux",
                             field="amount_col")
        skip = self.number("skip", "lignes d'en-tête")
        sep = self.value("sep").replace("\\t", "\t")
        assert date_col is not None and label_col is not None
        kw: dict[str, Any] = dict(
            amount_col=amount, debit_col=debit, credit_col=credit,
            date_format=self.value("date_format").strip() or "%d/%m/%Y",
            decimal=self.value("decimal").strip() or ",", sep=sep or ";",
            encoding=self.value("encoding").strip() or "cp1252",
            skip=1 if skip is None else skip)
        api.bank_profile_add(self.books, Profile(name, date_col, label_col, **kw))
        return name
