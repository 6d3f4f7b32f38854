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
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from ecp.members import payroll
from ecp.members.economy import PayslipDoc
from ecp.members.views import (
    MemberInfo,
    PayoutVoucher,
    Receivable,
    StatementExpense,
    StatementInvoice,
    StatementMovement,
    StatementPayment,
    StatementPayout,
    StatementProduction,
    StatementView,
    Treasury,
)
from ecp.reports.annual_pdf import render_annual
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
from ecp.reports.payout_pdf import render_payout
from ecp.reports.payslip_pdf import render_payslip
from ecp.reports.statement_pdf import render_statement
from ecp.sales.views import Company, DocLine, DocumentView, PartyView, VatLine
from tests.reports.test_statement_pdf import worked_month

D = dt.date

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


def test_brackets_mirrored_in_arabic() -> None:
    """« الأجر الصافي (درهم) » (net pay (dirham)): in a right-to-left line the opening bracket
    typed first stands at the right end and must look like « ( » there, so the string drawn
    left to right is « (…) »: U+0028 leftmost, U+0029 rightmost — never « )…( »."""
    v = visual("الأجر الصافي (درهم)")
    assert v.startswith("(") and ")" in v and not v.startswith(")")
    assert v.index("(") < v.index(")")
    assert visual("Total (TTC) مجموع").startswith("Total (TTC) ")  # French run untouched


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


MEMBER_AR = MemberInfo(code="M007", name="فاطمة الزهراء بنعلي", name_ar="فاطمة الزهراء بنعلي",
                       activity="خياطة وطرز تقليدي", contribution_bp=1000)
REASON_AR = "شراء عاجل للثوب من أجل طلبية عرس العلمي قبل نهاية الأسبوع المقبل"
LABEL_AR = "تسوية الصندوق"
NOTE_AR = "ملاحظة: الفواتير غير المؤداة في آخر الشهر تبقى في ذمة الزبون"


def arabic_month() -> StatementView:
    """The worked month of tests/reports/test_statement_pdf.py (its figures unchanged: closing
    available −250,00) with Arabic in every free field; one more « other » entry, 100,00 from
    the bank to the cash box, labelled in Arabic: no effect on the treasury."""
    v = worked_month()
    other = (StatementMovement("other", "5141", "Banques", 0, 10000, LABEL_AR, 0),
             StatementMovement("other", "5161", "Caisse", 10000, 0, LABEL_AR, 0))
    return replace(
        v, company=SELLER_AR, member=MEMBER_AR,
        invoices=(StatementInvoice("FA-2026-00041", D(2026, 11, 3), "مطعم الريف", 200000,
                                   240000),
                  StatementInvoice("FA-2026-00042", D(2026, 11, 10), "رياض الزيتون", 100000,
                                   120000)),
        payments=(StatementPayment(D(2026, 11, 12), "FA-2026-00041", "مطعم الريف",
                                   "virement", 240000, 40000),
                  StatementPayment(D(2026, 11, 20), "FA-2026-00042", "رياض الزيتون",
                                   "espèces", 60000, 10000)),
        expenses=(StatementExpense(D(2026, 11, 15), "أثواب الشمال", "فاتورة 778", 30000, 6000,
                                   36000),),
        payouts=(StatementPayout("VR-2026-000012", D(2026, 11, 25), "virement", 150000, False),
                 StatementPayout("VR-2026-000013", D(2026, 11, 28), "espèces", 120000, True,
                                 REASON_AR)),
        receivables=(Receivable("FA-2026-00030", "مقهى الحافة", D(2026, 9, 16),
                                D(2026, 11, 15), 180000, 15),
                     Receivable("FA-2026-00042", "رياض الزيتون", D(2026, 11, 10),
                                D(2027, 1, 9), 60000, -40)),
        production=(StatementProduction("OF-2026-0007", "قفطان مطرز", 3000, D(2026, 11, 20),
                                        "terminé", D(2026, 11, 18), 45000),),
        notes=(NOTE_AR,), movements=v.movements + other)


def test_member_statement_arabic_everywhere(tmp_path: Path) -> None:
    data = render_statement(arabic_month(), tmp_path / "releve.pdf", invariant=True)
    raw, text = read_back(data)
    no_loose_letters(raw)
    for field in ("فاطمة الزهراء بنعلي", "خياطة وطرز تقليدي", "شارع ابن بطوطة 12", "طنجة",
                  "مطعم الريف", "رياض الزيتون", "أثواب الشمال", "فاتورة 778", "مقهى الحافة",
                  "قفطان مطرز", LABEL_AR, NOTE_AR):
        assert field in text, field
    # the advance's reason wraps in its column (« Avance de solidarité : … », a French line
    # holding Arabic), read in order over its lines
    words = [w for line in text.split("\n") for w in line.split() if w in REASON_AR.split()]
    assert " ".join(words) == REASON_AR
    assert not any(REASON_AR in line for line in text.split("\n"))  # it did wrap
    # the summary still ends on the closing treasury: −250,00
    assert "-250,00" in text.replace("\u00a0", " ").replace("−", "-")


def test_payout_voucher_arabic_everywhere(tmp_path: Path) -> None:
    """An advance of 1 200,00 to a member with an Arabic name, activity and reason."""
    v = PayoutVoucher(company=SELLER_AR, member=MEMBER_AR, number="VR-2026-000013",
                      day=D(2026, 11, 28), amount=120000, method="espèces", advance=True,
                      reason=REASON_AR, available_before=95000, entry="CA-2026-000045")
    data = render_payout(v, tmp_path / "bon.pdf", invariant=True)
    raw, text = read_back(data)
    no_loose_letters(raw)
    for field in ("فاطمة الزهراء بنعلي", "خياطة وطرز تقليدي", "شارع ابن بطوطة 12", "طنجة"):
        assert field in text, field
    words = [w for line in text.split("\n") for cell in line.split(" | ")
             for w in cell.split() if w in REASON_AR.split()]
    assert " ".join(words) == REASON_AR
    assert "1 200,00" in text.replace("\u00a0", " ")


def test_payslip_arabic_everywhere(tmp_path: Path) -> None:
    """A salaried member with an Arabic name and activity, paid 6 000,00 gross in November
    2026 (figures from ecp.members.payroll, checked in its own tests)."""
    slip = payroll.payslip(600000, 2, 202611)
    doc = PayslipDoc(company=SELLER_AR, member=MEMBER_AR, cnss="123456789", number="VR-2026-000020",
                     day=D(2026, 11, 30), method="virement bancaire", payslip=slip, withheld=0,
                     paid=slip.net, payroll_entry="OD-2026-000050",
                     payment_entry="BQ-2026-000061",
                     year_to_date={k: getattr(slip, k) for k in (
                         "gross", "employee_total", "employer_total", "taxable", "ir", "net",
                         "cost", "professional_expenses")}, months=1)
    data = render_payslip(doc, tmp_path / "bulletin.pdf", invariant=True)
    raw, text = read_back(data)
    no_loose_letters(raw)
    for field in ("فاطمة الزهراء بنعلي", "خياطة وطرز تقليدي", "شارع ابن بطوطة 12", "طنجة"):
        assert field in text, field
    assert "6 000,00" in text.replace("\u00a0", " ")


def test_annual_statement_arabic_everywhere(tmp_path: Path) -> None:
    """2026 of a member with Arabic names everywhere: turnover 120 000,00, a charge of
    30 000,00 (« شراء الأثواب »), contribution 12 000,00: result 120 000,00 − 30 000,00
    − 12 000,00 = 78 000,00; a sewing machine in the register (cost 8 000,00, net 6 400,00)."""
    from ecp.members.annual import AnnualAsset, AnnualRemuneration, AnnualStatement, NatureLine

    treasury = Treasury(D(2026, 12, 31), 0, 0, 0, 0, 0, 0, 0)
    v = AnnualStatement(
        SELLER_AR, MEMBER_AR, None, None, 2026, D(2026, 1, 1), D(2026, 12, 31), 12000000, (),
        (NatureLine("6111", "شراء الأثواب", 3000000, ("6111",)),), 1200000, 7800000,
        AnnualRemuneration(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0, 0, 0,
        (AnnualAsset("IMM-1", "ماكينة خياطة", "2332", D(2026, 1, 10), 800000, 160000,
                     640000),), treasury)
    v.check()
    data = render_annual(v, tmp_path / "annuel.pdf", issued=D(2027, 1, 15), invariant=True)
    raw, text = read_back(data)
    no_loose_letters(raw)
    for field in ("فاطمة الزهراء بنعلي", "خياطة وطرز تقليدي", "شارع ابن بطوطة 12", "طنجة",
                  "شراء الأثواب"):
        assert field in text, field
    assert "78 000,00" in text.replace("\u00a0", " ")


def test_template_text_in_the_document_direction() -> None:
    """« − {label} » of a French document around an Arabic label: the sign stays on the left
    (base L), where an Arabic line would put it on the right; the cell is not right-aligned."""
    register_fonts()
    style = ParagraphStyle("s", fontName=FONT, fontSize=9, leading=11.7)
    assert letters(visual("− شراء الأثواب", "L")) == "− باوثألا ءارش"
    assert letters(visual("− شراء الأثواب")) == "باوثألا ءارش −"
    assert para("− شراء الأثواب", style, base="L").style is style
    assert para("− شراء الأثواب", style).style.alignment == TA_RIGHT


def test_value_aligned_left_until_it_wraps() -> None:
    """``rtl_right=False``: an Arabic value among French lines stays on the left on one line;
    wrapped, its lines start on the right."""
    register_fonts()
    style = ParagraphStyle("s", fontName=FONT, fontSize=9, leading=11.7)
    short = para("تحويل بنكي", style, rtl_right=False)
    short.wrap(300, 100)
    assert short.style.alignment == TA_LEFT
    long = para(REASON_AR, style, rtl_right=False)
    _, height = long.wrap(150, 1000)
    assert height > 11.7 and long.style.alignment == TA_RIGHT
