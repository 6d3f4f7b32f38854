"""The VAT cycle in the TUI (issue 13): F10 shows the return of the next period to declare with
its DGI line codes and each dimension's position; ``d`` declares after a confirmation stating
what is posted, ``p`` records the payment, ``a`` cancels a declaration (reason mandatory), ``x``
writes the relevé des déductions (XML and CSV), ``i`` the return's PDF. The month-end checklist
and the Tableau de bord (and ``ecp report dashboard``) say what is still to declare or pay.

THE BOOKS — the sales test books (members FZ, KH, YS; supplier TISSUS), regime encaissement,
filing mensuel, the books' clock and the app's today on 20 May 2026:

- 10 March, FZ sells at the counter, typed by hand: 5161 D 1 200,00 / 7111 C 1 000,00 / 4455
  C 200,00 (VAT collected 200,00, shown on the return as « REG », an entry outside invoices).
- KH's bill from TISSUS, 5 March, 150,00 HT at 20 % on 6111 (VAT 30,00, TTC 180,00), paid
  on 15 March by transfer: 30,00 deductible (34554 → 34552), line 146 (base 150,00).
- 12 April, FZ again: 5161 D 600,00 / 7111 C 500,00 / 4455 C 100,00.

March: FZ owes 200,00, KH is in credit of 30,00: the ECP as a whole owes 200 − 30 = 170,00
(line 200). KH's credit is imputed on the ECP through the liaison account: the declaration
posts 4455 FZ D 200,00; 34552 KH C 30,00; 4456 FZ C 200,00; 44881 KH D 30,00; 44881 ECP
C 30,00; 4456 ECP D 30,00 — debits 200 + 30 + 30 = 260,00 = credits 30 + 200 + 30; Σ 4456 =
−200 + 30 = −170,00 due. Its payment: 4456 FZ D 200,00 / 5141 FZ C 200,00; 4456 ECP C 30,00
/ 5141 ECP D 30,00 (paid 200 − 30 = 170,00); a 12,50 penalty: 65831 ECP D / 5141 ECP C.
April: FZ owes 100,00 (line 200)."""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from ecp import api, cli
from ecp.kernel.periods import Month, Period
from ecp.kernel.units import Rate
from ecp.ledger.entry import LineSpec
from ecp.tui.screens import vat as vat_screen
from ecp.tui.screens.month_end import MonthEndScreen
from ecp.tui.screens.vat import DeclareScreen, PayScreen, ReverseScreen, VatScreen
from tests.tui.pilot import field_error, goto, rows, run_app, settle, shown, type_text, until

D = dt.date
TODAY = D(2026, 5, 20)
MARCH, APRIL = Period.parse("2026-03"), Period.parse("2026-04")
TABLES = ("entries", "lines", "vat_declarations", "vat_reversals", "vat_payments")


@pytest.fixture
def vat_books(sales: api.Books) -> api.Books:
    """The books of the module docstring."""
    sales.clock = lambda: TODAY
    api.post_entry(sales, "OD", D(2026, 3, 10), "Vente au comptoir", [
        LineSpec("5161", "FZ", 120_000), LineSpec("7111", "FZ", -100_000),
        LineSpec("4455", "FZ", -20_000)])
    bill = api.add_expense(sales, "KH", "TISSUS", D(2026, 3, 5), "6111", 15_000, Rate(2000),
                           reference="F-7")
    api.settle_expense(sales, bill, D(2026, 3, 15), "virement")
    api.post_entry(sales, "OD", D(2026, 4, 12), "Vente au comptoir", [
        LineSpec("5161", "FZ", 60_000), LineSpec("7111", "FZ", -50_000),
        LineSpec("4455", "FZ", -10_000)])
    return sales


def lines_of(books: api.Books, entry: str | None) -> list[tuple[str, str, int]]:
    """(account, dimension, amount) of one entry's lines, sorted."""
    with api.postings(books) as found:
        return sorted((r.account, r.dimension, r.amount) for r in found if r.entry == entry)


async def set_input(pilot: Any, widget: Input, text: str) -> None:
    widget.focus()
    widget.value = ""
    await type_text(pilot, text)


async def test_declare_then_pay_from_f10(vat_books: api.Books, rows_of: Any) -> None:
    async with run_app(vat_books, today=TODAY) as (app, pilot):
        screen = await goto(pilot, "tva")
        assert isinstance(screen, VatScreen)
        # the first period to declare, with its line codes and the positions
        assert screen.query_one("#f-period", Input).value == "2026-03"
        ret = {r[0]: r[2:] for r in rows(app, "#ret-table")}
        assert ret["REG"] == ["", "200,00"]
        assert ret["130"] == ["", "200,00"]
        assert ret["146"] == ["150,00", "30,00"]
        assert ret["190"] == ["", "30,00"]
        assert (ret["200"], ret["201"]) == (["", "170,00"], ["", "0,00"])
        assert rows(app, "#pos-table") == [
            ["FZ", "200,00", "", "", "", "200,00"],
            ["KH", "0,00", "30,00", "", "", "-30,00"],
            ["Total", "200,00", "30,00", "0,00", "0,00", "170,00"]]
        assert shown(app, "#ret-title") == "Déclaration de TVA 2026-03 — non déclarée"
        assert shown(app, "#vat-state").startswith(
            "2026-03 : non déclarée (TVA due 170,00 DH si déclarée maintenant) — TVA : "
            "2026-03, 2026-04 à déclarer")

        # d: the confirmation states what is posted; Escape declares nothing
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DeclareScreen))
        text = [ln.strip() for ln in shown(app, "#posting").splitlines()]
        assert text[0] == "TVA due : 170,00 DH, à payer ensuite (p) au crédit de 4456"
        assert "Écriture au journal OD « Déclaration de TVA 2026-03 »" in text[2]
        table = [re.split(r"\s{2,}", ln) for ln in text[text.index(next(
            t for t in text if t.startswith("Compte"))):]]
        assert table == [
            ["Compte Intitulé", "Débit", "Crédit"],
            ["4455", "État – TVA facturée", "200,00"],
            ["34552", "État – TVA récup. sur charges", "30,00"],
            ["44881", "Liaison membres – ECP (imputation)", "30,00", "30,00"],
            ["4456", "État – TVA due (suivant déclarations)", "30,00", "200,00"],
            ["Total", "260,00", "260,00"]]
        assert app.screen.query_one("#day", Input).value == "20/05/2026"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, VatScreen))
        assert api.vat_declarations(vat_books) == []
        # d, Enter: declared
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DeclareScreen))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, VatScreen))
        [d] = api.vat_declarations(vat_books)
        assert (d.period, d.day, d.due, d.credit, d.status) == (
            "2026-03", TODAY, 17_000, 0, "à payer")
        assert lines_of(vat_books, d.entry) == sorted([
            ("4455", "FZ", 20_000), ("34552", "KH", -3_000), ("4456", "FZ", -20_000),
            ("44881", "KH", 3_000), ("44881", "ECP", -3_000), ("4456", "ECP", 3_000)])
        assert shown(app, "#ret-title") == \
            "Déclaration de TVA 2026-03 — déclarée le 20/05/2026 (à payer)"
        assert shown(app, "#vat-state") == (
            f"2026-03 : déclarée le 20/05/2026 ({d.entry}), TVA due 170,00 DH, à payer — "
            "TVA : 2026-04 à déclarer ; 2026-03 à payer (170,00 DH)")
        assert rows(app, "#decl-table") == [
            ["2026-03", "20/05/2026", "170,00", "0,00", d.entry, "à payer", "", ""]]
        # d again: already declared, said, nothing opens
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, VatScreen)

        # p with a date that is none, then one before the declaration: each on the date
        # field, nothing written
        before = rows_of(vat_books.path, TABLES)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, PayScreen))
        form = app.screen
        await set_input(pilot, form.query_one("#day", Input), "2026-02-30")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PayScreen)
        assert "2026-02-30" in field_error(app, "day")
        await set_input(pilot, form.query_one("#day", Input), "2026-05-19")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PayScreen)
        assert field_error(app, "day") == (
            "date : le paiement ne peut précéder la déclaration (2026-05-20)")
        assert app.screen.focused is form.query_one("#day", Input)
        # a penalty that is no amount: on its field
        await set_input(pilot, form.query_one("#day", Input), "2026-05-20")
        await set_input(pilot, form.query_one("#penalty", Input), "12,505")
        await pilot.press("enter")
        await pilot.pause()
        assert field_error(app, "penalty") == "pénalité : « 12,505 » a plus de deux décimales"
        assert field_error(app, "day") == ""
        assert rows_of(vat_books.path, TABLES) == before
        # corrected: paid
        await set_input(pilot, form.query_one("#penalty", Input), "12,50")
        await set_input(pilot, form.query_one("#reference", Input), "Q-2026-0042")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, VatScreen))
        [d] = api.vat_declarations(vat_books)
        assert (d.status, d.paid_on, d.paid, d.penalty) == ("payée", TODAY, 17_000, 1_250)
        assert lines_of(vat_books, d.payment_entry) == sorted([
            ("4456", "FZ", 20_000), ("5141", "FZ", -20_000), ("4456", "ECP", -3_000),
            ("5141", "ECP", 3_000), ("65831", "ECP", 1_250), ("5141", "ECP", -1_250)])
        assert shown(app, "#vat-state") == (
            f"2026-03 : déclarée le 20/05/2026 ({d.entry}), TVA due 170,00 DH, payée le "
            f"20/05/2026 ({d.payment_entry}) — TVA : 2026-04 à déclarer")
        assert rows(app, "#decl-table")[0][5:] == ["payée", "20/05/2026", d.payment_entry]


async def test_reverse_needs_a_reason(vat_books: api.Books, rows_of: Any) -> None:
    """March declared and paid, April declared (due 100,00, unpaid): ``a`` on April. Without
    a reason the form refuses on its field and writes nothing; with one, April's entry is
    reversed and the period is to declare again."""
    api.vat_declare(vat_books, MARCH, TODAY)
    api.vat_pay(vat_books, MARCH, TODAY)
    april = api.vat_declare(vat_books, APRIL, TODAY).declaration
    assert (april.due, april.status) == (10_000, "à payer")
    async with run_app(vat_books, today=TODAY) as (app, pilot):
        screen = await goto(pilot, "tva")
        # nothing left to declare (May is not over): the last complete month, April, is
        # shown (not May, still running: issue 17, 8)
        period = screen.query_one("#f-period", Input)
        assert period.value == "2026-04"
        await pilot.press("f")
        await set_input(pilot, period, "2026-04")
        await pilot.press("enter")
        await pilot.pause()
        assert shown(app, "#ret-title") == \
            "Déclaration de TVA 2026-04 — déclarée le 20/05/2026 (à payer)"
        assert {r[0]: r[3] for r in rows(app, "#ret-table")}["200"] == "100,00"
        before = rows_of(vat_books.path, TABLES)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ReverseScreen))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReverseScreen)
        assert field_error(app, "reason") == "motif : obligatoire pour annuler une déclaration"
        assert rows_of(vat_books.path, TABLES) == before
        await type_text(pilot, "erreur de saisie")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, VatScreen))
        assert shown(app, "#ret-title") == "Déclaration de TVA 2026-04 — non déclarée"
        assert "TVA : 2026-04 à déclarer" in shown(app, "#vat-state")
    d = api.vat_declarations(vat_books, APRIL)[-1]
    assert (d.status, d.reversed_on, d.reason) == ("annulée", TODAY, "erreur de saisie")
    # the reversal posts the declaration's lines the other way
    assert lines_of(vat_books, d.reversal_entry) == [
        (a, dim, -amount) for a, dim, amount in lines_of(vat_books, d.entry)]
    assert [x.status for x in api.vat_declarations(vat_books)] == ["payée", "annulée"]


async def test_releve_xml_and_pdf(vat_books: api.Books, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """x: March's relevé des déductions, KH's bill paid on 15 March: one line, 150,00 HT,
    VAT 30,00 (the return's deductible VAT), TTC 180,00, transfer (mode 4); the CSV twin
    beside it. i: the return's PDF, with its line codes."""
    monkeypatch.setattr(vat_screen, "EXPORT_DIR", tmp_path)
    async with run_app(vat_books, today=TODAY) as (app, pilot):
        await goto(pilot, "tva")
        await pilot.press("x")
        await settle(pilot)
        xml = tmp_path / "releve-deductions-2026-03.xml"
        assert shown(app, "#vat-msg") == (
            f"Relevé des déductions écrit : {xml} et {tmp_path / 'releve-deductions-2026-03.csv'}")
        await pilot.press("i")
        await settle(pilot)
        pdf = tmp_path / "declaration-tva-2026-03.pdf"
        assert shown(app, "#vat-msg") == f"PDF écrit : {pdf}"
    root = ET.parse(xml).getroot()
    assert root.tag == "DeclarationReleveDeduction"
    [rd] = root.iter("rd")
    assert [rd.findtext(t) for t in ("ord", "mht", "tva", "ttc", "tx", "dpai", "dfac")] == [
        "1", "150.00", "30.00", "180.00", "0.20", "2026-03-15", "2026-03-05"]
    assert rd.findtext("mp/id") == "4"
    assert rd.findtext("refF/ice") == "001234567000062"
    assert (tmp_path / "releve-deductions-2026-03.csv").exists()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    lines = [ln.replace("\u00a0", " ").strip() for ln in text.splitlines()]
    assert "Déclaration de TVA" in lines and "non déclarée" in lines
    for code in ("10", "60", "REG", "130", "146", "170", "190", "200", "201"):
        assert code in lines
    assert "170,00" in lines and "150,00" in lines


@pytest.fixture
def audit_books(demo_path: Path) -> Iterator[api.Books]:
    b = api.open_books(str(demo_path), read_only=True)
    try:
        yield b
    finally:
        b.engine.dispose()


async def test_read_only_books_offer_no_declaration(audit_books: api.Books) -> None:
    """On the auditor's books F10 offers the relevé, the PDF and the CSV, not declare, pay
    or cancel; a key pressed anyway opens nothing."""
    async with run_app(audit_books, today=D(2026, 12, 5)) as (app, pilot):
        await goto(pilot, "tva")
        await settle(pilot)
        keys = {k.key for k in app.screen.query(FooterKey)}
        assert {"x", "i", "c", "f"} <= keys
        assert not {"d", "p", "a"} & keys
        for key in ("d", "p", "a"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, VatScreen)


async def test_dashboard_and_month_end_say_what_is_pending(
        vat_books: api.Books, capsys: pytest.CaptureFixture[str]) -> None:
    """Before anything is declared: March and April to declare, nothing to pay. March
    declared (170,00 due): April to declare, March to pay 170,00 — on the Tableau de bord,
    ``ecp report dashboard`` and the month-end checklist, which still closes (informative)."""
    async with run_app(vat_books, today=TODAY) as (app, pilot):
        figures = {r[0]: r[1] for r in rows(app, "#figures")}
        assert figures["TVA à déclarer : 2026-03, 2026-04"] == ""
        assert figures["TVA à payer : rien"] == "0,00"
        api.vat_declare(vat_books, MARCH, TODAY)
        await pilot.press("r")
        await pilot.pause()
        figures = {r[0]: r[1] for r in rows(app, "#figures")}
        assert figures["TVA à déclarer : 2026-04"] == ""
        assert figures["TVA à payer : 2026-03"] == "170,00"
        # the month-end checklist, from Clôture: the TVA line says it before the run
        await goto(pilot, "cloture")
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, MonthEndScreen))
        assert shown(app, "#step-3") == (
            "· TVA du mois : exigible, en attente ; périodes à déclarer ou à payer — TVA : "
            "2026-04 à déclarer ; 2026-03 à payer (170,00 DH)")
    db = str(vat_books.path)
    assert cli.main(["--db", db, "report", "dashboard", "--today", "2026-05-20",
                     "--format", "csv"]) == 0
    csv = dict(ln.split(",", 1) for ln in capsys.readouterr().out.splitlines()[1:])
    assert (csv["tva_a_declarer"], csv["tva_a_payer_periodes"], csv["tva_a_payer"]) == (
        "2026-04", "2026-03", "170.00")
    assert cli.main(["--db", db, "report", "dashboard", "--today", "2026-05-20"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"\nTVA à déclarer : 2026-04 *\n", out)
    assert re.search(r"\nTVA à payer : 2026-03 +170,00\n", out)
    steps = api.month_close(vat_books, Month.parse("2026-03"))
    vat = next(s for s in steps if s.name == "TVA")
    assert vat.ok and vat.detail.endswith(
        "(passe en exigible au règlement). TVA : 2026-04 à déclarer ; 2026-03 à payer "
        "(170,00 DH)")
    assert [s.ok for s in steps] == [True] * 8
