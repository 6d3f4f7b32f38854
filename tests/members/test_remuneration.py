"""Remuneration routes and payouts (issue 14): a salarié paid on a payslip, an indépendant on
their invoice, solidarity advances as receivables repaid from later payouts.

The worked salaried member (reference data: /work/shared/reference/morocco-rules.md « Payroll »,
rows of ecp.members.payroll_rules valid in November 2026), gross 6 500,00, one dependant:

    employee  CNSS court terme  0,52 % × 6 000,00 (capped)   =    31,20
              CNSS long terme   3,96 % × 6 000,00 (capped)   =   237,60
              AMO               2,26 % × 6 500,00            =   146,90
                                                     total       415,70
    professional expenses 35 % × 6 500,00 (78 000/yr ≤ 78 000) = 2 275,00
    taxable 6 500,00 − 415,70 − 2 275,00                      = 3 809,30
    IR: annual 45 711,60 → (45 711,60 − 40 000) × 10 % = 571,16; − 500 family = 71,16;
        ÷ 12 = 5,93 (half-up)
    net 6 500,00 − 415,70 − 5,93                              = 6 078,37
    employer  AF 6,40 % × 6 500 = 416,00; CNSS CT 1,05 % × 6 000 = 63,00;
              CNSS LT 7,93 % × 6 000 = 475,80; AMO 4,11 % × 6 500 = 267,15;
              TFP 1,60 % × 6 500 = 104,00                      total 1 325,95
    cost 6 500,00 + 1 325,95                                  = 7 825,95

Postings, all on the member's dimension:
    OD « Paie 11/2026 – FZ »: 61711 D 6 500,00; 61741 D 1 221,95 (416 + 63 + 475,80 + 267,15);
        61678 D 104,00 / 4441 C 1 741,65 (415,70 + 1 325,95); 44525 C 5,93; 4432 C 6 078,37
        (debits 7 825,95 = credits 7 825,95)
    BQ: 4432 D 6 078,37 / 5141 C 6 078,37
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from ecp import api
from ecp.db.models import Entry, Line, Payout, Payslip
from ecp.kernel.errors import InputError
from ecp.ledger.entry import LineSpec

D = dt.date


def _fund(books: api.Books, member: str, cents: int, day: D | None = None) -> None:
    """Money on the member's bank line (a cash sale without VAT, for the treasury), on
    2 November 2026 unless said."""
    day = day or D(2026, 11, 2)
    api.post_entry(books, "BQ", day, f"Recette {member}",
                   [LineSpec("5141", member, cents), LineSpec("7111", member, -cents)])


def _lines(books: api.Books, ref: str) -> list[tuple[str, str, int, str | None]]:
    journal, year, number = ref.split("-")
    with books.engine.connect() as c:
        eid = c.scalar(select(Entry.id).where(Entry.journal == journal,
                                              Entry.fiscal_year == int(year),
                                              Entry.number == int(number)))
        return [(r.account, r.dimension, r.amount, r.third_party) for r in c.execute(
            select(Line.account, Line.dimension, Line.amount, Line.third_party)
            .where(Line.entry_id == eid).order_by(Line.line_no))]


def _label(books: api.Books, ref: str) -> str:
    journal, year, number = ref.split("-")
    with books.engine.connect() as c:
        return str(c.scalar(select(Entry.label).where(
            Entry.journal == journal, Entry.fiscal_year == int(year),
            Entry.number == int(number))))


def _count(books: api.Books, table: Any) -> int:
    with books.engine.connect() as c:
        return int(c.scalar(select(func.count()).select_from(table)) or 0)


def _balance(books: api.Books, member: str, account: str) -> int:
    with books.engine.connect() as c:
        return int(c.scalar(select(func.coalesce(func.sum(Line.amount), 0)).where(
            Line.dimension == member, Line.account == account)) or 0)


def _no_salary_without_payslip(books: api.Books) -> None:
    """Every entry touching 61711 is the payroll entry of a recorded payslip."""
    with books.engine.connect() as c:
        salaried = set(c.scalars(select(Line.entry_id).where(Line.account == "61711")))
        slips = set(c.scalars(select(Payslip.entry_id)))
    assert salaried <= slips


def _refused(field: str, code: str, match: str, books: api.Books, *a: Any,
             **kw: Any) -> None:
    entries, payouts = _count(books, Entry), _count(books, Payout)
    with pytest.raises(InputError, match=match) as e:
        api.add_payout(books, *a, **kw)
    assert (e.value.field, e.value.code) == (field, code)
    assert (_count(books, Entry), _count(books, Payout)) == (entries, payouts)


@pytest.fixture
def paid(sales: api.Books) -> api.Books:
    """FZ salarié from 2026-11-01 (CNSS 123456789, one dependant), 10 000,00 in the bank."""
    api.set_route(sales, "FZ", "salarie", D(2026, 11, 1), cnss="123456789", dependants=1)
    _fund(sales, "FZ", 1_000_000)
    return sales


def test_salaried_worked_example_posted_to_the_centime(paid: api.Books) -> None:
    before = api.member_treasury(paid, "FZ", D(2026, 11, 30)).available
    assert before == 1_000_000
    res = api.add_payout(paid, "FZ", gross=650_000, day=D(2026, 11, 30))
    s = res.payslip
    assert s is not None and res.kind == "salaire" and res.withheld == 0
    assert [(ln.key, ln.base, ln.rate_bp, ln.amount) for ln in s.employee] == [
        ("cnss_ct", 600_000, 52, 3_120), ("cnss_lt", 600_000, 396, 23_760),
        ("amo", 650_000, 226, 14_690)]
    assert [(ln.key, ln.base, ln.rate_bp, ln.amount) for ln in s.employer] == [
        ("af", 650_000, 640, 41_600), ("cnss_ct", 600_000, 105, 6_300),
        ("cnss_lt", 600_000, 793, 47_580), ("amo", 650_000, 411, 26_715),
        ("tfp", 650_000, 160, 10_400)]
    assert (s.gross, s.employee_total, s.professional_expenses, s.taxable, s.ir, s.net,
            s.employer_total, s.cost) == (650_000, 41_570, 227_500, 380_930, 593, 607_837,
                                          132_595, 782_595)
    assert res.other_entry == "OD-2026-000001" and res.entry == "BQ-2026-000002"
    assert _label(paid, res.other_entry) == "Paie 11/2026 – FZ"
    assert _lines(paid, res.other_entry) == [
        ("61711", "FZ", 650_000, None), ("61741", "FZ", 122_195, None),
        ("61678", "FZ", 10_400, None), ("4441", "FZ", -174_165, None),
        ("44525", "FZ", -593, None), ("4432", "FZ", -607_837, None)]
    assert _lines(paid, res.entry) == [("4432", "FZ", 607_837, None),
                                       ("5141", "FZ", -607_837, None)]
    with paid.engine.connect() as c:
        p = c.execute(select(Payout.__table__).where(Payout.number == res.number)).one()
        row = c.execute(select(Payslip.__table__)).one()
    assert (p.kind, p.amount, p.invoice_ref, p.repay_monthly, p.available_before) == (
        "salaire", 607_837, "", 0, 1_000_000)
    assert (row.payout_id, row.member, row.month, row.gross, row.employee_total,
            row.employer_total, row.taxable, row.ir, row.net, row.cost, row.dependants) == (
        p.id, "FZ", 202611, 650_000, 41_570, 132_595, 380_930, 593, 607_837, 782_595, 1)
    assert json.loads(row.detail) == s.to_json()
    # The treasury: cash 10 000 − 6 078,37 = 3 921,63; payroll due to the CNSS and the State
    # 1 741,65 + 5,93 = 1 747,58; available 3 921,63 − 1 747,58 = 2 174,05 = 10 000 − cost.
    t = api.member_treasury(paid, "FZ", D(2026, 11, 30))
    assert (t.cash, t.available) == (392_163, 217_405) and 1_000_000 - 782_595 == 217_405
    # The bulletin de paie, archived and sealed like a voucher
    pdf = api.payout_pdf(paid, res.number)
    assert pdf.name == f"{res.number}-bulletin.pdf"
    from pypdf import PdfReader
    text = " ".join(" ".join(pg.extract_text() for pg in PdfReader(str(pdf)).pages)
                    .replace("\xa0", " ").split())
    for want in ("Bulletin de paie", "123456789", "1234567", "Novembre 2026", "6 500,00",
                 "0,52 %", "3,96 %", "2,26 %", "31,20", "237,60", "146,90", "2 275,00",
                 "3 809,30", "5,93", "6 078,37", "1 325,95", "7 825,95", "OD-2026-000001"):
        assert want in text, want
    assert api.verify(paid).ok
    doc = api.payout_payslip(paid, res.number)
    assert (doc.year_to_date["gross"], doc.months, doc.paid) == (650_000, 1, 607_837)
    _no_salary_without_payslip(paid)


def test_net_amount_gives_the_payslip_and_year_to_date(paid: api.Books) -> None:
    """amount = the net to pay: the payslip of the smallest gross paying it; the second
    payslip of the year adds up both in its year to date."""
    _fund(paid, "FZ", 1_000_000, D(2026, 11, 3))
    first = api.add_payout(paid, "FZ", gross=650_000, day=D(2026, 11, 20))
    res = api.add_payout(paid, "FZ", 607_837, D(2026, 11, 30))
    assert res.payslip is not None and res.payslip.net >= 607_837
    assert res.payslip.gross in (649_999, 650_000)
    doc = api.payout_payslip(paid, res.number)
    assert doc.months == 2 and doc.year_to_date["net"] == 607_837 + res.payslip.net
    assert api.payout_payslip(paid, first.number).months == 1
    _no_salary_without_payslip(paid)


def test_salary_refused_when_the_total_cost_exceeds_the_treasury(sales: api.Books) -> None:
    """7 000,00 available: the net 6 078,37 would fit, the cost 7 825,95 does not."""
    api.set_route(sales, "FZ", "salarie", D(2026, 1, 1), cnss="123456789", dependants=1)
    _fund(sales, "FZ", 700_000)
    slips = _count(sales, Payslip)
    _refused("amount", "amount.over_available",
             r"coût total de la paie, 7 825,95 DH .* trésorerie disponible de FZ au "
             r"2026-11-30 \(7 000,00 DH\)", sales, "FZ", gross=650_000, day=D(2026, 11, 30))
    assert _count(sales, Payslip) == slips
    with pytest.raises(InputError) as e:
        api.add_payout(sales, "FZ", 650_000, D(2026, 11, 30), gross=650_000)
    assert (e.value.field, e.value.code) == ("gross", "gross.with_amount")
    _refused("invoice_ref", "invoice_ref.salaried", "sans facture", sales, "FZ", 10_000,
             D(2026, 11, 30), invoice_ref="F-1")


def test_no_route_refused_advance_allowed(sales: api.Books) -> None:
    _fund(sales, "KH", 500_000)
    _refused("member", "member.no_route",
             r"KH : choisir d'abord son statut de rémunération \(salarié ou indépendant\)",
             sales, "KH", 10_000, D(2026, 11, 30))
    res = api.add_payout(sales, "KH", 10_000, D(2026, 11, 30), advance=True, reason="Urgence")
    assert res.kind == "avance"
    # a route from December does not cover November
    api.set_route(sales, "KH", "independant", D(2026, 12, 1))
    _refused("member", "member.no_route", "statut de rémunération", sales, "KH", 10_000,
             D(2026, 11, 30), invoice_ref="F-9")


def test_routes_are_dated_and_checked(sales: api.Books) -> None:
    assert api.member_route(sales, "YS", D(2026, 1, 1)) is None
    assert api.get_member(sales, "YS").route is None
    api.set_route(sales, "YS", "salarié", D(2026, 1, 1), cnss="123 456 789", dependants=2)
    api.set_route(sales, "YS", "indépendant", D(2026, 7, 1))  # keeps the CNSS, dependants
    assert api.member_route(sales, "YS", D(2026, 6, 30)) == ("salarie", "123456789", 2)
    assert api.member_route(sales, "YS", D(2026, 7, 1)) == ("independant", "123456789", 2)
    m = api.get_member(sales, "YS")
    assert (m.route, m.route_from, m.cnss, m.dependants) == ("independant", "2026-07-01",
                                                             "123456789", 2)
    for kw, field, code in (
            ({"route": "gérant"}, "route", "route.unknown"),
            ({"route": "salarie", "cnss": "12A"}, "cnss", "cnss.format"),
            ({"route": "salarie", "dependants": -1}, "dependants", "dependants.range"),
            ({"route": "salarie", "day": D(2026, 7, 1)}, "day", "day.route_exists")):
        args: dict[str, Any] = {"day": D(2026, 9, 1), **kw}
        with pytest.raises(InputError) as e:
            api.set_route(sales, "YS", **args)
        assert (e.value.field, e.value.code) == (field, code)
    assert [(e.action, e.subject) for e in api.audit_events(sales)
            if e.action == "membre.statut"] == [("membre.statut", "FZ"),
                                                 ("membre.statut", "YS"),
                                                 ("membre.statut", "YS")]


def test_independent_invoice_and_its_payment(sales: api.Books) -> None:
    """KH invoices the ECP 3 000,00 (no VAT): AC 61365 D / 44111 C (third party KH), then
    BQ 44111 D / 5141 C; the invoice is the payout's, paid once."""
    api.set_route(sales, "KH", "independant", D(2026, 1, 1))
    _fund(sales, "KH", 500_000)
    _refused("invoice_ref", "invoice_ref.required", "numéro de la facture de KH", sales, "KH",
             300_000, D(2026, 11, 30))
    _refused("gross", "gross.independent", "sur sa facture", sales, "KH", gross=300_000,
             day=D(2026, 11, 30), invoice_ref="F-2026-014")
    _refused("amount", "amount.over_available",
             r"la facture de 6 000,00 DH dépasse la trésorerie disponible de KH au 2026-11-30 "
             r"\(5 000,00 DH\)", sales, "KH", 600_000, D(2026, 11, 30), invoice_ref="F-2")
    res = api.add_payout(sales, "KH", 300_000, D(2026, 11, 30), invoice_ref="F-2026-014")
    assert (res.kind, res.payslip, res.other_entry) == ("honoraires", None, "AC-2026-000001")
    assert _label(sales, "AC-2026-000001") == "Facture KH n° F-2026-014"
    assert _lines(sales, "AC-2026-000001") == [("61365", "KH", 300_000, None),
                                               ("44111", "KH", -300_000, "KH")]
    assert _lines(sales, res.entry) == [("44111", "KH", 300_000, "KH"),
                                        ("5141", "KH", -300_000, None)]
    assert api.member_treasury(sales, "KH", D(2026, 11, 30)).available == 200_000
    _refused("invoice_ref", "invoice_ref.exists", "F-2026-014 de KH est déjà payée", sales,
             "KH", 100_000, D(2026, 11, 30), invoice_ref="F-2026-014")
    assert api.payout_pdf(sales, res.number).name == f"{res.number}.pdf"
    assert api.verify(sales).ok
    _no_salary_without_payslip(sales)


def test_advance_repaid_over_four_later_payouts(sales: api.Books) -> None:
    """An advance of 8 000,00 to KH (indépendant) on 10 July: 3431 D / 5141 C, repayment
    8 000 / 4 = 2 000,00 a month by default. Four invoices of 5 000,00 (August to November)
    each withhold 2 000,00 and pay 3 000,00: 3431 goes 6 000 → 4 000 → 2 000 → 0; a fifth
    withholds nothing."""
    api.set_route(sales, "KH", "independant", D(2026, 1, 1))
    _fund(sales, "KH", 3_000_000, D(2026, 7, 1))
    adv = api.add_payout(sales, "KH", 800_000, D(2026, 7, 10), advance=True,
                         reason="Machine en panne")
    assert adv.kind == "avance" and adv.withheld == 0
    assert _lines(sales, adv.entry) == [("3431", "KH", 800_000, "KH"),
                                        ("5141", "KH", -800_000, None)]
    with sales.engine.connect() as c:
        assert c.scalar(select(Payout.repay_monthly).where(Payout.number == adv.number)) \
            == 200_000
    # never a charge: cash 30 000 − 8 000, the advance is owed back (not subtracted again)
    assert api.member_treasury(sales, "KH", D(2026, 7, 10)).available == 2_200_000
    assert api.advance_outstanding(sales, "KH", D(2026, 7, 10)) == 800_000
    left = []
    for n, month in enumerate((8, 9, 10, 11), 1):
        res = api.add_payout(sales, "KH", 500_000, D(2026, month, 25), invoice_ref=f"F-{n}")
        assert (res.withheld, res.voucher.amount) == (200_000, 300_000)
        assert _lines(sales, res.entry) == [("44111", "KH", 500_000, "KH"),
                                            ("3431", "KH", -200_000, "KH"),
                                            ("5141", "KH", -300_000, None)]
        left.append(api.advance_outstanding(sales, "KH", D(2026, month, 25)))
    assert left == [600_000, 400_000, 200_000, 0]
    last = api.add_payout(sales, "KH", 500_000, D(2026, 12, 1), invoice_ref="F-5")
    assert (last.withheld, last.voucher.amount) == (0, 500_000)
    assert _balance(sales, "KH", "3431") == 0
    assert not any(a.startswith("6") for a, *_ in _lines(sales, adv.entry))


def test_salary_withholds_the_advance_and_repayment_in_money(paid: api.Books) -> None:
    """FZ: an advance of 1 000,00 repaid 500,00 a month; the salary (net 6 078,37) withholds
    500,00: BQ 4432 D 6 078,37 / 3431 C 500,00 / 5141 C 5 578,37. FZ then repays 300,00 in
    money (5141 D / 3431 C); 200,00 is left, more is refused."""
    api.add_payout(paid, "FZ", 100_000, D(2026, 11, 5), advance=True, reason="Loyer",
                   repay_monthly=50_000)
    res = api.add_payout(paid, "FZ", gross=650_000, day=D(2026, 11, 30))
    assert (res.withheld, res.voucher.amount) == (50_000, 557_837)
    assert _lines(paid, res.entry) == [("4432", "FZ", 607_837, None),
                                       ("3431", "FZ", -50_000, "FZ"),
                                       ("5141", "FZ", -557_837, None)]
    ref = api.repay_advance(paid, "FZ", 30_000, D(2026, 12, 2))
    assert _lines(paid, ref) == [("5141", "FZ", 30_000, None), ("3431", "FZ", -30_000, "FZ")]
    assert api.advance_outstanding(paid, "FZ", D(2026, 12, 2)) == 20_000
    with pytest.raises(InputError) as e:
        api.repay_advance(paid, "FZ", 20_001, D(2026, 12, 2))
    assert (e.value.field, e.value.code) == ("amount", "amount.over_outstanding")
    for kw, field, code in (({"repay_monthly": 0}, "repay_monthly", "repay_monthly.range"),
                            ({"repay_monthly": 100_001}, "repay_monthly",
                             "repay_monthly.range"),
                            ({"gross": 5_000}, "gross", "gross.advance")):
        args: dict[str, Any] = {"amount": 100_000, **kw}
        if "gross" in kw:
            args.pop("amount")
        _refused(field, code, ".", paid, "FZ", day=D(2026, 12, 3), advance=True,
                 reason="Autre", **args)
    _refused("repay_monthly", "repay_monthly.not_advance", "seulement pour une avance", paid,
             "FZ", 10_000, D(2026, 12, 3), repay_monthly=5_000)
    _no_salary_without_payslip(paid)


def test_cli_route_payout_and_repayment(sales: api.Books, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    """``ecp member edit --route``, ``ecp payout add --gross`` (the payslip printed),
    ``--invoice-ref``, ``--advance --repay-monthly`` and ``ecp advance repay``."""
    from ecp.cli import main
    db = str(sales.path)
    _fund(sales, "YS", 1_000_000)
    _fund(sales, "KH", 500_000)
    assert main(["--db", db, "member", "edit", "YS", "--route", "salarie", "--cnss",
                 "123456789", "--dependants", "1", "--route-from", "2026-11-01"]) == 0
    out = capsys.readouterr().out
    assert "Statut de rémunération de YS : salarié (CNSS 123456789, 1 personne(s) à charge) " \
           "à partir du 2026-11-01" in out
    assert main(["--db", db, "payout", "add", "--member", "YS", "--gross", "6500",
                 "--date", "2026-11-30"]) == 0
    out = capsys.readouterr().out
    for want in ("Salaire VR-2026-000001 : 6 078,37 DH à YS", "Salaire brut", "6 500,00",
                 "IR retenu", "-5,93", "Coût total", "7 825,95", "VR-2026-000001-bulletin.pdf"):
        assert want in out, want
    assert main(["--db", db, "member", "show", "YS", "--month", "2026-11"]) == 0
    assert "Rémunération : salarié (CNSS 123456789, 1 personne(s) à charge) depuis le " \
           "2026-11-01" in capsys.readouterr().out
    assert main(["--db", db, "member", "edit", "KH", "--route", "independant",
                 "--route-from", "2026-01-01"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "payout", "add", "--member", "KH", "--amount", "1000",
                 "--date", "2026-11-30", "--advance", "--reason", "Urgence",
                 "--repay-monthly", "500"]) == 0
    assert main(["--db", db, "payout", "add", "--member", "KH", "--amount", "2000",
                 "--date", "2026-11-30", "--invoice-ref", "F-77"]) == 0
    out = capsys.readouterr().out
    assert "Honoraires VR-2026-000003 : 1 500,00 DH à KH" in out
    assert "Remboursement d'avance retenu : 500,00 DH" in out
    assert main(["--db", db, "advance", "repay", "--member", "KH", "--amount", "200",
                 "--date", "2026-11-30"]) == 0
    assert "reste dû : 300,00 DH" in capsys.readouterr().out
    assert main(["--db", db, "payout", "add", "--member", "KH", "--amount", "100",
                 "--date", "2026-11-30"]) == 2
    assert "--invoice-ref" in capsys.readouterr().err
