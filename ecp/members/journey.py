"""The member's journey (issue 18): the social file, the stages of the path (candidat →
convention → actif → sortie), the accompaniment's meetings and workshops.

The social file is personal data: it stays in these books; what leaves them (the observatory's
CSV, a network report) is anonymised by ``ecp.reports.impact``. The stages, meetings, workshops
and attendance are logs (insert-only, migration 0016): a mistaken stage is corrected by a later
one, as an entry by its reversal. Errors name the façade parameter they are about.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from ecp.db.models import (
    Dimension,
    Meeting,
    MemberProfile,
    MemberStage,
    Workshop,
    WorkshopAttendance,
)
from ecp.kernel.errors import InputError, NotFoundError
from ecp.kernel.periods import check_date
from ecp.kernel.text import NAME, check_optional, check_text
from ecp.kernel.vocab import EXIT_TYPES
from ecp.ledger.entry import day_int, int_day
from ecp.ledger.posting import now_iso

SEXES = ("F", "M")
STAGES = ("candidat", "convention", "actif", "sortie")
STAGE_FR = {"candidat": "candidature", "convention": "convention d'accompagnement",
            "actif": "entrée comme membre actif", "sortie": "sortie"}
EXIT_FR = {"emploi": "emploi salarié", "creation": "création de sa propre entreprise",
           "formation": "formation", "abandon": "abandon", "autre": "autre"}
MAX_MINUTES = 24 * 60  # one meeting or workshop: at most a day
# a member's personal fields: the social file's columns and how messages name them
FIELDS = {"sex": "sexe", "birth_date": "date de naissance", "zone": "commune / zone",
          "province": "province", "education": "niveau d'études",
          "entry_situation": "situation à l'entrée", "prescriber": "prescripteur",
          "turnover_target": "objectif de chiffre d'affaires"}


@dataclass(frozen=True)
class Profile:
    member: str
    sex: str | None = None
    birth_date: dt.date | None = None
    zone: str | None = None
    province: str | None = None
    education: str | None = None
    entry_situation: str | None = None
    prescriber: str | None = None
    turnover_target: int | None = None  # centimes HT a month


@dataclass(frozen=True)
class StageView:
    member: str
    stage: str
    day: dt.date
    exit_type: str | None
    reason: str

    @property
    def label(self) -> str:
        if self.stage == "sortie" and self.exit_type:
            return f"sortie : {EXIT_FR[self.exit_type]}"
        return STAGE_FR[self.stage]


@dataclass(frozen=True)
class MeetingView:
    id: int
    member: str
    advisor: str
    day: dt.date
    minutes: int
    subject: str
    notes: str


@dataclass(frozen=True)
class WorkshopView:
    code: str
    title: str
    day: dt.date
    minutes: int
    attendees: tuple[str, ...]  # member codes, in the order they signed


@dataclass(frozen=True)
class Journey:
    profile: Profile
    stages: tuple[StageView, ...]
    meetings: tuple[MeetingView, ...]
    workshops: tuple[WorkshopView, ...]  # those the member attended

    @property
    def stage(self) -> StageView | None:
        return self.stages[-1] if self.stages else None


def _member(conn: Connection, code: str) -> str:
    found = conn.scalar(select(Dimension.code).where(Dimension.code == code.strip(),
                                                     Dimension.kind == "member"))
    if found is None:
        raise NotFoundError(f"membre « {code} » inconnu", field="member")
    return str(found)


def profile(conn: Connection, code: str) -> Profile:
    code = _member(conn, code)
    r = conn.execute(select(MemberProfile).where(MemberProfile.member == code)).first()
    if r is None:
        return Profile(code)
    return Profile(code, r.sex, int_day(r.birth_day) if r.birth_day else None, r.zone,
                   r.province, r.education, r.entry_situation, r.prescriber, r.turnover_target)


def update_profile(conn: Connection, code: str, user: str, on: dt.date, *,
                   sex: str | None = None, birth_date: dt.date | None = None,
                   zone: str | None = None, province: str | None = None,
                   education: str | None = None, entry_situation: str | None = None,
                   prescriber: str | None = None, turnover_target: int | None = None
                   ) -> Profile:
    """Set the given fields of a member's social file (None: unchanged; "" clears a text).
    ``on`` is today: a birth date after it is refused."""
    code = _member(conn, code)
    values: dict[str, object] = {}
    if sex is not None:
        s = sex.strip().upper()
        if s and s not in SEXES:
            raise InputError(f"sexe : « {sex} » (F ou M)", field="sex", code="sex.unknown")
        values["sex"] = s or None
    if birth_date is not None:  # any year: not the books' 2000–2099
        if birth_date > on or birth_date.year < on.year - 120:
            raise InputError(f"date de naissance : {birth_date.strftime('%d/%m/%Y')} "
                             "invraisemblable", field="birth_date", code="birth_date.range")
        values["birth_day"] = day_int(birth_date)
    for name, value in (("zone", zone), ("province", province), ("education", education),
                        ("entry_situation", entry_situation), ("prescriber", prescriber)):
        if value is not None:
            check_optional(value.strip(), FIELDS[name], 100, field=name)
            values[name] = value.strip() or None
    if turnover_target is not None:
        if turnover_target < 0:
            raise InputError("objectif de chiffre d'affaires : positif (DH HT par mois)",
                             field="turnover_target", code="turnover_target.negative")
        values["turnover_target"] = turnover_target or None
    if not values:
        raise InputError("rien à modifier (--sex, --birth-date, --zone, --province, "
                         "--education, --entry-situation, --prescriber, --target)",
                         field="member", code="nothing")
    values.update(at=now_iso(), by=user)
    if conn.scalar(select(MemberProfile.member).where(MemberProfile.member == code)):
        conn.execute(update(MemberProfile).where(MemberProfile.member == code).values(values))
    else:
        conn.execute(insert(MemberProfile).values(member=code, **values))
    return profile(conn, code)


def stages(conn: Connection, code: str | None = None) -> list[StageView]:
    """The stages' log, in the path's order (by day, then as recorded)."""
    q = select(MemberStage).order_by(MemberStage.member, MemberStage.day, MemberStage.id)
    if code is not None:
        q = q.where(MemberStage.member == code)
    return [StageView(r.member, r.stage, int_day(r.day), r.exit_type, r.reason)
            for r in conn.execute(q)]


def add_stage(conn: Connection, code: str, stage: str, day: dt.date, user: str,
              exit_type: str | None = None, reason: str = "") -> StageView:
    """Record a stage. The path goes forward: a stage dated before the member's last one is
    refused (``day``), as is any stage after the exit; ``sortie`` needs its type."""
    code = _member(conn, code)
    if stage not in STAGES:
        raise InputError(f"étape : « {stage} » ({', '.join(STAGES)})", field="stage",
                         code="stage.unknown")
    check_date(day, field="day")
    reason = reason.strip()
    check_optional(reason, "motif", 300, field="reason")
    if stage == "sortie":
        if exit_type not in EXIT_TYPES:
            raise InputError(f"type de sortie : « {exit_type or ''} » "
                             f"({', '.join(EXIT_TYPES)})", field="type", code="type.unknown")
    elif exit_type is not None:
        raise InputError("type de sortie : seulement pour une sortie", field="type",
                         code="type.not_exit")
    past = stages(conn, code)
    if past:
        last = past[-1]
        if last.stage == "sortie":
            raise InputError(f"membre {code} : sorti le {last.day.strftime('%d/%m/%Y')} ; "
                             "une nouvelle entrée se saisit comme un nouveau membre",
                             field="member", code="member.exited")
        if day < last.day:
            raise InputError(f"date : {day.strftime('%d/%m/%Y')} précède l'étape « "
                             f"{last.label} » du {last.day.strftime('%d/%m/%Y')}",
                             field="day", code="day.before_last_stage")
    conn.execute(insert(MemberStage).values(member=code, stage=stage, day=day_int(day),
                                            exit_type=exit_type, reason=reason,
                                            at=now_iso(), by=user))
    if stage == "sortie":
        conn.execute(update(Dimension).where(Dimension.code == code).values(status="sorti"))
    return stages(conn, code)[-1]


def add_meeting(conn: Connection, code: str, day: dt.date, minutes: int, subject: str,
                user: str, advisor: str = "", notes: str = "") -> MeetingView:
    code = _member(conn, code)
    check_date(day, field="day")
    if not 0 < minutes <= MAX_MINUTES:
        raise InputError(f"durée : {minutes} minutes (de 1 à {MAX_MINUTES})", field="minutes",
                         code="minutes.range")
    if not subject.strip():
        raise InputError("objet : obligatoire", field="subject", code="subject.required")
    check_text(subject.strip(), "objet", 200, field="subject")
    check_optional(advisor.strip(), "conseiller", NAME, field="advisor")
    check_optional(notes.strip(), "notes", 2000, field="notes")
    res = conn.execute(insert(Meeting).values(
        member=code, advisor=advisor.strip(), day=day_int(day), minutes=minutes,
        subject=subject.strip(), notes=notes.strip(), at=now_iso(), by=user))
    mid = int(res.inserted_primary_key[0])  # type: ignore[index]
    return MeetingView(mid, code, advisor.strip(), day, minutes, subject.strip(), notes.strip())


def meetings(conn: Connection, code: str | None = None) -> list[MeetingView]:
    q = select(Meeting).order_by(Meeting.day, Meeting.id)
    if code is not None:
        q = q.where(Meeting.member == code)
    return [MeetingView(r.id, r.member, r.advisor, int_day(r.day), r.minutes, r.subject,
                        r.notes) for r in conn.execute(q)]


def add_workshop(conn: Connection, code: str, title: str, day: dt.date, minutes: int,
                 user: str) -> WorkshopView:
    code = code.strip().upper()
    if not code or len(code) > 20 or not code.replace("-", "").replace("_", "").isalnum():
        raise InputError(f"code : « {code} » (lettres, chiffres, - ou _, 20 au plus)",
                         field="code", code="code.invalid")
    if conn.scalar(select(Workshop.code).where(Workshop.code == code)):
        raise InputError(f"atelier {code} : existe déjà", field="code", code="code.exists")
    if not title.strip():
        raise InputError("titre : obligatoire", field="title", code="title.required")
    check_text(title.strip(), "titre", 200, field="title")
    check_date(day, field="day")
    if not 0 < minutes <= MAX_MINUTES:
        raise InputError(f"durée : {minutes} minutes (de 1 à {MAX_MINUTES})", field="minutes",
                         code="minutes.range")
    conn.execute(insert(Workshop).values(code=code, title=title.strip(), day=day_int(day),
                                         minutes=minutes, at=now_iso(), by=user))
    return workshop(conn, code)


def workshop(conn: Connection, code: str) -> WorkshopView:
    r = conn.execute(select(Workshop).where(Workshop.code == code.strip().upper())).first()
    if r is None:
        raise NotFoundError(f"atelier « {code} » inconnu", field="code")
    who = tuple(conn.scalars(select(WorkshopAttendance.member)
                             .where(WorkshopAttendance.workshop == r.code)
                             .order_by(WorkshopAttendance.at, WorkshopAttendance.member)))
    return WorkshopView(r.code, r.title, int_day(r.day), r.minutes, who)


def workshops(conn: Connection) -> list[WorkshopView]:
    """Every workshop with its list, in two reads (not one per workshop)."""
    present: dict[str, list[str]] = {}
    for r in conn.execute(select(WorkshopAttendance.workshop, WorkshopAttendance.member)
                          .order_by(WorkshopAttendance.at, WorkshopAttendance.member)):
        present.setdefault(r.workshop, []).append(r.member)
    return [WorkshopView(r.code, r.title, int_day(r.day), r.minutes,
                         tuple(present.get(r.code, ())))
            for r in conn.execute(select(Workshop).order_by(Workshop.day, Workshop.code))]


def attend(conn: Connection, code: str, member: str, user: str) -> WorkshopView:
    w = workshop(conn, code)
    member = _member(conn, member)
    if member in w.attendees:
        raise InputError(f"atelier {w.code} : {member} est déjà sur la liste de présence",
                         field="member", code="member.present")
    conn.execute(insert(WorkshopAttendance).values(workshop=w.code, member=member,
                                                   at=now_iso(), by=user))
    return workshop(conn, w.code)


def journey(conn: Connection, code: str) -> Journey:
    code = _member(conn, code)
    return Journey(profile(conn, code), tuple(stages(conn, code)), tuple(meetings(conn, code)),
                   tuple(w for w in workshops(conn) if code in w.attendees))
