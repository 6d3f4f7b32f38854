"""« Clôture de l'exercice » in the TUI (issue 15): from Clôture (F8) key y, the checklist,
the fixed-asset register and its form, the depreciation run after a confirmation, the close
(provisional, then reopened with a reason), the statements with N and N-1, and the palette's
entries; on read-only books no writing key is offered.

THE BOOKS — the sales test books (members FZ, KH, YS; the ECP's identity), the clock and the
app's today on 20 January 2026. Fiscal year 2025, in December only:

- 05/12/2025 BQ ECP: capital paid in 10 000,00 — 5141 ECP D 10 000,00 / 1111 ECP C;
- 10/12/2025 BQ FZ: cash sale 1 200,00 TTC — 5141 FZ D 1 200,00 / 7111 FZ C 1 000,00 /
  4455 FZ C 200,00;
- 15/12/2025 BQ ECP: postage 30,00 — 61451 ECP D 30,00 / 5141 ECP C 30,00.

Result 2025: 1 000,00 − 30,00 = 970,00 (FZ +1 000,00, ECP −30,00). Balance sheet at
31/12/2025: trésorerie 10 000 + 1 200 − 30 = 11 170,00 = capital 10 000,00 + résultat 970,00
+ dettes (4455) 200,00. Legal-reserve minimum: 5 % of 970,00 = 48,50 (the reserve, 0, is far
from 10 % of the capital, 1 000,00).

The close test closes December 2025 and declares its VAT on 10/01/2026 (200,00 due). The
Bilan test adds a year 2024: 05/12/2024 BQ ECP, a first capital of 5 000,00 (5141 / 1111),
so that N-1 shows trésorerie and capital 5 000,00 and N 16 170,00 and 15 000,00."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select
from textual.widgets._footer import FooterKey

from ecp import api
from ecp.kernel.periods import Month, Period
from ecp.ledger.entry import LineSpec
from ecp.tui.screens.closing import ClosingScreen
from ecp.tui.screens.year_end import YearEndScreen, fit_widths
from ecp.tui.screens.year_end_dialogs import (
    AddAssetScreen,
    AllocateScreen,
    ConfirmYearCloseScreen,
    DefineYearScreen,
    DepreciationScreen,
    DisposeAssetScreen,
    InventoryRunScreen,
    InventorySetScreen,
    ReopenYearScreen,
)
from tests.tui.pilot import (
    field_error,
    goto,
    palette,
    rows,
    run_app,
    settle,
    shown,
    type_text,
    until,
)

D = dt.date
TODAY = D(2026, 1, 20)


@pytest.fixture
def year_books(sales: api.Books) -> api.Books:
    """The year 2025 of the module docstring (the books ready to invoice: the ECP's whole
    identity, which the statements' PDF heads)."""
    books = sales
    books.clock = lambda: TODAY
    api.post_entry(books, "BQ", D(2025, 12, 5), "Apport en capital", [
        LineSpec("5141", "ECP", 1_000_000), LineSpec("1111", "ECP", -1_000_000)])
    api.post_entry(books, "BQ", D(2025, 12, 10), "Vente comptant", [
        LineSpec("5141", "FZ", 120_000), LineSpec("7111", "FZ", -100_000),
        LineSpec("4455", "FZ", -20_000)])
    api.post_entry(books, "BQ", D(2025, 12, 15), "Frais postaux", [
        LineSpec("61451", "ECP", 3_000), LineSpec("5141", "ECP", -3_000)])
    return books


async def open_year_end(pilot: Any) -> YearEndScreen:
    """F8, then y: the year-end screen, its checklist done."""
    await goto(pilot, "cloture")
    await pilot.press("y")
    await until(pilot, lambda: isinstance(pilot.app.screen, YearEndScreen))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, YearEndScreen)
    return screen


def steps(app: Any) -> list[str]:
    return [shown(app, f"#step-{i}") for i in range(8)]


def footer(app: Any) -> set[str]:
    return {k.key for k in app.screen.query(FooterKey)}


async def set_input(pilot: Any, widget: Input, text: str) -> None:
    widget.focus()
    widget.value = ""
    await type_text(pilot, text)


async def test_f8_y_opens_the_checklist(year_books: api.Books) -> None:
    """The year shown is 2025 (the latest open year with entries); its checklist stops at
    December 2025, still open; the footer offers the close key on this tab."""
    async with run_app(year_books, today=TODAY) as (app, pilot):
        screen = await open_year_end(pilot)
        assert screen.query_one("#year", Input).value == "2025"
        assert shown(app, "#year-state").startswith(
            "2025 : du 01/01/2025 au 31/12/2025 — ouvert — 3 écriture(s)")
        got = steps(app)
        assert got[0] == "✓ Exercice précédent clôturé — clôturé ou sans écritures"
        assert got[1] == ("✗ Mois de l'exercice clôturés — 1 mois ouvert(s), le premier : "
                          "2025-12 (ecp month close 2025-12 ; un mois où des brouillons sont "
                          "datés ne se clôture pas : les émettre ou les supprimer)")
        assert all(s.startswith("· ") for s in got[2:])
        assert shown(app, "#checks-outcome") == "Exercice 2025 : à compléter (étape « mois »)"
        assert {"c", "r", "e"} <= footer(app)
        assert "a" not in footer(app)  # the register's key shows with its tab
        await pilot.press("2")
        await settle(pilot)
        assert {"a", "s", "d"} <= footer(app) and "c" not in footer(app)
        # the Clôture tab: the result and the legal-reserve minimum (module docstring)
        await pilot.press("6")
        await settle(pilot)
        info = shown(app, "#close-info")
        assert "Exercice 2025 : ouvert." in info
        assert "bénéfice de 970,00 DH" in info
        assert "Réserve légale minimum à l'affectation : 48,50 DH" in info
        assert {"c", "f"} <= footer(app) and not {"o", "g"} & footer(app)  # open year
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ClosingScreen))


async def test_asset_form_refuses_then_adds(year_books: api.Books) -> None:
    """MAC1, a sewing machine 12 000,00 HT on 23321, bought 1 July 2025, 5 years linear: its
    2025 charge is 2 400,00 × 184 / 365 days (1 July – 31 December) = 1 209,863… → 1 209,86;
    net at 31/12/2025 10 790,14. A bad cost, then an account of class 6, are refused under
    their field, nothing written."""
    async with run_app(year_books, today=TODAY) as (app, pilot):
        screen = await open_year_end(pilot)
        await pilot.press("2")
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddAssetScreen))
        form = app.screen
        for field, text in (("code", "MAC1"), ("name", "Machine à coudre"),
                            ("account", "23321"), ("day", "2025-07-01"), ("cost", "12x"),
                            ("years", "5")):
            await set_input(pilot, form.query_one(f"#{field}", Input), text)
        await pilot.press("enter")
        await pilot.pause()
        assert field_error(app, "cost").startswith("coût : « 12x »")
        assert app.focused is form.query_one("#cost", Input)
        assert api.list_assets(year_books, 2025) == []
        await set_input(pilot, form.query_one("#cost", Input), "12000")
        await set_input(pilot, form.query_one("#account", Input), "6111")
        await pilot.press("enter")
        await pilot.pause()
        assert field_error(app, "cost") == ""
        assert field_error(app, "account") == (
            "compte : 6111 n'est pas un compte d'immobilisation (classe 2, hors 28 et 29)")
        assert api.list_assets(year_books, 2025) == []
        await set_input(pilot, form.query_one("#account", Input), "23321")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        [row] = api.list_assets(year_books, 2025)
        assert (row.asset.code, row.asset.cost, row.cumulated, row.net) == (
            "MAC1", 1_200_000, 120_986, 1_079_014)
        assert rows(app, "#assets") == [[
            "MAC1", "Machine à coudre", "23321", "ECP", "01/07/2025", "lin. 5 ans",
            "12 000,00", "1 209,86", "10 790,14", ""]]
        assert shown(app, "#msg").startswith("Immobilisation MAC1 enregistrée")


async def test_depreciation_run_after_confirmation(year_books: api.Books) -> None:
    """MAC1 of the test above: the confirmation lists 61933 D / 28332 C 1 209,86 for ECP;
    Escape posts nothing; Enter posts the OD entry, and a second run has nothing to post."""
    api.add_asset(year_books, "MAC1", "23321", "Machine à coudre", D(2025, 7, 1), 1_200_000,
                  years=5)
    async with run_app(year_books, today=TODAY) as (app, pilot):
        screen = await open_year_end(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert rows(app, "#depr") == [[
            "MAC1", "Machine à coudre", "ECP", "linéaire", "61933", "28332", "1 209,86",
            "1 209,86", "10 790,14"]]
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DepreciationScreen))
        text = [" ".join(ln.split()) for ln in shown(app, "#posting").splitlines()]
        assert "MAC1 ECP 61933 28332 1 209,86" in text
        assert "Total 1 209,86" in text
        assert app.screen.query_one("#day", Input).value == "31/12/2025"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        with api.postings(year_books) as found:
            assert not [r for r in found if r.account == "28332"]
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DepreciationScreen))
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        await settle(pilot)
        with api.postings(year_books) as found:
            assert sorted((r.account, r.dimension, r.amount) for r in found
                          if r.account in ("28332", "61933")) == [
                ("28332", "ECP", -120_986), ("61933", "ECP", 120_986)]
        assert shown(app, "#depr-result").startswith(
            "Amortissements 2025 : MAC1 (ECP) 1 209,86 DH (OD-2025-")
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DepreciationScreen))
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        assert shown(app, "#depr-result") == (
            "Amortissements 2025 : rien à passer, tout est à jour.")


async def test_dispose_after_a_bad_price(year_books: api.Books) -> None:
    """MAC1 (12 000,00 on 23321, 1 July 2025, 5 years) sold on 31/12/2025 for 11 000,00: the
    charge up to the disposal, 1 209,86 (the whole 2025 charge: 184 days), is posted first,
    then 28332 D 1 209,86, 6513 D 12 000,00 − 1 209,86 = 10 790,14, 23321 C 12 000,00, 3481 D
    11 000,00, 7513 C 11 000,00. A price « onze mille » is refused under its field first."""
    api.add_asset(year_books, "MAC1", "23321", "Machine à coudre", D(2025, 7, 1), 1_200_000,
                  years=5)
    async with run_app(year_books, today=TODAY) as (app, pilot):
        screen = await open_year_end(pilot)
        await pilot.press("2")
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, DisposeAssetScreen))
        form = app.screen
        assert form.query_one("#code", Input).value == "MAC1"  # the row selected
        await set_input(pilot, form.query_one("#day", Input), "2025-12-31")
        await set_input(pilot, form.query_one("#price", Input), "onze mille")
        await pilot.press("enter")
        await pilot.pause()
        assert field_error(app, "price").startswith("prix : « onze mille »")
        await set_input(pilot, form.query_one("#price", Input), "11 000,00")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        with api.postings(year_books) as found:
            moved = sorted((r.account, r.amount) for r in found
                           if r.account in ("28332", "61933", "6513", "23321", "3481", "7513"))
        assert moved == [("23321", -1_200_000), ("28332", -120_986), ("28332", 120_986),
                         ("3481", 1_100_000), ("61933", 120_986), ("6513", 1_079_014),
                         ("7513", -1_100_000)]
        assert shown(app, "#msg").endswith(
            ": brut 12 000,00, amortissements 1 209,86, VNC 10 790,14, prix 11 000,00 DH ; "
            "dotation jusqu'à la cession 1 209,86 DH")
        assert rows(app, "#assets")[0][-1] == "31/12/2025"


async def test_inventory_by_hand_then_run(year_books: api.Books) -> None:
    """FZ's raw materials counted at 1 500,00 (m): the run's confirmation shows the variation
    1 500,00 against a book stock of 0,00; Enter posts 3121 FZ D 1 500,00 / 61241 FZ C."""
    async with run_app(year_books, today=TODAY) as (app, pilot):
        screen = await open_year_end(pilot)
        await pilot.press("4")
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, InventorySetScreen))
        form = app.screen
        form.query_one("#member", Select).value = "FZ"
        await set_input(pilot, form.query_one("#value", Input), "1 500,00")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        assert rows(app, "#inventory") == [
            ["FZ", "matières", "à la main", "1 500,00", "0,00", "1 500,00"]]
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, InventoryRunScreen))
        text = [" ".join(ln.split()) for ln in shown(app, "#posting").splitlines()]
        assert "FZ matieres 1 500,00 0,00 1 500,00" in text
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        with api.postings(year_books) as found:
            assert sorted((r.account, r.dimension, r.amount) for r in found
                          if r.account in ("3121", "61241")) == [
                ("3121", "FZ", 150_000), ("61241", "FZ", -150_000)]
        assert shown(app, "#inventory-title") == "Stocks au 31/12/2025 : rien à passer"


async def test_close_then_reopen(year_books: api.Books) -> None:
    """December closed and its VAT declared: every check passes; the close (after its
    confirmation, which states the 970,00 result) posts the CL and AN entries; the year is
    « clôture provisoire »; reopened with a reason (an empty one refused), it is open again and
    the log shows both."""
    api.close_period(year_books, Month.parse("2025-12"))
    api.vat_declare(year_books, Period.parse("2025-12"), D(2026, 1, 10))
    async with run_app(year_books, today=TODAY) as (app, pilot):
        screen = await open_year_end(pilot)
        got = steps(app)
        assert got[1] == "✓ Mois de l'exercice clôturés — 1 mois clôturés (2025-12 à 2025-12)"
        assert got[6] == ("✓ Vérification des livres (chaîne, soldes) — chaîne intacte, "
                          "soldes exacts")
        assert shown(app, "#checks-outcome").startswith("Exercice 2025 : prêt à clôturer")
        await pilot.press("6")
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ConfirmYearCloseScreen))
        what = shown(app, "#what")
        assert "Résultat de l'exercice (entité) : bénéfice de 970,00 DH." in what
        assert "Clôture provisoire : elle peut être rouverte" in what
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen and not screen.running)
        await settle(pilot)
        assert [y.status for y in api.list_years(year_books) if y.year == 2025] == [
            "provisional"]
        assert steps(app)[7].startswith(
            "✓ Clôture : écritures CL et AN — exercice 2025 : clôture provisoire, ")
        assert "970,00 DH" in steps(app)[7]
        assert shown(app, "#checks-outcome").startswith(
            "Exercice 2025 : clôture provisoire — ")
        assert "ouvert" not in shown(app, "#year-state").split("·")[0]
        await pilot.press("6")
        await settle(pilot)
        assert {"o", "f", "g"} <= footer(app) and "c" not in footer(app)
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, ReopenYearScreen))
        await pilot.press("enter")
        await pilot.pause()
        assert field_error(app, "reason") != ""
        assert api.year_events(year_books)[-1].action == "close"
        await type_text(pilot, "facture oubliée")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        await settle(pilot)
        assert [y.status for y in api.list_years(year_books) if y.year == 2025] == ["open"]
        assert [(e.action, e.reason) for e in api.year_events(year_books)] == [
            ("close", ""), ("reopen", "facture oubliée")]
        await pilot.press("7")
        await settle(pilot)
        assert [r[:2] + r[5:] for r in rows(app, "#events")] == [
            ["2025", "réouverture", "facture oubliée"], ["2025", "clôture", ""]]


async def test_allocation_form_shows_the_minimum(year_books: api.Books) -> None:
    """After the close, g opens the allocation with the minimum 48,50 and the report à
    nouveau 970,00 − 48,50 = 921,50; a reserve below the minimum is refused under its field."""
    api.close_period(year_books, Month.parse("2025-12"))
    api.vat_declare(year_books, Period.parse("2025-12"), D(2026, 1, 10))
    _, out = api.close_year(year_books, 2025)
    assert out is not None
    async with run_app(year_books, today=TODAY) as (app, pilot):
        screen = await open_year_end(pilot)
        # 2025 closed, the year shown is 2026 (open, with the à-nouveaux): e, then 2025
        assert screen.query_one("#year", Input).value == "2026"
        await pilot.press("e")
        await set_input(pilot, screen.query_one("#year", Input), "2025")
        await pilot.press("enter")
        await settle(pilot)
        assert shown(app, "#year-state").startswith("2025 : du 01/01/2025 au 31/12/2025 — "
                                                    "clôture provisoire")
        await pilot.press("6")
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, AllocateScreen))
        form = app.screen
        assert "Réserve légale minimum : 48,50 DH" in shown(app, "#rule")
        assert form.query_one("#legal_reserve", Input).value == "48,50"
        assert form.query_one("#retained", Input).value == "921,50"
        await set_input(pilot, form.query_one("#legal_reserve", Input), "10")
        await set_input(pilot, form.query_one("#retained", Input), "960")
        await pilot.press("enter")
        await pilot.pause()
        assert field_error(app, "legal_reserve").startswith(
            "réserve légale : 10,00 DH < 48,50 DH")
        await set_input(pilot, form.query_one("#legal_reserve", Input), "48,50")
        await set_input(pilot, form.query_one("#retained", Input), "921,50")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        assert api.year_events(year_books)[-1].action == "allocate"
        assert "Résultat affecté le" in shown(app, "#close-info")


async def test_bilan_n_and_n1(year_books: api.Books, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    """With 2024's capital of 5 000,00: N (2025) and N-1 (2024) side by side; x writes the
    statement shown as CSV; t moves to the CPC (ventes de marchandises, 7111, 1 000,00), then
    the ESG (modèle normal only: n forces it; marge brute 1 000,00 − 0 achats revendus); p
    writes its PDF, l the liasse."""
    from ecp.tui.screens import year_end

    api.post_entry(year_books, "BQ", D(2024, 12, 5), "Premier apport", [
        LineSpec("5141", "ECP", 500_000), LineSpec("1111", "ECP", -500_000)])
    out = tmp_path / "exports"
    out.mkdir()
    monkeypatch.setattr(year_end, "EXPORT_DIR", out)
    async with run_app(year_books, today=TODAY) as (app, pilot):
        screen = await open_year_end(pilot)
        # 2024 is open too: the oldest comes first (years close in order)
        assert screen.query_one("#year", Input).value == "2024"
        await set_input(pilot, screen.query_one("#year", Input), "2025")
        await pilot.press("enter")
        await pilot.press("5")
        await settle(pilot)
        assert shown(app, "#statement-title").startswith("Bilan de l'exercice 2025")
        bilan = {r[0]: r[1:] for r in rows(app, "#statement")}
        assert bilan["Trésorerie - actif"] == ["16 170,00", "", "16 170,00", "5 000,00"]
        assert bilan["Capital social ou personnel"][-2:] == ["15 000,00", "5 000,00"]
        assert bilan["Résultat net de l'exercice"][-2:] == ["970,00", ""]
        assert bilan["Dettes du passif circulant"][-2:] == ["200,00", ""]
        assert bilan["Total général - passif"][-2:] == ["16 170,00", "5 000,00"]
        await pilot.press("x")
        await settle(pilot)
        csv = (out / "bilan-2025.csv").read_text(encoding="utf-8")
        assert "16170.00" in csv and "5000.00" in csv
        await pilot.press("t")
        await settle(pilot)
        assert shown(app, "#statement-title").startswith(
            "Compte de produits et charges de l'exercice 2025")
        cpc = {r[0]: r[1:] for r in rows(app, "#statement")}
        assert cpc["Ventes de marchandises (en l'état)"][0] == "1 000,00"  # 7111
        # the ESG is not part of the modèle simplifié (turnover 1 000,00 ≤ 10 000 000,00):
        # said, with the key that forces the modèle normal
        await pilot.press("t")
        await settle(pilot)
        assert shown(app, "#statement-title").startswith(
            "ESG 2025 : l'état des soldes de gestion (ESG) ne fait pas partie du modèle "
            "simplifié")
        assert shown(app, "#statement-title").endswith("(n : changer de modèle)")
        await pilot.press("n")
        await settle(pilot)
        assert "modèle normal" in shown(app, "#statement-title")
        esg = {r[1]: r[2:] for r in rows(app, "#statement")}
        assert esg["= Marge brute sur ventes en l'état"] == ["1 000,00", "0,00"]
        # p: the PDF of the statement shown; l: the liasse, one CSV per table
        await pilot.press("p")
        await settle(pilot)
        assert (out / "esg-2025.pdf").read_bytes().startswith(b"%PDF")
        await pilot.press("l")
        await settle(pilot)
        assert (out / "liasse-2025" / "04-esg.csv").is_file()
        assert shown(app, "#msg").startswith(
            f"Liasse 2025 écrite : 10 fichiers dans {out / 'liasse-2025'}")


async def test_palette_reaches_the_year_end(year_books: api.Books) -> None:
    """« immobilisation : ajouter » opens the asset form over the year-end screen;
    « états : bilan » shows the Bilan tab."""
    async with run_app(year_books, today=TODAY) as (app, pilot):
        await palette(pilot, "immobilisation : ajouter")
        await until(pilot, lambda: isinstance(app.screen, AddAssetScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, YearEndScreen))
        await settle(pilot)
        await palette(pilot, "états : bilan")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, YearEndScreen) and screen.tab == "etats"
        assert shown(app, "#statement-title").startswith("Bilan de l'exercice 2025")


async def test_read_only_offers_no_writing_key(demo_path: Path) -> None:
    """On the auditor's books the year-end screen shows its tabs and the statements, and no
    key that would write (a, s, d, m, i, c, f, o, g)."""
    books = api.open_books(str(demo_path), read_only=True)
    try:
        async with run_app(books, today=D(2026, 11, 28)) as (app, pilot):
            await open_year_end(pilot)
            seen: set[str] = set()
            for tab in "1234567":
                await pilot.press(tab)
                await settle(pilot)
                seen |= footer(app)
            assert not {"a", "s", "d", "m", "i", "c", "f", "o", "g"} & seen
            assert {"r", "t", "x", "e"} <= seen
            await pilot.press("5")
            await pilot.press("c")  # refused: nothing opens
            await settle(pilot)
            assert isinstance(app.screen, YearEndScreen)
    finally:
        books.engine.dispose()


def test_columns_fit_the_screen() -> None:
    """At 200 columns every header and cell is whole; at 120, the amounts keep their
    figures and the « Poste » column its text (the headers share what is left)."""
    from ecp.reports.tables import Column, Money, Row, Table

    t = Table("", (Column("poste", "Poste", width=44),
                   Column("n", "Propres à l'exercice (1)", "right", 14),
                   Column("n1", "Exercice N-1", "right", 14)),
              (Row(("Ventes de biens et services produits", Money(10_551_000),
                    Money(0, True))),))
    assert fit_widths(t, 200) == [36, 24, 12]
    # 70 columns: 70 − 4 − 6 = 60 for the cells; the amounts at 10 ("105 510,00"), the
    # poste whole (36), then 4 more for the first amount's header
    assert fit_widths(t, 70) == [36, 14, 10]


async def test_first_year_defined_from_the_close_tab(year_books: api.Books) -> None:
    """Clôture tab, b: the first year 2025 starts on 01/12/2025 (the books' first entry is on
    05/12); a start after that entry is refused under the field, nothing written; then
    01/12/2025 is taken: the year runs 01/12/2025 – 31/12/2025."""
    async with run_app(year_books, today=TODAY) as (app, pilot):
        await open_year_end(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, DefineYearScreen))
        await type_text(pilot, "2025-12-06")
        await pilot.press("enter")
        await settle(pilot)
        assert "05/12/2025" in field_error(app, "start") or \
            "2025-12-05" in field_error(app, "start")
        assert [(y.year, y.start) for y in api.list_years(year_books)] == [(2025, 20250101)]
        await set_input(pilot, app.screen.query_one("#start", Input), "2025-12-01")
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, DefineYearScreen))
        assert [(y.year, y.start, y.end) for y in api.list_years(year_books)] == [
            (2025, 20251201, 20251231)]
