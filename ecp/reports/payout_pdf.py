"""The payout voucher (« Bon de versement », or « Avance de solidarité ») as a PDF.

Wording in ``[payout]`` of ``documents.toml``; layout, fonts and footer shared with the
statement (:mod:`ecp.reports.statement_pdf`) and the invoices (:mod:`ecp.reports.invoice_pdf`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, TableStyle

from ecp.members.views import PayoutVoucher
from ecp.reports import i18n
from ecp.reports.bidi import para
from ecp.reports.i18n import Table
from ecp.reports.invoice_pdf import load_templates, register_fonts, shape_arabic
from ecp.reports.statement_pdf import (
    BAND,
    Page,
    build_pdf,
    company_block,
    day,
    member_box,
    method_label,
    money,
)
from ecp.sales import words_ar
from ecp.sales.words import amount_in_words


@i18n.keeps_language
def render_payout(v: PayoutVoucher, out: Path | None = None, *, invariant: bool = False,
                  templates: Path | None = None, lang: str | None = None) -> bytes:
    """Render a payout or solidarity-advance voucher to PDF bytes (also written to ``out``),
    in ``lang`` (``fr`` | ``ar``; default the member's language)."""
    register_fonts()
    lang = lang or v.member.language
    i18n.begin(lang)
    t = i18n.localize_templates(load_templates(templates), lang)
    po = t["payout"]
    p = Page(t)
    s = p.s
    title = po["title_advance"] if v.advance else po["title"]
    title_ar = po.get("title_advance_ar" if v.advance else "title_ar", "")

    story: list[Flowable] = []
    heading: list[Flowable] = [para(title, p.title)]
    if title_ar:
        heading.append(para(shape_arabic(title_ar), s.title_ar))
    facts = Table([[para(k, s.right), para(val, s.bold_right)]
                   for k, val in ((po["number"], v.number), (po["date"], day(v.day)))],
                  colWidths=[60 * mm, 45 * mm])
    facts.setStyle(TableStyle([
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
    ]))
    heading += [Spacer(1, 2 * mm), facts]
    header = Table([[company_block(v.company, p, t["statement"]["ice"]), heading]],
                   colWidths=[p.width - 105 * mm, 105 * mm])
    header.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    member = member_box(v.member, p, po["beneficiary"], po["activity"])
    story += [header, Spacer(1, 8 * mm), member, Spacer(1, 6 * mm)]

    # The amount, in figures and in words
    big = ParagraphStyle("big", parent=s.bold_right, fontSize=p.size + 7,
                         leading=(p.size + 7) * 1.3, textColor=p.accent)
    label = ParagraphStyle("amount_label", parent=s.bold, fontSize=p.size + 2,
                           leading=(p.size + 2) * 1.3)
    words = words_ar.amount_in_words(v.amount) if lang == "ar" else amount_in_words(v.amount)
    sentence = po["sentence"].format(montant=words).replace(" de un ", " d'un ")
    amount_box = Table([
        [para(po["amount"], label),
         para(money(v.amount).replace(" ", "\u00a0"), big)],
        [para(sentence, s.normal), ""],
    ], colWidths=[p.width - 70 * mm, 70 * mm])
    amount_box.setStyle(TableStyle([
        ("SPAN", (0, 1), (-1, 1)),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("BACKGROUND", (0, 0), (-1, -1), BAND),
        ("BOX", (0, 0), (-1, -1), 0.8, p.accent),
        ("VALIGN", (0, 1), (-1, 1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    story += [amount_box, Spacer(1, 6 * mm)]

    # Method, treasury before, ledger entry, reason of an advance
    details: list[tuple[str, str]] = [
        (po["method"], method_label(t, v.method)),
        (po["available_before"], money(v.available_before)),
        (po["entry"], v.entry),
    ]
    if v.advance:
        details.append((po["reason"], v.reason))
    elif v.reason:  # what is paid: an independent's invoice, a salary's month
        details.append((po.get("object", i18n._(lang, "Objet")), v.reason))
    rows: list[list[Any]] = [[para(k, s.normal), para(val, s.bold, rtl_right=False)]
                             for k, val in details]
    info = Table(rows, colWidths=[70 * mm, p.width - 70 * mm])
    info.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    story.append(info)
    if v.advance and po.get("advance_note"):
        story += [Spacer(1, 2 * mm), para(po["advance_note"], s.small)]

    # Signatures
    half = (p.width - 10 * mm) / 2
    boxes = Table([
        [para(po["signature_treasurer"], s.bold), "",
         para(po["signature_member"], s.bold)],
        [para(po["signature_hint"], s.small), "",
         para(po["signature_hint_member"], s.small)],
        ["", "", ""],
    ], colWidths=[half, 10 * mm, half], rowHeights=[None, None, 28 * mm])
    boxes.setStyle(TableStyle([
        ("BOX", (0, 0), (0, -1), 0.6, p.accent),
        ("BOX", (2, 0), (2, -1), 0.6, p.accent),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
    ]))
    story += [Spacer(1, 10 * mm), boxes]

    reference = f"{title.capitalize()} {v.number}"
    return build_pdf(story, t, p, v.company, reference=reference, title=reference,
                     subject=f"{v.member.code} {v.number}", invariant=invariant, out=out)
