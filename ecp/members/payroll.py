"""The payroll engine of a salaried member: pure functions, no database.

``payslip(gross, dependants, month)`` computes one month's payslip from the dated rows of
``ecp.members.payroll_rules`` in force on the month's first day; ``payslip_for_net`` finds the
gross that pays a given net. Postings, the PDF and the commands are built on these
(docs/payroll.md).

Every amount is an integer of centimes. Each rounding is half-up (``half_up_div``) and done once,
at the step named here:

1. each contribution line: ``half_up(base × rate_bp, 10 000)``, base = gross capped by the
   branch's ceiling (CNSS court / long terme) or the whole gross;
2. professional expenses: ``half_up(gross × rate, 10 000)``; the monthly cap is
   ``half_up(annual cap, 12)``;
3. IR: the annual barème is applied to the annualised taxable (taxable × 12) exactly (no
   rounding inside the brackets), the family deduction (500 DH × dependants, at most 6) is
   subtracted, floored at 0, and the result divided by 12 with one half-up rounding.
   ``ir_before_family`` is the same division without the family deduction; ``family_deduction``
   is the difference ``ir_before_family − ir`` (the deduction actually granted, so the three
   figures add up on the payslip).

This annual route equals the monthly « somme à déduire » table (monthly taxable × rate − the
bracket's deduction − 500/12 per dependant) to the centime on the worked example (docs/payroll.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ecp.kernel.errors import InputError
from ecp.kernel.money import MAX_AMOUNT, fmt_fr
from ecp.kernel.units import half_up_div
from ecp.members import payroll_rules
from ecp.members.payroll_rules import PayrollRules

_BP = 10_000  # rate_bp denominator: 52 / 10 000 = 0,52 %


@dataclass(frozen=True)
class Line:
    """One contribution line of the payslip."""

    key: str       # "af", "cnss_ct", "cnss_lt", "amo", "tfp"
    label: str     # French, e.g. « Prestations sociales court terme »
    base: int      # centimes
    rate_bp: int   # e.g. 52 for 0,52 %
    amount: int    # centimes, half-up of base × rate_bp / 10 000

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "base": self.base,
                "rate_bp": self.rate_bp, "amount": self.amount}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Line:
        return cls(str(d["key"]), str(d["label"]), int(d["base"]), int(d["rate_bp"]),
                   int(d["amount"]))


@dataclass(frozen=True)
class Payslip:
    """One month's payslip of a salaried member; every amount in centimes."""

    month: int              # YYYYMM
    gross: int
    employee: tuple[Line, ...]    # cnss_ct, cnss_lt, amo
    employer: tuple[Line, ...]    # af, cnss_ct, cnss_lt, amo, tfp
    employee_total: int
    employer_total: int           # including the TFP
    professional_expenses: int
    taxable: int                  # net imposable = gross − employee_total − professional_expenses
    ir_before_family: int
    family_deduction: int
    ir: int
    net: int                      # gross − employee_total − ir
    cost: int                     # gross + employer_total
    dependants: int               # as declared (the deduction counts at most the rules' maximum)
    rules: str                    # which dated rows were used (footer of the payslip, JSON)
    warnings: tuple[str, ...]     # French, e.g. gross below the SMIG

    def to_json(self) -> dict[str, Any]:
        """Every field; lines as lists of {key, label, base, rate_bp, amount} (ints)."""
        return {
            "month": self.month,
            "gross": self.gross,
            "employee": [ln.to_json() for ln in self.employee],
            "employer": [ln.to_json() for ln in self.employer],
            "employee_total": self.employee_total,
            "employer_total": self.employer_total,
            "professional_expenses": self.professional_expenses,
            "taxable": self.taxable,
            "ir_before_family": self.ir_before_family,
            "family_deduction": self.family_deduction,
            "ir": self.ir,
            "net": self.net,
            "cost": self.cost,
            "dependants": self.dependants,
            "rules": self.rules,
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Payslip:
        """The payslip ``to_json`` wrote (figures as stored, not recomputed)."""
        return cls(
            month=int(d["month"]),
            gross=int(d["gross"]),
            employee=tuple(Line.from_json(x) for x in d["employee"]),
            employer=tuple(Line.from_json(x) for x in d["employer"]),
            employee_total=int(d["employee_total"]),
            employer_total=int(d["employer_total"]),
            professional_expenses=int(d["professional_expenses"]),
            taxable=int(d["taxable"]),
            ir_before_family=int(d["ir_before_family"]),
            family_deduction=int(d["family_deduction"]),
            ir=int(d["ir"]),
            net=int(d["net"]),
            cost=int(d["cost"]),
            dependants=int(d["dependants"]),
            rules=str(d["rules"]),
            warnings=tuple(str(w) for w in d["warnings"]),
        )


def _check_positive(value: int, field: str, label: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{label} : un montant entier en centimes est attendu", field=field,
                         code=f"{field}.invalid")
    if value <= 0:
        raise InputError(f"{label} : {fmt_fr(value)} DH, un montant positif est attendu",
                         field=field, code=f"{field}.not_positive")
    if value > MAX_AMOUNT:
        raise InputError(f"{label} : au-delà de {fmt_fr(MAX_AMOUNT)} DH, le maximum accepté",
                         field=field, code=f"{field}.too_large")


def _check_dependants(dependants: int) -> None:
    if isinstance(dependants, bool) or not isinstance(dependants, int) or dependants < 0:
        raise InputError(f"personnes à charge : « {dependants} », un nombre entier positif ou "
                         "nul est attendu", field="dependants", code="dependants.invalid")


def _annual_ir_num(annual: int, rules: PayrollRules) -> int:
    """The annual IR on ``annual`` (centimes) by the marginal barème, × 10 000 (not rounded)."""
    total, lower = 0, 0
    for b in rules.ir.brackets:
        top = annual if b.upper is None else min(annual, b.upper)
        if top > lower:
            total += (top - lower) * b.rate_bp
        if b.upper is None or annual <= b.upper:
            break
        lower = b.upper
    return total


def professional_expenses(gross: int, rules: PayrollRules) -> int:
    """The month's professional expenses on ``gross`` (the gross taxable)."""
    fp = rules.professional_expenses
    if gross * 12 <= fp.threshold:
        return half_up_div(gross * fp.low_bp, _BP)
    return min(half_up_div(gross * fp.high_bp, _BP), half_up_div(fp.annual_cap, 12))


def compute(gross: int, dependants: int, month: int, rules: PayrollRules) -> Payslip:
    """The payslip with explicit ``rules`` (no input check: ``payslip`` checks)."""
    employee: list[Line] = []
    employer: list[Line] = []
    for br in rules.contributions.branches:
        base = gross if br.monthly_cap is None else min(gross, br.monthly_cap)
        if br.employee_bp:
            employee.append(Line(br.key, br.label, base, br.employee_bp,
                                 half_up_div(base * br.employee_bp, _BP)))
        if br.employer_bp:
            employer.append(Line(br.key, br.label, base, br.employer_bp,
                                 half_up_div(base * br.employer_bp, _BP)))
    employee_total = sum(ln.amount for ln in employee)
    employer_total = sum(ln.amount for ln in employer)
    fp = professional_expenses(gross, rules)
    taxable = gross - employee_total - fp
    tax_num = _annual_ir_num(taxable * 12, rules)
    counted = min(dependants, rules.ir.max_dependants)
    family_num = counted * rules.ir.family_per_dependant * _BP
    ir_before_family = half_up_div(tax_num, 12 * _BP)
    ir = half_up_div(max(0, tax_num - family_num), 12 * _BP)
    warnings: list[str] = []
    smig = rules.smig
    if smig is not None and gross < smig.monthly:
        warnings.append(f"salaire brut {fmt_fr(gross)} DH inférieur au SMIG mensuel "
                        f"{fmt_fr(smig.monthly)} DH ({fmt_fr(smig.hourly)} DH × {smig.hours} h)")
    if dependants > rules.ir.max_dependants:
        warnings.append(f"{dependants} personnes à charge : la déduction pour charges de famille "
                        f"en retient au plus {rules.ir.max_dependants}")
    return Payslip(
        month=month, gross=gross, employee=tuple(employee), employer=tuple(employer),
        employee_total=employee_total, employer_total=employer_total,
        professional_expenses=fp, taxable=taxable, ir_before_family=ir_before_family,
        family_deduction=ir_before_family - ir, ir=ir,
        net=gross - employee_total - ir, cost=gross + employer_total,
        dependants=dependants, rules=rules.describe(), warnings=tuple(warnings))


def payslip(gross: int, dependants: int, month: int, *,
            rules: PayrollRules | None = None) -> Payslip:
    """The payslip of ``gross`` (centimes) for ``month`` (YYYYMM), with the rules in force on
    the month's first day (or ``rules`` when given, for tests and simulations).

    ``InputError``: gross ≤ 0 or beyond the maximum (``gross``), dependants < 0
    (``dependants``), a month that is not YYYYMM or without rules (``month``)."""
    _check_positive(gross, "gross", "salaire brut")
    _check_dependants(dependants)
    day = payroll_rules.check_month(month)
    return compute(gross, dependants, month, rules or payroll_rules.rules_on(day))


def _window(rules: PayrollRules) -> int:
    """A width ``W`` such that, between two grosses of one segment (``_segments``) at least
    ``W`` centimes apart, the higher one always has the higher net.

    Proof sketch: raising the gross by ``d`` raises each of the ``k`` employee lines by less than
    ``d × rate + 1`` (one rounding each), leaves the professional expenses non-decreasing, so the
    taxable rises by at most ``d``, and the IR by less than ``d × top rate + 1``. The net rises
    by more than ``d × (1 − Σ employee rates − top IR rate) − (k + 1)``, positive once
    ``d ≥ W``. With the 2025 rows: k = 3, 6,74 % + 37 % → W = 8."""
    employee = [b.employee_bp for b in rules.contributions.branches if b.employee_bp]
    top = max(b.rate_bp for b in rules.ir.brackets)
    margin = _BP - sum(employee) - top
    if margin <= 0:  # a data error: the net would not grow with the gross
        raise ValueError("payroll rules: employee rates + top IR rate reach 100 %")
    return (len(employee) + 1) * _BP // margin + 1


def _segments(rules: PayrollRules) -> list[tuple[int, int | None]]:
    """The gross ranges [a, b] (b None: unbounded) inside which the net is nearly monotonic.
    The only jump is the professional-expenses threshold: 35 % up to it, 25 % capped above,
    so the net drops when the gross crosses it."""
    top_low = rules.professional_expenses.threshold // 12  # gross × 12 ≤ threshold
    if top_low < 1:
        return [(1, None)]
    return [(1, top_low), (top_low + 1, None)]


def _smallest(pred: Callable[[int], bool], a: int, b: int | None, target: int,
              width: int) -> int | None:
    """The smallest g in [a, b] with ``pred(g)``, given ``pred(g)`` false for g < target
    (the net never exceeds the gross) and near-monotonicity over ``width``; None if none."""
    lo = max(a - 1, target - 1)  # pred false at lo, or lo is before the segment
    if b is not None and lo >= b:
        return None
    if b is not None:
        hi = b
        if not pred(hi):
            # Every g ≤ b − width has a lower net than b: only the last few can qualify.
            return next((g for g in range(max(lo + 1, b - width + 1), b) if pred(g)), None)
    else:
        hi = max(lo + 1, 2 * target)
        while not pred(hi):
            if hi > MAX_AMOUNT:
                return None
            hi = min(2 * hi, MAX_AMOUNT + 1)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if pred(mid):
            hi = mid
        else:
            lo = mid
    # pred(lo) false (or lo before the segment): every g ≤ lo − width has a lower net than lo.
    return next(g for g in range(max(a, lo - width + 1), hi + 1) if pred(g))


def payslip_for_net(net: int, dependants: int, month: int, *,
                    rules: PayrollRules | None = None) -> Payslip:
    """The payslip of the smallest gross (centimes) whose net is at least ``net``.

    Rounding makes some nets unreachable exactly (one more centime of gross can add a centime
    of contribution or IR): the smallest gross paying at least ``net`` is kept, and its net may
    then exceed ``net`` by a centime or so — the payslip says the net actually paid, which is
    what is posted. The net is not monotonic in the gross: crossing the professional-expenses
    threshold (6 500,00 DH a month with the 2025 rows) lowers the allowance from 35 % to 25 %,
    so the net drops; a net reachable on both sides is paid with the smaller gross. The search
    (a bisection per segment, then a short scan, see ``_window``) is exact, not approximate.

    ``InputError``: net ≤ 0 or beyond the maximum (``net``), dependants < 0, bad month; a net
    no accepted gross pays (``net``)."""
    _check_positive(net, "net", "net à payer")
    _check_dependants(dependants)
    day = payroll_rules.check_month(month)
    used = rules or payroll_rules.rules_on(day)

    def pays(gross: int) -> bool:
        return compute(gross, dependants, month, used).net >= net

    width = _window(used)
    for a, b in _segments(used):
        found = _smallest(pays, a, b, net, width)
        if found is not None and found <= MAX_AMOUNT:
            return compute(found, dependants, month, used)
    raise InputError(f"net à payer : {fmt_fr(net)} DH demande un brut au-delà du maximum "
                     "accepté", field="net", code="net.too_large")
