"""Issue 13: the relevé des déductions of a VAT period and the déclaration des délais de paiement
(loi 69-21), as rows, XML and CSV twin. Every figure is worked by hand in the docstrings."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ecp import api
from ecp.kernel.errors import InputError
from ecp.kernel.periods import Period
from ecp.kernel.units import Quantity, Rate
from ecp.reports.filings_xml import rate_fraction, releve_file_name
from ecp.sales import payments
from ecp.sales.documents import LineInput
from ecp.sales.filings import FilingPeriod, ReleveRow, filing_period
from ecp.sales.parties import FOREIGN_SUPPLIER_ID
from tests.e2e.run import ecp, ok

D = dt.date
MARCH = Period.parse("2026-03")
Q1 = Period.parse("2026-Q1")


def _suppliers(books: api.Books) -> None:
    api.add_supplier(books, "EPICE", "Épices & Cie", if_number="40100002",
                     ice="001555123000069", address="3 rue du Port", city="Tanger")
    api.add_supplier(books, "INFO", "Info Maroc", if_number="40100003", ice="001561191000066",
                     rc="5566")


@pytest.fixture
def march(sales: api.Books) -> api.Books:
    """March 2026, three supplier-bill payments (TISSUS, EPICE and INFO, all Moroccan):

    1. FZ, TISSUS, 2 March, F-101, 6111, 10 000,00 HT at 20 % (VAT 2 000,00, TTC 12 000,00);
       paid in part on 10 March by transfer: 6 000,00. VAT of the share = 2 000,00 × 6 000 /
       12 000 = 1 000,00, all deductible (34554 → 34552). The rest (6 000,00) is paid on
       5 April: not in March.
    2. KH, EPICE, 3 March, no reference, 61254, 6 000,00 HT at 10 % (VAT 600,00, TTC
       6 600,00); paid whole in cash on 15 March: beyond the 5 000,00 a day (CGI art. 11/106),
       deductible 600,00 × 5 000 / 6 600 = 454,545… → 454,55, charged to 61254: 145,45.
    3. YS, INFO, 5 March, INV-77, 2355 (computer: a fixed asset), 8 000,00 HT at 20 % (VAT
       1 600,00, TTC 9 600,00); paid whole by cheque on 20 March: 1 600,00 deductible on 34551.

    A bill of February paid on 27 February (1 000,00 + 200,00) is not in March."""
    _suppliers(sales)
    e0 = api.add_expense(sales, "FZ", "TISSUS", D(2026, 2, 20), "6111", 100000, Rate(2000),
                         reference="F-099")
    api.settle_expense(sales, e0, D(2026, 2, 27), "virement")
    e1 = api.add_expense(sales, "FZ", "TISSUS", D(2026, 3, 2), "6111", 1000000, Rate(2000),
                         reference="F-101")
    e2 = api.add_expense(sales, "KH", "EPICE", D(2026, 3, 3), "61254", 600000, Rate(1000))
    e3 = api.add_expense(sales, "YS", "INFO", D(2026, 3, 5), "2355", 800000, Rate(2000),
                         reference="INV-77")
    assert (e1, e2, e3) == (2, 3, 4)
    paid = [api.settle_expense(sales, e1, D(2026, 3, 10), "virement", 600000),
            api.settle_expense(sales, e2, D(2026, 3, 15), "especes"),
            api.settle_expense(sales, e3, D(2026, 3, 20), "cheque")]
    assert [(p.deductible_vat, p.charged_vat) for p in paid] == [
        (100000, 0), (45455, 14545), (160000, 0)]
    api.settle_expense(sales, e1, D(2026, 4, 5), "virement")
    return sales


def test_releve_of_a_month_line_by_line(march: api.Books) -> None:
    """Lines in payment order. mht = paid − VAT carried (deductible + charged), tva =
    deductible, ttc = mht + tva:
    1. 6 000,00 − 1 000,00 = 5 000,00 | 1 000,00 | 6 000,00, transfer (4), rate 0.20;
    2. 6 600,00 − (454,55 + 145,45) = 6 000,00 | 454,55 | 6 454,55, cash (1), rate 0.10;
    3. 9 600,00 − 1 600,00 = 8 000,00 | 1 600,00 | 9 600,00, cheque (2), rate 0.20.
    Totals: HT 19 000,00, VAT 3 054,55, TTC 22 054,55 — the VAT is the return's deductible
    VAT: charges 1 000,00 + 454,55 = 1 454,55 (34552) and assets 1 600,00 (34551)."""
    rel = api.releve_deductions(march, MARCH)
    assert rel.period == FilingPeriod(D(2026, 3, 1), D(2026, 4, 1), 2026, 3, 1)
    assert rel.identifiant_fiscal == "12345678"
    assert rel.rows == (
        ReleveRow(1, 2, 2, "FZ", "F-101", "Achats de marchandises (Groupe A)", 500000, 100000,
                  0, 600000, "TISSUS", "40100001", "Tissus du Nord", "001234567000062", 2000,
                  "virement", D(2026, 3, 10), D(2026, 3, 2)),
        ReleveRow(2, 3, 3, "KH", "dépense n° 3", "Achats de fournitures de bureau", 600000,
                  45455, 14545, 660000, "EPICE", "40100002", "Épices & Cie",
                  "001555123000069", 1000, "especes", D(2026, 3, 15), D(2026, 3, 3)),
        ReleveRow(3, 4, 4, "YS", "INV-77", "Matériel informatique", 800000, 160000, 0,
                  960000, "INFO", "40100003", "Info Maroc", "001561191000066", 2000, "cheque",
                  D(2026, 3, 20), D(2026, 3, 5)))
    assert [(r.ttc, r.mode) for r in rel.rows] == [(600000, 4), (645455, 1), (960000, 2)]
    assert (rel.mht, rel.tva, rel.ttc, rel.charged, rel.paid) == (
        1900000, 305455, 2205455, 14545, 2220000)
    report = api.vat_report(march, MARCH)
    assert rel.tva == report.deductible_vat == 305455
    assert (report.deductible_charges_vat, report.deductible_assets_vat) == (145455, 160000)
    # the one bill without the supplier's number is named; no other warning
    assert len(rel.warnings) == 1 and "dépense(s) 3" in rel.warnings[0]


def test_releve_xml_and_csv_parse_back_to_the_totals(march: api.Books, tmp_path: Path) -> None:
    """The XML read back: header 12345678 / 2026 / 3 / regime 1 (monthly); the lines' mht,
    tva and ttc add up to 19 000.00, 3 054.55 and 22 054.55; the CSV twin holds the same
    lines with a dot decimal and ``;``."""
    out = tmp_path / "releve.xml"
    res = api.export_releve_deductions(march, MARCH, out)
    assert (res.xml, res.csv) == (out, tmp_path / "releve.csv")
    raw = out.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<DeclarationReleveDeduction>')
    assert out.stat().st_mode & 0o777 == 0o600 and res.csv.stat().st_mode & 0o777 == 0o600
    root = ET.fromstring(raw)
    assert [(c.tag, c.text) for c in root][:4] == [
        ("identifiantFiscal", "12345678"), ("annee", "2026"), ("periode", "3"), ("regime", "1")]
    rds = root.findall("releveDeductions/rd")
    assert [rd.findtext("ord") for rd in rds] == ["1", "2", "3"]
    assert all([c.tag for c in rd] == [
        "ord", "num", "des", "mht", "tva", "ttc", "refF", "tx", "mp", "dpai", "dfac"]
        for rd in rds)

    def total(tag: str) -> int:
        return sum(int(rd.findtext(tag, "").replace(".", "")) for rd in rds)

    assert (total("mht"), total("tva"), total("ttc")) == (1900000, 305455, 2205455)
    second = rds[1]
    assert [second.findtext(t) for t in ("num", "mht", "tva", "ttc", "tx", "mp/id", "dpai",
                                         "dfac")] == [
        "dépense n° 3", "6000.00", "454.55", "6454.55", "0.10", "1", "2026-03-15",
        "2026-03-03"]
    assert [second.findtext(f"refF/{t}") for t in ("if", "nom", "ice")] == [
        "40100002", "Épices & Cie", "001555123000069"]
    assert b"&amp; Cie" in raw

    text = res.csv.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0][:6] == ["Ordre", "N° facture", "Désignation", "Montant HT",
                           "TVA déductible", "Montant TTC"]
    assert rows[2] == ["2", "dépense n° 3", "Achats de fournitures de bureau", "6000.00",
                       "454.55", "6454.55", "40100002", "Épices & Cie", "001555123000069",
                       "0.10", "1", "2026-03-15", "2026-03-03", "espèces", "EPICE", "KH",
                       "6600.00", "145.45"]
    assert len(rows) == 4
    assert sum(int(r[4].replace(".", "")) for r in rows[1:]) == 305455
    assert releve_file_name(res.releve) == "12345678-2026-M3.xml"


def test_existing_files_are_replaced_only_with_force(march: api.Books, tmp_path: Path) -> None:
    out = tmp_path / "r.xml"
    (tmp_path / "r.csv").write_text("ancien", encoding="utf-8")
    with pytest.raises(InputError) as err:
        api.export_releve_deductions(march, MARCH, out)
    assert (err.value.field, err.value.code) == ("out", "out.exists")
    assert not out.exists() and (tmp_path / "r.csv").read_text(encoding="utf-8") == "ancien"
    api.export_releve_deductions(march, MARCH, out, force=True)
    assert out.exists() and (tmp_path / "r.csv").read_text(encoding="utf-8-sig") \
        .startswith("Ordre;")
    with pytest.raises(InputError) as err:
        api.export_releve_deductions(march, MARCH, tmp_path / "r.csv", force=True)
    assert (err.value.field, err.value.code) == ("out", "out.suffix")


def test_a_moroccan_supplier_without_ice_is_refused_and_nothing_written(
        sales: api.Books, tmp_path: Path) -> None:
    """A supplier stored before IF/ICE were required (inserted here with ICE NULL) is paid in
    March: the relevé cannot be produced; the error names the supplier and the missing id."""
    con = sqlite3.connect(str(sales.path))
    with con:
        con.execute("INSERT INTO parties (kind, code, name, address, city, ice, if_number, "
                    "consumer) VALUES ('supplier', 'VIEUX', 'Ancien fournisseur', '', '', "
                    "NULL, '40100009', 0)")
        con.execute("INSERT INTO parties (kind, code, name, address, city, ice, if_number, "
                    "consumer) VALUES ('supplier', 'NUL', 'Sans rien', '', '', NULL, NULL, 0)")
    con.close()
    for code in ("VIEUX", "NUL", "TISSUS"):
        eid = api.add_expense(sales, "FZ", code, D(2026, 3, 2), "6111", 100000, Rate(2000))
        api.settle_expense(sales, eid, D(2026, 3, 9), "virement")
    with pytest.raises(InputError) as err:
        api.releve_deductions(sales, MARCH)
    assert (err.value.field, err.value.code) == ("supplier", "supplier.ids")
    assert "NUL (Sans rien) : IF et ICE manquants" in err.value.message
    assert "VIEUX (Ancien fournisseur) : ICE manquant" in err.value.message
    assert "TISSUS" not in err.value.message
    out = tmp_path / "out" / "r.xml"
    out.parent.mkdir()
    with pytest.raises(InputError) as err:
        api.export_releve_deductions(sales, MARCH, out)
    assert err.value.code == "supplier.ids"
    assert list(out.parent.iterdir()) == []


def test_a_foreign_supplier_takes_the_customs_identifier(sales: api.Books) -> None:
    """A foreign supplier (no ICE, IF 20727020): its line carries 20727020 as IF and as ICE.
    1 000,00 HT at 20 % paid by transfer: 1 000,00 | 200,00 | 1 200,00. In a quarter (regime
    2, periode 1) while vat.filing is monthly: a warning says so."""
    api.add_supplier(sales, "ES", "Telas SL", foreign=True)
    eid = api.add_expense(sales, "FZ", "ES", D(2026, 2, 2), "6111", 100000, Rate(2000),
                          reference="ES-1")
    api.settle_expense(sales, eid, D(2026, 2, 9), "effet")
    rel = api.releve_deductions(sales, Q1)
    assert (rel.period.number, rel.period.regime, rel.label) == (1, 2, "2026-Q1")
    (row,) = rel.rows
    assert (row.supplier_if, row.supplier_ice, row.mht, row.tva, row.ttc, row.mode) == (
        FOREIGN_SUPPLIER_ID, FOREIGN_SUPPLIER_ID, 100000, 20000, 120000, 5)
    assert rel.warnings == ("périodicité : relevé trimestriel alors que vat.filing = mensuel",)


def test_periods_are_checked(sales: api.Books) -> None:
    with pytest.raises(InputError) as err:
        api.releve_deductions(sales, Period(D(2026, 3, 1), D(2026, 3, 15), "mi-mars"))
    assert (err.value.field, err.value.code) == ("period", "period.shape")
    with pytest.raises(InputError) as err:
        api.delais_paiement(sales, MARCH)
    assert (err.value.field, err.value.code) == ("period", "period.quarter")
    assert filing_period(D(2026, 10, 1), D(2027, 1, 1)).label == "2026-Q4"
    assert filing_period(D(2026, 12, 1), D(2027, 1, 1)).label == "2026-12"
    assert [rate_fraction(bp) for bp in (2000, 1000, 700, 550, 0)] == [
        "0.20", "0.10", "0.07", "0.055", "0.00"]


def test_the_declarants_if_is_required(books: api.Books) -> None:
    """Books without the ECP's identity: the relevé names the missing setting."""
    with pytest.raises(InputError) as err:
        api.releve_deductions(books, MARCH)
    assert (err.value.field, err.value.code) == ("company.if", "company.if")


# --- délais de paiement ----------------------------------------------------------------------

def _invoice(books: api.Books, member: str, customer: str, day: D, ht: int, bp: int,
             due: D | None = None) -> str:
    draft = api.create_document(books, "facture", member, customer, day, due=due, lines=[
        LineInput("Prestation", Quantity(1000), ht, Rate(bp), "71211")])
    return api.issue_document(books, draft).number


@pytest.fixture
def quarter(sales: api.Books) -> tuple[api.Books, dict[str, str]]:
    """2026-Q1, read on 15 April (books' today). Customers (due: 60 days unless given):

    - A: FZ → HOTEL, 5 January, 1 000,00 HT at 20 % = 1 200,00 TTC, due 6 March; paid whole
      on 20 March by transfer (VIR-881): late by 14 days → listed, paid late 1 200,00.
    - B: KH → HOTEL, 10 January, 2 000,00 HT at 10 % = 2 200,00, due 9 February; 1 000,00 by
      cheque on 1 February (on time); 1 200,00 unpaid on 31 March, 50 days late → listed.
    - C: FZ → AMINA (a consumer), 6 January, unpaid: not listed (loi 69-21 binds traders).
    - D: FZ → HOTEL, 1 February, paid on 20 February (due 2 April): on time, not listed.
    - E: FZ → HOTEL, 25 March, unpaid, due 24 May: not late, not listed.

    Suppliers (TISSUS):
    - S1: FZ, 2 January, BL-9, 3 000,00 HT at 20 % = 3 600,00, due 31 January; paid whole on
      15 February by transfer: 15 days late → listed, paid late 3 600,00.
    - S2: KH, 5 January, no reference, 500,00 HT at 20 % = 600,00, recorded through the old
      path (no due date on its 44111 line): due 60 days later, 6 March; unpaid on 31 March,
      25 days late → listed.
    - S3: FZ, 1 February, 1 000,00 + 200,00, paid 10 February: on time, not listed.
    - S4: YS, 20 January, F-77, 1 000,00 + 200,00 = 1 200,00, due 28 February, paid 10 April:
      after the quarter, so unpaid on 31 March, 31 days late → listed, paid late 0."""
    books = sales
    books.clock = lambda: D(2026, 4, 15)
    # Entered in date order (each series and journal stays in date order).
    n: dict[str, str] = {}
    s1 = api.add_expense(books, "FZ", "TISSUS", D(2026, 1, 2), "6111", 300000, Rate(2000),
                         reference="BL-9", due=D(2026, 1, 31))
    n["A"] = _invoice(books, "FZ", "HOTEL", D(2026, 1, 5), 100000, 2000)
    with books.engine.begin() as conn:  # the path of bills recorded before due dates
        n["S2"] = str(payments.add_expense(conn, "KH", "TISSUS", D(2026, 1, 5), "6111", 50000,
                                           Rate(2000), "test"))
    n["C"] = _invoice(books, "FZ", "AMINA", D(2026, 1, 6), 50000, 2000)
    n["B"] = _invoice(books, "KH", "HOTEL", D(2026, 1, 10), 200000, 1000, D(2026, 2, 9))
    s4 = api.add_expense(books, "YS", "TISSUS", D(2026, 1, 20), "6111", 100000, Rate(2000),
                         reference="F-77", due=D(2026, 2, 28))
    n["D"] = _invoice(books, "FZ", "HOTEL", D(2026, 2, 1), 10000, 2000)
    api.add_payment(books, [n["B"]], 100000, D(2026, 2, 1), "cheque", "CHQ-12")
    s3 = api.add_expense(books, "FZ", "TISSUS", D(2026, 2, 1), "6111", 100000, Rate(2000))
    api.settle_expense(books, s3, D(2026, 2, 10), "virement")
    n["S1-pay"] = api.settle_expense(books, s1, D(2026, 2, 15), "virement").entry
    api.add_payment(books, [n["D"]], 12000, D(2026, 2, 20), "virement")
    api.add_payment(books, [n["A"]], 120000, D(2026, 3, 20), "virement", "VIR-881")
    n["E"] = _invoice(books, "FZ", "HOTEL", D(2026, 3, 25), 10000, 2000)
    api.settle_expense(books, s4, D(2026, 4, 10), "cheque")
    return books, n


def test_delais_rows(quarter: tuple[api.Books, dict[str, str]]) -> None:
    books, n = quarter
    d = api.delais_paiement(books, Q1)
    assert (d.identifiant_fiscal, d.period.year, d.period.number, d.as_of, d.activity,
            d.turnover) == ("12345678", 2026, 1, D(2026, 3, 31), 1, 0)
    got = [(r.side, r.member, r.number, r.party, r.issued, r.due, r.ttc, r.unpaid,
            r.paid_late, r.paid_late_on, r.mode, r.payment_reference, r.days_late)
           for r in d.rows]
    assert got == [
        ("client", "FZ", n["A"], "HOTEL", D(2026, 1, 5), D(2026, 3, 6), 120000, 0, 120000,
         D(2026, 3, 20), 4, "VIR-881", 14),
        ("client", "KH", n["B"], "HOTEL", D(2026, 1, 10), D(2026, 2, 9), 220000, 120000, 0,
         None, None, "", 50),
        ("fournisseur", "FZ", "BL-9", "TISSUS", D(2026, 1, 2), D(2026, 1, 31), 360000, 0,
         360000, D(2026, 2, 15), 4, n["S1-pay"], 15),
        ("fournisseur", "KH", f"dépense n° {n['S2']}", "TISSUS", D(2026, 1, 5),
         D(2026, 3, 6), 60000, 60000, 0, None, None, "", 25),
        ("fournisseur", "YS", "F-77", "TISSUS", D(2026, 1, 20), D(2026, 2, 28), 120000,
         120000, 0, None, None, "", 31)]
    a, s1 = d.rows[0], d.rows[2]
    assert (a.party_if, a.party_ice, a.address, a.nature, a.delivered) == (
        "", "001561191000066", "Av. Mohammed V, Tanger", "Prestation", D(2026, 1, 5))
    assert (s1.party_if, s1.party_ice, s1.nature) == (
        "40100001", "001234567000062", "Achats de marchandises (Groupe A)")
    assert d.totals("fournisseur") == (540000, 180000, 360000)
    assert d.totals("client") == (340000, 120000, 120000)
    assert any("2025 de 0,00 DH" in w and "pas obligatoire" in w for w in d.warnings)


def test_delais_while_the_quarter_runs(quarter: tuple[api.Books, dict[str, str]]) -> None:
    """Read on 10 March (the quarter runs): A, due 6 March, is not paid yet: 1 200,00 unpaid,
    4 days late; B, due 9 February: 1 200,00 unpaid, 29 days late; S1's late payment of
    15 February counts; S2, due 6 March: 4 days late; S4, due 28 February: 10 days late.
    E is not issued yet. Before the quarter begins there is nothing to read."""
    books, n = quarter
    books.clock = lambda: D(2026, 3, 10)
    d = api.delais_paiement(books, Q1)
    assert d.as_of == D(2026, 3, 10)
    assert [(r.number, r.unpaid, r.paid_late, r.days_late) for r in d.rows] == [
        (n["A"], 120000, 0, 4), (n["B"], 120000, 0, 29), ("BL-9", 0, 360000, 15),
        (f"dépense n° {n['S2']}", 60000, 0, 4), ("F-77", 120000, 0, 10)]
    assert any("trimestre en cours" in w for w in d.warnings)
    books.clock = lambda: D(2025, 12, 31)
    with pytest.raises(InputError) as err:
        api.delais_paiement(books, Q1)
    assert (err.value.field, err.value.code) == ("period", "period.future")


def test_delais_xml_holds_the_supplier_side(quarter: tuple[api.Books, dict[str, str]],
                                            tmp_path: Path) -> None:
    """The XML: the ECP's own late payments (S1, S2, S4), header 12345678 / 2026 / 1 /
    activite 1 / chiffreAffaire 0.00; the payment fields only for S1. The CSV: all five rows,
    suppliers first."""
    books, n = quarter
    res = api.export_delais_paiement(books, Q1, tmp_path / "delais.xml")
    root = ET.fromstring(res.xml.read_bytes())
    assert root.tag == "DeclarationDelaiPaiement"
    assert [(c.tag, c.text) for c in root][:5] == [
        ("identifiantFiscal", "12345678"), ("annee", "2026"), ("periode", "1"),
        ("activite", "1"), ("chiffreAffaire", "0.00")]
    facts = root.findall("listeFacturesHorsDelai/FactureHorsDelai")
    assert [f.findtext("numFacture") for f in facts] == [
        "BL-9", f"dépense n° {n['S2']}", "F-77"]
    assert [(c.tag, c.text) for c in facts[0]] == [
        ("identifiantFiscal", "40100001"), ("numRC", None), ("adresseSiegeSocial", None),
        ("numFacture", "BL-9"), ("dateEmission", "2026-01-02"),
        ("natureMarchandise", "Achats de marchandises (Groupe A)"),
        ("dateLivraisonMarchandise", "2026-01-02"),
        ("dateConvenuePaiementFacture", "2026-01-31"), ("montantFactureTtc", "3600.00"),
        ("montantNonEncorePaye", "0.00"), ("montantPayeHorsDelai", "3600.00"),
        ("datePaiementHorsDelai", "2026-02-15"), ("modePaiement", "4"),
        ("referencePaiement", n["S1-pay"])]
    assert facts[2].find("datePaiementHorsDelai") is None
    assert facts[2].findtext("montantNonEncorePaye") == "1200.00"
    rows = list(csv.reader(io.StringIO(res.csv.read_bytes().decode("utf-8-sig"), newline=""),
                           delimiter=";"))
    assert rows[0][:3] == ["Côté", "Membre", "N° facture"]
    assert [(r[0], r[2], r[14], r[15]) for r in rows[1:]] == [
        ("fournisseur", "BL-9", "0.00", "3600.00"),
        ("fournisseur", f"dépense n° {n['S2']}", "600.00", "0.00"),
        ("fournisseur", "F-77", "1200.00", "0.00"),
        ("client", n["A"], "0.00", "1200.00"), ("client", n["B"], "1200.00", "0.00")]


# --- the command line, as typed ------------------------------------------------------------

def test_cli_exports_both_filings(march: api.Books, tmp_path: Path) -> None:
    """``ecp export releve-deductions`` and ``delais-paiement`` in a child process, on the
    March books above (the system clock is after 2026-Q1: the quarter is read at its end).
    Q1's late invoices: F-099, F-101, INV-77 and EPICE's bill were paid in time or are not
    due yet (default due: 60 days), so the délais file has no line."""
    db = march.path
    assert db is not None
    march.engine.dispose()
    out = tmp_path / "sortie" / "releve.xml"
    out.parent.mkdir()
    got = ok(db, "export", "releve-deductions", "--period", "2026-03", "--out", str(out))
    assert got.splitlines() == [
        f"Relevé des déductions 2026-03 écrit : {out} (3 lignes)",
        f"CSV : {out.with_suffix('.csv')}",
        "Total HT 19 000,00 DH, TVA déductible 3 054,55 DH, TTC 22 054,55 DH",
        "Attention : sans numéro de facture du fournisseur (référence), la dépense est citée "
        "par son numéro : dépense(s) 3"]
    root = ET.fromstring(out.read_bytes())
    assert sum(int(t.text.replace(".", "")) for t in root.iter("tva") if t.text) == 305455
    again = ecp(db, "export", "releve-deductions", "--period", "2026-03", "--out", str(out))
    assert again.returncode == 2 and "--force" in again.stderr and "existe déjà" in again.stderr
    forced = ok(db, "export", "releve-deductions", "--period", "2026-03", "--out", str(out),
                "--force")
    assert "3 lignes" in forced
    missing = ecp(db, "export", "releve-deductions", "--out", str(tmp_path / "x.xml"))
    assert missing.returncode == 2 and "--period : obligatoire" in missing.stderr
    wrong = ecp(db, "export", "journal", "--period", "2026-03", "--out", str(tmp_path / "j.csv"))
    assert wrong.returncode == 2 and "--period : ne s'applique qu'à" in wrong.stderr
    delais = tmp_path / "sortie" / "delais.xml"
    got = ok(db, "export", "delais-paiement", "--period", "2026-Q1", "--out", str(delais))
    lines = got.splitlines()
    assert lines[0] == (f"Délais de paiement 2026-Q1 (situation au 2026-03-31) écrits : "
                        f"{delais} (0 facture fournisseurs)")
    assert lines[2] == ("Fournisseurs : 0 facture, TTC 0,00 DH, non encore payé 0,00 DH, "
                        "payé hors délai 0,00 DH")
    assert ET.fromstring(delais.read_bytes()).find("listeFacturesHorsDelai") is not None
    month = ecp(db, "export", "delais-paiement", "--period", "2026-03", "--out",
                str(tmp_path / "d.xml"))
    assert month.returncode == 2 and "trimestrielle" in month.stderr
