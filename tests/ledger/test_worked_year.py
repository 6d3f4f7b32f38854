"""The worked year of tests/ledger/worked_year.py (its docstring holds the hand computation),
closed through ``api.close_year``: depreciation, inventory, closing entries per dimension, the
2027 à-nouveaux, 1191/1199 against the CPC, Bilan actif = passif, N-1 of 2027 = N of 2026,
aged receivables across the year, the final lock, reopening, allocation and verify."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from sqlalchemy import select, text

from ecp import api
from ecp.db.engine import reading, unit_of_work
from ecp.db.models import Entry, Line
from ecp.kernel.errors import InputError, PeriodLockedError
from ecp.kernel.periods import Month
from ecp.kernel.units import Quantity, Rate
from ecp.ledger.entry import JournalEntry, LineSpec
from ecp.ledger.posting import Poster
from ecp.sales.documents import LineInput
from tests.ledger import worked_year as wy

D = dt.date


@pytest.fixture
def year(books: api.Books) -> api.Books:
    wy.build(books)
    return books


def _entries(books: api.Books, journal: str) -> dict[str, set[LineSpec]]:
    """Lines of ``journal``'s entries posted by the close, per dimension (one entry each)."""
    out: dict[str, set[LineSpec]] = defaultdict(set)
    with reading(books.engine) as s:
        rows = s.connection().execute(
            select(Entry.label, Line.account, Line.dimension, Line.amount, Line.third_party,
                   Line.due_day).join(Line, Line.entry_id == Entry.id)
            .where(Entry.journal == journal, Entry.reference == "CLOTURE-2026")).all()
    for label, account, dim, amount, third, due in rows:
        key = f"{dim}:bilan" if "bilan" in label else dim
        out[key].add(LineSpec(account, dim, amount, third,
                              D(due // 10000, due // 100 % 100, due % 100) if due else None))
    return dict(out)


def _balances(books: api.Books) -> dict[tuple[str, str, str | None, int | None], int]:
    with reading(books.engine) as s:
        rows = s.connection().execute(text(
            "SELECT dimension, account, third_party, due_day, SUM(amount) FROM lines "
            "GROUP BY dimension, account, third_party, due_day")).all()
    return {(d, a, t, due): int(v) for d, a, t, due, v in rows if int(v) != 0}


def test_year_end_steps_posted_to_the_centime(year: api.Books) -> None:
    """Depreciation 1 209,86 on the ECP; FZ's stock 150,00 (see the module's computation)."""
    with reading(year.engine) as s:
        rows = s.connection().execute(text(
            "SELECT e.reference, l.account, l.dimension, l.amount FROM lines l JOIN entries e "
            "ON e.id = l.entry_id WHERE e.reference IN ('AMORT-2026-ECP', 'INV-2026') "
            "ORDER BY e.id, l.line_no")).all()
    assert [tuple(r) for r in rows] == [
        ("AMORT-2026-ECP", "61933", "ECP", 120_986), ("AMORT-2026-ECP", "28332", "ECP", -120_986),
        ("INV-2026", "3121", "FZ", 15_000), ("INV-2026", "61241", "FZ", -15_000)]


def test_checklist_then_close(year: api.Books) -> None:
    steps = api.year_checklist(year, 2026)
    assert [s.name for s in steps] == ["exercice précédent", "mois", "TVA", "amortissements",
                                       "inventaire", "brouillons", "vérification"]
    assert all(s.ok for s in steps), steps
    steps, out = api.close_year(year, 2026)
    assert out is not None and out.status == "provisional"
    assert out.result == {"ECP": -110_986, "FZ": 85_000}
    cl = _entries(year, "CL")
    assert cl["ECP"] == wy.CLOSING_RESULT["ECP"]
    assert cl["FZ"] == wy.CLOSING_RESULT["FZ"]
    an = _entries(year, "AN")
    assert an == wy.OPENING_2027
    # the balance-sheet closing is the à-nouveaux negated (1191/1199 in place of 1181/1189)
    back = {"1181": "1191", "1189": "1199"}
    for dim in ("ECP", "FZ"):
        assert cl[f"{dim}:bilan"] == {
            LineSpec(back.get(x.account, x.account), dim, -x.amount, x.third_party, x.due_date)
            for x in wy.OPENING_2027[dim]}
    assert [y.status for y in api.list_years(year) if y.year == 2026] == ["provisional"]
    assert api.verify(year, record=False).ok


def test_statements_2026_and_2027(year: api.Books) -> None:
    """1191 - 1199 over the dimensions = the CPC result; actif = passif; 2027's N-1 = 2026's N
    (read before and after the close: the close changes none of 2026's figures)."""
    n_before, _ = api.statutory_figures(year, 2026)
    api.close_year(year, 2026)
    n, _n1 = api.statutory_figures(year, 2026)
    assert n == n_before
    assert n.result == wy.ENTITY_RESULT
    assert n.actif["corporelles"] == (1_200_000, 120_986)
    assert n.actif["stocks"] == (15_000, 0)
    assert n.actif["creances"] == (50_000, 0)
    assert n.actif["tresorerie_actif"] == (870_000, 0)
    net = sum(b - a for b, a in n.actif.values())
    assert net == 2_014_014 == sum(n.passif.values())
    with reading(year.engine) as s:
        closed = s.connection().execute(text(
            "SELECT SUM(l.amount) FROM lines l JOIN entries e ON e.id = l.entry_id "
            "WHERE e.journal = 'CL' AND l.account IN ('1191', '1199') AND e.label LIKE "
            "'%résultat%'")).scalar()
    assert -int(closed or 0) == wy.ENTITY_RESULT  # the result lines: profit credit, loss debit
    n27, n27_1 = api.statutory_figures(year, 2027)
    assert n27_1.actif == n.actif and n27_1.passif == n.passif and n27_1.cpc == n.cpc
    assert n27.result == 0  # nothing in 2027's classes 6 and 7: the AN carry none


def test_2027_opens_on_the_a_nouveaux(year: api.Books) -> None:
    """2027's trial balance: classes 6 and 7 absent, every opening = the AN; aged receivables
    still list F-2026-000002; a 2027 payment settles it."""
    api.close_year(year, 2026)
    tb = api.trial_balance(year, D(2027, 1, 1), D(2027, 12, 31))
    opening = {r.account: r.opening_debit - r.opening_credit for r in tb.rows}
    assert all(not a.startswith(("6", "7")) for a in opening)
    want: dict[str, int] = defaultdict(int)
    for lines in wy.OPENING_2027.values():
        for x in lines:
            want[x.account] += x.amount
    assert opening == {a: v for a, v in want.items() if v}
    assert all(r.debit == r.credit == 0 for r in tb.rows)
    # per dimension too
    fz = api.trial_balance(year, D(2027, 1, 1), D(2027, 12, 31), "FZ")
    assert {r.account: r.opening_debit - r.opening_credit for r in fz.rows} == \
        {x.account: x.amount for x in wy.OPENING_2027["FZ"]}
    aged = api.aged_receivables(year, D(2027, 1, 15))
    # F-2026-000002 (20/11/2026, due 20/12/2026): 56 days old, 26 days overdue
    assert [(r.member, r.customer, r.invoices, r.days_31_60, r.total, r.overdue)
            for r in aged if r.customer] == [("FZ", "HOTEL", 1, 50_000, 50_000, 50_000)]
    api.add_payment(year, ["F-2026-000002"], 50_000, D(2027, 1, 20), "virement")
    assert [r for r in api.aged_receivables(year, D(2027, 1, 31)) if r.customer] == []
    assert api.verify(year, record=False).ok


def test_final_close_locks_the_year(year: api.Books) -> None:
    api.close_year(year, 2026)
    _steps, out = api.close_year(year, 2026, final=True)
    assert out is not None and out.status == "final"
    with pytest.raises(PeriodLockedError, match="clôturé"):
        api.post_entry(year, "OD", D(2026, 12, 31), "Oubli",
                       [LineSpec("6111", "FZ", 100), LineSpec("5141", "FZ", -100)])
    with pytest.raises(InputError, match="définitivement"):
        api.reopen_period(year, Month(2026, 12), "correction")
    with pytest.raises(InputError, match="définitivement"):
        api.reopen_year(year, 2026, "correction")
    assert api.verify(year, record=False).ok


def test_provisional_close_refuses_postings_until_reopened(year: api.Books) -> None:
    """Reopening reverses every CL and AN entry: every balance per open item is back, the
    year takes postings again (its months reopened), and it closes again to the same AN."""
    before = _balances(year)
    api.close_year(year, 2026)
    with pytest.raises(InputError, match="ecp year reopen"):
        api.reopen_period(year, Month(2026, 12), "correction")
    out = api.reopen_year(year, 2026, "stock recompté")
    assert len(out.entries) == 6  # 2 result + 2 balance-sheet + 2 AN entries, reversed
    assert _balances(year) == before
    api.reopen_period(year, Month(2026, 12), "stock recompté")
    api.post_entry(year, "RG", D(2026, 12, 30), "Frais oubliés",  # OD holds 31/12
                   [LineSpec("61365", "FZ", 1_000), LineSpec("5141", "FZ", -1_000)])
    api.close_period(year, Month(2026, 12))
    _steps, again = api.close_year(year, 2026)
    assert again is not None and again.result == {"ECP": -110_986, "FZ": 84_000}
    assert api.verify(year, record=False).ok
    assert [e.action for e in api.year_events(year, 2026)] == ["close", "reopen", "close"]


def test_allocation(year: api.Books) -> None:
    """Entity result -25 986 (a loss): nothing to the reserve, no dividends; retained -25 986:
    FZ's 1181 (-85 000) → its 1161; the ECP's 1189 (+110 986) → its 1169."""
    api.close_year(year, 2026)
    with pytest.raises(InputError, match="résultat en instance"):
        api.allocate_result(year, 2026, 0, -20_000)
    with pytest.raises(InputError, match="perte"):
        api.allocate_result(year, 2026, 1_000, -26_986)
    r = api.allocate_result(year, 2026, 0, -25_986, day=D(2027, 5, 30))
    assert r.result == -25_986 and r.reserve_minimum == 0
    tb = api.trial_balance(year, D(2027, 1, 1), D(2027, 12, 31))
    closing = {x.account: x.closing_debit - x.closing_credit for x in tb.rows}
    assert closing.get("1181", 0) == closing.get("1189", 0) == 0
    assert closing["1161"] == -85_000 and closing["1169"] == 110_986
    with pytest.raises(InputError, match="déjà affecté"):
        api.allocate_result(year, 2026, 0, -25_986)
    with pytest.raises(InputError, match="affecté"):
        api.reopen_year(year, 2026, "correction")


def test_legal_reserve_rule() -> None:
    """5 % of the profit, half-up, until the reserve reaches 10 % of the capital:
    profit 10 000,00 → 500,00; capital 20 000,00 (ceiling 2 000,00) with 1 800,00 already →
    200,00; reserve full → 0; a loss → 0."""
    from ecp.ledger.year_ops import legal_reserve_minimum
    assert legal_reserve_minimum(1_000_000, 0, 10_000_000) == 50_000
    assert legal_reserve_minimum(1_000_000, 180_000, 2_000_000) == 20_000
    assert legal_reserve_minimum(1_000_000, 200_000, 2_000_000) == 0
    assert legal_reserve_minimum(-5_000, 0, 2_000_000) == 0
    assert legal_reserve_minimum(1_010, 0, 10_000_000) == 51  # 50,5 → 51 (half-up)


def test_checklist_stops_at_the_first_failure(books: api.Books) -> None:
    """Open months, then a draft dated in the year; the close posts nothing while it fails."""
    wy.prepare(books)
    api.post_entry(books, "BQ", D(2026, 1, 5), "Apport",
                   [LineSpec("5141", "ECP", 100_000), LineSpec("1111", "ECP", -100_000)])
    steps, out = api.close_year(books, 2026)
    assert out is None and steps[-1].name == "mois" and "2026-01" in steps[-1].detail
    for m in range(1, 13):
        api.close_period(books, Month(2026, m))
    api.create_document(books, "facture", "FZ", "HOTEL", D(2026, 6, 1),
                        [LineInput("Robe", Quantity(1000), 10_000, Rate(0), "7111")])
    steps, out = api.close_year(books, 2026)
    assert out is None and steps[-1].name == "brouillons"
    assert [y.status for y in api.list_years(books) if y.year == 2026] == ["open"]


def test_verify_checks_the_close(year: api.Books) -> None:
    """An entry slipped into the closed year (past the locks, as a tampered program would)
    leaves an account off zero after the close: verify says so."""
    api.close_year(year, 2026)
    with unit_of_work(year.engine) as s:
        p = Poster(s.connection(), "intrus")
        p.locked = set()
        p.closed_years = []
        p.add(JournalEntry("OD", D(2026, 12, 31), "Ajout tardif",
                           (LineSpec("6111", "FZ", 500), LineSpec("5141", "FZ", -500))),
              checked=True)
        p.flush()
    findings = api.verify(year, record=False).findings
    assert any("après clôture" in f and "6111" in f for f in findings), findings
    assert any("passée alors que le mois 2026-12" in f for f in findings), findings


def test_cl_journal_is_reserved(books: api.Books) -> None:
    with pytest.raises(Exception, match="réservé"):
        api.post_entry(books, "CL", D(2026, 3, 1), "Essai",
                       [LineSpec("5141", "ECP", 100), LineSpec("1111", "ECP", -100)])


def test_previews(year: api.Books) -> None:
    """What the TUI shows before it writes: MAC1's 2026 charge 1 209,86 already posted (nothing
    left to post); after the close, the result awaiting allocation -259,86 (a loss: no legal
    reserve), capital 20 000,00, no reserve yet."""
    [d] = api.depreciation_preview(year, 2026)
    assert (d.asset, d.charge, d.amort, d.due, d.posted, d.to_post) == \
        ("MAC1", "61933", "28332", 120_986, 120_986, 0)
    assert api.allocation_preview(year, 2026).result == 0  # not closed yet
    api.close_year(year, 2026)
    p = api.allocation_preview(year, 2026)
    assert (p.result, p.capital, p.reserve, p.reserve_minimum) == (-25_986, 2_000_000, 0, 0)


def test_statements_per_dimension(year: api.Books) -> None:
    """Each dimension's own books, internal flows kept: FZ's result 850,00 (its contribution a
    charge), the ECP's -1 109,86 (the contribution a product); together the entity's -259,86.
    FZ's bilan: stocks 150,00, créances 500,00, trésorerie 700,00 = 1 350,00 net; passif:
    result 850,00, dettes 400,00 (TISSUS) + 100,00 (44881, owed to the ECP) = 1 350,00."""
    fz, _ = api.statutory_figures(year, 2026, "FZ")
    ecp, _ = api.statutory_figures(year, 2026, "ECP")
    assert (fz.result, ecp.result) == (85_000, -110_986)
    assert fz.result + ecp.result == wy.ENTITY_RESULT
    assert (fz.actif["stocks"], fz.actif["creances"], fz.actif["tresorerie_actif"]) == \
        ((15_000, 0), (50_000, 0), (70_000, 0))
    assert fz.passif["dettes_circulant"] == 50_000
    assert sum(b - a for b, a in fz.actif.values()) == sum(fz.passif.values()) == 135_000
    api.close_year(year, 2026)
    assert api.statutory_figures(year, 2026, "FZ")[0] == fz
    with pytest.raises(InputError) as e:
        api.statutory_figures(year, 2026, "ZZ")
    assert e.value.field == "dimension"
