"""Issue 18 on screen, keyboard first with Pilot: the « Parcours » section of a member's page
(F6 → p → j) shows the social file, the stages, the meetings with their total hours and the
workshops attended; its forms add a stage, refuse a birth date under its field, record a
meeting, an attendance and the exit (after a confirmation); the palette's collective workshops;
the « Impact » screen shows the figures ``api.impact_report`` computes and writes the PDF and
the anonymised CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from ecp import api
from ecp.reports.impact import hours_text
from ecp.tui.app import EcpApp
from ecp.tui.screens import impact as impact_screen
from ecp.tui.screens import journey_dialogs
from ecp.tui.screens.impact import ImpactScreen
from ecp.tui.screens.journey_dialogs import (
    AttendFormScreen,
    ConfirmExitScreen,
    ExitFormScreen,
    MeetingFormScreen,
    ProfileFormScreen,
    StageFormScreen,
    WorkshopFormScreen,
    WorkshopListScreen,
)
from ecp.tui.screens.member_page import MemberPageScreen
from ecp.tui.screens.members import MembersScreen
from tests.tui.pilot import field_error, palette, rows, shown, type_text, until

D = dt.date
TODAY = D(2026, 4, 6)
SIZE = (160, 45)


@pytest.fixture
def journey(books: api.Books) -> api.Books:
    """FZ: a social file (sex, birth date, commune, province, prescriber; no education, no
    target), candidat on 15/01 and en convention on 01/02/2026, two meetings (90 + 45 min),
    the workshop AT-01 (180 min) attended; KH at AT-01 too."""
    api.update_profile(books, "FZ", sex="F", birth_date=D(1990, 4, 12), zone="Beni Makada",
                       province="Tanger-Assilah", prescriber="ANAPEC")
    api.member_stage(books, "FZ", "candidat", D(2026, 1, 15))
    api.member_stage(books, "FZ", "convention", D(2026, 2, 1))
    api.add_meeting(books, "FZ", D(2026, 2, 5), 90, "Plan de trésorerie", "Amina")
    api.add_meeting(books, "FZ", D(2026, 3, 2), 45, "Prix de vente")
    api.add_workshop(books, "AT-01", "Fixer ses prix", D(2026, 3, 12), 180)
    api.workshop_attend(books, "AT-01", "FZ")
    api.workshop_attend(books, "AT-01", "KH")
    return books


async def open_parcours(app: EcpApp, pilot: Pilot[Any]) -> MemberPageScreen:
    await pilot.press("f6")
    await until(pilot, lambda: isinstance(app.screen, MembersScreen))
    await pilot.press("p")  # FZ is the first member
    await until(pilot, lambda: isinstance(app.screen, MemberPageScreen))
    page = app.screen
    assert isinstance(page, MemberPageScreen) and page.member == "FZ"
    await pilot.press("j")
    await until(pilot, lambda: page.showing_journey and bool(rows(app, "#t-stages")))
    return page


async def press_ok(app: EcpApp, pilot: Pilot[Any]) -> None:
    """Enter on the form's button (on a drop-down, Enter opens its list)."""
    app.screen.query_one("#ok").focus()
    await pilot.pause(0.25)  # a button ignores a press within 0.2 s of the last one
    await pilot.press("enter")


async def retype(pilot: Pilot[Any], text: str) -> None:
    """Replace what the focused field holds."""
    await pilot.press("end", "ctrl+u")
    await type_text(pilot, text)


async def test_parcours_shows_the_journey_and_adds_a_stage(journey: api.Books) -> None:
    app = EcpApp(journey, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        page = await open_parcours(app, pilot)
        profile = shown(app, "#profile")
        for line in ("Sexe : F — femme", "Date de naissance : 12/04/1990",
                     "Commune / zone : Beni Makada", "Province : Tanger-Assilah",
                     "Niveau d'études : non renseigné", "Situation à l'entrée : non renseigné",
                     "Prescripteur : ANAPEC", "Objectif de CA HT / mois : non renseigné",
                     "Étape actuelle : convention d'accompagnement"):
            assert line in profile.splitlines(), line
        assert rows(app, "#t-stages") == [["15/01/2026", "candidature", ""],
                                          ["01/02/2026", "convention d'accompagnement", ""]]
        # 90 + 45 = 135 min = 2 h 15
        assert rows(app, "#t-meetings") == [
            ["05/02/2026", "1 h 30", "Plan de trésorerie", "Amina"],
            ["02/03/2026", "0 h 45", "Prix de vente", ""]]
        assert shown(app, "#title-t-meetings") == \
            "Rendez-vous d'accompagnement (2, total 2 h 15)"
        assert rows(app, "#t-workshops") == [["12/03/2026", "AT-01", "Fixer ses prix", "3 h"]]

        # e: the next stage is offered (actif), dated today; a date before the last stage is
        # refused under the date, then 01/03/2026 is recorded and listed
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, StageFormScreen))
        assert app.screen.query_one("#stage", Select).value == "actif"
        assert app.screen.query_one("#day", Input).value == "06/04/2026"
        await retype(pilot, "20/01/2026")
        await pilot.press("enter")
        await until(pilot, lambda: bool(field_error(app, "day")))
        assert field_error(app, "day") == ("date : 20/01/2026 précède l'étape « convention "
                                           "d'accompagnement » du 01/02/2026")
        await retype(pilot, "01/03/2026")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is page)
        assert rows(app, "#t-stages")[-1] == ["01/03/2026", "entrée comme membre actif", ""]
        assert "Étape actuelle : entrée comme membre actif" in shown(app, "#profile")
        assert [(s.stage, s.day) for s in api.member_journey(journey, "FZ").stages][-1] == (
            "actif", D(2026, 3, 1))
        # Escape goes back to the month, then leaves the page
        await pilot.press("escape")
        assert not page.showing_journey and page.query_one("#grid").display
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MembersScreen))


async def test_social_file_refused_birth_date_under_its_field(journey: api.Books) -> None:
    app = EcpApp(journey, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        page = await open_parcours(app, pilot)
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, ProfileFormScreen))
        form = app.screen
        assert form.query_one("#birth_date", Input).value == "12/04/1990"
        assert form.query_one("#sex", Select).value == "F"
        # a birth date after today (06/04/2026): the API's refusal, under the field
        await retype(pilot, "01/01/2030")
        await pilot.press("enter")
        await until(pilot, lambda: bool(field_error(app, "birth_date")))
        assert field_error(app, "birth_date") == "date de naissance : 01/01/2030 invraisemblable"
        # a date that does not exist: the form's own refusal, same place
        await retype(pilot, "31/02/1985")
        await pilot.press("enter")
        await until(pilot, lambda: "n'est pas une date qui existe" in field_error(
            app, "birth_date"))
        assert app.screen is form and api.member_journey(journey, "FZ").profile.birth_date \
            == D(1990, 4, 12)  # nothing written
        # any year is taken (not the books' 2000–2099); the target in DH, the education
        await retype(pilot, "03/11/1978")
        form.query_one("#education", Input).value = "licence"
        form.query_one("#turnover_target", Input).value = "5 000,00"
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is page)
        p = api.member_journey(journey, "FZ").profile
        assert (p.birth_date, p.education, p.turnover_target, p.sex, p.zone) == (
            D(1978, 11, 3), "licence", 500_000, "F", "Beni Makada")
        lines = shown(app, "#profile").splitlines()
        assert "Date de naissance : 03/11/1978" in lines
        assert "Objectif de CA HT / mois : 5 000,00 DH" in lines


async def test_meeting_attendance_and_exit(journey: api.Books) -> None:
    api.add_workshop(journey, "AT-02", "Trouver ses clients", D(2026, 3, 26), 120)
    app = EcpApp(journey, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        page = await open_parcours(app, pilot)
        # n: a meeting of 60 min (0 min is refused under the duration)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, MeetingFormScreen))
        await type_text(pilot, "0")
        await pilot.press("tab")
        await type_text(pilot, "Devis")
        await pilot.press("enter")
        await until(pilot, lambda: bool(field_error(app, "minutes")))
        assert field_error(app, "minutes") == "durée : 0 minutes (de 1 à 1440)"
        await retype(pilot, "60")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is page)
        # 90 + 45 + 60 = 195 min = 3 h 15
        assert shown(app, "#title-t-meetings") == \
            "Rendez-vous d'accompagnement (3, total 3 h 15)"
        assert rows(app, "#t-meetings")[-1] == ["06/04/2026", "1 h", "Devis", ""]
        # p: present at AT-02 (the latest first in the list); AT-01 again is refused
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, AttendFormScreen))
        sel = app.screen.query_one("#workshop", Select)
        sel.value = "AT-01"
        await press_ok(app, pilot)
        await until(pilot, lambda: "déjà sur la liste" in field_error(app, "general"))
        sel.value = "AT-02"
        await press_ok(app, pilot)
        await until(pilot, lambda: app.screen is page)
        assert [r[1] for r in rows(app, "#t-workshops")] == ["AT-01", "AT-02"]
        assert api.workshop(journey, "AT-02").attendees == ("FZ",)
        # s: the exit, its type to choose, then a confirmation (n: nothing written)
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ExitFormScreen))
        form = app.screen
        form.query_one("#day", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: bool(field_error(app, "type")))
        assert field_error(app, "type") == "type de sortie : à choisir"
        form.query_one("#type", Select).value = "emploi"
        form.query_one("#reason", Input).focus()
        await type_text(pilot, "CDI")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmExitScreen))
        await pilot.press("n")
        await until(pilot, lambda: app.screen is form)
        assert api.get_member(journey, "FZ").status != "sorti"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmExitScreen))
        await pilot.press("o")
        await until(pilot, lambda: app.screen is page)
        assert rows(app, "#t-stages")[-1] == ["06/04/2026", "sortie", "emploi salarié — CDI"]
        assert api.get_member(journey, "FZ").status == "sorti"


async def test_workshops_from_the_palette(journey: api.Books, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journey_dialogs, "EXPORT_DIR", tmp_path)
    app = EcpApp(journey, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await palette(pilot, "atelier collectif : nouveau")
        await until(pilot, lambda: isinstance(app.screen, WorkshopFormScreen))
        await type_text(pilot, "at-01")
        await pilot.press("tab")
        await type_text(pilot, "Encore")
        await pilot.press("tab", "tab")
        await type_text(pilot, "120")
        await pilot.press("enter")
        await until(pilot, lambda: bool(field_error(app, "code")))
        assert field_error(app, "code") == "atelier AT-01 : existe déjà"
        app.screen.query_one("#code", Input).value = "AT-03"
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, WorkshopFormScreen))
        assert (api.workshop(journey, "AT-03").title, api.workshop(journey, "AT-03").minutes) \
            == ("Encore", 120)
        await palette(pilot, "atelier collectif : présence")
        await until(pilot, lambda: isinstance(app.screen, AttendFormScreen))
        app.screen.query_one("#member", Select).value = "YS"
        app.screen.query_one("#workshop", Select).value = "AT-03"
        await press_ok(app, pilot)
        await until(pilot, lambda: not isinstance(app.screen, AttendFormScreen))
        assert api.workshop(journey, "AT-03").attendees == ("YS",)
        await palette(pilot, "atelier collectif : liste")
        await until(pilot, lambda: isinstance(app.screen, WorkshopListScreen))
        assert rows(app, "#workshops") == [
            ["12/03/2026", "AT-01", "Fixer ses prix", "3 h", "2 : FZ, KH"],
            ["06/04/2026", "AT-03", "Encore", "2 h", "1 : YS"]]
        # i: the attendance sheet of the workshop under the cursor (the first: AT-01)
        await pilot.press("i")
        sheet = tmp_path / "emargement-AT-01.pdf"
        await until(pilot, lambda: sheet.exists())
        assert sheet.read_bytes().startswith(b"%PDF")
        assert shown(app, "#workshops-said") == f"Feuille d'émargement de AT-01 : {sheet}"


async def test_impact_screen(journey: api.Books, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(impact_screen, "EXPORT_DIR", tmp_path)
    app = EcpApp(journey, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await palette(pilot, "rapport : impact du programme")
        await until(pilot, lambda: isinstance(app.screen, ImpactScreen))
        screen = app.screen
        assert screen.query_one("#date_from", Input).value == "01/01/2026"
        assert screen.query_one("#date_to", Input).value == "06/04/2026"
        summary = {r[0]: r[1] for r in rows(app, "#s-synthese")}
        imp = api.impact_report(journey, D(2026, 1, 1), TODAY)
        # meetings of the period: 90 + 45 = 135 min = 2,25 h → 2,3 (one decimal, half-up)
        assert summary["Heures d'accompagnement individuel"] == "2,3" \
            == hours_text(imp.meeting_minutes)
        assert summary["Rendez-vous d'accompagnement"] == "2" == str(imp.meetings)
        # AT-01: one session, FZ and KH: 2 participations, 2 × 180 min = 6 h
        assert (summary["Ateliers (séances)"], summary["Participations aux ateliers"],
                summary["Heures-participants en atelier"]) == ("1", "2", "6,0")
        # a period before the meetings: none; the end before the start is refused
        await pilot.press("d")
        await retype(pilot, "01/01/2026")
        await pilot.press("enter")
        await retype(pilot, "31/01/2026")
        await pilot.press("enter")
        await until(pilot, lambda: {r[0]: r[1] for r in rows(app, "#s-synthese")}[
            "Rendez-vous d'accompagnement"] == "0")
        await pilot.press("d")
        await retype(pilot, "01/03/2026")
        await pilot.press("enter")
        await pilot.press("enter")  # au 31/01/2026
        await until(pilot, lambda: "précède son début" in shown(app, "#err-period"))
        assert app.screen.focused is screen.query_one("#date_to", Input)
        await retype(pilot, "31/03/2026")
        await pilot.press("enter")
        await until(pilot, lambda: {r[0]: r[1] for r in rows(app, "#s-synthese")}[
            "Rendez-vous d'accompagnement"] == "1")  # 02/03 only
        # the exports, into the current folder
        await pilot.press("p")
        pdf = tmp_path / "impact-2026-03-01-2026-03-31.pdf"
        await until(pilot, lambda: pdf.exists())
        assert pdf.read_bytes().startswith(b"%PDF")
        await pilot.press("c")
        csv_path = tmp_path / "impact-anonymise-2026-03-01-2026-03-31.csv"
        await until(pilot, lambda: csv_path.exists())
        text = csv_path.read_text(encoding="utf-8")
        assert "Fatima" not in text and "1990" not in text and "Beni Makada" not in text
        assert "Tanger-Assilah" in text
        assert f"({api.ANONYMISED_NOTICE})" in shown(app, "#message")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ImpactScreen))
