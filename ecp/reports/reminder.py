"""Reminder letters for overdue invoices (ReportLab, like the invoices): level 1 « Relance »,
level 2 « Mise en demeure ». French letter; every free text (names, addresses) goes through
:mod:`ecp.reports.bidi`, so an Arabic customer's or member's name is drawn joined and in order.

The letter states: the ECP's identity and the member who made the sale, the customer's address,
the invoice (number, date, due date, TTC, paid, credited, left), the days late, the penalty
(rate, months begun, amount — ``ecp.sales.reminders``), the date to pay by and the ECP's RIB.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from ecp.kernel.money import fmt_fr
from ecp.kernel.units import fmt_rate
from ecp.reports import i18n
from ecp.reports.bidi import para, visual
from ecp.reports.i18n import Table
from ecp.reports.invoice_pdf import (
    FONT,
    Styles,
    footer_canvas,
    legal_lines,
    load_templates,
    register_fonts,
)
from ecp.sales.reminders import ReminderView

ACCENT = colors.HexColor("#1F4E79")
ALERT = colors.HexColor("#9C1C1C")  # a mise en demeure's title


def _d(day: Any) -> str:
    return str(day.strftime("%d/%m/%Y"))


def _dh(cents: int) -> str:
    return fmt_fr(cents) + " DH"


def body(v: ReminderView) -> list[str]:
    """The letter's paragraphs, in French (plain text: the tests read them back)."""
    inv = f"la facture {v.invoice} du {_d(v.invoice_date)}"
    if v.level == 1:
        first = (f"Sauf erreur de notre part, {inv}, échue le {_d(v.due_date)}, n'est pas "
                 f"réglée à ce jour : il en reste {_dh(v.left)} à payer, avec "
                 f"{v.days_late} jours de retard.")
        ask = (f"Nous vous remercions de bien vouloir en régler le solde avant le "
               f"{_d(v.pay_by)}. Si votre règlement a croisé ce courrier, veuillez ne pas en "
               "tenir compte.")
    else:
        before = [e for e in v.earlier if e.level == 1]
        since = (f"Malgré notre relance du {_d(before[-1].day)}, " if before else "Malgré nos "
                 "relances, ")
        first = (f"{since}{inv}, échue le {_d(v.due_date)}, reste impayée : "
                 f"{_dh(v.left)} restent dus, avec {v.days_late} jours de retard.")
        ask = (f"Par la présente, nous vous mettons en demeure de régler la somme de "
               f"{_dh(v.left)}, augmentée des pénalités de retard, avant le {_d(v.pay_by)}. "
               "À défaut, nous engagerons sans autre avis la procédure de recouvrement "
               "judiciaire (injonction de payer), les frais restant à votre charge.")
    return [first, ask]


def penalty_lines(v: ReminderView) -> list[str]:
    """The penalty: the mention of the settings, then the computation at the letter's date."""
    p = v.penalty
    if p.rate_bp is None:
        return [p.mention, "Montant des pénalités non calculé : le taux applicable (taux "
                           "directeur de Bank Al-Maghrib) n'est pas renseigné dans les livres."]
    months = f"{p.months} mois commencé" + ("s" if p.months > 1 else "")
    assert p.amount is not None
    return [p.mention,
            f"Au {_d(v.day)} : {v.days_late} jours de retard, soit {months} ; "
            f"{_dh(v.left)} × {fmt_rate(p.rate_bp)} × {p.months} = {_dh(p.amount)}."]


def pay_line(v: ReminderView) -> str:
    return (f"À régler avant le {_d(v.pay_by)} par virement au compte de {v.seller.name}, "
            f"{v.seller.bank}, RIB {v.seller.rib}, en rappelant le numéro de la facture "
            f"{v.invoice}.")


def render_reminder(v: ReminderView, out: Path | None = None, *,
                    invariant: bool = False) -> bytes:
    """The letter as PDF bytes (also written to ``out`` if given); ``invariant``: the same
    bytes for the same letter (tests, archive hashes)."""
    register_fonts()
    with i18n.drawing("fr"):
        data = _draw(v, invariant)
    if out is not None:
        Path(out).write_bytes(data)
    return data


def _draw(v: ReminderView, invariant: bool) -> bytes:
    t = load_templates()
    size = 9.5
    margin = 18 * mm
    s = Styles(size, ACCENT)
    width = A4[0] - 2 * margin
    seller = v.seller
    story: list[Flowable] = []

    ident: list[Flowable] = [
        para(seller.name, s.company, rtl_right=False),
        para(f"{seller.legal_form} au capital de {seller.capital}", s.normal),
        para(seller.address, s.normal, rtl_right=False),
        para(seller.city, s.normal, rtl_right=False),
    ]
    title = s.title
    if v.level == 2:
        title = type(s.title)("alert", parent=s.title, textColor=ALERT, fontSize=16,
                              leading=20)
    else:
        title = type(s.title)("title16", parent=s.title, fontSize=16, leading=20)
    heading: list[Flowable] = [Paragraph(escape(v.title), title),
                               Spacer(1, 2 * mm),
                               para(f"{seller.city}, le {_d(v.day)}", s.right),
                               para(f"Facture n° {v.invoice}", s.bold_right)]
    header = Table([[ident, heading]], colWidths=[width - 70 * mm, 70 * mm])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story += [header, Spacer(1, 8 * mm)]

    member: list[Flowable] = [para("Vente réalisée par", s.small),
                              para(f"{v.member_name} ({v.member_code})", s.bold,
                                   rtl_right=False)]
    if v.member_name_ar:
        member.append(para(v.member_name_ar, s.normal, rtl_right=False))
    member.append(para("membre entrepreneur de l'ECP", s.small))
    cust = v.customer
    customer: list[Flowable] = [para(cust.name, s.bold)]
    if cust.name_ar:
        customer.append(para(cust.name_ar, s.ar_right))
    for text in (cust.address, cust.city):
        if text:
            customer.append(para(text, s.normal))
    if cust.ice:
        customer.append(para(f"ICE : {cust.ice}", s.normal))
    half = (width - 8 * mm) / 2
    blocks = Table([[member, "", customer]], colWidths=[half, 8 * mm, half])
    blocks.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOX", (2, 0), (2, 0), 0.6, ACCENT),
        ("LEFTPADDING", (2, 0), (2, 0), 6), ("TOPPADDING", (2, 0), (2, 0), 5),
        ("BOTTOMPADDING", (2, 0), (2, 0), 6), ("LEFTPADDING", (0, 0), (0, 0), 0),
    ]))
    story += [blocks, Spacer(1, 8 * mm)]

    subject = (f"Objet : relance — facture {v.invoice} impayée" if v.level == 1 else
               f"Objet : mise en demeure de payer la facture {v.invoice}")
    story += [Paragraph(escape(subject), s.bold), Spacer(1, 4 * mm),
              Paragraph("Madame, Monsieur,", s.normal), Spacer(1, 2 * mm)]
    for text in body(v):
        story += [Paragraph(escape(text), s.normal), Spacer(1, 2 * mm)]

    heads = ("Facture", "Date", "Échéance", "Montant TTC", "Réglé", "Avoirs", "Reste dû",
             "Retard")
    cells = (v.invoice, _d(v.invoice_date), _d(v.due_date), fmt_fr(v.total_ttc),
             fmt_fr(v.paid), fmt_fr(v.credited), fmt_fr(v.left), f"{v.days_late} j")
    widths = [27 * mm, 21 * mm, 21 * mm, 22 * mm, 21 * mm, 18 * mm, 22 * mm]
    widths.append(width - sum(widths))
    facts = Table([[Paragraph(escape(h), s.head_right if i > 2 else s.head)
                    for i, h in enumerate(heads)],
                   [Paragraph(escape(c), s.cell_right if i > 2 else s.cell)
                    for i, c in enumerate(cells)]], colWidths=widths)
    facts.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("LINEBELOW", (0, 1), (-1, 1), 0.25, colors.HexColor("#BBBBBB")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    story += [Spacer(1, 2 * mm), facts, Spacer(1, 5 * mm)]

    story.append(Paragraph("Pénalités de retard", s.box_title))
    for text in penalty_lines(v):
        story.append(Paragraph(escape(text), s.normal))
    if v.earlier:
        story += [Spacer(1, 3 * mm), Paragraph("Courriers précédents", s.box_title)]
        for e in v.earlier:
            story.append(Paragraph(escape(
                f"{'Relance' if e.level == 1 else 'Mise en demeure'} du {_d(e.day)} : "
                f"{_dh(e.amount_due)} dus, {e.days_late} jours de retard"), s.normal))
    story += [Spacer(1, 5 * mm), Paragraph(escape(pay_line(v)), s.bold), Spacer(1, 8 * mm),
              Paragraph("Veuillez agréer, Madame, Monsieur, nos salutations distinguées.",
                        s.normal), Spacer(1, 6 * mm),
              para(f"Pour {seller.name}, le service comptable", s.right)]

    fs = size - 2
    footer_lines = legal_lines(seller, t["footer"]["lines"], fs, width)
    bottom = margin * 0.5 + fs * (1.35 * len(footer_lines) + 1.6) + 8 * mm
    canvas_cls = footer_canvas(footer_lines, "page {page} / {pages}",
                               visual(f"{v.title} — facture {v.invoice}"), fs, margin, ACCENT)
    buf = io.BytesIO()
    pdf = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=margin - 6, rightMargin=margin - 6, topMargin=margin - 6,
        bottomMargin=bottom - 6, invariant=int(invariant), initialFontName=FONT,
        title=f"{v.title} {v.invoice}", author=seller.name, creator="ecp",
        subject=f"{v.invoice} niveau {v.level}")
    pdf.build(story, canvasmaker=canvas_cls)
    return buf.getvalue()
