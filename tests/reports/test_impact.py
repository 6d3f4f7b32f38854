"""The impact indicators (issue 18) on a hand-built cohort of twelve members, every figure
computed by hand in the docstrings. Period: 01/01/2026 – 31/12/2026 (12 months), autonomy
threshold 3 000 DH HT a month, ECP « ECP Test »."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json

import pytest

from ecp.kernel.errors import InputError
from ecp.reports.impact import (
    Impact,
    ImpactInput,
    MeetingFact,
    MemberFacts,
    MemberImpact,
    MonthFigures,
    PayMonth,
    StageEvent,
    WorkshopFact,
    age_band,
    age_on,
    anonymised_csv,
    compute,
    hours_text,
    render_impact,
)

D = dt.date
START, END = D(2026, 1, 1), D(2026, 12, 31)
SMIG = 342_272  # 17,92 × 191 h

MEMBERS = (
    MemberFacts("M01", "Fatima Zahra Alaoui", "couture", "F", D(1990, 6, 15), "Tanger-Médina",
                "Tanger-Assilah"),
    MemberFacts("M02", "Salma Bennani", "couture", "F", D(2002, 1, 1), "Gueznaya",
                "Tanger-Assilah"),
    MemberFacts("M03", "Youssef Tazi", "cuisine", "M", D(1975, 12, 31), "Martil",
                "M'diq-Fnideq"),
    MemberFacts("M04", "Omar Idrissi", "cuisine", "M", D(1960, 3, 3), "Azla", "Tétouan"),
    MemberFacts("M05", "Khadija Amrani", "services", "F", None, None, None),
    MemberFacts("M06", "Sami Berrada", "services", None, D(1996, 5, 20), "Mallalienne",
                "Tétouan"),
    MemberFacts("M07", "Hamza Chraibi", None, "M", D(2001, 12, 31), "Boukhalef",
                "Tanger-Assilah"),
    MemberFacts("M08", "Nadia Fassi", "artisanat", "F", D(1981, 1, 1), "Asilah",
                "Tanger-Assilah", joined=D(2024, 1, 1)),
    MemberFacts("M09", "Imane Kettani", "artisanat", "F", D(1986, 7, 1), "Ksar Sghir",
                "Fahs-Anjra", joined=D(2027, 2, 1)),
    MemberFacts("M10", "Karim Lahlou", "cuisine", "M", D(1992, 3, 10), "Cabo Negro",
                "M'diq-Fnideq"),
    MemberFacts("M11", "Hind Sqalli", "couture", "F", D(1970, 1, 1), "Oued Laou", "Tétouan"),
    MemberFacts("M12", "Adil Ziani", "services", "M", D(1999, 8, 8), "Beni Makada",
                "Tanger-Assilah"),
)

_stages = [
    ("M01", "candidat", D(2025, 1, 10)), ("M01", "convention", D(2025, 2, 1)),
    ("M01", "actif", D(2025, 3, 1)),
    ("M02", "candidat", D(2026, 2, 1)), ("M02", "convention", D(2026, 3, 1)),
    ("M02", "actif", D(2026, 4, 1)),
    ("M03", "actif", D(2024, 6, 1)), ("M03", "sortie", D(2026, 6, 30), "emploi"),
    ("M04", "actif", D(2025, 9, 1)), ("M04", "sortie", D(2025, 12, 15), "abandon"),
    ("M05", "candidat", D(2026, 11, 1)),
    ("M06", "convention", D(2026, 5, 1)),
    ("M07", "actif", D(2026, 1, 15)), ("M07", "sortie", D(2026, 10, 31), "creation"),
    ("M10", "actif", D(2026, 3, 1)),
    ("M11", "candidat", D(2027, 1, 5)),
    ("M12", "actif", D(2026, 6, 1)), ("M12", "sortie", D(2026, 12, 20), None),
]
STAGES = tuple(StageEvent(i + 1, str(s[0]), str(s[1]), s[2],  # type: ignore[arg-type]
                          s[3] if len(s) > 3 else None)  # type: ignore[arg-type]
               for i, s in enumerate(_stages))

PERIOD = {"M01": (2_400_000, 240_000), "M02": (900_000, 90_000), "M03": (600_000, 60_000),
          "M07": (300_000, 30_000), "M09": (100_000, 10_000), "M10": (0, 0)}

_months = {
    "M01": {202503: 50_000, 202504: 100_000, 202505: 150_000, 202506: 200_000,
            202507: 300_000, 202508: 200_000, 202509: 999_999,
            202607: 200_000, 202608: 200_000, 202609: 200_000, 202610: 200_000,
            202611: 200_000, 202612: 200_000},
    "M02": {202605: 100_000, 202606: 100_000, 202607: 150_000, 202608: 150_000,
            202609: 100_000, 202610: 100_000, 202611: 100_000, 202612: 100_000},
    "M03": {202406: 400_000},
    "M07": {202601: 50_000, 202602: 250_000, 202603: 350_000},
    "M12": {202612: 300_000},
}
MONTHS = tuple(MonthFigures(m, k, v) for m, series in _months.items() for k, v in series.items())

PAY = (*(PayMonth("M01", 202600 + i, SMIG, SMIG) for i in range(1, 7)),
       PayMonth("M01", 202512, SMIG, SMIG),
       *(PayMonth("M10", 202600 + i, SMIG // 2, SMIG) for i in range(3, 13)),
       *(PayMonth("M03", 202600 + i, 500_000, SMIG) for i in range(1, 7)))

ROUTES = {"M01": "salarie", "M02": "independant", "M03": "salarie", "M09": "salarie",
          "M10": "salarie"}
FIRST_INVOICES = {"M01": D(2025, 2, 20), "M02": D(2026, 5, 10), "M03": D(2024, 6, 5),
                  "M07": D(2026, 1, 20), "M12": D(2026, 12, 2)}
MEETINGS = (MeetingFact("M01", D(2026, 2, 3), 90), MeetingFact("M01", D(2026, 5, 5), 45),
            MeetingFact("M02", D(2026, 4, 10), 60), MeetingFact("M05", D(2026, 11, 15), 30),
            MeetingFact("M04", D(2026, 1, 10), 20), MeetingFact("M01", D(2025, 12, 31), 600))
WORKSHOPS = (WorkshopFact("W1", D(2026, 3, 10), 120, ("M01", "M02", "M06")),
             WorkshopFact("W2", D(2026, 9, 15), 90, ("M01", "M07")),
             WorkshopFact("W3", D(2025, 11, 1), 60, ("M01",)))

DATA = ImpactInput("ECP Test", START, END, MEMBERS, STAGES, PERIOD, MONTHS, PAY, ROUTES,
                   FIRST_INVOICES, MEETINGS, WORKSHOPS, 300_000)


@pytest.fixture(scope="module")
def imp() -> Impact:
    return compute(DATA)


def _member(imp: Impact, code: str) -> MemberImpact:
    return next(p for p in imp.members if p.code == code)


def test_ages_and_bands() -> None:
    """Whole years on the day (a birthday on the day counts), bands <25, 25–34 … 55+."""
    assert age_on(D(1975, 12, 31), END) == 51
    assert age_on(D(2001, 12, 31), END) == 25 and age_on(D(2002, 1, 1), END) == 24
    assert [age_band(a) for a in (None, 24, 25, 34, 35, 44, 45, 54, 55, 80)] == \
        [None, "<25", "25-34", "25-34", "35-44", "35-44", "45-54", "45-54", "55+", "55+"]


def test_beneficiaries(imp: Impact) -> None:
    """Beneficiaries: stage at the end candidat / convention / actif, or a sortie dated in the
    period, or no stage at all and joined by the end. M04 left on 15/12/2025 (before), M09
    joined in 2027, M11's first stage is in 2027: out. 12 − 3 = 9."""
    assert [p.code for p in imp.members] == ["M01", "M02", "M03", "M05", "M06", "M07", "M08",
                                             "M10", "M12"]


def test_members_by_stage(imp: Impact) -> None:
    """At 31/12/2026: candidat M05; convention M06; actif M01, M02, M10; sorti M03 (30/06),
    M07 (31/10), M12 (20/12); no stage M08 → 1, 1, 3, 3, 1 = 9."""
    assert imp.by_stage == (("candidat", 1), ("convention", 1), ("actif", 3), ("sortie", 3),
                            ("nr", 1))
    assert imp.active == 3


def test_members_by_sex_and_age(imp: Impact) -> None:
    """Ages at 31/12/2026: M01 F 36, M02 F 24, M03 M 51, M05 F ?, M06 ? 30, M07 M 25,
    M08 F 45, M10 M 34, M12 M 27. <25: F1; 25–34: M3 (M07, M10, M12) + sex nr 1 (M06);
    35–44: F1; 45–54: F1 M1; 55+: none; age nr: F1 (M05)."""
    assert imp.by_sex_age == (("<25", 1, 0, 0), ("25-34", 0, 3, 1), ("35-44", 1, 0, 0),
                              ("45-54", 1, 1, 0), ("55+", 0, 0, 0), ("nr", 1, 0, 0))


def test_entries_and_exits(imp: Impact) -> None:
    """Entries: actif dated in 2026 — M02 (01/04), M07 (15/01), M10 (01/03), M12 (01/06) = 4.
    Exits dated in 2026: M03 emploi, M07 création, M12 type not given; M04's (2025) is not."""
    assert imp.entries == 4
    assert imp.exits == (("emploi", 1), ("creation", 1), ("formation", 0), ("abandon", 0),
                         ("autre", 0), ("nr", 1))


def test_jobs(imp: Impact) -> None:
    """Salaried at the end: route salarie and not exited — M01, M10 (M03 left, M09 is not a
    beneficiary) = 2. FTE: M01 6 months at the SMIG → 6 × 1; M10 10 months at half the SMIG
    → 10 × 1/2 = 5; M03 6 months at 5 000 DH > SMIG → capped 6 × 1; M01's 12/2025 is out.
    (6 + 5 + 6) / 12 months = 1,4166… → 1,42 (142 hundredths); 22 member-months paid."""
    assert imp.salaried == 2
    assert (imp.fte_hundredths, imp.pay_months, imp.period_months) == (142, 22, 12)


def test_turnover_and_contribution_by_activity(imp: Impact) -> None:
    """Every member with figures in the period (M09 too), by activity, largest first:
    couture M01 + M02 = 24 000 + 9 000 = 33 000 DH, contribution 2 400 + 900 = 3 300;
    cuisine M03 6 000 / 600 (M10 has none: not counted); non renseignée M07 3 000 / 300;
    artisanat M09 1 000 / 100. Total 43 000 DH, contribution 4 300 DH."""
    assert [(a.activity, a.members, a.turnover, a.contribution) for a in imp.activities] == [
        ("couture", 2, 3_300_000, 330_000), ("cuisine", 1, 600_000, 60_000),
        ("non renseignée", 1, 300_000, 30_000), ("artisanat", 1, 100_000, 10_000)]
    assert (imp.turnover, imp.contribution) == (4_300_000, 430_000)


def test_progression(imp: Impact) -> None:
    """First six months from the entry month vs the six months 07–12/2026:
    M01 (entry 03/2025): 500 + 1 000 + 1 500 + 2 000 + 3 000 + 2 000 = 10 000 DH (09/2025 is
    the 7th month) vs 6 × 2 000 = 12 000 → +20 %;
    M02 (04/2026): 0 + 1 000 + 1 000 + 1 500 + 1 500 + 1 000 = 6 000 vs 1 500 + 1 500 + 4 ×
    1 000 = 7 000 → 100 000 / 6 000 = 16,67 → +17 % (half-up);
    M03 (06/2024): 4 000 vs 0 → −100 %; M07 (01/2026): 500 + 2 500 + 3 500 = 6 500 vs 0 →
    −100 %; M10: 0 vs 0 → none; M12 (06/2026): 0 vs 3 000 → none.
    Totals: 10 000 + 6 000 + 4 000 + 6 500 = 26 500 DH; 12 000 + 7 000 + 3 000 = 22 000 DH."""
    got = {p.code: (p.first6, p.last6, p.progression_pct, p.first6_complete)
           for p in imp.members if p.entry is not None}
    assert got == {"M01": (1_000_000, 1_200_000, 20, True),
                   "M02": (600_000, 700_000, 17, True),
                   "M03": (400_000, 0, -100, True), "M07": (650_000, 0, -100, True),
                   "M10": (0, 0, None, True), "M12": (0, 300_000, None, True)}
    assert (imp.first6_total, imp.last6_total, imp.with_entry) == (2_650_000, 2_200_000, 6)


def test_months_to_first_invoice_and_autonomy(imp: Impact) -> None:
    """First invoice: M01 02/2025, before its entry (03/2025) → 0; M02 05/2026 − 04 → 1;
    M03 0; M07 0; M12 12 − 06 → 6; M10 none. Average 7 / 5 = 1,4 → 1.
    Autonomy (first month ≥ 3 000 DH from the entry month): M01 07/2025 → 4; M03 06/2024 → 0;
    M07 03/2026 → 2; M12 12/2026 → 6 (exactly the threshold); M02 (1 500 at most) and M10
    never. Average 12 / 4 = 3."""
    got = {p.code: (p.months_to_invoice, p.months_to_autonomy)
           for p in imp.members if p.entry is not None}
    assert got == {"M01": (0, 4), "M02": (1, None), "M03": (0, 0), "M07": (0, 2),
                   "M10": (None, None), "M12": (6, 6)}
    assert (imp.invoice_months_avg, imp.invoiced) == (1, 5)
    assert (imp.autonomy_months_avg, imp.autonomous) == (3, 4)


def test_accompaniment(imp: Impact) -> None:
    """Meetings in 2026: 90 + 45 (M01) + 60 (M02) + 30 (M05) + 20 (M04) = 245 min, 5
    meetings, 4 members; 245 / 60 = 4,083 → 4,1 h. M01: 135 min → 2,25 → 2,3 h (half-up).
    Workshops in 2026: W1 (120 min, 3 present), W2 (90 min, 2 present) → 2 sessions, 5
    attendances, 4 distinct (M01, M02, M06, M07), 3 × 120 + 2 × 90 = 540 min = 9,0 h."""
    assert (imp.meetings, imp.meeting_minutes, imp.members_met) == (5, 245, 4)
    assert hours_text(imp.meeting_minutes) == "4,1"
    m01 = _member(imp, "M01")
    assert (m01.meetings, m01.meeting_minutes, m01.workshops, m01.workshop_minutes) == \
        (2, 135, 2, 210)
    assert hours_text(135, machine=True) == "2.3" and hours_text(3) == "0,1"
    assert (imp.sessions, imp.attendances, imp.attendees, imp.member_minutes) == (2, 5, 4, 540)


def test_anonymised_csv_has_no_personal_data(imp: Impact) -> None:
    """One row per beneficiary (9), an opaque id (sha256 of « ECP Test » + code, 10 hex); no
    name, no code, no birth date in any form, no commune: the text is scanned for each."""
    text = anonymised_csv(imp)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 9
    expected = hashlib.sha256(b"ECP TestM01").hexdigest()[:10]
    m01 = next(r for r in rows if r["id"] == expected)
    assert m01 == {"id": expected, "sexe": "F", "tranche_age": "35-44",
                   "province": "Tanger-Assilah", "etape": "actif", "mois_entree": "2025-03",
                   "mois_sortie": "", "type_sortie": "", "activite": "couture",
                   "chiffre_affaires_ht": "24000.00", "contribution": "2400.00",
                   "heures_accompagnement": "2.3", "ateliers": "2"}
    m03 = next(r for r in rows if r["id"] == hashlib.sha256(b"ECP TestM03").hexdigest()[:10])
    assert (m03["mois_sortie"], m03["type_sortie"], m03["tranche_age"]) == \
        ("2026-06", "emploi", "45-54")
    for m in MEMBERS:
        assert m.code not in text and m.name not in text
        for part in m.name.split():
            assert part not in text, part
        if m.zone:
            assert m.zone not in text, m.zone
        if m.birth:
            for form in (m.birth.isoformat(), m.birth.strftime("%d/%m/%Y"),
                         m.birth.strftime("%Y%m%d")):
                assert form not in text


def test_renderings(imp: Impact) -> None:
    """The table for readers, the long CSV and the JSON carry the same figures."""
    table = render_impact(imp, "table")
    assert "Impact de ECP Test du 01/01/2026 au 31/12/2026" in table
    assert "43 000,00" in table and "1,42" in table
    rows = list(csv.reader(io.StringIO(render_impact(imp, "csv"))))
    assert rows[0] == ["section", "ligne", "colonne", "valeur"]
    assert ["synthese", "etp", "valeur", "1.42"] in rows
    assert ["sexe_age", "25-34", "hommes", "3"] in rows
    assert ["activites", "couture", "chiffre_affaires_ht", "33000.00"] in rows
    doc = json.loads(render_impact(imp, "json"))
    assert doc["du"] == "2026-01-01" and doc["seuil_autonomie"] == "3000.00"
    assert {"etape": "actif", "membres": 3} in doc["etapes"]
    assert {"indicateur": "heures_accompagnement", "valeur": "4.1"} in doc["synthese"]


def test_period_backwards_is_refused() -> None:
    with pytest.raises(InputError) as exc:
        compute(ImpactInput("E", END, START, ()))
    assert exc.value.field == "date_to"
