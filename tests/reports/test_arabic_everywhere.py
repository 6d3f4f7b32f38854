"""Arabic and mixed French/Arabic text in every PDF (issue 16): the shaping path of
``ecp.reports.bidi`` and, for each document, Arabic typed in every free field read back from the
drawn page.

How the pages are read back: pypdf's « layout » extraction gives each drawn string in its
visual order, placed on the page (cells of one row on one line, apart by several spaces).
:func:`logical` turns such a line back into what was typed: each cell normalised (NFKC maps the
joined presentation forms back to the letters) and reordered by the same algorithm, which
undoes itself on these texts.
"""

# ruff: noqa: RUF001  (Arabic letters in strings are the subject here)

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from ecp.reports.bidi import (
    BidiParagraph,
    base_direction,
    has_arabic,
    is_arabic_only,
    markup,
    para,
    reorder,
    visual,
    wrap_logical,
)
from ecp.reports.invoice_pdf import FONT, register_fonts, render_document
from ecp.sales.views import Company, DocLine, DocumentView, PartyView, VatLine

# Arabic letters as typed (hamza to yeh): a correctly drawn page has none, only joined forms.
_BASE_LETTER = re.compile("[\u0621-\u064a]")


def letters(drawn: str) -> str:
    """The letters of a drawn (visual) string: NFKC maps each joined form back to its letter;
    a lam-alef ligature, one glyph, becomes its two letters in visual order (alef, then lam)."""
    return unicodedata.normalize("NFKC", "".join(
        unicodedata.normalize("NFKC", c)[::-1] if "\ufef5" <= c <= "\ufefc" else c
        for c in drawn))


def logical(extracted: str) -> str:
    """The logical text of a page extracted in pypdf's layout mode: per line, each cell
    (separated by 3 spaces or more) NFKC-normalised and reordered, cells joined by `` | ``."""
    out = []
    for line in extracted.split("\n"):
        cells = [c.strip() for c in re.split(r" {3,}", line) if c.strip()]
        out.append(" | ".join(reorder(letters(c)) for c in cells))
    return "\n".join(out)


def pages_of(data: bytes) -> list[str]:
    return [p.extract_text(extraction_mode="layout") for p in PdfReader(io.BytesIO(data)).pages]


def read_back(data: bytes) -> tuple[str, str]:
    """(raw visual text, logical text) of all the pages of a PDF."""
    raw = "\n".join(pages_of(data))
    return raw, logical(raw)


# --- the shaping path -----------------------------------------------------------------------

def test_latin_text_unchanged() -> None:
    for text in ("Facture n° F-2026-000012", "Mme Nadia Amrani & fils <SARL>", "", "12,50 DH"):
        assert visual(text) is text
        assert not has_arabic(text)
    assert markup("A & B <x>") == "A &amp; B &lt;x&gt;"


def test_arabic_joined_and_right_to_left() -> None:
    """« مطعم الريف » (restaurant Rif): drawn right to left, letters joined. The first letter
    typed, meem U+0645, is drawn last (rightmost) in its initial form U+FEE3; the last typed,
    feh U+0641, is drawn first in its final form U+FED2."""
    v = visual("مطعم الريف")
    assert v[0] == "\ufed2" and v[-1] == "\ufee3"
    assert not _BASE_LETTER.search(v)
    assert unicodedata.normalize("NFKC", v) == "فيرلا معطم"  # letters of the bug, joined
    assert reorder(unicodedata.normalize("NFKC", v)) == "مطعم الريف"
    assert visual(v) == v  # shaping twice is harmless


def test_digits_inside_arabic() -> None:
    """« شارع 12 محمد الخامس » (12, avenue Mohammed V): an Arabic line, drawn right to left;
    the number keeps its digits left to right, « 12 » not « 21 », between its two words."""
    v = unicodedata.normalize("NFKC", visual("شارع 12 محمد الخامس"))
    assert v == "سماخلا دمحم 12 عراش"
    assert base_direction("شارع 12 محمد الخامس") == "R"


def test_mixed_line_keeps_french_order() -> None:
    """« Caftan قفطان مطرز 2 pièces »: a French line (first strong letter Latin) stays left to
    right; the Arabic run inside is reversed in place; « 2 » stays with « pièces » (the plain
    bidi algorithm would draw it left of the Arabic run, away from its word)."""
    v = unicodedata.normalize("NFKC", visual("Caftan قفطان مطرز 2 pièces"))
    assert v == "Caftan زرطم ناطفق 2 pièces"
    assert reorder(v) == "Caftan قفطان مطرز 2 pièces"
    # a French label before an Arabic value, as the documents draw it
    assert unicodedata.normalize("NFKC", visual("ICE : 0012 — مطعم")) == "ICE : 0012 — معطم"


def test_mixed_arabic_line_keeps_count_with_its_word() -> None:
    """« مطعم Riad 3 نجوم » (Riad restaurant, 3 stars): an Arabic line; « 3 » drawn next to
    « نجوم », the word it counts, not glued to « Riad »."""
    v = unicodedata.normalize("NFKC", visual("مطعم Riad 3 نجوم"))
    assert v == "موجن 3 Riad معطم"
    assert reorder(v) == "مطعم Riad 3 نجوم"


def test_lines_shaped_one_by_one() -> None:
    v = visual("مطعم الريف\nشارع 12")
    assert [unicodedata.normalize("NFKC", x) for x in v.split("\n")] == ["فيرلا معطم", "12 عراش"]
    assert markup("مطعم & co\nA").endswith("<br/>A")
    assert "&amp;" in markup("مطعم & co")


def test_arabic_only() -> None:
    assert is_arabic_only("شارع 12 محمد الخامس")
    assert is_arabic_only("طنجة")
    assert not is_arabic_only("Caftan قفطان")
    assert not is_arabic_only("Tanger 90000")


def test_logical_helper_on_a_known_case() -> None:
    """Two cells of one row, as pypdf's layout mode gives them: an Arabic name (visual, joined
    forms) and a French mixed cell."""
    extracted = visual("مطعم الريف") + "      " + visual("Caftan قفطان مطرز 2 pièces")
    assert logical(extracted) == "مطعم الريف | Caftan قفطان مطرز 2 pièces"


def test_para_plain_bidi_and_right_aligned() -> None:
    register_fonts()
    style = ParagraphStyle("s", fontName=FONT, fontSize=9, leading=11.7, alignment=TA_LEFT)
    plain = para("Riad & Zitoun", style)
    assert type(plain) is Paragraph and plain.style is style
    ar = para("مطعم الريف", style)
    assert isinstance(ar, BidiParagraph) and ar.style.alignment == TA_RIGHT
    assert para("مطعم الريف", style).style is ar.style  # one derived style, reused
    mixed = para("Client : مطعم", style)
    assert mixed.style is style


def test_long_arabic_designation_wraps_in_reading_order() -> None:
    """« قفطان مطرز يدويا بخيوط الذهب والفضة على الطريقة التطوانية الأصيلة » in a 120 pt cell
    at 9 pt: wrapped on the typed words, the first line holds the first words typed (drawn at
    the top, right-aligned), every line shaped on its own and within the width."""
    register_fonts()
    text = "قفطان مطرز يدويا بخيوط الذهب والفضة على الطريقة التطوانية الأصيلة"
    lines = wrap_logical(text, FONT, 9, 120)
    assert len(lines) >= 3
    assert " ".join(lines) == text
    assert lines[0].startswith("قفطان مطرز")
    style = ParagraphStyle("c", fontName=FONT, fontSize=9, leading=11.7)
    p = para(text, style)
    _, height = p.wrap(120, 1000)
    assert height == len(lines) * 11.7
    drawn = [letters("".join(f.text for f in line.words)) for line in p.blPara.lines]
    assert [reorder(d, "R") for d in drawn] == lines
    # a word too long for the column is cut between letters, still in reading order
    cut = wrap_logical("ا" * 200, FONT, 9, 60)
    assert len(cut) > 1 and "".join(cut) == "ا" * 200


# --- the documents --------------------------------------------------------------------------

def no_loose_letters(raw: str) -> None:
    """Every Arabic letter drawn is a joined form: none left as typed (the bug drew the typed
    letters one by one, right to left reversed: « فيرلا معطم »)."""
    assert not _BASE_LETTER.search(raw), _BASE_LETTER.findall(raw)[:10]


SELLER_AR = Company(
    name="Amal Entreprendre", legal_form="SARL", capital="100 000 DH",
    address="شارع ابن بطوطة 12", city="طنجة", if_number="40123456", tp="50212345",
    ice="002345678000031", rc="98765", court="Tribunal de commerce de Tanger", cnss="1234567",
    bank="البنك الشعبي", rib="190 640 0001234567890123 45")

CUSTOMER_AR = PartyView(code="C010", name="مطعم الريف", name_ar="مطعم الريف للأكلات",
                        address="شارع محمد الخامس 12", city="طنجة", ice="003123456000040")

DESIGNATION = "قفطان مطرز يدويا"
LONG_DESIGNATION = ("قفطان مطرز يدويا بخيوط الذهب والفضة على الطريقة التطوانية الأصيلة مع حزام "
                    "من الحرير")
MIXED = "Caftan قفطان مطرز 2 pièces"


def arabic_document(kind: str = "facture") -> DocumentView:
    """Arabic in every free field. Lines: 2 × 1 500,00 = 3 000,00 at 20 %, 1 × 800,00 = 800,00
    at 20 %, 1 × 450,00 = 450,00 at 20 %: HT 4 250,00, TVA 850,00, TTC 5 100,00."""
    lines = (
        DocLine(DESIGNATION, 2000, "قطعة", 150000, 2000, 300000),
        DocLine(LONG_DESIGNATION, 1000, "قطعة", 80000, 2000, 80000),
        DocLine(MIXED, 1000, "lot", 45000, 2000, 45000),
    )
    return DocumentView(
        kind=kind, number="F-2026-000021", issue_date=dt.date(2026, 3, 5),  # type: ignore[arg-type]
        operation_date=dt.date(2026, 3, 1), seller=SELLER_AR, member_code="M007",
        member_name="فاطمة الزهراء بنعلي", member_name_ar="فاطمة الزهراء بنعلي",
        customer=CUSTOMER_AR, lines=lines, vat=(VatLine(2000, 425000, 85000),),
        total_ht=425000, total_vat=85000, total_ttc=510000,
        due_date=dt.date(2026, 5, 4) if kind == "facture" else None,
        valid_until=dt.date(2026, 4, 4) if kind == "devis" else None,
        payment_terms="60 يوما من تاريخ الفاتورة" if kind == "facture" else "",
        payment_method="تحويل بنكي", related="F-2026-000020" if kind == "avoir" else None,
        notes=("التسليم في المحل، شارع 12 محمد الخامس",),
        order_ref="طلب 45" if kind == "facture" else None)


ARABIC_FIELDS = (
    "مطعم الريف", "مطعم الريف للأكلات", "شارع محمد الخامس 12", "طنجة", DESIGNATION, "قطعة",
    MIXED, "فاطمة الزهراء بنعلي", "شارع ابن بطوطة 12",
    "التسليم في المحل، شارع 12 محمد الخامس",
)


@pytest.mark.parametrize("kind", ["facture", "avoir", "devis"])
def test_invoice_credit_note_quote_arabic_everywhere(kind: str, tmp_path: Path) -> None:
    data = render_document(arabic_document(kind), tmp_path / f"{kind}.pdf", invariant=True)
    raw, text = read_back(data)
    no_loose_letters(raw)
    fields = [*ARABIC_FIELDS]
    if kind == "facture":
        fields += ["60 يوما من تاريخ الفاتورة", "تحويل بنكي", "طلب 45", "البنك الشعبي"]
    for field in fields:
        assert field in text, field
    # the long designation wraps over two lines, in reading order: its first words on top
    vocab = set(LONG_DESIGNATION.split())
    parts = [cell for line in text.split("\n") for cell in line.split(" | ")
             if set(cell.split()) <= vocab and len(cell.split()) > 3]
    assert len(parts) == 2 and " ".join(parts) == LONG_DESIGNATION, parts
    # the totals are still there: 4 250,00 HT, 850,00 TVA, 5 100,00 TTC
    for amount in ("4 250,00", "850,00", "5 100,00"):
        assert amount in text.replace("\u00a0", " ")
