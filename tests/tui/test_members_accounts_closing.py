"""Membres (F6), Plan comptable (F7) and Clôture (F8), driven from the keyboard with Pilot.

Each test asserts on what the screen shows and on what the database holds afterwards.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from ecp import api
from ecp.kernel.errors import PeriodLockedError
from ecp.kernel.periods import Month
from ecp.kernel.units import Rate
from ecp.ledger.entry import LineSpec
from ecp.tui.app import EcpApp
from ecp.tui.screens import closing
from ecp.tui.screens.accounts import AccountAddScreen, AccountsScreen
from ecp.tui.screens.closing import ClosingScreen, ConfirmCloseScreen, ReopenScreen
from ecp.tui.screens.members import MemberAddScreen, MemberEditScreen, MembersScreen
from tests.tui.pilot import field_error, rows, shown, type_text, until

TODAY = dt.date(2026, 3, 15)
SIZE = (150, 42)


@pytest.fixture
def books(tmp_path: Path) -> Iterator[api.Books]:
    b = api.open_books(str(tmp_path / "t.db"), create=True)
    api.init(b)
    try:
        yield b
    finally:
        b.engine.dispose()


def sale(books: api.Books, day: dt.date, cents: int = 120_000, member: str = "FZ") -> None:
    api.post_entry(books, "VT", day, "Vente caftan",
                   [LineSpec("34211", member, cents), LineSpec("7111", member, -cents)])


async def verified(pilot: Pilot[Any]) -> ClosingScreen:
    """Wait for the verification worker of the Clôture screen to finish."""
    screen = pilot.app.screen
    assert isinstance(screen, ClosingScreen)
    for _ in range(400):
        await pilot.pause()
        if not screen.verifying and screen.report is not None:
            return screen
        await asyncio.sleep(0.05)
    raise AssertionError("la vérification ne s'est pas terminée")


# --- Membres ---------------------------------------------------------------------------------

async def test_add_member_with_arabic_name(books: api.Books) -> None:
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        assert isinstance(app.screen, MembersScreen)
        assert rows(app, "#members") == []
        await pilot.press("a")
        assert isinstance(app.screen, MemberAddScreen)
        # No name: refused next to the name field, nothing written.
        await type_text(pilot, "m010")
        await pilot.press("enter")
        assert isinstance(app.screen, MemberAddScreen)
        assert field_error(app, "name") == "nom : obligatoire"
        assert api.list_members(books) == []
        assert app.screen.focused is app.screen.query_one("#name")  # the field to fix
        await type_text(pilot, "Nadia Alaoui")
        # Arabic cannot be typed through Pilot's key names: the field is set directly.
        app.screen.query_one("#name_ar", Input).value = "نادية العلوي"
        await pilot.press("tab", "tab")
        await type_text(pilot, "couture")
        await pilot.press("tab")
        await type_text(pilot, "7,5")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MembersScreen)
        assert rows(app, "#members") == [
            ["M010", "Nadia Alaoui", "نادية العلوي", "couture", "15/03/2026", "actif", "7,5 %",
             "0,00"]]
        assert shown(app, "#heading") == "Membres entrepreneurs : 1 (1 actifs)"
    (m,) = api.list_members(books)
    assert (m.code, m.name, m.name_ar, m.activity, m.contribution_pct, m.joined_on) == (
        "M010", "Nadia Alaoui", "نادية العلوي", "couture", "7,5", "2026-03-15")


async def test_add_member_bad_rate_is_shown_next_to_the_field(books: api.Books) -> None:
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6", "a")
        await type_text(pilot, "M1")
        await pilot.press("tab")
        await type_text(pilot, "Omar")
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "150")
        await pilot.press("enter")
        assert isinstance(app.screen, MemberAddScreen)
        assert field_error(app, "rate") == "taux de contribution : 150 dépasse 100 %"
        assert app.screen.focused is app.screen.query_one("#rate")
        await pilot.press("escape")
        assert isinstance(app.screen, MembersScreen)
    assert api.list_members(books) == []


async def test_member_errors_placed_by_field(books: api.Books) -> None:
    """The façade's ``field`` (code, joined) picks the widget: no message is parsed."""
    api.add_member(books, "FZ", "Fatima Zahra")
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6", "a")
        await type_text(pilot, "FZ")
        await pilot.press("tab")
        await type_text(pilot, "Autre")
        app.screen.query_one("#joined", Input).value = "31/02/2026"
        await pilot.press("enter")
        assert isinstance(app.screen, MemberAddScreen)
        assert field_error(app, "joined").startswith("date d'entrée : « 31/02/2026 »")
        assert app.screen.focused is app.screen.query_one("#joined")
        app.screen.query_one("#joined", Input).value = "2026-02-01"
        await pilot.press("enter")
        assert field_error(app, "code") == "code membre : FZ existe déjà"
        assert field_error(app, "joined") == ""
        assert app.screen.focused is app.screen.query_one("#code")
    assert [m.code for m in api.list_members(books)] == ["FZ"]


async def test_edit_member_activity(books: api.Books) -> None:
    api.add_member(books, "FZ", "Fatima Zahra", name_ar="فاطمة الزهراء", activity="couture",
                   contribution_rate=Rate(1000), joined=dt.date(2025, 1, 1))
    api.add_member(books, "KH", "Khadija", activity="cuisine")
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        assert [r[0] for r in rows(app, "#members")] == ["FZ", "KH"]
        assert rows(app, "#members")[0][2] == "فاطمة الزهراء"
        await pilot.press("e")
        assert isinstance(app.screen, MemberEditScreen)
        code = app.screen.query_one("#code", Input)
        assert code.value == "FZ" and code.disabled  # shown, not editable
        await pilot.press("tab", "tab")  # nom → nom en arabe → activité
        assert app.screen.focused is app.screen.query_one("#activity")
        await type_text(pilot, "broderie")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MembersScreen)
        assert rows(app, "#members")[0][3] == "broderie"
        # Enter on a row opens the same form; Escape leaves without a change.
        await pilot.press("down", "enter")
        assert isinstance(app.screen, MemberEditScreen)
        assert app.screen.member.code == "KH"
        await pilot.press("escape")
        assert isinstance(app.screen, MembersScreen)
    fz = next(m for m in api.list_members(books) if m.code == "FZ")
    assert (fz.activity, fz.name, fz.name_ar, fz.contribution_pct, fz.status) == (
        "broderie", "Fatima Zahra", "فاطمة الزهراء", "10", "actif")


# --- Plan comptable --------------------------------------------------------------------------

async def test_filter_and_add_sub_account(books: api.Books) -> None:
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        assert isinstance(app.screen, AccountsScreen)
        total = len(rows(app, "#accounts"))
        assert total == len(api.list_accounts(books))
        await pilot.press("slash")
        await type_text(pilot, "creances")  # no accent, any case
        names = [r[1] for r in rows(app, "#accounts")]
        assert names and all("créances" in n.lower() for n in names)
        await pilot.press("ctrl+u")
        await type_text(pilot, "3421")
        await pilot.press("enter")
        codes = [r[0] for r in rows(app, "#accounts")]
        assert codes[0] == "34211" and all(c.startswith("3421") for c in codes)
        await pilot.press("a")
        assert isinstance(app.screen, AccountAddScreen)
        assert app.screen.query_one("#code", Input).value == "34211"  # the selected account
        await type_text(pilot, "9")
        await pilot.press("tab")
        await type_text(pilot, "Client Riad Tanja")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountsScreen)
        row = next(r for r in rows(app, "#accounts") if r[0] == "342119")
        assert row == ["342119", "Client Riad Tanja (sous-compte de 34211)", "3", "", ""]
    acc = next(a for a in api.list_accounts(books) if a.code == "342119")
    assert (acc.name, acc.cls, acc.parent, acc.used) == ("Client Riad Tanja", 3, "34211", False)


async def test_refused_account_is_explained_next_to_the_code(books: api.Books) -> None:
    before = len(api.list_accounts(books))
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7", "a")
        await pilot.press("ctrl+u")
        await type_text(pilot, "99999")
        await pilot.press("tab")
        await type_text(pilot, "Divers")
        await pilot.press("enter")
        assert isinstance(app.screen, AccountAddScreen)
        assert field_error(app, "code").startswith(
            "compte : 99999 n'est le sous-compte d'aucun compte existant")
        assert app.screen.focused is app.screen.query_one("#code")
        # A sub-account without a name: the message goes next to the name.
        await pilot.press("ctrl+u")
        await type_text(pilot, "61251")
        await pilot.press("tab", "ctrl+u", "enter")
        assert field_error(app, "code") == ""
        assert field_error(app, "name") == "nom du compte : obligatoire"
        await pilot.press("escape")
        assert isinstance(app.screen, AccountsScreen)
    assert len(api.list_accounts(books)) == before


# --- Clôture ---------------------------------------------------------------------------------

async def test_close_month_locks_it(books: api.Books) -> None:
    api.add_member(books, "FZ", "Fatima Zahra")
    sale(books, dt.date(2026, 1, 20))
    sale(books, dt.date(2026, 2, 10))
    api.close_period(books, Month(2026, 1))
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        await verified(pilot)
        # January is closed: the month proposed is the oldest open month with entries.
        assert app.screen.query_one("#month", Input).value == "2026-02"
        assert shown(app, "#chk-state") == "État du mois : ouvert"
        assert shown(app, "#chk-entries") == "Écritures du mois : 1"
        assert shown(app, "#chk-drafts") == "Brouillons datés dans le mois : aucun"
        assert shown(app, "#chk-verify").startswith(
            "Vérification des livres : réussie (2 écritures, 4 lignes")
        assert shown(app, "#chk-unbalanced") == "Écritures déséquilibrées : aucune"
        head = api.chain_head(books)
        assert shown(app, "#chk-head") == f"Tête de chaîne : {head}"
        await pilot.press("c")
        assert isinstance(app.screen, ConfirmCloseScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ClosingScreen)
        assert shown(app, "#outcome") == f"2026-02 clôturé. Tête de chaîne enregistrée : {head}"
        assert shown(app, "#chk-state").startswith("État du mois : clôturé le ")
        assert rows(app, "#events")[0][:2] == ["2026-02", "clôture"]
        assert rows(app, "#events")[0][3] == "testeur"
        # Closing it again is refused, with the reason.
        await pilot.press("c")
        assert isinstance(app.screen, ClosingScreen)
        assert shown(app, "#outcome") == "Clôture refusée : mois 2026-02 : déjà clôturé"
    assert api.month_is_closed(books, Month(2026, 2))
    with pytest.raises(PeriodLockedError):
        sale(books, dt.date(2026, 2, 25))
    ev = api.period_events(books)[-1]
    assert (ev.month, ev.action, ev.head) == ("2026-02", "close", head)


async def test_close_refused_when_verification_fails(books: api.Books) -> None:
    api.add_member(books, "FZ", "Fatima Zahra")
    sale(books, dt.date(2026, 2, 10))
    path = books.path
    assert path is not None
    con = sqlite3.connect(str(path))
    (trigger,) = con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name LIMIT 1").fetchone()
    con.execute(f"DROP TRIGGER {trigger}")
    con.commit()
    con.close()
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        await verified(pilot)
        assert shown(app, "#chk-verify").startswith(
            "Vérification des livres : échouée (1 anomalie")
        assert trigger in shown(app, "#chk-verify")
        await pilot.press("c", "enter")
        await pilot.pause()
        assert shown(app, "#outcome").startswith(
            "Clôture refusée : la vérification des livres a échoué (1 anomalie)")
        assert shown(app, "#chk-state") == "État du mois : ouvert"
    assert not api.month_is_closed(books, Month(2026, 2))
    assert api.period_events(books) == []


async def test_reopen_needs_a_reason(books: api.Books) -> None:
    api.add_member(books, "FZ", "Fatima Zahra")
    sale(books, dt.date(2026, 2, 10))
    api.close_period(books, Month(2026, 2))
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        await verified(pilot)
        # Every month with entries is closed: the previous month is proposed.
        assert app.screen.query_one("#month", Input).value == "2026-02"
        assert shown(app, "#chk-state").startswith("État du mois : clôturé")
        await pilot.press("o")
        assert isinstance(app.screen, ReopenScreen)
        await pilot.press("enter")
        assert isinstance(app.screen, ReopenScreen)
        assert field_error(app, "reason") == "motif : obligatoire pour rouvrir un mois clôturé"
        assert api.month_is_closed(books, Month(2026, 2))
        await type_text(pilot, "Facture fournisseur [EDF] oubliee")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ClosingScreen)
        top = rows(app, "#events")[0]
        assert top[:2] == ["2026-02", "réouverture"]
        assert top[3:] == ["testeur", f"{api.chain_head(books).count}:"
                           f"{api.chain_head(books).hash[:16]}…",
                           "Facture fournisseur [EDF] oubliee"]
        assert shown(app, "#chk-state").startswith("État du mois : ouvert (rouvert le ")
        # No month closed any more: nothing to reopen.
        await pilot.press("o")
        assert isinstance(app.screen, ClosingScreen)
        assert shown(app, "#outcome") == "Réouverture refusée : aucun mois n'est clôturé"
    assert not api.month_is_closed(books, Month(2026, 2))
    ev = api.period_events(books)[-1]
    assert (ev.action, ev.reason, ev.actor) == ("reopen", "Facture fournisseur [EDF] oubliee",
                                                "testeur")
    sale(books, dt.date(2026, 2, 25))  # open again: accepted


async def test_reopen_on_an_open_month_offers_the_last_closed(books: api.Books) -> None:
    api.add_member(books, "FZ", "Fatima Zahra")
    for day in (dt.date(2025, 12, 5), dt.date(2026, 1, 5), dt.date(2026, 2, 5)):
        sale(books, day)
    api.close_period(books, Month(2025, 12))
    api.close_period(books, Month(2026, 1))
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        await verified(pilot)
        assert app.screen.query_one("#month", Input).value == "2026-02"
        await pilot.press("o")
        assert isinstance(app.screen, ReopenScreen)
        await pilot.press("escape")  # cancelled: the month shown is back
        await pilot.pause()
        assert app.screen.query_one("#month", Input).value == "2026-02"
        assert shown(app, "#chk-title") == "Contrôles de 2026-02"
        await pilot.press("o")
        assert isinstance(app.screen, ReopenScreen)
        assert app.screen.month == 202601
        assert "2026-02 n'est pas clôturé ; le dernier mois clôturé est 2026-01" in str(
            app.screen.query_one(".error", Static).content)
        await type_text(pilot, "Avoir client")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ClosingScreen)
        assert app.screen.query_one("#month", Input).value == "2026-01"
        assert shown(app, "#chk-title") == "Contrôles de 2026-01"
        assert shown(app, "#outcome").startswith("2026-01 rouvert.")
    assert [api.month_is_closed(books, Month.from_key(m)) for m in (202512, 202601)] == [
        True, False]


async def test_month_field(books: api.Books) -> None:
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        await verified(pilot)
        assert app.screen.query_one("#month", Input).value == "2026-02"  # empty books
        assert shown(app, "#chk-entries") == "Écritures du mois : aucune"
        await pilot.press("m")
        await type_text(pilot, "2026-13")
        await pilot.press("enter")
        assert shown(app, "#month-error") == "mois : « 2026-13 » n'est pas un mois (AAAA-MM)"
        await pilot.press("ctrl+u")
        await type_text(pilot, "2025-12")
        assert shown(app, "#chk-title") == "Contrôles de 2025-12"
        await pilot.press("enter")
        assert shown(app, "#month-error") == ""
        await pilot.press("c", "enter")
        await pilot.pause()
    assert api.month_is_closed(books, Month(2025, 12))


async def test_verification_of_big_books_runs_in_a_child_process(
        books: api.Books, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(closing, "THREAD_LIMIT", -1)
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        screen = await verified(pilot)
        assert shown(app, "#chk-verify").startswith("Vérification des livres : réussie")
        assert screen.report is not None and screen.report.head == api.chain_head(books)
    last = api.last_verify(books)
    assert last is not None and last.ok


async def test_palette_actions(books: api.Books) -> None:
    """The command palette calls these action names on the screens."""
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        app.run_on("membres", "add")
        await until(pilot, lambda: isinstance(app.screen, MemberAddScreen))
        await pilot.press("escape")
        app.run_on("plan", "add")
        await until(pilot, lambda: isinstance(app.screen, AccountAddScreen))
        await pilot.press("escape")
        app.run_on("cloture", "verify")
        await until(pilot, lambda: isinstance(app.screen, ClosingScreen))
        await verified(pilot)
        app.run_on("cloture", "close")
        await until(pilot, lambda: isinstance(app.screen, ConfirmCloseScreen))
        await pilot.press("escape")
        app.run_on("cloture", "reopen")
        await until(pilot, lambda: shown(app, "#outcome").startswith("Réouverture refusée"))
    assert api.period_events(books) == []
