"""The member's journey (issue 18) on screen: the forms of the « Parcours » section of a
member's page — the social file, a stage of the path, the exit (confirmed), a meeting, the
attendance at a workshop — and the collective workshops of the palette (a new one, who came,
the list). Each form calls ``ecp.api`` once; what it refuses is shown under the field it
names (``InputError.field``), and nothing is written."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label, Select, Static

from ecp import api
from ecp.kernel.errors import EcpError, InputError
from ecp.kernel.money import fmt_fr, parse
from ecp.kernel.vocab import EXIT_TYPES
from ecp.members.journey import EXIT_FR, STAGE_FR, Profile
from ecp.tui.kit.base import Dialog, see_through
from ecp.tui.kit.dialogs import ConfirmScreen
from ecp.tui.kit.format import DAY_PLACEHOLDER
from ecp.tui.kit.format import day as fr_day
from ecp.tui.kit.forms import FormModal
from ecp.tui.kit.table import FastTable

SEX_CHOICES = [("F — femme", "F"), ("M — homme", "M"), ("non renseigné", "")]
STAGE_CHOICES = [(f"{s} — {STAGE_FR[s]}", s) for s in ("candidat", "convention", "actif")]
EXIT_CHOICES = [(f"{t} — {EXIT_FR[t]}", t) for t in EXIT_TYPES]
UNKNOWN = "non renseigné"
EXPORT_DIR = Path.cwd()  # where the attendance sheet is written (like the VAT screen's exports)
DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


def hours(minutes: int) -> str:
    """``1 h 30``, ``2 h`` (as ``ecp member journey`` writes durations)."""
    h, m = divmod(minutes, 60)
    return f"{h} h {m:02d}" if m else f"{h} h"


def birth_date(text: str, field: str = "birth_date") -> dt.date | None:
    """A birth date typed JJ/MM/AAAA (or AAAA-MM-JJ), any year — the books' own dates stay
    within 2000–2099, a person's do not; empty: None."""
    s = text.strip()
    if not s:
        return None
    m = DMY.fullmatch(s)
    parts = (m.group(3), m.group(2), m.group(1)) if m else None
    if parts is None and (m := ISO.fullmatch(s)):
        parts = (m.group(1), m.group(2), m.group(3))
    if parts is None:
        raise InputError(f"date de naissance : « {s} » n'est pas une date (JJ/MM/AAAA)",
                         field=field, code="birth_date.format")
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise InputError(f"date de naissance : « {s} » n'est pas une date qui existe",
                         field=field, code="birth_date.format") from None


def minutes(text: str, field: str = "minutes") -> int:
    """A duration typed in minutes (``90``)."""
    s = text.strip()
    if not s.isascii() or not s.isdigit() or len(s) > 4:
        raise InputError(f"durée : « {s} » (en minutes, ex. 90)", field=field,
                         code="minutes.format")
    return int(s)


def profile_lines(p: Profile) -> list[tuple[str, str]]:
    """The social file, every field (« non renseigné » when empty), as the page shows it."""
    return [
        ("Sexe", {"F": "F — femme", "M": "M — homme"}.get(p.sex or "", UNKNOWN)),
        ("Date de naissance", fr_day(p.birth_date) if p.birth_date else UNKNOWN),
        ("Commune / zone", p.zone or UNKNOWN),
        ("Province", p.province or UNKNOWN),
        ("Niveau d'études", p.education or UNKNOWN),
        ("Situation à l'entrée", p.entry_situation or UNKNOWN),
        ("Prescripteur", p.prescriber or UNKNOWN),
        ("Objectif de CA HT / mois", f"{fmt_fr(p.turnover_target)} DH" if p.turnover_target
         else UNKNOWN),
    ]


class ProfileFormScreen(FormModal[Profile]):
    """Fiche sociale: every field of the social file, as it is; empty clears a text (the birth
    date is corrected, never cleared)."""

    FIELDS = {"sex": "sex", "birth_date": "birth_date", "zone": "zone", "province": "province",
              "education": "education", "entry_situation": "entry_situation",
              "prescriber": "prescriber", "turnover_target": "turnover_target"}

    def __init__(self, profile: Profile, name: str = "") -> None:
        super().__init__()
        self.profile = profile
        self.member_name = name

    def compose(self) -> ComposeResult:
        p = self.profile
        with Vertical(classes="dialog"):
            yield Label(f"Fiche sociale de {p.member} {self.member_name}".rstrip(),
                        classes="title")
            yield from self.field("Sexe", Select(SEX_CHOICES, value=p.sex or "",
                                                 allow_blank=False, id="sex"))
            yield from self.field("Date de naissance", Input(
                fr_day(p.birth_date) if p.birth_date else "", placeholder=DAY_PLACEHOLDER,
                id="birth_date"))
            yield from self.field("Commune / zone", Input(p.zone or "", id="zone"))
            yield from self.field("Province", Input(p.province or "", id="province"))
            yield from self.field("Niveau d'études", Input(p.education or "", id="education",
                                                           placeholder="ex. baccalauréat"))
            yield from self.field("Situation à l'entrée", Input(
                p.entry_situation or "", id="entry_situation",
                placeholder="demandeur d'emploi inscrit, sans activité…"))
            yield from self.field("Prescripteur", Input(p.prescriber or "", id="prescriber",
                                                        placeholder="ex. ANAPEC"))
            yield from self.field("Objectif DH HT / mois", Input(
                fmt_fr(p.turnover_target) if p.turnover_target else "", id="turnover_target",
                placeholder="ex. 5 000,00"))
            yield Static("Données personnelles : elles restent dans ces livres ; ce qui en "
                         "sort (observatoire, réseau) est anonymisé.", classes="muted")
            yield from self.general_error()
            yield from self.buttons("Enregistrer")

    def on_mount(self) -> None:
        see_through(self)
        self.query_one("#birth_date", Input).focus()

    def save(self) -> Profile:
        born = birth_date(self.value("birth_date"))
        if born is None and self.profile.birth_date is not None:
            raise InputError("date de naissance : elle se corrige, elle ne s'efface pas",
                             field="birth_date", code="birth_date.required")
        target = self.value("turnover_target").strip()
        return api.update_profile(
            self.books, self.profile.member, sex=self.select("sex"), birth_date=born,
            zone=self.value("zone"), province=self.value("province"),
            education=self.value("education"), entry_situation=self.value("entry_situation"),
            prescriber=self.value("prescriber"),
            turnover_target=parse(target, "objectif", field="turnover_target") if target
            else 0)


class StageFormScreen(FormModal[api.StageView]):
    """Étape du parcours: candidat, convention or actif, and its date (the exit has its own
    form)."""

    FIELDS = {"stage": "stage", "day": "day", "date": "day"}

    def __init__(self, member: str, stage: str = "candidat") -> None:
        super().__init__()
        self.member = member
        self.stage = stage

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Étape du parcours de {self.member}", classes="title")
            yield from self.field("Étape", Select(STAGE_CHOICES, value=self.stage,
                                                  allow_blank=False, id="stage"))
            yield from self.field("Date", Input(fr_day(self.today), placeholder=DAY_PLACEHOLDER,
                                                id="day"))
            yield from self.general_error()
            yield from self.buttons("Enregistrer")

    def on_mount(self) -> None:
        see_through(self)
        self.query_one("#day", Input).focus()

    def save(self) -> api.StageView:
        return api.member_stage(self.books, self.member, self.select("stage"),
                                self.date("day", "date"))


class ExitFormScreen(FormModal[api.StageView]):
    """Sortie du membre: its type, date and reason, then a confirmation (the path ends there:
    the member becomes « sorti »)."""

    FIELDS = {"type": "type", "day": "day", "date": "day", "reason": "reason"}

    def __init__(self, member: str, name: str = "") -> None:
        super().__init__()
        self.member = member
        self.member_name = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Sortie de {self.member} {self.member_name}".rstrip(), classes="title")
            yield from self.field("Type de sortie", Select(EXIT_CHOICES, id="type",
                                                           prompt="à choisir"))
            yield from self.field("Date", Input(fr_day(self.today), placeholder=DAY_PLACEHOLDER,
                                                id="day"))
            yield from self.field("Motif", Input(id="reason", placeholder="ex. CDI chez …"))
            yield from self.general_error()
            yield from self.buttons("Enregistrer la sortie")

    def on_mount(self) -> None:
        see_through(self)
        self.query_one("#type", Select).focus()

    def _submit(self) -> None:
        """Check what can be checked here, then ask before recording the exit."""
        self.clear_errors()
        try:
            kind = self.select("type")
            if not kind:
                raise InputError("type de sortie : à choisir", field="type",
                                 code="type.required")
            day = self.date("day", "date")
        except EcpError as exc:
            self.show_error(exc)
            return
        reason = self.value("reason").strip()
        self.app.push_screen(ConfirmExitScreen(
            f"Sortie de {self.member} le {fr_day(day)}",
            f"Type : {EXIT_FR[kind]}" + (f" — motif : {reason}" if reason else "") +
            f"\nLe parcours s'arrête là : {self.member} passe au statut « sorti » (une "
            "nouvelle entrée se saisit comme un nouveau membre)."),
            lambda yes: self._confirmed(bool(yes), kind, day, reason))

    def _confirmed(self, yes: bool, kind: str, day: dt.date, reason: str) -> None:
        if not yes:
            return
        try:
            out = api.member_exit(self.books, self.member, kind, day, reason)
        except EcpError as exc:
            self.show_error(exc)
            return
        self.dismiss(out)


class ConfirmExitScreen(ConfirmScreen):
    """Record the exit? Escape is the safe answer (no)."""

    YES = "Enregistrer la sortie (o)"
    NO = "Revenir au formulaire (n, Échap)"
    BINDINGS = [
        Binding("o,y", "answer(True)", "Oui", id="confirm-exit.answer-true"),
        Binding("n,escape", "answer(False)", "Non", id="confirm-exit.answer-false"),
    ]


class MeetingFormScreen(FormModal[api.MeetingView]):
    """Rendez-vous d'accompagnement: date, duration in minutes, subject, advisor, notes."""

    FIELDS = {"day": "day", "date": "day", "minutes": "minutes", "subject": "subject",
              "advisor": "advisor", "notes": "notes"}

    def __init__(self, member: str) -> None:
        super().__init__()
        self.member = member

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Rendez-vous d'accompagnement de {self.member}", classes="title")
            yield from self.field("Date", Input(fr_day(self.today), placeholder=DAY_PLACEHOLDER,
                                                id="day"))
            yield from self.field("Durée (minutes)", Input(id="minutes", placeholder="ex. 90"))
            yield from self.field("Objet", Input(id="subject",
                                                 placeholder="ex. plan de trésorerie"))
            yield from self.field("Conseiller", Input(id="advisor"))
            yield from self.field("Notes", Input(id="notes"))
            yield from self.general_error()
            yield from self.buttons("Enregistrer")

    def on_mount(self) -> None:
        see_through(self)
        self.query_one("#minutes", Input).focus()

    def save(self) -> api.MeetingView:
        return api.add_meeting(self.books, self.member, self.date("day", "date"),
                               minutes(self.value("minutes")), self.value("subject"),
                               self.value("advisor"), self.value("notes"))


class WorkshopFormScreen(FormModal[api.WorkshopView]):
    """Nouvel atelier collectif: code, title, date, duration in minutes."""

    FIELDS = {"code": "code", "title": "title", "day": "day", "date": "day",
              "minutes": "minutes"}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Nouvel atelier collectif", classes="title")
            yield from self.field("Code", Input(id="code", placeholder="ex. AT-01"))
            yield from self.field("Titre", Input(id="title", placeholder="ex. Fixer ses prix"))
            yield from self.field("Date", Input(fr_day(self.today), placeholder=DAY_PLACEHOLDER,
                                                id="day"))
            yield from self.field("Durée (minutes)", Input(id="minutes", placeholder="ex. 180"))
            yield from self.general_error()
            yield from self.buttons("Créer")

    def on_mount(self) -> None:
        see_through(self)
        self.query_one("#code", Input).focus()

    def save(self) -> api.WorkshopView:
        return api.add_workshop(self.books, self.value("code"), self.value("title"),
                                self.date("day", "date"), minutes(self.value("minutes")))


class AttendFormScreen(FormModal[api.WorkshopView]):
    """Présence à un atelier: the workshop among ``api.workshops`` (the latest first) and, from
    the palette, the member."""

    FIELDS = {"code": "workshop", "member": "member"}

    def __init__(self, member: str | None = None) -> None:
        super().__init__()
        self.member = member

    def compose(self) -> ComposeResult:
        shops = sorted(api.workshops(self.books), key=lambda w: (w.day, w.code), reverse=True)
        with Vertical(classes="dialog"):
            yield Label("Présence à un atelier" + (f" : {self.member}" if self.member else ""),
                        classes="title")
            if self.member is None:
                members = [(f"{m.code} — {m.name}", m.code)
                           for m in api.list_members(self.books)]
                yield from self.field("Membre", Select(members, id="member",
                                                       prompt="à choisir"))
            yield from self.field("Atelier", Select(
                [(f"{fr_day(w.day)}  {w.code} — {w.title} ({len(w.attendees)} présent(s))",
                  w.code) for w in shops], id="workshop", prompt="à choisir"))
            if not shops:
                yield Static("Aucun atelier : palette « atelier collectif : nouveau »",
                             classes="muted")
            yield from self.general_error()
            yield from self.buttons("Marquer présent")

    def on_mount(self) -> None:
        see_through(self)
        self.query_one("#member" if self.member is None else "#workshop", Select).focus()

    def save(self) -> api.WorkshopView:
        member = self.member or self.select("member")
        if not member:
            raise InputError("membre : à choisir", field="member", code="member.required")
        code = self.select("workshop")
        if not code:
            raise InputError("atelier : à choisir", field="code", code="code.required")
        return api.workshop_attend(self.books, code, member)


class WorkshopListScreen(Dialog[None]):
    """Les ateliers collectifs (``ecp workshop list``): date, code, title, duration, who came;
    ``i`` writes the chosen workshop's attendance sheet (``ecp workshop sheet``) into the current
    folder."""

    BINDINGS = [Binding("i", "sheet", "Feuille d'émargement", id="workshop-list.sheet"),
                Binding("escape", "close", "Fermer", id="workshop-list.close")]
    DEFAULT_CSS = """
    WorkshopListScreen #workshops { height: auto; max-height: 24; margin-top: 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.codes: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Ateliers collectifs", classes="title")
            yield FastTable(id="workshops", cursor_type="row", zebra_stripes=True,
                            flex="Présents")
            yield Static("", id="workshops-total", markup=False)
            yield Static("", id="workshops-said", markup=False)
            yield Static("i : feuille d'émargement PDF de l'atelier choisi (dossier courant) — "
                         "Échap : fermer", classes="muted")

    def on_mount(self) -> None:
        see_through(self)
        self.query_one(".dialog").styles.width = "95%"
        t = self.query_one("#workshops", DataTable)
        for label in ("Date", "Code", "Titre", "Durée", "Présents"):
            t.add_column(label, key=label)
        shops = api.workshops(self.books)
        self.codes = [w.code for w in shops]
        for w in shops:
            t.add_row(fr_day(w.day), w.code, w.title, Text(hours(w.minutes), justify="right"),
                      f"{len(w.attendees)} : {', '.join(w.attendees)}" if w.attendees
                      else "0")
        self.query_one("#workshops-total", Static).update(
            f"{len(shops)} atelier(s), {sum(len(w.attendees) for w in shops)} présence(s)")
        t.focus()

    def action_sheet(self) -> None:
        said = self.query_one("#workshops-said", Static)
        t = self.query_one("#workshops", DataTable)
        if not self.codes:
            said.update(Text("Aucun atelier : palette « atelier collectif : nouveau »"))
            return
        code = self.codes[t.cursor_row]
        out = EXPORT_DIR / f"emargement-{code}.pdf"
        try:
            path = api.workshop_sheet(self.books, code, api.check_output(self.books, out))
        except EcpError as exc:
            said.update(Text(f"Feuille non écrite : {exc}", style="red"))
            return
        except OSError as exc:
            said.update(Text(f"Feuille non écrite : {exc.strerror} ({exc.filename})",
                             style="red"))
            return
        said.update(Text(f"Feuille d'émargement de {code} : {path}"))
        self.notify(str(path), title="Feuille d'émargement", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)


def workshop_dialog(kind: str) -> Dialog[Any]:
    """The palette's workshop dialogs, by kind: ``add``, ``attend``, ``list``."""
    if kind == "add":
        return WorkshopFormScreen()
    if kind == "attend":
        return AttendFormScreen()
    return WorkshopListScreen()
