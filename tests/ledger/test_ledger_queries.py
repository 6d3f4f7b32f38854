"""Read side: the six-column trial balance and the general ledger's keyset pages, on a worked
example a Moroccan accountant would recognise and against brute force over the posting lines."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import TypedDict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecp import api
from ecp.db.engine import unit_of_work
from ecp.db.migrate import backup_sqlite
from ecp.ledger import post
from ecp.ledger.entry import JournalEntry, LineSpec, day_int
from ecp.ledger.queries import LedgerRow, TrialRow
from tests.fixture_types import MakeLines

D = dt.date


# --- worked example --------------------------------------------------------------------------

@pytest.fixture
def example(books: api.Books, L: MakeLines) -> api.Books:
    """January-February 2026 of a small ECP.

    - 05/01 BQ: capital of 10 000 DH paid in (ECP);
    - 20/01 VT: FZ sells a caftan 1 200 DH TTC (1 000 HT + TVA 20 % 200);
    - 10/02 BQ: the customer pays FZ's invoice;
    - 15/02 AC: KH buys 500 DH of goods on credit.
    """
    api.post_entry(books, "BQ", D(2026, 1, 5), "Apport en capital",
                   L(("5141", "ECP", 1_000_000), ("1111", "ECP", -1_000_000)))
    api.post_entry(books, "VT", D(2026, 1, 20), "Caftan, facture FA-2026-00001",
                   L(("342111", "FZ", 120_000), ("7111", "FZ", -100_000), ("4455", "FZ", -20_000)))
    api.post_entry(books, "BQ", D(2026, 2, 10), "Règlement FA-2026-00001",
                   L(("5141", "FZ", 120_000), ("342111", "FZ", -120_000)))
    api.post_entry(books, "AC", D(2026, 2, 15), "Achat semoule",
                   L(("6111", "KH", 50_000), ("44111", "KH", -50_000)))
    return books


def _rows(tb: api.queries.TrialBalance) -> dict[str, tuple[int, ...]]:
    return {r.account: (r.opening_debit, r.opening_credit, r.debit, r.credit, r.closing_debit,
                        r.closing_credit) for r in tb.rows}


def test_trial_balance_worked_example_february(example: api.Books) -> None:
    tb = api.trial_balance(example, D(2026, 2, 1), D(2026, 2, 28))
    assert _rows(tb) == {
        #          opening D/C            movements D/C        closing D/C
        "1111":   (0, 1_000_000,          0, 0,                0, 1_000_000),
        "342111": (120_000, 0,            0, 120_000,          0, 0),
        "4455":   (0, 20_000,             0, 0,                0, 20_000),
        "44111":  (0, 0,                  0, 50_000,           0, 50_000),
        "5141":   (1_000_000, 0,          120_000, 0,          1_120_000, 0),
        "6111":   (0, 0,                  50_000, 0,           50_000, 0),
        "7111":   (0, 100_000,            0, 0,                0, 100_000),
    }
    assert tb.rows[0].name == "Capital social"
    totals = [tb.total(f) for f in ("opening_debit", "opening_credit", "debit", "credit",
                                    "closing_debit", "closing_credit")]
    assert totals == [1_120_000, 1_120_000, 170_000, 170_000, 1_170_000, 1_170_000]


def test_trial_balance_worked_example_per_member(example: api.Books) -> None:
    fz = api.trial_balance(example, D(2026, 2, 1), D(2026, 2, 28), dimension="FZ")
    assert _rows(fz) == {
        "342111": (120_000, 0, 0, 120_000, 0, 0),
        "4455": (0, 20_000, 0, 0, 0, 20_000),
        "5141": (0, 0, 120_000, 0, 120_000, 0),
        "7111": (0, 100_000, 0, 0, 0, 100_000),
    }
    kh = api.trial_balance(example, dimension="KH")
    assert _rows(kh) == {"44111": (0, 0, 0, 50_000, 0, 50_000),
                         "6111": (0, 0, 50_000, 0, 50_000, 0)}
    # The whole year, no dates: no opening column.
    all_ = _rows(api.trial_balance(example))
    assert all_["5141"] == (0, 0, 1_120_000, 0, 1_120_000, 0)
    assert all_["342111"] == (0, 0, 120_000, 120_000, 0, 0)


def test_trial_balance_mid_month_edges(example: api.Books) -> None:
    """From the 15th of January to the 10th of February: the edges are partial months."""
    tb = _rows(api.trial_balance(example, D(2026, 1, 15), D(2026, 2, 10)))
    assert tb["5141"] == (1_000_000, 0, 120_000, 0, 1_120_000, 0)   # 05/01 opening, 10/02 in
    assert tb["342111"] == (0, 0, 120_000, 120_000, 0, 0)
    assert "6111" not in tb                                          # 15/02 is after the 10th
    tb = _rows(api.trial_balance(example, D(2026, 1, 21), D(2026, 2, 9)))
    assert tb["342111"] == (120_000, 0, 0, 0, 120_000, 0)
    assert tb["5141"] == (1_000_000, 0, 0, 0, 1_000_000, 0)


def test_unknown_dimension_is_refused(example: api.Books) -> None:
    from ecp.kernel.errors import NotFoundError

    with pytest.raises(NotFoundError, match="dimension : « ZZ » inconnue"):
        api.trial_balance(example, dimension="ZZ")


# --- brute force over random books -----------------------------------------------------------

ACCOUNTS = ["342111", "7111", "5141", "4455", "61365", "44881", "6111", "44111"]
DIMS = ["ECP", "FZ", "KH", "YS"]
START, END = D(2025, 11, 1), D(2026, 4, 30)


def _random_entries(rng: random.Random, n: int) -> Iterator[JournalEntry]:
    span = (END - START).days
    for i in range(n):
        day = START + dt.timedelta(days=rng.randrange(span + 1))
        lines = []
        for dim in rng.sample(DIMS, rng.randint(1, 2)):
            a = rng.randint(1, 500_000) * rng.choice((1, -1))
            b = rng.randint(1, 500_000) * rng.choice((1, -1))
            lines += [LineSpec(rng.choice(ACCOUNTS), dim, a),
                      LineSpec(rng.choice(ACCOUNTS), dim, b)]
            if a + b:
                lines.append(LineSpec(rng.choice(ACCOUNTS), dim, -(a + b)))
        yield JournalEntry(rng.choice(["VT", "AC", "BQ", "OD"]), day, f"Écriture {i}",
                           tuple(lines))


@pytest.fixture(scope="module")
def random_books(template_db: Path, tmp_path_factory: pytest.TempPathFactory) \
        -> Iterator[api.Books]:
    path = tmp_path_factory.mktemp("queries") / "aleatoire.sqlite3"
    backup_sqlite(template_db, path)
    books = api.open_books(str(path))
    with unit_of_work(books.engine) as s:
        for e in _random_entries(random.Random(2026), 300):
            post(s.connection(), e, "testeur")
    yield books
    books.engine.dispose()


def _lines(books: api.Books) -> list[tuple[int, int, str, str, int]]:
    """(day, id, account, dimension, amount) of every posting line, in ledger order."""
    con = sqlite3.connect(str(books.path))
    try:
        return con.execute("SELECT day, id, account, dimension, amount FROM lines "
                           "ORDER BY day, id").fetchall()
    finally:
        con.close()


def _brute_trial_balance(lines: list[tuple[int, int, str, str, int]], date_from: dt.date | None,
                         date_to: dt.date | None, dim: str | None) -> dict[str, tuple[int, ...]]:
    lo = day_int(date_from) if date_from else 0
    hi = day_int(date_to) if date_to else 99_999_999
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # opening net, debit, credit
    for day, _id, a, d, amt in lines:
        if (dim and d != dim) or day > hi:
            continue
        cur = acc[a]
        if day < lo:
            cur[0] += amt
        elif amt > 0:
            cur[1] += amt
        else:
            cur[2] -= amt
    out: dict[str, tuple[int, ...]] = {}
    for acct, (op, dr, cr) in acc.items():
        close = op + dr - cr
        out[acct] = (max(op, 0), max(-op, 0), dr, cr, max(close, 0), max(-close, 0))
    return out


RANGES = [
    (None, None),
    (D(2026, 1, 15), D(2026, 3, 10)),   # 15th of a month to the 10th of a later one
    (D(2025, 11, 15), D(2025, 11, 20)),  # inside one month
    (D(2025, 12, 1), D(2026, 1, 31)),   # whole months only
    (D(2025, 12, 31), D(2026, 1, 1)),   # across the year end
    (D(2026, 2, 1), None),
    (None, D(2026, 1, 10)),
    (D(2026, 3, 31), D(2026, 4, 1)),
]


@pytest.mark.parametrize(("date_from", "date_to"), RANGES)
@pytest.mark.parametrize("dim", [None, "FZ", "ECP"])
def test_trial_balance_equals_brute_force(random_books: api.Books, date_from: dt.date | None,
                                          date_to: dt.date | None, dim: str | None) -> None:
    tb = api.trial_balance(random_books, date_from, date_to, dim)
    expected = _brute_trial_balance(_lines(random_books), date_from, date_to, dim)
    assert _rows(tb) == expected
    assert tb.total("closing_debit") == tb.total("closing_credit")
    assert tb.total("opening_debit") == tb.total("opening_credit")
    assert all(isinstance(r, TrialRow) for r in tb.rows)


@settings(max_examples=40, deadline=None)
@given(a=st.dates(min_value=D(2025, 10, 1), max_value=D(2026, 5, 31)),
       b=st.dates(min_value=D(2025, 10, 1), max_value=D(2026, 5, 31)),
       dim=st.sampled_from([None, *DIMS]))
def test_trial_balance_any_period_equals_brute_force(random_books: api.Books, a: dt.date,
                                                     b: dt.date, dim: str | None) -> None:
    date_from, date_to = min(a, b), max(a, b)
    tb = api.trial_balance(random_books, date_from, date_to, dim)
    assert _rows(tb) == _brute_trial_balance(_lines(random_books), date_from, date_to, dim)


# --- general ledger --------------------------------------------------------------------------

def _brute_ledger(
        lines: list[tuple[int, int, str, str, int]], account: str, dim: str | None,
        date_from: dt.date | None, date_to: dt.date | None
        ) -> tuple[int, list[tuple[int, int, int]]]:
    """(opening, [(line id, amount, running balance)]) for one account."""
    lo = day_int(date_from) if date_from else 0
    hi = day_int(date_to) if date_to else 99_999_999
    opening = 0
    out = []
    running = None
    for day, lid, a, d, amt in lines:
        if a != account or (dim and d != dim) or day > hi:
            continue
        if day < lo:
            opening += amt
            continue
        running = (opening if running is None else running) + amt
        out.append((lid, amt, running))
    return opening, out


def _key(row: LedgerRow) -> tuple[int, int]:
    return day_int(D.fromisoformat(row.day)), row.line_id


class LedgerFilter(TypedDict):
    """The keyword arguments of ``api.ledger_page`` a case keeps from page to page."""

    dimension: str | None
    date_from: dt.date | None
    date_to: dt.date | None
    limit: int


LEDGER_CASES = [("342111", None, None, None), ("5141", "FZ", None, None),
                ("7111", None, D(2026, 1, 15), D(2026, 3, 10)),
                ("44881", "KH", D(2026, 2, 1), None)]


@pytest.mark.parametrize(("account", "dim", "date_from", "date_to"), LEDGER_CASES)
def test_ledger_pages_forward_backward_and_last(random_books: api.Books, account: str,
                                                dim: str | None, date_from: dt.date | None,
                                                date_to: dt.date | None) -> None:
    opening, expected = _brute_ledger(_lines(random_books), account, dim, date_from, date_to)
    assert len(expected) > 14, "the case needs several pages"
    kw: LedgerFilter = {"dimension": dim, "date_from": date_from, "date_to": date_to, "limit": 7}

    # Forward from the first page.
    got, pages = [], []
    page = api.ledger_page(random_books, account, **kw)
    assert page.opening == opening and not page.has_before
    while True:
        pages.append(page)
        got += [(r.line_id, r.amount, r.balance) for r in page.rows]
        if not page.has_after:
            break
        page = api.ledger_page(random_books, account, after=_key(page.rows[-1]), **kw)
        assert page.has_before
    assert got == expected
    assert all(len(p.rows) == 7 for p in pages[:-1]) and 1 <= len(pages[-1].rows) <= 7

    # The last page, then backwards to the first.
    page = api.ledger_page(random_books, account, last=True, **kw)
    assert not page.has_after and page.has_before
    assert [(r.line_id, r.amount, r.balance) for r in page.rows] == expected[-7:]
    back: list[tuple[int, int, int]] = []
    while True:
        back = [(r.line_id, r.amount, r.balance) for r in page.rows] + back
        if not page.has_before:
            break
        page = api.ledger_page(random_books, account, before=_key(page.rows[0]), **kw)
        assert page.has_after
    assert back == expected

    # Next then previous returns to the same page.
    first = api.ledger_page(random_books, account, **kw)
    second = api.ledger_page(random_books, account, after=_key(first.rows[-1]), **kw)
    again = api.ledger_page(random_books, account, before=_key(second.rows[0]), **kw)
    assert again.rows == first.rows


def test_ledger_page_rows_carry_entry_and_labels(example: api.Books) -> None:
    page = api.ledger_page(example, "342111")
    assert [(r.day, r.entry, r.amount, r.balance) for r in page.rows] == [
        ("2026-01-20", "VT-2026-000001", 120_000, 120_000),
        ("2026-02-10", "BQ-2026-000002", -120_000, 0),
    ]
    assert page.rows[1].label == "Règlement FA-2026-00001" and page.rows[0].dimension == "FZ"
    assert page.name == "Client Hôtel Tanja"
    empty = api.ledger_page(example, "342111", date_from=D(2026, 3, 1))
    assert empty.rows == () and empty.opening == 0 and not empty.has_after


def test_postings_stream_in_journal_order(example: api.Books) -> None:
    with api.postings(example) as rows:
        got = [(r.entry, r.account, r.amount) for r in rows]
    assert [e for e, _, _ in got] == sorted(e for e, _, _ in got)
    assert len(got) == 9 and sum(a for _, _, a in got) == 0
    with api.postings(example, dimension="KH") as rows:
        assert {r.entry for r in rows} == {"AC-2026-000001"}


def test_cli_ledger_running_balance_starts_from_opening(
        example: api.Books, capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import io

    from ecp import cli

    assert cli.main(["--db", str(example.path), "report", "ledger", "--from", "2026-02-01",
                     "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    got = [(r["compte"], r["ecriture"], r["debit"], r["credit"], r["solde"]) for r in rows]
    assert got == [
        ("342111", "BQ-2026-000002", "", "1200.00", "0.00"),
        ("44111", "AC-2026-000001", "", "500.00", "-500.00"),
        ("5141", "BQ-2026-000002", "1200.00", "", "11200.00"),
        ("6111", "AC-2026-000001", "500.00", "", "500.00"),
    ]


def test_trial_balance_to_the_last_representable_day(example: api.Books) -> None:
    everything = api.trial_balance(example)
    assert api.trial_balance(example, D(1900, 1, 1), D(9999, 12, 31)).rows == everything.rows
    assert api.trial_balance(example, date_to=D(9999, 12, 31)).rows == everything.rows
