"""The worked year of tests/ledger/worked_year.py closed on PostgreSQL (its docstring holds the
hand computation): the same closing entries, à-nouveaux and statements as on SQLite, a reopen
that gives every balance back, the final lock, and verify."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from ecp import api
from ecp.db.engine import reading
from ecp.kernel.errors import PeriodLockedError
from ecp.ledger.entry import LineSpec
from tests.ledger import worked_year as wy
from tests.pgbooks import fresh_pg_books

pytestmark = pytest.mark.xdist_group("postgresql")
D = dt.date


@pytest.fixture
def books(tmp_path: Path) -> Iterator[api.Books]:
    b = fresh_pg_books(tmp_path / "archives")
    wy.build(b)
    yield b
    b.engine.dispose()


def _lines(books: api.Books, journal: str) -> dict[str, set[LineSpec]]:
    out: dict[str, set[LineSpec]] = defaultdict(set)
    with reading(books.engine) as s:
        rows = s.connection().execute(text(
            "SELECT e.label, l.account, l.dimension, l.amount, l.third_party, l.due_day "
            "FROM lines l JOIN entries e ON e.id = l.entry_id "
            "WHERE e.journal = :j AND e.reference = 'CLOTURE-2026'"), {"j": journal}).all()
    for label, account, dim, amount, third, due in rows:
        if "bilan" not in label:
            out[dim].add(LineSpec(account, dim, int(amount), third,
                                  D(due // 10000, due // 100 % 100, due % 100) if due else None))
    return dict(out)


def _balances(books: api.Books) -> dict[tuple[str, str, str | None], int]:
    with reading(books.engine) as s:
        rows = s.connection().execute(text(
            "SELECT dimension, account, third_party, SUM(amount) FROM lines "
            "GROUP BY dimension, account, third_party")).all()
    return {(d, a, t): int(v) for d, a, t, v in rows if int(v) != 0}


def test_worked_year_closes_on_postgresql(books: api.Books) -> None:
    before = _balances(books)
    n_before, _ = api.statutory_figures(books, 2026)
    steps, out = api.close_year(books, 2026)
    assert out is not None, steps
    assert out.result == {"ECP": -110_986, "FZ": 85_000}
    assert _lines(books, "CL") == wy.CLOSING_RESULT
    assert _lines(books, "AN") == wy.OPENING_2027
    n, _ = api.statutory_figures(books, 2026)
    assert n == n_before and n.result == wy.ENTITY_RESULT
    assert sum(b - a for b, a in n.actif.values()) == 2_014_014 == sum(n.passif.values())
    _n27, n27_1 = api.statutory_figures(books, 2027)
    assert (n27_1.actif, n27_1.passif, n27_1.cpc) == (n.actif, n.passif, n.cpc)
    tb = api.trial_balance(books, D(2027, 1, 1), D(2027, 12, 31))
    assert all(not r.account.startswith(("6", "7")) for r in tb.rows)
    assert api.verify(books, record=False).ok
    api.reopen_year(books, 2026, "contrôle")
    assert _balances(books) == before
    api.close_year(books, 2026)
    api.close_year(books, 2026, final=True)
    with pytest.raises(PeriodLockedError):
        api.post_entry(books, "OD", D(2026, 12, 31), "Oubli",
                       [LineSpec("6111", "FZ", 100), LineSpec("5141", "FZ", -100)])
    assert api.verify(books, record=False).ok
