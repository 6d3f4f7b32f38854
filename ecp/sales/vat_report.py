"""The VAT return of a month or a quarter: VAT collected by rate, credit-note regularisations,
deductible VAT, and the VAT due or the credit.

The period is half-open: ``start`` inclusive, ``end`` exclusive (``[2026-03-01, 2026-04-01)``
is March 2026). Every figure is an SQL aggregate over the sales tables, built so that it agrees
with the ledger:

- collected VAT is what was credited to 4455 in the period: under the régime de l'encaissement
  the VAT each payment moved from 44551 (``allocation_vat`` of payment allocations dated in the
  period); under the débits regime the VAT of the invoices issued in the period (their posting
  credited 4455 at once);
- regularisations are what credit notes of the period debited on 4455: their VAT minus the part
  still pending that they took off 44551 (``allocation_vat`` of their own allocation);
- deductible VAT is what expense payments of the period moved from 34554 to 34552 (charges)
  and from 34553 to 34551 (fixed assets, shown apart).

So ``net_collected`` equals the period's net credit movement on 4455 and ``deductible_vat``
its debit movement on 34552 and 34551 — leaving out the declarations' own entries (and their
reversals), which settle those accounts against 4456/3456 and are not operations of the period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, case, exists, func, or_, select

from ecp.db.models import (
    Allocation,
    AllocationVat,
    Document,
    DocumentVat,
    Expense,
    ExpensePayment,
    Line,
    VatDeclaration,
    VatReversal,
)
from ecp.kernel.errors import InputError
from ecp.kernel.units import fmt_rate
from ecp.ledger.entry import day_int
from ecp.ledger.year_close import year_end_entries
from ecp.sales import company as company_mod
from ecp.sales.documents import VAT_DUE


@dataclass(frozen=True)
class VatRateRow:
    """Base HT and VAT of one rate."""

    vat_bp: int
    base_ht: int
    vat: int

    @property
    def rate(self) -> str:
        return "autres écritures" if self.vat_bp == OTHER else fmt_rate(self.vat_bp)


# VAT the ledger moved on 4455 or 34552 outside invoices, payments and expenses (entries typed
# by hand, the ECP's own purchases): shown on a line of its own, so that the report always
# equals the ledger and the bookkeeper sees what is not explained by documents.
OTHER = -1


@dataclass(frozen=True)
class VatReport:
    start: dt.date  # inclusive
    end: dt.date  # exclusive
    label: str  # 2026-03, 2026-Q1, or the dates
    regime: str  # encaissement | debits (the current setting)
    collected: tuple[VatRateRow, ...]  # credited to 4455, by rate, rates descending
    regularised: tuple[VatRateRow, ...]  # credit notes' VAT debited on 4455, by rate
    deductible: tuple[VatRateRow, ...]  # moved 34554 -> 34552, by rate
    deductible_assets: tuple[VatRateRow, ...] = ()  # moved 34553 -> 34551, by rate

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def collected_base(self) -> int:
        return sum(r.base_ht for r in self.collected)

    @property
    def collected_vat(self) -> int:
        return sum(r.vat for r in self.collected)

    @property
    def regularised_base(self) -> int:
        return sum(r.base_ht for r in self.regularised)

    @property
    def regularised_vat(self) -> int:
        return sum(r.vat for r in self.regularised)

    @property
    def net_collected(self) -> int:
        """Net credit movement of 4455 over the period."""
        return self.collected_vat - self.regularised_vat

    @property
    def deductible_base(self) -> int:
        return sum(r.base_ht for r in self.deductible) + self.deductible_assets_base

    @property
    def deductible_charges_vat(self) -> int:
        """Debit movement of 34552 over the period."""
        return sum(r.vat for r in self.deductible)

    @property
    def deductible_assets_vat(self) -> int:
        """Debit movement of 34551 over the period."""
        return sum(r.vat for r in self.deductible_assets)

    @property
    def deductible_assets_base(self) -> int:
        return sum(r.base_ht for r in self.deductible_assets)

    @property
    def deductible_vat(self) -> int:
        """Debit movement of 34552 and 34551 over the period."""
        return self.deductible_charges_vat + self.deductible_assets_vat

    @property
    def balance(self) -> int:
        """Net collected minus deductible: positive is VAT due, negative a credit."""
        return self.net_collected - self.deductible_vat

    @property
    def due(self) -> int:
        return max(self.balance, 0)

    @property
    def credit(self) -> int:
        return max(-self.balance, 0)


def _rows(per_rate: dict[int, tuple[int, int]]) -> tuple[VatRateRow, ...]:
    return tuple(VatRateRow(bp, b, v) for bp, (b, v) in sorted(per_rate.items(), reverse=True)
                 if b or v)


def _add(into: dict[int, tuple[int, int]], rows: Iterable[Any], sign: int = 1) -> None:
    """Fold (rate, base, VAT) aggregate rows, one per rate, into ``into``."""
    for bp, b, v in rows:
        ob, ov = into.get(int(bp), (0, 0))
        into[int(bp)] = (ob + sign * int(b or 0), ov + sign * int(v or 0))


def vat_report(conn: Connection, start: dt.date, end: dt.date, label: str | None = None
               ) -> VatReport:
    """The VAT return of ``[start, end)`` (``end`` exclusive)."""
    if end <= start:
        raise InputError("période : la fin doit suivre le début", field="period")
    s, e = day_int(start), day_int(end)
    on_payment = company_mod.vat_on_payment(conn, s)

    collected: dict[int, tuple[int, int]] = {}
    # Encaissement: the VAT each payment of the period moved from 44551 to 4455.
    _add(collected, conn.execute(
        select(AllocationVat.vat_bp, func.sum(AllocationVat.base_ht), func.sum(AllocationVat.vat))
        .join(Allocation, Allocation.id == AllocationVat.allocation_id)
        .where(Allocation.payment_id.is_not(None), Allocation.day >= s, Allocation.day < e)
        .group_by(AllocationVat.vat_bp)))
    # Débits: invoices of the period whose posting credited 4455 directly. Decided per invoice
    # from its posting, so a change of regime between years keeps the report on the ledger;
    # an invoice without VAT has no VAT line and follows the current setting.
    on_4455 = exists().where(Line.entry_id == Document.entry_id, Line.account == VAT_DUE)
    at_issue = on_4455 if on_payment else or_(on_4455, Document.total_vat == 0)
    _add(collected, conn.execute(
        select(DocumentVat.vat_bp, func.sum(DocumentVat.base_ht), func.sum(DocumentVat.vat))
        .join(Document, Document.id == DocumentVat.document_id)
        .where(Document.kind == "facture", Document.day >= s, Document.day < e, at_issue)
        .group_by(DocumentVat.vat_bp)))

    # Credit notes of the period: their VAT, less what they took off the pending account.
    regularised: dict[int, tuple[int, int]] = {}
    _add(regularised, conn.execute(
        select(DocumentVat.vat_bp, func.sum(DocumentVat.base_ht), func.sum(DocumentVat.vat))
        .join(Document, Document.id == DocumentVat.document_id)
        .where(Document.kind == "avoir", Document.day >= s, Document.day < e)
        .group_by(DocumentVat.vat_bp)))
    _add(regularised, conn.execute(
        select(AllocationVat.vat_bp, func.sum(AllocationVat.base_ht), func.sum(AllocationVat.vat))
        .join(Allocation, Allocation.id == AllocationVat.allocation_id)
        .join(Document, Document.id == Allocation.credit_note_id)
        .where(Document.kind == "avoir", Document.day >= s, Document.day < e)
        .group_by(AllocationVat.vat_bp)), sign=-1)

    deductible: dict[int, tuple[int, int]] = {}
    assets: dict[int, tuple[int, int]] = {}
    for into, asset in ((deductible, False), (assets, True)):
        # the HT of the paid share: the payment less the VAT it carried, deductible or, over
        # the cash limits, charged to the bill's account by the payment's entry
        charged = (select(func.coalesce(func.sum(Line.amount), 0))
                   .where(Line.entry_id == ExpensePayment.entry_id,
                          Line.account == Expense.account).scalar_subquery())
        _add(into, conn.execute(
            select(Expense.vat_bp,
                   func.sum(ExpensePayment.amount - ExpensePayment.vat - charged),
                   func.sum(ExpensePayment.vat))
            .join(Expense, Expense.id == ExpensePayment.expense_id)
            .where(ExpensePayment.day >= s, ExpensePayment.day < e,
                   _asset_clause(asset))
            .group_by(Expense.vat_bp)))

    declared = select(VatDeclaration.entry_id).where(VatDeclaration.entry_id.is_not(None)) \
        .union_all(select(VatReversal.entry_id).where(VatReversal.entry_id.is_not(None)))

    def ledger(account: str) -> tuple[int, int]:
        deb = func.coalesce(func.sum(case((Line.amount > 0, Line.amount), else_=0)), 0)
        cre = func.coalesce(func.sum(case((Line.amount < 0, -Line.amount), else_=0)), 0)
        row = conn.execute(select(deb, cre).where(
            Line.account == account, Line.day >= s, Line.day < e,
            Line.entry_id.not_in(declared), Line.entry_id.not_in(year_end_entries()))).one()
        return int(row[0]), int(row[1])

    d4455, c4455 = ledger(VAT_DUE)
    d34552, _c = ledger("34552")
    d34551, _c = ledger("34551")
    for into, total in ((collected, c4455), (regularised, d4455), (deductible, d34552),
                        (assets, d34551)):
        rest = total - sum(v for _b, v in into.values())
        if rest:
            into[OTHER] = (0, rest)

    shown = label or f"{start.isoformat()} – {(end - dt.timedelta(days=1)).isoformat()}"
    return VatReport(start, end, shown, "encaissement" if on_payment else "debits",
                     _rows(collected), _rows(regularised), _rows(deductible), _rows(assets))


def _asset_clause(asset: bool) -> Any:
    """Expenses booked on a fixed-asset account (class 2 but not 28/29), or the others."""
    is_asset = Expense.account.like("2%") & ~Expense.account.like("28%") \
        & ~Expense.account.like("29%")
    return is_asset if asset else ~is_asset
