"""Production set-up (the Atelier tab of F11) and the bank's import profiles: the dialogs.
Each form calls ``ecp.api`` once; a refusal is shown in French under the field it names, and
nothing is written."""

from __future__ import annotations

import re
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label

from ecp import api
from ecp.kernel.errors import EcpError, InputError
from ecp.ledger.bank import Profile
from ecp.tui.screens.sales_dialogs import SalesForm, clean


def say(msg: str) -> str:
    """The API speaks to the command line here and there: say it for the screen."""
    return (clean(msg).replace("--off :", "congés :").replace("--material", "matières")
            .replace("--resource", "ressources").replace("--amount-col", "montant")
            .replace("--debit-col", "débit").replace("--credit-col", "crédit")
            .replace("--decimal", "décimale").replace("--encoding", "encodage")
            .replace("--sep", "séparateur"))


class WorkshopForm(SalesForm):
    """A SalesForm whose messages lose their command-line options first."""

    def show_error(self, exc: EcpError) -> None:
        msg = say(str(exc))
        for pattern, field in self.PATTERNS:
            if re.search(pattern, msg):
                self.set_error(field, msg)
                self.query_one(f"#{field}").focus()
                return
        self.set_error("general", msg)

    def required(self, field: str, what: str) -> str:
        v = self.value(field).strip()
        if not v:
            raise InputError(f"{what} : obligatoire")
        return v


# --- materials and stock -----------------------------------------------------------------------

class MaterialFormScreen(WorkshopForm):
    """Nouvelle matière: code, member whose stock holds it, name, unit, standard cost."""

    PATTERNS = ((r"^code", "code"), (r"existe déjà", "code"), (r"^membre", "member"),
                (r"nom et unité", "name"), (r"^nom", "name"), (r"^unité", "unit"),
                (r"coût", "cost"), (r"lettres, chiffres", "code"))

    def __init__(self, member: str | None = None) -> None:
        super().__init__()
        self.member = member or ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Nouvelle matière", classes="title")
            yield from self.field("Code", Input(id="code", placeholder="ex. TISSU"))
            yield from self.field("Membre", Input(self.member, id="member",
                                                  placeholder="code du membre"))
            yield from self.field("Nom", Input(id="name"))
            yield from self.field("Unité", Input(id="unit", placeholder="ex. m, kg, pièce"))
            yield from self.field("Coût standard (DH)", Input(id="cost",
                                                              placeholder="facultatif"))
            yield from self.general_error()
            yield from self.buttons("Créer la matière")

    def on_mount(self) -> None:
        self.query_one("#code", Input).focus()

    def save(self) -> str:
        code = self.required("code", "code")
        member = self.required("member", "membre")
        return api.add_material(self.books, code, member.upper(), self.value("name").strip(),
                                self.value("unit").strip(), self.value("cost").strip() or None)


class StockMoveScreen(WorkshopForm):
    """Entrée en stock (quantity, date, optional cost) or Ajustement (signed quantity, date,
    reason required)."""

    PATTERNS = ((r"^matière", "material"), (r"^quantité", "qty"), (r"^date", "day"),
                (r"^motif", "reason"), (r"coût", "cost"))

    def __init__(self, adjust: bool = False, material: str | None = None) -> None:
        super().__init__()
        self.adjust = adjust
        self.material = material or ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Ajustement de stock" if self.adjust else "Entrée en stock",
                        classes="title")
            yield from self.field("Matière", Input(self.material, id="material",
                                                   placeholder="code de la matière"))
            yield from self.field("Quantité (signée)" if self.adjust else "Quantité", Input(
                id="qty", placeholder="ex. -2 ou +5" if self.adjust else "ex. 20"))
            yield from self.field("Date", Input(self.today.isoformat(), id="day",
                                                placeholder="AAAA-MM-JJ"))
            if self.adjust:
                yield from self.field("Motif", Input(id="reason", placeholder="obligatoire"))
            else:
                yield from self.field("Coût unitaire (DH)", Input(
                    id="cost", placeholder="facultatif : coût standard"))
            yield from self.general_error()
            yield from self.buttons("Enregistrer")

    def on_mount(self) -> None:
        self.query_one("#qty" if self.material else "#material", Input).focus()

    def save(self) -> str:
        material = self.required("material", "matière").upper()
        qty = self.required("qty", "quantité")
        day = self.date("day", "date")
        if self.adjust:
            api.stock_adjust(self.books, material, qty, day, self.value("reason").strip())
        else:
            api.stock_receive(self.books, material, qty, day,
                              self.value("cost").strip() or None)
        return material


# --- bill of materials, resources, capacity ----------------------------------------------------

class BomFormScreen(WorkshopForm):
    """Nomenclature d'un produit: materials CODE:QTÉ, hours of work, resources CODE:HEURES."""

    PATTERNS = ((r"^produit", "product"), (r"^matières", "materials"),
                (r"^matière", "materials"), (r"^heures", "hours"), (r"^ressource", "resources"))

    def __init__(self, product: str | None = None) -> None:
        super().__init__()
        self.product = product or ""

    def compose(self) -> ComposeResult:
        codes = ", ".join(p.code for p in api.list_products(self.books))
        with Vertical(classes="dialog"):
            yield Label("Nomenclature d'un produit", classes="title")
            yield from self.field("Produit", Input(self.product, id="product",
                                                   placeholder=codes[:60] or "code"))
            yield from self.field("Matières", Input(id="materials",
                                                    placeholder="CODE:QTÉ séparés par des espaces"))
            yield from self.field("Heures de travail", Input(id="hours",
                                                             placeholder="par unité, ex. 6"))
            yield from self.field("Ressources", Input(
                id="resources", placeholder="CODE:HEURES séparés par des espaces"))
            yield from self.general_error()
            yield from self.buttons("Enregistrer la nomenclature")

    def on_mount(self) -> None:
        self.query_one("#materials" if self.product else "#product", Input).focus()

    def save(self) -> str:
        product = self.required("product", "produit").upper()
        api.set_bom(self.books, product, self.value("materials").split(),
                    self.value("hours").strip() or None, self.value("resources").split())
        return product


class ResourceFormScreen(WorkshopForm):
    """Nouvelle ressource partagée: code, name, hours a week."""

    PATTERNS = ((r"^code", "code"), (r"existe déjà", "code"), (r"lettres, chiffres", "code"),
                (r"^nom", "name"), (r"^heures", "hours"))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Nouvelle ressource partagée", classes="title")
            yield from self.field("Code", Input(id="code", placeholder="ex. MACHINE"))
            yield from self.field("Nom", Input(id="name"))
            yield from self.field("Heures par semaine", Input(id="hours", placeholder="ex. 35"))
            yield from self.general_error()
            yield from self.buttons("Créer la ressource")

    def on_mount(self) -> None:
        self.query_one("#code", Input).focus()

    def save(self) -> str:
        code = self.required("code", "code")
        hours = self.required("hours", "heures")
        return api.add_resource(self.books, code, self.value("name").strip(), hours)


class CapacityFormScreen(WorkshopForm):
    """Capacité d'un membre: hours a week and days off AAAA-MM-JJ:AAAA-MM-JJ."""

    PATTERNS = ((r"^membre", "member"), (r"^heures", "hours"), (r"^congé", "off"),
                (r"^date", "off"))

    def __init__(self, member: str | None = None) -> None:
        super().__init__()
        self.member = member or ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Capacité d'un membre", classes="title")
            yield from self.field("Membre", Input(self.member, id="member",
                                                  placeholder="code du membre"))
            yield from self.field("Heures par semaine", Input(id="hours", placeholder="ex. 30"))
            yield from self.field("Congés", Input(
                id="off", placeholder="AAAA-MM-JJ:AAAA-MM-JJ séparés par des espaces"))
            yield from self.general_error()
            yield from self.buttons("Enregistrer la capacité")

    def on_mount(self) -> None:
        self.query_one("#hours" if self.member else "#member", Input).focus()

    def save(self) -> str:
        member = self.required("member", "membre").upper()
        hours = self.required("hours", "heures")
        api.set_capacity(self.books, member, hours, self.value("off").split())
        return member


# --- bank import profile -----------------------------------------------------------------------

class BankProfileFormScreen(WorkshopForm):
    """Profil d'import d'un relevé: columns numbered from 1, either one signed amount column or
    a debit and a credit column; date format, decimal mark, separator, encoding, header lines."""

    PATTERNS = ((r"^nom", "name"), (r"^date", "date_col"), (r"^libellé", "label_col"),
                (r"^montant", "amount_col"), (r"^débit", "debit_col"),
                (r"^crédit", "credit_col"), (r"^format", "date_format"),
                (r"décimale", "decimal"), (r"séparateur", "sep"), (r"encodage", "encoding"),
                (r"^lignes", "skip"), (r"montant, ou", "amount_col"),
                (r"colonne", "date_col"))

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
                raise InputError(f"{what} : obligatoire")
            return None
        if not text.isdigit():
            raise InputError(f"{what} : « {text} », un nombre entier attendu")
        return int(text)

    def save(self) -> str:
        name = self.required("name", "nom")
        date_col = self.number("date_col", "date : colonne", True)
        label_col = self.number("label_col", "libellé : colonne", True)
        amount = self.number("amount_col", "montant : colonne")
        debit = self.number("debit_col", "débit : colonne")
        credit = self.number("credit_col", "crédit : colonne")
        if amount is None and (debit is None or credit is None):
            raise InputError("montant : une colonne montant, ou débit et crédit")
        if amount is not None and (debit is not None or credit is not None):
            raise InputError("montant : une colonne montant, ou débit et crédit, pas les deux")
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
