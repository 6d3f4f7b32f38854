"""Issue 18: the member's journey — social file, stages of the path, exit, meetings and
workshops; logs insert-only; CLI."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from ecp import api
from ecp.kernel.errors import InputError, NotFoundError
from tests.e2e.run import ecp, ok

D = dt.date


def test_social_file_set_read_and_refused(books: api.Books) -> None:
    """Fields are set one call at a time (None leaves a field, "" clears a text); a wrong sex,
    a birth date in the future and a negative target are refused by field."""
    p = api.update_profile(books, "FZ", sex="f", birth_date=D(1990, 4, 12), zone="Beni Makada",
                           province="Tanger-Assilah", education="baccalauréat",
                           entry_situation="demandeuse d'emploi inscrite",
                           prescriber="ANAPEC", turnover_target=800_000)
    assert (p.sex, p.birth_date, p.zone, p.province, p.turnover_target) == (
        "F", D(1990, 4, 12), "Beni Makada", "Tanger-Assilah", 800_000)
    p = api.update_profile(books, "FZ", zone="")
    assert p.zone is None and p.province == "Tanger-Assilah" and p.sex == "F"
    for kw, field in (({"sex": "X"}, "sex"), ({"birth_date": D(2099, 1, 1)}, "birth_date"),
                      ({"turnover_target": -1}, "turnover_target"), ({}, "member")):
        with pytest.raises(InputError) as e:
            api.update_profile(books, "FZ", **kw)
        assert e.value.field == field
    with pytest.raises(NotFoundError):
        api.update_profile(books, "ZZ", sex="F")


def test_stages_go_forward_and_the_exit_closes_the_path(books: api.Books) -> None:
    """candidat 15/01 → convention 01/02 → actif 01/03; a stage dated before the last is
    refused (day); the exit needs its type, sets the status « sorti », and nothing follows."""
    api.member_stage(books, "FZ", "candidat", D(2026, 1, 15))
    api.member_stage(books, "FZ", "convention", D(2026, 2, 1))
    api.member_stage(books, "FZ", "actif", D(2026, 3, 1))
    with pytest.raises(InputError) as e:
        api.member_stage(books, "FZ", "convention", D(2026, 2, 10))
    assert (e.value.field, e.value.code) == ("day", "day.before_last_stage")
    with pytest.raises(InputError) as e:
        api.member_exit(books, "FZ", "partie", D(2026, 9, 30))
    assert e.value.field == "type"
    out = api.member_exit(books, "FZ", "emploi", D(2026, 9, 30), "CDI")
    assert out.label == "sortie : emploi salarié" and out.reason == "CDI"
    assert api.get_member(books, "FZ").status == "sorti"
    with pytest.raises(InputError) as e:
        api.member_stage(books, "FZ", "actif", D(2026, 10, 1))
    assert e.value.code == "member.exited"
    j = api.member_journey(books, "FZ")
    assert [(s.stage, s.day) for s in j.stages] == [
        ("candidat", D(2026, 1, 15)), ("convention", D(2026, 2, 1)), ("actif", D(2026, 3, 1)),
        ("sortie", D(2026, 9, 30))]
    assert j.stage is not None and j.stage.exit_type == "emploi"


def test_meetings_and_workshops(books: api.Books) -> None:
    """Two meetings (90 + 45 min), a workshop of 180 min attended by FZ and KH (twice is
    refused); FZ's journey lists both meetings and the workshop."""
    api.add_meeting(books, "FZ", D(2026, 3, 5), 90, "Plan de trésorerie", "Amina")
    api.add_meeting(books, "FZ", D(2026, 4, 2), 45, "Prix de vente")
    with pytest.raises(InputError) as e:
        api.add_meeting(books, "FZ", D(2026, 4, 2), 0, "Rien")
    assert e.value.field == "minutes"
    api.add_workshop(books, "at-01", "Fixer ses prix", D(2026, 3, 12), 180)
    with pytest.raises(InputError) as e:
        api.add_workshop(books, "AT-01", "Encore", D(2026, 3, 12), 60)
    assert e.value.code == "code.exists"
    api.workshop_attend(books, "AT-01", "FZ")
    w = api.workshop_attend(books, "AT-01", "KH")
    assert w.attendees == ("FZ", "KH")
    with pytest.raises(InputError) as e:
        api.workshop_attend(books, "AT-01", "FZ")
    assert e.value.code == "member.present"
    j = api.member_journey(books, "FZ")
    assert [m.minutes for m in j.meetings] == [90, 45]
    assert [w.code for w in j.workshops] == ["AT-01"]


def test_logs_are_insert_only(books: api.Books) -> None:
    api.member_stage(books, "FZ", "candidat", D(2026, 1, 15))
    api.add_meeting(books, "FZ", D(2026, 3, 5), 90, "Plan")
    api.add_workshop(books, "AT-01", "Prix", D(2026, 3, 12), 180)
    api.workshop_attend(books, "AT-01", "FZ")
    assert books.path is not None
    for sql in ("UPDATE member_stages SET day = 20260101", "DELETE FROM meetings",
                "UPDATE workshops SET minutes = 1", "DELETE FROM workshop_attendance"):
        with sqlite3.connect(books.path) as c, pytest.raises(sqlite3.DatabaseError,
                                                             match="parcours des membres"):
            c.execute(sql)
    assert api.verify(books, record=False).ok


def test_cli(db_path: Path) -> None:
    """The issue's commands, as typed."""
    ok(db_path, "member", "edit", "FZ", "--sex", "F", "--birth-date", "12/04/1990", "--zone",
       "Beni Makada", "--education", "bac", "--entry-situation", "sans activité",
       "--prescriber", "ANAPEC")
    ok(db_path, "member", "stage", "FZ", "candidat", "--date", "2026-01-15")
    ok(db_path, "member", "stage", "FZ", "actif", "--date", "2026-03-01")
    ok(db_path, "meeting", "add", "--member", "FZ", "--date", "2026-03-05", "--minutes", "90",
       "--subject", "Plan de trésorerie")
    ok(db_path, "workshop", "add", "AT-01", "--title", "Fixer ses prix", "--date",
       "2026-03-12", "--minutes", "180")
    ok(db_path, "workshop", "attend", "AT-01", "--member", "FZ")
    out = ok(db_path, "member", "journey", "FZ")
    assert "date de naissance : 12/04/1990" in out and "commune / zone : Beni Makada" in out
    assert "01/03/2026  entrée comme membre actif" in out
    assert "Rendez-vous : 1 (1 h 30)" in out and "AT-01  Fixer ses prix (3 h)" in out
    out = ok(db_path, "member", "exit", "FZ", "--date", "2026-09-30", "--type", "creation",
             "--reason", "SARL AU")
    assert "sortie : création de sa propre entreprise le 30/09/2026 (SARL AU)" in out
    bad = ecp(db_path, "member", "exit", "KH", "--type", "vacances")
    assert bad.returncode == 2 and "--type" in bad.stderr


def test_attendance_sheet(books: api.Books, tmp_path: Path) -> None:
    """The sheet lists the workshop, each member on the list with the Arabic name drawn, and
    blank rows: read back from the PDF."""
    from pypdf import PdfReader

    api.update_member(books, "FZ", name_ar="فاطمة الزهراء")
    api.add_workshop(books, "AT-01", "Fixer ses prix", D(2026, 3, 12), 150)
    api.workshop_attend(books, "AT-01", "FZ")
    api.workshop_attend(books, "AT-01", "KH")
    out = api.workshop_sheet(books, "AT-01", tmp_path / "sheet.pdf")
    text = PdfReader(str(out)).pages[0].extract_text()
    assert "Feuille d'émargement" in text and "Atelier AT-01 : Fixer ses prix" in text
    assert "Le 12/03/2026 — durée : 2 h 30" in text
    assert "FZ" in text and "KH" in text and "Présents : 2 inscrit(s)" in text
    assert any(ch in text for ch in "ﻓﻔﻒﻑ")  # the Arabic name drawn shaped (presentation forms)
