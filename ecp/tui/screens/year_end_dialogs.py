"""The dialogs of « Clôture de l'exercice »: a fixed asset added or disposed of, the year's
depreciation and inventory runs (each stating what it posts), a stock counted by hand, the
year's close (provisional or final) after a confirmation stating what it does, its reopening
with a reason, the allocation of the result with the legal-reserve minimum.

Each form calls ``ecp.api`` once — the same functions as ``ecp asset``, ``ecp depreciation``,
``ecp inventory`` and ``ecp year`` — and what the books refuse is shown in French under the
field it names; nothing is written then."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from ecp import api
from ecp.kernel.errors import InputError
from ecp.kernel.money import fmt_fr
from ecp.kernel.money import parse as parse_amount
from ecp.kernel.units import parse_percent
from ecp.tui.kit.base import Dialog, see_through
from ecp.tui.kit.format import DAY_PLACEHOLDER
from ecp.tui.kit.format import day as fr_day
from ecp.tui.kit.forms import FormModal

KIND_FR = {"matieres": "matières premières (3121 / 61241)",
           "produits": "produits finis (3151 / 71321)"}
METHOD_FR = {"lineaire": "linéaire", "degressif": "dégressif"}


def dimension_choices(books: api.Books, with_ecp: bool = True) -> list[tuple[str, str]]:
    """(label, code) of the ECP and its members, for a Select."""
    return [(f"{m.code} — {m.name}", m.code)
            for m in api.list_members(books, include_ecp=with_ecp)]


def signed_amount(text: str, label: str, field: str) -> int:
    """An amount that may be negative (a loss carried: ``-150,00``)."""
    t = text.strip()
    neg = t.startswith(("-", "−"))
    v = parse_amount(t[1:].strip() if neg else t, label, field=field)
    return -v if neg else v


# --- fixed assets ----------------------------------------------------------------------------


class AddAssetScreen(FormModal[Any]):
    """Nouvelle immobilisation: ``api.add_asset`` (``ecp asset add``)."""

    FIELDS = {"code": "code", "account": "account", "name": "name", "day": "day",
              "cost": "cost", "dimension": "dimension", "years": "years", "rate": "rate",
              "method": "method", "expense_id": "expense_id"}

    def __init__(self, year: int) -> None:
        super().__init__()
        self.year = year

    def compose(self) -> ComposeResult:
        day = min(self.today, dt.date(self.year, 12, 31))
        with Vertical(classes="dialog"):
            yield Label("Nouvelle immobilisation", classes="title")
            yield from self.field("Code", Input(id="code", placeholder="ex. MAC1"))
            yield from self.field("Nom", Input(id="name",
                                               placeholder="ex. Machine à coudre"))
            yield from self.field("Compte (classe 2)", Input(id="account",
                                                             placeholder="ex. 2332"))
            yield from self.field("Date d'acquisition", Input(
                fr_day(day), placeholder=DAY_PLACEHOLDER, id="day"))
            yield from self.field("Coût HT (DH)", Input(id="cost", placeholder="12 000,00"))
            yield from self.field("Dimension", Select(dimension_choices(self.books),
                                                      value="ECP", allow_blank=False,
                                                      id="dimension"))
            yield from self.field("Durée (années)", Input(id="years", placeholder="ex. 5"))
            yield from self.field("ou taux (%)", Input(id="rate", placeholder="ex. 20"))
            yield from self.field("Méthode", Select([(v, k) for k, v in METHOD_FR.items()],
                                                    value="lineaire", allow_blank=False,
                                                    id="method"))
            yield from self.field("Dépense n° (facultatif)", Input(id="expense_id"))
            yield from self.general_error()
            yield from self.buttons("Enregistrer")

    def on_mount(self) -> None:
        see_through(self)
        self.query_one("#code", Input).focus()

    def save(self) -> Any:
        code = self.required("code", "code")
        name = self.required("name", "nom")
        account = self.required("account", "compte")
        day = self.date("day", "date d'acquisition")
        cost = parse_amount(self.required("cost", "coût"), "coût", field="cost")
        years_text, rate_text = self.value("years").strip(), self.value("rate").strip()
        if bool(years_text) == bool(rate_text):
            raise InputError("durée : donner soit la durée en années, soit le taux",
                             field="years", code="years.choice")
        years: int | None = None
        if years_text:
            if not (years_text.isascii() and years_text.isdigit()):
                raise InputError(f"durée : « {years_text} » n'est pas un nombre d'années",
                                 field="years", code="years.format")
            years = int(years_text)
        rate = parse_percent(rate_text, "taux", "rate") if rate_text else None
        expense_text = self.value("expense_id").strip()
        expense: int | None = None
        if expense_text:
            if not (expense_text.isascii() and expense_text.isdigit()):
                raise InputError(f"dépense : « {expense_text} » n'est pas un numéro",
                                 field="expense_id", code="expense.format")
            expense = int(expense_text)
        return api.add_asset(self.books, code, account, name, day, cost,
                             dimension=self.select("dimension"), years=years, rate=rate,
                             method=self.select("method"), expense_id=expense)


class DisposeAssetScreen(FormModal[Any]):
    """Cession ou mise au rebut: ``api.dispose_asset`` (``ecp asset dispose``)."""

    FIELDS = {"code": "code", "day": "day", "price": "price"}

    def __init__(self, asset: api.AssetView | None) -> None:
        super().__init__()
        self.asset = asset

    def compose(self) -> ComposeResult:
        a = self.asset
        with Vertical(classes="dialog"):
            yield Label("Céder une immobilisation", classes="title")
            if a is not None:
                yield Static(Text(f"{a.code} — {a.name}, compte {a.account}, {a.dimension}, "
                                  f"acquise le {fr_day(a.day)} pour "
                                  f"{fmt_fr(a.cost)} DH HT"), classes="muted")
            yield Static("La dotation de l'exercice jusqu'à la cession est passée d'abord, puis "
                         "l'écriture de cession (journal OD) : amortissements soldés, valeur "
                         "nette en 6513, le prix en 3481 / 7513. Prix vide : mise au rebut.",
                         classes="muted")
            yield from self.field("Code", Input(a.code if a else "", id="code"))
            yield from self.field("Date de cession", Input(fr_day(self.today),
                                                           placeholder=DAY_PLACEHOLDER, id="day"))
            yield from self.field("Prix HT (DH)", Input(id="price", placeholder="vide : rebut"))
            yield from self.general_error()
            yield from self.buttons("Céder")

    def on_mount(self) -> None:
        see_through(self)
        self.query_one("#day" if self.asset else "#code", Input).focus()

    def save(self) -> Any:
        code = self.required("code", "code")
        day = self.date("day", "date de cession")
        text = self.value("price").strip()
        price = parse_amount(text, "prix", field="price") if text else 0
        return api.dispose_asset(self.books, code, day, price)


# --- the year's runs ---------------------------------------------------------------------------


def depreciation_lines(due: list[api.DepreciationDue], year: int) -> list[str]:
    """What the year's run posts for each asset (the plan's charge of the year less what
    earlier runs posted, with the accounts it moves), then the total."""
    out = [f"  {'Immobilisation':<22}{'Dim.':<6}{'Débit':<7}{'Crédit':<8}{'À passer':>14}"]
    total = 0
    for d in due:
        if not d.to_post:
            continue
        total += d.to_post
        out.append(f"  {d.asset[:21]:<22}{d.dimension:<6}{d.charge:<7}{d.amort:<8}"
                   f"{fmt_fr(d.to_post):>14}")
        if d.posted:
            out.append(f"    (dotation {year} {fmt_fr(d.due)}, déjà passé {fmt_fr(d.posted)})")
    out.append(f"  {'Total':<43}{fmt_fr(total):>14}")
    return out if total else []


class DepreciationScreen(FormModal[Any]):
    """Passer les dotations de l'exercice: the plan's charges shown, then
    ``api.depreciation_run`` (``ecp depreciation run``)."""

    FIELDS = {"day": "day"}

    def __init__(self, year: int, due: list[api.DepreciationDue]) -> None:
        super().__init__()
        self.year = year
        self.due = due

    def compose(self) -> ComposeResult:
        lines = depreciation_lines(self.due, self.year)
        detail = ([f"Dotations {self.year} du plan d'amortissement (journal OD, une écriture "
                   "par dimension, 619x au débit, 28xx au crédit) :", *lines,
                   "Seul ce qui reste à passer est écrit : relancer ne passe rien deux fois."]
                  if lines else [f"Aucune dotation à passer en {self.year} (registre vide, "
                                 "entièrement amorti, ou déjà passée)."])
        with Vertical(classes="dialog"):
            yield Label(f"Amortissements {self.year}", classes="title")
            yield Static(Text("\n".join(detail)), id="posting")
            yield from self.field("Date des écritures",
                                  Input(fr_day(dt.date(self.year, 12, 31)),
                                        placeholder=DAY_PLACEHOLDER, id="day"))
            yield from self.general_error()
            yield from self.buttons("Passer les dotations",
                                    "Entrée : passer — Échap : annuler")

    def on_mount(self) -> None:
        see_through(self)
        self.query_one("#day", Input).focus()

    def save(self) -> Any:
        return api.depreciation_run(self.books, self.year, self.date("day", "date"))


class InventorySetScreen(FormModal[Any]):
    """Stock compté à la main: ``api.inventory_set`` (``ecp inventory set``)."""

    FIELDS = {"member": "member", "kind": "kind", "value": "value", "note": "note"}

    def __init__(self, year: int, member: str | None = None) -> None:
        super().__init__()
        self.year = year
        self.member = member

    def compose(self) -> ComposeResult:
        choices = dimension_choices(self.books)
        codes = [c for _, c in choices]
        with Vertical(classes="dialog"):
            yield Label(f"Stock au 31/12/{self.year} compté à la main", classes="title")
            yield Static("La valeur saisie l'emporte sur celle du module de production ; la "
                         "variation est passée ensuite (i).", classes="muted")
            yield from self.field("Dimension", Select(
                choices, value=self.member if self.member in codes else codes[0],
                allow_blank=False, id="member"))
            yield from self.field("Nature", Select([(v, k) for k, v in KIND_FR.items()],
                                                   value="matieres", allow_blank=False,
                                                   id="kind"))
            yield from self.field("Valeur (DH)", Input(id="value", placeholder="ex. 1 500,00"))
            yield from self.field("Note", Input(id="note", placeholder="ex. inventaire physique"))
            yield from self.general_error()
            yield from self.buttons("Enregistrer")

    def on_mount(self) -> None:
        see_through(self)
        self.query_one("#value", Input).focus()

    def save(self) -> Any:
        value = parse_amount(self.required("value", "valeur"), "valeur", field="value")
        kind = self.select("kind")
        dim = api.inventory_set(self.books, self.year, self.select("member"), kind, value,
                                self.value("note").strip())
        return dim, kind, value


def inventory_lines(lines: list[api.InventoryLine]) -> list[str]:
    """The variations a run posts, dimension by dimension."""
    moved = [x for x in lines if x.posted]
    if not moved:
        return []
    out = [f"  {'Dim.':<6}{'Nature':<10}{'Stock':>13}{'Comptabilisé':>14}{'Variation':>13}"]
    out += [f"  {x.dimension:<6}{x.kind:<10}{fmt_fr(x.value):>13}{fmt_fr(x.book):>14}"
            f"{fmt_fr(x.posted):>13}" for x in moved]
    return out


class InventoryRunScreen(FormModal[Any]):
    """Passer la variation des stocks: ``api.inventory_run`` (``ecp inventory run``)."""

    FIELDS = {"day": "day"}

    def __init__(self, year: int, preview: list[api.InventoryLine]) -> None:
        super().__init__()
        self.year = year
        self.preview = preview

    def compose(self) -> ComposeResult:
        lines = inventory_lines(self.preview)
        detail = ([f"Variations des stocks {self.year} (journal OD, une écriture par "
                   "dimension : 3121 / 61241 pour les matières, 3151 / 71321 pour les "
                   "produits) :", *lines] if lines else
                  [f"Rien à passer : les stocks de {self.year} sont à jour dans les livres."])
        with Vertical(classes="dialog"):
            yield Label(f"Inventaire {self.year}", classes="title")
            yield Static(Text("\n".join(detail)), id="posting")
            yield from self.field("Date des écritures",
                                  Input(fr_day(dt.date(self.year, 12, 31)),
                                        placeholder=DAY_PLACEHOLDER, id="day"))
            yield from self.general_error()
            yield from self.buttons("Passer l'inventaire", "Entrée : passer — Échap : annuler")

    def on_mount(self) -> None:
        see_through(self)
        self.query_one("#day", Input).focus()

    def save(self) -> Any:
        return api.inventory_run(self.books, self.year, self.date("day", "date"))


# --- the close -------------------------------------------------------------------------------


class ConfirmYearCloseScreen(Dialog[bool]):
    """Clôturer l'exercice ? What the close does, stated; Enter confirms, Escape cancels."""

    BINDINGS = [Binding("escape", "answer(False)", "Annuler",
                        id="confirm-year-close.answer-false"),
                Binding("enter", "answer(True)", "Clôturer",
                        id="confirm-year-close.answer-true")]

    def __init__(self, year: int, final: bool, status: str, result: int | None) -> None:
        super().__init__()
        self.year = year
        self.final = final
        self.status = status
        self.result = result

    def text(self) -> str:
        y = self.year
        if self.status == "provisional":
            return (f"L'exercice {y} est clôturé provisoirement : la clôture définitive le "
                    "fige tel quel, sans nouvelle écriture. Il ne pourra plus être rouvert "
                    "ni recevoir d'écriture.")
        out = (f"Les contrôles sont repris (exercice précédent, mois, TVA, amortissements, "
               f"inventaire, brouillons, vérification) ; au premier en échec, rien n'est "
               f"écrit.\nPuis, par dimension : les comptes de charges et de produits (classes "
               f"6 et 7) soldés vers 1191 / 1199 et les comptes de bilan soldés (journal CL, "
               f"au 31/12/{y}) ; les à-nouveaux repris au 01/01/{y + 1} (journal AN), pièce "
               f"ouverte par pièce ouverte, le résultat en 1181 / 1189.")
        if self.result is not None:
            word = "bénéfice" if self.result >= 0 else "perte"
            out += f"\nRésultat de l'exercice (entité) : {word} de {fmt_fr(abs(self.result))} DH."
        out += ("\nClôture définitive : plus aucune écriture dans l'exercice ni réouverture."
                if self.final else
                "\nClôture provisoire : elle peut être rouverte (motif obligatoire), ses "
                "écritures alors contre-passées.")
        return out

    def compose(self) -> ComposeResult:
        what = "définitivement" if self.final else "provisoirement"
        with Vertical(classes="dialog"):
            yield Label(f"Clôturer {what} l'exercice {self.year} ?", classes="title")
            yield Static(Text(self.text()), id="what")
            with Horizontal(classes="buttons"):
                yield Button("Clôturer (Entrée)", id="ok",
                             variant="error" if self.final else "warning")
                yield Button("Annuler (Échap)", id="cancel")

    def on_mount(self) -> None:
        see_through(self)
        self.query_one("#ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "ok")

    def action_answer(self, ok: bool) -> None:
        self.dismiss(ok)


class ReopenYearScreen(FormModal[Any]):
    """Rouvrir une clôture provisoire: ``api.reopen_year`` (``ecp year reopen``)."""

    FIELDS = {"reason": "reason"}

    def __init__(self, year: int) -> None:
        super().__init__()
        self.year = year

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Rouvrir l'exercice {self.year}", classes="title")
            yield Static("Les écritures de clôture (CL) et d'à-nouveaux (AN) sont "
                         "contre-passées ; le motif est gardé au journal des clôtures.",
                         classes="muted")
            yield from self.field("Motif", Input(id="reason",
                                                 placeholder="ex. facture oubliée"))
            yield from self.general_error()
            yield from self.buttons("Rouvrir", "Entrée : rouvrir — Échap : annuler")

    def on_mount(self) -> None:
        see_through(self)
        self.query_one("#reason", Input).focus()

    def save(self) -> Any:
        return api.reopen_year(self.books, self.year, self.value("reason"))


class DefineYearScreen(FormModal[Any]):
    """Le premier exercice: ``api.define_first_year`` (``ecp year define``)."""

    FIELDS = {"start": "start", "year": "start"}

    def __init__(self, year: int) -> None:
        super().__init__()
        self.year = year

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Premier exercice {self.year}", classes="title")
            yield Static("Les livres commencent en cours d'année : le premier exercice va du "
                         "jour choisi au 31/12 (douze mois au plus, loi 9-88 art. 7) ; rien "
                         "ne s'écrit avant ce jour.", classes="muted")
            yield from self.field("Premier jour (JJ/MM/AAAA)",
                                  Input(id="start", placeholder=f"01/08/{self.year}"))
            yield from self.general_error()
            yield from self.buttons("Définir", "Entrée : définir — Échap : annuler")

    def on_mount(self) -> None:
        see_through(self)
        self.query_one("#start", Input).focus()

    def save(self) -> Any:
        from ecp.kernel.periods import parse_date

        return api.define_first_year(self.books, self.year,
                                     parse_date(self.value("start"), "premier jour",
                                                field="start"))


class AllocateScreen(FormModal[Any]):
    """Affecter le résultat: ``api.allocate_result`` (``ecp year allocate``). The form opens
    with the legal-reserve minimum, no dividends, and the rest to the report à nouveau."""

    FIELDS = {"legal_reserve": "legal_reserve", "retained": "retained",
              "dividends": "dividends", "date": "day", "day": "day"}

    def __init__(self, year: int, result: int, minimum: int) -> None:
        super().__init__()
        self.year = year
        self.result = result
        self.minimum = minimum

    def compose(self) -> ComposeResult:
        r, m = self.result, self.minimum
        word = "bénéfice" if r >= 0 else "perte"
        with Vertical(classes="dialog"):
            yield Label(f"Affecter le résultat {self.year}", classes="title")
            yield Static(Text(
                f"Résultat en instance d'affectation : {word} de {fmt_fr(abs(r))} DH.\n"
                f"Réserve légale minimum : {fmt_fr(m)} DH (5 % du bénéfice tant que la "
                "réserve n'atteint pas 10 % du capital).\nRéserve + report à nouveau + "
                "dividendes = le résultat ; les résultats des membres vont à leur report à "
                "nouveau (1161 / 1169), compris dans le report."), id="rule")
            yield from self.field("Réserve légale (1140)", Input(fmt_fr(m), id="legal_reserve"))
            yield from self.field("Report à nouveau", Input(fmt_fr(r - m), id="retained"))
            yield from self.field("Dividendes (4465)", Input("0,00", id="dividends"))
            yield from self.field("Date de l'assemblée",
                                  Input(fr_day(dt.date(self.year + 1, 1, 1)),
                                        placeholder=DAY_PLACEHOLDER, id="day"))
            yield from self.general_error()
            yield from self.buttons("Affecter")

    def on_mount(self) -> None:
        see_through(self)
        self.query_one("#legal_reserve", Input).focus()

    def save(self) -> Any:
        reserve = parse_amount(self.required("legal_reserve", "réserve légale"),
                               "réserve légale", field="legal_reserve")
        retained = signed_amount(self.required("retained", "report à nouveau"),
                                 "report à nouveau", "retained")
        text = self.value("dividends").strip()
        dividends = parse_amount(text, "dividendes", field="dividends") if text else 0
        return api.allocate_result(self.books, self.year, reserve, retained, dividends,
                                   self.date("day", "date de l'assemblée"))
