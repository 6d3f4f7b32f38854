"""Production set-up (the Atelier tab of F11): the dialogs.
Each form parses what was typed (``ecp.kernel``, ``ecp.production.specs``), then calls
``ecp.api`` once with typed values; a refusal is shown in French under the field it names
(``EcpError.field`` through ``FIELDS``), and nothing is written."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label

from ecp import api
from ecp.kernel.money import parse
from ecp.kernel.units import Quantity, fmt_qty, parse_quantity
from ecp.production.specs import parse_items, parse_signed_quantity, parse_spans
from ecp.tui.kit.format import DAY_PLACEHOLDER
from ecp.tui.kit.format import day as fr_day
from ecp.tui.kit.forms import FormModal


class WorkshopForm(FormModal[Any]):
    """A form of the workshop: typed values out of its inputs, errors placed by ``FIELDS``."""

    def quantity(self, field: str, what: str, of: str | None = None) -> Quantity:
        """The quantity typed in ``field`` (``what`` names it when empty; ``of`` says what it
        is a quantity of in the message)."""
        return parse_quantity(self.required(field, what), of or what, field=field)

    def cost(self, field: str = "cost") -> int | None:
        text = self.value(field).strip()
        return parse(text, "coût", field=field) if text else None


# --- materials and stock -----------------------------------------------------------------------

class MaterialFormScreen(WorkshopForm):
    """Nouvelle matière: code, member whose stock holds it, name, unit, standard cost."""

    FIELDS = {"code": "code", "member": "member", "name": "name", "unit": "unit",
              "cost": "cost"}

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
                                self.value("unit").strip(), self.cost())


class StockMoveScreen(WorkshopForm):
    """Entrée en stock (quantity, date, optional cost) or Ajustement (signed quantity, date,
    reason required)."""

    FIELDS = {"material": "material", "qty": "qty", "day": "day", "reason": "reason",
              "cost": "cost"}

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
            yield from self.field("Date", Input(fr_day(self.today),
                                                placeholder=DAY_PLACEHOLDER, id="day"))
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
        day = self.date("day", "date")
        if self.adjust:
            qty = parse_signed_quantity(self.required("qty", "quantité"), "ajustement", "qty")
            api.stock_adjust(self.books, material, qty, day, self.value("reason").strip())
        else:
            qty = self.quantity("qty", "quantité", "entrée en stock")
            api.stock_receive(self.books, material, Quantity(qty), day, self.cost())
        return material


# --- bill of materials, resources, capacity ----------------------------------------------------

class BomFormScreen(WorkshopForm):
    """Nomenclature d'un produit: materials CODE:QTÉ, hours of work, resources CODE:HEURES."""

    FIELDS = {"product": "product", "materials": "materials", "materials.qty": "materials",
              "hours": "hours", "resources": "resources", "resources.qty": "resources"}

    def __init__(self, product: str | None = None) -> None:
        super().__init__()
        self.product = product or ""

    def compose(self) -> ComposeResult:
        self.codes = [p.code for p in api.list_products(self.books)]
        codes = ", ".join(self.codes)
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
        self._prefill(self.product)

    @on(Input.Changed, "#product")
    def _product_changed(self, event: Input.Changed) -> None:
        self._prefill(event.value)

    def _prefill(self, text: str) -> None:
        """A product typed whole: what its bill of materials holds today, to change — only
        into empty fields, never over what was typed."""
        code = text.strip().upper()
        if code not in self.codes or any(self.value(f).strip()
                                         for f in ("materials", "hours", "resources")):
            return
        b = api.get_bom(self.books, code)
        self.query_one("#materials", Input).value = " ".join(
            f"{m.code}:{fmt_qty(m.qty)}" for m in b.materials)
        self.query_one("#hours", Input).value = fmt_qty(b.hours) if b.hours else ""
        self.query_one("#resources", Input).value = " ".join(
            f"{r.code}:{fmt_qty(r.qty)}" for r in b.resources)

    def save(self) -> str:
        product = self.required("product", "produit").upper()
        materials = parse_items(self.value("materials").split(), "matières", "materials")
        hours = self.quantity("hours", "heures") if self.value("hours").strip() else None
        resources = parse_items(self.value("resources").split(), "ressources", "resources")
        api.set_bom(self.books, product, materials, hours, resources)
        return product


class ResourceFormScreen(WorkshopForm):
    """Nouvelle ressource partagée: code, name, hours a week."""

    FIELDS = {"code": "code", "name": "name", "hours": "hours"}

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
        hours = self.quantity("hours", "heures par semaine")
        return api.add_resource(self.books, code, self.value("name").strip(), hours)


class CapacityFormScreen(WorkshopForm):
    """Capacité d'un membre: hours a week and days off JJ/MM/AAAA:JJ/MM/AAAA (or ISO)."""

    FIELDS = {"member": "member", "hours": "hours", "off": "off"}

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
                id="off", placeholder="JJ/MM/AAAA:JJ/MM/AAAA séparés par des espaces"))
            yield from self.general_error()
            yield from self.buttons("Enregistrer la capacité")

    def on_mount(self) -> None:
        self.query_one("#hours" if self.member else "#member", Input).focus()

    def save(self) -> str:
        member = self.required("member", "membre").upper()
        hours = self.quantity("hours", "heures par semaine")
        api.set_capacity(self.books, member, hours, parse_spans(self.value("off").split()))
        return member
