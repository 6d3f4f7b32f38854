"""The ECP's impact indicators over a period (issue 18): the figures, the one-page PDF for a
programme officer and the anonymised CSV for the observatory (``ecp.reports.impact``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from ecp.api.outputs import check_output
from ecp.api.session import Books, _read
from ecp.kernel.errors import InputError
from ecp.kernel.files import private_dir, replace_private
from ecp.reports.impact import (
    ANONYMISED_NOTICE,
    Impact,
    ImpactInput,
    MeetingFact,
    MemberFacts,
    MemberImpact,
    MonthFigures,
    PayMonth,
    StageEvent,
    WorkshopFact,
)

__all__ = ["ANONYMISED_NOTICE", "Impact", "MemberImpact"]


def _check(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise InputError(f"la fin de la période ({end.strftime('%d/%m/%Y')}) précède son "
                         f"début ({start.strftime('%d/%m/%Y')})", field="date_to",
                         code="period.order")


def impact_report(books: Books, start: dt.date, end: dt.date) -> Impact:
    """The indicators of [start, end]: members by stage and by sex × age band, entries and
    exits, jobs, turnover and contribution by activity, progression, months to the first
    invoice and to autonomy, accompaniment (definitions: docs/indicators.md)."""
    from ecp.reports import impact

    _check(start, end)
    with _read(books) as conn:
        data = load(conn, start, end)
    return impact.compute(data)


def impact_pdf(books: Books, start: dt.date, end: dt.date, out: Path, *,
               force: bool = False, invariant: bool = False) -> Path:
    """The one-page PDF of the indicators (headline figures and charts), written private at
    ``out`` (checked like every output: never the books nor the archive, an existing file only
    with ``force``)."""
    from ecp.reports.impact_pdf import render_impact_pdf

    check_output(books, out, force=force, make_parent=True)
    data = render_impact_pdf(impact_report(books, start, end), issued=books.today(),
                             invariant=invariant)
    private_dir(out.parent)
    replace_private(out, data)
    return out


def impact_anonymised_csv(books: Books, start: dt.date, end: dt.date, out: Path, *,
                          force: bool = False) -> Path:
    """The anonymised CSV for the observatory: one row per beneficiary, no name, no code (an
    opaque id), no birth date (an age band), no commune (the province)."""
    from ecp.reports.impact import anonymised_csv

    check_output(books, out, force=force, make_parent=True)
    text = anonymised_csv(impact_report(books, start, end))
    private_dir(out.parent)
    replace_private(out, text.encode("utf-8"))
    return out


# --- reading the books ------------------------------------------------------------------

def _date(value: int | None) -> dt.date | None:
    if value is None:
        return None
    return dt.date(value // 10000, value // 100 % 100, value % 100)


def load(conn: Connection, start: dt.date, end: dt.date) -> ImpactInput:
    """Read from the books what ``compute`` needs for [start, end]: SQL aggregates per member
    and month, never the lines one by one. Year-end entries (CL, AN and their reversals) are
    left out of the turnover, as every operational reader does."""
    from sqlalchemy import func, or_, select

    from ecp.db.models import (
        Account,
        Dimension,
        Document,
        Entry,
        Line,
        Meeting,
        MemberProfile,
        MemberRoute,
        MemberStage,
        Payslip,
        Workshop,
        WorkshopAttendance,
    )
    from ecp.ledger.entry import day_int
    from ecp.ledger.year_close import year_end_entries
    from ecp.members import payroll_rules
    from ecp.members.annual import TURNOVER_PREFIXES
    from ecp.members.economy import CONTRIBUTION_CHARGES
    from ecp.sales import company as company_mod
    from ecp.settings import impact_autonomy_threshold

    stored = company_mod.settings(conn)
    d0, d1 = day_int(start), day_int(end)
    members = tuple(
        MemberFacts(r.code, r.name, r.activity, r.sex, _date(r.birth_day), r.zone, r.province,
                    _date(r.joined_on))
        for r in conn.execute(
            select(Dimension.code, Dimension.name, Dimension.activity, Dimension.joined_on,
                   MemberProfile.sex, MemberProfile.birth_day, MemberProfile.zone,
                   MemberProfile.province)
            .outerjoin(MemberProfile, MemberProfile.member == Dimension.code)
            .where(Dimension.kind == "member").order_by(Dimension.code)))
    stages = tuple(
        StageEvent(r.id, r.member, r.stage, _date(r.day) or start, r.exit_type)
        for r in conn.execute(select(MemberStage.id, MemberStage.member, MemberStage.stage,
                                     MemberStage.day, MemberStage.exit_type)
                              .where(MemberStage.day <= d1)))
    # Turnover: the CGNC's chiffre d'affaires (711, 712) but the accounts flagged internal
    # (71248 is the ECP's contribution income), as the statements read it; contribution:
    # 61468 (61461 before issue 14), on the members' dimensions.
    turnover_acc = select(Account.code).where(
        or_(*(Account.code.like(f"{p}%") for p in TURNOVER_PREFIXES)), Account.internal == 0)
    month = Line.day / 100
    is_turnover = Line.account.in_(turnover_acc)
    amount = func.sum(Line.amount)
    rows = conn.execute(
        select(Line.dimension, month.label("month"), is_turnover.label("sale"), amount.label("a"))
        .join(Dimension, Dimension.code == Line.dimension)
        .where(Dimension.kind == "member", Line.day <= d1,
               is_turnover | Line.account.in_(CONTRIBUTION_CHARGES),
               Line.entry_id.not_in(year_end_entries()))
        .group_by(Line.dimension, month, is_turnover)).all()
    per_month: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for mr in rows:
        per_month[(mr.dimension, int(mr.month))][0 if mr.sale else 1] += (
            -int(mr.a) if mr.sale else int(mr.a))
    months = tuple(MonthFigures(code, m, v[0], v[1])
                   for (code, m), v in sorted(per_month.items()))
    period: dict[str, tuple[int, int]] = {}
    for pr in conn.execute(
            select(Line.dimension, is_turnover.label("sale"), amount.label("a"))
            .join(Dimension, Dimension.code == Line.dimension)
            .where(Dimension.kind == "member", Line.day >= d0, Line.day <= d1,
                   is_turnover | Line.account.in_(CONTRIBUTION_CHARGES),
                   Line.entry_id.not_in(year_end_entries()))
            .group_by(Line.dimension, is_turnover)):
        t, c = period.get(pr.dimension, (0, 0))
        period[pr.dimension] = (t - int(pr.a), c) if pr.sale else (t, c + int(pr.a))
    reversed_ids = select(Entry.reverses).where(Entry.reverses.is_not(None))
    pay_rows = conn.execute(
        select(Payslip.member, Payslip.month, func.sum(Payslip.gross).label("g"))
        .where(Payslip.month >= start.year * 100 + start.month,
               Payslip.month <= end.year * 100 + end.month,
               Payslip.entry_id.not_in(reversed_ids))
        .group_by(Payslip.member, Payslip.month)).all()
    pay = tuple(PayMonth(r.member, int(r.month), int(r.g), _smig(payroll_rules, int(r.month)))
                for r in pay_rows)
    routes: dict[str, str] = {}
    for rr in conn.execute(select(MemberRoute.member, MemberRoute.route)
                           .where(MemberRoute.valid_from <= d1)
                           .order_by(MemberRoute.member, MemberRoute.valid_from)):
        routes[rr.member] = rr.route
    first_invoices = {
        r.member: d for r in conn.execute(
            select(Document.member, func.min(Document.day).label("d"))
            .where(Document.kind == "facture", Document.day <= d1).group_by(Document.member))
        if (d := _date(int(r.d))) is not None}
    meetings = tuple(MeetingFact(r.member, _date(r.day) or start, int(r.minutes))
                     for r in conn.execute(select(Meeting.member, Meeting.day, Meeting.minutes)
                                           .where(Meeting.day >= d0, Meeting.day <= d1)))
    present: dict[str, list[str]] = defaultdict(list)
    for wr in conn.execute(select(WorkshopAttendance.workshop, WorkshopAttendance.member)
                           .join(Workshop, Workshop.code == WorkshopAttendance.workshop)
                           .where(Workshop.day >= d0, Workshop.day <= d1)):
        present[wr.workshop].append(wr.member)
    workshops = tuple(
        WorkshopFact(r.code, _date(r.day) or start, int(r.minutes),
                     tuple(sorted(present.get(r.code, []))))
        for r in conn.execute(select(Workshop.code, Workshop.day, Workshop.minutes)
                              .where(Workshop.day >= d0, Workshop.day <= d1)))
    return ImpactInput(
        (stored.get("company.name") or "").strip() or "ECP", start, end, members, stages,
        period, months, pay, routes, first_invoices, meetings, workshops,
        impact_autonomy_threshold(stored))


def _smig(payroll_rules: Any, month: int) -> int:
    """The monthly SMIG in force on the month's first day; before the first known row, the
    earliest known (the FTE needs one; docs/indicators.md)."""
    day = dt.date(month // 100, month % 100, 1)
    rows = sorted(payroll_rules.SMIGS, key=lambda s: s.valid_from)
    for s in reversed(rows):
        if s.valid_from <= day and (s.valid_to is None or day < s.valid_to):
            return int(s.monthly)
    return int(rows[0].monthly) if rows else 0
