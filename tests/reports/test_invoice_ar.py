"""Invoices, credit notes and quotes in Arabic (issue 16): drawn in Arabic when the document's
language — the customer's, frozen in the view at issue — is ``ar``: right to left (columns
mirrored), wording from the catalog, ar_MA amounts and dates, the amount in Arabic words, the
payment terms and the loi 69-21 mention in Arabic then in French; Arabic in every free field,
read back by text extraction (``logical`` of tests/reports/test_arabic_everywhere.py). The
French invoice of a French customer is unchanged."""


from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from ecp import api
from ecp.kernel.units import Quantity, Rate
from ecp.reports.bidi import visual
from ecp.reports.invoice_pdf import catalog_wording, render_document
from ecp.sales.documents import LineInput, Terms, view_from_json, view_to_json
from ecp.sales.views import DocLine, DocumentView
from ecp.settings import PENALTY_LAW
from tests.reports.test_arabic_everywhere import (
    ARABIC_FIELDS,
    LONG_DESIGNATION,
    arabic_document,
    no_loose_letters,
    read_back,
)

D = dt.date

# 2 × 1 500,00 + 800,00 + 450,00 = 4 250,00 HT; 20 % = 850,00; TTC 5 100,00 (arabic_document)
WORDS_5100 = "خمسة آلاف ومائة درهم"  # 5 thousands (plural after 3–10) and 100, round: درهم


def arabic(kind: str) -> DocumentView:
    """The fully Arabic document of test_arabic_everywhere, in Arabic; the invoice issued on
    5 March 2026 for an operation of 1 March, due 4 May: 64 days from the operation (30 days
    of March after the 1st, 30 of April, 4 of May); the loi 69-21 mention frozen at issue."""
    doc = replace(arabic_document(kind), language="ar")
    if kind == "facture":
        doc = replace(doc, late_penalty=PENALTY_LAW,
                      payment_terms="Paiement à 64 jours à compter de la date de l'opération "
                                    "(échéance le 04/05/2026)",
                      payment_method="virement bancaire, chèque ou espèces")
    return doc


def flat(text: str) -> str:
    return text.replace("\u00a0", " ")


def test_invoice_in_arabic(tmp_path: Path) -> None:
    data = render_document(arabic("facture"), tmp_path / "facture.pdf", invariant=True)
    raw, text = read_back(data)
    no_loose_letters(raw)
    text = flat(text)
    for part in (
        "فاتورة", "FACTURE",  # titled in Arabic, then in French
        "رقم", "تاريخ الإصدار", "5 مارس 2026", "تاريخ العملية", "1 مارس 2026",
        "طلبيتكم", "تاريخ الاستحقاق", "4 ماي 2026",  # ar_MA month names
        "الزبون", "البيان", "الكمية",
        "1.500,00 د.م.", "3.000,00 د.م.", "4.250,00 د.م.", "850,00 د.م.", "5.100,00 د.م.",
        f"حصرت هذه الفاتورة في مبلغ {WORDS_5100}.",
        # the terms composed in Arabic from the frozen dates, the frozen French beneath
        "الأداء داخل أجل 64 يوما ابتداء من تاريخ العملية (تاريخ الاستحقاق 04/05/2026)",
        "تحويل بنكي أو شيك أو نقدا",
        "لغرامة القانون رقم 69.21",
    ):
        assert part in text, part
    for field in (*ARABIC_FIELDS, "طلب 45", "البنك الشعبي"):
        assert field in text, field
    plain = re.sub(r"\s+", " ", text)
    assert "Paiement à 64 jours à compter de la date de l'opération" in plain
    assert "Tout retard de paiement est passible de l'amende de la loi 69-21" in plain
    # the French wording of the body is gone; the footer's legal mentions stay French
    for french in ("Arrêtée", "Désignation", "Total TTC", "Conditions de paiement"):
        assert french not in plain, french
    assert "au capital de" in plain and "IF : 40123456" in plain


def test_invoice_columns_mirrored() -> None:
    """The lines' table reads right to left: the designation (first column in French) is the
    rightmost cell of its line, the line's total (last in French) the leftmost."""
    _, text = read_back(render_document(arabic("facture"), invariant=True))
    line = next(ln for ln in flat(text).split("\n") if "قفطان مطرز يدويا" in ln
                and "3.000,00" in ln)
    cells = line.split(" | ")
    assert cells[-1] == "قفطان مطرز يدويا" and cells[0] == "3.000,00 د.م.", cells
    # the long designation still wraps in reading order, its first words on top
    vocab = set(LONG_DESIGNATION.split())
    parts = [cell for ln in text.split("\n") for cell in ln.split(" | ")
             if set(cell.split()) <= vocab and len(cell.split()) > 3]
    assert " ".join(parts) == LONG_DESIGNATION, parts


def test_exempt_line_in_arabic() -> None:
    """A 0 % line: « معفى » in the rate column, and under its designation « معفى — » then the
    article as frozen (« art. 91-I-A-1° du CGI »)."""
    doc = arabic("facture")
    doc = replace(doc, lines=(*doc.lines, DocLine("خبز", 1000, "كلغ", 1000, 0, 1000, "PAIN",
                                                  "Exonéré — art. 91-I-A-1° du CGI")))
    raw, text = read_back(render_document(doc, invariant=True))
    # drawn right to left (the document's direction, not the article's): « معفى » rightmost
    assert visual("معفى — art. 91-I-A-1° du CGI", "R") in raw
    assert raw.split("art. 91-I-A-1° du CGI — ")[1].startswith(visual("معفى"))
    assert "Exonéré" not in text


def test_credit_note_in_arabic() -> None:
    raw, text = read_back(render_document(arabic("avoir"), invariant=True))
    no_loose_letters(raw)
    text = flat(text)
    for part in ("إشعار دائن", "AVOIR", "إشعار دائن على الفاتورة", "F-2026-000020",
                 "5.100,00 د.م.", f"حصر هذا الإشعار الدائن في مبلغ {WORDS_5100}.",
                 *ARABIC_FIELDS):
        assert part in text, part
    assert "Arrêté" not in text


def test_quote_in_arabic() -> None:
    raw, text = read_back(render_document(arabic("devis"), invariant=True))
    no_loose_letters(raw)
    text = flat(text)
    for part in ("عرض سعر", "DEVIS", "صالح إلى غاية", "4 أبريل 2026", "5.100,00 د.م.",
                 f"حصر عرض السعر هذا في مبلغ {WORDS_5100}.", *ARABIC_FIELDS):
        assert part in text, part
    assert "تاريخ العملية" not in text  # a quote has no operation yet


def test_french_customer_unchanged() -> None:
    """The same Arabic free fields for a French-language customer: the French invoice, byte
    for byte what ``lang="fr"`` draws, amounts and words in French."""
    doc = arabic_document("facture")
    assert doc.language == "fr"
    data = render_document(doc, invariant=True)
    assert data == render_document(replace(doc, language="ar"), invariant=True, lang="fr")
    _, text = read_back(data)
    plain = re.sub(r"\s+", " ", flat(text))
    for part in ("FACTURE", "Total TTC", "5 100,00 DH",
                 "Arrêtée la présente facture à la somme de cinq mille cent dirhams."):
        assert part in plain, part
    assert "د.م." not in plain


def test_penalty_mention_translated() -> None:
    """The loi 69-21 mention written by ecp.settings at issue is a msgid of the catalog (same
    text, so that an Arabic invoice finds its translation)."""
    ar = catalog_wording("ar")
    assert PENALTY_LAW in ar and ar[PENALTY_LAW] != PENALTY_LAW
    assert catalog_wording("fr")[PENALTY_LAW] == PENALTY_LAW


def test_old_views_print_in_french() -> None:
    """A view frozen before the language was stored (no ``language`` key) reads back French."""
    d = json.loads(view_to_json(arabic_document("facture")))
    del d["language"]
    assert view_from_json(json.dumps(d)).language == "fr"


def pages_text(path: Path) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_language_frozen_at_issue(sales: api.Books) -> None:
    """A customer writing in Arabic: its invoice is issued in Arabic (the view says ``ar``);
    the customer's language changed afterwards leaves the issued document as it was."""
    api.add_customer(sales, "RIF", "مطعم الريف", ice="003123456000040", language="ar")
    inv = api.create_and_issue(sales, "facture", "FZ", "RIF", D(2026, 3, 5), [
        LineInput("قفطان", Quantity(1000), 100_000, Rate(2000), "71211")])
    assert inv.view.language == "ar"
    api.edit_party(sales, "customer", "RIF", language="fr")
    assert api.document_view(sales, inv.number).language == "ar"
    text = pages_text(api.document_pdf(sales, inv.number))
    assert "FACTURE" in text and "Arrêtée" not in text
    # 1 000,00 HT + 200,00 TVA = 1 200,00: « ألف ومائتا درهم » read back
    _, logical_text = read_back(render_document(api.document_view(sales, inv.number),
                                                invariant=True))
    assert "حصرت هذه الفاتورة في مبلغ ألف ومائتا درهم." in flat(logical_text)


def test_invoice_show_states_operation_order_and_language(
        sales: api.Books, capsys: pytest.CaptureFixture[str]) -> None:
    """``ecp invoice show``: the operation date and the customer's order reference when the
    document has them, and its language; JSON carries them too. 1 000,00 HT at 20 % = TTC
    1 200,00."""
    from ecp import cli

    api.add_customer(sales, "RIF", "مطعم الريف", ice="003123456000040", language="ar")
    inv = api.create_and_issue(
        sales, "facture", "FZ", "RIF", D(2026, 3, 5),
        [LineInput("قفطان", Quantity(1000), 100_000, Rate(2000), "71211")],
        terms=Terms(operation=D(2026, 3, 1), order_ref="BC-77"))
    plain = api.create_and_issue(
        sales, "facture", "FZ", "HOTEL", D(2026, 3, 5),
        [LineInput("Caftan", Quantity(1000), 100_000, Rate(2000), "71211")])
    capsys.readouterr()
    assert cli.main(["--db", str(sales.path), "invoice", "show", inv.number]) == 0
    out = capsys.readouterr().out
    for part in ("Date de l'opération : 2026-03-01", "Commande du client : BC-77",
                 "Langue du document : arabe", "TTC 1 200,00 DH"):
        assert part in out, part
    assert cli.main(["--db", str(sales.path), "invoice", "show", plain.number]) == 0
    out = capsys.readouterr().out
    assert "Langue du document : français" in out
    assert "Date de l'opération" not in out and "Commande du client" not in out
    assert cli.main(["--db", str(sales.path), "invoice", "show", inv.number,
                     "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert (d["date_operation"], d["commande"], d["langue"]) == ("2026-03-01", "BC-77", "ar")


def test_arabic_invoice_leaves_no_arabic_behind() -> None:
    """Drawing an Arabic invoice restores the language that was current before it: a renderer
    drawn next in the same thread without choosing a language gets French figures."""
    from ecp.reports import i18n

    with i18n.drawing("fr"):  # whatever an earlier test left, French before the invoice
        render_document(arabic("facture"), invariant=True)
        assert i18n.current() == "fr" and i18n.money(120000) == "1 200,00 DH"
