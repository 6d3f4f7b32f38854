"""The attendance sheet of a workshop (feuille d'émargement, issue 18): printed before the
session, signed by each member present, kept as the proof a funder asks for. The ECP's identity,
the workshop (code, title, date, duration), one row per member on the list (code, name, Arabic
name drawn right to left through :mod:`ecp.reports.bidi`, a box to sign) and blank rows for
those who come unannounced; the facilitator signs at the bottom."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from ecp.kernel.files import write_private
from ecp.members.journey import WorkshopView
from ecp.reports import i18n
from ecp.reports.bidi import para
from ecp.reports.i18n import Table
from ecp.reports.invoice_pdf import Styles, register_fonts

ACCENT = colors.HexColor("#1F4E79")
BLANK_ROWS = 5  # for the members who come without being on the list


def _duration(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h} h {m:02d}" if m else f"{h} h"


def render_sheet(seller: tuple[str, str], w: WorkshopView,
                 people: Sequence[tuple[str, str, str | None]], out: Path | None = None,
                 *, invariant: bool = False) -> bytes:
    """The sheet as PDF bytes (also written to ``out``, private). ``seller``: the ECP's name
    and address line (a sheet needs no more of its identity); ``people``: (code, name, Arabic
    name) of the members on the list, in the order they were entered."""
    register_fonts()
    with i18n.drawing("fr"):
        data = _draw(seller, w, people, invariant)
    if out is not None:
        write_private(Path(out), data)
    return data


def _draw(seller: tuple[str, str], w: WorkshopView,
          people: Sequence[tuple[str, str, str | None]], invariant: bool) -> bytes:
    s = Styles(10, ACCENT)
    margin = 16 * mm
    width = A4[0] - 2 * margin
    story: list[Flowable] = [
        para(seller[0], s.company, rtl_right=False),
        para(seller[1], s.normal, rtl_right=False),
        Spacer(1, 6 * mm),
        Paragraph(escape("Feuille d'émargement"), s.title),
        Spacer(1, 2 * mm),
        para(f"Atelier {w.code} : {w.title}", s.bold),
        para(f"Le {w.day.strftime('%d/%m/%Y')} — durée : {_duration(w.minutes)}", s.normal),
        Spacer(1, 5 * mm),
    ]
    heads = ["N°", "Membre", "Nom", "الاسم", "Signature"]
    rows: list[list[object]] = [[para(h, s.head) for h in heads]]
    for i, (code, name, name_ar) in enumerate(people, 1):
        rows.append([Paragraph(str(i), s.cell), Paragraph(escape(code), s.cell),
                     para(name, s.cell, rtl_right=False),
                     para(name_ar or "", s.cell), ""])
    for i in range(len(people) + 1, len(people) + 1 + BLANK_ROWS):
        rows.append([Paragraph(str(i), s.cell), "", "", "", ""])
    widths = [10 * mm, 20 * mm, 55 * mm, 45 * mm]
    widths.append(width - sum(widths))
    table = Table(rows, colWidths=widths, rowHeights=[None] + [11 * mm] * (len(rows) - 1),
                  repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story += [table, Spacer(1, 10 * mm),
              para(f"Présents : {len(people)} inscrit(s) sur la liste, plus ceux qui signent "
                   "les lignes vides.", s.normal),
              Spacer(1, 8 * mm),
              para("Animateur (nom et signature) :", s.bold)]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=margin,
                            title=f"Feuille d'émargement {w.code}", author=seller[0],
                            invariant=1 if invariant else 0)
    doc.build(story)
    return buf.getvalue()
