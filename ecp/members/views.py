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
    language: str = "fr"  # of the member's documents: fr | ar


@dataclass(frozen=True)
class Treasury:
    """What the member may draw at a date, from the ledger on the member's dimension."""

    at: dt.date
    cash: int  # bank and cash lines of the member (5141, 5161, 3425)
    vat_due: int  # VAT due to the State not yet paid, net of deductible VAT and credit
    # (4455, 34552, 34551, then after the declaration 4456 and 3456)
    contribution_owed: int  # contributions posted and not yet transferred to the ECP (44881)
    reserve: int  # kept aside by the ECP's rule for this member
    available: int  # cash − vat_due − contribution_owed − other_owed − payroll_due − reserve
    receivables: int  # customers' invoices still due (TTC)
    payables: int  # suppliers' bills still to pay (TTC)
    # The rest of what the member owes the ECP on 44881: the start-up fund, VAT imputed through
    # the liaison, other amounts (negative: the ECP owes the member)
    other_owed: int = 0
    # Payroll posted and not yet paid: net salaries (4432), CNSS/AMO/TFP (4441), IR withheld
    # (44525) — money already spent, so not available
    payroll_due: int = 0

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
    kind: str = "remuneration"  # salaire | honoraires | avance | remuneration (before routes)
    invoice_ref: str = ""  # an independent member's own invoice


@dataclass(frozen=True)
class Receivable:
    number: str
    customer: str
    day: dt.date
    due: dt.date | None
    remaining: int
    age_days: int  # days past the due date (the invoice date when none); <= 0: « à échoir »

    @property
    def overdue(self) -> bool:
        return self.age_days > 0


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


# The categories of the statement's movements, in the order the statement prints them
MOVEMENT_CATEGORIES = ("receipts", "sales", "vat_collected", "vat_deductible", "vat_declared",
                       "vat_paid", "expenses", "contribution", "remuneration", "advances",
                       "other")


@dataclass(frozen=True)
class StatementMovement:
    """The month's lines on the member's dimension of one category and one account (and, for
    « other », one entry label), read from the ledger whichever command posted them."""

    category: str  # one of MOVEMENT_CATEGORIES
    account: str
    account_name: str
    debit: int
    credit: int
    label: str = ""  # the entries' label (category « other » only)
    # what these lines did to the available treasury (before the reserve): + in, − out
    effect: int = 0

    @property
    def amount(self) -> int:
        """Signed, debit positive (the ledger's sign)."""
        return self.debit - self.credit


@dataclass(frozen=True)
class StatementResult:
    """The member's result over a span: turnover HT − charges − contribution − remuneration
    cost (salaries, employer charges, TFP, an independent member's fees)."""

    turnover: int  # class 7 credits less debits (sales HT, net of credit notes)
    charges: int  # class 6 other than the contribution and the remuneration
    contribution: int  # 61468 (61461 before issue 14)
    remuneration: int  # 61711, 61741, 61678, 61365 invoiced by the member

    @property
    def result(self) -> int:
        return self.turnover - self.charges - self.contribution - self.remuneration


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
    # Every line of the month on the member's dimension, by category and account (ledger)
    movements: tuple[StatementMovement, ...] = field(default_factory=tuple)
    month_result: StatementResult | None = None  # the month
    year_result: StatementResult | None = None  # from 1 January to ``end``
    # The month's VAT: paid to the State (its declaration's payment day), None: still due
    vat_paid_on: dt.date | None = None
    advance_outstanding: int = 0  # solidarity advances still to repay at ``end`` (3431)
    advance_opening: int = 0  # the same the day before ``start``

    def effect(self, category: str, label: str | None = None) -> int:
        """What the category's movements (of ``label``, for « other ») did to the treasury."""
        return sum(m.effect for m in self.movements
                   if m.category == category and (label is None or m.label == label))


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
