"""The member's statement read from the ledger (issue 14): every line of the month on the
member's dimension classified by what it is, whichever command posted it; the statement
reconciles account by account with the trial balance of the dimension; the treasury box adds
up with nothing left over; the month's and the year's result; statements archived with their
SHA-256, a re-run a new version, verify checking them; and the property: for any month, the
statements of every member plus the ECP's hold every line of the ledger."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from pathlib import Path

from sqlalchemy import select

from ecp import api
from ecp.api.members import check_statements
from ecp.api.session import _read
from ecp.db.models import Dimension, Line
from ecp.kernel.money import parse as parse_amount
from ecp.kernel.periods import Month
from ecp.kernel.units import Rate, parse_quantity, parse_rate
from ecp.ledger.entry import LineSpec, day_int
from ecp.members.economy import month_bounds, movements
from ecp.members.views import StatementView
from ecp.reports.invoice_pdf import load_templates
from ecp.reports.statement_pdf import summary_lines
from ecp.sales.documents import LineInput

D = dt.date


def L(desc: str, qty: str, price: str, rate: str, account: str = "71211") -> LineInput:
    return LineInput(desc, parse_quantity(qty, "quantité"), parse_amount(price),
                     parse_rate(rate, "taux"), account)


def march(books: api.Books) -> None:
    """FZ (salaried, no dependant) in March 2026: invoices A 2 000,00 HT (2 400,00 TTC) and
    B 1 000,00 HT on 71243 (1 200,00 TTC), A cashed by transfer, 600,00 of B in cash; a bill of
    300,00 HT + 60,00 VAT paid; contribution 10 % of 2 500,00 HT cashed = 250,00; a salary
    of net 1 500,00; an advance of 500,00 in cash; a bank fee and the start-up fund owed to
    the ECP (5 000,00), typed by hand."""
    a = api.create_and_issue(books, "facture", "FZ", "HOTEL", D(2026, 3, 2),
                             lines=[L("Caftans", "2", "1000", "20")])
    b = api.create_and_issue(books, "facture", "FZ", "AMINA", D(2026, 3, 9),
                             lines=[L("Retouches", "1", "1000", "20", "71243")])
    api.add_payment(books, [a.number], 240000, D(2026, 3, 12), "virement")
    api.add_payment(books, [b.number], 60000, D(2026, 3, 20), "especes")
    api.add_expense(books, "FZ", "TISSUS", D(2026, 3, 5), "6111", 30000, Rate(2000),
                    paid_on=D(2026, 3, 15), method="virement")
    api.contribution_run(books, Month(2026, 3))
    api.add_payout(books, "FZ", 150000, D(2026, 3, 31), "virement")
    api.add_payout(books, "FZ", 50000, D(2026, 3, 31), "especes", advance=True,
                   reason="Machine à coudre en panne", repay_monthly=25000)
    api.post_entry(books, "OD", D(2026, 3, 31), "Frais de tenue de compte",
                   [LineSpec("61473", "FZ", 1000), LineSpec("5141", "FZ", -1000)])
    api.post_entry(books, "OD", D(2026, 3, 31), "Fonds de démarrage",
                   [LineSpec("44881", "ECP", 500000), LineSpec("5141", "ECP", -500000),
                    LineSpec("5141", "FZ", 500000), LineSpec("44881", "FZ", -500000)])


def by_account(view: StatementView) -> dict[str, tuple[int, int]]:
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for m in view.movements:
        out[m.account][0] += m.debit
        out[m.account][1] += m.credit
    return {k: (v[0], v[1]) for k, v in out.items()}


def test_worked_month_classified_and_reconciled(sales: api.Books) -> None:
    """The lines of March on FZ, by kind (centimes), and their effect on the treasury:

    - receipts: 5141 D 2 400,00 and 5161 D 600,00 against 34211 C 3 000,00 → +3 000,00;
    - VAT collected: 44551 C 600,00 at issue, D 500,00 when cashed, 4455 C 500,00 → −500,00;
    - VAT deductible: 34554 D/C 60,00, 34552 D 60,00 → +60,00;
    - expenses: 6111 D 300,00, 44111 C/D 360,00, 5141 C 360,00, and the bank fee typed by
      hand 61473 D / 5141 C 10,00 → −370,00;
    - contribution: 61468 D / 44881 C 250,00 → −250,00;
    - remuneration: gross 1 608,40 (61711), employer 339,22 of which TFP 25,73 (61678) and
      313,49 (61741); 4441 C 108,40 + 313,49 + 25,73 = 447,62; 4432 C and D 1 500,00;
      5141 C 1 500,00 → −1 947,62, the total cost;
    - advances: 3431 D / 5161 C 500,00 → −500,00;
    - « Fonds de démarrage » (typed by hand): 5141 D / 44881 C 5 000,00, under its label: the
      cash came in and is owed to the ECP, 0 on the treasury (the box leaves it out).

    0 + 3 000,00 − 500,00 + 60,00 − 370,00 − 250,00 − 1 947,62 − 500,00 = −507,62, the
    closing treasury. Result: 3 000,00 − (300,00 + 10,00) − 250,00 − 1 947,62 = 492,38."""
    march(sales)
    st = api.member_statement(sales, "FZ", Month(2026, 3))
    effects = {k: st.effect(k) for k in ("receipts", "sales", "vat_collected",
                                         "vat_deductible", "vat_declared", "vat_paid",
                                         "expenses", "contribution", "remuneration",
                                         "advances", "other")}
    assert effects == {"receipts": 300000, "sales": 0, "vat_collected": -50000,
                       "vat_deductible": 6000, "vat_declared": 0, "vat_paid": 0,
                       "expenses": -37000, "contribution": -25000, "remuneration": -194762,
                       "advances": -50000, "other": 0}
    assert st.opening.available == 0 and st.closing.available == -50762
    assert (st.closing.cash, st.closing.other_owed) == (300000 - 37000 - 150000 - 50000
                                                       + 500000, 500000)
    assert sum(effects.values()) == st.closing.available - st.opening.available
    rows = {(m.category, m.account, m.label): (m.debit, m.credit) for m in st.movements}
    assert rows == {
        ("receipts", "34211", ""): (0, 300000), ("receipts", "5141", ""): (240000, 0),
        ("receipts", "5161", ""): (60000, 0),
        ("sales", "34211", ""): (360000, 0), ("sales", "71211", ""): (0, 200000),
        ("sales", "71243", ""): (0, 100000),
        ("vat_collected", "4455", ""): (0, 50000),
        ("vat_collected", "44551", ""): (50000, 60000),
        ("vat_deductible", "34552", ""): (6000, 0),
        ("vat_deductible", "34554", ""): (6000, 6000),
        ("expenses", "44111", ""): (36000, 36000), ("expenses", "5141", ""): (0, 37000),
        ("expenses", "6111", ""): (30000, 0), ("expenses", "61473", ""): (1000, 0),
        ("contribution", "44881", ""): (0, 25000), ("contribution", "61468", ""): (25000, 0),
        ("remuneration", "4432", ""): (150000, 150000),
        ("remuneration", "4441", ""): (0, 44762),
        ("remuneration", "5141", ""): (0, 150000),
        ("remuneration", "61678", ""): (2573, 0), ("remuneration", "61711", ""): (160840, 0),
        ("remuneration", "61741", ""): (31349, 0),
        ("advances", "3431", ""): (50000, 0), ("advances", "5161", ""): (0, 50000),
        ("other", "44881", "Fonds de démarrage"): (0, 500000),
        ("other", "5141", "Fonds de démarrage"): (500000, 0)}
    # account by account, the trial balance of the dimension for the month
    tb = api.trial_balance(sales, D(2026, 3, 1), D(2026, 3, 31), "FZ")
    assert by_account(st) == {r.account: (r.debit, r.credit) for r in tb.rows
                              if r.debit or r.credit}
    r = st.month_result
    assert r is not None and (r.turnover, r.charges, r.contribution, r.remuneration,
                              r.result) == (300000, 31000, 25000, 194762, 49238)
    assert st.year_result == st.month_result  # FZ's first month of the year
    assert st.vat_paid_on is None and st.advance_outstanding == 50000
    # the box: every row a kind of movement, no residue
    box = summary_lines(st, load_templates()["statement"])
    assert [(label, cents) for label, cents, _ in box] == [
        ("Trésorerie disponible au 28/02/2026 (ouverture)", 0),
        ("+ Encaissements des clients (TTC)", 300000),
        ("− TVA collectée, à reverser à l'État", 50000),
        ("+ TVA récupérable sur les dépenses", 6000),
        ("− Dépenses (TTC)", 37000),
        ("− Contribution aux services partagés (10\u00a0% de 2\u00a0500,00\u00a0DH)", 25000),
        ("− Votre rémunération : net, retenues et charges sociales", 194762),
        ("− Avances de solidarité et remboursements", 50000),
        ("= Trésorerie disponible au 31/03/2026 (clôture)", -50762)]


def test_advance_repaid_from_the_next_salary(sales: api.Books) -> None:
    """April: FZ cashes 6 000,00 TTC (a transfer), then a salary of net 1 500,00 withholds the
    monthly repayment 250,00 of the advance: 4432 D 1 500,00, 3431 C 250,00, 5141 C 1 250,00.
    The repayment counts for the advances (+250,00), the salary for its whole cost
    (−1 947,62 again, the 250,00 given back); 500,00 − 250,00 = 250,00 still to repay."""
    march(sales)
    inv = api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 4, 2),
                               lines=[L("Robes", "5", "1000", "20")])
    api.add_payment(sales, [inv.number], 600000, D(2026, 4, 10), "virement")
    res = api.add_payout(sales, "FZ", 150000, D(2026, 4, 30), "virement")
    assert res.withheld == 25000
    st = api.member_statement(sales, "FZ", Month(2026, 4))
    assert st.effect("advances") == 25000 and st.effect("remuneration") == -194762
    assert (st.advance_opening, st.advance_outstanding) == (50000, 25000)
    moves = {(m.category, m.account): (m.debit, m.credit) for m in st.movements}
    assert moves[("advances", "3431")] == (0, 25000)
    assert moves[("remuneration", "5141")] == (0, 125000)
    tb = api.trial_balance(sales, D(2026, 4, 1), D(2026, 4, 30), "FZ")
    assert by_account(st) == {r.account: (r.debit, r.credit) for r in tb.rows
                              if r.debit or r.credit}
    # the year: March's result 492,38 + April's 5 000,00 − 250,00 (contribution not run:
    # none) − 1 947,62
    assert st.month_result is not None and st.month_result.result == 500000 - 194762
    assert st.year_result is not None and st.year_result.result == 49238 + 500000 - 194762


def test_receivable_ages_from_its_due_date(sales: api.Books) -> None:
    """An invoice of 31/03/2026 due 30 days later is « à échoir » at the end of March (age
    −30, not 0 or « 25 days old »)."""
    inv = api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 31),
                               lines=[L("Caftan", "1", "1000", "20")])
    (r,) = api.member_statement(sales, "FZ", Month(2026, 3)).receivables
    assert r.number == inv.number and r.due is not None
    assert r.age_days == (D(2026, 3, 31) - r.due).days < 0 and not r.overdue


def test_statements_archived_versioned_and_verified(sales: api.Books) -> None:
    """Each run archives a new version of the statement beside the archive, its SHA-256 in
    the audit trail; both stay; verify finds a changed one."""
    march(sales)
    (first,) = api.write_statements(sales, Month(2026, 3), members=["FZ"])
    (second,) = api.write_statements(sales, Month(2026, 3), members=["FZ"])
    assert first.name == "releve-2026-03-FZ.pdf" and second.name == "releve-2026-03-FZ-v2.pdf"
    assert first.exists() and second.exists() and first.parent == second.parent
    with _read(sales) as conn:
        assert check_statements(sales, conn) == []
    second.write_bytes(second.read_bytes() + b"%")
    first.unlink()
    with _read(sales) as conn:
        found = check_statements(sales, conn)
    assert len(found) == 2 and "FZ 2026-03 est absent" in found[0]
    assert "FZ 2026-03 a été modifié" in found[1]
    rep = api.verify(sales, record=False)  # verify reports them too
    assert not rep.ok and any("FZ 2026-03 a été modifié" in f for f in rep.findings)
    (third,) = api.write_statements(sales, Month(2026, 3), members=["FZ"])
    assert third.name == "releve-2026-03-FZ-v3.pdf"  # a removed version's name is not reused


def ledger_matches_statements(books: api.Books, month: int) -> None:
    """Σ over every dimension's statement movements (members and the ECP) == the ledger's
    movement of each account in the month."""
    s, e = (day_int(d) for d in month_bounds(month))
    with _read(books) as conn:
        dims = list(conn.scalars(select(Dimension.code)))
        stated: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for dim in dims:
            for m in movements(conn, dim, s, e):
                stated[m.account][0] += m.debit
                stated[m.account][1] += m.credit
        ledger: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for account, amount in conn.execute(select(Line.account, Line.amount).where(
                Line.day >= s, Line.day <= e)):
            ledger[account][0 if amount >= 0 else 1] += abs(amount)
    assert dict(stated) == dict(ledger), month


def test_property_demo_months(demo_path: Path) -> None:
    """Every month of the demo: the statements hold every line of the ledger."""
    books = api.open_books(str(demo_path))
    try:
        with _read(books) as conn:
            days = [d for d in conn.scalars(select(Line.day).distinct())]
        months = sorted({d // 100 for d in days})
        assert len(months) >= 3
        for m in months:
            ledger_matches_statements(books, m)
    finally:
        books.engine.dispose()


def test_property_generated_book(sales: api.Books) -> None:
    """A book generated at random (seeded): sales and payments for FZ and KH, bills paid or
    not, hand-typed entries between dimensions, contributions, salaries and an advance, over
    three months; each month the statements hold every line of the ledger."""
    rnd = random.Random(14)
    api.set_route(sales, "KH", "independant", D(2026, 1, 1))
    for month in (3, 4, 5):
        # generated, then issued in date order (the invoice series stays in date order)
        sales_of_month = []
        for _ in range(4):
            day = D(2026, month, rnd.randint(1, 20))
            sales_of_month.append((
                day, rnd.choice(["FZ", "KH"]), rnd.choice(["HOTEL", "AMINA"]),
                str(rnd.randint(1, 4)), str(rnd.randint(200, 900)),
                D(2026, month, rnd.randint(day.day, 25)) if rnd.random() < 0.7 else None,
                rnd.choice(["virement", "especes"]), rnd.randint(50, 300) * 100,
                rnd.random() < 0.5))
        sales_of_month.sort(key=lambda sale: sale[0])
        for day, who, customer, qty, price, paid, method, bill, bill_paid in sales_of_month:
            inv = api.create_and_issue(sales, "facture", who, customer, day,
                                       lines=[L("Article", qty, price, "20")])
            if paid is not None:
                api.add_payment(sales, [inv.number], inv.view.total_ttc, paid, method)
            api.add_expense(sales, who, "TISSUS", day, "6111", bill, Rate(2000),
                            paid_on=day if bill_paid else None, method="virement")
        amount = rnd.randint(1, 50) * 1000
        api.post_entry(sales, "OD", D(2026, month, 21), "Virement à l'ECP",
                       [LineSpec("5141", "ECP", amount), LineSpec("44881", "ECP", -amount),
                        LineSpec("44881", "FZ", amount), LineSpec("5141", "FZ", -amount)])
        api.contribution_run(sales, Month(2026, month))
        api.add_payout(sales, "FZ", 20000, D(2026, month, 28), "virement")
        if month == 3:
            api.add_payout(sales, "KH", 10000, D(2026, 3, 28), "especes", advance=True,
                           reason="Réparation", repay_monthly=5000)
        ledger_matches_statements(sales, 202600 + month)
