"""End to end: the VAT cycle typed as the bookkeeper types it — ``ecp vat status``, ``declare``,
``pay``, ``list``, ``show`` — each a separate process, on books prepared through the API.

April 2026: FZ invoices HOTEL 1 000,00 HT at 20 % (VAT 200,00), paid 10 April: 200,00 due.
May: KH pays a supplier's bill of 2 000,00 HT at 20 % (VAT 400,00): a credit of 400,00,
carried into June."""

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


@pytest.fixture
def books_path(db_path: Path, company: dict[str, str]) -> Path:
    books = api.open_books(str(db_path))
    try:
        for k, v in company.items():
            api.settings_set(books, k, v)
        api.add_customer(books, "HOTEL", "Hôtel Tanja", ice="001561191000066")
        api.add_supplier(books, "TISSUS", "Tissus du Nord", if_number="40100001",
                         ice="001234567000062")
        f = api.create_and_issue(books, "facture", "FZ", "HOTEL", D(2026, 4, 2), [
            LineInput("Caftan", Quantity(1000), 100000, Rate(2000), "71211")]).number
        api.add_payment(books, [f], 120000, D(2026, 4, 10), "virement")
        api.add_expense(books, "KH", "TISSUS", D(2026, 5, 4), "6111", 200000, Rate(2000),
                        paid_on=D(2026, 5, 8), method="virement")
    finally:
        books.engine.dispose()
    return db_path


def refused(db: Path, *args: str) -> str:
    r = ecp(db, *args)
    assert r.returncode == 2 and r.stdout == "", (args, r.stdout, r.stderr)
    assert len(r.stderr.strip().splitlines()) == 1
    return r.stderr


def test_declare_pay_list_status(books_path: Path) -> None:
    db = books_path
    assert ok(db, "vat", "status", "--at", "2026-06-05").splitlines() == [
        "2026-04 : à déclarer", "2026-05 : à déclarer"]
    assert "déclarer d'abord 2026-04" in refused(db, "vat", "declare", "2026-05", "--date",
                                                 "2026-06-10")
    assert "mensuel" in refused(db, "vat", "declare", "2026-Q2", "--date", "2026-07-10")
    assert "ne peut précéder la fin" in refused(db, "vat", "declare", "2026-04", "--date",
                                                "2026-04-30")

    out = ok(db, "vat", "declare", "2026-04", "--date", "2026-05-12")
    assert "Déclaration de TVA 2026-04 — déclarée le 12/05/2026 (à payer)" in out
    assert "Déclaration 2026-04 enregistrée (OD-2026-000001) : TVA due 200,00 DH (4456)" in out
    assert "ecp vat pay 2026-04 --date" in out
    assert "précéder la déclaration" in refused(db, "vat", "pay", "2026-04", "--date",
                                                "2026-05-11")
    out = ok(db, "vat", "pay", "2026-04", "--date", "15/05/2026", "--method", "cheque",
             "--reference", "CHQ 1207")
    assert out.startswith("TVA 2026-04 payée le 2026-05-15 : 200,00 DH (BQ-2026-")
    assert "déjà payée" in refused(db, "vat", "pay", "2026-04", "--date", "2026-05-16")

    out = ok(db, "vat", "declare", "2026-05", "--date", "2026-06-10")
    assert "Déclaration 2026-05 enregistrée (OD-2026-000002) : crédit de TVA 400,00 DH " \
        "(3456), reporté sur la déclaration suivante." in out
    assert "rien à payer" in refused(db, "vat", "pay", "2026-05", "--date", "2026-06-10")
    assert ok(db, "vat", "status", "--at", "2026-06-20").strip() == \
        "TVA : toutes les périodes terminées sont déclarées et payées."
    assert ok(db, "vat", "status", "--at", "2026-07-01").splitlines() == [
        "2026-06 : à déclarer"]

    rows = list(csv.DictReader(io.StringIO(ok(db, "vat", "list", "--format", "csv"))))
    assert [(r["periode"], r["date"], r["tva_due"], r["credit"], r["ecriture"], r["etat"],
             r["paye_le"]) for r in rows] == [
        ("2026-04", "2026-05-12", "200.00", "0.00", "OD-2026-000001", "payée", "2026-05-15"),
        ("2026-05", "2026-06-10", "0.00", "400.00", "OD-2026-000002", "crédit reporté", "")]

    data = json.loads(ok(db, "vat", "show", "2026-05", "--format", "json"))
    lines = {x["code"]: x["tva"] for x in data["lignes"]}
    assert (lines["130"], lines["146"], lines["170"], lines["201"]) == (0, 40000, 0, 40000)
    assert (data["tva_due"], data["credit"]) == (0, 40000)
    june = ok(db, "vat", "show", "2026-06")
    assert "non déclarée" in june and "400,00" in june  # the credit carried, line 170

    out = ok(db, "vat", "reverse", "2026-05", "--reason", "facture oubliée", "--date",
             "2026-06-11")
    assert out.startswith("Déclaration 2026-05 annulée le 2026-06-11 : contre-passation OD-")
    assert "motif : facture oubliée" in out
    assert "payée" in refused(db, "vat", "reverse", "2026-04", "--reason", "x")
    assert ecp(db, "verify").returncode == 0
