"""Payroll returns and their payment (issue 14): ``ecp report payroll``, ``ecp social pay``,
``ecp ir pay``.

Two salaried members paid in November 2026 through ``api.add_payout`` (the rows of
ecp.members.payroll_rules valid then; rates in % of the base):

FZ, gross 6 500,00, one dependant (the worked example), paid 30/11/2026:
    employee  CNSS CT 0,52 % × 6 000,00 (capped) =  31,20
              CNSS LT 3,96 % × 6 000,00 (capped) = 237,60
              AMO     2,26 % × 6 500,00          = 146,90      total   415,70
    professional expenses 35 % × 6 500,00 (78 000/yr ≤ 78 000)      = 2 275,00
    taxable 6 500,00 − 415,70 − 2 275,00                             = 3 809,30
    IR: 3 809,30 × 12 = 45 711,60; (45 711,60 − 40 000) × 10 % = 571,16; − 500 (one
        dependant) = 71,16; ÷ 12 = 5,93
    net 6 500,00 − 415,70 − 5,93                                     = 6 078,37
    employer  AF 6,40 % × 6 500 = 416,00; CNSS CT 1,05 % × 6 000 = 63,00;
              CNSS LT 7,93 % × 6 000 = 475,80; AMO 4,11 % × 6 500 = 267,15;
              TFP 1,60 % × 6 500 = 104,00                          total 1 325,95
    cost 7 825,95; 4441 C 415,70 + 1 325,95 = 1 741,65; 44525 C 5,93

KH, gross 8 000,00, no dependant, paid 28/11/2026:
    employee  CNSS CT 0,52 % × 6 000,00 = 31,20; CNSS LT 3,96 % × 6 000,00 = 237,60;
              AMO 2,26 % × 8 000,00 = 180,80                       total   449,60
    professional expenses: 8 000 × 12 = 96 000 > 78 000 → 25 % × 8 000 = 2 000,00
        (below the cap 35 000 / 12 = 2 916,67)
    taxable 8 000,00 − 449,60 − 2 000,00                             = 5 550,40
    IR: × 12 = 66 604,80; 20 000 × 10 % = 2 000 + (66 604,80 − 60 000) × 20 % = 1 320,96
        → 3 320,96; ÷ 12 = 276,7466… → 276,75
    net 8 000,00 − 449,60 − 276,75                                   = 7 273,65
    employer  AF 6,40 % × 8 000 = 512,00; CNSS CT 1,05 % × 6 000 = 63,00;
              CNSS LT 7,93 % × 6 000 = 475,80; AMO 4,11 % × 8 000 = 328,80;
              TFP 1,60 % × 8 000 = 128,00                          total 1 507,60
    cost 9 507,60; 4441 C 449,60 + 1 507,60 = 1 957,20; 44525 C 276,75

Totals of November: gross 14 500,00; CNSS base capped 12 000,00; employee CT 62,40,
LT 475,20, AMO 327,70, total 865,30; employer AF 928,00, CT 126,00, LT 951,60, AMO 595,95,
TFP 232,00, total 2 833,55; professional expenses 4 275,00; taxable 9 359,70; IR 282,68;
net 13 352,02; cost 17 333,55. CNSS due 865,30 + 2 833,55 = 3 698,85 (= 1 741,65 +
1 957,20); IR due 282,68 (= 5,93 + 276,75).

CNSS paid 10/12/2026, BQ « CNSS-2026-11 »: FZ 4441 D 1 741,65 / 5141 C 1 741,65;
KH 4441 D 1 957,20 / 5141 C 1 957,20. IR paid 10/12/2026, BQ « IR-2026-11 SIMPL 42 »:
FZ 44525 D 5,93 / 5141 C 5,93; KH 44525 D 276,75 / 5141 C 276,75.

FZ is paid again on 31/12/2026 (same gross, same figures): December's payslip stays out of
November's returns; the year 2026 gives FZ two months (gross 13 000,00, employee 831,40,
professional expenses 4 550,00, taxable 7 618,60, IR 11,86, net 12 156,74, employer 2 651,90,
cost 15 651,90) and KH one (its November figures).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from ecp import api, cli
from ecp.db.models import AuditEvent, Entry, Line
from ecp.kernel.errors import InputError
from ecp.kernel.periods import Period
from ecp.ledger.entry import LineSpec
from ecp.reports.payroll_tables import month_table, year_table
from ecp.reports.render import render_table

D = dt.date
NOV = Period.parse("2026-11")


def _fund(books: api.Books, member: str, cents: int) -> None:
    api.post_entry(books, "BQ", D(2026, 11, 2), f"Recette {member}",
                   [LineSpec("5141", member, cents), LineSpec("7111", member, -cents)])


def _lines(books: api.Books, ref: str) -> list[tuple[str, str, int]]:
    journal, year, number = ref.split("-")
    with books.engine.connect() as c:
        eid = c.scalar(select(Entry.id).where(Entry.journal == journal,
                                              Entry.fiscal_year == int(year),
                                              Entry.number == int(number)))
        return [(r.account, r.dimension, r.amount) for r in c.execute(
            select(Line.account, Line.dimension, Line.amount)
            .where(Line.entry_id == eid).order_by(Line.line_no))]


def _counts(books: api.Books) -> tuple[int, int, int]:
    with books.engine.connect() as c:
        return tuple(int(c.scalar(select(func.count()).select_from(t)) or 0)
                     for t in (Entry, Line, AuditEvent))  # type: ignore[return-value]


@pytest.fixture
def payroll(sales: api.Books) -> api.Books:
    """FZ (1 dependant, CNSS 123456789) and KH (CNSS 987654321) salaried, paid in November;
    FZ paid again in December."""
    api.set_route(sales, "FZ", "salarie", D(2026, 11, 1), cnss="123456789", dependants=1)
    api.set_route(sales, "KH", "salarie", D(2026, 11, 1), cnss="987654321", dependants=0)
    _fund(sales, "FZ", 2_000_000)
    _fund(sales, "KH", 1_200_000)
    api.add_payout(sales, "KH", gross=800_000, day=D(2026, 11, 28))
    api.add_payout(sales, "FZ", gross=650_000, day=D(2026, 11, 30))
    api.add_payout(sales, "FZ", gross=650_000, day=D(2026, 12, 31))
    return sales


def test_month_rows_and_totals_to_the_centime(payroll: api.Books) -> None:
    pm = api.payroll_month(payroll, NOV)
    assert [(r.member, r.name, r.cnss, r.payslips, r.days, r.hours) for r in pm.rows] == [
        ("FZ", "Fatima Zahra", "123456789", 1, None, None),
        ("KH", "Khadija", "987654321", 1, None, None)]
    fz, kh = pm.rows
    assert (fz.gross, fz.cnss_base, fz.employee, fz.employee_total) == (
        650_000, 600_000, {"cnss_ct": 3_120, "cnss_lt": 23_760, "amo": 14_690}, 41_570)
    assert (fz.employer, fz.employer_total) == (
        {"af": 41_600, "cnss_ct": 6_300, "cnss_lt": 47_580, "amo": 26_715, "tfp": 10_400},
        132_595)
    assert (fz.professional_expenses, fz.taxable, fz.ir, fz.net, fz.cost) == (
        227_500, 380_930, 593, 607_837, 782_595)
    assert (kh.gross, kh.cnss_base, kh.employee, kh.employee_total) == (
        800_000, 600_000, {"cnss_ct": 3_120, "cnss_lt": 23_760, "amo": 18_080}, 44_960)
    assert (kh.employer, kh.employer_total) == (
        {"af": 51_200, "cnss_ct": 6_300, "cnss_lt": 47_580, "amo": 32_880, "tfp": 12_800},
        150_760)
    assert (kh.professional_expenses, kh.taxable, kh.ir, kh.net, kh.cost) == (
        200_000, 555_040, 27_675, 727_365, 950_760)
    t = pm.total
    assert (t.payslips, t.gross, t.cnss_base, t.employee, t.employee_total) == (
        2, 1_450_000, 1_200_000, {"cnss_ct": 6_240, "cnss_lt": 47_520, "amo": 32_770},
        86_530)
    assert (t.employer, t.employer_total) == (
        {"af": 92_800, "cnss_ct": 12_600, "cnss_lt": 95_160, "amo": 59_595, "tfp": 23_200},
        283_355)
    assert (t.professional_expenses, t.taxable, t.ir, t.net, t.cost) == (
        427_500, 935_970, 28_268, 1_335_202, 1_733_355)
    assert (pm.cnss_due, pm.ir_due, pm.cnss_paid, pm.ir_paid) == (369_885, 28_268, None, None)


def test_csv_keys_stable_and_json_plain_amounts(payroll: api.Books) -> None:
    table = month_table(api.payroll_month(payroll, NOV))
    csv = render_table(table, "csv").splitlines()
    assert csv[0] == ("cnss,membre,nom,jours,heures,brut,base_cnss,sal_cnss_ct,sal_cnss_lt,"
                      "sal_amo,sal_total,pat_af,pat_cnss_ct,pat_cnss_lt,pat_amo,tfp,pat_total,"
                      "frais_pro,net_imposable,ir,net,cout")
    assert csv[1] == ("123456789,FZ,Fatima Zahra,,,6500.00,6000.00,31.20,237.60,146.90,"
                      "415.70,416.00,63.00,475.80,267.15,104.00,1325.95,2275.00,3809.30,5.93,"
                      "6078.37,7825.95")
    assert len(csv) == 3  # machines add the rows up themselves: no total row
    rows = json.loads(render_table(table, "json"))
    assert rows[1]["membre"] == "KH" and rows[1]["ir"] == "276.75" \
        and rows[1]["cout"] == "9507.60"
    text = render_table(table, "table")
    assert "Total" in text and "17 333,55" in text and "CNSS à payer" in text


def test_year_summary_per_employee(payroll: api.Books) -> None:
    rows = api.payroll_year(payroll, 2026)
    assert [(r.member, r.cnss, r.months, r.gross, r.employee_total, r.professional_expenses,
             r.taxable, r.ir, r.net, r.employer_total, r.cost) for r in rows] == [
        ("FZ", "123456789", 2, 1_300_000, 83_140, 455_000, 761_860, 1_186, 1_215_674,
         265_190, 1_565_190),
        ("KH", "987654321", 1, 800_000, 44_960, 200_000, 555_040, 27_675, 727_365,
         150_760, 950_760)]
    csv = render_table(year_table(2026, rows), "csv").splitlines()
    assert csv[0] == ("cnss,membre,nom,mois,brut,retenues_sociales,frais_pro,net_imposable,ir,"
                      "net,charges_patronales,cout")
    assert api.payroll_year(payroll, 2025) == []


def test_social_pay_posts_4441_per_dimension(payroll: api.Books) -> None:
    at = D(2026, 12, 10)
    before = {m: api.member_treasury(payroll, m, at) for m in ("FZ", "KH")}
    p = api.social_pay(payroll, NOV, at)
    for m, t in before.items():  # the bank and what is owed to the CNSS drop together
        after = api.member_treasury(payroll, m, at)
        assert after.available == t.available and after.cash == t.cash - dict(
            p.per_dimension)[m]
    assert (p.kind, p.month, p.day, p.amount, p.reference, p.per_dimension) == (
        "cnss", 202611, D(2026, 12, 10), 369_885, "CNSS-2026-11",
        (("FZ", 174_165), ("KH", 195_720)))
    assert _lines(payroll, p.entry) == [
        ("4441", "FZ", 174_165), ("5141", "FZ", -174_165),
        ("4441", "KH", 195_720), ("5141", "KH", -195_720)]
    # entered after December's pay (BQ, later in December): recorded in RG, in entry order
    assert p.entry.startswith("RG-2026-")
    pm = api.payroll_month(payroll, NOV)
    assert pm.cnss_paid == p and pm.ir_paid is None
    # what the month's payroll left on 4441 is gone; December's payslip still owes its own
    with payroll.engine.connect() as c:
        left = dict(c.execute(select(Line.dimension, func.sum(Line.amount))
                              .where(Line.account == "4441").group_by(Line.dimension)).all())
    assert left == {"FZ": -174_165, "KH": 0}
    events = api.audit_events(payroll)
    assert (events[-1].action, events[-1].subject) == ("cnss.paiement", "2026-11")


def test_ir_pay_posts_44525_per_dimension(payroll: api.Books) -> None:
    p = api.ir_pay(payroll, NOV, D(2026, 12, 10), "cheque", "SIMPL 42")
    assert (p.kind, p.amount, p.reference, p.per_dimension) == (
        "ir", 28_268, "IR-2026-11 SIMPL 42", (("FZ", 593), ("KH", 27_675)))
    assert _lines(payroll, p.entry) == [
        ("44525", "FZ", 593), ("5141", "FZ", -593),
        ("44525", "KH", 27_675), ("5141", "KH", -27_675)]
    with payroll.engine.connect() as c:
        label = c.scalar(select(Entry.label).where(Entry.reference == p.reference))
    assert label == "Paiement IR retenu à la source 2026-11 (chèque)"
    assert api.payroll_month(payroll, NOV).ir_paid == p
    assert api.audit_events(payroll)[-1].action == "ir.paiement"


def _refused(books: api.Books, pay: Any, field: str, code: str, match: str, *a: Any) -> None:
    before = _counts(books)
    with pytest.raises(InputError, match=match) as e:
        pay(books, *a)
    assert (e.value.field, e.value.code) == (field, code)
    assert _counts(books) == before  # nothing written, no audit event either


@pytest.mark.parametrize("pay", [api.social_pay, api.ir_pay])
def test_refusals_name_field_and_code(payroll: api.Books, pay: Any) -> None:
    _refused(payroll, pay, "period", "period.nothing_due", "rien à payer",
             Period.parse("2026-10"), D(2026, 12, 10))
    _refused(payroll, pay, "day", "day.before_payslip", "précède la dernière paie",
             NOV, D(2026, 11, 29))
    _refused(payroll, pay, "method", "method.unknown", "especes", NOV, D(2026, 12, 10),
             "especes")
    _refused(payroll, pay, "period", "period.not_month", "un mois", Period.parse("2026-Q4"),
             D(2026, 12, 10))
    first = pay(payroll, NOV, D(2026, 12, 10))
    _refused(payroll, pay, "period", "period.paid", first.entry, NOV, D(2026, 12, 11))
    _refused(payroll, pay, "period", "period.paid", "déjà payé", NOV, D(2026, 12, 11),
             "virement", "AUTRE")


def test_reversed_payment_may_be_made_again(payroll: api.Books) -> None:
    """A payment cancelled by a reversal no longer counts: the month is due again."""
    first = api.social_pay(payroll, NOV, D(2026, 12, 10))
    api.reverse_entry(payroll, first.entry, D(2026, 12, 11))
    assert api.payroll_month(payroll, NOV).cnss_paid is None
    again = api.social_pay(payroll, NOV, D(2026, 12, 12))
    assert (again.amount, again.per_dimension) == (first.amount, first.per_dimension)
    assert again.entry != first.entry


def _ecp(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = cli.main(["--db", str(db), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_report_and_payments(payroll: api.Books, db_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    """The commands as typed: the report's CSV, both payments, refusals exit 2 with one line
    naming the flag."""
    code, out, _ = _ecp(capsys, db_path, "report", "payroll", "--period", "2026-11",
                        "--format", "csv")
    assert code == 0 and out.splitlines()[2].startswith("987654321,KH,Khadija,,,8000.00,")
    code, out, _ = _ecp(capsys, db_path, "report", "payroll", "--year", "2026")
    assert code == 0 and "Paie 2026 — récapitulatif annuel par salarié" in out \
        and "13 000,00" in out
    dest = db_path.parent / "sorties" / "paie-2026-11.csv"
    code, out, _ = _ecp(capsys, db_path, "report", "payroll", "--period", "2026-11",
                        "--format", "csv", "--out", str(dest))
    assert (code, out) == (0, f"Paie écrite : {dest}\n")
    assert dest.read_text(encoding="utf-8").splitlines()[1].startswith("123456789,FZ,")
    code, out, err = _ecp(capsys, db_path, "report", "payroll")
    assert (code, out) == (2, "") and err.startswith("ecp : --period : un mois")
    code, out, _ = _ecp(capsys, db_path, "social", "pay", "--period", "2026-11", "--date",
                        "2026-12-10", "--reference", "DAMANCOM 7")
    assert code == 0 and out.splitlines() == [
        "CNSS 2026-11 payé le 2026-12-10 : 3 698,85 DH (RG-2026-000001, référence "
        "CNSS-2026-11 DAMANCOM 7)", "  FZ : 1 741,65 DH", "  KH : 1 957,20 DH"]
    code, out, err = _ecp(capsys, db_path, "social", "pay", "--period", "2026-11", "--date",
                          "2026-12-11")
    assert (code, out) == (2, "") and err.startswith("ecp : --period : période 2026-11 : ") \
        and len(err.splitlines()) == 1
    code, out, err = _ecp(capsys, db_path, "ir", "pay", "--period", "2026-11", "--date",
                          "2026-11-29")
    assert (code, out) == (2, "") and err.startswith("ecp : --date : date : le paiement")
    code, out, _ = _ecp(capsys, db_path, "ir", "pay", "--period", "2026-11", "--date",
                        "2026-12-10", "--method", "cheque")
    assert code == 0 and out.splitlines()[0] == (
        "IR retenu 2026-11 payé le 2026-12-10 : 282,68 DH (RG-2026-000002, référence "
        "IR-2026-11)")
    code, out, _ = _ecp(capsys, db_path, "report", "payroll", "--period", "2026-11")
    assert out.splitlines()[0] == ("Paie 2026-11 — CNSS payé le 10/12/2026 (RG-2026-000001), "
                                   "IR payé le 10/12/2026 (RG-2026-000002)")
