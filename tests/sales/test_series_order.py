"""Documents in date order (issue 17, item 2): a series — factures, avoirs, devis of a year,
versements VR — takes a new number only on or after its last number's date
(``day.series_order``); no document is dated in a closed fiscal year (``day.year_closed``) nor
more than ``documents.max_future_days`` (default 30) after the books' today (``day.future``).
A refusal names the field ``day`` and writes nothing.

By hand, with the books' today on 01/06/2026: 30 days ahead is 01/07/2026 (30 days of June
after the 1st), so 02/07/2026 is 31 days ahead: refused; with 40 days the limit is 11/07/2026
(01/06 + 40 = 30 days to 01/07, then 10 more)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ecp import api, cli
from ecp.api.session import _read, _write
from ecp.db.models import Document, Entry, Payout
from ecp.kernel.errors import InputError
from ecp.kernel.units import Quantity, Rate
from ecp.ledger import year_ops
from ecp.sales.documents import LineInput

D = dt.date


def _line(ht: int = 100_000) -> LineInput:
    return LineInput("Caftan", Quantity(1000), ht, Rate(2000), "71211")


def _invoice(books: api.Books, day: D, kind: str = "facture") -> str:
    return api.create_and_issue(books, kind, "FZ", "HOTEL", day, [_line()]).number


def _counts(books: api.Books) -> list[int]:
    """[documents, payout vouchers, entries]: what a refusal must leave as it was."""
    with _read(books) as conn:
        return [int(conn.scalar(select(func.count()).select_from(t)) or 0)
                for t in (Document, Payout, Entry)]


def _refused(books: api.Books, call: Callable[[], object], code: str) -> str:
    """``call`` refused on the field ``day`` with ``code``, nothing written: its message."""
    before = _counts(books)
    with pytest.raises(InputError) as exc:
        call()
    assert (exc.value.field, exc.value.code) == ("day", code)
    assert _counts(books) == before  # nothing written, no number taken
    return exc.value.message


@pytest.fixture
def today(sales: api.Books) -> api.Books:
    sales.clock = lambda: D(2026, 6, 1)
    return sales


def test_invoice_before_the_last_one_is_refused_same_day_accepted(today: api.Books) -> None:
    """F-2026-000001 of 02/03, F-2026-000002 of 10/03: an invoice of 09/03 is refused and
    names F-2026-000002 and its date; one of 10/03 (the same day) takes F-2026-000003. A
    draft of 09/03 stays a draft until it is issued on or after 10/03."""
    assert _invoice(today, D(2026, 3, 2)) == "F-2026-000001"
    assert _invoice(today, D(2026, 3, 10)) == "F-2026-000002"
    msg = _refused(today, lambda: _invoice(today, D(2026, 3, 9)), "day.series_order")
    assert msg == ("date 09/03/2026 : la série des factures suit l'ordre des dates et "
                   "F-2026-000002 est du 10/03/2026 ; dater au 10/03/2026 ou après")
    assert _invoice(today, D(2026, 3, 10)) == "F-2026-000003"
    draft = api.create_document(today, "facture", "FZ", "HOTEL", D(2026, 3, 9), lines=[_line()])
    _refused(today, lambda: api.issue_document(today, draft), "day.series_order")
    assert api.issue_document(today, draft, D(2026, 3, 11)).number == "F-2026-000004"
    # another year is another series: 2025's first invoice is not held by 2026's
    assert _invoice(today, D(2025, 12, 31)) == "F-2025-000001"


def test_credit_notes_and_quotes_keep_their_own_series(today: api.Books) -> None:
    """Avoirs: AV-2026-000001 of 12/03 on F-2026-000002; another of 11/03 on F-2026-000001
    is refused (names AV-2026-000001 of 12/03) though the invoice series has nothing
    against it; of 12/03 it takes AV-2026-000002. Devis likewise: D-2026-000001 of 15/03,
    one of 14/03 refused."""
    first = _invoice(today, D(2026, 3, 2))
    second = _invoice(today, D(2026, 3, 10))
    assert api.credit_note(today, second, day=D(2026, 3, 12)).number == "AV-2026-000001"
    msg = _refused(today, lambda: api.credit_note(today, first, day=D(2026, 3, 11)),
                   "day.series_order")
    assert msg == ("date 11/03/2026 : la série des avoirs suit l'ordre des dates et "
                   "AV-2026-000001 est du 12/03/2026 ; dater au 12/03/2026 ou après")
    assert api.credit_note(today, first, day=D(2026, 3, 12)).number == "AV-2026-000002"
    assert _invoice(today, D(2026, 3, 15), "devis") == "D-2026-000001"
    msg = _refused(today, lambda: _invoice(today, D(2026, 3, 14), "devis"),
                   "day.series_order")
    assert "la série des devis" in msg and "D-2026-000001 est du 15/03/2026" in msg


def test_payout_vouchers_in_date_order(today: api.Books) -> None:
    """Advances to FZ (1 000,00 each, paid by the ECP): VR-2026-000001 of 10/03; one of 09/03
    is refused (names VR-2026-000001 of 10/03); of 10/03 it takes VR-2026-000002."""
    def pay(day: D) -> str:
        return api.add_payout(today, "FZ", 100_000, day, "virement", advance=True,
                              reason="essai").number

    assert pay(D(2026, 3, 10)) == "VR-2026-000001"
    msg = _refused(today, lambda: pay(D(2026, 3, 9)), "day.series_order")
    assert msg == ("date 09/03/2026 : la série des versements suit l'ordre des dates et "
                   "VR-2026-000001 est du 10/03/2026 ; dater au 10/03/2026 ou après")
    assert pay(D(2026, 3, 10)) == "VR-2026-000002"


def test_no_document_in_a_closed_year(today: api.Books) -> None:
    """F-2025-000001 of 20/12/2025, then 2025 closed provisionally: an invoice, an avoir on
    F-2025-000001 and a payout dated in 2025 are refused (day.year_closed, the message says
    how to reopen); in 2026 (open) the avoir takes AV-2026-000001."""
    inv = _invoice(today, D(2025, 12, 20))
    with _write(today) as conn:
        year_ops.close_year(conn, 2025, "testeur")
    msg = _refused(today, lambda: _invoice(today, D(2025, 12, 31)), "day.year_closed")
    assert msg == ("date 31/12/2025 : l'exercice 2025 est en clôture provisoire "
                   "(ecp year reopen pour le rouvrir)")
    _refused(today, lambda: api.credit_note(today, inv, day=D(2025, 12, 31)), "day.year_closed")
    _refused(today, lambda: api.add_payout(today, "FZ", 100_000, D(2025, 12, 31), "virement",
                                           advance=True, reason="essai"), "day.year_closed")
    assert api.credit_note(today, inv, day=D(2026, 1, 2)).number == "AV-2026-000001"


def test_future_dates_up_to_the_setting(today: api.Books) -> None:
    """Today 01/06/2026, default 30 days: 01/07/2026 is accepted, 02/07/2026 (31 days) refused
    with the limit and the setting named; with documents.max_future_days 40, 02/07/2026 is
    accepted and 12/07/2026 (41 days) refused, the limit 11/07/2026."""
    assert _invoice(today, D(2026, 7, 1)) == "F-2026-000001"
    msg = _refused(today, lambda: _invoice(today, D(2026, 7, 2)), "day.future")
    assert msg == ("date 02/07/2026 : plus de 30 jours après aujourd'hui (01/06/2026) ; au plus "
                   "le 01/07/2026 (paramètre documents.max_future_days)")
    assert api.settings_apply(today, "documents.max_future_days", "40").value == "40"
    assert _invoice(today, D(2026, 7, 2)) == "F-2026-000002"
    msg = _refused(today, lambda: _invoice(today, D(2026, 7, 12)), "day.future")
    assert "plus de 40 jours" in msg and "au plus le 11/07/2026" in msg


def test_cli_back_dated_invoice_exits_2_in_french(sales: api.Books,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """``ecp invoice create … --issue`` dated before F-2026-000001 of 10/03: exit 2, the
    French message on --date, nothing written; on 10/03 it is issued."""
    _invoice(sales, D(2026, 3, 10))
    before = _counts(sales)
    db = str(Path(str(sales.engine.url.database)))
    sales.engine.dispose()
    capsys.readouterr()
    argv = ["--db", db, "invoice", "create", "--member", "FZ", "--customer", "HOTEL",
            "--line", "Caftan|1|1000|20", "--issue", "--date"]
    assert cli.main([*argv, "2026-03-09"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == ("ecp : --date : date 09/03/2026 : la série des factures suit "
                           "l'ordre des dates et F-2026-000001 est du 10/03/2026 ; dater au "
                           "10/03/2026 ou après")
    assert _counts(sales) == before
    assert cli.main([*argv, "10/03/2026"]) == 0
    assert "F-2026-000002" in capsys.readouterr().out
