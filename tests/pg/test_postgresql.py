"""The same books on PostgreSQL (DESIGN.md §6): posting, locks, triggers, import, verify.

Runs when ``ECP_TEST_PG_URL`` names a database this test may wipe (``.ci/run`` starts a
PostgreSQL server and sets it). Elsewhere it skips, saying why; with ``ECP_REQUIRE_PG=1`` a
missing server is a failure instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ecp import api
from ecp.kernel.errors import PeriodLockedError, ValidationError
from ecp.kernel.periods import Month
from ecp.kernel.units import Quantity, Rate
from ecp.ledger import LineSpec, PostedEntry
from ecp.sales.documents import LineInput
from tests.pgbooks import fresh_pg_books

# One shared database whose schema each test wipes: under pytest-xdist (--dist loadgroup) these
# tests run one after the other on a single worker.
pytestmark = pytest.mark.xdist_group("postgresql")


@pytest.fixture
def books(tmp_path: Path) -> Iterator[api.Books]:
    b = fresh_pg_books(tmp_path / "archives")
    api.add_member(b, "M001", "Fatima Zahra", name_ar="فاطمة الزهراء", activity="couture")
    api.add_member(b, "M002", "Youssef")
    yield b
    b.engine.dispose()


def sale(b: api.Books, day: dt.date, ht: int, member: str = "M001") -> PostedEntry:
    vat = ht // 5
    return api.post_entry(b, "VT", day, "Vente caftan", [
        LineSpec("34211", member, ht + vat), LineSpec("71211", member, -ht),
        LineSpec("44551", member, -vat)])


def test_posting_numbering_reversal_and_balances(books: api.Books) -> None:
    a = sale(books, dt.date(2026, 1, 10), 100_000)
    b = sale(books, dt.date(2026, 1, 12), 50_050, "M002")
    c = sale(books, dt.date(2027, 1, 3), 1_000)
    assert [a.ref, b.ref, c.ref] == ["VT-2026-000001", "VT-2026-000002", "VT-2027-000001"]
    r = api.reverse_entry(books, a.ref, dt.date(2026, 1, 20))
    assert r.ref == "VT-2026-000003"
    tb = api.trial_balance(books, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    rows = {x.account: x for x in tb.rows}
    assert rows["34211"].closing_debit == 60_060
    assert tb.total("closing_debit") == tb.total("closing_credit")
    page = api.ledger_page(books, "34211", last=True, limit=2)
    assert [x.balance for x in page.rows] == [60_060, 61_260]
    assert api.verify(books).ok


def test_unbalanced_and_locked_are_refused(books: api.Books) -> None:
    with pytest.raises(ValidationError, match="dimension M001"):
        api.post_entry(books, "OD", dt.date(2026, 2, 1), "x", [
            LineSpec("5141", "M001", 100), LineSpec("5141", "M002", -100)])
    api.close_period(books, Month(2026, 2))
    with pytest.raises(PeriodLockedError, match="2026-02 est clôturé"):
        sale(books, dt.date(2026, 2, 3), 100)
    assert api.chain_head(books).count == 0


def test_triggers_refuse_changes_and_verify_names_tampering(books: api.Books) -> None:
    e = sale(books, dt.date(2026, 3, 1), 10_000)
    sale(books, dt.date(2026, 3, 2), 20_000)
    with books.engine.connect() as c:
        for sql in ("UPDATE lines SET amount = 1 WHERE entry_id = 1",
                    "DELETE FROM lines WHERE entry_id = 1",
                    "UPDATE entries SET label = 'x' WHERE id = 1",
                    "DELETE FROM entries WHERE id = 2"):
            with pytest.raises(DBAPIError, match="modification et suppression interdites"):
                c.execute(text(sql))
            c.rollback()
        c.execute(text("ALTER TABLE lines DISABLE TRIGGER lines_immutable"))
        c.execute(text("UPDATE lines SET amount = amount + 100 WHERE entry_id = 1 "
                       "AND line_no = 1"))
        c.commit()
    rep = api.verify(books)
    assert not rep.ok
    text_ = "\n".join(rep.findings)
    assert "lines_immutable" in text_
    assert e.ref in text_


def test_import_all_or_nothing(books: api.Books, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        "entry_ref,date,journal,label,account,dimension,debit,credit\n"
        "A1,2026-04-01,OD,Apport,5141,ECP,1000.00,\n"
        "A1,2026-04-01,OD,Apport,1111,ECP,,1000.00\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "entry_ref,date,journal,label,account,dimension,debit,credit\n"
        "B1,2026-04-02,OD,Ok,5141,ECP,10.00,\n"
        "B1,2026-04-02,OD,Ok,1111,ECP,,10.00\n"
        "B2,2026-04-31,OD,Date,5141,ECP,10.00,\n"
        "B2,2026-04-31,OD,Date,1111,ECP,,10.00\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        api.import_file(books, bad)
    assert any("ligne 4" in p for p in err.value.problems)
    assert api.chain_head(books).count == 0
    res = api.import_file(books, good)
    assert (res.entries, res.lines) == (1, 2)
    assert api.verify(books).ok


def test_sales_on_postgresql(
        books: api.Books, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Invoice, partial payment, credit note and expense on PostgreSQL; issued rows refused
    UPDATE by the trigger; the PDF archive goes to the data dir."""
    books.archive = tmp_path / "archives"
    for k, v in {"company.name": "ECP PG", "company.legal_form": "SARL",
                 "company.capital": "100 000 DH", "company.address": "1 rue A",
                 "company.city": "Tanger", "company.if": "1234567", "company.tp": "2",
                 "company.ice": "002345678000031", "company.rc": "3", "company.court": "Tanger",
                 "company.cnss": "4000001", "company.bank": "BP",
                 "company.rib": "190640000000000000000012"}.items():
        api.settings_set(books, k, v)
    api.add_customer(books, "HOTEL", "Hôtel", ice="001561191000066")
    api.add_supplier(books, "TISSUS", "Tissus", if_number="40100001", ice="001234567000062")
    inv = api.create_and_issue(books, "facture", "M001", "HOTEL", dt.date(2026, 3, 2),
                               lines=[
                                   LineInput("Caftan", Quantity(1000), 100000, Rate(2000), "71211"),
                                   LineInput("Gâteaux", Quantity(1000), 50000, Rate(1000), "7111")])
    assert inv.number == "F-2026-000001" and inv.view.total_ttc == 175000
    res = api.add_payment(books, [inv.number], 70000, dt.date(2026, 3, 20), "virement")
    assert res.allocations == ((inv.number, 70000, 10000),)
    av = api.credit_note(books, inv.number, lines=[
        LineInput("Remise", Quantity(1000), 10000, Rate(2000), "71211")],
                         day=dt.date(2026, 3, 21))
    assert av.number == "AV-2026-000001"
    eid = api.add_expense(books, "M001", "TISSUS", dt.date(2026, 3, 3), "6111", 10000, Rate(2000),
                          paid_on=dt.date(2026, 3, 4), method="virement")
    assert api.list_expenses(books)[0].id == eid
    row = api.list_documents(books, today=dt.date(2026, 3, 22))[0]
    assert (row.paid, row.credited, row.remaining) == (70000, 12000, 93000)
    with pytest.raises(DBAPIError, match="document émis"), books.engine.begin() as c:
        c.execute(text("UPDATE documents SET total_ttc = 1"))
    assert api.verify(books).ok
