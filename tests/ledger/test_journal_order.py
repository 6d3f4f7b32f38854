"""Issue 17, surprise 2: each journal is kept day by day (its numbers follow its dates within a
fiscal year), what comes late is recorded in RG (régularisations) in the order it is recorded,
and headings (classes, rubriques, postes) take no posting."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from ecp import api
from ecp.db.engine import unit_of_work
from ecp.kernel.errors import InputError, ValidationError
from ecp.kernel.periods import Month
from ecp.ledger.entry import JournalEntry, LineSpec
from ecp.ledger.posting import post
from tests.e2e.run import ecp

D = dt.date
SALE = [LineSpec("5141", "FZ", 10_000), LineSpec("7111", "FZ", -10_000)]


def _post(books: api.Books, journal: str, day: dt.date, label: str = "Vente") -> str:
    return api.post_entry(books, journal, day, label, SALE).ref


def test_a_typed_entry_before_its_journals_last_is_refused_naming_it(books: api.Books) -> None:
    """VT holds 05/12/2026 (VT-2026-000001); a VT entry of 10/08/2026 is refused on its date,
    naming the journal's last date and RG; the same day is accepted (≥), another journal
    (OD) has its own order, RG takes the late entry."""
    assert _post(books, "VT", D(2026, 12, 5)) == "VT-2026-000001"
    with pytest.raises(InputError) as e:
        _post(books, "VT", D(2026, 8, 10))
    assert (e.value.field, e.value.code) == ("date", "date.order")
    assert str(e.value) == (
        "date 10/08/2026 : le journal VT est tenu jour par jour et sa dernière écriture de "
        "2026 est du 05/12/2026 ; dater au 05/12/2026 ou après, ou passer l'écriture au "
        "journal RG (régularisations)")
    assert _post(books, "VT", D(2026, 12, 5)) == "VT-2026-000002"
    assert _post(books, "OD", D(2026, 8, 10)) == "OD-2026-000001"
    assert _post(books, "RG", D(2026, 8, 10)) == "RG-2026-000001"
    assert _post(books, "RG", D(2026, 3, 1)) == "RG-2026-000002"  # RG: the order of recording
    # a new fiscal year starts its own order
    assert _post(books, "VT", D(2027, 1, 2)) == "VT-2027-000001"
    assert api.verify(books, record=False).ok


def test_after_a_reopen_the_forgotten_entry_is_numbered_in_order(books: api.Books) -> None:
    """The issue's case: August reopened after December was entered; the entry dated
    10/08/2026 is not numbered after the one of 05/12/2026 in VT: it goes to RG (flows) or is
    refused (typed); VT's numbers still follow its dates."""
    _post(books, "VT", D(2026, 8, 1))
    api.close_period(books, Month(2026, 8))
    _post(books, "VT", D(2026, 12, 5))
    api.reopen_period(books, Month(2026, 8), "Facture oubliée")
    with unit_of_work(books.engine) as s:  # a flow (an invoice, a payment…) posting late
        late = post(s.connection(), JournalEntry("VT", D(2026, 8, 10), "Facture oubliée",
                                                 tuple(SALE)), "amina")
    assert late.ref == "RG-2026-000001"
    assert books.path is not None
    with sqlite3.connect(books.path) as c:
        vt = c.execute("SELECT number, day FROM entries WHERE journal = 'VT' "
                       "ORDER BY number").fetchall()
    assert vt == [(1, 20260801), (2, 20261205)]
    assert api.verify(books, record=False).ok


def test_a_reversal_that_would_go_back_in_time_goes_to_rg(books: api.Books) -> None:
    """OD-2026-000001 of 01/03 reversed on 15/03 while OD already holds 31/03: the
    contre-passation is RG-2026-000001 (its reference names the original), balances back."""
    first = _post(books, "OD", D(2026, 3, 1))
    _post(books, "OD", D(2026, 3, 31))
    rev = api.reverse_entry(books, first, D(2026, 3, 15))
    assert rev.ref == "RG-2026-000001"
    tb = api.trial_balance(books)
    assert {r.account: r.closing_debit - r.closing_credit for r in tb.rows} == {
        "5141": 10_000, "7111": -10_000}


@pytest.mark.parametrize("account", ["1", "5", "7"])
def test_headings_take_no_posting(books: api.Books, account: str) -> None:
    """A class (the chart holds 1 to 8 as headings) is refused on the line, with the field and
    the code (rubriques and postes, under 4 digits, would be too: none can be opened, ``ecp
    account add`` needs a parent of 2 digits at least)."""
    with pytest.raises(ValidationError) as e:
        api.post_entry(books, "OD", D(2026, 3, 1), "Vente",
                       [LineSpec("5141", "FZ", 100), LineSpec(account, "FZ", -100)])
    err = e.value.errors[0]
    assert (err.field, err.line, err.code) == ("lines.account", 2, "lines.account.heading")
    assert f"ligne 2 : compte « {account} » : c'est un compte de regroupement" in str(e.value)


def test_cli_names_the_journal_and_its_last_date(db_path: Path) -> None:
    """``ecp entry post`` of a late VT entry: exit 2, the French message on stderr."""
    line = ["--line", "5141:FZ:100", "--line", "7111:FZ:-100"]
    first = ecp(db_path, "entry", "post", "--journal", "VT", "--date", "2026-12-05",
                "--label", "Vente", *line)
    assert first.returncode == 0, first.stderr
    late = ecp(db_path, "entry", "post", "--journal", "VT", "--date", "2026-11-30",
               "--label", "Vente", *line)
    assert late.returncode == 2
    assert "le journal VT est tenu jour par jour" in late.stderr
    assert "du 05/12/2026" in late.stderr and "journal RG" in late.stderr
