"""The report tables of ``ecp.reports.tables``: built once from the view-models, the same
figures for the command line (text, CSV, JSON) and the screens, to the centime."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

from ecp import api
from ecp.ledger.entry import LineSpec
from ecp.reports.render import cell_text, render_table
from ecp.reports.tables import (
    Money,
    Term,
    aged_table,
    trial_balance_table,
    vat_table,
)
from ecp.sales.receivables import AgedRow
from ecp.sales.vat_report import OTHER, VatRateRow, VatReport

D = dt.date


def march() -> VatReport:
    """Collected 20 % and 10 % and VAT typed by hand, a credit note at 20 %, deductible 20 %:
    net collected 280,05 − 20,00 = 260,05, deductible 200,00, VAT due 60,05."""
    return VatReport(
        D(2026, 3, 1), D(2026, 4, 1), "2026-03", "encaissement",
        collected=(VatRateRow(2000, 100_050, 20_010), VatRateRow(1000, 50_000, 5_000),
                   VatRateRow(OTHER, 0, 2_995)),
        regularised=(VatRateRow(2000, 10_000, 2_000),),
        deductible=(VatRateRow(2000, 100_000, 20_000),))


def vat_figures(rows: list[list[object]]) -> dict[str, tuple[object, ...]]:
    return {str(r[0]): tuple(r[1:]) for r in rows}


def test_vat_table_has_every_part_and_total_to_the_centime() -> None:
    t = vat_table(march())
    assert [c.key for c in t.columns] == ["rubrique", "taux", "base_ht", "tva"]
    assert [c.align for c in t.columns] == ["left", "left", "right", "right"]
    assert [r.key for r in t.rows] == [
        "collectee", "collectee", "collectee", "total_collectee", "regularisation",
        "total_regularisations", "tva_collectee_nette", "deductible", "total_deductible",
        "tva_due", "credit_de_tva"]
    by_key = {r.key: r.cells for r in t.rows if r.style}
    assert by_key["total_collectee"][2:] == (Money(150_050), Money(28_005))
    assert by_key["total_regularisations"][2:] == (Money(10_000), Money(2_000))
    assert by_key["tva_collectee_nette"][2:] == (Money(140_050), Money(26_005))
    assert by_key["total_deductible"][2:] == (Money(100_000), Money(20_000))
    assert by_key["tva_due"][2:] == (None, Money(6_005))
    assert by_key["credit_de_tva"][2:] == (None, Money(0))
    assert t.rows[0].cells[:2] == (Term("TVA collectée", "collectee"), Term("20 %", "20"))
    assert t.rows[2].cells[1] == Term("autres écritures", "autres")
    assert t.title == ("Déclaration de TVA 2026-03 : du 01/03/2026 au 31/03/2026 inclus, "
                       "régime de l'encaissement")


def test_vat_table_rendered_for_readers_and_for_machines() -> None:
    t = vat_table(march())
    text = render_table(t, "table").splitlines()
    assert text[0].startswith("Déclaration de TVA 2026-03")
    assert text[2].split() == ["Rubrique", "Taux", "Base", "HT", "TVA"]
    assert text[4].split("  ")[0] == "TVA collectée"
    assert text[4].split()[-3:] == ["1", "000,50", "200,10"]
    assert text[-2].split() == ["TVA", "due", "60,05"]
    csv_rows = render_table(t, "csv").splitlines()
    assert csv_rows[0] == "rubrique,taux,base_ht,tva"
    assert csv_rows[1:4] == ["collectee,20,1000.50,200.10", "collectee,10,500.00,50.00",
                             "collectee,autres,0.00,29.95"]
    assert "tva_collectee_nette,,1400.50,260.05" in csv_rows
    assert csv_rows[-2:] == ["tva_due,,,60.05", "credit_de_tva,,,0.00"]
    data = json.loads(render_table(t, "json"))
    assert data[-2] == {"rubrique": "tva_due", "taux": "", "base_ht": None, "tva": "60.05"}


def test_aged_table_levels_for_machines_only() -> None:
    rows = [AgedRow("FZ", "HOTEL", "Hôtel Tanja", 2, 10_000, 0, 0, 5_050, 15_050, 5_050),
            AgedRow("FZ", None, "", 2, 10_000, 0, 0, 5_050, 15_050, 5_050),
            AgedRow(None, None, "", 2, 10_000, 0, 0, 5_050, 15_050, 5_050)]
    t = aged_table(rows, D(2026, 11, 28))
    text = render_table(t, "table").splitlines()
    assert "Niveau" not in text[2] and text[2].split()[:3] == ["Membre", "Client", "Nom"]
    assert text[-1].split()[:2] == ["TOTAL", "2"] and text[-1].split()[-2:] == ["50,50", "0,00"]
    assert render_table(t, "csv").splitlines()[1:] == [
        "client,FZ,HOTEL,Hôtel Tanja,2,100.00,0.00,0.00,50.50,150.50,50.50,0.00",
        "membre,FZ,,,2,100.00,0.00,0.00,50.50,150.50,50.50,0.00",
        "total,,,,2,100.00,0.00,0.00,50.50,150.50,50.50,0.00"]


def test_trial_balance_table_from_posted_entries(books: api.Books) -> None:
    """Three entries in two months; March alone: opening from February, movements, closing,
    each debit and credit, blank when zero; totals for readers only."""
    api.post_entry(books, "BQ", D(2026, 2, 10), "Recette", [
        LineSpec("5141", "FZ", 120_050), LineSpec("7111", "FZ", -120_050)])
    api.post_entry(books, "BQ", D(2026, 3, 5), "Recette", [
        LineSpec("5141", "FZ", 60_025), LineSpec("7111", "FZ", -60_025)])
    api.post_entry(books, "BQ", D(2026, 3, 20), "Achat", [
        LineSpec("6111", "FZ", 200_000), LineSpec("5141", "FZ", -200_000)])
    t = trial_balance_table(api.trial_balance(books, D(2026, 3, 1), D(2026, 3, 31)))
    rows = {r.key: [cell_text(c, machine=True) for c in r.cells] for r in t.rows}
    assert rows == {
        "5141": ["5141", rows["5141"][1], "1200.50", "", "600.25", "2000.00", "", "199.25"],
        "6111": ["6111", rows["6111"][1], "", "", "2000.00", "", "2000.00", ""],
        "7111": ["7111", rows["7111"][1], "", "1200.50", "", "600.25", "", "1800.75"],
    }
    (total,) = t.totals
    assert total.cells == ("TOTAL", "", Money(120_050), Money(120_050), Money(260_025),
                           Money(260_025), Money(200_000), Money(200_000))
    text = render_table(t, "table").splitlines()
    assert text[0].split() == [c.key for c in t.columns]  # the ledger's reports: keys
    assert text[-1].split() == ["TOTAL", "1", "200,50", "1", "200,50", "2", "600,25", "2",
                                "600,25", "2", "000,00", "2", "000,00"]
    csv_lines = render_table(t, "csv").splitlines()
    assert len(csv_lines) == 4 and not any("TOTAL" in line for line in csv_lines)
    assert csv_lines[1].startswith("5141,") and csv_lines[1].endswith(",1200.50,,600.25,"
                                                                      "2000.00,,199.25")


def test_tables_and_render_import_no_drawing_or_database() -> None:
    code = ("import sys, ecp.reports.tables, ecp.reports.render; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'reportlab', 'babel', 'sqlalchemy', 'textual', 'rich'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
