"""Month-end consistent (issue 12, failure 7): the month is not locked when entries were posted
by another process while the checks and statements were being computed."""

from __future__ import annotations

import datetime as dt

from ecp import api
from ecp.kernel.periods import Month
from ecp.ledger.entry import LineSpec

OCT = Month(2026, 10)


def _post(books: api.Books, day: dt.date, cents: int, label: str, journal: str = "VT") -> None:
    api.post_entry(books, journal, day, label, [LineSpec("342111", "FZ", cents),
                                                LineSpec("7111", "FZ", -cents)])


def _closer(books: api.Books, day: dt.date, count: int) -> tuple[list[api.CloseStep], list[int]]:
    """Run the month close; once the statements are written (before the lock), another
    process (its own Books on the same file) posts ``count`` sales dated ``day``."""
    other = api.open_books(str(books.path))
    injected: list[int] = []

    def on_step(s: api.CloseStep) -> None:
        if s.name == "relevés" and s.ok and not injected:
            for i in range(count):
                _post(other, day, 10_000, f"Vente tardive {i + 1}")
            injected.append(count)

    try:
        steps = api.month_close(books, OCT, on_step=on_step)
    finally:
        other.engine.dispose()
    return steps, injected


def test_posting_during_the_close_refuses_the_lock(sales: api.Books) -> None:
    """Failure 7: three entries (+300 DH) posted between the statements and the lock used to
    be locked into a month whose statements did not count them; now the close refuses, the
    month stays open, and a second close (the statements redone) locks it."""
    _post(sales, dt.date(2026, 10, 5), 50_000, "Vente")
    steps, injected = _closer(sales, dt.date(2026, 10, 20), 3)
    assert injected == [3]
    last = steps[-1]
    assert (last.name, last.ok) == ("clôture", False)
    assert "3 écriture(s)" in last.detail and "relancer la clôture" in last.detail
    assert "VT-2026-" in last.detail and "\n" not in last.detail
    assert not api.month_is_closed(sales, OCT)
    assert not [e for e in api.period_events(sales) if e.action == "close"]

    again = api.month_close(sales, OCT)
    assert [(s.name, s.ok) for s in again][-1] == ("clôture", True)
    assert api.month_is_closed(sales, OCT)


def test_posting_in_a_later_month_does_not_block_the_close(sales: api.Books) -> None:
    """Failure 7, the other side: an entry of November posted meanwhile changes nothing the
    October statements show, so October is locked."""
    _post(sales, dt.date(2026, 10, 5), 50_000, "Vente")
    steps, injected = _closer(sales, dt.date(2026, 11, 2), 1)
    assert injected == [1]
    assert [(s.name, s.ok) for s in steps][-1] == ("clôture", True)
    assert api.month_is_closed(sales, OCT)


def test_an_earlier_dated_posting_also_refuses(sales: api.Books) -> None:
    """Failure 7: an entry dated before the month (still open) moves the balances the
    statements carry forward, so it refuses the lock too."""
    _post(sales, dt.date(2026, 10, 5), 50_000, "Vente", journal="OD")  # VT stays in date order
    steps, _ = _closer(sales, dt.date(2026, 9, 30), 1)
    assert [(s.name, s.ok) for s in steps][-1] == ("clôture", False)
    assert not api.month_is_closed(sales, OCT)
