"""The VAT return PDF (« Déclaration de TVA »), built from a hand-made return: text extracted
with pypdf holds every line code and amount, section by section, each dimension's position,
the state of the declaration and, once paid, the payment."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from ecp.reports.vat_return_pdf import render_return, sections
from ecp.sales.vat_report import VatReport
from ecp.sales.vat_return import DeclarationView, Position, ReturnLine, VatReturn
from ecp.sales.views import Company

ECP = Company(
    name="Amal Entreprendre", legal_form="SARL", capital="100 000 DH",
    address="12, rue Ibn Battouta, quartier Iberia", city="90000 Tanger",
    if_number="40123456", tp="50212345", ice="002345678000031", rc="98765",
    court="Tribunal de commerce de Tanger", cnss="1234567", bank="Banque Populaire",
    rib="190 640 0001234567890123 45")

D = dt.date


def worked_return() -> VatReturn:
    """October 2026, regime encaissement.

    Sales cashed: goods at 20 % 10 000,00 HT (VAT 2 000,00) and services at 20 % 5 000,00 HT
    (VAT 1 000,00) by M001; goods at 10 % 2 000,00 HT (VAT 200,00) by M002. Turnover (line 10)
    = taxable turnover (line 60) = 10 000 + 5 000 + 2 000 = 17 000,00; VAT collected (130)
    = 2 000 + 1 000 + 200 = 3 200,00.
    Deductions: M001's charges at 20 % 3 000,00 HT (VAT 600,00, line 146); the ECP's machine,
    a fixed asset at 20 % 4 000,00 HT (VAT 800,00, line 163); the credit carried from
    September 150,00 on the ECP (170). Total (190) = 600 + 800 + 150 = 1 550,00.
    VAT due (200) = 3 200 − 1 550 = 1 650,00; credit (201) 0,00.
    Positions: ECP 0 − 0 − 800 − 150 = −950,00; M001 3 000 − 600 = 2 400,00; M002 200,00;
    total −950 + 2 400 + 200 = 1 650,00 = line 200."""
    lines = (
        ReturnLine("10", "Chiffre d'affaires réalisé, y compris les opérations non "
                   "imposables (HT)", 1_700_000),
        ReturnLine("20", "Opérations hors champ d'application de la TVA", 0),
        ReturnLine("30", "Opérations exonérées sans droit à déduction (art. 91 du CGI)", 0),
        ReturnLine("40", "Opérations exonérées avec droit à déduction (art. 92 du CGI)", 0),
        ReturnLine("50", "Opérations en suspension de la TVA (art. 94 du CGI)", 0),
        ReturnLine("60", "Chiffre d'affaires imposable (HT)", 1_700_000),
        ReturnLine("80", "Opérations de production et de distribution (20 %)", 1_000_000,
                   200_000),
        ReturnLine("81", "Prestations de services (20 %)", 500_000, 100_000),
        ReturnLine("B10", "Opérations de production et de distribution (10 %)", 200_000,
                   20_000),
        ReturnLine("130", "Total de la TVA exigible", None, 320_000),
        ReturnLine("146", "Achats non immobilisés (20 %)", 300_000, 60_000),
        ReturnLine("163", "Immobilisations (20 %)", 400_000, 80_000),
        ReturnLine("170", "Crédit de TVA de la période précédente", None, 15_000),
        ReturnLine("190", "Total des déductions (crédit reporté compris)", None, 155_000),
        ReturnLine("200", "TVA due", None, 165_000),
        ReturnLine("201", "Crédit de TVA", None, 0),
    )
    positions = (Position("ECP", 0, 0, 80_000, 15_000),
                 Position("M001", 300_000, 60_000, 0, 0),
                 Position("M002", 20_000, 0, 0, 0))
    report = VatReport(D(2026, 10, 1), D(2026, 11, 1), "2026-10", "encaissement", (), (), ())
    return VatReturn("2026-10", D(2026, 10, 1), D(2026, 11, 1), report, lines, positions, 0)


def declared(paid: bool) -> DeclarationView:
    return DeclarationView(
        1, "2026-10", D(2026, 10, 1), D(2026, 11, 1), D(2026, 11, 15), 165_000, 0,
        "OD-2026-000031", {}, None, "", None, D(2026, 11, 20) if paid else None,
        165_000 if paid else 0, 5_000 if paid else 0, "BQ-2026-000120" if paid else None)


def text_of(data: bytes) -> list[str]:
    """The PDF's text lines, no-break spaces as spaces, stripped."""
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return [ln.replace("\u00a0", " ").strip() for ln in text.splitlines() if ln.strip()]


def test_every_line_code_and_amount_by_section() -> None:
    ret = worked_return()
    # the figures of the docstring hold together
    assert (ret.collected, ret.deductible_charges, ret.deductible_assets, ret.carried) == (
        320_000, 60_000, 80_000, 15_000)
    assert (ret.balance, ret.due, ret.credit) == (165_000, 165_000, 0)
    assert [p.result for p in ret.positions] == [-95_000, 240_000, 20_000]

    lines = text_of(render_return(ret, None, ECP, invariant=True))
    # the identification box
    for k, v in (("Raison sociale", "Amal Entreprendre"), ("Identifiant fiscal (IF)", "40123456"),
                 ("ICE", "002345678000031"),
                 ("Période", "2026-10 — déclaration mensuelle"),
                 ("Régime", "encaissement (art. 95 du CGI)"), ("État", "non déclarée")):
        assert lines[lines.index(k) + 1] == v
    assert "du 01/10/2026 au 31/10/2026" in lines
    # every line, with its code, its base and its VAT, in the form's order
    expected = [
        ("10", "17 000,00"), ("20", "0,00"), ("30", "0,00"), ("40", "0,00"), ("50", "0,00"),
        ("60", "17 000,00"), ("80", "10 000,00", "2 000,00"), ("81", "5 000,00", "1 000,00"),
        ("B10", "2 000,00", "200,00"), ("130", "3 200,00"), ("146", "3 000,00", "600,00"),
        ("163", "4 000,00", "800,00"), ("170", "150,00"), ("190", "1 550,00"),
        ("200", "1 650,00"), ("201", "0,00")]
    at = 0
    for code, *amounts in expected:
        at = lines.index(code, at)
        after = lines[at + 1:at + 5]
        got = [a for a in after if a[0].isdigit() and "," in a][:len(amounts)]
        assert got == amounts, (code, after)
    # the sections, in order, before the lines they hold
    heads = [lines.index(t) for t in (
        "A — Chiffre d'affaires",
        "B — Ventilation du chiffre d'affaires imposable et TVA exigible",
        "C — Déductions", "D — Résultat : TVA due ou crédit de TVA")]
    assert heads == sorted(heads)
    assert heads[0] < lines.index("10") < lines.index("60") < heads[1] < lines.index("80") \
        < lines.index("130") < heads[2] < lines.index("146") < lines.index("190") < heads[3] \
        < lines.index("200")
    # each dimension's position and the total
    start = lines.index("Position de TVA par dimension")
    pos = lines[start:]
    for dim, cells in (("ECP", ["0,00", "0,00", "800,00", "150,00", "-950,00"]),
                       ("M001", ["3 000,00", "600,00", "0,00", "0,00", "2 400,00"]),
                       ("M002", ["200,00", "0,00", "0,00", "0,00", "200,00"]),
                       ("Total", ["3 200,00", "600,00", "800,00", "150,00", "1 650,00"])):
        i = pos.index(dim)
        assert pos[i + 1:i + 6] == cells, dim
    assert "Paiement" not in lines


def test_declared_and_paid() -> None:
    """Declared on 15 November and paid on the 20th with a 50,00 penalty: the state, the
    declaration's entry and the payment (1 650,00 DH, BQ entry) are printed."""
    lines = text_of(render_return(worked_return(), declared(True), ECP, invariant=True))
    assert lines[lines.index("État") + 1] == "déclarée le 15/11/2026 (payée)"
    assert lines[lines.index("Écriture de déclaration") + 1] == "OD-2026-000031"
    pay = lines[lines.index("Paiement"):]
    assert pay[pay.index("Payée le") + 1] == "20/11/2026"
    assert pay[pay.index("Montant payé") + 1] == "1 650,00 DH"
    assert pay[pay.index("Pénalité (65831)") + 1] == "50,00 DH"
    assert pay[pay.index("Écriture de paiement") + 1] == "BQ-2026-000120"
    unpaid = text_of(render_return(worked_return(), declared(False), ECP))
    assert unpaid[unpaid.index("État") + 1] == "déclarée le 15/11/2026 (à payer)"
    assert "TVA due de 1 650,00 DH non encore payée." in unpaid
    assert "Paiement" not in unpaid


def test_sections_follow_the_form_with_regularisation_lines() -> None:
    """Lines the form has no fixed place for go with their neighbours: REG/REG-ANT before 130
    in B, DED-REG after the purchases in C; a quarter prints « trimestrielle »."""
    codes = ["10", "20", "30", "40", "50", "60", "REG", "REG-ANT", "130", "DED-REG", "170",
             "190", "200", "201"]
    got = sections([ReturnLine(c, c) for c in codes])
    assert {k: [ln.code for ln in v] for k, v in got.items()} == {
        "A": ["10", "20", "30", "40", "50", "60"], "B": ["REG", "REG-ANT", "130"],
        "C": ["DED-REG", "170", "190"], "D": ["200", "201"]}
    ret = worked_return()
    q = VatReturn("2026-Q4", D(2026, 10, 1), D(2027, 1, 1), ret.report, ret.lines,
                  ret.positions, 0)
    lines = text_of(render_return(q, None, ECP))
    assert "2026-Q4 — déclaration trimestrielle" in lines
    assert "du 01/10/2026 au 31/12/2026" in lines
