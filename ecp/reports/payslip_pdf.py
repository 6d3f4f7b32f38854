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
from reportlab.platypus import Flowable, Paragraph, Spacer, TableStyle

from ecp.members.economy import PayslipDoc
from ecp.reports import i18n
from ecp.reports.bidi import para, visual
from ecp.reports.i18n import Table, _
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
    """``0,52 %`` from 52 basis points of a percent (ar ``0,52%``): the locale's decimal
    sign and percent, two decimals always."""
    return i18n.rate(bp, exempt=None, fixed=True)


@i18n.keeps_language
def render_payslip(d: PayslipDoc, out: Path | None = None, *, invariant: bool = False,
                   templates: Path | None = None, lang: str | None = None) -> bytes:
    """Render the bulletin de paie to PDF bytes (also written to ``out``), in ``lang``
    (``fr`` | ``ar``; default the member's language)."""
    register_fonts()
    lang = lang or d.member.language
    i18n.begin(lang)
    t = i18n.localize_templates(load_templates(templates), lang)
    p = Page(t)
    s = p.s
    slip = d.payslip
    period = dt.date(slip.month // 100, slip.month % 100, 1)

    facts = Table([[para(k, s.right), para(v, s.bold_right)] for k, v in (
        (_(lang, "Période"), month_name(period)), (_(lang, "Versement"), d.number),
        (_(lang, "Payé le"), day(d.day)))],
        colWidths=[40 * mm, 50 * mm])
    facts.setStyle(TableStyle([
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
    ]))
    employer = [*company_block(d.company, p, t["statement"]["ice"]),
                para(_(lang, "N° CNSS employeur : {cnss}").format(
                    cnss=d.company.cnss or "—"), s.normal)]
    title = _(lang, "Bulletin de paie")
    header = Table([[employer, [para(title, p.title), Spacer(1, 2 * mm), facts]]],
                   colWidths=[p.width - 90 * mm, 90 * mm])
    header.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    story: list[Flowable] = [header, Spacer(1, 6 * mm),
                             member_box(d.member, p, _(lang, "Salarié"), _(lang, "Activité")),
                             para(_(lang, "N° CNSS : {cnss} — personnes à charge : "
                                              "{dependants}").format(
                                 cnss=d.cnss or _(lang, "non communiqué"),
                                 dependants=slip.dependants), s.normal)]

    def head(*cols: str) -> list[Any]:
        return [Paragraph(f"<font color='white'><b>{x(c)}</b></font>", s.normal)
                for c in cols]

    # the wording column takes what the figures leave, and wraps (never runs into the base)
    w = [p.width - 82 * mm, 32 * mm, 18 * mm, 32 * mm]
    rows: list[list[Any]] = [head(_(lang, "Rubrique"), _(lang, "Base"), _(lang, "Taux"),
                                  _(lang, "Montant")),
                             [_(lang, "Salaire brut"), "", "", money(slip.gross)]]
    rows += [[_(lang, "{label} (part salariale)").format(label=_(lang, ln.label)),
              money(ln.base), rate(ln.rate_bp),
              money(-ln.amount)] for ln in slip.employee]
    rows += [[_(lang, "Total des retenues sociales"), "", "", money(-slip.employee_total)],
             [_(lang, "Frais professionnels (déduits du revenu imposable)"), money(slip.gross), "",
              money(slip.professional_expenses)],
             [_(lang, "Revenu net imposable"), "", "", money(slip.taxable)],
             [_(lang, "IR avant charges de famille"), "", "", money(slip.ir_before_family)],
             [_(lang, "Déduction pour charges de famille"), "", "", money(-slip.family_deduction)],
             [_(lang, "IR retenu à la source"), "", "", money(-slip.ir)],
             [_(lang, "Salaire net"), "", "", money(slip.net)]]
    if d.withheld:
        rows.append([_(lang, "Remboursement d'avance retenu"), "", "", money(-d.withheld)])
    method = t["methods"].get(d.method, d.method)
    rows.append([_(lang, "Net payé ({method})").format(method=method), "", "", money(d.paid)])
    rows = [[para(r[0], s.normal) if isinstance(r[0], str) else r[0], *r[1:]]
            for r in rows]
    story += [para(_(lang, "Salaire et retenues"), p.section),
              grid(rows, w, p, total=True)]

    rows = [head(_(lang, "Charge patronale"), _(lang, "Base"), _(lang, "Taux"),
                 _(lang, "Montant"))]
    rows += [[_(lang, ln.label), money(ln.base), rate(ln.rate_bp), money(ln.amount)]
             for ln in slip.employer]
    rows += [[_(lang, "Total des charges patronales"), "", "", money(slip.employer_total)],
             [_(lang, "Coût total pour l'ECP (brut + charges patronales)"), "", "",
              money(slip.cost)]]
    rows = [[para(r[0], s.normal) if isinstance(r[0], str) else r[0], *r[1:]]
            for r in rows]
    story += [para(_(lang, "Charges patronales"), p.section),
              grid(rows, w, p, total=True)]

    y = d.year_to_date
    pairs = [(label, money(y[k])) for k, label in (
        ("gross", _(lang, "Salaire brut")), ("employee_total", _(lang, "Retenues sociales")),
        ("professional_expenses", _(lang, "Frais professionnels")),
        ("taxable", _(lang, "Revenu net imposable")),
        ("ir", _(lang, "IR retenu")), ("net", _(lang, "Salaire net")),
        ("employer_total", _(lang, "Charges patronales")), ("cost", _(lang, "Coût total")))]
    # two figures a row, so that the bulletin stays on one page
    rows = [head(_(lang, "Cumul de l'année ({months} mois)").format(months=d.months), "", "",
                 "")]
    rows += [[visual(c) for c in (*pairs[i], *pairs[i + 1])] for i in range(0, len(pairs), 2)]
    half = p.width / 2
    story += [para(_(lang, "Cumul {year}").format(year=period.year), p.section),
              grid(rows, [half - 32 * mm, 32 * mm, half - 32 * mm, 32 * mm], p)]

    notes = [_(lang, "Écritures : paie {payroll}, paiement {payment}.").format(
                 payroll=d.payroll_entry, payment=d.payment_entry),
             _(lang, "Barèmes appliqués : {rules}.").format(rules=slip.rules), *slip.warnings]
    story += [Spacer(1, 4 * mm)] + [para(n, s.small) for n in notes]
    reference = f"{title} {d.number}"
    return build_pdf(story, t, p, d.company, reference=reference, title=reference,
                     subject=f"{d.member.code} {slip.month // 100}-{slip.month % 100:02d}",
                     invariant=invariant, out=out)
