"""The dunning report (« relances ») as a report :class:`~ecp.reports.tables.Table`: the
invoices overdue at a date by band of days late, what is left, the last reminder and the next
step; the totals of each band for readers. Cheap to import (no database, no ReportLab)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ecp.reports.tables import Cell, Column, Money, Row, Table, Term

if TYPE_CHECKING:
    from ecp.sales.reminders import DunningRow

DUNNING_COLUMNS = (
    Column("facture", "Facture", width=14),
    Column("membre", "Membre", width=6),
    Column("client", "Client", width=8),
    Column("nom", "Nom", width=20),
    Column("echeance", "Échéance", width=10),
    Column("jours_retard", "Retard (j)", "right", width=10),
    Column("tranche", "Tranche", width=12),
    Column("reste_du", "Reste dû", "right", width=14, alert=True),
    Column("derniere_relance", "Dernière relance", width=16),
    Column("date_relance", "Date relance", width=10),
    Column("prochaine_etape", "Prochaine étape", width=34),
)
BAND_ORDER = ("1-30", "31-60", "61-90", "plus-90")
LEVEL_TEXT = {1: "relance", 2: "mise en demeure"}


def _date(d: dt.date | None, machine_key: bool = True) -> Cell:
    if d is None:
        return ""
    return Term(d.strftime("%d/%m/%Y"), d.isoformat()) if machine_key else d.isoformat()


def dunning_table(rows: Sequence[DunningRow], at: dt.date) -> Table:
    """One line per overdue invoice, grouped by band (1–30, 31–60, 61–90, > 90 days late),
    most late first within a band; the readers' totals: each band's amount left, then all."""
    order = {k: i for i, k in enumerate(BAND_ORDER)}
    ranked = sorted(rows, key=lambda r: (order[r.band], -r.days_late, r.invoice))
    out: list[Row] = []
    for r in ranked:
        last: Cell = (Term(f"{r.last_level} ({LEVEL_TEXT[r.last_level]})", str(r.last_level))
                      if r.last_level else Term("aucune", ""))
        out.append(Row((r.invoice, r.member, r.customer, r.customer_name, _date(r.due),
                        r.days_late, Term(r.band_label, r.band), Money(r.left), last,
                        _date(r.last_day), Term(r.next_step, r.next_key)), key=r.invoice))
    totals: list[Row] = []
    for key in BAND_ORDER:
        band = [r for r in rows if r.band == key]
        if band:
            totals.append(Row((Term("Sous-total", ""), "", "", f"{len(band)} facture(s)", "",
                               "", Term(band[0].band_label, key),
                               Money(sum(r.left for r in band)), "", "", ""), "subtotal"))
    totals.append(Row((Term("TOTAL", ""), "", "", f"{len(rows)} facture(s)", "", "", "",
                       Money(sum(r.left for r in rows)), "", "", ""), "total"))
    title = (f"Factures échues au {at.strftime('%d/%m/%Y')}, par retard depuis l'échéance ; "
             "dernière relance et prochaine étape")
    return Table(title, DUNNING_COLUMNS, tuple(out), tuple(totals))
