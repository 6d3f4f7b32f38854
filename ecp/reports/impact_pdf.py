"""The impact indicators on one A4 page, for a programme officer's report: the headline
figures, then four charts drawn with ReportLab's own graphics (members by stage, by sex and
age band, turnover HT by activity, exits by type). Figures from :class:`Impact`; nothing is
computed here but the charts' scales (whole dirhams: the charts need no centimes)."""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepInFrame,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ecp.reports.bidi import visual
from ecp.reports.impact import (
    BAND_LABELS,
    EXIT_LABELS,
    UNKNOWN,
    Impact,
    period_text,
    summary_rows,
)
from ecp.reports.invoice_pdf import FONT, FONT_BOLD, register_fonts
from ecp.reports.render import cell_text

ACCENT = colors.HexColor("#1f5f8b")
SECOND = colors.HexColor("#d9822b")
GREY = colors.HexColor("#9a9a9a")
CHART_W, CHART_H = 88 * mm, 58 * mm
SHORT_STAGES = {"candidat": "candidat", "convention": "convention", "actif": "actif",
                "sortie": "sorti"}


def _x(text: str) -> str:
    return escape(visual(text))


def _title(d: Drawing, text: str) -> None:
    d.add(String(0, CHART_H - 9, text, fontName=FONT_BOLD, fontSize=8.5, fillColor=ACCENT))


def _bars(title: str, labels: list[str], series: list[list[int]], names: list[str] | None = None,
          *, horizontal: bool = False) -> Drawing:
    d = Drawing(CHART_W, CHART_H)
    _title(d, title)
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    chart.x, chart.y = (34 * mm, 6 * mm) if horizontal else (10 * mm, 14 * mm)
    chart.width = CHART_W - chart.x - 4 * mm
    chart.height = CHART_H - chart.y - (26 if names else 14)
    chart.data = [tuple(s) for s in series] if any(any(s) for s in series) \
        else [tuple(0 for _ in labels)]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6.5
    if not horizontal:
        chart.categoryAxis.labels.angle = 20 if len(labels) > 4 else 0
        chart.categoryAxis.labels.boxAnchor = "ne" if len(labels) > 4 else "n"
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.valueMin = 0
    top = max([v for s in series for v in s] + [1])
    chart.valueAxis.valueMax = top + max(1, top // 10)
    chart.valueAxis.labelTextFormat = _int_label
    for i, colour in enumerate((ACCENT, SECOND, GREY)[:len(chart.data)]):
        chart.bars[i].fillColor = colour
        chart.bars[i].strokeColor = None
    chart.barLabelFormat = _int_label
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 6
    chart.barLabels.nudge = 5
    d.add(chart)
    if names:
        legend = Legend()
        legend.x, legend.y = 10 * mm, CHART_H - 14
        legend.fontName, legend.fontSize = FONT, 6.5
        legend.columnMaximum = 1
        legend.deltax = 60
        legend.alignment = "right"
        legend.dxTextSpace = 3
        legend.dx = legend.dy = 6
        legend.colorNamePairs = list(zip((ACCENT, SECOND, GREY), names, strict=False))
        d.add(legend)
    return d


def _int_label(value: object) -> str:
    """Whole numbers with a space for thousands, as the figures are read in French."""
    n = int(value) if isinstance(value, int | float) else 0
    return f"{n:,}".replace(",", " ")


def render_impact_pdf(imp: Impact, *, issued: dt.date, invariant: bool = False) -> bytes:
    """The page as PDF bytes; ``invariant``: reproducible bytes (tests)."""
    register_fonts()
    base = ParagraphStyle("impact", fontName=FONT, fontSize=8.5, leading=10.5)
    title = ParagraphStyle("impact-title", parent=base, fontName=FONT_BOLD, fontSize=14,
                           leading=17, textColor=ACCENT)
    small = ParagraphStyle("impact-small", parent=base, fontSize=7, leading=8.5,
                           textColor=colors.HexColor("#555555"))
    rows = summary_rows(imp)
    right = ParagraphStyle("impact-right", parent=base, alignment=TA_RIGHT)
    cells = [[Paragraph(_x(label), base), Paragraph(_x(str(cell_text(value, False))), right)]
             for _k, label, value in rows]
    half = (len(cells) + 1) // 2
    grid = [left + right for left, right in
            zip(cells[:half], cells[half:] + [["", ""]] * (2 * half - len(cells)),
                strict=True)]
    figures = Table(grid, colWidths=[60 * mm, 27 * mm, 62 * mm, 27 * mm])
    figures.setStyle(TableStyle([
        ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("ALIGN", (3, 0), (3, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#dddddd")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))

    stage_chart = _bars("Bénéficiaires par étape (fin de période)",
                        [SHORT_STAGES.get(s, UNKNOWN) for s, _n in imp.by_stage],
                        [[n for _s, n in imp.by_stage]])
    ages = imp.by_sex_age
    age_chart = _bars("Bénéficiaires par sexe et tranche d'âge",
                      [BAND_LABELS.get(b, UNKNOWN).replace(" ans", "").replace(" et plus", "+")
                       for b, *_ in ages],
                      [[f for _b, f, _m, _n in ages], [m for _b, _f, m, _n in ages],
                       [n for _b, _f, _m, n in ages]],
                      ["Femmes", "Hommes", UNKNOWN])
    acts = list(imp.activities[:6])
    activity_chart = _bars("Chiffre d'affaires HT par activité (DH)",
                           [a.activity[:22] for a in acts] or ["—"],
                           [[a.turnover // 100 for a in acts] or [0]], horizontal=True)
    exits = [(EXIT_LABELS.get(t, UNKNOWN), n) for t, n in imp.exits]
    exit_chart = _bars("Entrées et sorties par type",
                       ["entrées", *(label for label, _n in exits)],
                       [[imp.entries, *(n for _l, n in exits)]])
    charts = Table([[stage_chart, age_chart], [activity_chart, exit_chart]],
                   colWidths=[CHART_W + 2 * mm] * 2)
    charts.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    story: list[Flowable] = [
        Paragraph(_x(f"Indicateurs d'impact — {imp.ecp_name}"), title),
        Paragraph(_x(f"Période {period_text(imp)} · édité le {issued.strftime('%d/%m/%Y')} · "
                     "montants en dirhams (DH) HT"), base),
        Spacer(1, 4 * mm),
        figures,
        Spacer(1, 4 * mm),
        charts,
        Spacer(1, 2 * mm),
        Paragraph(_x(
            "Bénéficiaires : membres candidats, en convention ou actifs à la fin de la période, "
            "ou sortis pendant celle-ci. Âge à la fin de la période. Équivalents temps plein : "
            "salaire brut ÷ SMIG mensuel, au plus 1 par membre et par mois, moyenne sur les mois "
            "de la période. Chiffre d'affaires : comptes 711 et 712 des membres, contributions "
            "internes exclues. Définitions complètes : docs/indicators.md."), small),
    ]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=14 * mm, bottomMargin=12 * mm, invariant=int(invariant),
                            initialFontName=FONT, title=f"Indicateurs d'impact {imp.ecp_name}",
                            author=imp.ecp_name, creator="ecp",
                            subject=f"Impact {period_text(imp)}")
    frame_w, frame_h = A4[0] - 30 * mm - 12, A4[1] - 26 * mm - 12
    doc.build([KeepInFrame(frame_w, frame_h, story, mode="shrink")])
    return buf.getvalue()


__all__ = ["render_impact_pdf"]
