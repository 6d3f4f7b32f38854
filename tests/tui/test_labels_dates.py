"""Issue 17, surprise 8: figures and labels that say what they are. On the demo (today
28/11/2026): no date written AAAA-MM-JJ on any F-screen (JJ/MM/AAAA everywhere, the command
line keeps ISO); a date typed JJ/MM/AAAA (or AAAA-MM-JJ) accepted by the entry form, a bad one
refused naming the field; « Trésorerie (banque + caisse) » on the dashboard and « Disponible
pour versement » on F6, two different figures; exact invoice statuses on F9; the cheque
CHQ 1207 shown 4 000,00 on F2; no always-empty « Lien » / « Parent » column; F10 opening on
the last complete VAT period."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from ecp import api
from ecp.kernel.errors import InputError
from ecp.kernel.periods import parse_date, parse_month
from ecp.ledger.browse import EntryFilter
from ecp.tui.kit.format import day, money
from ecp.tui.kit.palette import SCREENS
from ecp.tui.kit.table import PagedTable
from ecp.tui.screens.entries import EntriesScreen
from ecp.tui.screens.entry_form import EntryFormScreen
from ecp.tui.screens.vat import last_complete_period
from tests.tui.pilot import goto, rows, run_app, settle, type_text, until

TODAY = dt.date(2026, 11, 28)
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture
def demo(demo_path: Path) -> api.Books:
    return api.open_books(str(demo_path))


def _headers(t: DataTable[Any]) -> list[str]:
    return [str(c.label).strip() for c in t.columns.values()]


def _texts(screen: Screen[Any]) -> list[str]:
    """Everything the screen writes: table headers and cells, static texts, input values."""
    out: list[str] = []
    for t in screen.query(DataTable):
        out += _headers(t)
        out += [str(c) for i in range(t.row_count) for c in t.get_row_at(i)]
    out += [str(w.render()) for w in screen.query(Static)]
    out += [w.value for w in screen.query(Input)]
    return out


# --- the one date format ---------------------------------------------------------------------

def test_day_writes_jj_mm_aaaa() -> None:
    """A date, the storage's AAAAMMJJ and an ISO text (with a time: kept to the minute)."""
    assert day(dt.date(2026, 3, 5)) == "05/03/2026"
    assert day(20261120) == "20/11/2026"
    assert day("2026-11-20") == "20/11/2026"
    assert day("2026-12-07T06:13:22.123+00:00") == "07/12/2026 06:13"
    assert day(None) == day("") == ""


def test_inputs_read_both_forms_and_name_the_field() -> None:
    assert parse_date("20/11/2026") == parse_date("2026-11-20") == dt.date(2026, 11, 20)
    assert parse_date("5/3/2026") == dt.date(2026, 3, 5)
    with pytest.raises(InputError) as exc:
        parse_date("20-11-2026", "échéance", field="due")
    assert (str(exc.value), exc.value.field) == (
        "échéance : « 20-11-2026 » n'est pas une date (JJ/MM/AAAA ou AAAA-MM-JJ)", "due")
    with pytest.raises(InputError, match="« 31/02/2026 » n'est pas une date qui existe"):
        parse_date("31/02/2026")
    assert parse_month("11/2026") == parse_month("2026-11") == 202611
    with pytest.raises(InputError, match="n'est pas un mois"):
        parse_month("13/2026")


async def test_no_iso_date_on_any_f_screen(demo: api.Books) -> None:
    """F1 to F12 on the demo: dates in tables (entries, journal, invoices, declarations,
    orders, members' entry date), texts (last verification, declared on…) and the date
    inputs (F10 « Créances au », F11) are JJ/MM/AAAA; the placeholders of date inputs say
    JJ/MM/AAAA too. The F2 list shows the demo's entries of 20/11/2026."""
    async with run_app(demo, today=TODAY) as (app, pilot):
        await settle(pilot)
        for mode, _, key in SCREENS:
            screen = await goto(pilot, key)
            await settle(pilot)
            found = [t for t in _texts(screen) if ISO.search(t)]
            assert found == [], f"{mode} : {found[:3]}"
            placeholders = [w.placeholder for w in screen.query(Input)]
            assert not [p for p in placeholders if "AAAA-MM-JJ" in p], mode
            if mode == "ecritures":
                assert "20/11/2026" in [r[0] for r in rows(app, "#entries")]
            if mode == "tva":
                assert screen.query_one("#f-at", Input).value == "28/11/2026"


# --- the entry form takes JJ/MM/AAAA ---------------------------------------------------------

async def test_entry_form_takes_a_french_date(books: api.Books) -> None:
    """F2, n: the date shows 15/03/2026 (today); « 31/02/2026 » is refused next to the date
    (« date : … n'est pas une date qui existe »), « 20-03-2026 » too (the two forms named);
    « 20/03/2026 » is read as 20 March: the entry (6111 D 1 200,00 / 5141 C 1 200,00) is
    posted on 2026-03-20."""
    async with run_app(books, today=dt.date(2026, 3, 15)) as (app, pilot):
        await goto(pilot, "f2")
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, EntryFormScreen))
        form = app.screen
        date_in = form.query_one("#date", Input)
        hint = form.query_one("#date-hint", Static)
        assert (date_in.value, date_in.placeholder) == ("15/03/2026", "JJ/MM/AAAA")

        async def typed(text: str) -> str:
            date_in.focus()
            date_in.value = ""
            await type_text(pilot, text)
            await pilot.pause()
            return str(hint.content)

        assert await typed("31/02/2026") == \
            "date : « 31/02/2026 » n'est pas une date qui existe"
        assert await typed("20-03-2026") == \
            "date : « 20-03-2026 » n'est pas une date (JJ/MM/AAAA ou AAAA-MM-JJ)"
        assert await typed("2026-03-21") == "samedi 21 mars 2026"
        assert await typed("20/03/2026") == "vendredi 20 mars 2026"
        await pilot.press("enter")
        await pilot.press("enter")  # no reference
        await type_text(pilot, "Achat de tissu")
        await pilot.press("enter")
        for account, amount in (("6111", "1200"), ("5141", "")):
            await type_text(pilot, account)
            await pilot.press("enter")
            await type_text(pilot, "FZ")
            await pilot.press("enter")
            if amount:
                await type_text(pilot, amount)
            else:
                await pilot.press("enter")
                await type_text(pilot, "1200")
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, EntriesScreen))
        assert rows(app, "#entries")[0][:3] == ["20/03/2026", "OD-2026-000001",
                                                "Achat de tissu"]
    [row] = api.entries_page(books, EntryFilter())
    assert (row.date, row.amount) == ("2026-03-20", 120_000)


# --- labels that say what the figure is --------------------------------------------------------

async def test_treasury_and_available_say_what_they_count(demo: api.Books) -> None:
    """F1's « Trésorerie (banque + caisse), ECP et membres » is every 51… balance (the
    dashboard's cash by dimension, summed); F6's « Disponible pour versement (DH) » is, per
    member, that cash less VAT due, sums owed to the ECP, payroll due and reserve — the same
    figure as the member's treasury ``available``, and not the same total."""
    d = api.dashboard(demo, TODAY)
    available = {b.code: b.treasury.available for b in api.member_balances(demo, TODAY)}
    async with run_app(demo, today=TODAY) as (app, pilot):
        await settle(pilot)
        figures = {r[0]: r[1] for r in rows(app, "#figures")}
        assert figures["Trésorerie (banque + caisse), ECP et membres"] == \
            money(d.cash_total)
        assert _headers(app.screen.query_one("#cash", DataTable))[-1] == "Banque + caisse (DH)"
        await goto(pilot, "f6")
        await settle(pilot)
        t = app.screen.query_one("#members", DataTable)
        assert _headers(t)[-1] == "Disponible pour versement (DH)"
        shown = {r[0]: r[-1] for r in rows(app, "#members")}
        assert shown == {code: money(v) for code, v in available.items()}
        assert sum(available.values()) != d.cash_total  # two figures, two names


# --- exact statuses, the operation's amount, no empty columns ------------------------------------

async def test_sales_statuses_on_the_demo(demo: api.Books) -> None:
    """F9 on 28/11/2026: F-2026-000004 (8 640,00 TTC, 4 000,00 paid by CHQ 1207) is
    « partiellement payée »; F-2026-000005 (7 800,00, a credit note of 600,00, nothing paid)
    « émise » — it showed « partielle »; F-2026-000007 (nothing paid, due 15/01/2027)
    « émise »; the other four « payée ». Its due date is written 05/01/2027."""
    async with run_app(demo, today=TODAY) as (app, pilot):
        await goto(pilot, "f9")
        await settle(pilot)
        found = {r[0]: (r[2], r[-1]) for r in rows(app, "#t-factures")}
    assert found == {
        "F-2026-000001": ("02/12/2026", "payée"), "F-2026-000002": ("13/12/2026", "payée"),
        "F-2026-000003": ("02/01/2027", "payée"),
        "F-2026-000004": ("05/01/2027", "partiellement payée"),
        "F-2026-000005": ("08/01/2027", "émise"), "F-2026-000006": ("11/01/2027", "payée"),
        "F-2026-000007": ("15/01/2027", "émise")}


async def test_entries_show_the_operation_and_no_empty_column(demo: api.Books) -> None:
    """F2: the cheque CHQ 1207 (5141 D 4 000,00, 34211 C 4 000,00, and 388,89 of VAT moved
    44551 → 4455) shows 4 000,00, not 4 388,89; no « Lien » column (the demo reverses
    nothing). F7: no « Parent » column (the CGNC's accounts have none)."""
    async with run_app(demo, today=TODAY) as (app, pilot):
        screen = await goto(pilot, "f2")
        assert isinstance(screen, EntriesScreen)
        table = screen.query_one(PagedTable)
        assert "Lien" not in _headers(table)
        screen.set_filter(EntryFilter(text="CHQ 1207"))
        await until(pilot, lambda: len(rows(app, "#entries")) == 1)
        [row] = rows(app, "#entries")
        assert (row[0], row[3], row[-1]) == ("20/11/2026", "CHQ 1207", "4 000,00")
        await goto(pilot, "f7")
        await settle(pilot)
        assert _headers(app.screen.query_one("#accounts", DataTable)) == [
            "Code", "Intitulé", "Classe", "Interne", "Mouvementé"]


# --- F10 on the last complete period -----------------------------------------------------------

def test_last_complete_period() -> None:
    """Monthly: the month before today's (January: December of last year). Quarterly: the
    last quarter ended (Q1 to Q3 of 2026 on 28/11/2026: Q3; from January: last year's Q4)."""
    assert last_complete_period(TODAY, quarterly=False) == "2026-10"
    assert last_complete_period(dt.date(2027, 1, 10), quarterly=False) == "2026-12"
    assert last_complete_period(TODAY, quarterly=True) == "2026-Q3"
    assert last_complete_period(dt.date(2026, 4, 1), quarterly=True) == "2026-Q1"
    assert last_complete_period(dt.date(2027, 2, 1), quarterly=True) == "2026-Q4"


async def test_f10_opens_on_the_last_complete_period(demo: api.Books, books: api.Books
                                                     ) -> None:
    """The demo declared August to November (monthly): on 28/11/2026 nothing is left to
    declare, F10 opens on October (the last complete month), not on November, still running.
    Books filing quarterly, with no VAT yet, on 20/05/2026: 2026-Q1."""
    async with run_app(demo, today=TODAY) as (_, pilot):
        screen = await goto(pilot, "f10")
        assert screen.query_one("#f-period", Input).value == "2026-10"
    api.settings_set(books, "vat.filing", "trimestriel")
    async with run_app(books, today=dt.date(2026, 5, 20)) as (_, pilot):
        screen = await goto(pilot, "f10")
        assert screen.query_one("#f-period", Input).value == "2026-Q1"
