"""Issue 17, item 1: an honest month-end. A month with drafts dated in it does not close (the
checklist lists them and says how to open each), months close in order (an earlier open month
with entries blocks, named, in the checklist and in ``ecp period close``), the checklist shows
the ended VAT periods not declared on their own line."""

from __future__ import annotations

import datetime as dt

import pytest

from ecp import api, cli
from ecp.kernel.errors import InputError
from ecp.kernel.periods import Month
from ecp.kernel.units import Quantity, Rate
from ecp.ledger.entry import LineSpec
from ecp.sales.documents import LineInput
from tests.conftest import sale

D = dt.date
AUG, SEP, OCT, NOV, DEC = (Month(2026, m) for m in (8, 9, 10, 11, 12))
TODAY = D(2026, 12, 7)


def caftan() -> LineInput:
    return LineInput("Caftan", Quantity(1000), 100_000, Rate(2000), "71211")


def test_a_draft_dated_in_the_month_blocks_the_close_and_is_listed(sales: api.Books) -> None:
    """The issue's case: a draft invoice dated 25/11/2026 waits; November does not close —
    the checklist stops at « brouillons » (nothing posted, no statement) naming the draft,
    the plain lock refuses too. Deleted, the month closes."""
    sales.clock = lambda: TODAY
    sale(sales, D(2026, 11, 3), 50_000)
    draft = api.create_document(sales, "facture", "FZ", "HOTEL", D(2026, 11, 25), [caftan()])
    assert [d.id for d in api.month_drafts(sales, NOV)] == [draft]
    assert api.month_drafts(sales, OCT) == []
    before = api.chain_head(sales)

    steps = api.month_close(sales, NOV)
    assert [(s.name, s.ok) for s in steps] == [("mois précédents", True), ("brouillons", False)]
    detail = steps[-1].detail
    assert detail.startswith(f"1 brouillon(s) daté(s) dans le mois : n° {draft} (facture, "
                             "membre FZ, client HOTEL, 25/11/2026)")
    assert "ecp invoice edit-draft N" in detail and "delete-draft" in detail
    assert api.chain_head(sales) == before  # no contribution posted
    assert not api.month_is_closed(sales, NOV)

    with pytest.raises(InputError) as exc:
        api.close_period(sales, NOV)
    assert exc.value.code == "month.drafts" and f"n° {draft} (facture" in str(exc.value)
    assert not api.month_is_closed(sales, NOV)

    api.delete_draft(sales, draft)
    api.close_period(sales, NOV)
    assert api.month_is_closed(sales, NOV)


def test_months_close_in_order(sales: api.Books, capsys: pytest.CaptureFixture[str]) -> None:
    """Entries in August, October and November (September has none). November cannot close
    while October is open (api, checklist, CLI exit 2), nor October while August is: each
    refusal names the earliest open month. September, empty, does not block."""
    sales.clock = lambda: TODAY
    for day in (D(2026, 8, 10), D(2026, 10, 5), D(2026, 11, 3)):
        sale(sales, day, 10_000)

    with pytest.raises(InputError) as exc:
        api.close_period(sales, NOV)
    assert exc.value.code == "month.order"
    assert str(exc.value).startswith("mois 2026-11 : le mois 2026-08 n'est pas clôturé "
                                     "(2 mois antérieur(s) ouvert(s) avec des écritures)")
    steps = api.month_close(sales, NOV)
    assert [(s.name, s.ok) for s in steps] == [("mois précédents", False)]
    assert "le premier : 2026-08" in steps[0].detail
    assert cli.main(["--db", str(sales.path), "period", "close", "2026-10"]) == 2
    assert "le mois 2026-08 n'est pas clôturé" in capsys.readouterr().err
    assert not api.month_is_closed(sales, OCT)

    api.close_period(sales, AUG)
    with pytest.raises(InputError, match="le mois 2026-10 n'est pas clôturé"):
        api.close_period(sales, NOV)
    assert cli.main(["--db", str(sales.path), "period", "close", "2026-10"]) == 0
    api.close_period(sales, NOV)
    assert not api.month_is_closed(sales, SEP)  # empty: never in the way
    assert api.open_months(sales) == [DEC]


def test_open_months_for_the_header(sales: api.Books) -> None:
    """Entries in October, November and December, nothing closed: three open months, October
    first. October closed: November first, two open. With no entry, the current month."""
    assert api.open_months(sales, TODAY) == [DEC]
    for day in (D(2026, 10, 5), D(2026, 11, 3), D(2026, 12, 1)):
        sale(sales, day, 10_000)
    assert api.open_months(sales, TODAY) == [OCT, NOV, DEC]
    api.close_period(sales, OCT)
    assert api.open_months(sales, TODAY) == [NOV, DEC]


def test_vat_periods_not_declared_have_their_own_line(sales: api.Books) -> None:
    """VAT collected on 10/03/2026 (monthly filing); today 20/05/2026: March and April have
    ended (their ends 31/03 and 30/04 are before today), neither declared, so the line lists
    2026-03, 2026-04 — and does not stop the close (March closes)."""
    sales.clock = lambda: D(2026, 5, 20)
    api.post_entry(sales, "OD", D(2026, 3, 10), "Vente au comptoir", [
        LineSpec("5161", "FZ", 120_000), LineSpec("7111", "FZ", -100_000),
        LineSpec("4455", "FZ", -20_000)])
    steps = api.month_close(sales, Month(2026, 3))
    names = [s.name for s in steps]
    assert names == ["mois précédents", "brouillons", "contributions", "TVA",
                     "déclarations TVA", "vérification", "relevés", "clôture"]
    assert all(s.ok for s in steps)
    vat = steps[4]
    assert vat.detail == ("2 période(s) terminée(s) non déclarée(s) : 2026-03, 2026-04 "
                          "(ecp vat declare ; n'empêche pas la clôture)")
