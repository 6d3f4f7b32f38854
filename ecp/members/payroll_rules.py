"""Payroll reference data (members salaried by the ECP): dated rows, never constants in code.

Source: ../shared/reference/morocco-rules.md, « Payroll ». Each table is a tuple of rows with
``valid_from`` and ``valid_to`` (exclusive, None while in force), like the payment terms of
``ecp.sales.delays``: a change of law is a new row (and the old row's ``valid_to``), never an
edit of code. Every row carries the source tag of the reference: **[S]** secondary sources,
**[?]** unresolved — kept as data on purpose so it can be corrected without touching code
(docs/payroll.md says which facts are which).

Units: amounts in centimes; rates in basis points of a percent ×100 (0,52 % = 52, 6,40 % = 640,
10 % = 1000), so an amount is ``half_up(base × rate, 10 000)``.

A month is computed with the rows in force on its first day (``rules_on``). A month for which a
table has no row is refused (``InputError`` on ``month``): a payslip is never computed on rules
the package does not know. The SMIG is the exception — it only feeds a warning, so a month
without a SMIG row simply gets no SMIG check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ecp.kernel.errors import InputError
from ecp.kernel.periods import MAX_DATE, MIN_DATE


@dataclass(frozen=True)
class Branch:
    """One contribution of the CNSS / AMO / TFP table."""

    key: str                 # "af", "cnss_ct", "cnss_lt", "amo", "tfp"
    label: str               # French, printed on the payslip
    employer_bp: int         # 0 when the employer pays nothing on it
    employee_bp: int         # 0 when nothing is withheld from the employee
    monthly_cap: int | None  # centimes: the base is min(gross, cap); None = whole gross


@dataclass(frozen=True)
class ContributionTable:
    valid_from: dt.date
    valid_to: dt.date | None  # exclusive
    branches: tuple[Branch, ...]  # in payslip order: af, cnss_ct, cnss_lt, amo, tfp
    source: str
    tag: str                  # "[P]" | "[S]" | "[?]"


@dataclass(frozen=True)
class Bracket:
    upper: int | None  # annual taxable income in centimes, the bracket's top (None = no top)
    rate_bp: int       # marginal rate on the part of the income inside the bracket


@dataclass(frozen=True)
class IrScale:
    """The annual IR barème on salaries, marginal brackets from 0, plus the family deduction."""

    valid_from: dt.date
    valid_to: dt.date | None
    brackets: tuple[Bracket, ...]  # ascending; the last one has upper None
    family_per_dependant: int      # centimes a year per dependant
    max_dependants: int            # dependants beyond this count as this many
    source: str
    tag: str


@dataclass(frozen=True)
class ProfessionalExpenses:
    """Frais professionnels: ``low_bp`` of the gross taxable when the annualised gross taxable
    (monthly × 12) is at most ``threshold``; otherwise ``high_bp`` capped at ``annual_cap`` a
    year (``half_up(annual_cap, 12)`` a month)."""

    valid_from: dt.date
    valid_to: dt.date | None
    threshold: int    # annual gross taxable, centimes (inclusive)
    low_bp: int
    high_bp: int
    annual_cap: int   # centimes a year, applies with high_bp
    source: str
    tag: str


@dataclass(frozen=True)
class Smig:
    valid_from: dt.date
    valid_to: dt.date | None
    hourly: int       # centimes an hour
    hours: int        # legal hours a month
    source: str
    tag: str

    @property
    def monthly(self) -> int:
        """The monthly SMIG in centimes (17,92 × 191 = 3 422,72 DH)."""
        return self.hourly * self.hours


CONTRIBUTIONS: tuple[ContributionTable, ...] = (
    ContributionTable(
        dt.date(2024, 1, 1), None,
        (
            Branch("af", "Allocations familiales", 640, 0, None),
            Branch("cnss_ct", "Prestations sociales court terme", 105, 52, 600_000),
            Branch("cnss_lt", "Prestations sociales long terme", 793, 396, 600_000),
            Branch("amo", "Assurance maladie obligatoire (AMO)", 411, 226, None),
            Branch("tfp", "Taxe de formation professionnelle", 160, 0, None),
        ),
        "CNSS/AMO 2024", "[S]"),
)

IR_SCALES: tuple[IrScale, ...] = (
    IrScale(
        dt.date(2025, 1, 1), None,
        (
            Bracket(4_000_000, 0),
            Bracket(6_000_000, 1000),
            Bracket(8_000_000, 2000),
            Bracket(10_000_000, 3000),
            Bracket(18_000_000, 3400),
            Bracket(None, 3700),
        ),
        50_000, 6, "barème IR 2025", "[S]"),
)

PROFESSIONAL_EXPENSES: tuple[ProfessionalExpenses, ...] = (
    ProfessionalExpenses(dt.date(2025, 1, 1), None, 7_800_000, 3500, 2500, 3_500_000,
                         "frais professionnels 2025", "[?]"),
)

SMIGS: tuple[Smig, ...] = (
    Smig(dt.date(2026, 1, 1), None, 1792, 191, "SMIG 2026", "[S]"),
)


@dataclass(frozen=True)
class PayrollRules:
    """The rows in force on one day, one per table (``smig`` None when none is known)."""

    contributions: ContributionTable
    ir: IrScale
    professional_expenses: ProfessionalExpenses
    smig: Smig | None

    def describe(self) -> str:
        """Which rows were used, for the payslip's footer and its JSON:
        ``CNSS/AMO 2024 (depuis 2024-01-01) [S] ; barème IR 2025 (depuis 2025-01-01) [S] ; …``."""
        rows: list[ContributionTable | IrScale | ProfessionalExpenses | Smig] = [
            self.contributions, self.ir, self.professional_expenses]
        if self.smig is not None:
            rows.append(self.smig)
        return " ; ".join(f"{r.source} (depuis {r.valid_from.isoformat()}) {r.tag}"
                          for r in rows)


def _in_force(valid_from: dt.date, valid_to: dt.date | None, day: dt.date) -> bool:
    return valid_from <= day and (valid_to is None or day < valid_to)


def check_month(month: int) -> dt.date:
    """The first day of the month ``YYYYMM``, or an ``InputError`` on ``month``."""
    year, m = divmod(month, 100)
    if not 1 <= m <= 12 or not MIN_DATE.year <= year <= MAX_DATE.year:
        raise InputError(f"mois : « {month} » n'est pas un mois AAAAMM entre "
                         f"{MIN_DATE.year} et {MAX_DATE.year}", field="month",
                         code="month.invalid")
    return dt.date(year, m, 1)


def rules_on(day: dt.date) -> PayrollRules:
    """The payroll rows in force on ``day``; ``InputError`` (``month``) when a table has none."""
    def missing(what: str) -> InputError:
        return InputError(f"mois {day.year:04d}-{day.month:02d} : aucun {what} connu à cette "
                          "date, le bulletin ne peut pas être calculé", field="month",
                          code="month.no_rules")

    contributions = next((r for r in CONTRIBUTIONS
                          if _in_force(r.valid_from, r.valid_to, day)), None)
    if contributions is None:
        raise missing("taux CNSS/AMO")
    ir = next((r for r in IR_SCALES if _in_force(r.valid_from, r.valid_to, day)), None)
    if ir is None:
        raise missing("barème de l'IR")
    fp = next((r for r in PROFESSIONAL_EXPENSES if _in_force(r.valid_from, r.valid_to, day)),
              None)
    if fp is None:
        raise missing("taux de frais professionnels")
    smig = next((r for r in SMIGS if _in_force(r.valid_from, r.valid_to, day)), None)
    return PayrollRules(contributions, ir, fp, smig)
