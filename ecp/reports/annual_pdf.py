"""The member's annual statement (« Attestation de chiffre d'affaires et de revenus ») as a
one-page PDF the member can show a bank, the CNSS or the tax office.

The figures come from :class:`ecp.members.annual.AnnualStatement` through the rows of
:func:`ecp.reports.annual.figure_rows` (the same ``ecp statement annual --format`` prints);
this module only lays them out. Wording in ``[annual]`` of ``documents.toml``; layout, fonts,
the ECP's block, the member's box (the Arabic name shaped), the footer with the legal mentions
and « page X / Y » are those of the monthly statement (:mod:`ecp.reports.statement_pdf`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, Spacer, TableStyle

from ecp.members.annual import AnnualStatement
from ecp.reports import i18n
from ecp.reports.annual import SECTIONS, figure_rows, wording
from ecp.reports.bidi import para
from ecp.reports.i18n import Table
from ecp.reports.invoice_pdf import fit, load_templates, register_fonts, shape_arabic
from ecp.reports.statement_pdf import (
    BAND,
    LIGHT,
    Page,
    build_pdf,
    company_block,
    day,
    member_box,
    money,
)


@i18n.keeps_language
def render_annual(view: AnnualStatement, out: Path | None = None, *, issued: dt.date,
                  invariant: bool = False, templates: Path | None = None,
                  lang: str | None = None) -> bytes:
    """Render the attestation to PDF bytes (also written to ``out`` if given), signed as of
    ``issued``. ``invariant`` makes the bytes reproducible (tests); ``templates`` is a folder
    holding a ``documents.toml`` (default: the shipped one); ``lang`` (``fr`` | ``ar``)
    overrides the member's language."""
    register_fonts()
    lang = lang or view.member.language
    i18n.begin(lang)
    t = i18n.localize_templates(load_templates(templates), lang)
    w = i18n.localize_templates({"annual": wording(templates)}, lang)["annual"]
    p = Page(t)
    s = p.s
    v = view
    start, end = day(v.start), day(v.end)

    story: list[Flowable] = []
    heading: list[Flowable] = [para(w["title"], p.title)]
    if w.get("title_ar"):
        heading.append(para(shape_arabic(w["title_ar"]), s.title_ar))
    heading += [Spacer(1, 2 * mm),
                para(w["period"].format(year=v.year, start=start, end=end),
                          s.bold_right)]
    header = Table([[company_block(v.company, p, t["statement"]["ice"]), heading]],
                   colWidths=[p.width - 85 * mm, 85 * mm])
    header.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    story += [header, Spacer(1, 2 * mm),
              para(w["heading"].format(year=v.year), p.section),
              member_box(v.member, p, w["member"], w["activity"])]
    status = []
    if v.route:
        status.append(w["route"].format(route=v.route))
    if v.cnss:
        status.append(w["cnss"].format(cnss=v.cnss))
    if status:
        story += [Spacer(1, 1 * mm), para(" — ".join(status), s.small)]
    intro = w["intro"] if v.member.activity else w["intro_no_activity"]
    story += [Spacer(1, 3 * mm), para(intro.format(
        company=v.company.name, legal_form=v.company.legal_form, ice=v.company.ice,
        name=v.member.name, code=v.member.code, activity=v.member.activity or "",
        year=v.year, start=start, end=end), s.normal)]
    if issued < v.end:
        story.append(para(w["running"].format(date=day(issued)), s.bold))

    # The three parts, one framed table each: label, amount
    amt_w = 38 * mm
    rows = figure_rows(v, w)
    titles = {k: str(w["sections"][k]) for k in SECTIONS}
    titles["situation"] = titles["situation"].format(date=end)
    for section in SECTIONS:
        mine = [f for f in rows if f.section == section]
        cells: list[list[Any]] = [[para(titles[section], s.head), ""]]
        style: list[tuple[Any, ...]] = [
            ("SPAN", (0, 0), (-1, 0)),
            ("BACKGROUND", (0, 0), (-1, 0), p.accent),
            ("BOX", (0, 0), (-1, -1), 0.6, p.accent),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ]
        for i, f in enumerate(mine, 1):
            strong = f.level == "total"
            label_style = s.bold if strong else s.normal
            cells.append([para(f.label, label_style, base="R" if i18n.is_rtl() else "L"),
                          fit(money(f.amount), s.bold_right if strong else s.cell_right,
                              amt_w)])
            if strong:
                style += [("BACKGROUND", (0, i), (-1, i), BAND),
                          ("LINEABOVE", (0, i), (-1, i), 0.6, p.accent)]
            elif i % 2 == 0:
                style.append(("BACKGROUND", (0, i), (-1, i), LIGHT))
            else:
                style.append(("BACKGROUND", (0, i), (-1, i), colors.white))
        table = Table(cells, colWidths=[p.width - amt_w, amt_w])
        table.setStyle(TableStyle(style))
        story += [Spacer(1, 2.5 * mm), table]
    story += [Spacer(1, 1.5 * mm), para(f"{w['amounts']} {w['note']}", s.small)]

    # Place, date and the ECP's signature
    done = para(w["done_at"].format(city=v.company.city or "…",
                                    date=i18n.date_long(issued)), s.normal)
    half = (p.width - 10 * mm) / 2
    sign = Table([[done, "", para(w["signature"], s.bold)],
                  ["", "", para(w["signature_hint"], s.small)],
                  ["", "", ""]],
                 colWidths=[half, 10 * mm, half], rowHeights=[None, None, 16 * mm])
    sign.setStyle(TableStyle([
        ("BOX", (2, 0), (2, -1), 0.6, p.accent),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
    ]))
    story += [Spacer(1, 3 * mm), sign]

    reference = w["reference"].format(code=v.member.code, name=v.member.name, year=v.year)
    # one page, always: a member with many kinds of charges gets a smaller print, not a 2nd page
    page: list[Flowable] = [KeepInFrame(0, 0, story, mode="shrink")]
    return build_pdf(page, t, p, v.company, reference=reference, title=reference,
                     subject=f"{v.member.code} exercice {v.year}", invariant=invariant,
                     out=out)
