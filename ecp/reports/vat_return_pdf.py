"""The VAT return of a period (« Déclaration de TVA ») as a PDF laid out like the DGI form.

The figures are those of :class:`ecp.sales.vat_return.VatReturn` (the declared ones when the
period is declared); this module only lays them out, section by section as the form groups its
lines: A, the turnover; B, its taxable part by rate and the VAT collected; C, the deductions
(the credit carried included); D, the result (VAT due or credit). Then each dimension's
position (every member's books carry their own VAT) and, once paid, the payment.

Fonts, the house style, the legal mentions and « page X / Y » are those of the statement
(:mod:`ecp.reports.statement_pdf`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from ecp.kernel.money import fmt_fr
from ecp.reports.bidi import para
from ecp.reports.invoice_pdf import fit, load_templates, register_fonts
from ecp.reports.statement_pdf import BAND, Page, build_pdf, day, grid, x

if TYPE_CHECKING:
    from ecp.sales.vat_return import DeclarationView, Position, ReturnLine, VatReturn
    from ecp.sales.views import Company

TITLE = "Déclaration de TVA"
SECTIONS = (
    ("A", "A — Chiffre d'affaires"),
    ("B", "B — Ventilation du chiffre d'affaires imposable et TVA exigible"),
    ("C", "C — Déductions"),
    ("D", "D — Résultat : TVA due ou crédit de TVA"),
)
RESULT_CODES = ("200", "201")
REGIMES = {"encaissement": "encaissement (art. 95 du CGI)",
           "debits": "débits (art. 95 du CGI, sur option)"}


def amount(cents: int | None) -> str:
    """``1 234,56`` (no unit: the columns say DH); an empty cell where the form has none."""
    return "" if cents is None else fmt_fr(cents)


def sections(lines: Sequence[ReturnLine]) -> dict[str, list[ReturnLine]]:
    """The return's lines by section of the form, in their order: A up to line 60 (taxable
    turnover), B up to line 130 (total VAT collected), C the deductions, D lines 200/201."""
    out: dict[str, list[ReturnLine]] = {key: [] for key, _ in SECTIONS}
    current = "A"
    for ln in lines:
        if ln.code in RESULT_CODES:
            current = "D"
        out[current].append(ln)
        if ln.code == "60" and current == "A":
            current = "B"
        elif ln.code == "130" and current in ("A", "B"):
            current = "C"
    return out


def state(declared: DeclarationView | None) -> str:
    """« déclarée le 15/11/2026 (à payer) » or « non déclarée »."""
    if declared is None:
        return "non déclarée"
    return f"déclarée le {day(declared.day)} ({declared.status})"


def render_return(ret: VatReturn, declared: DeclarationView | None, company: Company, *,
                  invariant: bool = False) -> bytes:
    """The return of ``ret.period`` as PDF bytes; ``declared``: its declaration in force (None
    when the period is not declared)."""
    register_fonts()
    t = load_templates()
    p = Page(t)
    s = p.s
    story: list[Flowable] = []

    # Header: the ECP (left), the title and the period (right)
    end = ret.end - dt.timedelta(days=1)
    quarterly = "Q" in ret.period
    heading: list[Flowable] = [
        Paragraph(x(TITLE), p.title),
        Spacer(1, 2 * mm),
        Paragraph(x(f"Période {ret.period}"), s.bold_right),
        Paragraph(x(f"du {day(ret.start)} au {day(end)}"), s.right),
    ]
    who: list[Flowable] = [para(company.name, s.company, rtl_right=False),
                           para(company.address, s.normal, rtl_right=False),
                           para(company.city, s.normal, rtl_right=False)]
    header = Table([[who, heading]], colWidths=[p.width - 80 * mm, 80 * mm])
    header.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    story += [header, Spacer(1, 5 * mm)]

    # Identification, as the form's first box
    facts: list[tuple[str, str]] = [
        ("Raison sociale", company.name),
        ("Identifiant fiscal (IF)", company.if_number),
        ("ICE", company.ice),
        ("Période", f"{ret.period} — déclaration {'trimestrielle' if quarterly else 'mensuelle'}"),
        ("Régime", REGIMES.get(ret.report.regime, ret.report.regime)),
        ("État", state(declared)),
    ]
    if declared is not None:
        facts.append(("Écriture de déclaration", declared.entry or "aucune (déclaration néant)"))
    box = Table([[Paragraph(x(k), s.normal), para(v, s.bold, rtl_right=False)]
                 for k, v in facts],
                colWidths=[55 * mm, p.width - 55 * mm])
    box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.6, p.accent),
        ("BACKGROUND", (0, 0), (0, -1), BAND),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))
    story.append(box)

    # The lines, section by section
    code_w, amt_w = 20 * mm, 32 * mm
    label_w = p.width - code_w - 2 * amt_w
    widths = (code_w, label_w, amt_w, amt_w)

    def head_row() -> list[Any]:
        return [Paragraph("Ligne", s.head), Paragraph("Libellé", s.head),
                Paragraph(x("Base HT (DH)"), s.head_right), Paragraph(x("TVA (DH)"), s.head_right)]

    by_section = sections(ret.lines)
    for key, title in SECTIONS:
        lines = by_section[key]
        if not lines:
            continue
        rows: list[list[Any]] = [head_row()]
        for ln in lines:
            style = s.bold if key == "D" else s.cell
            rows.append([Paragraph(x(ln.code), s.bold), Paragraph(x(ln.label), style),
                         fit(amount(ln.base), s.cell_right, amt_w),
                         fit(amount(ln.vat), s.bold_right if key == "D" else s.cell_right,
                             amt_w)])
        story.append(KeepTogether([Paragraph(x(title), p.section),
                                   grid(rows, widths, p)]))

    # Each dimension's position
    if ret.positions:
        story.append(KeepTogether([Paragraph(x("Position de TVA par dimension"), p.section),
                                   _positions(ret, p)]))

    # The payment, once made
    if declared is not None and declared.paid_on is not None:
        paid: list[tuple[str, str]] = [
            ("Payée le", day(declared.paid_on)),
            ("Montant payé", fmt_fr(declared.paid, "DH")),
        ]
        if declared.penalty:
            paid.append(("Pénalité (65831)", fmt_fr(declared.penalty, "DH")))
        paid.append(("Écriture de paiement", declared.payment_entry or ""))
        pay = Table([[Paragraph(x(k), s.normal), Paragraph(x(v), s.bold)] for k, v in paid],
                    colWidths=[55 * mm, p.width - 55 * mm])
        pay.setStyle(TableStyle([
            ("BOX", (0, 0), (-1, -1), 0.6, p.accent),
            ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]))
        story.append(KeepTogether([Paragraph(x("Paiement"), p.section), pay]))
    elif declared is not None and declared.due:
        story += [Spacer(1, 4 * mm), Paragraph(
            x(f"TVA due de {fmt_fr(declared.due, 'DH')} non encore payée."), s.bold)]

    reference = f"{TITLE} {ret.period}"
    return build_pdf(story, t, p, company, reference=reference, title=reference,
                     subject=f"TVA {ret.period}", invariant=invariant, out=None)


def _positions(ret: VatReturn, p: Page) -> Table:
    s = p.s
    dim_w = 22 * mm
    amt_w = (p.width - dim_w) / 5
    heads = ("TVA facturée (4455)", "Déductible charges (34552)",
             "Déductible immob. (34551)", "Crédit reporté (3456)", "Due (+) / crédit (−)")
    rows: list[list[Any]] = [[Paragraph("Dimension", s.head),
                              *(Paragraph(x(h), s.head_right) for h in heads)]]

    def line(name: str, cells: Sequence[int], bold: bool = False) -> list[Any]:
        st = s.bold_right if bold else s.cell_right
        return [para(name, s.bold if bold else s.cell),
                *(fit(fmt_fr(c), st, amt_w) for c in cells)]

    def figures(pos: Position) -> tuple[int, ...]:
        return (pos.collected, pos.deductible_charges, pos.deductible_assets, pos.carried,
                pos.result)

    rows += [line(pos.dimension, figures(pos)) for pos in ret.positions]
    rows.append(line("Total", (ret.collected, ret.deductible_charges, ret.deductible_assets,
                               ret.carried, ret.balance), bold=True))
    return grid(rows, (dim_w, *([amt_w] * 5)), p, total=True)
