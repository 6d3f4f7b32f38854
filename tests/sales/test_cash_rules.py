"""Cash rules (issue 13, « Fixes around it »): CGI art. 193 on cash received from a professional
customer, cumulated per invoice and per customer per day; CGI art. 11 / 106 on cash paid to a
supplier, whose VAT beyond 5 000 DH a day (50 000 DH a month) per supplier is not deducted.
Limits are dated data (``ecp.sales.rules.CASH_LIMITS``). Every figure is worked by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from ecp import api, cli
from ecp.db.models import Entry, ExpensePayment, Line, Payment
from ecp.kernel.errors import InputError
from ecp.kernel.money import parse as parse_amount
from ecp.kernel.units import Rate, parse_quantity, parse_rate
from ecp.sales import payments
from ecp.sales.documents import LineInput
from ecp.sales.rules import cash_limit

D = dt.date


def L(desc: str, qty: str, price: str, rate: str, account: str = "71211") -> LineInput:
    return LineInput(desc, parse_quantity(qty, "quantité"), parse_amount(price),
                     parse_rate(rate, "taux"), account)


def invoice(books: api.Books, customer: str, day: D, price: str) -> str:
    draft = api.create_document(books, "facture", "FZ", customer, day,
                                lines=[L("Tapis", "1", price, "20")])
    return api.issue_document(books, draft).number


def counts(books: api.Books) -> tuple[int, int, int]:
    with books.engine.connect() as conn:
        return (int(conn.scalar(select(func.count()).select_from(Payment)) or 0),
                int(conn.scalar(select(func.count()).select_from(Entry)) or 0),
                int(conn.scalar(select(func.count()).select_from(ExpensePayment)) or 0))


def entry_lines(books: api.Books, entry_id: int) -> list[tuple[str, str, int, str | None]]:
    with books.engine.connect() as conn:
        return [(r.account, r.dimension, r.amount, r.third_party) for r in conn.execute(
            select(Line).where(Line.entry_id == entry_id).order_by(Line.line_no))]


def last_payment_lines(books: api.Books) -> list[tuple[str, str, int, str | None]]:
    with books.engine.connect() as conn:
        eid = conn.scalar(select(Payment.entry_id).order_by(Payment.id.desc()).limit(1))
    assert eid is not None
    return entry_lines(books, eid)


def last_expense_payment_lines(books: api.Books) -> list[tuple[str, str, int, str | None]]:
    with books.engine.connect() as conn:
        eid = conn.scalar(select(ExpensePayment.entry_id)
                          .order_by(ExpensePayment.id.desc()).limit(1))
    assert eid is not None
    return entry_lines(books, eid)


def refused(books: api.Books, number: str, amount: int, day: D, match: str) -> InputError:
    before = counts(books)
    with pytest.raises(InputError, match=match) as err:
        api.add_payment(books, [number], amount, day, "especes")
    assert err.value.field == "method" and err.value.code == "cash.limit"
    assert "CGI art. 193" in err.value.message and "HOTEL" in err.value.message
    assert counts(books) == before  # nothing written
    return err.value


def test_limits_are_dated_data() -> None:
    assert cash_limit("sale", 20260305) == (2_000_000, "CGI art. 193")
    assert cash_limit("purchase.day", 20260305) == (500_000, "CGI art. 11 et 106")
    assert cash_limit("purchase.month", 20260305) == (5_000_000, "CGI art. 11 et 106")


def test_art_193_cash_is_cumulated_per_customer_per_day_and_per_invoice(
        sales: api.Books) -> None:
    """Invoice A: 30 000,00 HT at 20 % = 36 000,00 TTC (VAT 6 000,00); B: 10 000,00 HT =
    12 000,00 TTC, both to HOTEL (a professional). Limit 20 000,00.
    - 5 March, 19 999,99 cash on A: below the limit, accepted. Its VAT share moved from 44551
      to 4455 = 6 000,00 × 19 999,99 / 36 000,00 = 3 333,331… → 3 333,33.
    - 5 March, 16 000,00 cash on A: the day's cash from HOTEL would be 35 999,99 → refused
      (the old per-payment check let it pass).
    - 5 March, 0,01 cash on B: day total 20 000,00 reaches the limit → refused, another invoice.
    - 6 March, 16 000,00 cash on A: A's cash receipts would be 35 999,99 → refused.
    - 6 March, 12 000,00 cash on B: day 12 000,00, invoice 12 000,00 → accepted.
    - 6 March, 16 000,01 by transfer on A: not cash, accepted."""
    a = invoice(sales, "HOTEL", D(2026, 3, 2), "30000")
    b = invoice(sales, "HOTEL", D(2026, 3, 2), "10000")
    api.add_payment(sales, [a], 1999999, D(2026, 3, 5), "especes")
    assert last_payment_lines(sales) == [
        ("5161", "FZ", 1999999, None), ("34211", "FZ", -1999999, "HOTEL"),
        ("44551", "FZ", 333333, None), ("4455", "FZ", -333333, None)]
    err = refused(sales, a, 1600000, D(2026, 3, 5), "le même jour")
    assert "35 999,99" in err.message and "19 999,99" in err.message
    refused(sales, b, 1, D(2026, 3, 5), "20 000,00 DH en espèces le même jour")
    err = refused(sales, a, 1600000, D(2026, 3, 6), f"sur la facture {a}")
    assert "35 999,99" in err.message
    api.add_payment(sales, [b], 1200000, D(2026, 3, 6), "especes")
    assert last_payment_lines(sales) == [
        ("5161", "FZ", 1200000, None), ("34211", "FZ", -1200000, "HOTEL"),
        ("44551", "FZ", 200000, None), ("4455", "FZ", -200000, None)]
    api.add_payment(sales, [a], 1600001, D(2026, 3, 6), "virement")
    assert api.verify(sales).ok


def test_art_193_does_not_apply_to_a_consumer(sales: api.Books) -> None:
    """AMINA is a consumer: 19 999,99 then 16 000,00 cash the same day on a 36 000,00 invoice
    are both accepted."""
    a = invoice(sales, "AMINA", D(2026, 3, 2), "30000")
    api.add_payment(sales, [a], 1999999, D(2026, 3, 5), "especes")
    api.add_payment(sales, [a], 1600000, D(2026, 3, 5), "especes")


def test_cash_purchase_over_the_daily_limit_charges_the_excess_vat(sales: api.Books) -> None:
    """10 000,00 HT at 20 % from TISSUS: VAT 2 000,00, TTC 12 000,00, paid in cash on 10 March,
    nothing else paid in cash to TISSUS that day or month. Within the 5 000,00 daily limit:
    5 000,00 of 12 000,00, so deductible VAT = 2 000,00 × 5 000 / 12 000 = 833,333… → 833,33;
    the excess's VAT 2 000,00 − 833,33 = 1 166,67 stays in the charge (6111).
    Entry: 44111 D 12 000,00 / 5161 C 12 000,00 / 34552 D 833,33 / 6111 D 1 166,67 /
    34554 C 2 000,00."""
    eid = api.add_expense(sales, "FZ", "TISSUS", D(2026, 3, 3), "6111", 1000000, Rate(2000))
    with sales.engine.begin() as conn:
        paid = payments.settle_expense(conn, eid, D(2026, 3, 10), "especes", "test")
    assert (paid.deductible_vat, paid.charged_vat) == (83333, 116667)
    assert len(paid.warnings) == 1
    w = paid.warnings[0]
    assert "CGI art. 11 et 106" in w and "1 166,67" in w and "TISSUS" in w and "6111" in w
    assert last_expense_payment_lines(sales) == [
        ("44111", "FZ", 1200000, "TISSUS"), ("5161", "FZ", -1200000, None),
        ("34552", "FZ", 83333, None), ("6111", "FZ", 116667, None),
        ("34554", "FZ", -200000, None)]
    with sales.engine.connect() as conn:
        assert conn.scalar(select(ExpensePayment.vat)) == 83333
    assert api.verify(sales).ok


def test_cash_purchases_cumulate_per_supplier_across_members(sales: api.Books) -> None:
    """10 March: FZ pays TISSUS 3 600,00 cash (3 000,00 HT + 600,00): within 5 000,00, all 600,00
    deductible, no warning. Same day KH pays TISSUS 2 400,00 cash (2 000,00 + 400,00): room
    5 000,00 − 3 600,00 = 1 400,00, deductible 400,00 × 1 400 / 2 400 = 233,333… → 233,33,
    charged 166,67. The same day a transfer is not cash: all its VAT is deductible."""
    e1 = api.add_expense(sales, "FZ", "TISSUS", D(2026, 3, 3), "6111", 300000, Rate(2000))
    e2 = api.add_expense(sales, "KH", "TISSUS", D(2026, 3, 4), "6111", 200000, Rate(2000))
    e3 = api.add_expense(sales, "KH", "TISSUS", D(2026, 3, 4), "6111", 200000, Rate(2000))
    with sales.engine.begin() as conn:
        p1 = payments.settle_expense(conn, e1, D(2026, 3, 10), "especes", "test")
    assert (p1.deductible_vat, p1.charged_vat, p1.warnings) == (60000, 0, ())
    assert last_expense_payment_lines(sales) == [
        ("44111", "FZ", 360000, "TISSUS"), ("5161", "FZ", -360000, None),
        ("34552", "FZ", 60000, None), ("34554", "FZ", -60000, None)]
    with sales.engine.begin() as conn:
        p2 = payments.settle_expense(conn, e2, D(2026, 3, 10), "especes", "test")
    assert (p2.deductible_vat, p2.charged_vat, len(p2.warnings)) == (23333, 16667, 1)
    assert last_expense_payment_lines(sales) == [
        ("44111", "KH", 240000, "TISSUS"), ("5161", "KH", -240000, None),
        ("34552", "KH", 23333, None), ("6111", "KH", 16667, None),
        ("34554", "KH", -40000, None)]
    with sales.engine.begin() as conn:
        p3 = payments.settle_expense(conn, e3, D(2026, 3, 10), "virement", "test")
    assert (p3.deductible_vat, p3.charged_vat, p3.warnings) == (40000, 0, ())


def test_cash_purchases_cumulate_over_the_month(sales: api.Books) -> None:
    """From 1 to 10 April, ten cash payments of 4 800,00 (4 000,00 HT + 800,00) to TISSUS: each
    within the day's 5 000,00, 48 000,00 in the month, all VAT deductible. 11 April, 4 800,00
    more: room min(5 000,00, 50 000,00 − 48 000,00) = 2 000,00, deductible 800,00 × 2 000 /
    4 800 = 333,333… → 333,33, charged 466,67. 12 April, 1 200,00 (1 000,00 + 200,00): the
    month is used up, 0 deductible, 200,00 charged. 1 May, 1 200,00: a new month, all 200,00
    deductible."""
    for i in range(1, 11):
        eid = api.add_expense(sales, "FZ", "TISSUS", D(2026, 4, i), "6111", 400000,
                              Rate(2000), paid_on=D(2026, 4, i), method="especes")
        assert api.list_expenses(sales)[-1].id == eid
    e11 = api.add_expense(sales, "FZ", "TISSUS", D(2026, 4, 11), "6111", 400000, Rate(2000))
    e12 = api.add_expense(sales, "FZ", "TISSUS", D(2026, 4, 12), "6111", 100000, Rate(2000))
    e13 = api.add_expense(sales, "FZ", "TISSUS", D(2026, 4, 30), "6111", 100000, Rate(2000))
    with sales.engine.connect() as conn:
        assert conn.scalar(select(func.sum(ExpensePayment.vat))) == 800000
    with sales.engine.begin() as conn:
        p11 = payments.settle_expense(conn, e11, D(2026, 4, 11), "especes", "test")
        p12 = payments.settle_expense(conn, e12, D(2026, 4, 12), "especes", "test")
        p13 = payments.settle_expense(conn, e13, D(2026, 5, 1), "especes", "test")
    assert (p11.deductible_vat, p11.charged_vat) == (33333, 46667)
    assert (p12.deductible_vat, p12.charged_vat, len(p12.warnings)) == (0, 20000, 1)
    assert (p13.deductible_vat, p13.charged_vat, p13.warnings) == (20000, 0, ())
    assert entry_lines(sales, _entry_of(sales, e12)) == [
        ("44111", "FZ", 120000, "TISSUS"), ("5161", "FZ", -120000, None),
        ("6111", "FZ", 20000, None), ("34554", "FZ", -20000, None)]
    assert api.verify(sales).ok


def _entry_of(books: api.Books, expense_id: int) -> int:
    with books.engine.connect() as conn:
        eid = conn.scalar(select(ExpensePayment.entry_id).where(
            ExpensePayment.expense_id == expense_id))
    assert eid is not None
    return int(eid)


def test_part_paid_in_cash_then_by_transfer_empties_pending_vat(sales: api.Books) -> None:
    """10 000,00 HT + 2 000,00 VAT. 10 March, 6 000,00 cash: VAT share 2 000,00 × 6 000 /
    12 000 = 1 000,00 leaves 34554; within the limit 5 000,00 of 6 000,00, so deductible
    1 000,00 × 5 000 / 6 000 = 833,33 and 166,67 charged. 11 March, the remaining 6 000,00 by
    transfer: the VAT left in 34554, 2 000,00 − 1 000,00 = 1 000,00, all deductible."""
    eid = api.add_expense(sales, "FZ", "TISSUS", D(2026, 3, 3), "6111", 1000000, Rate(2000))
    with sales.engine.begin() as conn:
        p1 = payments.settle_expense(conn, eid, D(2026, 3, 10), "especes", "test", 600000)
    assert (p1.deductible_vat, p1.charged_vat) == (83333, 16667)
    assert last_expense_payment_lines(sales) == [
        ("44111", "FZ", 600000, "TISSUS"), ("5161", "FZ", -600000, None),
        ("34552", "FZ", 83333, None), ("6111", "FZ", 16667, None),
        ("34554", "FZ", -100000, None)]
    ref = api.pay_expense(sales, eid, D(2026, 3, 11), "virement")
    assert ref
    assert last_expense_payment_lines(sales) == [
        ("44111", "FZ", 600000, "TISSUS"), ("5141", "FZ", -600000, None),
        ("34552", "FZ", 100000, None), ("34554", "FZ", -100000, None)]
    assert api.verify(sales).ok


def test_cli_prints_the_cash_purchase_warning(sales: api.Books,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """``ecp expense pay ID --method especes`` prints the rule and the VAT charged (the worked
    example above: 1 166,67 of 2 000,00 not deducted)."""
    eid = api.add_expense(sales, "FZ", "TISSUS", D(2026, 3, 3), "6111", 1000000, Rate(2000))
    db = str(sales.engine.url.database)
    sales.engine.dispose()
    capsys.readouterr()
    code = cli.main(["--db", db, "expense", "pay", str(eid), "--date", "2026-03-10",
                     "--method", "especes"])
    out = capsys.readouterr().out
    assert code == 0
    assert f"Dépense {eid} payée" in out
    assert "Attention : " in out and "CGI art. 11 et 106" in out and "1 166,67" in out


def test_cli_expense_add_paid_in_cash_prints_the_warning(
        sales: api.Books, capsys: pytest.CaptureFixture[str]) -> None:
    """``ecp expense add … --paid-on D --method especes`` pays at once: the same rule and the
    same figures as ``expense pay`` (10 000,00 HT at 20 %, 12 000,00 in cash: deductible
    2 000 × 5 000 / 12 000 = 833,33, charged 1 166,67)."""
    db = str(sales.engine.url.database)
    sales.engine.dispose()
    capsys.readouterr()
    code = cli.main(["--db", db, "expense", "add", "--member", "FZ", "--supplier", "TISSUS",
                     "--date", "2026-03-03", "--account", "6111", "--amount", "10000",
                     "--vat", "20", "--paid-on", "2026-03-10", "--method", "especes"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "payée" in out
    assert "Attention : " in out and "CGI art. 11 et 106" in out and "1 166,67" in out
