"""Fiscal years, fixed assets and depreciation (issue 15), figure by figure.

Rule (docs/year-end.md): linear prorata temporis in actual days, the acquisition day counted:
a year's charge = cost ÷ years × days of use ÷ days of the year, half-up to the centime,
capped at what remains (the last year takes the remainder).

The sewing machine: 12 000,00 HT (1 200 000 centimes) on 23321, bought 1 July 2026, 5 years
linear, on the ECP's dimension. Annual 2 400,00. 2026: 1 July → 31 December = 31+31+30+31+30+31
= 184 days of 365: 240 000 × 184 / 365 = 120 986,30… → 120 986 (1 209,86).
2027 full year: 240 000 (2 400,00).
Disposed on 30 June 2027 at 10 000,00: 2027 charge to the disposal day = 1 January → 30 June =
31+28+31+30+31+30 = 181 days: 240 000 × 181 / 365 = 119 013,69… → 119 014 (1 190,14).
Cumulated 120 986 + 119 014 = 240 000; net book value 1 200 000 − 240 000 = 960 000.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from ecp import api
from ecp.cli import main
from ecp.db.models import Entry, Line
from ecp.kernel.errors import InputError
from ecp.kernel.units import Rate

D = dt.date


def _lines(books: api.Books, ref: str) -> list[tuple[str, str, int]]:
    j, y, n = ref.split("-")
    with books.engine.connect() as conn:
        eid = conn.scalar(select(Entry.id).where(Entry.journal == j, Entry.fiscal_year == int(y),
                                                 Entry.number == int(n)))
        return sorted((r.account, r.dimension, r.amount) for r in conn.execute(
            select(Line).where(Line.entry_id == eid)).all())


def machine(books: api.Books) -> api.AssetView:
    return api.add_asset(books, "MAC1", "23321", "Machine à coudre", D(2026, 7, 1), 1_200_000,
                         years=5)


def test_linear_run_is_prorata_in_days_and_idempotent(books: api.Books) -> None:
    machine(books)
    lines = api.depreciation_run(books, 2026)
    assert [(x.asset, x.dimension, x.due, x.posted_now) for x in lines] == \
        [("MAC1", "ECP", 120986, 120986)]
    assert lines[0].entry is not None
    assert _lines(books, lines[0].entry) == [("28332", "ECP", -120986),
                                             ("61933", "ECP", 120986)]
    again = api.depreciation_run(books, 2026)
    assert [(x.due, x.posted_now, x.entry) for x in again] == [(120986, 0, None)]
    rows = api.list_assets(books, 2026)
    assert [(r.asset.code, r.asset.cost, r.cumulated, r.net) for r in rows] == \
        [("MAC1", 1_200_000, 120986, 1_079_014)]
    # 2027: 240 000 cumulated 360 986; the plan ends in 2031 with the remainder
    # 1 200 000 − 120 986 − 4 × 240 000 = 119 014
    assert api.list_assets(books, 2027)[0].cumulated == 360986
    assert api.list_assets(books, 2031)[0].cumulated == 1_200_000
    years = {y.year: y for y in api.list_years(books)}
    assert years[2026].status == "open" and years[2026].start == 20260101 \
        and years[2026].end == 20261231 and years[2026].entries >= 1


def test_dispose_with_price(books: api.Books) -> None:
    machine(books)
    api.depreciation_run(books, 2026)
    r = api.dispose_asset(books, "MAC1", D(2027, 6, 30), 1_000_000)
    assert (r.cost, r.cumulated, r.net, r.price, r.complement) == \
        (1_200_000, 240000, 960000, 1_000_000, 119014)
    assert _lines(books, r.entry) == [
        ("23321", "ECP", -1_200_000), ("28332", "ECP", 240000), ("3481", "ECP", 1_000_000),
        ("6513", "ECP", 960000), ("7513", "ECP", -1_000_000)]
    # the 2027 run finds the disposal year's charge already posted: nothing
    assert [x.posted_now for x in api.depreciation_run(books, 2027)] == [0]
    assert [(r.cumulated, r.net) for r in api.list_assets(books, 2027)] == [(0, 0)]
    with pytest.raises(InputError) as e:
        api.dispose_asset(books, "MAC1", D(2027, 7, 1))
    assert e.value.field == "code"


def test_degressive_five_years(books: api.Books) -> None:
    """10 000,00 on 2355 (→ 28355/61935) bought 15 March 2026, 5 years degressive: rate
    20 % × 2 = 40 %. 2026: months March → December = 10: 1 000 000 × 40 % × 10/12 = 333 333,3…
    → 333 333 (linear on remaining 60 months: 1 000 000 × 10/60 = 166 667, smaller).
    2027: net 666 667 × 40 % = 266 666,8 → 266 667 (linear 666 667 × 12/50 = 160 000)."""
    api.add_asset(books, "PC1", "2355", "Ordinateur", D(2026, 3, 15), 1_000_000, years=5,
                  method="degressif")
    first = api.depreciation_run(books, 2026)
    assert [(x.due, x.posted_now) for x in first] == [(333333, 333333)]
    assert first[0].entry is not None
    assert _lines(books, first[0].entry) == [("28355", "ECP", -333333), ("61935", "ECP", 333333)]
    assert api.list_assets(books, 2027)[0].cumulated == 333333 + 266667


def test_errors_name_their_field(books: api.Books) -> None:
    def field(**kw: object) -> str | None:
        args: dict[str, object] = dict(code="X1", account="23321", name="Machine",
                                       day=D(2026, 1, 2), cost=100000, years=5)
        args.update(kw)
        with pytest.raises(InputError) as e:
            api.add_asset(books, **args)  # type: ignore[arg-type]
        return e.value.field

    assert field(account="6111") == "account"  # not class 2
    assert field(account="28332") == "account"  # amortisation account
    assert field(account="2352") == "account"  # no depreciation mapping
    assert field(account="99999") == "account"
    assert field(cost=0) == "cost"
    assert field(dimension="ZZ") == "dimension"
    assert field(years=None) == "years"
    assert field(rate=Rate(2000)) == "years"  # both
    assert field(method="degressif", years=2) == "method"
    assert field(expense_id=999) == "expense_id"
    machine(books)
    assert field(code="MAC1") == "code"
    with pytest.raises(InputError) as e:
        api.depreciation_run(books, 2026, D(2027, 1, 1))
    assert e.value.field == "day"
    with pytest.raises(InputError) as e:
        api.dispose_asset(books, "MAC1", D(2026, 6, 1))
    assert e.value.field == "day"
    assert api.list_assets(books, 2026)[0].asset.code == "MAC1"  # nothing else written
    assert len(api.list_assets(books, 2026)) == 1


def test_cli_twins(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(db_path)]
    assert main([*db, "asset", "add", "MAC1", "--account", "23321", "--name", "Machine",
                 "--date", "01/07/2026", "--cost", "12000,00", "--rate", "20"]) == 0
    assert main([*db, "depreciation", "run", "2026"]) == 0
    assert "1 209,86" in capsys.readouterr().out
    assert main([*db, "depreciation", "run", "2026"]) == 0
    assert "rien à passer" in capsys.readouterr().out
    assert main([*db, "asset", "list", "--year", "2026", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "12000.00" in out and "1209.86" in out and "10790.14" in out
    assert main([*db, "year", "list"]) == 0
    assert "2026" in capsys.readouterr().out
    assert main([*db, "asset", "add", "B", "--account", "6111", "--name", "N", "--date",
                 "01/07/2026", "--cost", "1", "--years", "3"]) == 2
    assert "--account" in capsys.readouterr().err
    assert main([*db, "asset", "dispose", "MAC1", "--date", "30/06/2027"]) == 0
    assert "VNC 9 600,00" in capsys.readouterr().out


def test_asset_linked_to_its_purchase(sales: api.Books) -> None:
    """The machine bought through ``expense add --account 23321`` 12 000,00 HT + 20 % VAT
    2 400,00 for FZ's workshop, paid on 15/07: its VAT waits on 34553 (2 400,00) and becomes
    deductible on 34551 at payment; the asset links to it. A purchase booked on a charge
    account, or a cost beyond the bill's HT, is refused naming the field."""
    exp = api.add_expense(sales, "FZ", "TISSUS", D(2026, 7, 1), "23321", 1_200_000,
                          Rate(2000), reference="FA-77", paid_on=D(2026, 7, 15),
                          method="virement")
    tb = api.trial_balance(sales, D(2026, 1, 1), D(2026, 12, 31), "FZ")
    rows = {r.account: (r.debit, r.credit) for r in tb.rows}
    assert rows["23321"] == (1_200_000, 0)
    assert rows["34553"] == (240_000, 240_000)  # pending, then moved at payment
    assert rows["34551"] == (240_000, 0)
    view = api.add_asset(sales, "MAC9", "23321", "Machine", D(2026, 7, 1), 1_200_000,
                         years=5, dimension="FZ", expense_id=exp)
    assert view.expense_id == exp
    charge = api.add_expense(sales, "FZ", "TISSUS", D(2026, 7, 2), "6111", 50_000, Rate(2000))
    for kw, want in ((dict(expense_id=charge), "expense_id"),
                     (dict(expense_id=exp, cost=1_200_001), "cost")):
        args: dict[str, object] = dict(code="MAC8", account="23321", name="Machine",
                                       day=D(2026, 7, 1), cost=1_000_000, years=5,
                                       dimension="FZ")
        args.update(kw)
        with pytest.raises(InputError) as e:
            api.add_asset(sales, **args)  # type: ignore[arg-type]
        assert e.value.field == want
