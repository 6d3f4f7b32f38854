"""The statutory statements (Bilan actif and passif, CPC, ESG, tableau de financement, ETIC
tables) as a PDF laid out like the official models of the CGNC.

Each table on its own page(s), as the models are: the identification box at the top (raison
sociale, identifiant fiscal, ICE, RC, adresse; exercice du … au …; the model), the statement's
title, « Montants exprimés en dirhams », then the model's table: its columns, its lines with
their numbering, the subtotals banded and the totals ruled, every amount in DH with two
decimals. The figures are those of :mod:`ecp.reports.statutory`'s tables (the same the CLI
prints and the liasse's CSV holds); this module only lays them out.

Fonts, the house style, the legal mentions at the foot and « page X / Y » are those of the
statement (:mod:`ecp.reports.statement_pdf`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from ecp.kernel.money import fmt_fr
from ecp.reports.bidi import para
from ecp.reports.invoice_pdf import FONT, FONT_BOLD, fit, load_templates, register_fonts
from ecp.reports.statement_pdf import BAND, LIGHT, RULE, Page, build_pdf, day, x
from ecp.reports.tables import Money, Term

if TYPE_CHECKING:
    from ecp.reports.statutory import ModelChoice, YearFigures
    from ecp.reports.tables import Cell
    from ecp.reports.tables import Table as ReportTable
    from ecp.sales.views import Company


def cell_text(cell: Cell) -> str:
    """What the model prints in a cell: amounts ``1 234,50`` (the columns say DH), a blank for
    a zero the table leaves blank, the French text of a term."""
    if cell is None:
        return ""
    if isinstance(cell, Money):
        return "" if cell.blank_zero and cell.cents == 0 else fmt_fr(cell.cents)
    if isinstance(cell, Term):
        return cell.text
    return str(cell)


def identification(company: Company, fig: YearFigures, choice: ModelChoice, p: Page
                   ) -> Table:
    """The model's identification box."""
    s = p.s
    facts = [
        ("Raison sociale", company.name),
        ("Identifiant fiscal (IF)", company.if_number),
        ("ICE", company.ice),
        ("Registre de commerce (RC)", f"{company.rc} ({company.court})" if company.court
         else company.rc),
        ("Adresse", f"{company.address}, {company.city}"),
        ("Exercice", f"du {day(fig.start)} au {day(fig.end)}"),
        ("Modèle", choice.note()),
    ]
    box = Table([[Paragraph(x(k), s.normal), para(v, s.bold, rtl_right=False)]
                 for k, v in facts],
                colWidths=[48 * mm, p.width - 48 * mm])
    box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.6, p.accent),
        ("BACKGROUND", (0, 0), (0, -1), BAND),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return box


def _widths(table: ReportTable, total: float) -> list[float]:
    """The label column takes what the amount columns (28 mm each, narrower when many) and a
    numbering column (10 mm) leave."""
    amounts = [c for c in table.columns if c.align == "right"]
    amount_w = min(28 * mm, (total * 0.72) / max(len(amounts), 1))
    num_w = 10 * mm
    out: list[float] = []
    for c in table.columns:
        if c.align == "right":
            out.append(amount_w)
        elif c.key == "num":
            out.append(num_w)
        else:
            out.append(0)
    rest = total - sum(out)
    labels = out.count(0)
    return [w if w else rest / labels for w in out]


def statement_grid(table: ReportTable, p: Page) -> Table:
    """The model's table: column heads repeated on each page, subtotals bold on a band,
    totals bold with a rule above."""
    s = p.s
    widths = _widths(table, p.width)
    cols = [c for c in table.columns if not c.machine_only]
    keep = [i for i, c in enumerate(table.columns) if not c.machine_only]
    rows: list[list[Any]] = [[Paragraph(x(c.label), s.head_right if c.align == "right"
                                        else s.head) for c in cols]]
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, p.size),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), p.accent),
        ("GRID", (0, 0), (-1, -1), 0.25, RULE),
        ("BOX", (0, 0), (-1, -1), 0.6, p.accent),
        ("TOPPADDING", (0, 0), (-1, -1), 1.8), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.8),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for r in table.rows:
        bold = r.style in ("subtotal", "total")
        line: list[Any] = []
        for i in keep:
            c = table.columns[i]
            text = cell_text(r.cells[i])
            w = widths[keep.index(i)]
            if c.align == "right":
                line.append(fit(text, s.bold_right if bold else s.cell_right, w))
            else:
                line.append(para(text, s.bold if bold else s.cell))
        rows.append(line)
        at = len(rows) - 1
        if r.style == "subtotal":
            style.append(("BACKGROUND", (0, at), (-1, at), LIGHT))
        elif r.style == "total":
            style += [("BACKGROUND", (0, at), (-1, at), BAND),
                      ("LINEABOVE", (0, at), (-1, at), 0.8, p.accent),
                      ("FONT", (0, at), (-1, at), FONT_BOLD, p.size)]
    grid = Table(rows, colWidths=[widths[keep.index(i)] for i in keep], repeatRows=1)
    grid.setStyle(TableStyle(style))
    return grid


def render_statements(tables: Sequence[tuple[str, str, ReportTable]], company: Company,
                      fig: YearFigures, choice: ModelChoice, *, invariant: bool = False
                      ) -> bytes:
    """The statement's tables (key, heading, table), each from a new page, as PDF bytes."""
    register_fonts()
    t = load_templates()
    p = Page(t)
    s = p.s
    story: list[Flowable] = []
    for i, (_key, heading, table) in enumerate(tables):
        if i:
            story.append(PageBreak())
        story += [
            identification(company, fig, choice, p),
            Spacer(1, 4 * mm),
            Paragraph(x(heading.upper()), p.title),
            Paragraph(x(f"Exercice du {day(fig.start)} au {day(fig.end)} - montants exprimés "
                        "en dirhams (DH)"), s.right),
            Spacer(1, 3 * mm),
            statement_grid(table, p),
        ]
    headings = " - ".join(h for _k, h, _t in tables)
    reference = f"{headings} {fig.year}"
    return build_pdf(story, t, p, company, reference=reference[:120], title=reference,
                     subject=f"États de synthèse {fig.year}", invariant=invariant, out=None)


__all__ = ["cell_text", "render_statements", "statement_grid"]
