"""VAT settings that follow the law (issue 13, « Settings that follow the law »): the regime
takes effect on 1 January of a fiscal year, the filing frequency warns against last year's
turnover (CGI art. 108)."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from ecp import api
from ecp.kernel.errors import InputError
from ecp.kernel.money import parse as parse_amount
from ecp.kernel.periods import Period
from ecp.kernel.units import parse_quantity, parse_rate
from ecp.sales.documents import LineInput
from ecp.tui.screens.settings import store

D = dt.date


def L(desc: str, qty: str, price: str, rate: str) -> LineInput:
    return LineInput(desc, parse_quantity(qty, "quantité"), parse_amount(price),
                     parse_rate(rate, "taux"), "71211")


def issue(books: api.Books, day: D, price: str) -> tuple[str, str]:
    """(number, entry ref) of an invoice of one line at ``price`` HT, 20 %, to HOTEL."""
    draft = api.create_document(books, "facture", "FZ", "HOTEL", day,
                                lines=[L("Caftan", "1", price, "20")])
    done = api.issue_document(books, draft)
    return done.number, done.entry or ""


def lines(books: api.Books, ref: str) -> list[tuple[str, int]]:
    con = sqlite3.connect(str(books.path))
    try:
        return con.execute(
            "SELECT l.account, l.amount FROM lines l JOIN entries e ON e.id = l.entry_id "
            "WHERE e.journal || '-' || e.fiscal_year || '-' || printf('%06d', e.number) = ? "
            "ORDER BY l.line_no", (ref,)).fetchall()
    finally:
        con.close()


def test_regime_changed_mid_year_applies_from_next_first_of_january(sales: api.Books) -> None:
    """Worked example. 2026 under encaissement: invoice of 100,00 HT at 20 % (20,00 VAT,
    120,00 TTC) on 2 March credits 44551 by 20,00. On 1 June (entries exist in 2026) the
    regime is set to débits: it is recorded as vat.regime.2027. An invoice of 2 June still
    credits 44551 (-20,00); one of 5 January 2027 credits 4455 at once (-20,00). Paying the
    June invoice in 2027 (120,00) moves its 20,00 from 44551 to 4455 (nothing stranded);
    paying the 2027 invoice moves no VAT (2 lines: 5141 +120,00, 3421 -120,00)."""
    sales.clock = lambda: D(2026, 3, 1)
    _n1, e1 = issue(sales, D(2026, 3, 2), "100")
    assert ("44551", -2000) in lines(sales, e1)
    sales.clock = lambda: D(2026, 6, 1)
    res = api.settings_apply(sales, "vat.regime", "debits")
    assert (res.key, res.value, res.warnings) == ("vat.regime.2027", "debits", ())
    assert api.settings_show(sales).get("vat.regime") is None
    n2, e2 = issue(sales, D(2026, 6, 2), "100")
    assert ("44551", -2000) in lines(sales, e2) and ("4455", -2000) not in lines(sales, e2)
    sales.clock = lambda: D(2027, 1, 5)  # a document is dated at most 30 days ahead
    n3, e3 = issue(sales, D(2027, 1, 5), "100")
    assert ("4455", -2000) in lines(sales, e3) and ("44551", -2000) not in lines(sales, e3)
    p2 = api.add_payment(sales, [n2], 12000, D(2027, 1, 10), "virement")
    assert p2.allocations == ((n2, 12000, 2000),)
    assert ("44551", 2000) in lines(sales, p2.entry) and ("4455", -2000) in lines(sales, p2.entry)
    p3 = api.add_payment(sales, [n3], 12000, D(2027, 1, 11), "virement")
    assert p3.allocations == ((n3, 12000, 0),) and len(lines(sales, p3.entry)) == 2
    assert api.vat_report(sales, Period.parse("2026-06")).regime == "encaissement"
    assert api.vat_report(sales, Period.parse("2027-01")).regime == "debits"


def test_regime_refused_for_a_year_with_entries_and_nothing_written(sales: api.Books) -> None:
    """Once 2026 has an entry, vat.regime.2026 is refused (field value); when 2027 has one too,
    the plain key has no year left to take and is refused as well."""
    sales.clock = lambda: D(2026, 6, 1)
    issue(sales, D(2026, 3, 2), "100")
    with pytest.raises(InputError, match=r"vat\.regime\.2026 : des écritures sont déjà passées "
                       r"en 2026.*vat\.regime\.2027") as exc:
        api.settings_apply(sales, "vat.regime.2026", "debits")
    assert exc.value.field == "value"
    assert not any(k.startswith("vat.regime") for k in api.settings_show(sales))
    sales.clock = lambda: D(2026, 12, 10)  # 5 January 2027 is 26 days ahead (30 at most)
    issue(sales, D(2027, 1, 5), "100")
    with pytest.raises(InputError) as exc2:
        api.settings_apply(sales, "vat.regime", "debits")
    assert exc2.value.field == "value"
    assert not any(k.startswith("vat.regime") for k in api.settings_show(sales))
    with pytest.raises(InputError) as exc3:
        api.settings_apply(sales, "vat.regime.2028", "autre")
    assert exc3.value.field == "value"


def test_books_without_entries_set_the_regime_of_every_year(sales: api.Books) -> None:
    """No entry yet: the plain key is stored as before and applies to every year."""
    sales.clock = lambda: D(2026, 6, 1)
    assert api.settings_apply(sales, "vat.regime", "debits").key == "vat.regime"
    _n, e = issue(sales, D(2026, 3, 2), "100")
    assert ("4455", -2000) in lines(sales, e)


def test_quarterly_filing_warns_from_one_million_of_last_year_turnover(
        sales: api.Books) -> None:
    """2026 taxable turnover: 999 999,00 HT → no warning for a 2027 quarterly filing; one
    more invoice of 1,00 HT (1 000 000,00) → the warning (CGI art. 108), returned by the
    façade, by settings_warnings and told by the TUI dialog; monthly never warns."""
    sales.clock = lambda: D(2026, 12, 1)
    issue(sales, D(2026, 3, 2), "999999")
    sales.clock = lambda: D(2027, 1, 10)
    assert api.settings_apply(sales, "vat.filing", "trimestriel").warnings == ()
    issue(sales, D(2026, 12, 30), "1")
    res = api.settings_apply(sales, "vat.filing", "trimestriel")
    want = ("attention : chiffre d'affaires taxable 2026 de 1 000 000,00 DH ≥ 1 000 000,00 DH, "
            "la déclaration de TVA 2027 doit être mensuelle (CGI art. 108)")
    assert res.warnings == (want,) and res.value == "trimestriel"
    assert api.settings_warnings(sales) == (want,)
    assert store(sales, "vat.filing", "trimestriel") == f"vat.filing = trimestriel\n{want}"
    assert api.settings_apply(sales, "vat.filing", "mensuel").warnings == ()
