"""The VAT return of a month or a quarter, worked to the centime, and its agreement with the
ledger: net collected VAT is the period's net credit movement on 4455, deductible VAT the
period's debit movement on 34552."""

from __future__ import annotations

import datetime as dt

import pytest

from ecp import api
from ecp.kernel.errors import InputError
from ecp.kernel.money import parse as parse_amount
from ecp.kernel.periods import Period, parse_month_or_quarter
from ecp.kernel.units import Rate, parse_quantity, parse_rate
from ecp.sales.documents import LineInput
from ecp.sales.vat_report import VatRateRow, VatReport

D = dt.date
ICE_OK = "001561191000066"

def L(desc: str, qty: str, price: str, rate: str, account: str = "71211") -> LineInput:
    return LineInput(desc, parse_quantity(qty, "quantité"), parse_amount(price),
                     parse_rate(rate, "taux"), account)


def invoice(books: api.Books, member: str, customer: str, day: D, *lines: LineInput) -> str:
    draft = api.create_document(books, "facture", member, customer, day, lines=list(lines))
    return api.issue_document(books, draft).number


def march_2026(books: api.Books) -> None:
    """A realistic month: invoices at 20 % and 10 %, partial and full payments, credit notes
    on a paid, a part-paid and an unpaid invoice, expenses paid, part-paid and unpaid, and a
    payment and an expense payment in April."""
    # A: 1 000 at 20 % + 500 at 10 % = 1 750 TTC; 700 paid in March (40 %), the rest in April.
    a = invoice(books, "FZ", "HOTEL", D(2026, 3, 2), L("Caftan", "1", "1000", "20"),
                L("Gâteaux", "1", "500", "10", "7111"))
    api.add_payment(books, [a], 70000, D(2026, 3, 20), "virement")
    api.add_payment(books, [a], 105000, D(2026, 4, 5), "cheque")
    # B: 600 at 20 %, paid in full.
    b = invoice(books, "KH", "AMINA", D(2026, 3, 5), L("Tajine", "2", "300", "20", "7111"))
    api.add_payment(books, [b], 72000, D(2026, 3, 10), "especes")
    # C: 2 000 at 10 %, paid in full, then a 100 HT discount: its VAT was cashed, so the
    # credit note regularises 10,00 on 4455.
    c = invoice(books, "YS", "HOTEL", D(2026, 3, 6), L("Traiteur", "1", "2000", "10", "7111"))
    api.add_payment(books, [c], 220000, D(2026, 3, 15), "virement")
    api.credit_note(books, c, lines=[L("Remise", "1", "100", "10", "7111")], day=D(2026, 3, 25))
    # D: unpaid, cancelled by a full credit note: its VAT never left 44551.
    d = invoice(books, "FZ", "HOTEL", D(2026, 3, 10), L("Coussin", "1", "500", "20"))
    api.credit_note(books, d, day=D(2026, 3, 28))
    # E: 1 000 at 20 %, half paid (VAT 100 cashed), then credited in full: 100 from 44551,
    # 100 regularised on 4455.
    e = invoice(books, "KH", "HOTEL", D(2026, 3, 12), L("Buffet", "1", "1000", "20", "7111"))
    api.add_payment(books, [e], 60000, D(2026, 3, 18), "virement")
    api.credit_note(books, e, day=D(2026, 3, 30))
    # Expenses: paid (VAT 200), half paid (VAT 15 of 30), unpaid, paid in April.
    api.add_expense(books, "FZ", "TISSUS", D(2026, 3, 3), "6111", 100000, Rate(2000),
                    paid_on=D(2026, 3, 20), method="virement")
    e2 = api.add_expense(books, "KH", "TISSUS", D(2026, 3, 4), "6111", 30000, Rate(1000))
    api.pay_expense(books, e2, D(2026, 3, 22), "cheque", amount=16500)
    api.add_expense(books, "YS", "TISSUS", D(2026, 3, 5), "6111", 50000, Rate(2000))
    api.add_expense(books, "FZ", "TISSUS", D(2026, 3, 26), "6111", 25000, Rate(2000),
                    paid_on=D(2026, 4, 2), method="virement")


def ledger_movements(books: api.Books, start: D, last: D) -> dict[str, tuple[int, int]]:
    tb = api.trial_balance(books, start, last)
    return {r.account: (r.debit, r.credit) for r in tb.rows}


def assert_agrees_with_ledger(books: api.Books, rep: VatReport) -> None:
    mv = ledger_movements(books, rep.start, rep.last_day)
    d4455, c4455 = mv.get("4455", (0, 0))
    assert rep.collected_vat == c4455
    assert rep.regularised_vat == d4455
    assert rep.net_collected == c4455 - d4455
    assert rep.deductible_vat == mv.get("34552", (0, 0))[0]


def test_march_worked_to_the_centime(sales: api.Books) -> None:
    march_2026(sales)
    rep = api.vat_report(sales, Period.parse("2026-03"))
    assert (rep.start, rep.end, rep.label, rep.regime) == (D(2026, 3, 1), D(2026, 4, 1),
                                                            "2026-03", "encaissement")
    # 20 %: A 400/80, B 600/120, E 500/100; 10 %: A 200/20, C 2 000/200. April's 1 050 is out.
    assert rep.collected == (VatRateRow(2000, 150000, 30000), VatRateRow(1000, 220000, 22000))
    # C: 100/10 at 10 %; E: 1 000/200 less the 500/100 still pending; D: nothing.
    assert rep.regularised == (VatRateRow(2000, 50000, 10000), VatRateRow(1000, 10000, 1000))
    # 1 000/200 at 20 %; half of 330 TTC at 10 %: 150/15. The unpaid and April ones are out.
    assert rep.deductible == (VatRateRow(2000, 100000, 20000), VatRateRow(1000, 15000, 1500))
    assert (rep.collected_vat, rep.regularised_vat, rep.net_collected) == (52000, 11000, 41000)
    assert rep.deductible_vat == 21500
    assert (rep.balance, rep.due, rep.credit) == (19500, 19500, 0)
    assert rep.collected[0].rate == "20 %"


def test_report_agrees_with_the_ledger_on_4455_and_34552(sales: api.Books) -> None:
    march_2026(sales)
    for period in ("2026-03", "2026-04", "2026-Q1", "2026-Q2", "2026-02"):
        assert_agrees_with_ledger(sales, api.vat_report(sales, Period.parse(period)))
    april = api.vat_report(sales, Period.parse("2026-04"))
    # The rest of A: 120 at 20 %, 30 at 10 %; the April expense payment: 50.
    assert april.collected == (VatRateRow(2000, 60000, 12000), VatRateRow(1000, 30000, 3000))
    assert april.regularised == ()
    assert april.deductible == (VatRateRow(2000, 25000, 5000),)
    assert (april.due, april.credit) == (10000, 0)
    q1 = api.vat_report(sales, Period.parse("2026-Q1"))
    march = api.vat_report(sales, Period.parse("2026-03"))
    assert (q1.collected, q1.regularised, q1.deductible) == (
        march.collected, march.regularised, march.deductible)
    assert api.vat_report(sales, Period.parse("2026-02")).balance == 0


def test_a_credit_when_deductible_exceeds_collected(sales: api.Books) -> None:
    api.add_expense(sales, "FZ", "TISSUS", D(2026, 5, 3), "6111", 100000, Rate(2000),
                    paid_on=D(2026, 5, 4), method="virement")
    rep = api.vat_report(sales, Period.parse("2026-05"))
    assert (rep.balance, rep.due, rep.credit) == (-20000, 0, 20000)
    assert_agrees_with_ledger(sales, rep)


def test_debits_regime_counts_invoices_issued(sales: api.Books) -> None:
    api.settings_set(sales, "vat.regime", "debits")
    a = invoice(sales, "FZ", "HOTEL", D(2026, 3, 2), L("Caftan", "1", "1000", "20"),
                L("Gâteaux", "1", "500", "10", "7111"))
    invoice(sales, "KH", "AMINA", D(2026, 3, 31), L("Tajine", "1", "100", "20", "7111"))
    invoice(sales, "KH", "AMINA", D(2026, 4, 1), L("Tajine", "1", "100", "20", "7111"))
    api.add_payment(sales, [a], 70000, D(2026, 3, 20), "virement")  # moves no VAT
    api.credit_note(sales, a, lines=[L("Remise", "1", "100", "20")], day=D(2026, 3, 25))
    rep = api.vat_report(sales, Period.parse("2026-03"))
    assert rep.regime == "debits"
    assert rep.collected == (VatRateRow(2000, 110000, 22000), VatRateRow(1000, 50000, 5000))
    assert rep.regularised == (VatRateRow(2000, 10000, 2000),)
    assert rep.net_collected == 25000
    assert_agrees_with_ledger(sales, rep)
    assert_agrees_with_ledger(sales, api.vat_report(sales, Period.parse("2026-04")))
    assert api.vat_report(sales, Period.parse("2026-04")).collected_vat == 2000


def test_an_empty_period_owes_nothing(sales: api.Books) -> None:
    rep = api.vat_report(sales, Period.parse("2026-01"))
    assert (rep.collected, rep.regularised, rep.deductible) == ((), (), ())
    assert (rep.due, rep.credit) == (0, 0)


@pytest.mark.parametrize(("text", "start", "end", "label"), [
    ("2026-03", D(2026, 3, 1), D(2026, 4, 1), "2026-03"),
    ("2026-12", D(2026, 12, 1), D(2027, 1, 1), "2026-12"),
    ("2026-Q1", D(2026, 1, 1), D(2026, 4, 1), "2026-Q1"),
    (" 2026-q2 ", D(2026, 4, 1), D(2026, 7, 1), "2026-Q2"),
    ("2026-T3", D(2026, 7, 1), D(2026, 10, 1), "2026-Q3"),
    ("2025-Q4", D(2025, 10, 1), D(2026, 1, 1), "2025-Q4"),
])
def test_period_parsing(text: str, start: D, end: D, label: str) -> None:
    assert parse_month_or_quarter(text) == (start, end, label)


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "2026-Q0", "2026", "03-2026", "",
                                  "2026-3", "2026-S1"])
def test_bad_periods_are_refused_in_french(text: str) -> None:
    with pytest.raises(InputError, match=r"période : .* n'est ni un mois|période : .* n'est pas"):
        parse_month_or_quarter(text)


def test_vat_entered_by_hand_shows_as_other_entries(sales: api.Books) -> None:
    """An entry typed in the ledger (not an invoice, payment or expense) that moves VAT is
    shown on its own line: the report still equals the ledger."""
    from ecp.ledger.entry import LineSpec
    from ecp.sales.vat_report import OTHER

    api.post_entry(sales, "OD", D(2026, 3, 10), "TVA sur vente au comptoir", [
        LineSpec("5161", "FZ", 12000), LineSpec("7111", "FZ", -10000),
        LineSpec("4455", "FZ", -2000)])
    api.post_entry(sales, "OD", D(2026, 3, 11), "Loyer de l'atelier", [
        LineSpec("61312", "ECP", 50000), LineSpec("34552", "ECP", 10000),
        LineSpec("5141", "ECP", -60000)])
    rep = api.vat_report(sales, Period.parse("2026-03"))
    assert rep.collected[-1] == VatRateRow(OTHER, 0, 2000)
    assert rep.collected[-1].rate == "autres écritures"
    assert rep.deductible[-1] == VatRateRow(OTHER, 0, 10000)
    assert_agrees_with_ledger(sales, rep)


def test_csv_names_the_hand_typed_row_without_a_rate(sales: api.Books) -> None:
    from ecp.ledger.entry import LineSpec
    from ecp.reports.render import render_table
    from ecp.reports.tables import vat_table

    api.post_entry(sales, "OD", D(2026, 3, 10), "TVA sur vente au comptoir", [
        LineSpec("5161", "FZ", 12000), LineSpec("7111", "FZ", -10000),
        LineSpec("4455", "FZ", -2000)])
    rep = api.vat_report(sales, Period.parse("2026-03"))
    rows = render_table(vat_table(rep), "csv").splitlines()
    assert "collectee,autres,0.00,20.00" in rows
