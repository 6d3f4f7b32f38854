"""Aged receivables: open invoices at a date, by member and customer, in buckets of age since
the invoice date, with the overdue part (past the due date) beside them."""

from __future__ import annotations

import datetime as dt

import pytest

from ecp import api
from ecp.kernel.errors import NotFoundError
from ecp.kernel.money import parse as parse_amount
from ecp.kernel.units import parse_quantity, parse_rate
from ecp.sales.documents import LineInput
from ecp.sales.receivables import AgedRow

D = dt.date
ICE_OK = "001561191000066"

def L(desc: str, qty: str, price: str, rate: str, account: str = "71211") -> LineInput:
    return LineInput(desc, parse_quantity(qty, "quantité"), parse_amount(price),
                     parse_rate(rate, "taux"), account)


def invoice(books: api.Books, member: str, customer: str, day: D, *lines: LineInput,
            due: D | None = None) -> str:
    draft = api.create_document(books, "facture", member, customer, day, lines=list(lines),
                                due=due)
    return api.issue_document(books, draft).number


@pytest.fixture
def aged(sales: api.Books) -> api.Books:
    # Issued in date order (a series stays in date order).
    # KH / HOTEL: 121 days old, reduced by a credit note; another one paid in full.
    i4 = invoice(sales, "KH", "HOTEL", D(2026, 3, 1), L("Traiteur", "1", "1000", "10", "7111"))
    # FZ / AMINA: 76 days old, due after 60 days: overdue.
    invoice(sales, "FZ", "AMINA", D(2026, 4, 15), L("Gâteaux", "1", "100", "10", "7111"))
    api.credit_note(sales, i4, lines=[L("Remise", "1", "100", "10", "7111")],
                    day=D(2026, 5, 1))
    # FZ / HOTEL: 51 days old, part paid; 10 days old but due already (agreed due date).
    i2 = invoice(sales, "FZ", "HOTEL", D(2026, 5, 10), L("Coussin", "1", "500", "20"))
    i5 = invoice(sales, "KH", "HOTEL", D(2026, 6, 1), L("Buffet", "1", "100", "20", "7111"))
    api.add_payment(sales, [i2], 20000, D(2026, 6, 1), "virement")
    api.add_payment(sales, [i5], 12000, D(2026, 6, 2), "virement")
    i1 = invoice(sales, "FZ", "HOTEL", D(2026, 6, 20), L("Caftan", "1", "1000", "20"),
                 due=D(2026, 6, 25))
    api.add_payment(sales, [i1], 50000, D(2026, 7, 2), "virement")  # after the date
    # YS: issued after the date.
    invoice(sales, "YS", "HOTEL", D(2026, 7, 5), L("Lanterne", "1", "300", "20", "7111"))
    return sales


def test_buckets_subtotals_and_total(aged: api.Books) -> None:
    rows = api.aged_receivables(aged, D(2026, 6, 30))
    assert rows == [
        AgedRow("FZ", "AMINA", "Amina Alaoui", 1, 0, 0, 11000, 0, 11000, 11000),
        AgedRow("FZ", "HOTEL", "Hôtel Tanja", 2, 120000, 40000, 0, 0, 160000, 120000),
        AgedRow("FZ", None, "", 3, 120000, 40000, 11000, 0, 171000, 131000),
        AgedRow("KH", "HOTEL", "Hôtel Tanja", 1, 0, 0, 0, 99000, 99000, 99000),
        AgedRow("KH", None, "", 1, 0, 0, 0, 99000, 99000, 99000),
        AgedRow(None, None, "", 4, 120000, 40000, 11000, 99000, 270000, 230000),
    ]
    assert [r.kind for r in rows] == ["customer", "customer", "member", "customer", "member",
                                      "total"]


def test_only_what_happened_by_the_date_counts(aged: api.Books) -> None:
    # On 31 May: i1 not issued yet, i2's payment of 1 June not made, i4 already credited.
    rows = api.aged_receivables(aged, D(2026, 5, 31))
    total = rows[-1]
    assert (total.invoices, total.total) == (3, 60000 + 11000 + 99000)
    # On 2 July: i1 part paid (700 left), YS still not issued.
    total = api.aged_receivables(aged, D(2026, 7, 2))[-1]
    assert (total.invoices, total.total) == (4, 270000 - 50000)


def test_member_filter_and_unknown_member(aged: api.Books) -> None:
    rows = api.aged_receivables(aged, D(2026, 6, 30), member="kh")
    assert [(r.member, r.customer, r.total) for r in rows] == [
        ("KH", "HOTEL", 99000), ("KH", None, 99000), (None, None, 99000)]
    with pytest.raises(NotFoundError, match="membre « ZZ » inconnu"):
        api.aged_receivables(aged, D(2026, 6, 30), member="ZZ")


def test_bucket_edges_are_days_since_the_invoice(sales: api.Books) -> None:
    for day in (D(2026, 3, 31), D(2026, 4, 1), D(2026, 5, 30), D(2026, 5, 31)):
        invoice(sales, "YS", "AMINA", day, L("Bol", "1", "10", "20", "7111"))  # 12,00 TTC
    total = api.aged_receivables(sales, D(2026, 6, 30))[-1]
    # 30 days: 0–30; 31: 31–60; 90: 61–90; 91: over 90.
    assert (total.days_0_30, total.days_31_60, total.days_61_90, total.over_90) == (
        1200, 1200, 1200, 1200)
    # Due 60 days after issue: those of 1 April and 31 March fell due on 31 and 30 May.
    assert total.overdue == 2400


def test_nothing_open_gives_a_zero_total(sales: api.Books) -> None:
    assert api.aged_receivables(sales, D(2026, 6, 30)) == [
        AgedRow(None, None, "", 0, 0, 0, 0, 0, 0, 0)]
