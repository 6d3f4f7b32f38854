"""Hypothesis properties of the ledger (DESIGN.md §7): every valid entry posts and balances,
the trial balance sums to zero in total and per dimension, reversal restores every balance."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecp import api
from ecp.db.engine import make_engine
from ecp.db.migrate import backup_sqlite
from ecp.kernel.errors import InputError
from ecp.ledger import chart
from ecp.ledger.entry import ECP_DIMENSION, LineSpec, PostedEntry

DIMENSIONS = (ECP_DIMENSION, "FZ", "KH", "YS")
JOURNALS = tuple(chart.POSTABLE_JOURNALS)
ACCOUNTS = sorted(  # postable: the classes are headings (refused, tested apart)
    {c for c, _, _ in chart.reference_accounts()}
    | {c for c, _, _, _ in chart.EXTRA_ACCOUNTS} | {"342111"})

SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

amounts = st.integers(min_value=-5_000_000_00, max_value=5_000_000_00).filter(bool)


@st.composite
def dimension_lines(draw: st.DrawFn, dimension: str) -> list[LineSpec]:
    """Lines of one dimension that sum to zero: random amounts plus a balancing line."""
    values = draw(st.lists(amounts, min_size=1, max_size=4))
    if sum(values) != 0:
        values.append(-sum(values))
    return [LineSpec(draw(st.sampled_from(ACCOUNTS)), dimension, v) for v in values]


Entry = tuple[str, dt.date, str, list[LineSpec]]  # journal, day, label, lines


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    dims = draw(st.lists(st.sampled_from(DIMENSIONS), min_size=1, max_size=3, unique=True))
    lines = list(itertools.chain.from_iterable(draw(dimension_lines(d)) for d in dims))
    lines = draw(st.permutations(lines))
    day = draw(st.dates(min_value=dt.date(2025, 11, 1), max_value=dt.date(2026, 3, 31)))
    # Any text a person types (tabs and line breaks included; other control characters are
    # refused at posting, see test_ledger_tamper).
    label = draw(st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters=[
        chr(c) for c in (*range(32), 127) if chr(c) not in "\t\n\r"]),
        min_size=1, max_size=30).filter(str.strip))
    return draw(st.sampled_from(JOURNALS)), day, label, list(lines)


_counter = itertools.count()


@pytest.fixture(scope="module")
def fresh_books(template_db: Path, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[Callable[[], api.Books]]:
    """A factory of fresh books (module-scoped so hypothesis may call it per example)."""
    opened: list[api.Books] = []
    base = tmp_path_factory.mktemp("prop")

    def make() -> api.Books:
        path = base / f"p{next(_counter)}.sqlite3"
        backup_sqlite(template_db, path)
        url = f"sqlite:///{path}"
        b = api.Books(make_engine(url), url)  # at head already: skip the migration check
        opened.append(b)
        return b

    yield make
    for b in opened:
        b.engine.dispose()


def _brute_force(path: Path) -> dict[tuple[str, str], int]:
    """{(dimension or '*', account): net balance} straight from the posting lines."""
    con = sqlite3.connect(str(path))
    try:
        out: dict[tuple[str, str], int] = defaultdict(int)
        for dim, acc, amt in con.execute("SELECT dimension, account, amount FROM lines"):
            out[(dim, acc)] += amt
            out[("*", acc)] += amt
        return {k: v for k, v in out.items() if v}
    finally:
        con.close()


def _closing(books: api.Books) -> dict[tuple[str, str], int]:
    """Net closing balance per (dimension or '*', account) from the trial balances."""
    out = {}
    for dim in (None, *DIMENSIONS):
        for r in api.trial_balance(books, dimension=dim).rows:
            net = r.closing_debit - r.closing_credit
            if net:
                out[(dim or "*", r.account)] = net
    return out


def _assert_balanced(books: api.Books) -> None:
    for dim in (None, *DIMENSIONS):
        tb = api.trial_balance(books, dimension=dim)
        assert tb.total("closing_debit") == tb.total("closing_credit"), dim
        assert tb.total("debit") == tb.total("credit"), dim
        for r in tb.rows:  # a closing balance sits on one side only
            assert r.closing_debit == 0 or r.closing_credit == 0


def _post_any(books: api.Books, journal: str, day: dt.date, label: str,
              lines: list[LineSpec]) -> PostedEntry:
    """A valid entry always posts: in its journal, or — dated before that journal's last
    entry — refused there (``date.order``, the journal is kept day by day) and posted in RG."""
    try:
        return api.post_entry(books, journal, day, label, lines)
    except InputError as exc:
        assert exc.code == "date.order" and exc.field == "date", exc
        return api.post_entry(books, "RG", day, label, lines)


def _journals_in_date_order(path: Path) -> None:
    """Every journal but RG: numbers follow dates within each fiscal year."""
    with sqlite3.connect(path) as c:
        back = c.execute(
            "SELECT a.journal, a.number, b.number FROM entries a JOIN entries b ON "
            "a.journal = b.journal AND a.fiscal_year = b.fiscal_year AND b.number > a.number "
            "AND b.day < a.day WHERE a.journal <> 'RG'").fetchall()
    assert back == []


@SETTINGS
@given(batch=st.lists(entries(), min_size=1, max_size=5))
def test_valid_entries_always_post_and_balance(fresh_books: Callable[[], api.Books],
                                                batch: list[Entry]) -> None:
    books = fresh_books()
    refs = []
    for journal, day, label, lines in batch:
        posted = _post_any(books, journal, day, label, lines)
        refs.append(posted.ref)
    assert len(set(refs)) == len(refs)
    _assert_balanced(books)
    assert books.path is not None
    _journals_in_date_order(books.path)
    assert _closing(books) == _brute_force(books.path)
    rep = api.verify(books)
    assert rep.ok, rep.findings
    assert rep.entries == len(batch)
    assert rep.lines == sum(len(e[3]) for e in batch)


@SETTINGS
@given(before=st.lists(entries(), max_size=3), target=entries(), data=st.data())
def test_reversal_restores_every_balance(fresh_books: Callable[[], api.Books],
                                         before: list[Entry],
                                         target: Entry,
                                         data: st.DataObject) -> None:
    books = fresh_books()
    for journal, day, label, lines in before:
        _post_any(books, journal, day, label, lines)
    snapshot = _closing(books)
    journal, day, label, lines = target
    posted = _post_any(books, journal, day, label, lines)
    if any(ln.amount for ln in lines):
        assert _closing(books) != snapshot or all(
            sum(ln.amount for ln in lines if ln.account == a and ln.dimension == d) == 0
            for a, d in {(ln.account, ln.dimension) for ln in lines})
    on = data.draw(st.dates(min_value=day, max_value=dt.date(2026, 6, 30)), label="reverse on")
    rev = api.reverse_entry(books, posted.ref, on)
    # its own journal, or RG when that journal already went past ``on``
    assert rev.journal in (posted.journal, "RG") and rev.fiscal_year == on.year
    assert _closing(books) == snapshot
    _assert_balanced(books)
    rep = api.verify(books)
    assert rep.ok, rep.findings


THIRD_ACCOUNTS = ("34211", "44111")


@st.composite
def year_entries(draw: st.DrawFn) -> Entry:
    """An entry of 2026 on one or two dimensions, any accounts, some lines on a third party's
    account with or without a due date (an invoice has one, its payment none)."""
    dims = draw(st.lists(st.sampled_from(DIMENSIONS), min_size=1, max_size=2, unique=True))
    lines: list[LineSpec] = []
    for d in dims:
        for ln in draw(dimension_lines(d)):
            if draw(st.booleans()):
                due = draw(st.none() | st.dates(dt.date(2026, 1, 1), dt.date(2027, 6, 30)))
                ln = LineSpec(draw(st.sampled_from(THIRD_ACCOUNTS)), d, ln.amount,
                              draw(st.sampled_from(("HOTEL", "AMINA"))), due)
            lines.append(ln)
    day = draw(st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)))
    return draw(st.sampled_from(JOURNALS)), day, "Opération", lines


def _items(books: api.Books) -> dict[tuple[str, str, str | None, int | None], int]:
    from sqlalchemy import text

    from ecp.db.engine import reading
    with reading(books.engine) as s:
        rows = s.connection().execute(text(
            "SELECT dimension, account, third_party, due_day, SUM(amount) FROM lines "
            "GROUP BY dimension, account, third_party, due_day")).all()
    return {(d, a, t, due): int(v) for d, a, t, due, v in rows if int(v)}


@SETTINGS
@given(batch=st.lists(year_entries(), min_size=1, max_size=6))
def test_year_close_zeroes_then_reopen_restores(fresh_books: Callable[[], api.Books],
                                                batch: list[Entry]) -> None:
    """Whatever the year held: after the close every account of every dimension and third
    party is at zero on 31/12, the à-nouveaux carry it all (verify agrees), and reopening gives
    back every balance per open item and the same trial balances."""
    from sqlalchemy import text

    from ecp.db.engine import reading, unit_of_work
    from ecp.ledger import year_ops

    books = fresh_books()
    for journal, day, label, lines in batch:
        _post_any(books, journal, day, label, lines)
    before = _items(books)
    tb_before = _brute_force_tb(books)
    with unit_of_work(books.engine) as s:
        year_ops.close_year(s.connection(), 2026, "testeur")
    with reading(books.engine) as s:
        left = s.connection().execute(text(
            "SELECT dimension, account, third_party, SUM(amount) FROM lines "
            "WHERE day <= 20261231 GROUP BY dimension, account, third_party "
            "HAVING SUM(amount) <> 0")).all()
    assert left == []
    assert api.verify(books, record=False).ok
    # the year read on its bounds is the year before closing
    assert _brute_force_tb(books) == tb_before
    api.reopen_year(books, 2026, "contrôle")
    assert _items(books) == before
    assert _brute_force_tb(books) == tb_before
    assert api.verify(books, record=False).ok


def _brute_force_tb(books: api.Books) -> dict[tuple[str, str], tuple[int, int]]:
    out = {}
    for dim in (None, *DIMENSIONS):
        for r in api.trial_balance(books, dt.date(2026, 1, 1), dt.date(2026, 12, 31), dim).rows:
            net = r.closing_debit - r.closing_credit
            if net or r.debit or r.credit:
                out[(dim or "*", r.account)] = (net, r.debit - r.credit)
    return out
