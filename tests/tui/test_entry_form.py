"""The entry form, driven from the keyboard as the bookkeeper drives it: F2 (Écritures), n, then
fields typed and Enter / Tab / ctrl+s. Each test checks what the screen says and what the
database holds."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from ecp import api
from ecp.kernel.periods import Month
from ecp.ledger.browse import EntryFilter
from ecp.tui.app import EcpApp
from ecp.tui.kit.dialogs import PickerScreen
from ecp.tui.kit.table import PagedTable
from ecp.tui.screens.entries import EntriesScreen
from ecp.tui.screens.entry_form import EntryFormScreen, EntryLine

TODAY = dt.date(2026, 3, 15)
Scenario = Callable[[EcpApp, Pilot[Any]], Awaitable[None]]


@pytest.fixture
def books(tmp_path: Path) -> api.Books:
    b = api.open_books(str(tmp_path / "t.db"), create=True)
    api.init(b)
    api.add_member(b, "M001", "Fatima")
    return b


def run(books: api.Books, scenario: Scenario, size: tuple[int, int] = (140, 42)) -> None:
    async def main() -> None:
        app = EcpApp(books, today=TODAY)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(app, pilot)

    asyncio.run(main())


async def open_form(app: EcpApp, pilot: Pilot[Any]) -> EntryFormScreen:
    await pilot.press("f2")
    await pilot.pause()
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(app.screen, EntryFormScreen)
    return app.screen


async def type_in(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*text)


async def header(pilot: Pilot[Any], label: str, reference: str = "") -> None:
    """From the date (focused on opening): Enter, reference, Enter, label, Enter."""
    await pilot.press("enter")
    await type_in(pilot, reference)
    await pilot.press("enter")
    await type_in(pilot, label)
    await pilot.press("enter")


async def line(pilot: Pilot[Any], account: str, dimension: str | None, debit: str = "",
               credit: str = "") -> None:
    """Type one line from its account field, ending on the next line's account field."""
    await type_in(pilot, account)
    await pilot.press("enter")
    if dimension is not None:
        await type_in(pilot, dimension)  # the field's text is selected: typing replaces it
    await pilot.press("enter")
    if debit:
        await type_in(pilot, debit)
        await pilot.press("enter")
    else:
        await pilot.press("enter")
        await type_in(pilot, credit)
        await pilot.press("enter")
    await pilot.pause()


def text(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def entry_count(books: api.Books) -> int:
    return len(api.entries_page(books, EntryFilter(), limit=1000))


def tb_row(books: api.Books, account: str) -> tuple[int, int]:
    tb = api.trial_balance(books)
    row = next(r for r in tb.rows if r.account == account)
    return row.debit, row.credit


# --- (1) a balanced entry, posted ---------------------------------------------------------

def test_balanced_entry_is_posted_and_found_everywhere(books: api.Books) -> None:
    async def scenario(app: EcpApp, pilot: Pilot[Any]) -> None:
        form = await open_form(app, pilot)
        assert form.query_one("#date", Input).value == "15/03/2026"
        assert "dimanche 15 mars 2026" in text(form, "#date-hint")
        await header(pilot, "Achat de tissu", "F-118")
        await line(pilot, "6111", "M001", debit="1200")
        lines = form.query(EntryLine)
        assert str(lines[0].query_one(".acct-name", Static).content) == \
            "Achats de marchandises (Groupe A)"
        assert str(lines[0].query_one(".dim-name", Static).content) == "Fatima"
        assert lines[0].debit.value == "1 200,00"  # reformatted when left
        assert "Écart 1 200,00" in text(form, "#balance")
        await line(pilot, "5141", "M001", credit="1200")
        assert text(form, "#balance").startswith(
            "Débit 1 200,00 — Crédit 1 200,00 — Écart 0,00 — équilibrée")
        assert entry_count(books) == 0  # nothing before ctrl+s
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EntriesScreen)
        table = app.screen.query_one(PagedTable)
        assert table.page is not None
        first = table.page.rows[0]
        assert first[1] == "OD-2026-000001"
        assert first[2] == "Achat de tissu"
        assert first[3] == "F-118"

    run(books, scenario)
    page = api.ledger_page(books, "6111")
    assert [(r.entry, r.amount, r.dimension) for r in page.rows] == \
        [("OD-2026-000001", 120000, "M001")]
    assert api.ledger_page(books, "5141").rows[0].amount == -120000
    assert tb_row(books, "6111") == (120000, 0)
    assert tb_row(books, "5141") == (0, 120000)
    detail = api.entry_detail(books, 1)
    assert (detail.label, detail.reference, detail.date) == ("Achat de tissu", "F-118",
                                                             "2026-03-15")


# --- (2) an unbalanced entry is refused ---------------------------------------------------

def test_unbalanced_entry_cannot_be_posted(books: api.Books) -> None:
    async def scenario(app: EcpApp, pilot: Pilot[Any]) -> None:
        form = await open_form(app, pilot)
        await header(pilot, "Achat")
        await line(pilot, "6111", None, debit="1200")
        await line(pilot, "5141", None, credit="1000")
        assert text(form, "#balance") == ("Débit 1 200,00 — Crédit 1 000,00 — Écart 200,00 : "
                                          "il manque 200,00 au crédit")
        assert text(form, "#sum-debit") == "1 200,00"
        assert text(form, "#sum-credit") == "1 000,00"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "écriture déséquilibrée : écart 200,00" in text(form, "#post-error")
        # The cursor waits on the blank line, where the balancing line goes.
        assert isinstance(app.focused, Input) and app.focused.has_class("acct")
        assert app.focused.value == ""

    run(books, scenario)
    assert entry_count(books) == 0
    assert api.trial_balance(books).rows == () or all(
        r.debit == r.credit == 0 for r in api.trial_balance(books).rows)


# --- (3) a closed month -------------------------------------------------------------------

def test_closed_month_is_refused_on_screen(books: api.Books) -> None:
    api.close_period(books, Month(2026, 3))

    async def scenario(app: EcpApp, pilot: Pilot[Any]) -> None:
        form = await open_form(app, pilot)
        assert text(form, "#date-hint") == "date : le mois 2026-03 est clôturé"
        await header(pilot, "Achat")
        await line(pilot, "6111", None, debit="100")
        await line(pilot, "5141", None, credit="100")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "le mois 2026-03 est clôturé" in text(form, "#post-error")
        assert app.focused is form.query_one("#date", Input)
        # Another day in an open month is accepted.
        await pilot.press(*"2026-04-01")
        assert text(form, "#date-hint") == "mercredi 1 avril 2026"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EntriesScreen)

    run(books, scenario)
    assert [r.date for r in api.entries_page(books, EntryFilter())] == ["2026-04-01"]


def test_month_closed_while_typing_is_refused_by_the_books(books: api.Books) -> None:
    async def scenario(app: EcpApp, pilot: Pilot[Any]) -> None:
        form = await open_form(app, pilot)
        await header(pilot, "Achat")
        await line(pilot, "6111", None, debit="100")
        await line(pilot, "5141", None, credit="100")
        api.close_period(books, Month(2026, 3))  # someone else closes March meanwhile
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert text(form, "#post-error") == (
            "Écriture refusée : date 2026-03-15 : le mois 2026-03 est clôturé")
        assert text(form, "#date-hint") == "date : le mois 2026-03 est clôturé"

    run(books, scenario)
    assert entry_count(books) == 0


# --- (4) amounts as the bookkeeper types them --------------------------------------------

def test_amounts_with_spaces_commas_or_points(books: api.Books) -> None:
    async def scenario(app: EcpApp, pilot: Pilot[Any]) -> None:
        form = await open_form(app, pilot)
        await header(pilot, "Vente")
        await line(pilot, "34211", "M001", debit="1 234,50")
        await line(pilot, "7111", None, credit="1234.50")  # the dimension carried: M001
        lines = form.query(EntryLine)
        assert (lines[0].debit.value, lines[1].credit.value) == ("1 234,50", "1 234,50")
        assert lines[1].dim.value == "M001"
        assert "Écart 0,00 — équilibrée" in text(form, "#balance")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EntriesScreen)

    run(books, scenario)
    assert tb_row(books, "34211") == (123450, 0)
    assert tb_row(books, "7111") == (0, 123450)


def test_a_bad_amount_is_said_next_to_its_line(books: api.Books) -> None:
    async def scenario(app: EcpApp, pilot: Pilot[Any]) -> None:
        form = await open_form(app, pilot)
        await header(pilot, "Vente")
        await line(pilot, "34211", None, debit="12,345")
        first = form.query(EntryLine)[0]
        assert text(first, ".line-error") == "débit : « 12,345 » a plus de deux décimales"
        assert first.debit.has_class("-invalid")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "a plus de deux décimales" in text(form, "#post-error")

    run(books, scenario)
    assert entry_count(books) == 0


# --- (5) balance per dimension -----------------------------------------------------------

def test_imbalance_per_dimension_is_shown_and_refused(books: api.Books) -> None:
    async def scenario(app: EcpApp, pilot: Pilot[Any]) -> None:
        form = await open_form(app, pilot)
        await header(pilot, "Achat pour un membre")
        await line(pilot, "6111", "M001", debit="200")
        await line(pilot, "5141", "ECP", credit="200")
        assert text(form, "#balance") == "Débit 200,00 — Crédit 200,00 — Écart 0,00"
        assert text(form, "#dims") == ("Par dimension : ECP : écart -200,00 — M001 : écart "
                                       "200,00 (passer par le compte de liaison 44881)")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "écriture déséquilibrée pour la dimension ECP" in text(form, "#post-error")
        # Through the liaison account, with « = » for the balancing amounts.
        await line(pilot, "44881", "M001", credit="=")
        await line(pilot, "44881", "ECP", debit="=")
        assert text(form, "#dims") == ""
        assert "équilibrée" in text(form, "#balance")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EntriesScreen)

    run(books, scenario)
    detail = api.entry_detail(books, 1)
    assert sorted((ln.account, ln.dimension, ln.amount) for ln in detail.lines) == [
        ("44881", "ECP", 20000), ("44881", "M001", -20000), ("5141", "ECP", -20000),
        ("6111", "M001", 20000)]


# --- fields, pickers, keys ---------------------------------------------------------------

def test_account_names_pickers_and_line_keys(books: api.Books) -> None:
    async def scenario(app: EcpApp, pilot: Pilot[Any]) -> None:
        form = await open_form(app, pilot)
        await header(pilot, "Divers")
        first = form.query(EntryLine)[0]
        await type_in(pilot, "999")
        assert text(first, ".acct-name") == "compte inconnu"
        assert first.query_one(".acct-name").has_class("-unknown")
        await pilot.press("backspace", "backspace", "backspace")
        # A name typed in the account field: Enter opens the picker on it.
        await type_in(pilot, "banques")
        await pilot.press("enter")
        await pilot.pause()
        picker = app.screen  # a local: app.screen itself changes on the next keys
        assert isinstance(picker, PickerScreen)
        expected = api.search_accounts(books, "banques")[0][0]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form
        assert first.acct.value == expected
        assert text(first, ".acct-name") == dict(api.search_accounts(books, "banques"))[
            expected]
        # F2 on the dimension: the members.
        assert app.focused is first.dim
        await pilot.press("f2")
        await pilot.pause()
        dim_picker = app.screen
        assert isinstance(dim_picker, PickerScreen)
        await type_in(pilot, "fat")
        await pilot.press("enter")
        await pilot.pause()
        assert first.dim.value == "M001"
        assert app.focused is first.debit
        # ctrl+n inserts a line after this one; ctrl+d deletes it.
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert len(form.query(EntryLine)) == 3
        assert form.query(EntryLine)[1].dim.value == "M001"
        assert app.focused is form.query(EntryLine)[1].acct
        await pilot.press("ctrl+d")
        await pilot.pause()
        numbers = [str(ln.query_one(".no", Static).content).strip()
                   for ln in form.query(EntryLine)]
        assert numbers == ["1", "2"]
        # Escape asks before throwing typed work away; n keeps it, o abandons.
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is form
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, EntriesScreen)

    run(books, scenario)
    assert entry_count(books) == 0


@pytest.mark.parametrize("size", [(120, 40), (160, 45)])
def test_form_fits_the_terminal(books: api.Books, size: tuple[int, int]) -> None:
    async def scenario(app: EcpApp, pilot: Pilot[Any]) -> None:
        form = await open_form(app, pilot)
        width, height = size
        for sel in ("#journal", "#date", "#reference", "#label", "#balance", "#totals"):
            r = form.query_one(sel).region
            assert r.width > 0 and r.right <= width and r.bottom <= height, sel
        first = form.query(EntryLine)[0]
        assert first.credit.region.right <= width - 1
        assert first.query_one(".acct-name").region.width >= 30
        columns = form.query_one("#columns")
        assert columns.query_one(".credit").region.x == first.credit.region.x

    run(books, scenario, size)


def test_form_survives_a_visit_elsewhere(books: api.Books) -> None:
    """F1 mid-entry, then back with F2: the form is as left. A drill-down from the dashboard
    to the entries list meets the form, which stays and says why."""
    async def scenario(app: EcpApp, pilot: Pilot[Any]) -> None:
        form = await open_form(app, pilot)
        await header(pilot, "Achat")
        await line(pilot, "6111", None, debit="75")
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen is not form
        app.open_entries(EntryFilter(dimension="M001"))
        await pilot.pause()
        assert app.screen is form
        assert form.query(EntryLine)[0].debit.value == "75,00"
        assert any("en cours de saisie" in n.message for n in app._notifications)

    run(books, scenario)
    assert entry_count(books) == 0
