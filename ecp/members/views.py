"""View-models of the member's economy: the monthly statement and the payout voucher. Amounts
in integer centimes, rates in basis points (1000 = 10 %), dates as ``datetime.date``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ecp.sales.views import Company


@dataclass(frozen=True)
class MemberInfo:
    code: str
    name: str
    name_ar: str | None
    activity: str | None
    contribution_bp: int  # the rate that applies (the member's, or the ECP's default)


@dataclass(frozen=True)
class Treasury:
    """What the member may draw at a date, from the ledger on the member's dimension."""

    at: dt.date
    cash: int  # bank and cash lines of the member (5141, 5161, 3425)
    vat_due: int  # VAT due to the State not yet paid, net of deductible VAT and credit
    # (4455, 34552, 34551, then after the declaration 4456 and 3456)
    contribution_owed: int  # contributions posted and not yet transferred to the ECP (44881)
    reserve: int  # kept aside by the ECP's rule for this member
    available: int  # cash − vat_due − contribution_owed − other_owed − reserve
    receivables: int  # customers' invoices still due (TTC)
    payables: int  # suppliers' bills still to pay (TTC)
    # The rest of what the member owes the ECP on 44881: the start-up fund, VAT imputed through
    # the liaison, other amounts (negative: the ECP owes the member)
    other_owed: int = 0

    @property
    def owed(self) -> int:
        """All the member owes the ECP (the member's 44881, credit positive)."""
        return self.contribution_owed + self.other_owed


@dataclass(frozen=True)
class StatementInvoice:
    number: str
    day: dt.date
    customer: str
    total_ht: int
    total_ttc: int
    kind: str = "facture"  # or "avoir" (amounts then negative)


@dataclass(frozen=True)
class StatementPayment:
    day: dt.date
    invoice: str
    customer: str
    method: str
    amount: int  # TTC received
    vat: int  # VAT it made due


@dataclass(frozen=True)
class StatementExpense:
    day: dt.date
    supplier: str
    reference: str
    amount_ht: int
    vat: int
    paid: int  # paid in the month (TTC)


@dataclass(frozen=True)
class StatementPayout:
    number: str
    day: dt.date
    method: str
    amount: int
    advance: bool
    reason: str = ""


@dataclass(frozen=True)
class Receivable:
    number: str
    customer: str
    day: dt.date
    due: dt.date | None
    remaining: int
    age_days: int  # since the invoice date


@dataclass(frozen=True)
class StatementProduction:
    """A production order of the member: done in the month, or still open at its end."""

    number: str
    product: str
    quantity_milli: int  # made (done) or ordered (open)
    due: dt.date
    status: str  # terminé, planifié, en cours
    done: dt.date | None = None
    material_cost: int = 0  # materials consumed (done orders)


@dataclass(frozen=True)
class StatementView:
    """The relevé mensuel: the ledger on the member's dimension, for one month."""

    company: Company
    member: MemberInfo
    month: str  # "2026-11"
    start: dt.date
    end: dt.date  # last day, inclusive
    opening: Treasury  # at the day before ``start``
    closing: Treasury  # at ``end``
    invoices: tuple[StatementInvoice, ...]
    payments: tuple[StatementPayment, ...]
    expenses: tuple[StatementExpense, ...]
    contribution_base: int  # HT cashed (or invoiced) in the month
    contribution_bp: int
    contribution: int  # posted for the month (all runs)
    payouts: tuple[StatementPayout, ...]
    receivables: tuple[Receivable, ...]  # still due at ``end``
    notes: tuple[str, ...] = field(default_factory=tuple)
    production: tuple[StatementProduction, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class PayoutVoucher:
    """Bon de versement of a payout or advance."""

    company: Company
    member: MemberInfo
    number: str  # "VR-2026-000001"
    day: dt.date
    amount: int
    method: str  # "virement bancaire" | "espèces"
    advance: bool
    reason: str
    available_before: int  # treasury available just before the payout
    entry: str  # ledger entry, e.g. "BQ-2026-000031"
