"""The member's monthly statement (« Relevé mensuel ») as a PDF.

The figures come from :class:`ecp.members.views.StatementView`, i.e. from the ledger filtered on
the member's dimension; this module only lays them out. Its only arithmetic is the total of a
table and the summary box, which starts from the opening treasury, adds each kind of the
month's movements (their effect on the treasury, read from the ledger) and ends on the closing
treasury of the view (see :func:`summary_lines`).

Fonts, Arabic shaping, formatting, the « page X / Y » footer and the wording
(``[statement]`` of ``documents.toml``) are those of :mod:`ecp.reports.invoice_pdf`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from ecp.kernel.files import replace_private
from ecp.members.views import MOVEMENT_CATEGORIES, MemberInfo, StatementView
from ecp.reports import i18n
from ecp.reports.bidi import para, visual
from ecp.reports.i18n import Table
from ecp.reports.invoice_pdf import (
    FONT,
    Styles,
    fit,
    footer_canvas,
    legal_lines,
    load_templates,
    register_fonts,
    shape_arabic,
)
from ecp.sales.views import Company

LIGHT = colors.HexColor("#F3F6FA")
BAND = colors.HexColor("#E8EEF5")
RULE = colors.HexColor("#BBBBBB")


def money(cents: int) -> str:
    """``1 234,50 DH`` (ar ``1.234,50 د.م.``): the document's language (:func:`i18n.begin`)."""
    return i18n.money(cents)


def day(d: dt.date) -> str:
    """``01/11/2026``: statements and vouchers use numeric dates (narrow table columns)."""
    return i18n.date_numeric(d)


def month_name(d: dt.date) -> str:
    """``Novembre 2026`` (ar ``نونبر 2026``)."""
    return i18n.month_year(d)


def method_label(t: dict[str, Any], method: str) -> str:
    """A payment method as printed: ``especes`` → ``espèces`` (``[methods]``), else as is."""
    return str(t.get("methods", {}).get(method, method))


def x(text: str) -> str:
    """A one-line text for Paragraph markup: shaped (Arabic joined and ordered, see
    :mod:`ecp.reports.bidi`), then escaped. Text that may wrap goes through ``para``."""
    return escape(visual(text))


class Page:
    """Layout settings of ``[layout]`` shared by the statement and the payout voucher."""

    def __init__(self, t: dict[str, Any]) -> None:
        lay = t["layout"]
        self.size = float(lay.get("font_size", 9))
        self.margin = float(lay.get("margin_mm", 15)) * mm
        self.bottom = float(lay.get("bottom_margin_mm", 24)) * mm
        self.accent = colors.HexColor(lay.get("accent", "#1F4E79"))
        self.width = A4[0] - 2 * self.margin
        self.s = Styles(self.size, self.accent)
        self.section = ParagraphStyle("section", parent=self.s.box_title,
                                      fontSize=self.size + 2, leading=(self.size + 2) * 1.3,
                                      spaceBefore=5 * mm, spaceAfter=1.5 * mm)
        self.title = ParagraphStyle("big_title", parent=self.s.title,
                                    fontSize=float(lay.get("title_size", 18)),
                                    leading=float(lay.get("title_size", 18)) * 1.2)
        if i18n.is_rtl():  # an Arabic document: every text starts on the right
            i18n.rtl_styles(self.s)
            i18n.rtl_styles(self)


def company_block(company: Company, p: Page, ice_label: str) -> list[Flowable]:
    """The ECP's name, address and ICE, top left."""
    return [
        para(company.name, p.s.company, rtl_right=False),
        para(company.address, p.s.normal, rtl_right=False),
        para(company.city, p.s.normal, rtl_right=False),
        para(f"{ice_label} : {company.ice}", p.s.normal),
    ]


def member_box(member: MemberInfo, p: Page, title: str, activity_label: str) -> Table:
    """A framed box: title, code and Latin name, activity (left); the Arabic name, shaped and
    right-aligned (right)."""
    left: list[Flowable] = [para(title, p.s.box_title),
                            para(f"{member.code} — {member.name}", p.s.bold)]
    if member.activity:
        left.append(para(f"{activity_label} : {member.activity}", p.s.normal))
    right: list[Flowable] = []
    if member.name_ar:
        ar = ParagraphStyle("member_ar", parent=p.s.ar_right, fontName=p.s.bold.fontName,
                            fontSize=p.size + 3, leading=(p.size + 3) * 1.4)
        right.append(para(shape_arabic(member.name_ar), ar))
    box = Table([[left, right]], colWidths=[p.width * 0.6, p.width * 0.4])
    box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.6, p.accent),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return box


def grid(rows: list[list[Any]], widths: Sequence[float], p: Page, *, total: bool = False,
         header: bool = True) -> Table:
    """A table in the house style: accent header repeated on each page, zebra rows, a bold
    total row with a rule above when ``total``."""
    table = Table(rows, colWidths=list(widths), repeatRows=1 if header else 0)
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, p.size),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, LIGHT]),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), p.accent))
    if total:
        style += [("BACKGROUND", (0, -1), (-1, -1), BAND),
                  ("LINEABOVE", (0, -1), (-1, -1), 0.8, p.accent)]
    table.setStyle(TableStyle(style))
    return table


def build_pdf(story: list[Flowable], t: dict[str, Any], p: Page, company: Company, *,
              reference: str, title: str, subject: str, invariant: bool,
              out: Path | None) -> bytes:
    """Lay ``story`` out on A4 with the ECP's legal mentions, ``reference`` and « page X / Y »
    at the foot of every page; write it to ``out`` if given; return the bytes."""
    fs = p.size - 1.5
    lines = legal_lines(company, t["footer"]["lines"], fs, p.width)
    bottom = max(p.bottom, p.margin * 0.5 + fs * (1.35 * len(lines) + 1.6) + 6 * mm)
    canvas_cls = footer_canvas(lines, t["labels"]["page"], visual(reference), fs, p.margin,
                               p.accent)
    buf = io.BytesIO()
    pdf = SimpleDocTemplate(
        # the frame pads its content by 6 pt: margins shrink so content starts at ``margin``
        buf, pagesize=A4, leftMargin=p.margin - 6, rightMargin=p.margin - 6,
        topMargin=p.margin - 6, bottomMargin=bottom - 6, invariant=int(invariant),
        initialFontName=FONT, title=title, author=company.name, creator="ecp", subject=subject)
    pdf.build(story, canvasmaker=canvas_cls)
    data = buf.getvalue()
    if out is not None:  # private (0600) and whole: a reader never sees half a statement
        replace_private(Path(out), data)
    return data


# The summary box's rows, in order; the first five always, the others when not zero
ALWAYS = ("receipts", "vat_collected", "expenses", "contribution", "remuneration")
PLUS = ("receipts", "vat_deductible")  # the sign printed when the row is zero


def kind_label(v: StatementView, st: dict[str, Any], kind: str, label: str = "") -> str:
    """The wording of a kind of movement (``[statement.kinds]``): the contribution with its
    rate and base, the VAT « à reverser » until it is paid, « reversée » after."""
    kinds = st["kinds"]
    nb = "\u00a0"
    if kind == "contribution" and not v.contribution_base:
        # posted without a monthly run (typed by hand): no rate or base to state
        return str(kinds.get("contribution_plain", "Contribution aux services partagés"))
    if kind == "contribution":
        return str(kinds["contribution"]).format(
            rate=i18n.rate(v.contribution_bp, exempt="0 %").replace(" ", nb),
            base=money(v.contribution_base).replace(" ", nb))
    if kind == "vat_collected" and v.vat_paid_on is not None:
        return str(kinds["vat_collected_paid"]).format(date=day(v.vat_paid_on))
    if kind == "other":
        return str(kinds["other"]).format(label=label)
    return str(kinds[kind])


def summary_lines(v: StatementView, st: dict[str, Any]) -> list[tuple[str, int, bool]]:
    """The summary box as (label, amount, emphasised) rows, from the opening treasury to the
    closing one: one row per kind of movement of the ledger (``v.movements``), its effect on
    the treasury signed « + » or « − » in the label; other entries each under their own
    label; the reserve's change when not zero. The rows add up to the closing treasury of
    the books, with nothing left to explain."""
    rows: list[tuple[str, int, bool]] = [
        (st["opening"].format(date=day(v.opening.at)), v.opening.available, True)]

    def row(text: str, effect: int, plus: bool) -> None:
        sign = "+" if effect > 0 or (effect == 0 and plus) else "−"
        rows.append((f"{sign} {text}", abs(effect), False))

    for kind in MOVEMENT_CATEGORIES:
        if kind == "other":
            labels = dict.fromkeys(m.label for m in v.movements if m.category == "other")
            for label in labels:
                effect = v.effect("other", label)
                if effect:
                    row(kind_label(v, st, "other", label), effect, False)
            continue
        effect = v.effect(kind)
        if effect or kind in ALWAYS:
            row(kind_label(v, st, kind), effect, kind in PLUS)
    reserve = v.closing.reserve - v.opening.reserve
    if reserve:
        row(st["reserve"], -reserve, False)
    rows.append((st["closing"].format(date=day(v.closing.at)), v.closing.available, True))
    return rows


def result_rows(v: StatementView, st: dict[str, Any]) -> list[tuple[str, int, int]]:
    """The result box: (label, the month, the year to date)."""
    m, y = v.month_result, v.year_result
    if m is None or y is None:
        return []
    return [(st["result_turnover"], m.turnover, y.turnover),
            (st["result_charges"], m.charges, y.charges),
            (st["result_contribution"], m.contribution, y.contribution),
            (st["result_remuneration"], m.remuneration, y.remuneration),
            (st["result_total"], m.result, y.result)]


@i18n.keeps_language
def render_statement(view: StatementView, out: Path | None = None, *, invariant: bool = False,
                     templates: Path | None = None, lang: str | None = None) -> bytes:
    """Render the member's monthly statement to PDF bytes (also written to ``out`` if given).

    ``invariant`` makes the bytes reproducible (tests, archive hashes); ``templates`` is a
    folder holding a ``documents.toml`` (default: the shipped one); ``lang`` (``fr`` | ``ar``)
    overrides the member's language.
    """
    register_fonts()
    lang = lang or view.member.language
    i18n.begin(lang)
    t = i18n.localize_templates(load_templates(templates), lang)
    st = t["statement"]
    cols = st["columns"]
    p = Page(t)
    s = p.s
    v = view
    month = month_name(v.start)
    doc_dir = "R" if i18n.is_rtl() else "L"  # of the texts a template composes around a value

    def head(text: str, right: bool = False) -> Paragraph:
        return para(text, s.head_right if right else s.head)

    def cell(text: str) -> Paragraph:
        return para(text, s.cell)

    def amount(cents: int, width: float, bold: bool = False) -> Paragraph:
        return fit(money(cents), s.bold_right if bold else s.cell_right, width)

    def bold(text: str) -> Paragraph:
        return para(text, s.bold)

    story: list[Flowable] = []

    # Header: the ECP (left); title and period (right); then the member's box
    heading: list[Flowable] = [para(st["title"], p.title)]
    if st.get("title_ar"):
        heading.append(para(shape_arabic(st["title_ar"]), s.title_ar))
    period = st["period"].format(month=month, start=day(v.start), end=day(v.end))
    heading += [Spacer(1, 2 * mm), para(period, s.bold_right)]
    header = Table([[company_block(v.company, p, st["ice"]), heading]],
                   colWidths=[p.width - 85 * mm, 85 * mm])
    header.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    member = member_box(v.member, p, st["member"], st["activity"])
    story += [header, Spacer(1, 5 * mm), member, Spacer(1, 5 * mm)]

    # Summary box (full width), then the closing treasury's detail beside what is outside it
    amt_w = 36 * mm
    sum_rows: list[list[Any]] = [[para(st["summary_title"], s.head), ""]]
    for label, cents, strong in summary_lines(v, st):
        sum_rows.append([para(label, s.bold if strong else s.normal, base=doc_dir),
                         amount(cents, amt_w, strong)])
    summary = Table(sum_rows, colWidths=[p.width - amt_w, amt_w])
    summary.setStyle(TableStyle([
        ("SPAN", (0, 0), (-1, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), p.accent),
        ("ROWBACKGROUNDS", (0, 2), (-1, -2), [colors.white, LIGHT]),
        ("BACKGROUND", (0, 1), (-1, 1), BAND),
        ("LINEBELOW", (0, 1), (-1, 1), 0.6, p.accent),
        ("BACKGROUND", (0, -1), (-1, -1), BAND),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, p.accent),
        ("BOX", (0, 0), (-1, -1), 0.6, p.accent),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
    ]))
    c = v.closing
    gap = 6 * mm
    half = (p.width - gap) / 2
    side_amt = 32 * mm
    detail_rows: list[list[Any]] = [
        [para(st["detail_title"].format(date=day(c.at)), s.head), ""],
        [para(st["cash"], s.normal), amount(c.cash, side_amt)],
        [para(st["detail_vat"], s.normal), amount(c.vat_due, side_amt)],
        [para(st["detail_contribution"], s.normal),
         amount(c.contribution_owed, side_amt)],
        # the start-up fund and any other amount on the liaison, apart from the contribution
        [para(st["detail_other_owed"], s.normal),
         amount(c.other_owed, side_amt)],
        # salaries, CNSS and IR posted and not yet paid: already spent
        [para(st.get("detail_payroll_due",
                            i18n._(lang, "− Paie à payer (salaires, CNSS, IR)")),
                   s.normal), amount(c.payroll_due, side_amt)],
        [para(st["detail_reserve"], s.normal), amount(c.reserve, side_amt)],
        [para(st["available"], s.bold), amount(c.available, side_amt, True)],
    ]
    pending_rows: list[list[Any]] = [
        [para(st["pending_title"], s.head), ""],
        [para(st["receivables"], s.normal), amount(c.receivables, side_amt)],
        [para(st["payables"], s.normal), amount(c.payables, side_amt)],
    ]
    if v.advance_outstanding:  # shown until repaid
        pending_rows.append([para(st["advance_outstanding"], s.normal),
                             amount(v.advance_outstanding, side_amt)])
    side: list[Table] = []
    for box_rows, last_band in ((detail_rows, True), (pending_rows, False)):
        box = Table(box_rows, colWidths=[half - side_amt, side_amt])
        box_style: list[tuple[Any, ...]] = [
            ("SPAN", (0, 0), (-1, 0)),
            ("BACKGROUND", (0, 0), (-1, 0), p.accent),
            ("BOX", (0, 0), (-1, -1), 0.6, p.accent),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ]
        if last_band:
            box_style += [("BACKGROUND", (0, -1), (-1, -1), BAND),
                          ("LINEABOVE", (0, -1), (-1, -1), 0.8, p.accent)]
        box.setStyle(TableStyle(box_style))
        side.append(box)
    pending: list[Flowable] = [side[1]]
    if st.get("pending_note"):
        pending += [Spacer(1, 1.5 * mm), para(st["pending_note"], s.small)]
    boxes = Table([[side[0], "", pending]], colWidths=[half, gap, half])
    boxes.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    top: list[Flowable] = [summary, Spacer(1, 3 * mm), boxes]
    results = result_rows(v, st)
    if results:  # the month's and the year's result, next to the treasury
        res_rows: list[list[Any]] = [[para(st["result_title"], s.head),
                                      head(st["result_month"], True),
                                      head(st["result_year"], True)]]
        for label, month_cents, year_cents in results:
            strong = label == results[-1][0]
            res_rows.append([para(label, s.bold if strong else s.normal),
                             amount(month_cents, amt_w, strong),
                             amount(year_cents, amt_w, strong)])
        res = Table(res_rows, colWidths=[p.width - 2 * amt_w, amt_w, amt_w])
        res.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), p.accent),
            ("BOX", (0, 0), (-1, -1), 0.6, p.accent),
            ("BACKGROUND", (0, -1), (-1, -1), BAND),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, p.accent),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ]))
        top += [Spacer(1, 3 * mm), res]
    story += [KeepTogether(top)]

    def section(key: str, table: Flowable | None) -> None:
        # a title never ends a page: it starts a new one unless a few rows fit under it
        story.append(CondPageBreak(30 * mm))
        story.append(para(st["sections"][key], p.section))
        story.append(table if table is not None else para(st["empty"][key], s.normal))

    w_num, w_date, w_amt = 32 * mm, 21 * mm, 29 * mm

    # Invoices issued (credit notes: « avoir », negative amounts)
    inv_table = None
    if v.invoices:
        widths = [w_num + 6 * mm, w_date, p.width - (w_num + 6 * mm + w_date + 2 * w_amt),
                  w_amt, w_amt]
        rows: list[list[Any]] = [[head(cols["number"]), head(cols["date"]),
                                  head(cols["customer"]), head(cols["ht"], True),
                                  head(cols["ttc"], True)]]
        for inv in v.invoices:
            number = inv.number
            if inv.kind != "facture":
                number = f"{inv.number} ({cols['credit_note']})"
            rows.append([cell(number), cell(day(inv.day)), cell(inv.customer),
                         amount(inv.total_ht, w_amt), amount(inv.total_ttc, w_amt)])
        rows.append([bold(st["total"]), "", "",
                     amount(sum(i.total_ht for i in v.invoices), w_amt, True),
                     amount(sum(i.total_ttc for i in v.invoices), w_amt, True)])
        inv_table = grid(rows, widths, p, total=True)
    section("invoices", inv_table)

    # Payments received
    pay_table = None
    if v.payments:
        w_mode = 27 * mm
        widths = [w_date, w_num, p.width - (w_date + w_num + w_mode + 2 * w_amt), w_mode,
                  w_amt, w_amt]
        rows = [[head(cols["date"]), head(cols["invoice"]), head(cols["customer"]),
                 head(cols["method"]), head(cols["amount"], True),
                 head(cols["of_which_vat"], True)]]
        for pay in v.payments:
            rows.append([cell(day(pay.day)), cell(pay.invoice), cell(pay.customer),
                         cell(method_label(t, pay.method)), amount(pay.amount, w_amt),
                         amount(pay.vat, w_amt)])
        rows.append([bold(st["total"]), "", "", "",
                     amount(sum(pay.amount for pay in v.payments), w_amt, True),
                     amount(sum(pay.vat for pay in v.payments), w_amt, True)])
        pay_table = grid(rows, widths, p, total=True)
    section("payments", pay_table)

    # Expenses
    exp_table = None
    if v.expenses:
        w_ref, w_vat = 30 * mm, 25 * mm
        widths = [w_date, p.width - (w_date + w_ref + 2 * w_amt + w_vat), w_ref, w_amt,
                  w_vat, w_amt]
        rows = [[head(cols["date"]), head(cols["supplier"]), head(cols["reference"]),
                 head(cols["ht"], True), head(cols["vat"], True), head(cols["paid"], True)]]
        for e in v.expenses:
            rows.append([cell(day(e.day)), cell(e.supplier), cell(e.reference),
                         amount(e.amount_ht, w_amt), amount(e.vat, w_vat),
                         amount(e.paid, w_amt)])
        rows.append([bold(st["total"]), "", "",
                     amount(sum(e.amount_ht for e in v.expenses), w_amt, True),
                     amount(sum(e.vat for e in v.expenses), w_vat, True),
                     amount(sum(e.paid for e in v.expenses), w_amt, True)])
        exp_table = grid(rows, widths, p, total=True)
    section("expenses", exp_table)

    # Contribution to the shared services
    con_table: Flowable | None = None
    typed = v.effect("contribution")  # on the ledger, whoever posted it
    if typed and not (v.contribution or v.contribution_base):
        con_table = para(st.get("empty_typed_contribution", i18n._(
            lang, "Contribution passée en écriture, sans calcul mensuel : {amount}.")).format(
            amount=money(-typed)), s.normal)
    elif v.contribution or v.contribution_base:
        widths = [30 * mm, p.width - 30 * mm - 45 * mm - w_amt, 45 * mm, w_amt]
        rows = [[head(cols["rate"]), "", head(cols["base"], True), head(cols["amount"], True)],
                [cell(i18n.rate(v.contribution_bp, exempt="0 %")), "",
                 amount(v.contribution_base, 45 * mm), amount(v.contribution, w_amt)]]
        con_table = grid(rows, widths, p)
    section("contribution", con_table)

    # Payouts and solidarity advances (with their reason)
    po_table = None
    if v.payouts:
        w_mode = 33 * mm
        widths = [w_num + 4 * mm, w_date, w_mode, p.width - (w_num + 4 * mm + w_date + w_mode
                                                             + w_amt), w_amt]
        rows = [[head(cols["number"]), head(cols["date"]), head(cols["method"]),
                 head(cols["nature"]), head(cols["amount"], True)]]
        for po in v.payouts:
            if po.advance:
                nature = cols["advance"].format(reason=po.reason)
            elif po.kind == "salaire":
                nature = cols.get("salary", "Salaire (bulletin de paie)")
            elif po.kind == "honoraires":
                nature = cols.get("fees", "Honoraires, facture {ref}").format(ref=po.invoice_ref)
            else:
                nature = cols["payout"]
            rows.append([cell(po.number), cell(day(po.day)), cell(method_label(t, po.method)),
                         para(nature, s.cell), amount(po.amount, w_amt)])
        rows.append([bold(st["total"]), "", "", "",
                     amount(sum(po.amount for po in v.payouts), w_amt, True)])
        po_table = grid(rows, widths, p, total=True)
    section("payouts", po_table)

    # Receivables still due at the end of the month, with their age
    rec_table = None
    if v.receivables:
        w_age = 24 * mm
        widths = [w_num, p.width - (w_num + 2 * w_date + w_amt + w_age), w_date, w_date,
                  w_amt, w_age]
        rows = [[head(cols["number"]), head(cols["customer"]), head(cols["date"]),
                 head(cols["due"]), head(cols["remaining"], True), head(cols["age"], True)]]
        for r in v.receivables:  # late from the due date; before it, « à échoir »
            rows.append([cell(r.number), cell(r.customer), cell(day(r.day)),
                         cell(day(r.due) if r.due else "—"), amount(r.remaining, w_amt),
                         fit(str(r.age_days) if r.overdue else cols["not_due"],
                             s.cell_right, w_age)])
        rows.append([bold(st["total"]), "", "", "",
                     amount(sum(r.remaining for r in v.receivables), w_amt, True), ""])
        rec_table = grid(rows, widths, p, total=True)
    section("receivables", rec_table)

    # Production: orders done in the month (materials consumed at cost), orders still open
    prod_table = None
    if v.production:
        w_status = 22 * mm
        widths = [w_num, p.width - (w_num + 2 * w_date + w_status + 18 * mm + w_amt),
                  18 * mm, w_date, w_status, w_date, w_amt]
        rows = [[head(cols["number"]), head(cols["product"]), head(cols["quantity"], True),
                 head(cols["due"]), head(cols["status"]), head(cols["done"]),
                 head(cols["material_cost"], True)]]
        for o in v.production:
            rows.append([cell(o.number), cell(o.product),
                         para(i18n.quantity(o.quantity_milli), s.right),
                         cell(day(o.due)), cell(o.status),
                         cell(day(o.done) if o.done else ""),
                         amount(o.material_cost, w_amt) if o.done else cell("")])
        prod_table = grid(rows, widths, p)
        section("production", prod_table)  # members who make nothing see no such section

    # Every line of the month on the member's dimension, by kind then account: the trial
    # balance of the dimension for the month, explained
    mov_table = None
    if v.movements:
        w_acc = 18 * mm
        widths = [w_acc, p.width - (w_acc + 2 * w_amt), w_amt, w_amt]
        rows = [[head(cols["account"]), head(cols["label"]), head(cols["debit"], True),
                 head(cols["credit"], True)]]
        kind_rows: list[int] = []
        seen: tuple[str, str] | None = None
        for mv in v.movements:
            if (mv.category, mv.label) != seen:
                seen = (mv.category, mv.label)
                kind_rows.append(len(rows))
                rows.append([para(kind_label(v, st, mv.category, mv.label), s.bold,
                                  base=doc_dir),
                             "", "", ""])
            rows.append([cell(mv.account), cell(mv.account_name),
                         amount(mv.debit, w_amt) if mv.debit else cell(""),
                         amount(mv.credit, w_amt) if mv.credit else cell("")])
        rows.append([bold(st["total"]), "", amount(sum(m.debit for m in v.movements), w_amt,
                                                   True),
                     amount(sum(m.credit for m in v.movements), w_amt, True)])
        mov_table = grid(rows, widths, p, total=True)
        mov_table.setStyle(TableStyle([("SPAN", (0, r), (-1, r)) for r in kind_rows]
                                      + [("BACKGROUND", (0, r), (-1, r), BAND)
                                         for r in kind_rows]))
    section("movements", mov_table)
    if mov_table is not None and st.get("movements_note"):
        story.append(para(st["movements_note"], s.small))

    if v.notes:
        story.append(CondPageBreak(20 * mm))
        story.append(para(st["notes_title"], p.section))
        story += [para(note, s.normal) for note in v.notes]

    reference = st["reference"].format(code=v.member.code, name=v.member.name, month=month)
    return build_pdf(story, t, p, v.company, reference=reference, title=reference,
                     subject=f"{v.member.code} {v.month}", invariant=invariant, out=out)
