"""The member's journey (``ecp.members.journey``): social file, stages, meetings, workshops."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ecp.api.session import Books, _read, _write
from ecp.api.trail import _audit
from ecp.members import journey as journey_mod
from ecp.members.journey import Journey, MeetingView, Profile, StageView, WorkshopView

__all__ = ["Journey", "MeetingView", "Profile", "StageView", "WorkshopView"]


def update_profile(books: Books, code: str, *, sex: str | None = None,
                   birth_date: dt.date | None = None, zone: str | None = None,
                   province: str | None = None, education: str | None = None,
                   entry_situation: str | None = None, prescriber: str | None = None,
                   turnover_target: int | None = None, user: str | None = None) -> Profile:
    """Set fields of a member's social file (personal data: kept in these books only)."""
    with _write(books) as conn:
        out = journey_mod.update_profile(
            conn, code, books.who(user), books.today(), sex=sex, birth_date=birth_date,
            zone=zone, province=province, education=education,
            entry_situation=entry_situation, prescriber=prescriber,
            turnover_target=turnover_target)
        _audit(conn, books, "membre.fiche", out.member, "fiche sociale modifiée", user)
        return out


def member_stage(books: Books, code: str, stage: str, day: dt.date | None = None,
                 user: str | None = None) -> StageView:
    """Record a stage of the path: candidat, convention or actif (``member_exit`` for the
    exit)."""
    if stage == "sortie":
        from ecp.kernel.errors import InputError
        raise InputError("étape : la sortie se saisit avec son type (ecp member exit)",
                         field="stage", code="stage.exit")
    with _write(books) as conn:
        out = journey_mod.add_stage(conn, code, stage, day or books.today(), books.who(user))
        _audit(conn, books, "membre.etape", out.member, f"{stage} le {out.day}", user)
        return out


def member_exit(books: Books, code: str, exit_type: str, day: dt.date | None = None,
                reason: str = "", user: str | None = None) -> StageView:
    """The member leaves: its type (emploi, creation, formation, abandon, autre) and reason;
    the member's status becomes « sorti »."""
    with _write(books) as conn:
        out = journey_mod.add_stage(conn, code, "sortie", day or books.today(),
                                    books.who(user), exit_type, reason)
        _audit(conn, books, "membre.sortie", out.member, f"{exit_type} le {out.day}", user)
        return out


def member_journey(books: Books, code: str) -> Journey:
    with _read(books) as conn:
        return journey_mod.journey(conn, code)


def add_meeting(books: Books, member: str, day: dt.date, minutes: int, subject: str,
                advisor: str = "", notes: str = "", user: str | None = None) -> MeetingView:
    with _write(books) as conn:
        out = journey_mod.add_meeting(conn, member, day, minutes, subject, books.who(user),
                                      advisor, notes)
        _audit(conn, books, "accompagnement.rdv", out.member, f"{out.day} {minutes} min", user)
        return out


def meetings(books: Books, member: str | None = None) -> list[MeetingView]:
    with _read(books) as conn:
        return journey_mod.meetings(conn, member)


def add_workshop(books: Books, code: str, title: str, day: dt.date, minutes: int,
                 user: str | None = None) -> WorkshopView:
    with _write(books) as conn:
        out = journey_mod.add_workshop(conn, code, title, day, minutes, books.who(user))
        _audit(conn, books, "atelier.ajout", out.code, out.title, user)
        return out


def workshop_attend(books: Books, code: str, member: str,
                    user: str | None = None) -> WorkshopView:
    with _write(books) as conn:
        out = journey_mod.attend(conn, code, member, books.who(user))
        _audit(conn, books, "atelier.presence", out.code, member, user)
        return out


def workshops(books: Books) -> list[WorkshopView]:
    with _read(books) as conn:
        return journey_mod.workshops(conn)


def workshop_sheet(books: Books, code: str, out: Path) -> Path:
    """The workshop's attendance sheet (feuille d'émargement) as a PDF at ``out`` (checked by
    the caller, as every ``--out``): the ECP's identity, the members on the list, blank rows."""
    from sqlalchemy import select

    from ecp.db.models import Dimension
    from ecp.reports.attendance_pdf import render_sheet
    from ecp.sales import company as company_mod

    with _read(books) as conn:
        w = journey_mod.workshop(conn, code)
        stored = company_mod.settings(conn)  # a sheet needs the name and address only
        seller = (stored.get("company.name") or "ECP",
                  ", ".join(v for v in (stored.get("company.address"),
                                        stored.get("company.city")) if v))
        names = {r.code: (r.name, r.name_ar) for r in conn.execute(
            select(Dimension.code, Dimension.name, Dimension.name_ar)
            .where(Dimension.code.in_(w.attendees)))}
    render_sheet(seller, w, [(c, *names[c]) for c in w.attendees], out)
    return out


def workshop(books: Books, code: str) -> WorkshopView:
    with _read(books) as conn:
        return journey_mod.workshop(conn, code)
