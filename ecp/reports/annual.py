"""The member's annual statement as rows: the attestation's three parts (activity of the year,
remuneration paid by the ECP, situation at the year's end), each row a stable key, its French
label (``[annual.labels]`` of ``documents.toml``) and an amount. The PDF
(:mod:`ecp.reports.annual_pdf`) and ``ecp statement annual --format`` print the same rows.

Cheap to import: no database, no ReportLab (the view-model is only a type hint).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ecp.reports.tables import Column, Money, Row, Table, Term

if TYPE_CHECKING:
    from ecp.members.annual import AnnualStatement

SECTIONS = ("activity", "remuneration", "situation")
Level = Literal["", "detail", "total"]


@dataclass(frozen=True)
class FigureRow:
    section: str  # one of SECTIONS
    key: str  # stable: ``turnover``, ``charge:achats_consommes``, ``paid``…
    label: str
    amount: int
    level: Level = ""  # detail: a part of the next total; total: a result


def wording(templates: Path | None = None) -> dict[str, Any]:
    """``[annual]`` of the templates' ``documents.toml``; the shipped one's when a customised
    folder predates it (so an older template still gets the attestation)."""
    from ecp.reports.invoice_pdf import load_templates
    t = load_templates(templates)
    if "annual" not in t and templates is not None:
        t = load_templates(None)
    return dict(t["annual"])


def figure_rows(v: AnnualStatement, w: dict[str, Any]) -> list[FigureRow]:
    """The attestation's rows, in order; ``w`` is :func:`wording`. Remuneration rows appear by
    route (payslips, fees), the assets' three rows when the register has any."""
    lab = w["labels"]
    rows: list[FigureRow] = []

    def add(section: str, key: str, label: str, amount: int, level: Level = "") -> None:
        rows.append(FigureRow(section, key, label, amount, level))

    add("activity", "turnover", lab["turnover"], v.turnover)
    for p in v.products:
        add("activity", f"product:{p.key}", lab["product"].format(label=p.label), p.amount,
            "detail")
    for c in v.charges:
        add("activity", f"charge:{c.key}", lab["charge"].format(label=c.label), c.amount,
            "detail")
    add("activity", "contribution", lab["contribution"], v.contribution, "detail")
    add("activity", "result", lab["result"], v.result, "total")

    r = v.remuneration
    if r.payslips:
        add("remuneration", "gross", lab["gross"].format(count=r.payslips), r.gross)
        add("remuneration", "social", lab["social"], r.social, "detail")
        add("remuneration", "ir", lab["ir"], r.ir, "detail")
        add("remuneration", "net", lab["net"], r.net, "total")
    if r.fees:
        add("remuneration", "fees", lab["fees"].format(count=r.fee_invoices), r.fees)
    if r.other:
        add("remuneration", "other", lab["other"], r.other)
    if r.withheld:
        add("remuneration", "withheld", lab["withheld"], r.withheld, "detail")
    add("remuneration", "paid", lab["paid"] if r.total else lab["none"], r.paid, "total")
    if v.advances_paid:
        add("remuneration", "advances_paid", lab["advances_paid"], v.advances_paid)

    add("situation", "stock", lab["stock"], v.stock)
    if v.assets:
        add("situation", "assets_cost", lab["assets_cost"], v.assets_cost)
        add("situation", "assets_depreciation", lab["assets_depreciation"],
            v.assets_cost - v.assets_net, "detail")
        add("situation", "assets_net", lab["assets_net"], v.assets_net, "total")
    else:
        add("situation", "assets_net", lab["no_assets"], 0)
    add("situation", "advances_owed", lab["advances_owed"], v.advances_owed)
    add("situation", "receivables", lab["receivables"], v.treasury.receivables)
    add("situation", "cash", lab["cash"], v.treasury.cash)
    add("situation", "treasury", lab["treasury"], v.treasury.available, "total")
    return rows


ANNUAL_COLUMNS = (
    Column("membre", "Membre", width=8),
    Column("partie", "Partie", width=22),
    Column("rubrique", "Rubrique", machine_only=True),
    Column("libelle", "Libellé", width=56),
    Column("montant", "Montant", "right", width=16),
)


def annual_table(views: Sequence[AnnualStatement], templates: Path | None = None) -> Table:
    """Every member's rows, one table: member, part, key (machines), label, amount."""
    w = wording(templates)
    parts = {k: str(w["sections"][k]) for k in SECTIONS}
    rows: list[Row] = []
    for v in views:
        parts["situation"] = w["sections"]["situation"].format(date=v.end.strftime("%d/%m/%Y"))
        for f in figure_rows(v, w):
            # machines read the label without the readers' « + », « − », « = »
            label = Term(f.label, f.label.lstrip("+−= "))
            rows.append(Row((v.member.code, Term(parts[f.section], f.section), f.key, label,
                             Money(f.amount)), "total" if f.level == "total" else "", f.key))
    year = views[0].year if views else ""
    return Table(f"Relevé annuel des membres — exercice {year}", ANNUAL_COLUMNS, tuple(rows))
