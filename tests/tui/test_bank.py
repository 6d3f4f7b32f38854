"""Banque (F12), keyboard only with Pilot: a statement imported through the dialog, an
invoice's exact match accepted with Enter and the confirmation (which says what is posted), a
line matched by hand by typing the invoice number, a rule made from the CNSS line (a wrong
account refused next to its field) and applied, the automatic matching, and the
reconciliation with no gap. Each step checks the screen and what the books hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList

from ecp import api
from ecp.kernel.periods import Month
from ecp.kernel.units import Quantity, Rate
from ecp.ledger.entry import LineSpec
from ecp.sales.documents import LineInput
from ecp.tui.app import EcpApp
from ecp.tui.kit.forms import FieldError
from ecp.tui.screens.bank import BankScreen
from ecp.tui.screens.bank_dialogs import (
    AcceptScreen,
    ImportScreen,
    MatchSearchScreen,
    ReconciliationScreen,
    RuleFormScreen,
)
from tests.tui.pilot import rendered as shown
from tests.tui.pilot import type_text, until

D = dt.date
TODAY = D(2026, 3, 31)
SIZE = (160, 45)
HEAD = "Date opération;Libellé;Débit;Crédit\n"


def L(desc: str, qty: str, price: str, rate: str, account: str = "71211") -> LineInput:
    """A typed line from the figures as a bookkeeper says them (units, DH, %)."""
    return LineInput(desc, Quantity(int(qty) * 1000), int(price) * 100, Rate(int(rate) * 100),
                     account)


def rows(app: EcpApp, selector: str = "#bank-lines") -> list[list[str]]:
    t = app.screen.query_one(selector, DataTable)
    return [[str(c).strip() for c in t.get_row_at(i)] for i in range(t.row_count)]


def cursor_label(app: EcpApp) -> str:
    t = app.screen.query_one("#bank-lines", DataTable)
    return str(t.get_row_at(t.cursor_row)[2])


async def go_to(pilot: Pilot[Any], app: EcpApp, label: str) -> None:
    """Move the cursor with the arrow keys to the first row whose libellé is ``label``."""
    labels = [r[2] for r in rows(app)]
    t = app.screen.query_one("#bank-lines", DataTable)
    target = labels.index(label)
    key = "down" if target > t.cursor_row else "up"
    await pilot.press(*[key] * abs(target - t.cursor_row))
    assert cursor_label(app) == label


def statuses(books: api.Books) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for ln in api.bank_lines(books):
        out.setdefault(ln.label, []).append(ln.status)
    return out


async def test_statement_matched_by_keyboard(sales: api.Books, tmp_path: Path) -> None:
    f1 = api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 2),
                              lines=[L("Caftans", "2", "1000", "20")])  # 2 400,00
    f2 = api.create_and_issue(sales, "facture", "KH", "HOTEL", D(2026, 3, 3),
                              lines=[L("Traiteur", "1", "500", "10", "7111")])  # 550,00
    f3 = api.create_and_issue(sales, "facture", "FZ", "AMINA", D(2026, 3, 4),
                              lines=[L("Retouches", "1", "300", "20", "71243")])  # 360,00
    api.add_expense(sales, "FZ", "TISSUS", D(2026, 3, 5), "6111", 50000, Rate(2000),
                    reference="TN-77")  # 600,00
    api.contribution_run(sales, Month(2026, 3))
    api.post_entry(sales, "AN", D(2026, 3, 1), "Fonds de roulement FZ", [
        LineSpec("5141", "FZ", 300000), LineSpec("1111", "FZ", -300000)])
    pay = api.add_payout(sales, "FZ", 100000, D(2026, 3, 20), "virement")
    api.bank_rule_add(sales, "FRAIS TENUE", "61473", "ECP", "Frais bancaires")
    path = tmp_path / "releve-mars.csv"
    path.write_bytes((HEAD + "\n".join([
        "01/03/2026;APPORT FONDS DE ROULEMENT;;3 000,00",
        f"10/03/2026;VIR RECU HOTEL TANJA {f1.number};;2 400,00",
        "11/03/2026;VIR RECU HOTEL TANJA;;550,00",
        "12/03/2026;VIR RECU ALAOUI AMINA;;200,00",
        "14/03/2026;VIR EMIS TISSUS DU NORD TN-77;600,00;",
        f"20/03/2026;VIR EMIS {pay.number} FATIMA ZAHRA;1 000,00;",
        "25/03/2026;PRLV CNSS MARS;450,00;",
        "31/03/2026;FRAIS TENUE DE COMPTE;15,00;",
        "31/03/2026;COMMISSION VIREMENT;5,00;",
        "31/03/2026;VIR RECU ALAOUI AMINA;;160,00"]) + "\n").encode("cp1252"))

    app = EcpApp(sales, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f12")
        await until(pilot, lambda: isinstance(app.screen, BankScreen))
        assert rows(app) == []

        # -- import through the dialog: the path typed, the account and profile as offered --
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, ImportScreen))
        await type_text(pilot, str(tmp_path / "absent.csv"))
        await pilot.press("enter")
        await pilot.pause()
        err = app.screen.query_one("#err-path", FieldError)
        assert err.display and "lecture impossible" in str(err.content)
        await pilot.press(*["backspace"] * len("absent.csv"))
        await type_text(pilot, path.name)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, BankScreen))
        assert "10 lignes lues, 10 ajoutées, 0 déjà présentes" in shown(app, "#message")
        table = rows(app)
        assert len(table) == 10
        assert table[1][3] == "+2 400,00" and table[4][3] == "-600,00"
        assert table[1][5].startswith(f"= facture {f1.number} Hôtel Tanja")
        assert table[3][5].startswith(f"~ facture {f3.number}")  # 200 of 360: not exact
        assert all(r[4] == "à rapprocher" for r in table)

        # -- the exact match of an invoice: Enter, then the confirmation says what is posted --
        await go_to(pilot, app, f"VIR RECU HOTEL TANJA {f1.number}")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, AcceptScreen))
        assert (f"Règlement de {f1.number} (Hôtel Tanja) : 2 400,00 DH, TVA exigible "
                "400,00 DH") in shown(app, "#detail")
        assert "La facture sera payée." in shown(app, "#detail")
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, BankScreen))
        assert "rapprochée : facture" in shown(app, "#message")
        assert statuses(sales)[f"VIR RECU HOTEL TANJA {f1.number}"] == ["matched"]
        docs = {d.number: d for d in api.list_documents(sales, today=TODAY)}
        assert docs[f1.number].status == "payée"
        assert rows(app)[1][4] == "rapprochée"
        assert cursor_label(app) == "VIR RECU HOTEL TANJA"  # on to the next open line

        # -- by hand: the 200,00 from AMINA, the invoice number typed in the search --
        await go_to(pilot, app, "VIR RECU ALAOUI AMINA")
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, MatchSearchScreen))
        await type_text(pilot, f3.number)
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert options.option_count == 1
        assert f3.number in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, AcceptScreen))
        assert f"Règlement de {f3.number} (Amina Alaoui) : 200,00 DH" in shown(app, "#detail")
        assert "Reste dû après : 160,00 DH." in shown(app, "#detail")
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, BankScreen))
        docs = {d.number: d for d in api.list_documents(sales, today=TODAY)}
        assert (docs[f3.number].status, docs[f3.number].remaining) == ("partiellement payée", 16000)

        # -- a rule from the CNSS line: a wrong account refused next to it, then applied --
        await go_to(pilot, app, "PRLV CNSS MARS")
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, RuleFormScreen))
        assert app.screen.query_one("#pattern", Input).value == "PRLV CNSS"
        await pilot.press("tab")
        await type_text(pilot, "9999")
        await pilot.press("enter")
        await pilot.pause()
        err = app.screen.query_one("#err-account", FieldError)
        assert err.display and "compte : « 9999 » inconnu" in str(err.content)
        await pilot.press(*["backspace"] * 4)
        await type_text(pilot, "4441")
        await pilot.press("tab", "tab")
        await type_text(pilot, "Cotisations CNSS")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, AcceptScreen))
        assert "Appliquer la règle n° 2" in shown(app, ".title")
        assert ("Règle n° 2 « Cotisations CNSS »\nÉcriture BQ de 450,00 DH (dimension ECP) : "
                "débit 4441 Caisse Nationale de Sécurité Sociale, crédit 5141"
                in shown(app, "#detail"))
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, BankScreen))
        assert statuses(sales)["PRLV CNSS MARS"] == ["matched"]

        # -- m: the exact, unambiguous ones (the opening funds already in the ledger, 550,
        # the bill, the payout, the fees, 160) --
        await pilot.press("m")
        await pilot.pause()
        assert ("6 lignes rapprochées (correspondances exactes et uniques), 1 restent"
                in shown(app, "#message"))
        await pilot.press("u")
        await pilot.pause()
        assert [r[2] for r in rows(app)] == ["COMMISSION VIREMENT"]
        assert "aucune suggestion" in rows(app)[0][5]

        # -- the bank's commission: a second rule, straight from its line --
        await go_to(pilot, app, "COMMISSION VIREMENT")
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, RuleFormScreen))
        await pilot.press("tab")
        await type_text(pilot, "61473")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, AcceptScreen))
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, BankScreen))
        assert rows(app) == []

        # -- the reconciliation: every line pointed, no gap, nothing to explain --
        await pilot.press("u")  # all lines again: c takes the selected line's account
        await pilot.pause()
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ReconciliationScreen))
        assert "au 31/03/2026" in shown(app, "#rec-summary")
        assert "aucun écart" in shown(app, "#rec-verdict")
        assert rows(app, "#rec-diffs") == []
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, BankScreen))

    assert {k: v for k, v in statuses(sales).items() if v != ["matched"] * len(v)} == {}
    assert [d.status for d in api.list_documents(sales, today=TODAY)] == ["payée"] * 3
    assert {d.number for d in api.list_documents(sales, today=TODAY)} == {
        f1.number, f2.number, f3.number}
    rec = api.bank_reconciliation(sales, "5141", TODAY)
    assert rec.gap == 0 and rec.explained == 0
    assert api.verify(sales).ok


async def test_palette_opens_the_import(sales: api.Books) -> None:
    app = EcpApp(sales, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        app.run_on("banque", "import_statement")
        await until(pilot, lambda: isinstance(app.screen, ImportScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, BankScreen))
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ReconciliationScreen))
        err = app.screen.query_one("#err-general", FieldError)
        assert err.display and "aucun relevé importé" in str(err.content)
