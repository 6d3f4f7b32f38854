"""Invoice, credit-note and quote PDFs (ReportLab platypus).

Wording, legal mentions and layout options come from ``documents.toml`` in the templates folder
(``ecp/_invoices`` in an installed wheel, ``invoices/`` of the repository otherwise). The font is
DejaVu Sans, shipped in ``ecp/reports/fonts`` and embedded: it draws the dirham amounts, the
French accents and Arabic names (shaped here, at rendering, with arabic-reshaper and python-bidi).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

import ecp
from ecp.kernel.money import fmt_fr
from ecp.reports import i18n
from ecp.reports.bidi import para, visual
from ecp.reports.bidi import shape_arabic as shape_arabic  # the shared path (ecp.reports.bidi)
from ecp.reports.i18n import Table
from ecp.sales import words_ar
from ecp.sales.delays import term_on
from ecp.sales.rules import cash_limit
from ecp.sales.views import Company, DocumentView
from ecp.sales.words import invoice_sentence
from ecp.settings import PENALTY_LAW

FONT = "ECP-DejaVuSans"
FONT_BOLD = "ECP-DejaVuSans-Bold"
FONTS_DIR = Path(__file__).parent / "fonts"

def templates_dir() -> Path:
    """Templates folder: packaged ``ecp/_invoices`` first, else the repository's ``invoices/``."""
    packaged = Path(ecp.__file__).parent / "_invoices"
    if (packaged / "documents.toml").is_file():
        return packaged
    return Path(ecp.__file__).parent.parent / "invoices"


def load_templates(folder: Path | None = None) -> dict[str, Any]:
    """``documents.toml`` of ``folder`` (default: :func:`templates_dir`) as a dict."""
    with open((folder or templates_dir()) / "documents.toml", "rb") as f:
        return tomllib.load(f)


@cache
def register_fonts() -> None:
    """Register the shipped DejaVu Sans (regular and bold) once per process."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONTS_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONTS_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                  boldItalic=FONT_BOLD)


def warm_up() -> None:
    """Pay ahead what the first document of a process would: importing ReportLab (done by
    importing this module), parsing the fonts, and a first layout of a paragraph and a table
    (ReportLab compiles its patterns then). The terminal calls it in a thread at start-up, so
    that issuing the first invoice costs what the next ones do. Draws into memory only."""
    register_fonts()
    style = ParagraphStyle("warm-up", fontName=FONT, fontSize=9)
    table = Table([[Paragraph("<b>ECP</b> — 1 200,00", style), "1 200,00"]])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT_BOLD)]))
    SimpleDocTemplate(io.BytesIO(), pagesize=A4, initialFontName=FONT).build(
        [Paragraph(escape("Facture n° F-0001 & co"), style), Spacer(1, 4), table])


def _x(text: str) -> str:
    """A one-line text for Paragraph markup: shaped (Arabic joined and ordered, see
    :mod:`ecp.reports.bidi`; Latin text as it is), then escaped."""
    return escape(visual(text))


def keep_number(text: str) -> str:
    """``100 000 DH`` with no-break spaces between the digit groups: one number to the bidi
    algorithm (a space between two numbers would let a right-to-left line swap them,
    « 000 100 »), and never cut at the end of a line."""
    return re.sub(r"(?<=\d) (?=\d)", "\u00a0", text)


def fit(text: str, style: ParagraphStyle, width: float, padding: float = 8) -> Paragraph:
    """A one-line cell (amount, quantity, rate): never wrapped (no-break spaces); a text wider
    than the column is drawn smaller rather than spilling over its neighbour."""
    avail = width - padding
    text = visual(text)
    used = pdfmetrics.stringWidth(text, style.fontName, style.fontSize)
    if used > avail:
        style = ParagraphStyle(f"{style.name}-fit", parent=style,
                               fontSize=style.fontSize * avail / used * 0.98)
    return Paragraph(_x(text).replace(" ", "\u00a0"), style)


class Styles:
    def __init__(self, size: float, accent: colors.Color) -> None:
        def st(name: str, **kw: Any) -> ParagraphStyle:
            base: dict[str, Any] = {"fontName": FONT, "fontSize": size, "leading": size * 1.3}
            base.update(kw)
            return ParagraphStyle(name, **base)

        self.normal = st("normal")
        self.small = st("small", fontSize=size - 1, leading=(size - 1) * 1.3)
        self.right = st("right", alignment=TA_RIGHT)
        self.bold = st("bold", fontName=FONT_BOLD)
        self.bold_right = st("bold_right", fontName=FONT_BOLD, alignment=TA_RIGHT)
        self.cell = st("cell", fontSize=size - 0.5, leading=(size - 0.5) * 1.25)
        self.cell_right = st("cell_right", parent=self.cell, fontSize=size - 0.5,
                             leading=(size - 0.5) * 1.25, alignment=TA_RIGHT)
        self.head = st("head", fontName=FONT_BOLD, fontSize=size - 0.5,
                       leading=(size - 0.5) * 1.25, textColor=colors.white)
        self.head_right = st("head_right", parent=self.head, fontName=FONT_BOLD,
                             fontSize=size - 0.5, leading=(size - 0.5) * 1.25,
                             textColor=colors.white, alignment=TA_RIGHT)
        self.company = st("company", fontName=FONT_BOLD, fontSize=size + 4,
                          leading=(size + 4) * 1.25, textColor=accent)
        self.title = st("title", fontName=FONT_BOLD, alignment=TA_RIGHT, textColor=accent)
        self.title_ar = st("title_ar", alignment=TA_RIGHT, textColor=accent)
        self.box_title = st("box_title", fontName=FONT_BOLD, textColor=accent)
        self.ar_right = st("ar_right", alignment=TA_RIGHT)
        self.sentence = st("sentence", fontName=FONT_BOLD, spaceBefore=4)


def legal_lines(seller: Company, lines: list[str], fs: float, width: float) -> list[str]:
    """The footer's legal mentions: ``lines`` (``[footer]`` of ``documents.toml``) filled with
    the ECP's identity, each split to fit ``width`` at font size ``fs``."""
    fields = {
        "name": seller.name, "legal_form": seller.legal_form, "capital": seller.capital,
        "address": seller.address, "city": seller.city, "if_number": seller.if_number,
        "tp": seller.tp, "ice": seller.ice, "rc": seller.rc, "court": seller.court,
        "cnss": seller.cnss, "bank": seller.bank, "rib": seller.rib,
    }
    return [visual(part) for line in lines
            for part in simpleSplit(line.format(**fields), FONT, fs, width)]


def footer_canvas(lines: list[str], page_label: str, reference: str, fs: float, margin: float,
                  accent: colors.Color) -> type[Canvas]:
    """A canvas class that, at save, draws on each page the legal mentions, the document's
    reference (a loose page still says which invoice it belongs to) and « page X / Y »."""

    # reportlab ships no type stubs (Canvas is Any to mypy): subclassing it is a typing gap.
    class FooterCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._draw_footer(total)
                super().showPage()
            super().save()

        def _draw_footer(self, total: int) -> None:
            width = self._pagesize[0]
            base = margin * 0.5
            top = base + fs * 1.6 + fs * 1.35 * (len(lines) - 1)
            self.saveState()
            self.setStrokeColor(accent)
            self.setLineWidth(0.5)
            self.line(margin, top + fs + 1, width - margin, top + fs + 1)
            self.setFont(FONT, fs)
            self.setFillColor(colors.HexColor("#333333"))
            for i, line in enumerate(lines):
                self.drawCentredString(width / 2, top - i * fs * 1.35, line)
            self.drawString(margin, base, reference)
            self.drawRightString(width - margin, base,
                                 visual(page_label.format(page=self._pageNumber, pages=total)))
            self.restoreState()

    return FooterCanvas


NO_CASH = ("Virement bancaire, chèque ou effet (espèces exclues à partir de {limit} DH, "
           "{rule})")


def payment_method(doc: DocumentView, pay: dict[str, Any], lang: str = "fr") -> str:
    """The « Mode de paiement » printed on an invoice: the document's own, or the default. To
    a professional customer, from the CGI art. 193 limit in force on the issue date (TTC at or
    above it), a method that offers cash is replaced by ``[payment] no_cash`` (``{limit}`` in
    DH, ``{rule}``): such a sale may not be settled in cash. ``pay`` is ``[payment]`` in
    ``lang``; the document's own method (frozen in French) is translated by the catalog."""
    method = doc.payment_method or pay["default_method"]
    shown = i18n._(lang, method) if lang != "fr" else method
    if doc.kind != "facture" or doc.customer.consumer:
        return shown
    limit, rule = cash_limit("sale", int(doc.issue_date.strftime("%Y%m%d")))
    plain = method.lower().replace("è", "e")
    if doc.total_ttc < limit or "espece" not in plain:
        return shown
    return str(pay.get("no_cash", NO_CASH)).format(
        limit=fmt_fr(limit).removesuffix(",00"), rule=rule)


def catalog_wording(lang: str) -> dict[str, str]:
    """The French texts an invoice's frozen view carries (written by ecp.sales and
    ecp.settings at issue) that an Arabic document prints translated: the default payment
    method, the law the terms cite, the loi 69-21 late-payment mention (``PENALTY_LAW``)."""
    return {
        "virement bancaire, chèque ou espèces": i18n._(
            lang, "virement bancaire, chèque ou espèces"),
        "loi 69-21": i18n._(lang, "loi 69-21"),
        PENALTY_LAW: i18n._(lang, "Tout retard de paiement est passible de l'amende de la loi "
                                  "69-21 : taux directeur de Bank Al-Maghrib le premier mois de "
                                  "retard, puis 0,85 % par mois ou fraction de mois "
                                  "supplémentaire."),
    }


def terms_in(doc: DocumentView, lang: str) -> str:
    """An invoice's payment terms composed in ``lang`` from its frozen dates — the same
    sentence as ``ecp.sales.documents.terms_text`` writes in French at issue: « Paiement à 30
    jours à compter de la date de facture (échéance le 15/01/2027) »; from the operation date
    when it differs from the issue date; « à réception » at 0 days; agreed terms beyond 60
    days with the law that allows them."""
    assert doc.due_date is not None
    start = doc.operation_date
    days = (doc.due_date - start).days
    shown = i18n.date_numeric(doc.due_date, lang)
    if doc.agreed_terms:
        law = term_on(start).source
        return i18n._(lang, "Paiement à l'échéance convenue le {date} ({days} jours, délai "
                            "convenu par écrit, {rule})").format(
            date=shown, days=days, rule=catalog_wording(lang).get(law, law))
    if days == 0:
        return i18n._(lang, "Paiement à réception de la facture (échéance le {date})").format(
            date=shown)
    if doc.operation_date != doc.issue_date:
        return i18n._(lang, "Paiement à {days} jours à compter de la date de l'opération "
                            "(échéance le {date})").format(days=days, date=shown)
    return i18n._(lang, "Paiement à {days} jours à compter de la date de facture (échéance "
                        "le {date})").format(days=days, date=shown)


def render_document(doc: DocumentView, out: Path | None = None, *, invariant: bool = False,
                    templates: Path | None = None, lang: str | None = None) -> bytes:
    """Render an invoice, credit note or quote to PDF bytes (also written to ``out`` if given).

    ``invariant`` makes the bytes reproducible (fixed creation date and ids), for tests and
    archive hashes. ``templates`` is a folder with a ``documents.toml`` (default: shipped one).
    ``lang`` (``fr`` | ``ar``) overrides the document's language, frozen in its view at issue
    (the customer's then). An Arabic document is laid out right to left (columns mirrored),
    its wording from the catalog, its figures as ar_MA writes them, its amount in Arabic words;
    the legal mentions of the footer stay French, the payment terms and the late-payment
    mention print in Arabic then in French (docs/invoicing.md).
    """
    register_fonts()
    lang = lang or doc.language
    with i18n.drawing(lang):
        data = _draw(doc, lang, invariant, templates)
    if out is not None:
        Path(out).write_bytes(data)
    return data


def _draw(doc: DocumentView, lang: str, invariant: bool, templates: Path | None) -> bytes:
    """The body of :func:`render_document`, inside :func:`i18n.drawing`."""
    rtl = i18n.is_rtl()
    t = i18n.localize_templates(load_templates(templates), lang)
    lay = t["layout"]
    labels = t["labels"]
    size = float(lay.get("font_size", 9))
    margin = float(lay.get("margin_mm", 15)) * mm
    bottom = float(lay.get("bottom_margin_mm", 24)) * mm
    accent = colors.HexColor(lay.get("accent", "#1F4E79"))
    date_style = lay.get("date_style", "long")
    s = Styles(size, accent)
    if rtl:  # every text starts on the right
        i18n.rtl_styles(s)
    doc_dir = "R" if rtl else None  # of the texts a template composes around a value
    width = A4[0] - 2 * margin
    seller = doc.seller

    def date(d: dt.date) -> str:
        return i18n.fmt_date(d, date_style, lang)

    def money(c: int) -> str:
        return i18n.money(c, lang)

    story: list[Flowable] = []

    # Header: seller identity (left), document title and dates (right)
    ident: list[Flowable] = []
    if seller.logo and lay.get("show_logo", True) and Path(seller.logo).is_file():
        iw, ih = ImageReader(seller.logo).getSize()
        lw = float(lay.get("logo_width_mm", 35)) * mm
        ident += [Image(seller.logo, width=lw, height=lw * ih / iw), Spacer(1, 2 * mm)]
    capital = keep_number(seller.capital) if rtl else seller.capital
    ident += [
        para(seller.name, s.company, rtl_right=False),
        para(f"{seller.legal_form} {labels['capital']} {capital}",
             s.normal, base=doc_dir),
        para(seller.address, s.normal, rtl_right=False),
        para(seller.city, s.normal, rtl_right=False),
    ]
    title_size = float(lay.get("title_size", 18))
    title_style = ParagraphStyle("t", parent=s.title, fontSize=title_size,
                                 leading=title_size * 1.2)
    if rtl:  # the title block, mirrored to the left of the page, aligned on its edge
        title_style.alignment = s.title_ar.alignment = TA_LEFT
    heading: list[Flowable] = [Paragraph(_x(t["titles"][doc.kind]), title_style)]
    title_ar = t.get("titles_ar", {}).get(doc.kind, "")  # an Arabic document: the French one
    if title_ar:
        heading.append(Paragraph(_x(title_ar), s.title_ar))
    facts: list[tuple[str, str]] = [
        (labels["number"], doc.number),
        (labels["issue_date"], date(doc.issue_date)),
    ]
    if doc.kind != "devis":  # a quote has no operation yet
        facts.append((labels["operation_date"], date(doc.operation_date)))
    if doc.kind == "facture" and doc.related:
        facts.append((labels.get("quote", "Devis n°"), doc.related))
    if doc.kind == "facture" and doc.order_ref:
        facts.append((labels.get("order_ref", "Votre commande"), doc.order_ref))
    if doc.kind == "facture" and doc.due_date:
        facts.append((labels["due_date"], date(doc.due_date)))
    if doc.kind == "devis" and doc.valid_until:
        facts.append((labels["valid_until"], date(doc.valid_until)))
    if doc.kind == "avoir" and doc.related:
        facts.append((labels["related"], doc.related))
    facts_table = Table(
        [[para(k, s.right), para(v, s.bold_right)] for k, v in facts],
        colWidths=[38 * mm, 42 * mm], hAlign="LEFT" if rtl else "RIGHT")
    facts_table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, size),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
    ]))
    heading += [Spacer(1, 2 * mm), facts_table]
    header = Table([[ident, heading]], colWidths=[width - 82 * mm, 82 * mm])
    header.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, size),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    story += [header, Spacer(1, 6 * mm)]

    # Member (left) and customer (right) blocks
    member_line = t["member"][doc.kind].format(name=doc.member_name, code=doc.member_code)
    member: list[Flowable] = [para(member_line, s.normal, base=doc_dir)]
    if doc.member_name_ar:
        member.append(para(doc.member_name_ar, s.normal, rtl_right=False))
    cust = doc.customer
    customer: list[Flowable] = [
        para(labels["consumer"] if cust.consumer else labels["customer"], s.box_title),
        para(cust.name, s.bold),
    ]
    if cust.name_ar:
        customer.append(para(cust.name_ar, s.ar_right))
    for text in (cust.address, cust.city):
        if text:
            customer.append(para(text, s.normal))
    for key, value in (("ice", cust.ice), ("if_number", cust.if_number), ("rc", cust.rc)):
        if value:
            customer.append(para(f"{labels[key]} : {value}", s.normal, base=doc_dir))
    half = (width - 8 * mm) / 2
    blocks = Table([[member, "", customer]], colWidths=[half, 8 * mm, half])
    blocks.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, size),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOX", (2, 0), (2, 0), 0.6, accent),
        ("LEFTPADDING", (2, 0), (2, 0), 6), ("RIGHTPADDING", (2, 0), (2, 0), 6),
        ("TOPPADDING", (2, 0), (2, 0), 5), ("BOTTOMPADDING", (2, 0), (2, 0), 6),
        ("LEFTPADDING", (0, 0), (0, 0), 0), ("TOPPADDING", (0, 0), (0, 0), 5),
    ]))
    story += [blocks, Spacer(1, 6 * mm)]

    # Lines
    cols = t["columns"]
    exempt = t["vat_summary"]["exempt"]
    num_w = [13 * mm, 19 * mm, 28 * mm, 17 * mm, 30 * mm]  # Qté, Unité, PU HT, TVA, Total HT
    q_w, _, pu_w, tva_w, tot_w = num_w
    rows: list[list[Any]] = [[
        para(cols["description"], s.head),
        para(cols["quantity"], s.head_right),
        para(cols["unit"], s.head),
        para(cols["unit_price"], s.head_right),
        para(cols["vat"], s.head_right),
        para(cols["total_ht"], s.head_right),
    ]]
    for line in doc.lines:
        basis = line.exemption_basis
        if rtl and basis.startswith("Exonéré"):  # « Exonéré — art. 91 du CGI », frozen
            basis = exempt + basis.removeprefix("Exonéré")
        rows.append([
            para(line.description, s.cell, (f"<br/><font size={size - 1.5}>"
                 f"{_x(visual(basis, doc_dir))}</font>" if basis else "")),
            fit(i18n.quantity(line.quantity_milli, lang), s.cell_right, q_w),
            para(line.unit, s.cell),
            fit(money(line.unit_price), s.cell_right, pu_w),
            fit(i18n.rate(line.vat_bp, lang, exempt), s.cell_right, tva_w),
            fit(money(line.total_ht), s.cell_right, tot_w),
        ])
    lines_table = Table(rows, colWidths=[width - sum(num_w), *num_w], repeatRows=1)
    lines_table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, size),
        ("BACKGROUND", (0, 0), (-1, 0), accent),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#BBBBBB")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F3F6FA")]),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (1, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]))
    story += [lines_table, Spacer(1, 5 * mm)]

    # VAT by rate (left) and totals (right), kept together with the sentence in words
    vs = t["vat_summary"]
    vat_w = [22 * mm, 30 * mm, 28 * mm]
    vat_rows: list[list[Any]] = [[para(vs["rate"], s.head),
                                  para(vs["base"], s.head_right),
                                  para(vs["vat"], s.head_right)]]
    for v in doc.vat:
        vat_rows.append([fit(i18n.rate(v.vat_bp, lang, exempt), s.cell, vat_w[0], 12),
                         fit(money(v.base_ht), s.cell_right, vat_w[1], 12),
                         fit(money(v.vat), s.cell_right, vat_w[2], 12)])
    vat_table = Table(vat_rows, colWidths=vat_w)
    vat_table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, size),
        ("BACKGROUND", (0, 0), (-1, 0), accent),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#BBBBBB")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    tt = t["totals"]
    sum_w = [42 * mm, 26 * mm] if rtl else [30 * mm, 38 * mm]  # the Arabic labels are longer
    totals_table = Table([
        [para(tt["ht"], s.normal), fit(money(doc.total_ht), s.right, sum_w[1], 12)],
        [para(tt["vat"], s.normal), fit(money(doc.total_vat), s.right, sum_w[1], 12)],
        [para(tt["ttc"], s.bold), fit(money(doc.total_ttc), s.bold_right, sum_w[1], 12)],
    ], colWidths=sum_w)
    totals_table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, size),
        ("LINEABOVE", (0, 2), (-1, 2), 0.8, accent),
        ("BACKGROUND", (0, 2), (-1, 2), colors.HexColor("#E8EEF5")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    summary = Table([[vat_table, "", totals_table]],
                    colWidths=[80 * mm, width - 148 * mm, 68 * mm])
    summary.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, size),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    if rtl:
        sentence = t["sentences"][doc.kind].format(
            montant=words_ar.amount_in_words(doc.total_ttc))
        said: Flowable = para(sentence, s.sentence, base=doc_dir)
    else:
        sentence = invoice_sentence(doc.kind, doc.total_ttc, t["sentences"].get(doc.kind))
        said = Paragraph(_x(sentence), s.sentence)
    closing: list[Flowable] = [summary, Spacer(1, 4 * mm), said]

    # Payment (invoices), notes
    pay = t["payment"]
    details: list[tuple[str, str, str]] = []  # label, value, the French value beneath it
    if doc.kind == "facture":
        terms = doc.payment_terms
        if not terms:
            days = (doc.due_date - doc.issue_date).days if doc.due_date else 60
            terms = pay["terms"].format(days=days)
        if rtl and doc.payment_terms and doc.due_date:
            details.append((labels["payment_terms"], terms_in(doc, lang), terms))
        else:
            details.append((labels["payment_terms"], terms, ""))
        if doc.due_date:
            details.append((labels["due_date"], date(doc.due_date), ""))
        details.append((labels["payment_method"], payment_method(doc, pay, lang), ""))
        details += [(labels["bank"], seller.bank, ""), (labels["rib"], seller.rib, "")]
    if details:
        pay_rows = [[para(k, s.normal),
                     [para(v, s.bold, rtl_right=False, base=doc_dir), para(fr, s.small)]
                     if fr else para(v, s.bold, rtl_right=False)]
                    for k, v, fr in details]
        pay_table = Table(pay_rows, colWidths=[45 * mm, width - 45 * mm])
        pay_table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), FONT, size),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        closing += [Spacer(1, 4 * mm), pay_table]
        penalty = doc.late_penalty or pay.get("late_penalties")
        if penalty and rtl:  # the mention frozen in French, after its translation if any
            translated = catalog_wording(lang).get(penalty, penalty)
            if translated != penalty:
                closing.append(para(translated, s.small, base=doc_dir))
            closing.append(para(penalty, s.small))
        elif penalty:
            closing.append(Paragraph(_x(penalty), s.small))
    for note in doc.notes:
        closing += [Spacer(1, 2 * mm), para(note, s.normal)]
    story.append(KeepTogether(closing))

    # Footer: legal mentions on every page
    fs = size - 1.5
    footer_lines = legal_lines(seller, t["footer"]["lines"], fs, width)
    bottom = max(bottom, margin * 0.5 + fs * (1.35 * len(footer_lines) + 1.6) + 6 * mm)
    canvas_cls = footer_canvas(footer_lines, labels["page"],
                                visual(f"{t['titles'][doc.kind]} {doc.number}"), fs, margin,
                                accent)

    buf = io.BytesIO()
    pdf = SimpleDocTemplate(
        # the frame pads its content by 6 pt: margins shrink so content starts at ``margin``
        buf, pagesize=A4, leftMargin=margin - 6, rightMargin=margin - 6, topMargin=margin - 6,
        bottomMargin=bottom - 6, invariant=int(invariant), initialFontName=FONT,
        title=f"{t['titles'][doc.kind]} {doc.number}", author=seller.name,
        creator="ecp", subject=doc.number)
    pdf.build(story, canvasmaker=canvas_cls)
    return buf.getvalue()
