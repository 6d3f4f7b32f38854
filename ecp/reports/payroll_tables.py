"""The payroll returns as report tables (the month per salaried member, the year per
employee), for the command line and the TUI alike. Cheap to import, like ``ecp.reports.tables``.

The machine keys (CSV / JSON) are stable: scripts preparing the Damancom and SIMPL-IR files read
them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ecp.reports.tables import Cell, Column, Money, Row, Table

if TYPE_CHECKING:
    from ecp.members.payroll_report import PayrollMonth, PayrollRow, YearRow

MONTH_COLUMNS = (
    Column("cnss", "N° CNSS", width=12),
    Column("membre", "Membre", width=8),
    Column("nom", "Nom", width=24),
    Column("jours", "Jours", "right"),
    Column("heures", "Heures", "right"),
    Column("brut", "Brut", "right"),
    Column("base_cnss", "Base CNSS plafonnée", "right"),
    Column("sal_cnss_ct", "Sal. CNSS CT", "right"),
    Column("sal_cnss_lt", "Sal. CNSS LT", "right"),
    Column("sal_amo", "Sal. AMO", "right"),
    Column("sal_total", "Retenues sociales", "right"),
    Column("pat_af", "Pat. alloc. fam.", "right"),
    Column("pat_cnss_ct", "Pat. CNSS CT", "right"),
    Column("pat_cnss_lt", "Pat. CNSS LT", "right"),
    Column("pat_amo", "Pat. AMO", "right"),
    Column("tfp", "TFP", "right"),
    Column("pat_total", "Charges patronales", "right"),
    Column("frais_pro", "Frais professionnels", "right"),
    Column("net_imposable", "Net imposable", "right"),
    Column("ir", "IR retenu", "right"),
    Column("net", "Net à payer", "right"),
    Column("cout", "Coût total", "right"),
)


def _thousandths(v: int | None) -> str:
    if v is None:
        return ""
    whole, frac = divmod(v, 1000)
    return f"{whole},{frac:03d}".rstrip("0").rstrip(",")


def _month_cells(r: PayrollRow) -> tuple[Cell, ...]:
    return (r.cnss, r.member, r.name, "" if r.days is None else r.days,
            _thousandths(r.hours), Money(r.gross), Money(r.cnss_base),
            Money(r.employee["cnss_ct"]), Money(r.employee["cnss_lt"]),
            Money(r.employee["amo"]), Money(r.employee_total), Money(r.employer["af"]),
            Money(r.employer["cnss_ct"]), Money(r.employer["cnss_lt"]),
            Money(r.employer["amo"]), Money(r.employer["tfp"]), Money(r.employer_total),
            Money(r.professional_expenses), Money(r.taxable), Money(r.ir), Money(r.net),
            Money(r.cost))


def month_table(pm: PayrollMonth) -> Table:
    """The month's payroll, one row per salaried member paid (CNSS and IR returns)."""
    label = f"{pm.month // 100:04d}-{pm.month % 100:02d}"
    paid = []
    for what, p in (("CNSS", pm.cnss_paid), ("IR", pm.ir_paid)):
        paid.append(f"{what} payé le {p.day.strftime('%d/%m/%Y')} ({p.entry})" if p
                    else f"{what} à payer")
    rows = tuple(Row(_month_cells(r), key=r.member) for r in pm.rows)
    total = Row(("", "", "Total", "", "", *_month_cells(pm.total)[5:]), "total")
    return Table(f"Paie {label} — {', '.join(paid)}", MONTH_COLUMNS, rows,
                 (total,) if pm.rows else ())


YEAR_COLUMNS = (
    Column("cnss", "N° CNSS", width=12),
    Column("membre", "Membre", width=8),
    Column("nom", "Nom", width=24),
    Column("mois", "Mois payés", "right"),
    Column("brut", "Brut", "right"),
    Column("retenues_sociales", "Retenues sociales", "right"),
    Column("frais_pro", "Frais professionnels", "right"),
    Column("net_imposable", "Net imposable", "right"),
    Column("ir", "IR retenu", "right"),
    Column("net", "Net payé", "right"),
    Column("charges_patronales", "Charges patronales", "right"),
    Column("cout", "Coût total", "right"),
)


def year_table(year: int, rows: Sequence[YearRow]) -> Table:
    """The year per employee (état 9421-like)."""
    body = tuple(Row((r.cnss, r.member, r.name, r.months, *(Money(v) for v in (
        r.gross, r.employee_total, r.professional_expenses, r.taxable, r.ir, r.net,
        r.employer_total, r.cost))), key=r.member) for r in rows)
    keys = ("gross", "employee_total", "professional_expenses", "taxable", "ir", "net",
            "employer_total", "cost")
    total = Row(("", "", "Total", sum(r.months for r in rows),
                 *(Money(sum(int(getattr(r, k)) for r in rows)) for k in keys)), "total")
    return Table(f"Paie {year} — récapitulatif annuel par salarié", YEAR_COLUMNS, body,
                 (total,) if rows else ())
