"""The ECP's impact over a period (issue 18, « Indicateurs »): who the members are, where they
are in their path, what they earn and how they are accompanied — the figures a programme
officer or the regional observatory asks for. Definitions: ``docs/indicators.md``.

Three parts:

- ``ecp.api.impact`` reads what the indicators need from the books (SQL aggregates: the
  social files, the stages' log, monthly turnover and contribution per member, payslips,
  routes, first invoices, meetings, workshops) into plain frozen rows (:class:`ImpactInput`);
- ``compute`` turns those rows into the indicators (:class:`Impact`), a pure function that
  the tests feed with a hand-built cohort;
- ``impact_tables`` / ``anonymised_csv`` / ``machine_csv`` / ``machine_json`` present them.

Everything is an integer: money in centimes, ages and months whole, hours kept as minutes
and shown with one decimal (half-up), full-time equivalents in hundredths (half-up, from
exact fractions). No float anywhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ecp.kernel.errors import InputError
from ecp.kernel.money import fmt_fr, fmt_plain
from ecp.kernel.units import half_up_div
from ecp.reports.cells import csv_cell
from ecp.reports.tables import Cell, Column, Money, Row, Table, Term

STAGES = ("candidat", "convention", "actif", "sortie")
STAGE_LABELS = {"candidat": "candidat", "convention": "en convention d'accompagnement",
                "actif": "membre actif (entrepreneur)", "sortie": "sorti"}
EXIT_TYPES = ("emploi", "creation", "formation", "abandon", "autre")
EXIT_LABELS = {"emploi": "emploi salarié", "creation": "création d'entreprise",
               "formation": "formation", "abandon": "abandon", "autre": "autre"}
BANDS = ("<25", "25-34", "35-44", "45-54", "55+")
BAND_LABELS = {"<25": "moins de 25 ans", "25-34": "25 à 34 ans", "35-44": "35 à 44 ans",
               "45-54": "45 à 54 ans", "55+": "55 ans et plus"}
SEXES = ("F", "M")
UNKNOWN = "non renseigné"
UNKNOWN_KEY = "nr"
NO_ACTIVITY = "non renseignée"
WINDOW = 6  # months: the first six after entry, the last six of the period
DEFAULT_THRESHOLD = 300_000  # impact.autonomy_threshold: 3 000 DH HT a month [?]
ANONYMISED_NOTICE = "données anonymisées : ni nom, ni date de naissance, ni commune"


# --- the rows the indicators are computed from ------------------------------------------------

@dataclass(frozen=True)
class MemberFacts:
    """A member's dimension and social file (None: not filled in)."""

    code: str
    name: str
    activity: str | None = None
    sex: str | None = None  # F | M
    birth: dt.date | None = None
    zone: str | None = None  # the commune: personal, never exported
    province: str | None = None
    joined: dt.date | None = None  # the dimension's joined_on


@dataclass(frozen=True)
class StageEvent:
    """A row of the stages' log (insert-only): the stage at a date is the last row dated on or
    before it, by day then id."""

    id: int
    member: str
    stage: str
    day: dt.date
    exit_type: str | None = None


@dataclass(frozen=True)
class MonthFigures:
    """A member's month (YYYYMM), up to the period's end: HT invoiced (accounts 711 and 712
    but the internal ones, credit − debit) and contribution (61468, debit − credit)."""

    member: str
    month: int
    turnover: int
    contribution: int = 0


@dataclass(frozen=True)
class PayMonth:
    """A salaried member's gross pay of a month (their payslips added up, reversed ones left
    out) and the monthly SMIG of that month (centimes)."""

    member: str
    month: int
    gross: int
    smig: int


@dataclass(frozen=True)
class MeetingFact:
    member: str
    day: dt.date
    minutes: int


@dataclass(frozen=True)
class WorkshopFact:
    code: str
    day: dt.date
    minutes: int
    attendees: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImpactInput:
    """What ``compute`` needs, read once from the books (``load``) or built by hand (tests).

    ``period``: each member's HT turnover and contribution from ``start`` to ``end``;
    ``months``: their monthly figures up to ``end`` (from their first month);
    ``routes``: each member's remuneration route at ``end`` (``salarie`` | ``independant``);
    ``first_invoices``: each member's first invoice day, on or before ``end``."""

    ecp_name: str
    start: dt.date
    end: dt.date
    members: tuple[MemberFacts, ...]
    stages: tuple[StageEvent, ...] = ()
    period: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    months: tuple[MonthFigures, ...] = ()
    pay: tuple[PayMonth, ...] = ()
    routes: Mapping[str, str] = field(default_factory=dict)
    first_invoices: Mapping[str, dt.date] = field(default_factory=dict)
    meetings: tuple[MeetingFact, ...] = ()
    workshops: tuple[WorkshopFact, ...] = ()
    threshold: int = DEFAULT_THRESHOLD


# --- the indicators ----------------------------------------------------------------------------

@dataclass(frozen=True)
class MemberImpact:
    """One beneficiary of the period (see ``compute``)."""

    code: str
    name: str
    opaque: str  # first 10 hex of sha256(ECP name + code): the anonymised CSV's id
    sex: str | None
    age: int | None  # at the period's end
    band: str | None
    province: str | None
    activity: str | None
    stage: str | None  # at the period's end
    entry: dt.date | None  # first day as actif, on or before the end
    exit: dt.date | None  # the exit in force at the end
    exit_type: str | None
    turnover: int  # HT of the period
    contribution: int
    first6: int | None  # HT of the first six months from the entry month (None: no entry)
    first6_complete: bool  # the six months all end on or before the period's end
    last6: int  # HT of the last six months of the period
    progression_pct: int | None  # (last6 − first6) × 100 / first6, half-up; None: first6 ≤ 0
    months_to_invoice: int | None  # entry month → first invoice month (≥ 0); None: none yet
    months_to_autonomy: int | None  # entry month → first month with HT ≥ the threshold
    meetings: int
    meeting_minutes: int
    workshops: int
    workshop_minutes: int
    salaried: bool


@dataclass(frozen=True)
class ActivityLine:
    activity: str
    members: int  # members of the activity with turnover or contribution in the period
    turnover: int
    contribution: int


@dataclass(frozen=True)
class Impact:
    ecp_name: str
    start: dt.date
    end: dt.date
    threshold: int
    members: tuple[MemberImpact, ...]  # the beneficiaries, by code
    by_stage: tuple[tuple[str, int], ...]  # STAGES then UNKNOWN_KEY
    by_sex_age: tuple[tuple[str, int, int, int], ...]  # band (BANDS then nr): F, M, nr
    entries: int  # members who became actif in the period
    exits: tuple[tuple[str, int], ...]  # EXIT_TYPES then nr: exits dated in the period
    active: int  # stage actif at the end
    salaried: int  # beneficiaries not exited whose route at the end is salarie
    fte_hundredths: int  # full-time equivalents over the period, hundredths
    pay_months: int  # member-months of payslips in the period
    period_months: int
    activities: tuple[ActivityLine, ...]
    turnover: int  # HT of every member, the period
    contribution: int
    first6_total: int
    last6_total: int
    invoice_months_avg: int | None  # average of months_to_invoice (half-up), None: none
    invoiced: int  # beneficiaries with an entry who invoiced
    autonomy_months_avg: int | None
    autonomous: int
    with_entry: int  # beneficiaries with an entry date
    meetings: int
    meeting_minutes: int
    members_met: int
    sessions: int
    attendances: int
    attendees: int  # distinct members at a workshop of the period
    member_minutes: int  # Σ attendance × the workshop's minutes


def month_key(d: dt.date) -> int:
    return d.year * 100 + d.month


def month_index(key: int) -> int:
    return (key // 100) * 12 + key % 100 - 1


def index_month(index: int) -> int:
    return (index // 12) * 100 + index % 12 + 1


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years on ``day``: 25 on the 25th birthday itself."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_band(age: int | None) -> str | None:
    if age is None:
        return None
    if age < 25:
        return "<25"
    if age >= 55:
        return "55+"
    low = 25 + (age - 25) // 10 * 10
    return f"{low}-{low + 9}"


def opaque_id(ecp_name: str, code: str) -> str:
    """The anonymised CSV's member id: stable from one export to the next of the same ECP,
    meaningless outside it (no code, no name)."""
    return hashlib.sha256((ecp_name + code).encode("utf-8")).hexdigest()[:10]


def hours_text(minutes: int, machine: bool = False) -> str:
    """Minutes as hours with one decimal, half-up: 95 min → ``1,6`` (``1.6`` for machines)."""
    tenths = half_up_div(minutes, 6)
    sign = "-" if tenths < 0 else ""
    t = abs(tenths)
    return f"{sign}{t // 10}{'.' if machine else ','}{t % 10}"


def hundredths_text(value: int, machine: bool = False) -> str:
    whole = f"{value // 100:,}".replace(",", " ") if not machine else str(value // 100)
    return f"{whole}{'.' if machine else ','}{value % 100:02d}"


def _half_up_fraction(x: Fraction) -> int:
    """``x`` rounded half-up to an integer (x ≥ 0)."""
    return (2 * x.numerator + x.denominator) // (2 * x.denominator)


def _stage_at(events: Sequence[StageEvent], day: dt.date) -> StageEvent | None:
    last = None
    for e in events:  # sorted by (day, id)
        if e.day <= day:
            last = e
    return last


def compute(data: ImpactInput) -> Impact:
    """The indicators of ``data`` over [start, end] (definitions: docs/indicators.md).

    Beneficiaries of the period: members whose stage at the end is candidat, convention or
    actif, or who left during the period (sortie dated in it); members with no stage at all
    count when their dimension existed at the end (stage « non renseigné »). Stages, sex × age,
    the progression, months to invoice and to autonomy and the anonymised rows are about them;
    turnover and contribution by activity are about every member with figures in the period."""
    start, end = data.start, data.end
    if start > end:
        raise InputError("la fin de la période précède son début", field="date_to",
                         code="period.order")
    end_m, start_m = month_index(month_key(end)), month_index(month_key(start))
    by_member: dict[str, list[StageEvent]] = defaultdict(list)
    for e in sorted(data.stages, key=lambda e: (e.day, e.id)):
        by_member[e.member].append(e)
    monthly: dict[str, dict[int, int]] = defaultdict(dict)
    for f in data.months:
        k = month_index(f.month)
        monthly[f.member][k] = monthly[f.member].get(k, 0) + f.turnover
    met: dict[str, list[MeetingFact]] = defaultdict(list)
    for mt in data.meetings:
        if start <= mt.day <= end:
            met[mt.member].append(mt)
    shops = [w for w in data.workshops if start <= w.day <= end]
    attended: dict[str, list[WorkshopFact]] = defaultdict(list)
    for w in shops:
        for a in set(w.attendees):
            attended[a].append(w)

    people: list[MemberImpact] = []
    for m in sorted(data.members, key=lambda m: m.code):
        events = by_member.get(m.code, [])
        now = _stage_at(events, end)
        if events:
            if now is None:
                continue
            if now.stage == "sortie" and now.day < start:
                continue
        elif m.joined is not None and m.joined > end:
            continue
        actifs = [e.day for e in events if e.stage == "actif" and e.day <= end]
        entry = actifs[0] if actifs else None
        out = now if now is not None and now.stage == "sortie" else None
        age = age_on(m.birth, end) if m.birth is not None else None
        series = monthly.get(m.code, {})
        last6 = sum(v for k, v in series.items()
                    if max(start_m, end_m - WINDOW + 1) <= k <= end_m)
        first6 = to_invoice = to_autonomy = pct = None
        complete = False
        if entry is not None:
            e_m = month_index(month_key(entry))
            first6 = sum(v for k, v in series.items() if e_m <= k < e_m + WINDOW and k <= end_m)
            complete = e_m + WINDOW - 1 <= end_m
            if first6 > 0:
                pct = half_up_div((last6 - first6) * 100, first6)
            fi = data.first_invoices.get(m.code)
            if fi is not None and fi <= end:
                to_invoice = max(0, month_index(month_key(fi)) - e_m)
            reached = sorted(k for k, v in series.items()
                             if e_m <= k <= end_m and v >= data.threshold)
            if reached:
                to_autonomy = reached[0] - e_m
        turnover, contribution = data.period.get(m.code, (0, 0))
        mine = met.get(m.code, [])
        shops_in = attended.get(m.code, [])
        people.append(MemberImpact(
            m.code, m.name, opaque_id(data.ecp_name, m.code), m.sex, age, age_band(age),
            m.province, m.activity, now.stage if now is not None else None, entry,
            out.day if out is not None else None, out.exit_type if out is not None else None,
            turnover, contribution, first6, complete, last6, pct, to_invoice, to_autonomy,
            len(mine), sum(x.minutes for x in mine), len(shops_in),
            sum(w.minutes for w in shops_in),
            data.routes.get(m.code) == "salarie" and (now is None or now.stage != "sortie")))

    stage_count = Counter(p.stage or UNKNOWN_KEY for p in people)
    by_stage = tuple((s, stage_count.get(s, 0)) for s in (*STAGES, UNKNOWN_KEY))
    grid = Counter((p.band or UNKNOWN_KEY, p.sex if p.sex in SEXES else UNKNOWN_KEY)
                   for p in people)
    by_sex_age = tuple((b, grid[(b, "F")], grid[(b, "M")], grid[(b, UNKNOWN_KEY)])
                       for b in (*BANDS, UNKNOWN_KEY))
    entries = len({e.member for e in data.stages if e.stage == "actif" and start <= e.day <= end})
    exit_count = Counter(e.exit_type if e.exit_type in EXIT_TYPES else UNKNOWN_KEY
                         for e in data.stages if e.stage == "sortie" and start <= e.day <= end)
    exits = tuple((t, exit_count.get(t, 0)) for t in (*EXIT_TYPES, UNKNOWN_KEY))

    period_months = end_m - start_m + 1
    pay_in = [p for p in data.pay if start_m <= month_index(p.month) <= end_m and p.smig > 0]
    fte = sum((min(Fraction(p.gross, p.smig), Fraction(1)) for p in pay_in), Fraction(0))
    fte_hundredths = _half_up_fraction(fte * 100 / period_months)

    acts: dict[str, list[int]] = {}
    activity_of = {m.code: (m.activity or "").strip() or NO_ACTIVITY for m in data.members}
    for code, (t, c) in sorted(data.period.items()):
        if t == 0 and c == 0:
            continue
        line = acts.setdefault(activity_of.get(code, NO_ACTIVITY), [0, 0, 0])
        line[0] += 1
        line[1] += t
        line[2] += c
    activities = tuple(ActivityLine(a, v[0], v[1], v[2])
                       for a, v in sorted(acts.items(), key=lambda kv: (-kv[1][1], kv[0])))

    with_entry = [p for p in people if p.entry is not None]
    inv = [p.months_to_invoice for p in with_entry if p.months_to_invoice is not None]
    aut = [p.months_to_autonomy for p in with_entry if p.months_to_autonomy is not None]
    return Impact(
        data.ecp_name, start, end, data.threshold, tuple(people), by_stage, by_sex_age,
        entries, exits, stage_count.get("actif", 0), sum(p.salaried for p in people),
        fte_hundredths, len(pay_in), period_months, activities,
        sum(a.turnover for a in activities), sum(a.contribution for a in activities),
        sum(p.first6 or 0 for p in with_entry), sum(p.last6 for p in with_entry),
        half_up_div(sum(inv), len(inv)) if inv else None, len(inv),
        half_up_div(sum(aut), len(aut)) if aut else None, len(aut), len(with_entry),
        sum(len(v) for v in met.values()), sum(x.minutes for v in met.values() for x in v),
        len(met), len(shops), sum(len(set(w.attendees)) for w in shops), len(attended),
        sum(w.minutes * len(set(w.attendees)) for w in shops))


# --- presentation ------------------------------------------------------------------------------

def _hours(minutes: int) -> Term:
    return Term(hours_text(minutes), hours_text(minutes, machine=True))


def _months(value: int | None) -> Cell:
    return value if value is not None else Term("—", "")


def _day(d: dt.date | None) -> Cell:
    return Term(d.strftime("%d/%m/%Y"), d.isoformat()) if d is not None else ""


def period_text(imp: Impact) -> str:
    return f"du {imp.start.strftime('%d/%m/%Y')} au {imp.end.strftime('%d/%m/%Y')}"


def summary_rows(imp: Impact) -> list[tuple[str, str, Cell]]:
    """The headline figures: (key, French label, value)."""
    return [
        ("beneficiaires", "Bénéficiaires de la période", len(imp.members)),
        ("entrees", "Entrées (devenus membres actifs)", imp.entries),
        ("sorties", "Sorties", sum(n for _t, n in imp.exits)),
        ("membres_actifs", "Membres actifs à la fin de la période", imp.active),
        ("membres_salaries", "Membres salariés (bulletin de paie)", imp.salaried),
        ("etp", "Équivalents temps plein (paie ÷ SMIG)",
         Term(hundredths_text(imp.fte_hundredths), hundredths_text(imp.fte_hundredths, True))),
        ("chiffre_affaires_ht", "Chiffre d'affaires HT des membres", Money(imp.turnover)),
        ("contribution", "Contribution aux services partagés", Money(imp.contribution)),
        ("ca_6_premiers_mois", "CA HT des 6 premiers mois après l'entrée", Money(imp.first6_total)),
        ("ca_6_derniers_mois", "CA HT des 6 derniers mois de la période", Money(imp.last6_total)),
        ("mois_premiere_facture", "Mois moyens de l'entrée à la première facture",
         _months(imp.invoice_months_avg)),
        ("mois_autonomie", f"Mois moyens de l'entrée à l'autonomie ({fmt_fr(imp.threshold)} DH "
                           "HT par mois)", _months(imp.autonomy_months_avg)),
        ("autonomes", "Membres ayant atteint l'autonomie", imp.autonomous),
        ("rendez_vous", "Rendez-vous d'accompagnement", imp.meetings),
        ("heures_accompagnement", "Heures d'accompagnement individuel",
         _hours(imp.meeting_minutes)),
        ("membres_accompagnes", "Membres accompagnés", imp.members_met),
        ("ateliers", "Ateliers (séances)", imp.sessions),
        ("participations", "Participations aux ateliers", imp.attendances),
        ("participants", "Participants distincts aux ateliers", imp.attendees),
        ("heures_participants", "Heures-participants en atelier", _hours(imp.member_minutes)),
    ]


def impact_tables(imp: Impact) -> list[tuple[str, Table]]:
    """The report's sections, each a :class:`Table` (key, table), in reading order."""
    when = period_text(imp)
    total = len(imp.members)
    out: list[tuple[str, Table]] = []
    out.append(("synthese", Table(
        f"Impact de {imp.ecp_name} {when}",
        (Column("indicateur", "Indicateur", width=50), Column("valeur", "Valeur", "right")),
        tuple(Row((Term(label, key), value), key=key)
              for key, label, value in summary_rows(imp)))))
    out.append(("etapes", Table(
        "Bénéficiaires par étape du parcours à la fin de la période",
        (Column("etape", "Étape"), Column("membres", "Membres", "right")),
        tuple(Row((Term(STAGE_LABELS.get(s, UNKNOWN), s), n), key=s) for s, n in imp.by_stage),
        (Row((Term("Total", ""), total), "total"),))))
    out.append(("sexe_age", Table(
        "Bénéficiaires par sexe et tranche d'âge (âge à la fin de la période)",
        (Column("tranche_age", "Tranche d'âge"), Column("femmes", "Femmes", "right"),
         Column("hommes", "Hommes", "right"), Column("sexe_nr", "Sexe non renseigné", "right"),
         Column("total", "Total", "right")),
        tuple(Row((Term(BAND_LABELS.get(b, UNKNOWN), b), f, m, n, f + m + n), key=b)
              for b, f, m, n in imp.by_sex_age),
        (Row((Term("Total", ""), sum(r[1] for r in imp.by_sex_age),
              sum(r[2] for r in imp.by_sex_age), sum(r[3] for r in imp.by_sex_age), total),
             "total"),))))
    out.append(("sorties", Table(
        f"Entrées et sorties {when}",
        (Column("mouvement", "Mouvement"), Column("membres", "Membres", "right")),
        (Row((Term("entrées (membre actif)", "entree"), imp.entries), key="entree"),
         *(Row((Term(f"sortie : {EXIT_LABELS.get(t, UNKNOWN)}", f"sortie_{t}"), n),
               key=f"sortie_{t}") for t, n in imp.exits)))))
    out.append(("activites", Table(
        f"Chiffre d'affaires HT et contribution par activité {when}",
        (Column("activite", "Activité", width=30), Column("membres", "Membres", "right"),
         Column("chiffre_affaires_ht", "CA HT", "right"),
         Column("contribution", "Contribution", "right")),
        tuple(Row((a.activity, a.members, Money(a.turnover), Money(a.contribution)),
                  key=a.activity) for a in imp.activities),
        (Row((Term("Total", ""), sum(a.members for a in imp.activities), Money(imp.turnover),
              Money(imp.contribution)), "total"),))))
    rows = [p for p in imp.members if p.entry is not None]
    out.append(("parcours", Table(
        "Progression des membres : CA HT des 6 premiers mois après l'entrée et des 6 derniers "
        "mois de la période ; mois jusqu'à la première facture et jusqu'à l'autonomie",
        (Column("membre", "Membre"), Column("nom", "Nom", width=24),
         Column("entree", "Entrée"), Column("ca_6_premiers_mois", "CA 6 premiers mois", "right"),
         Column("ca_6_derniers_mois", "CA 6 derniers mois", "right"),
         Column("evolution_pct", "Évolution %", "right"),
         Column("mois_premiere_facture", "Mois 1re facture", "right"),
         Column("mois_autonomie", "Mois autonomie", "right")),
        tuple(Row((p.code, p.name, _day(p.entry), Money(p.first6 or 0),
                   Money(p.last6), _months(p.progression_pct),
                   _months(p.months_to_invoice), _months(p.months_to_autonomy)), key=p.code)
              for p in rows),
        (Row((Term("Total", ""), f"{len(rows)} membre(s)", "", Money(imp.first6_total),
              Money(imp.last6_total), _months(_pct(imp.first6_total, imp.last6_total)),
              _months(imp.invoice_months_avg), _months(imp.autonomy_months_avg)), "total"),))))
    return out


def _pct(first: int, last: int) -> int | None:
    return half_up_div((last - first) * 100, first) if first > 0 else None


def machine_csv(imp: Impact) -> str:
    """Every cell of every section in one long CSV: section, ligne, colonne, valeur (machine
    keys and plain amounts), so one file carries the whole report."""
    from ecp.reports.render import cell_text

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["section", "ligne", "colonne", "valeur"])
    for key, t in impact_tables(imp):
        for r in t.rows:
            first = r.cells[0]
            for c, cell in zip(t.columns[1:], r.cells[1:], strict=True):
                line = r.key or (cell_text(first, True) or "")
                w.writerow([key, csv_cell(str(line)), c.key, csv_cell(cell_text(cell, True))])
    return buf.getvalue().rstrip("\n")


def machine_json(imp: Impact) -> str:
    """The period and each section's rows by their keys (amounts ``1234.50``)."""
    from ecp.reports.render import render_table

    doc: dict[str, Any] = {"ecp": imp.ecp_name, "du": imp.start.isoformat(),
                           "au": imp.end.isoformat(),
                           "seuil_autonomie": fmt_plain(imp.threshold)}
    for key, t in impact_tables(imp):
        doc[key] = json.loads(render_table(t, "json"))
    return json.dumps(doc, ensure_ascii=False, indent=1)


def render_impact(imp: Impact, fmt: str) -> str:
    if fmt == "csv":
        return machine_csv(imp)
    if fmt == "json":
        return machine_json(imp)
    from ecp.reports.render import render_table

    return "\n\n".join(render_table(t, "table") for _k, t in impact_tables(imp))


ANONYMISED_COLUMNS = ("id", "sexe", "tranche_age", "province", "etape", "mois_entree",
                      "mois_sortie", "type_sortie", "activite", "chiffre_affaires_ht",
                      "contribution", "heures_accompagnement", "ateliers")


def anonymised_rows(imp: Impact) -> Iterable[list[str]]:
    """One row per beneficiary for the observatory: no name, no code (the opaque id), the age
    band (not the birth date), the province (not the commune)."""
    for p in sorted(imp.members, key=lambda p: p.opaque):
        yield [p.opaque, p.sex or "", p.band or "", p.province or "", p.stage or "",
               p.entry.strftime("%Y-%m") if p.entry else "",
               p.exit.strftime("%Y-%m") if p.exit else "", p.exit_type or "",
               p.activity or "", fmt_plain(p.turnover), fmt_plain(p.contribution),
               hours_text(p.meeting_minutes, machine=True), str(p.workshops)]


def anonymised_csv(imp: Impact) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(ANONYMISED_COLUMNS)
    w.writerows([[csv_cell(c) for c in r] for r in anonymised_rows(imp)])
    return buf.getvalue()
