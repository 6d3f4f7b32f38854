"""Invoice, credit-note and quote PDFs: text extracted with pypdf, fonts, page numbering."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from ecp.reports.i18n import fmt_date, quantity, rate
from ecp.reports.invoice_pdf import load_templates, render_document, templates_dir
from ecp.sales.views import Company, DocLine, DocumentView, PartyView, VatLine

SELLER = Company(
    name="Amal Entreprendre", legal_form="SARL", capital="100 000 DH",
    address="12, rue Ibn Battouta, quartier Iberia", city="90000 Tanger",
    if_number="40123456", tp="50212345", ice="002345678000031", rc="98765",
    court="Tribunal de commerce de Tanger", cnss="1234567", bank="Banque Populaire",
    rib="190 640 0001234567890123 45")

BUSINESS = PartyView(
    code="C001", name="Riad Zitoun SARL", address="4, derb Zitoun, Médina", city="Tétouan",
    ice="003123456000040", if_number="41234567", rc="5432")

CONSUMER = PartyView(code="C002", name="Mme Nadia Amrani", address="Avenue Mohammed V",
                     city="Tanger", consumer=True)

ARABIC = PartyView(code="C003", name="Société Annour", name_ar="شركة النور للتجارة",
                   address="Zone industrielle Gzenaya", city="Tanger", ice="003123456000040")

LEGAL_MENTIONS = (SELLER.name, "SARL", SELLER.capital, SELLER.address, SELLER.city,
                  SELLER.if_number, SELLER.tp, SELLER.ice, SELLER.rc, SELLER.court, SELLER.cnss)


def three_lines(customer: PartyView = BUSINESS) -> DocumentView:
    """Three lines at 20 % and 10 %: HT 2 341,50, TVA 355,80, TTC 2 697,30."""
    lines = (
        DocLine("Confection de tabliers brodés aux couleurs de la maison", 12000, "pièce",
                8550, 2000, 102600),
        DocLine("Plateaux de couscous royal (10 personnes), livraison comprise", 2500,
                "plateau", 45000, 1000, 112500),
        DocLine("Broderie personnalisée du logo sur nappe", 1000, "forfait", 19050, 2000,
                19050),
    )
    vat = (VatLine(1000, 112500, 11250), VatLine(2000, 121650, 24330))
    return DocumentView(
        kind="facture", number="F-2026-000012", issue_date=dt.date(2026, 3, 5),
        operation_date=dt.date(2026, 3, 1), seller=SELLER, member_code="M007",
        member_name="Fatima Zahra Bennani", member_name_ar="فاطمة الزهراء بنعلي",
        customer=customer, lines=lines, vat=vat, total_ht=234150, total_vat=35580,
        total_ttc=269730, due_date=dt.date(2026, 5, 4), payment_method="virement bancaire")


def long_invoice(n: int = 80) -> DocumentView:
    """80 lines at 15,00 DH HT and 20 %; every tenth description is long enough to wrap."""
    lines = tuple(
        DocLine(f"Article {i:02d} : serviette brodée main" + (
            ", coton égyptien, motif zellige bleu de Fès, ourlet double et étiquette tissée"
            " au nom de la maison" if i % 10 == 0 else ""), 1000, "pièce", 1500, 2000, 1500)
        for i in range(1, n + 1))
    return replace(three_lines(), number="F-2026-000013", lines=lines,
                   vat=(VatLine(2000, 1500 * n, 300 * n),), total_ht=1500 * n,
                   total_vat=300 * n, total_ttc=1800 * n)


def text_of(data: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def test_formatters() -> None:
    """The invoice's figures come from ecp.reports.i18n (babel's fr_MA data, house style)."""
    assert [quantity(q, "fr") for q in (2500, 1000, 12000, 125, 1000000, -2500)] == [
        "2,5", "1", "12", "0,125", "1 000", "-2,5"]
    assert [rate(r, "fr") for r in (2000, 1000, 550, 0)] == ["20 %", "10 %", "5,5 %",
                                                             "Exonéré"]
    assert fmt_date(dt.date(2026, 3, 5), lang="fr") == "5 mars 2026"
    assert fmt_date(dt.date(2026, 8, 1), lang="fr") == "1er août 2026"
    assert fmt_date(dt.date(2026, 3, 5), "numeric", "fr") == "05/03/2026"


def test_templates_found() -> None:
    t = load_templates()
    assert (templates_dir() / "documents.toml").is_file()
    assert t["titles"] == {"facture": "FACTURE", "avoir": "AVOIR", "devis": "DEVIS"}


def test_invoice_three_lines(tmp_path: Path) -> None:
    out = tmp_path / "f.pdf"
    data = render_document(three_lines(), out, invariant=True)
    assert out.read_bytes() == data
    [page] = text_of(data)
    assert BUSINESS.ice is not None
    for expected in ("FACTURE", "F-2026-000012", "5 mars 2026", "1er mars 2026", "4 mai 2026",
                     SELLER.ice, BUSINESS.ice, "Riad Zitoun SARL", "Tétouan",
                     "Prestation réalisée par Fatima Zahra Bennani",
                     "Désignation", "Qté", "PU HT", "Total HT",
                     "85,50 DH", "1 026,00 DH", "2,5", "1 125,00 DH", "20 %", "10 %",
                     "1 216,50 DH", "243,30 DH", "112,50 DH",
                     "2 341,50 DH", "355,80 DH", "2 697,30 DH",
                     "Arrêtée la présente facture à la somme de deux mille six cent"
                     " quatre-vingt-dix-sept dirhams et trente centimes.",
                     "60 jours à compter de la date de facture", "virement bancaire",
                     SELLER.bank, SELLER.rib, "page 1 / 1"):
        assert expected in page, expected
    for mention in LEGAL_MENTIONS:
        assert mention in page, mention


def test_byte_stable() -> None:
    assert render_document(three_lines(), invariant=True) == render_document(
        three_lines(), invariant=True)
    assert render_document(long_invoice(), invariant=True) == render_document(
        long_invoice(), invariant=True)


def test_consumer_without_ice() -> None:
    [page] = text_of(render_document(three_lines(CONSUMER), invariant=True))
    assert "Client particulier" in page and "Mme Nadia Amrani" in page
    assert page.count("ICE") == 1  # the seller's, in the footer
    assert SELLER.ice in page


def test_arabic_names_embedded_font() -> None:
    data = render_document(three_lines(ARABIC), invariant=True)
    page = PdfReader(io.BytesIO(data)).pages[0]
    resources = page["/Resources"]
    assert isinstance(resources, DictionaryObject)
    fonts = resources["/Font"]
    assert isinstance(fonts, DictionaryObject)
    names = set()
    for ref in fonts.values():
        font = ref.get_object()
        names.add(str(font["/BaseFont"]).split("+")[-1])
        for desc in font.get("/DescendantFonts", []):
            assert "/FontFile2" in desc.get_object()["/FontDescriptor"]
        if "/FontDescriptor" in font:
            assert "/FontFile2" in font["/FontDescriptor"]  # embedded TrueType
    assert names <= {"DejaVuSans", "DejaVuSans-Bold"} and "DejaVuSans" in names
    text = " ".join(page.extract_text().split())
    assert ARABIC.ice is not None
    assert "Société Annour" in text and ARABIC.ice in text
    # the shaped name is drawn in presentation forms (U+FE70-U+FEFF), not isolated letters
    assert "\ufe8e" in data.decode("latin-1") or any(
        "\ufe70" <= ch <= "\ufeff" for ch in page.extract_text())


def test_credit_note() -> None:
    doc = replace(three_lines(), kind="avoir", number="AV-2026-000003", related="F-2026-000012",
                  due_date=None)
    [page] = text_of(render_document(doc, invariant=True))
    assert "AVOIR" in page and "AV-2026-000003" in page
    assert "Avoir sur la facture F-2026-000012" in page
    assert ("Arrêté le présent avoir à la somme de deux mille six cent quatre-vingt-dix-sept"
            " dirhams et trente centimes.") in page
    assert "RIB" not in page.replace(SELLER.rib, "")


def test_quote() -> None:
    doc = replace(three_lines(), kind="devis", number="D-2026-000004", due_date=None,
                  valid_until=dt.date(2026, 4, 4))
    [page] = text_of(render_document(doc, invariant=True))
    assert "DEVIS" in page and "D-2026-000004" in page
    assert "Valable jusqu'au 4 avril 2026" in page
    assert "Arrêté le présent devis à la somme de" in page
    assert "Prestation proposée par Fatima Zahra Bennani" in page


def test_long_invoice_pages() -> None:
    pages = text_of(render_document(long_invoice(), invariant=True))
    n = len(pages)
    assert n == 3
    for i, page in enumerate(pages, 1):
        assert f"FACTURE F-2026-000013 page {i} / 3" in page  # reference and number, footer
        assert "Désignation" in page and "PU HT" in page  # header row repeated
        for mention in LEGAL_MENTIONS:
            assert mention in page, (i, mention)
    allt = " ".join(pages)
    assert all(f"Article {i:02d}" in allt for i in range(1, 81))
    assert "1 440,00 DH" in pages[-1]  # TTC 80 × 18,00
    assert "Arrêtée la présente facture à la somme de mille quatre cent quarante dirhams." in (
        pages[-1])


def test_templates_override(tmp_path: Path) -> None:
    src = (templates_dir() / "documents.toml").read_text(encoding="utf-8")
    (tmp_path / "documents.toml").write_text(
        src.replace('ttc = "Total TTC"', 'ttc = "Net à payer"'), encoding="utf-8")
    [page] = text_of(render_document(three_lines(), invariant=True, templates=tmp_path))
    assert "Net à payer" in page and "Total TTC" not in page


@pytest.mark.parametrize("logo", [True, False])
def test_logo(tmp_path: Path, logo: bool) -> None:
    path = tmp_path / "logo.png"
    if logo:
        from PIL import Image

        Image.new("RGB", (200, 80), (30, 78, 121)).save(path)
    doc = replace(three_lines(), seller=replace(SELLER, logo=str(path)))
    data = render_document(doc, invariant=True)
    page = PdfReader(io.BytesIO(data)).pages[0]
    resources = page["/Resources"]
    assert isinstance(resources, DictionaryObject)
    xobjects = resources.get("/XObject", {})
    assert bool(xobjects) == logo


def test_exempt_line_and_large_amounts() -> None:
    lines = (DocLine("Atelier de couture complet, machines industrielles", 1500, "lot",
                     123456750, 2000, 185185125),
             DocLine("Formation", 1000, "jour", 99999999, 0, 99999999))
    doc = replace(three_lines(), lines=lines,
                  vat=(VatLine(0, 99999999, 0), VatLine(2000, 185185125, 37037025)),
                  total_ht=285185124, total_vat=37037025, total_ttc=322222149)
    [page] = text_of(render_document(doc, invariant=True))
    for expected in ("1 234 567,50 DH", "1 851 851,25 DH", "Exonéré", "0,00 DH",
                     "2 851 851,24 DH", "3 222 221,49 DH",
                     "trois millions deux cent vingt-deux mille deux cent vingt et un dirhams"
                     " et quarante-neuf centimes"):
        assert expected in page, expected
