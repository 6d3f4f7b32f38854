"""Internal flows stay internal (issue 14): the shared-services contribution posts to the
internal accounts 61468 (the member's charge) / 71248 (the ECP's income) through the liaison
44881; the legal entity's trial balance sets them apart, so its turnover and charges leave
them out, while each member's and the ECP's own books count them like any other account. What
a member owes the ECP is shown in two parts: the contribution, the rest (the start-up fund).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import insert, select

from ecp import api, cli
from ecp.db.models import Contribution, Entry, Line
from ecp.kernel.money import parse as parse_amount
from ecp.kernel.periods import Month
from ecp.kernel.units import parse_quantity, parse_rate
from ecp.ledger.entry import LineSpec, parse_entry_ref
from ecp.ledger.queries import TrialBalance
from ecp.reports.render import render_table
from ecp.reports.statement_pdf import render_statement
from ecp.reports.tables import Term, trial_balance_table
from ecp.sales.documents import LineInput

D = dt.date
Lines = list[tuple[str, str, int]]


def entry_lines(books: api.Books, ref: str) -> Lines:
    journal, year, number = parse_entry_ref(ref)
    with books.engine.connect() as conn:
        return [(r.account, r.dimension, r.amount) for r in conn.execute(
            select(Line.account, Line.dimension, Line.amount).join(Entry, Entry.id == Line.entry_id)
            .where(Entry.journal == journal, Entry.fiscal_year == year, Entry.number == number)
            .order_by(Line.line_no))]


def invoice_paid(books: api.Books, ht: str, day: D, account: str = "71211") -> str:
    """An invoice of FZ to HOTEL at 20 %, paid in full by transfer the same day (HT × 1,2:
    the amounts used here are whole dirhams multiple of 5, so the TTC is exact)."""
    cents = parse_amount(ht)
    doc = api.create_and_issue(books, "facture", "FZ", "HOTEL", day, lines=[LineInput(
        "Caftans", parse_quantity("1", "quantité"), cents, parse_rate("20", "taux"), account)])
    api.add_payment(books, [doc.number], cents * 6 // 5, day, "virement")
    return doc.number


def turnover(tb: TrialBalance) -> int:
    """The entity's turnover: class 7 accounts not internal, credit less debit movements."""
    return sum(r.credit - r.debit for r in tb.rows if r.account.startswith("7") and not r.internal)


def charges(tb: TrialBalance) -> int:
    return sum(r.debit - r.credit for r in tb.rows if r.account.startswith("6") and not r.internal)


def test_a_contribution_of_605_posts_on_the_internal_accounts(sales: api.Books) -> None:
    """FZ cashes 6 050,00 HT (7 260,00 TTC) in March 2026; the contribution at 10 % is
    6 050,00 × 1 000 / 10 000 = 605,00, OD on 31/03/2026:
    61468 FZ D 605,00 / 44881 FZ C 605,00, 44881 ECP D 605,00 / 71248 ECP C 605,00."""
    invoice_paid(sales, "6050", D(2026, 3, 10))
    fz = next(c for c in api.contribution_run(sales, Month(2026, 3)) if c.member == "FZ")
    assert (fz.base, fz.rate_bp, fz.due, fz.posted_now) == (605000, 1000, 60500, 60500)
    assert fz.entry is not None
    assert entry_lines(sales, fz.entry) == [
        ("61468", "FZ", 60500), ("44881", "FZ", -60500),
        ("44881", "ECP", 60500), ("71248", "ECP", -60500)]
    assert api.verify(sales).ok


def test_the_entity_leaves_the_contribution_out_a_member_counts_it(sales: api.Books) -> None:
    """March: sale 6 050,00 HT on 71211 FZ, contribution 605,00 (above).

    The entity (no dimension): turnover 6 050,00 (71248 is internal), no charge. Movements:
    34211 D 7 260,00 (invoice) / C 7 260,00 (payment); 71211 C 6 050,00; 44551 C 1 210,00
    (invoice) / D 1 210,00 (payment); 4455 C 1 210,00; 5141 D 7 260,00: outside the internal
    flows, debit = credit = 7 260,00 + 1 210,00 + 7 260,00 = 15 730,00. Internal: 44881 D
    605,00 / C 605,00, 61468 D 605,00, 71248 C 605,00: 1 210,00 each side, listed last. TOTAL
    15 730,00 + 1 210,00 = 16 940,00 each side.
    FZ's books: 61468 D 605,00, its result 6 050,00 − 605,00 = 5 445,00.
    The ECP's books: 44881 D 605,00 and 71248 C 605,00, its result + 605,00."""
    invoice_paid(sales, "6050", D(2026, 3, 10))
    api.contribution_run(sales, Month(2026, 3))
    tb = api.trial_balance(sales, D(2026, 3, 1), D(2026, 3, 31))
    rows = {r.account: r for r in tb.rows}
    assert turnover(tb) == 605000 and charges(tb) == 0
    assert [(a, rows[a].debit, rows[a].credit, rows[a].internal) for a in
            ("44881", "61468", "71248")] == [
        ("44881", 60500, 60500, True), ("61468", 60500, 0, True), ("71248", 0, 60500, True)]
    assert not rows["71211"].internal and rows["71211"].credit == 605000
    assert tb.total("debit") == tb.total("credit")
    assert tb.total("debit", internal=True) == tb.total("credit", internal=True) == 121000
    assert tb.total("debit", internal=False) == tb.total("credit", internal=False) == 1573000
    assert tb.total("debit") == tb.total("credit") == 1694000
    assert [(r.account, r.debit, r.credit) for r in tb.rows if not r.internal] == [
        ("34211", 726000, 726000), ("4455", 0, 121000), ("44551", 121000, 121000),
        ("5141", 726000, 0), ("71211", 0, 605000)]

    table = trial_balance_table(tb)
    keys = [r.key for r in table.rows]
    assert keys[-3:] == ["44881", "61468", "71248"] and len(keys) == len(tb.rows)
    liaison = table.rows[-3].cells[1]
    assert liaison == Term("Liaison interne ECP - membres (interne)",
                           "Liaison interne ECP - membres")
    assert [r.cells[0] for r in table.totals] == [
        "TOTAL", Term("dont hors flux internes", "externe"), Term("dont flux internes", "interne")]
    text = render_table(table, "table")
    assert "dont flux internes" in text and "Liaison interne ECP - membres (interne)" in text
    # The machines' rendering: every row, no readers' totals, the plain names.
    out = list(csv.reader(io.StringIO(render_table(table, "csv"))))
    assert [r[0] for r in out[1:]] == [r.account for r in tb.rows if not r.internal] + [
        "44881", "61468", "71248"]
    assert out[-3][:2] == ["44881", "Liaison interne ECP - membres"]

    fz = api.trial_balance(sales, D(2026, 3, 1), D(2026, 3, 31), dimension="FZ")
    fz_rows = {r.account: r for r in fz.rows}
    assert (fz_rows["61468"].debit, fz_rows["44881"].credit) == (60500, 60500)
    assert sum(r.credit - r.debit for r in fz.rows if r.account[0] in "67") == 605000 - 60500
    fz_table = trial_balance_table(fz)  # a member's books: no group, no subtotal, code order
    assert [r.key for r in fz_table.rows] == [r.account for r in fz.rows]
    assert [r.cells[0] for r in fz_table.totals] == ["TOTAL"]
    ecp = api.trial_balance(sales, D(2026, 3, 1), D(2026, 3, 31), dimension="ECP")
    assert {r.account: (r.debit, r.credit) for r in ecp.rows} == {
        "44881": (60500, 0), "71248": (0, 60500)}


def test_the_auditor_export_keeps_every_line(sales: api.Books, tmp_path: Path) -> None:
    """The trial balance's CSV for the auditor: one row per account, internal ones included,
    in code order; movements 16 940,00 debit = credit (the test above)."""
    invoice_paid(sales, "6050", D(2026, 3, 10))
    api.contribution_run(sales, Month(2026, 3))
    tb = api.trial_balance(sales, D(2026, 3, 1), D(2026, 3, 31))
    res = api.export(sales, "trial-balance", tmp_path / "balance.csv", D(2026, 3, 1),
                     D(2026, 3, 31), None, False)
    with open(res.path, encoding="utf-8", newline="") as f:
        got = [r[0] for r in list(csv.reader(f))[1:]]
    assert got == [r.account for r in tb.rows] and {"44881", "61468", "71248"} <= set(got)
    assert res.debit == res.credit == tb.total("debit") == 1694000


def _legacy_contribution(books: api.Books, amount: int, base: int) -> None:
    """FZ's March contribution as a run before issue 14 posted it: 61461 / 71243."""
    posted = api.post_entry(books, "OD", D(2026, 3, 31), "Contribution services partagés 03/2026",
                            [LineSpec("61461", "FZ", amount), LineSpec("44881", "FZ", -amount),
                             LineSpec("44881", "ECP", amount), LineSpec("71243", "ECP", -amount)])
    with books.engine.begin() as conn:
        entry_id = conn.scalar(select(Entry.id).where(Entry.journal == "OD").order_by(
            Entry.id.desc()).limit(1))
        assert entry_id is not None and posted.ref.startswith("OD-")
        conn.execute(insert(Contribution).values(
            member="FZ", month=202603, base=base, rate_bp=1000, amount=amount,
            entry_id=entry_id, at="2026-03-31T18:00:00", by="amina"))


def test_a_complement_of_a_month_run_on_the_old_accounts(sales: api.Books) -> None:
    """March first run before issue 14: 5 000,00 HT cashed → 500,00 on 61461 / 71243. A late
    payment of 1 050,00 HT (1 260,00 TTC) on 20/03: due 6 050,00 × 10 % = 605,00, the
    complement 605,00 − 500,00 = 105,00 on the new accounts: 61468 FZ D 105,00 / 44881 FZ C,
    44881 ECP D / 71248 ECP C 105,00. The old 500,00 stays in the entity's turnover (71243),
    the 105,00 does not; the treasury counts both as contribution owed: 605,00."""
    invoice_paid(sales, "5000", D(2026, 3, 10))
    _legacy_contribution(sales, 50000, 500000)
    invoice_paid(sales, "1050", D(2026, 3, 20))
    fz = next(c for c in api.contribution_run(sales, Month(2026, 3)) if c.member == "FZ")
    assert (fz.due, fz.posted_now) == (60500, 10500) and fz.entry is not None
    assert entry_lines(sales, fz.entry) == [
        ("61468", "FZ", 10500), ("44881", "FZ", -10500),
        ("44881", "ECP", 10500), ("71248", "ECP", -10500)]
    tb = api.trial_balance(sales, D(2026, 3, 1), D(2026, 3, 31))
    assert turnover(tb) == 500000 + 105000 + 50000  # sales 6 050,00 + the old 500,00
    t = api.member_treasury(sales, "FZ", D(2026, 3, 31))
    assert (t.contribution_owed, t.other_owed, t.owed) == (60500, 0, 60500)
    st_ = api.member_statement(sales, "FZ", Month(2026, 3))
    assert st_.contribution == 60500


def test_owed_to_the_ecp_in_two_parts(sales: api.Books, capsys: pytest.CaptureFixture[str]
                                      ) -> None:
    """FZ, March 2026:
    - 01/03 start-up fund, OD: 44881 ECP D 5 000,00 / 5141 ECP C, 5141 FZ D / 44881 FZ C
      5 000,00 → other owed 5 000,00;
    - the contribution of 605,00 (6 050,00 HT cashed on 10/03) → contribution owed 605,00;
    - 31/03 a transfer to the ECP of 400,00, BQ: 44881 FZ D / 5141 FZ C 400,00, 5141 ECP D /
      44881 ECP C 400,00: it settles the contribution first → 205,00 and 5 000,00;
    - 31/03 another of 1 000,00: contribution 0,00, the 795,00 left reduce the rest to
      4 205,00. Owed: 205,00 + 5 000,00 = 5 205,00, then 0,00 + 4 205,00 = 4 205,00 (the
      44881 FZ credit balance 5 000,00 + 605,00 − 400,00 − 1 000,00).
    Cash FZ 5 000,00 + 7 260,00 − 1 400,00 = 10 860,00; VAT due 1 210,00; available
    10 860,00 − 1 210,00 − 0,00 − 4 205,00 = 5 445,00."""
    E = "ECP"
    api.post_entry(sales, "OD", D(2026, 3, 1), "Fonds de démarrage avancé par l'ECP à FZ",
                   [LineSpec("44881", E, 500000), LineSpec("5141", E, -500000),
                    LineSpec("5141", "FZ", 500000), LineSpec("44881", "FZ", -500000)])
    invoice_paid(sales, "6050", D(2026, 3, 10))
    api.contribution_run(sales, Month(2026, 3))
    t = api.member_treasury(sales, "FZ", D(2026, 3, 31))
    assert (t.contribution_owed, t.other_owed, t.owed) == (60500, 500000, 560500)

    def transfer(amount: int) -> None:
        api.post_entry(sales, "BQ", D(2026, 3, 31), "Virement à l'ECP",
                       [LineSpec("44881", "FZ", amount), LineSpec("5141", "FZ", -amount),
                        LineSpec("5141", E, amount), LineSpec("44881", E, -amount)])

    transfer(40000)
    t = api.member_treasury(sales, "FZ", D(2026, 3, 31))
    assert (t.contribution_owed, t.other_owed) == (20500, 500000)
    transfer(100000)
    t = api.member_treasury(sales, "FZ", D(2026, 3, 31))
    assert (t.cash, t.vat_due, t.contribution_owed, t.other_owed, t.reserve, t.available) == (
        1086000, 121000, 0, 420500, 0, 544500)
    # Before the transfers (at 30/03) the start-up fund and the contribution stand whole.
    before = api.member_treasury(sales, "FZ", D(2026, 3, 30))
    assert (before.contribution_owed, before.other_owed) == (0, 500000)  # run dated 31/03

    # ecp member show: the two parts on their own lines.
    assert sales.path is not None
    assert cli.main(["--db", str(sales.path), "member", "show", "FZ", "--month", "2026-03",
                     "--format", "csv"]) == 0
    got = dict(r for r in csv.reader(io.StringIO(capsys.readouterr().out)))
    assert (got["contribution_due"], got["autres_dus_a_l_ecp"], got["disponible"]) == (
        "0.00", "4205.00", "5445.00")
    # The statement PDF's treasury box.
    view = api.member_statement(sales, "FZ", Month(2026, 3))
    pdf = io.BytesIO(render_statement(view, invariant=True))
    text = " ".join((p.extract_text() or "") for p in PdfReader(pdf).pages)
    text = " ".join(text.split())
    assert "− Contribution restant due 0,00 DH" in text
    assert "− Autres sommes dues à l'ECP 4 205,00 DH" in text


# --- property: the dimensions add up to the ledger -------------------------------------------

MEMBERS = ("FZ", "KH", "YS")


@pytest.fixture(scope="module")
def generated(template_db: Path, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[api.Books]:
    """A year of books (2026) generated from a fixed seed: each month each member sells, buys,
    is paid, pays its contribution on the internal accounts; the ECP pays rent; start-up funds
    and transfers move money through 44881."""
    path = tmp_path_factory.mktemp("internal") / "ecp.sqlite3"
    shutil.copyfile(template_db, path)
    books = api.open_books(str(path))
    rnd = random.Random(14)
    E = "ECP"
    for m in MEMBERS:
        api.post_entry(books, "OD", D(2026, 1, 1), f"Fonds de démarrage {m}",
                       [LineSpec("44881", E, 300000), LineSpec("5141", E, -300000),
                        LineSpec("5141", m, 300000), LineSpec("44881", m, -300000)])
    for month in range(1, 13):
        api.post_entry(books, "OD", D(2026, month, 2), "Loyer",
                       [LineSpec("61312", E, 400000), LineSpec("5141", E, -400000)])
        for m in MEMBERS:
            ht = rnd.randrange(10000, 900000)
            # random days: recorded in RG, the journal kept in entry order
            api.post_entry(books, "RG", D(2026, month, rnd.randint(1, 28)), "Vente",
                           [LineSpec("342111", m, ht + ht // 5), LineSpec("7111", m, -ht),
                            LineSpec("4455", m, -(ht // 5))])
            buy = rnd.randrange(1000, 200000)
            api.post_entry(books, "RG", D(2026, month, rnd.randint(1, 28)), "Achat",
                           [LineSpec("6111", m, buy), LineSpec("5141", m, -buy)])
            contrib = (ht * 1000 + 5000) // 10000
            api.post_entry(books, "OD", D(2026, month, 28), "Contribution",
                           [LineSpec("61468", m, contrib), LineSpec("44881", m, -contrib),
                            LineSpec("44881", E, contrib), LineSpec("71248", E, -contrib)])
            if rnd.random() < 0.5:
                amount = rnd.randrange(100, contrib + 50000)
                api.post_entry(books, "BQ", D(2026, month, 28), "Virement à l'ECP",
                               [LineSpec("44881", m, amount), LineSpec("5141", m, -amount),
                                LineSpec("5141", E, amount), LineSpec("44881", E, -amount)])
    try:
        yield books
    finally:
        books.engine.dispose()


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(month=st.integers(1, 12), span=st.integers(0, 2), start_day=st.integers(1, 28))
def test_the_dimensions_add_up_to_the_ledger(generated: api.Books, month: int, span: int,
                                             start_day: int) -> None:
    """For any period (whole months, or starting mid-month), each account's movement summed
    over the dimensions (the ECP and every member) equals the ledger's; the internal accounts
    net to zero over the dimensions (what one dimension gives, another receives), so the
    entity's result is the same with or without them; debit = credit everywhere."""
    start = D(2026, month, start_day)
    end_month = min(month + span, 12)
    end = D(2026, end_month, 28)
    entity = api.trial_balance(generated, start, end)
    per: dict[str, list[int]] = {}
    for dim in ("ECP", *MEMBERS):
        tb = api.trial_balance(generated, start, end, dimension=dim)
        assert tb.total("debit") == tb.total("credit")
        for r in tb.rows:
            cur = per.setdefault(r.account, [0, 0])
            cur[0] += r.debit - r.credit
            cur[1] += r.closing_debit - r.closing_credit
    whole = {r.account: [r.debit - r.credit, r.closing_debit - r.closing_credit]
             for r in entity.rows}
    for account in set(whole) | set(per):
        assert whole.get(account, [0, 0]) == per.get(account, [0, 0]), account
    internal = [r for r in entity.rows if r.internal]
    assert sum(r.debit - r.credit for r in internal) == 0
    assert sum(r.closing_debit - r.closing_credit for r in internal) == 0
    assert entity.total("debit") == entity.total("credit")
    assert entity.total("debit", internal=False) == entity.total("credit", internal=False)
    result = sum(r.credit - r.debit for r in entity.rows if r.account[0] in "67")
    assert result == sum(r.credit - r.debit for r in entity.rows
                         if r.account[0] in "67" and not r.internal)
