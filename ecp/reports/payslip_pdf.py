"""The bulletin de paie of a salaried member's payout, as a PDF.

The ECP (employer: identity, ICE, CNSS number), the member (employee: code, name, CNSS
number, dependants), the period and the payment; the gross, each employee contribution with
its base, rate and amount, the professional expenses, the taxable income, the IR, the net and
what was paid (less an advance repaid); the employer's contributions and the total cost; the
year to date from the member's payslips of the year. Layout, fonts and footer shared with the
statement and the payout voucher (:mod:`ecp.reports.statement_pdf`); the wording lives here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from ecp.members.economy import PayslipDoc
from ecp.reports.invoice_pdf import load_templates, register_fonts
from ecp.reports.statement_pdf import (
    Page,
    build_pdf,
    company_block,
    day,
    grid,
    member_box,
    money,
    month_name,
    x,
)

TITLE = "Bulletin de paie"


def rate(bp: int) -> str:
    """``0,52 %`` from 52 basis points of a percent."""
    whole, frac = divmod(bp, 100)
    return f"{whole},{frac:02d} %"


def render_payslip(d: PayslipDoc, out: Path | None = None, *, invariant: bool = False,
                   templates: Path | None = None) -> bytes:
    """Render the bulletin de paie to PDF bytes (also written to ``out``)."""
    register_fonts()
    t = load_templates(templates)
    p = Page(t)
    s = p.s
    slip = d.payslip
    period = dt.date(slip.month // 100, slip.month % 100, 1)

    facts = Table([[Paragraph(x(k), s.right), Paragraph(x(v), s.bold_right)] for k, v in (
        ("Période", month_name(period)), ("Versement", d.number), ("Payé le", day(d.day)))],
        colWidths=[40 * mm, 50 * mm])
    facts.setStyle(TableStyle([
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
    ]))
    employer = [*company_block(d.company, p, t["statement"]["ice"]),
                Paragraph(x(f"N° CNSS employeur : {d.company.cnss or '—'}"), s.normal)]
    header = Table([[employer, [Paragraph(x(TITLE), p.title), Spacer(1, 2 * mm), facts]]],
                   colWidths=[p.width - 90 * mm, 90 * mm])
    header.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    story: list[Flowable] = [header, Spacer(1, 6 * mm),
                             member_box(d.member, p, "Salarié", "Activité"),
                             Paragraph(x(f"N° CNSS : {d.cnss or 'non communiqué'} — personnes "
                                         f"à charge : {slip.dependants}"), s.normal)]

    def head(*cols: str) -> list[Any]:
        return [Paragraph(f"<font color='white'><b>{x(c)}</b></font>", s.normal)
                for c in cols]

    # the wording column takes what the figures leave, and wraps (never runs into the base)
    w = [p.width - 82 * mm, 32 * mm, 18 * mm, 32 * mm]
    rows: list[list[Any]] = [head("Rubrique", "Base", "Taux", "Montant"),
                             ["Salaire brut", "", "", money(slip.gross)]]
    rows += [[f"{ln.label} (part salariale)", money(ln.base), rate(ln.rate_bp),
              money(-ln.amount)] for ln in slip.employee]
    rows += [["Total des retenues sociales", "", "", money(-slip.employee_total)],
             ["Frais professionnels (déduits du revenu imposable)", money(slip.gross), "",
              money(slip.professional_expenses)],
             ["Revenu net imposable", "", "", money(slip.taxable)],
             ["IR avant charges de famille", "", "", money(slip.ir_before_family)],
             ["Déduction pour charges de famille", "", "", money(-slip.family_deduction)],
             ["IR retenu à la source", "", "", money(-slip.ir)],
             ["Salaire net", "", "", money(slip.net)]]
    if d.withheld:
        rows.append(["Remboursement d'avance retenu", "", "", money(-d.withheld)])
    rows.append([f"Net payé ({d.method})", "", "", money(d.paid)])
    rows = [[Paragraph(x(r[0]), s.normal) if isinstance(r[0], str) else r[0], *r[1:]]
            for r in rows]
    story += [Paragraph(x("Salaire et retenues"), p.section), grid(rows, w, p, total=True)]

    rows = [head("Charge patronale", "Base", "Taux", "Montant")]
    rows += [[ln.label, money(ln.base), rate(ln.rate_bp), money(ln.amount)]
             for ln in slip.employer]
    rows += [["Total des charges patronales", "", "", money(slip.employer_total)],
             ["Coût total pour l'ECP (brut + charges patronales)", "", "", money(slip.cost)]]
    story += [Paragraph(x("Charges patronales"), p.section), grid(rows, w, p, total=True)]

    y = d.year_to_date
    pairs = [(label, money(y[k])) for k, label in (
        ("gross", "Salaire brut"), ("employee_total", "Retenues sociales"),
        ("professional_expenses", "Frais professionnels"), ("taxable", "Revenu net imposable"),
        ("ir", "IR retenu"), ("net", "Salaire net"),
        ("employer_total", "Charges patronales"), ("cost", "Coût total"))]
    # two figures a row, so that the bulletin stays on one page
    rows = [head(f"Cumul de l'année ({d.months} mois)", "", "", "")]
    rows += [[*pairs[i], *pairs[i + 1]] for i in range(0, len(pairs), 2)]
    half = p.width / 2
    story += [Paragraph(x(f"Cumul {period.year}"), p.section),
              grid(rows, [half - 32 * mm, 32 * mm, half - 32 * mm, 32 * mm], p)]

    notes = [f"Écritures : paie {d.payroll_entry}, paiement {d.payment_entry}.",
             f"Barèmes appliqués : {slip.rules}.", *slip.warnings]
    story += [Spacer(1, 4 * mm)] + [Paragraph(x(n), s.small) for n in notes]
    reference = f"{TITLE} {d.number}"
    return build_pdf(story, t, p, d.company, reference=reference, title=reference,
                     subject=f"{d.member.code} {slip.month // 100}-{slip.month % 100:02d}",
                     invariant=invariant, out=out)
