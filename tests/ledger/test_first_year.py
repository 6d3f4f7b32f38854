"""The first fiscal year may be shorter than twelve months (loi 9-88 art. 7), never longer:
``ecp year define AAAA --start D`` makes it run from D to 31 December."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ecp import api
from ecp.kernel.errors import InputError, ValidationError
from ecp.ledger.entry import LineSpec
from tests.e2e.run import ok

D = dt.date


def _capital(books: api.Books, day: dt.date) -> None:
    api.post_entry(books, "BQ", day, "Apport", [LineSpec("5141", "ECP", 100_000),
                                                LineSpec("1111", "ECP", -100_000)])


def test_first_year_from_august(books: api.Books) -> None:
    """Books starting on 01/08/2026: the year 2026 runs 01/08–31/12; a posting on 31/07/2026
    is refused, naming the date; the year's statements and checklist read from 01/08."""
    v = api.define_first_year(books, 2026, D(2026, 8, 1))
    assert (v.year, v.start, v.end, v.status) == (2026, 20260801, 20261231, "open")
    _capital(books, D(2026, 8, 3))
    with pytest.raises(ValidationError) as e:
        _capital(books, D(2026, 7, 31))
    assert e.value.errors[0].field == "date" and "2026-08-01" in str(e.value)
    assert api.fiscal_year_bounds(books, 2026) == (D(2026, 8, 1), D(2026, 12, 31))
    steps = api.year_checklist(books, 2026)
    assert steps[1].name == "mois" and "2026-08" in steps[1].detail


@pytest.mark.parametrize(("year", "start", "field", "words"), [
    (2026, D(2027, 1, 1), "start", "loi 9-88"),  # longer than twelve months
    (2026, D(2026, 9, 1), "start", "avant"),  # an entry before the start
])
def test_refusals(books: api.Books, year: int, start: dt.date, field: str, words: str) -> None:
    _capital(books, D(2026, 8, 3))
    with pytest.raises(InputError) as e:
        api.define_first_year(books, year, start)
    assert e.value.field == field and words in str(e.value)


def test_not_the_first(books: api.Books) -> None:
    api.define_first_year(books, 2025, D(2025, 10, 1))
    with pytest.raises(InputError) as e:
        api.define_first_year(books, 2026, D(2026, 3, 1))
    assert e.value.field == "year" and "2025" in str(e.value)


def test_cli(db_path: Path) -> None:
    assert ok(db_path, "year", "define", "2026", "--start", "2026-08-01") == \
        "Premier exercice 2026 : du 01/08/2026 au 31/12/2026\n"
