"""End to end: ``ecp report vat`` and ``ecp report aged-receivables`` typed as the bookkeeper
types them, each a separate process, on books prepared through the API."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from ecp import api
from ecp.kernel.units import Quantity, Rate
from ecp.sales.documents import LineInput
from tests.e2e.run import ecp, ok

D = dt.date
COMPANY = {
    "company.name": "ECP Tanger Coop", "company.legal_form": "SARL",
    "company.capital": "100 000 DH", "company.address": "12 rue de Fès",
    "company.city": "Tanger", "company.if": "12345678", "company.tp": "50123456",
    "company.ice": "002345678000031", "company.rc": "98765", "company.court": "Tanger",
    "company.cnss": "1234567", "company.bank": "Banque Populaire",
    "company.rib": "190 640 0000000000000000 12",
}


@pytest.fixture
def march(db_path: Path) -> Path:
    """March 2026: two invoices (20 % and 10 %), one paid in full, one in part, a credit note
    on the paid one, an expense paid and one unpaid; the rest paid in April."""
    books = api.open_books(str(db_path))
    try:
        for k, v in COMPANY.items():
            api.settings_set(books, k, v)
        api.add_customer(books, "HOTEL", "Hôtel Tanja", ice="001561191000066")
        api.add_supplier(books, "TISSUS", "Tissus du Nord", if_number="40100001",
                         ice="001234567000062")
        a = api.issue_document(books, api.create_document(
            books, "facture", "FZ", "HOTEL", D(2026, 3, 2),
            lines=[
                LineInput("Caftan", Quantity(1000), 100000, Rate(2000), "71211"),
                LineInput("Gâteaux", Quantity(1000), 50000, Rate(1000), "7111")])).number
        b = api.issue_document(books, api.create_document(
            books, "facture", "KH", "HOTEL", D(2026, 3, 5),
            lines=[LineInput("Traiteur", Quantity(1000), 200000, Rate(1000), "7111")])).number
        api.add_payment(books, [a], 70000, D(2026, 3, 20), "virement")
        api.add_payment(books, [a], 105000, D(2026, 4, 5), "virement")
        api.add_payment(books, [b], 220000, D(2026, 3, 15), "virement")
        api.credit_note(books, b, lines=[
            LineInput("Remise", Quantity(1000), 10000, Rate(1000), "7111")], day=D(2026, 3, 25))
        api.add_expense(books, "FZ", "TISSUS", D(2026, 3, 3), "6111", 100000, Rate(2000),
                        paid_on=D(2026, 3, 20), method="virement")
        api.add_expense(books, "KH", "TISSUS", D(2026, 3, 4), "6111", 30000, Rate(1000))
    finally:
        books.engine.dispose()
    return db_path


def test_vat_csv_totals(march: Path) -> None:
    out = ok(march, "report", "vat", "--period", "2026-03", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["rubrique", "taux", "base_ht", "tva"]
    got = {(r["rubrique"], r["taux"]): (r["base_ht"], r["tva"]) for r in rows}
    # A: 40 % of 1 000/200 at 20 % and of 500/50 at 10 %; B in full, 2 000/200 at 10 %.
    assert got[("collectee", "20")] == ("400.00", "80.00")
    assert got[("collectee", "10")] == ("2200.00", "220.00")
    assert got[("regularisation", "10")] == ("100.00", "10.00")
    assert got[("deductible", "20")] == ("1000.00", "200.00")
    assert got[("total_collectee", "")] == ("2600.00", "300.00")
    assert got[("total_regularisations", "")] == ("100.00", "10.00")
    assert got[("tva_collectee_nette", "")] == ("2500.00", "290.00")
    assert got[("total_deductible", "")] == ("1000.00", "200.00")
    assert got[("tva_due", "")] == ("", "90.00")
    assert got[("credit_de_tva", "")] == ("", "0.00")


def test_vat_table_json_and_out(march: Path, tmp_path: Path) -> None:
    table = ok(march, "report", "vat", "--period", "2026-Q1")
    assert "Déclaration de TVA 2026-Q1 : du 01/01/2026 au 31/03/2026 inclus" in table
    assert "Base HT" in table and "TVA déductible" in table
    assert "2 600,00" in table and "TVA due" in table
    dest = tmp_path / "tva" / "avril.json"
    msg = ok(march, "report", "vat", "--period", "2026-04", "--format", "json", "--out",
             str(dest))
    assert str(dest) in msg
    data = {r["rubrique"]: r for r in json.loads(dest.read_text(encoding="utf-8"))}
    assert data["tva_collectee_nette"]["tva"] == "150.00"  # the rest of A: 120 + 30
    assert data["tva_due"]["tva"] == "150.00"


def test_aged_receivables_csv(march: Path) -> None:
    out = ok(march, "report", "aged-receivables", "--at", "2026-03-31", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    # KH's invoice, paid in full, then credited 110,00: HOTEL's credit on KH, no open invoice.
    assert [(r["niveau"], r["membre"], r["client"], r["total"], r["j0_30"], r["credit_client"])
            for r in rows] == [
        ("client", "FZ", "HOTEL", "1050.00", "1050.00", "0.00"),
        ("membre", "FZ", "", "1050.00", "1050.00", "0.00"),
        ("client", "KH", "HOTEL", "0.00", "0.00", "110.00"),
        ("membre", "KH", "", "0.00", "0.00", "110.00"),
        ("total", "", "", "1050.00", "1050.00", "110.00")]
    table = ok(march, "report", "aged-receivables", "--at", "31/03/2026", "--member", "fz")
    assert "Créances clients au 31/03/2026" in table
    assert "Sous-total" in table and "TOTAL" in table and "1 050,00" in table


@pytest.mark.parametrize(("args", "message"), [
    (("report", "vat", "--period", "2026-13"), "période : « 2026-13 » n'est pas un mois"),
    (("report", "vat", "--period", "2026-Q5"), "n'est ni un mois (AAAA-MM) ni un trimestre"),
    (("report", "aged-receivables", "--member", "ZZ"), "membre « ZZ » inconnu"),
    (("report", "aged-receivables", "--at", "2026-02-30"), "n'est pas une date qui existe"),
])
def test_bad_input_exits_2_with_one_french_line(march: Path, args: tuple[str, ...],
                                                message: str) -> None:
    r = ecp(march, *args)
    assert r.returncode == 2 and r.stdout == ""
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1
