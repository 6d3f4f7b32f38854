"""The year-close engine (ecp.ledger.year_close) on a small year computed by hand.

The year 2026, three dimensions (the ECP and the members FZ and KH), in centimes:

- 05/01 BQ  ECP: capital paid in 10 000,00 — 5141 ECP +1 000 000 / 1111 ECP -1 000 000;
- 10/03 VT  FZ: invoice to HOTEL 1 200,00 TTC due 09/04 — 34211 FZ HOTEL +120 000 /
  7111 FZ -100 000 / 4455 FZ -20 000;
- 02/05 VT  FZ: invoice to HOTEL 600,00 TTC due 01/06 — 34211 FZ HOTEL +60 000 /
  7111 FZ -50 000 / 4455 FZ -10 000;
- 01/06 BQ  FZ: HOTEL pays the first invoice — 5141 FZ +120 000 / 34211 FZ HOTEL (09/04) -120 000;
- 15/07 AC  KH: goods from TISSUS 400,00 on credit due 14/08 — 6111 KH +40 000 /
  44111 KH TISSUS -40 000;
- 30/09 OD  contribution of KH to the ECP 50,00 (internal) — 61468 KH +5 000 / 44881 KH -5 000 /
  44881 ECP +5 000 / 71248 ECP -5 000;
- 20/11 BQ  KH: cash sale 300,00 — 5141 KH +30 000 / 7111 KH -30 000;
- 15/12 BQ  ECP: postage 30,00 — 61451 ECP +3 000 / 5141 ECP -3 000;
- 10/01/2027 (next year, outside every 2026 figure): FZ sale 100,00 — 5141 FZ +10 000 /
  7111 FZ -10 000.

Results 2026 (classes 6-7, debit +):
- ECP: 61451 +3 000, 71248 -5 000 → -2 000: profit 20,00 → 1191 ECP -2 000;
- FZ: 7111 -150 000 → profit 1 500,00 → 1191 FZ -150 000;
- KH: 6111 +40 000, 61468 +5 000, 7111 -30 000 → +15 000: loss 150,00 → 1199 KH +15 000.

Balance sheet at 31/12/2026 (classes 1-5, debit +), per open item for third parties:
- ECP: 1111 -1 000 000; 44881 +5 000; 5141 1 000 000 - 3 000 = +997 000; result → 1181 -2 000;
  sum 0;
- FZ: 34211 HOTEL due 01/06 +60 000 (the 09/04 item is settled: 120 000 - 120 000 = 0, not
  carried); 4455 -30 000; 5141 +120 000; result → 1181 -150 000; sum 0;
- KH: 44111 TISSUS due 14/08 -40 000; 44881 -5 000; 5141 +30 000; result → 1189 +15 000; sum 0.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from sqlalchemy import Connection, text

from ecp import api
from ecp.db.engine import reading, unit_of_work
from ecp.kernel.errors import InputError
from ecp.ledger import post
from ecp.ledger.entry import JournalEntry, LineSpec
from ecp.ledger.year_close import balance_closing_lines, closing_lines, opening_lines

D = dt.date
Y0, Y1 = 20260101, 20261231


def _L(account: str, dim: str, amount: int, third: str | None = None,
       due: dt.date | None = None) -> LineSpec:
    return LineSpec(account, dim, amount, third, due)


YEAR_2026 = (
    ("BQ", D(2026, 1, 5), "Apport en capital",
     (_L("5141", "ECP", 1_000_000), _L("1111", "ECP", -1_000_000))),
    ("VT", D(2026, 3, 10), "Facture HOTEL 1",
     (_L("34211", "FZ", 120_000, "HOTEL", D(2026, 4, 9)), _L("7111", "FZ", -100_000),
      _L("4455", "FZ", -20_000))),
    ("VT", D(2026, 5, 2), "Facture HOTEL 2",
     (_L("34211", "FZ", 60_000, "HOTEL", D(2026, 6, 1)), _L("7111", "FZ", -50_000),
      _L("4455", "FZ", -10_000))),
    ("BQ", D(2026, 6, 1), "Règlement HOTEL 1",
     (_L("5141", "FZ", 120_000), _L("34211", "FZ", -120_000, "HOTEL", D(2026, 4, 9)))),
    ("AC", D(2026, 7, 15), "Tissus à crédit",
     (_L("6111", "KH", 40_000), _L("44111", "KH", -40_000, "TISSUS", D(2026, 8, 14)))),
    ("OD", D(2026, 9, 30), "Contribution KH",
     (_L("61468", "KH", 5_000), _L("44881", "KH", -5_000), _L("44881", "ECP", 5_000),
      _L("71248", "ECP", -5_000))),
    ("BQ", D(2026, 11, 20), "Vente comptant KH",
     (_L("5141", "KH", 30_000), _L("7111", "KH", -30_000))),
    ("BQ", D(2026, 12, 15), "Frais postaux",
     (_L("61451", "ECP", 3_000), _L("5141", "ECP", -3_000))),
    ("BQ", D(2027, 1, 10), "Vente comptant FZ 2027",
     (_L("5141", "FZ", 10_000), _L("7111", "FZ", -10_000))),
)

CLOSING_2026 = (
    _L("61451", "ECP", -3_000), _L("71248", "ECP", 5_000), _L("1191", "ECP", -2_000),
    _L("7111", "FZ", 150_000), _L("1191", "FZ", -150_000),
    _L("6111", "KH", -40_000), _L("61468", "KH", -5_000), _L("7111", "KH", 30_000),
    _L("1199", "KH", 15_000),
)

OPENING_2027 = (
    _L("1111", "ECP", -1_000_000), _L("1181", "ECP", -2_000), _L("44881", "ECP", 5_000),
    _L("5141", "ECP", 997_000),
    _L("1181", "FZ", -150_000), _L("34211", "FZ", 60_000, "HOTEL", D(2026, 6, 1)),
    _L("4455", "FZ", -30_000), _L("5141", "FZ", 120_000),
    _L("1189", "KH", 15_000), _L("44111", "KH", -40_000, "TISSUS", D(2026, 8, 14)),
    _L("44881", "KH", -5_000), _L("5141", "KH", 30_000),
)


def _post(books: api.Books, journal: str, day: dt.date, label: str,
          lines: tuple[LineSpec, ...]) -> None:
    with unit_of_work(books.engine) as s:
        post(s.connection(), JournalEntry(journal, day, label, lines), "testeur")


@pytest.fixture
def year(sales: api.Books) -> api.Books:
    for journal, day, label, lines in YEAR_2026:
        _post(sales, journal, day, label, lines)
    return sales


def _closing(books: api.Books, start: int = Y0, end: int = Y1) -> tuple[LineSpec, ...]:
    with reading(books.engine) as s:
        return closing_lines(s.connection(), start, end)


def _opening(books: api.Books, end: int = Y1, **kw: str) -> tuple[LineSpec, ...]:
    with reading(books.engine) as s:
        return opening_lines(s.connection(), end, **kw)


def _per_dim(lines: tuple[LineSpec, ...]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for ln in lines:
        out[ln.dimension] += ln.amount
    return dict(out)


def _sums(conn: Connection, start: int, end: int, classes: str) -> dict[tuple[str, str], int]:
    """Brute force: Σ amount per (dimension, account) over [start, end] for the given classes."""
    rows = conn.execute(text(
        "SELECT l.dimension, l.account, SUM(l.amount) FROM lines l "
        "JOIN accounts a ON a.code = l.account "
        f"WHERE l.day BETWEEN :s AND :e AND a.cls IN ({classes}) "
        "GROUP BY l.dimension, l.account"), {"s": start, "e": end}).all()
    return {(d, a): int(t) for d, a, t in rows if int(t) != 0}


def test_closing_lines_worked_year(year: api.Books) -> None:
    lines = _closing(year)
    assert lines == CLOSING_2026
    assert _per_dim(lines) == {"ECP": 0, "FZ": 0, "KH": 0}


def test_posting_the_close_zeroes_classes_6_and_7(year: api.Books) -> None:
    _post(year, "OD", D(2026, 12, 31), "Clôture 2026", _closing(year))
    assert _closing(year) == ()
    with reading(year.engine) as s:
        conn = s.connection()
        assert _sums(conn, Y0, Y1, "6, 7") == {}
        assert _sums(conn, Y0, Y1, "1") == {
            ("ECP", "1111"): -1_000_000, ("ECP", "1191"): -2_000, ("FZ", "1191"): -150_000,
            ("KH", "1199"): 15_000}
    # the 2027 sale is outside the 2026 close
    assert _closing(year, 20270101, 20271231) == (
        _L("7111", "FZ", 10_000), _L("1191", "FZ", -10_000))


def test_opening_lines_worked_year(year: api.Books) -> None:
    before = _opening(year)  # the close not posted yet: classes 6-7 give the result
    assert before == OPENING_2027
    _post(year, "OD", D(2026, 12, 31), "Clôture 2026", _closing(year))
    after = _opening(year)
    assert after == OPENING_2027
    assert _per_dim(after) == {"ECP": 0, "FZ": 0, "KH": 0}


def test_opening_lines_equal_the_balance_sheet(year: api.Books) -> None:
    _post(year, "OD", D(2026, 12, 31), "Clôture 2026", _closing(year))
    with reading(year.engine) as s:
        sheet = _sums(s.connection(), 0, Y1, "1, 2, 3, 4, 5")
    carried: dict[tuple[str, str], int] = defaultdict(int)
    for ln in _opening(year):
        carried[(ln.dimension, ln.account)] += ln.amount
    # 1191/1199 of the year are carried to 1181/1189
    for (dim, account), amount in list(sheet.items()):
        if account in ("1191", "1199"):
            del sheet[(dim, account)]
            sheet[(dim, "1181" if account == "1191" else "1189")] = amount
    assert dict(carried) == sheet


def test_next_year_starts_from_the_a_nouveaux(year: api.Books) -> None:
    """After the close of 31/12/2026 (result, then every balance-sheet account to zero) and the
    AN of 01/01/2027, the 2027 figures start from it, without counting 2026 twice.

    2027: 10/01 FZ cash sale 100,00 (posted above); 20/01 HOTEL pays the 01/06 item 600,00 —
    5141 FZ +60 000 / 34211 FZ HOTEL (01/06) -60 000. At 31/12/2027, 2027 not closed:
    - FZ: 1181 -150 000 (carried) + result 2027 -10 000 = -160 000; 4455 -30 000;
      5141 120 000 + 10 000 + 60 000 = +190 000; 34211 HOTEL 0 (not carried); sum 0;
    - ECP and KH unchanged from the 2026 à-nouveaux (1189 KH +15 000 stays: not allocated).
    """
    _post(year, "OD", D(2026, 12, 31), "Clôture 2026", _closing(year))
    opening = _opening(year)
    with reading(year.engine) as s:
        closing_sheet = balance_closing_lines(s.connection(), Y1)
    # the balance-sheet closing is the à-nouveaux negated, 1181/1189 being 1191/1199 there
    assert sorted((ln.account.replace("118", "119"), ln.dimension, -ln.amount, ln.third_party)
                  for ln in closing_sheet) == sorted(
        (ln.account.replace("118", "119"), ln.dimension, ln.amount, ln.third_party)
        for ln in opening)
    _post(year, "OD", D(2026, 12, 31), "Clôture 2026 : bilan", closing_sheet)
    _post(year, "AN", D(2027, 1, 1), "À-nouveaux 2027", opening)
    _post(year, "BQ", D(2027, 1, 20), "Règlement HOTEL 2",
          (_L("5141", "FZ", 60_000), _L("34211", "FZ", -60_000, "HOTEL", D(2026, 6, 1))))
    assert _opening(year, 20271231) == (
        _L("1111", "ECP", -1_000_000), _L("1181", "ECP", -2_000), _L("44881", "ECP", 5_000),
        _L("5141", "ECP", 997_000),
        _L("1181", "FZ", -160_000), _L("4455", "FZ", -30_000), _L("5141", "FZ", 190_000),
        _L("1189", "KH", 15_000), _L("44111", "KH", -40_000, "TISSUS", D(2026, 8, 14)),
        _L("44881", "KH", -5_000), _L("5141", "KH", 30_000),
    )
    # the day before the AN every account is at zero: nothing to carry twice
    assert _opening(year, Y1) == ()


def test_result_to_another_pair(year: api.Books) -> None:
    """Result carried straight to 1161/1169 (report à nouveau) when asked: same amounts."""
    lines = _opening(year, result_to="1161")
    expected = tuple(
        LineSpec({"1181": "1161", "1189": "1169"}.get(ln.account, ln.account), ln.dimension,
                 ln.amount, ln.third_party, ln.due_date) for ln in OPENING_2027)
    assert sorted(lines, key=repr) == sorted(expected, key=repr)


@pytest.mark.parametrize("result_to", ["1189", "7111", "9999", ""])
def test_result_to_refused(year: api.Books, result_to: str) -> None:
    with pytest.raises(InputError) as e:
        _opening(year, result_to=result_to)
    assert e.value.field == "result_to"


def test_bad_days_refused(year: api.Books) -> None:
    with pytest.raises(InputError) as e:
        _closing(year, 20261231, 20260101)
    assert e.value.field == "start"
    with pytest.raises(InputError) as e:
        _closing(year, 20261301, 20261231)
    assert e.value.field == "start"
    with pytest.raises(InputError) as e:
        _opening(year, 20260230)
    assert e.value.field == "end"


def test_empty_books_close_to_nothing(books: api.Books) -> None:
    assert _closing(books) == ()
    assert _opening(books) == ()
