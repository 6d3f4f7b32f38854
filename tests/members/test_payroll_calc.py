"""The payroll engine (ecp.members.payroll): pure computations, asserted to the centime against
hand computations from ../shared/reference/morocco-rules.md « Payroll » (rates in basis points
of a percent ×100: 0,52 % = 52)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random

import pytest

from ecp.kernel.errors import InputError
from ecp.members import payroll, payroll_rules
from ecp.members.payroll import Line, Payslip, payslip, payslip_for_net
from ecp.members.payroll_rules import Bracket, IrScale

NOV_2026 = 202611


def _amounts(lines: tuple[Line, ...]) -> dict[str, tuple[int, int, int]]:
    return {ln.key: (ln.base, ln.rate_bp, ln.amount) for ln in lines}


def test_worked_example_6500_one_dependant() -> None:
    """Gross 6 500,00 DH, one dependant, November 2026 (crosses the CNSS ceiling of 6 000).

    Employee contributions:
      CNSS court terme 0,52 % × 6 000,00 (capped) = 31,20
      CNSS long terme  3,96 % × 6 000,00 (capped) = 237,60
      AMO              2,26 % × 6 500,00          = 146,90
      total                                         415,70
    Professional expenses: 6 500 × 12 = 78 000 ≤ 78 000 → 35 % × 6 500,00 = 2 275,00.
    Taxable: 6 500,00 − 415,70 − 2 275,00 = 3 809,30.
    IR, annual route: 3 809,30 × 12 = 45 711,60; barème: (45 711,60 − 40 000) × 10 % = 571,16;
      without family: 571,16 / 12 = 47,5967 → 47,60 (ir_before_family);
      family: 571,16 − 500 × 1 = 71,16; / 12 = 5,93 → IR 5,93; deduction granted 47,60 − 5,93
      = 41,67.
    Same by the monthly « somme à déduire » table: 3 809,30 × 10 % − 333,33 = 47,60;
      − 500 / 12 = 41,67 → 5,93. Same to the centime.
    Net: 6 500,00 − 415,70 − 5,93 = 6 078,37.
    Employer: AF 6,40 % × 6 500 = 416,00; CT 1,05 % × 6 000 = 63,00; LT 7,93 % × 6 000 = 475,80;
      AMO 4,11 % × 6 500 = 267,15; TFP 1,60 % × 6 500 = 104,00 → 1 325,95.
    Cost: 6 500,00 + 1 325,95 = 7 825,95.
    """
    p = payslip(650_000, 1, NOV_2026)
    assert p.month == NOV_2026 and p.gross == 650_000 and p.dependants == 1
    assert [ln.key for ln in p.employee] == ["cnss_ct", "cnss_lt", "amo"]
    assert _amounts(p.employee) == {"cnss_ct": (600_000, 52, 3_120),
                                    "cnss_lt": (600_000, 396, 23_760),
                                    "amo": (650_000, 226, 14_690)}
    assert p.employee_total == 41_570
    assert p.professional_expenses == 227_500
    assert p.taxable == 380_930
    assert p.ir_before_family == 4_760
    assert p.family_deduction == 4_167
    assert p.ir == 593
    assert p.net == 607_837
    assert [ln.key for ln in p.employer] == ["af", "cnss_ct", "cnss_lt", "amo", "tfp"]
    assert _amounts(p.employer) == {"af": (650_000, 640, 41_600),
                                    "cnss_ct": (600_000, 105, 6_300),
                                    "cnss_lt": (600_000, 793, 47_580),
                                    "amo": (650_000, 411, 26_715),
                                    "tfp": (650_000, 160, 10_400)}
    assert p.employer_total == 132_595
    assert p.cost == 782_595
    assert p.warnings == ()
    assert p.employee[0].label == "Prestations sociales court terme"
    assert "CNSS/AMO 2024 (depuis 2024-01-01) [S]" in p.rules
    assert "barème IR 2025 (depuis 2025-01-01) [S]" in p.rules
    assert "frais professionnels 2025 (depuis 2025-01-01) [?]" in p.rules
    assert "SMIG 2026" in p.rules
    # The monthly « somme à déduire » table, computed independently in centimes:
    # 10 % bracket, deduction 4 000 DH / 12 = 333,33; family 500 / 12 = 41,67.
    assert 380_930 * 10 // 100 - 33_333 == 4_760
    assert 4_760 - 4_167 == 593


def test_under_the_ceiling_no_ir() -> None:
    """Gross 4 000,00 DH, no dependant, November 2026 (below the CNSS ceiling).

    Employee: CT 0,52 % × 4 000 = 20,80; LT 3,96 % × 4 000 = 158,40; AMO 2,26 % × 4 000 = 90,40
      → 269,60.
    Professional expenses: 48 000 a year ≤ 78 000 → 35 % × 4 000 = 1 400,00.
    Taxable: 4 000,00 − 269,60 − 1 400,00 = 2 330,40; × 12 = 27 964,80 ≤ 40 000 → IR 0.
    Net: 4 000,00 − 269,60 = 3 730,40.
    Employer: AF 256,00; CT 42,00; LT 317,20; AMO 164,40; TFP 64,00 → 843,60; cost 4 843,60.
    Above the SMIG (3 422,72): no warning.
    """
    p = payslip(400_000, 0, NOV_2026)
    assert _amounts(p.employee) == {"cnss_ct": (400_000, 52, 2_080),
                                    "cnss_lt": (400_000, 396, 15_840),
                                    "amo": (400_000, 226, 9_040)}
    assert p.employee_total == 26_960
    assert p.professional_expenses == 140_000
    assert p.taxable == 233_040
    assert (p.ir_before_family, p.family_deduction, p.ir) == (0, 0, 0)
    assert p.net == 373_040
    assert _amounts(p.employer) == {"af": (400_000, 640, 25_600),
                                    "cnss_ct": (400_000, 105, 4_200),
                                    "cnss_lt": (400_000, 793, 31_720),
                                    "amo": (400_000, 411, 16_440),
                                    "tfp": (400_000, 160, 6_400)}
    assert p.employer_total == 84_360
    assert p.cost == 484_360
    assert p.warnings == ()


def test_high_salary_capped_expenses_top_bracket() -> None:
    """Gross 25 000,00 DH, three dependants, November 2026.

    Employee: CT 0,52 % × 6 000 = 31,20; LT 3,96 % × 6 000 = 237,60; AMO 2,26 % × 25 000 =
      565,00 → 833,80.
    Professional expenses: 300 000 a year > 78 000 → 25 % × 25 000 = 6 250,00, capped at
      35 000 / 12 = 2 916,666… → 2 916,67.
    Taxable: 25 000,00 − 833,80 − 2 916,67 = 21 249,53; × 12 = 254 994,36.
    Barème: 20 000 × 10 % = 2 000; 20 000 × 20 % = 4 000; 20 000 × 30 % = 6 000;
      80 000 × 34 % = 27 200; (254 994,36 − 180 000) × 37 % = 27 747,9132 → 66 947,9132
      (check: 254 994,36 × 37 % − 27 400 = 66 947,9132).
    Without family: / 12 = 5 578,99276 → 5 578,99.
    Family 3 × 500 = 1 500: 65 447,9132 / 12 = 5 453,99276 → IR 5 453,99; deduction 125,00.
    Net: 25 000,00 − 833,80 − 5 453,99 = 18 712,21.
    Employer: AF 6,40 % × 25 000 = 1 600,00; CT 63,00; LT 475,80; AMO 4,11 % × 25 000 =
      1 027,50; TFP 1,60 % × 25 000 = 400,00 → 3 566,30; cost 28 566,30.
    """
    p = payslip(2_500_000, 3, NOV_2026)
    assert _amounts(p.employee) == {"cnss_ct": (600_000, 52, 3_120),
                                    "cnss_lt": (600_000, 396, 23_760),
                                    "amo": (2_500_000, 226, 56_500)}
    assert p.employee_total == 83_380
    assert p.professional_expenses == 291_667
    assert p.taxable == 2_124_953
    assert p.ir_before_family == 557_899
    assert p.family_deduction == 12_500
    assert p.ir == 545_399
    assert p.net == 1_871_221
    assert _amounts(p.employer) == {"af": (2_500_000, 640, 160_000),
                                    "cnss_ct": (600_000, 105, 6_300),
                                    "cnss_lt": (600_000, 793, 47_580),
                                    "amo": (2_500_000, 411, 102_750),
                                    "tfp": (2_500_000, 160, 40_000)}
    assert p.employer_total == 356_630
    assert p.cost == 2_856_630


def test_eight_dependants_count_six() -> None:
    """Gross 25 000,00 DH, eight dependants: the deduction counts 6 × 500 = 3 000 a year.
    (66 947,9132 − 3 000) / 12 = 5 328,99276 → IR 5 328,99; deduction 5 578,99 − 5 328,99 =
    250,00; net 25 000,00 − 833,80 − 5 328,99 = 18 837,21. Same IR as six dependants; a
    warning says the deduction is capped; the payslip keeps the declared 8."""
    p8 = payslip(2_500_000, 8, NOV_2026)
    p6 = payslip(2_500_000, 6, NOV_2026)
    assert p8.ir == p6.ir == 532_899
    assert p8.family_deduction == 25_000
    assert p8.net == 1_883_721
    assert p8.dependants == 8
    assert p8.warnings == ("8 personnes à charge : la déduction pour charges de famille en "
                           "retient au plus 6",)
    assert p6.warnings == ()


def test_family_deduction_floored_at_zero() -> None:
    """Gross 5 000,00, six dependants: taxable 5 000 − (26,00 + 198,00 + 113,00 = 337,00) −
    1 750,00 = 2 913,00; × 12 = 34 956 ≤ 40 000 → IR 0; deduction granted 0, never negative."""
    p = payslip(500_000, 6, NOV_2026)
    assert p.employee_total == 33_700
    assert p.taxable == 291_300
    assert (p.ir_before_family, p.family_deduction, p.ir) == (0, 0, 0)
    assert p.net == 466_300


def test_smig_warning() -> None:
    """Gross 3 000,00 in 2026: below 17,92 × 191 = 3 422,72 → a warning. In December 2025 the
    package knows no SMIG row: no warning (and the payslip is still computed)."""
    p = payslip(300_000, 0, NOV_2026)
    assert p.warnings == ("salaire brut 3 000,00 DH inférieur au SMIG mensuel 3 422,72 DH "
                          "(17,92 DH × 191 h)",)
    assert payslip(342_272, 0, NOV_2026).warnings == ()
    assert payslip(342_271, 0, NOV_2026).warnings != ()
    old = payslip(300_000, 0, 202512)
    assert old.warnings == () and "SMIG" not in old.rules


@pytest.mark.parametrize(("call", "field", "code"), [
    (lambda: payslip(0, 0, NOV_2026), "gross", "gross.not_positive"),
    (lambda: payslip(-100, 0, NOV_2026), "gross", "gross.not_positive"),
    (lambda: payslip(10**15, 0, NOV_2026), "gross", "gross.too_large"),
    (lambda: payslip(650_000, -1, NOV_2026), "dependants", "dependants.invalid"),
    (lambda: payslip(650_000, 0, 202613), "month", "month.invalid"),
    (lambda: payslip(650_000, 0, 2026), "month", "month.invalid"),
    (lambda: payslip(650_000, 0, 202412), "month", "month.no_rules"),
    (lambda: payslip_for_net(0, 0, NOV_2026), "net", "net.not_positive"),
    (lambda: payslip_for_net(-5, 0, NOV_2026), "net", "net.not_positive"),
    (lambda: payslip_for_net(10**14, 0, NOV_2026), "net", "net.too_large"),
    (lambda: payslip_for_net(500_000, -2, NOV_2026), "dependants", "dependants.invalid"),
])
def test_bad_input(call: object, field: str, code: str) -> None:
    with pytest.raises(InputError) as exc:
        call()  # type: ignore[operator]
    assert exc.value.field == field
    assert exc.value.code == code


def test_json_round_trip() -> None:
    p = payslip(2_500_000, 8, NOV_2026)
    d = p.to_json()
    text = json.dumps(d, ensure_ascii=False)
    back = Payslip.from_json(json.loads(text))
    assert back == p
    assert set(d) == {f.name for f in dataclasses.fields(Payslip)}
    assert d["employee"][0] == {"key": "cnss_ct", "label": "Prestations sociales court terme",
                                "base": 600_000, "rate_bp": 52, "amount": 3_120}
    assert all(isinstance(d[k], int) for k in ("gross", "net", "cost", "ir", "taxable"))


def _check_smallest(net: int, dependants: int) -> Payslip:
    p = payslip_for_net(net, dependants, NOV_2026)
    assert payslip(p.gross, dependants, NOV_2026) == p
    assert p.net >= net
    if p.gross > 1:
        assert payslip(p.gross - 1, dependants, NOV_2026).net < net
    return p


def test_payslip_for_net_worked_example() -> None:
    """Net 6 078,37, one dependant → gross 6 500,00 exactly (the worked example). One centime
    more of net lies above the professional-expenses threshold: at 6 500,01 the allowance falls
    to 25 % (1 625,00), the net to 6 013,38, and 6 078,38 needs 6 571,86 of gross."""
    assert _check_smallest(607_837, 1).gross == 650_000
    assert payslip(650_001, 1, NOV_2026).net == 601_338
    above = _check_smallest(607_838, 1)
    assert above.gross == 657_186 and above.net == 607_838
    # A net reachable on both sides of the threshold is paid with the smaller gross.
    both = _check_smallest(601_338, 1)
    assert both.gross < 650_000


def test_payslip_for_net_round_trip_many() -> None:
    """For many nets and dependants: the gross found pays at least the net, one centime less of
    gross pays less, and (minimality over a wide window) no smaller gross nearby pays it."""
    rng = random.Random(14)
    nets = [1, 2, 99, 100, 342_272, 600_000, 601_337, 601_338, 607_836, 607_837, 607_838]
    nets += [rng.randint(1, 5_000_000) for _ in range(150)]
    for net in nets:
        dependants = rng.randint(0, 8)
        p = _check_smallest(net, dependants)
        for g in range(max(1, p.gross - 300), p.gross):
            assert payslip(g, dependants, NOV_2026).net < net, (net, dependants, g)


def test_net_nearly_monotonic_within_a_segment() -> None:
    """The search's premise (payroll._window): inside a segment, a gross higher by at least W
    always pays a higher net. Checked exhaustively around the CNSS ceiling, the bracket edges
    and the professional-expenses cap."""
    rules = payroll_rules.rules_on(dt.date(2026, 11, 1))
    width = payroll._window(rules)
    assert width == 8
    for centre in (600_000, 650_000 - 400, 650_000 + 401, 1_166_667, 1_200_000, 2_000_000):
        nets = [payslip(g, 2, NOV_2026).net for g in range(centre - 300, centre + 300)]
        for i in range(len(nets) - width):
            assert nets[i + width] > nets[i], centre + i - 300


def test_rules_change_by_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """A made-up later row: from 2027-01-01 the exempt bracket rises to 50 000 a year and the
    AMO employee rate to 2,50 %. December 2026 keeps the 2025 barème; January 2027 uses the new
    one, and the payslip says which rows it used.

    Gross 6 500,00, one dependant, January 2027: CT 31,20; LT 237,60; AMO 2,50 % × 6 500 =
    162,50 → 431,30; expenses 2 275,00; taxable 6 500,00 − 431,30 − 2 275,00 = 3 793,70;
    × 12 = 45 524,40 ≤ 50 000 → IR 0; net 6 500,00 − 431,30 = 6 068,70."""
    old_ir = payroll_rules.IR_SCALES[0]
    new_ir = IrScale(dt.date(2027, 1, 1), None,
                     (Bracket(5_000_000, 0), *old_ir.brackets[1:]),
                     50_000, 6, "barème IR fictif 2027", "[?]")
    monkeypatch.setattr(payroll_rules, "IR_SCALES",
                        (dataclasses.replace(old_ir, valid_to=dt.date(2027, 1, 1)), new_ir))
    old_c = payroll_rules.CONTRIBUTIONS[0]
    branches = tuple(dataclasses.replace(b, employee_bp=250) if b.key == "amo" else b
                     for b in old_c.branches)
    new_c = dataclasses.replace(old_c, valid_from=dt.date(2027, 1, 1), branches=branches,
                                source="CNSS/AMO fictif 2027")
    monkeypatch.setattr(payroll_rules, "CONTRIBUTIONS",
                        (dataclasses.replace(old_c, valid_to=dt.date(2027, 1, 1)), new_c))

    dec = payslip(650_000, 1, 202612)
    assert dec.ir == 593 and dec.net == 607_837
    assert "barème IR 2025" in dec.rules and "fictif" not in dec.rules
    jan = payslip(650_000, 1, 202701)
    assert _amounts(jan.employee)["amo"] == (650_000, 250, 16_250)
    assert jan.employee_total == 43_130
    assert jan.taxable == 379_370
    assert jan.ir == 0
    assert jan.net == 606_870
    assert "barème IR fictif 2027 (depuis 2027-01-01) [?]" in jan.rules
    assert "CNSS/AMO fictif 2027" in jan.rules
    # The same rules passed explicitly give the same payslip.
    explicit = payroll_rules.rules_on(dt.date(2027, 1, 1))
    monkeypatch.undo()
    assert payslip(650_000, 1, 202701, rules=explicit) == jan
    assert payslip(650_000, 1, 202701).net == 607_837
