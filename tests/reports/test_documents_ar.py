"""Member documents in Arabic (issue 16): the statement, the payout voucher, the payslip and the
annual statement drawn with ``lang="ar"`` — Arabic wording from the catalog, amounts as ar_MA
writes them (« 1.200,00 د.م. »), Moroccan month names, the amount in Arabic words, columns
mirrored — with Arabic in every free field (H4's builders), read back by text extraction; and
the member's language on the registry choosing the language by default."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from ecp import api
from ecp.members import payroll
from ecp.members.economy import PayslipDoc
from ecp.members.views import PayoutVoucher
from ecp.reports.annual_pdf import render_annual
from ecp.reports.payout_pdf import render_payout
from ecp.reports.payslip_pdf import render_payslip
from ecp.reports.statement_pdf import render_statement
from tests.reports.test_arabic_everywhere import (
    MEMBER_AR,
    REASON_AR,
    SELLER_AR,
    arabic_month,
    no_loose_letters,
    read_back,
)

D = dt.date


def flat(text: str) -> str:
    return text.replace("\u00a0", " ")


def test_statement_in_arabic(tmp_path: Path) -> None:
    """November 2026 of the worked month (closing treasury −250,00, see test_statement_pdf):
    Arabic title then the French one, « نونبر 2026 », the summary's rows in Arabic with ar_MA
    amounts, Arabic free fields kept."""
    data = render_statement(arabic_month(), tmp_path / "releve.pdf", invariant=True, lang="ar")
    raw, text = read_back(data)
    no_loose_letters(raw)
    text = flat(text)
    for part in ("الكشف الشهري", "RELEVÉ MENSUEL", "نونبر 2026", "خزينتك لهذا الشهر",
                 "الفواتير الصادرة", "الأداءات المستلمة", "-250,00 د.م.",
                 "فاطمة الزهراء بنعلي", "مطعم الريف", "رياض الزيتون", "قفطان مطرز"):
        assert part in text, part
    # French only in the legal mentions of the footer (the registers' language) and the title
    assert "Votre trésorerie" not in text and "Factures émises" not in text


def test_statement_columns_mirrored(tmp_path: Path) -> None:
    """The invoices' table reads right to left: in the extracted line, the number (first
    column in French) is the rightmost cell, the TTC (last in French) the leftmost."""
    data = render_statement(arabic_month(), invariant=True, lang="ar")
    _, text = read_back(data)
    line = next(ln for ln in text.split("\n") if "FA-2026-00041" in ln)
    cells = line.split(" | ")
    assert cells[-1] == "FA-2026-00041" and cells[0].endswith("د.م.")


def test_payout_voucher_in_arabic() -> None:
    """An advance of 1 200,00: « سلفة تضامنية », the amount 1.200,00 د.م. and in words « ألف
    ومائتا درهم » (1 000 + 200, the dual in construct before the noun)."""
    v = PayoutVoucher(company=SELLER_AR, member=MEMBER_AR, number="VR-2026-000013",
                      day=D(2026, 11, 28), amount=120000, method="especes", advance=True,
                      reason=REASON_AR, available_before=95000, entry="CA-2026-000045")
    raw, text = read_back(render_payout(v, invariant=True, lang="ar"))
    no_loose_letters(raw)
    text = flat(text)
    for part in ("سلفة تضامنية", "1.200,00 د.م.", "حصر هذا السند في مبلغ ألف ومائتا درهم.",
                 "نقدا", "950,00 د.م.", "فاطمة الزهراء بنعلي", "CA-2026-000045"):
        assert part in text, part


def test_payslip_in_arabic() -> None:
    """6 000,00 gross in November 2026 (figures from ecp.members.payroll)."""
    slip = payroll.payslip(600000, 2, 202611)
    doc = PayslipDoc(company=SELLER_AR, member=MEMBER_AR, cnss="123456789",
                     number="VR-2026-000020", day=D(2026, 11, 30), method="virement",
                     payslip=slip, withheld=0, paid=slip.net, payroll_entry="OD-2026-000050",
                     payment_entry="BQ-2026-000061",
                     year_to_date={k: getattr(slip, k) for k in (
                         "gross", "employee_total", "employer_total", "taxable", "ir", "net",
                         "cost", "professional_expenses")}, months=1)
    raw, text = read_back(render_payslip(doc, invariant=True, lang="ar"))
    no_loose_letters(raw)
    text = flat(text)
    for part in ("ورقة الأداء", "الأجر الإجمالي", "6.000,00 د.م.", "نونبر 2026",
                 "فاطمة الزهراء بنعلي", "تكاليف المشغل"):
        assert part in text, part


def test_annual_statement_in_arabic() -> None:
    """Result 120 000,00 − 30 000,00 − 12 000,00 = 78 000,00, signed « 15 يناير 2027 »."""
    from ecp.members.annual import AnnualAsset, AnnualRemuneration, AnnualStatement, NatureLine
    from ecp.members.views import Treasury

    v = AnnualStatement(
        SELLER_AR, MEMBER_AR, None, None, 2026, D(2026, 1, 1), D(2026, 12, 31), 12000000, (),
        (NatureLine("6111", "شراء الأثواب", 3000000, ("6111",)),), 1200000, 7800000,
        AnnualRemuneration(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0, 0, 0,
        (AnnualAsset("IMM-1", "ماكينة خياطة", "2332", D(2026, 1, 10), 800000, 160000,
                     640000),), Treasury(D(2026, 12, 31), 0, 0, 0, 0, 0, 0, 0))
    raw, text = read_back(render_annual(v, issued=D(2027, 1, 15), invariant=True, lang="ar"))
    no_loose_letters(raw)
    text = flat(text)
    for part in ("شهادة", "78.000,00 د.م.", "15 يناير 2027", "شراء الأثواب",
                 "فاطمة الزهراء بنعلي", "= نتيجة السنة المالية"):
        assert part in text, part


def test_language_on_the_registry(tmp_path: Path) -> None:
    """``language`` on add and edit, refused when neither fr nor ar; the member's documents
    follow it."""
    books = api.open_books(str(tmp_path / "b.db"), create=True)
    api.init(books, "ECP")
    assert api.add_member(books, "M1", "Fatima", language="ar").language == "ar"
    assert api.add_member(books, "M2", "Omar").language == "fr"
    assert api.update_member(books, "M2", language="ar").language == "ar"
    try:
        api.update_member(books, "M2", language="en")
    except Exception as e:  # InputError on the field
        assert getattr(e, "field", None) == "language"
    else:
        raise AssertionError("en accepted")
    c = api.add_customer(books, "C1", "مطعم الريف", consumer=True, language="ar")
    assert c.language == "ar"
    assert api.edit_party(books, "customer", "C1", language="fr").language == "fr"
    assert replace(MEMBER_AR, language="ar").language == "ar"


def test_an_arabic_document_leaves_french_to_the_next() -> None:
    """Each member renderer restores the document language it found (a batch draws Arabic and
    French documents in one process): after an Arabic drawing, figures are French again."""
    from ecp.reports import i18n
    from ecp.reports.annual_pdf import render_annual
    from ecp.reports.payout_pdf import render_payout
    from ecp.reports.payslip_pdf import render_payslip
    from ecp.reports.statement_pdf import render_statement

    assert i18n.current() == "fr"

    @i18n.keeps_language
    def draw_arabic() -> str:
        i18n.begin("ar")
        return i18n.current()

    assert draw_arabic() == "ar"
    assert i18n.current() == "fr"
    for fn in (render_statement, render_payout, render_payslip, render_annual):
        assert getattr(fn, "__wrapped__", None) is not None, fn  # each restores it
