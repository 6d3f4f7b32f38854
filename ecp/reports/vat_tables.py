"""The VAT return as report tables (lines with their DGI codes; each dimension's position),
for the command line and the TUI alike. Cheap to import, like ``ecp.reports.tables``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecp.reports.tables import Column, Money, Row, Table

if TYPE_CHECKING:
    from ecp.sales.vat_return import DeclarationView, VatReturn


def return_table(ret: VatReturn, declared: DeclarationView | None = None) -> Table:
    """The return of a period, line by line, as the DGI form lays it out."""
    if declared is not None:
        state = f"déclarée le {declared.day.strftime('%d/%m/%Y')} ({declared.status})"
    else:
        state = "non déclarée"
    cols = (Column("code", "Ligne", width=8), Column("libelle", "Libellé"),
            Column("base_ht", "Base HT", "right"), Column("tva", "TVA", "right"))
    rows = tuple(Row((ln.code, ln.label, None if ln.base is None else Money(ln.base),
                      None if ln.vat is None else Money(ln.vat)), key=ln.code)
                 for ln in ret.lines)
    return Table(f"Déclaration de TVA {ret.period} — {state}", cols, rows)


def positions_table(ret: VatReturn) -> Table:
    """Each dimension's VAT position settled by the declaration (each member's own books)."""
    cols = (Column("dimension", "Dimension", width=10),
            Column("tva_facturee", "TVA facturée (4455)", "right"),
            Column("deductible_charges", "Déductible charges (34552)", "right"),
            Column("deductible_immobilisations", "Déductible immob. (34551)", "right"),
            Column("credit_reporte", "Crédit reporté (3456)", "right"),
            Column("resultat", "Due (+) / crédit (−)", "right", alert=True))
    rows = tuple(Row((p.dimension, Money(p.collected), Money(p.deductible_charges, True),
                      Money(p.deductible_assets, True), Money(p.carried, True),
                      Money(p.result)), key=p.dimension) for p in ret.positions)
    total = Row(("Total", Money(ret.collected), Money(ret.deductible_charges),
                 Money(ret.deductible_assets), Money(ret.carried), Money(ret.balance)),
                "total")
    return Table("Position de TVA par dimension", cols, rows, (total,))


def declarations_table(decls: list[DeclarationView]) -> Table:
    cols = (Column("periode", "Période", width=8), Column("date", "Déclarée le"),
            Column("tva_due", "TVA due", "right"), Column("credit", "Crédit", "right"),
            Column("ecriture", "Écriture"), Column("etat", "État"),
            Column("paye_le", "Payée le"), Column("paiement", "Paiement"))
    rows = tuple(Row((d.period, d.day.isoformat(), Money(d.due), Money(d.credit),
                      d.entry or "", d.status + (f" : {d.reason}" if d.reason else ""),
                      d.paid_on.isoformat() if d.paid_on else "", d.payment_entry or ""),
                     key=f"{d.period}#{d.id}") for d in decls)
    return Table("Déclarations de TVA", cols, rows)
