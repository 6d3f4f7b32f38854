"""SQLAlchemy 2 typed models.

Hot tables (entries, lines, balances) keep dates as integers ``YYYYMMDD`` and months as
``YYYYMM``: integer columns index and aggregate fast on SQLite and PostgreSQL alike, and need no
conversion on bulk insert. Money is ``BigInteger`` centimes, never ``Numeric``.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Account(Base):
    """A CGNC account. ``parent`` is the account it was opened under (None for seeded ones)."""

    __tablename__ = "accounts"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    cls: Mapped[int] = mapped_column(Integer)
    parent: Mapped[str | None] = mapped_column(ForeignKey("accounts.code"), default=None)
    internal: Mapped[int] = mapped_column(Integer, default=0)


class Dimension(Base):
    """The ECP itself (kind ``ecp``) or a member entrepreneur (kind ``member``)."""

    __tablename__ = "dimensions"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    name_ar: Mapped[str | None] = mapped_column(String(200), default=None)
    activity: Mapped[str | None] = mapped_column(String(100), default=None)
    joined_on: Mapped[int | None] = mapped_column(Integer, default=None)
    status: Mapped[str] = mapped_column(String(20), default="actif")
    contribution_bp: Mapped[int | None] = mapped_column(Integer, default=None)
    language: Mapped[str] = mapped_column(String(2), default="fr", server_default="fr")


class Journal(Base):
    __tablename__ = "journals"
    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Entry(Base):
    """A posted entry. Immutable: triggers refuse UPDATE and DELETE."""

    __tablename__ = "entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    journal: Mapped[str] = mapped_column(ForeignKey("journals.code"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    day: Mapped[int] = mapped_column(Integer, index=True)
    label: Mapped[str] = mapped_column(String(300))
    reference: Mapped[str] = mapped_column(String(100), default="")
    posted_by: Mapped[str] = mapped_column(String(100))
    posted_at: Mapped[str] = mapped_column(String(32))
    reverses: Mapped[int | None] = mapped_column(ForeignKey("entries.id"), default=None,
                                                 index=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (UniqueConstraint("journal", "fiscal_year", "number", name="uq_entry_number"),)


class Line(Base):
    """A posting line: signed centimes (debit +, credit -) on an account and a dimension."""

    __tablename__ = "lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    day: Mapped[int] = mapped_column(Integer)
    account: Mapped[str] = mapped_column(ForeignKey("accounts.code"))
    dimension: Mapped[str] = mapped_column(ForeignKey("dimensions.code"))
    amount: Mapped[int] = mapped_column(BigInteger)
    third_party: Mapped[str | None] = mapped_column(String(100), default=None)
    due_day: Mapped[int | None] = mapped_column(Integer, default=None)
    __table_args__ = (
        # Covering indexes: a ledger page and its running balance never touch the table.
        Index("ix_lines_account_day", "account", "day", "id", "amount"),
        Index("ix_lines_dim_account_day", "dimension", "account", "day", "id", "amount"),
    )


class Balance(Base):
    """Movements per account, dimension and month, kept in the posting transaction.

    ``dimension`` is ``*`` for the all-dimensions total, so the trial balance reads
    accounts × months rows, whatever the number of postings. ``verify`` checks them.
    """

    __tablename__ = "balances"
    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)
    account: Mapped[str] = mapped_column(String(12), primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    debit: Mapped[int] = mapped_column(BigInteger, default=0)
    credit: Mapped[int] = mapped_column(BigInteger, default=0)


class Period(Base):
    """A closed month, with the chain head recorded when it was closed."""

    __tablename__ = "periods"
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(10))
    head_count: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))


class PeriodEvent(Base):
    """Append-only log of closes and reopens (reopen carries its reason)."""

    __tablename__ = "period_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[str] = mapped_column(String(32))
    head_count: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))


class VatRate(Base):
    """A VAT rate and the dates it applies to (``valid_to`` exclusive, None = still valid)."""

    __tablename__ = "vat_rates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(10))
    rate_bp: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[int] = mapped_column(Integer)
    valid_to: Mapped[int | None] = mapped_column(Integer, default=None)
    label: Mapped[str] = mapped_column(String(100))


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# --- sales (issue 4) -------------------------------------------------------------------------
# Drafts are working copies, freely edited. Everything issued — documents, their lines and VAT,
# events, payments, expenses — is insert-only: triggers refuse UPDATE and DELETE, as for the
# ledger. Amounts in centimes, rates in basis points, quantities in thousandths, days YYYYMMDD.


class Party(Base):
    """A customer or a supplier of the ECP's members."""

    __tablename__ = "parties"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # customer | supplier
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    name_ar: Mapped[str | None] = mapped_column(String(200), default=None)
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    ice: Mapped[str | None] = mapped_column(String(15), default=None)
    if_number: Mapped[str | None] = mapped_column(String(20), default=None)
    rc: Mapped[str | None] = mapped_column(String(30), default=None)
    consumer: Mapped[int] = mapped_column(Integer, default=0)
    language: Mapped[str] = mapped_column(String(2), default="fr", server_default="fr")
    __table_args__ = (UniqueConstraint("kind", "code"),)


class Product(Base):
    """A member's product or service in the catalogue."""

    __tablename__ = "products"
    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    member: Mapped[str] = mapped_column(ForeignKey("dimensions.code"))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    price_ht: Mapped[int] = mapped_column(BigInteger)
    vat_bp: Mapped[int] = mapped_column(Integer)
    account: Mapped[str] = mapped_column(ForeignKey("accounts.code"))


class Draft(Base):
    """An invoice or quote being prepared: editable, no number, nothing posted."""

    __tablename__ = "drafts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # facture | devis
    member: Mapped[str] = mapped_column(ForeignKey("dimensions.code"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    day: Mapped[int] = mapped_column(Integer)
    due_day: Mapped[int | None] = mapped_column(Integer, default=None)
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), default=None)
    created_at: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(100))
    operation_day: Mapped[int | None] = mapped_column(Integer, default=None)  # delivery
    order_ref: Mapped[str | None] = mapped_column(String(60), default=None)  # customer's order
    agreed_terms: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class DraftLine(Base):
    __tablename__ = "draft_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"),
                                          index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(300))
    product: Mapped[str | None] = mapped_column(String(30), default=None)
    quantity_milli: Mapped[int] = mapped_column(BigInteger)
    unit: Mapped[str] = mapped_column(String(20), default="")
    unit_price: Mapped[int] = mapped_column(BigInteger)
    vat_bp: Mapped[int] = mapped_column(Integer)
    account: Mapped[str] = mapped_column(ForeignKey("accounts.code"))
    exemption: Mapped[str | None] = mapped_column(String(20), default=None)  # legal basis code


class Document(Base):
    """An issued invoice (facture), credit note (avoir) or quote (devis): numbered in a
    gap-free yearly series per kind, immutable. ``view_json`` keeps the document exactly as
    issued (seller, customer and member as they were that day)."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    member: Mapped[str] = mapped_column(ForeignKey("dimensions.code"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    day: Mapped[int] = mapped_column(Integer)
    due_day: Mapped[int | None] = mapped_column(Integer, default=None)
    related_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), default=None,
                                                   index=True)
    total_ht: Mapped[int] = mapped_column(BigInteger)
    total_vat: Mapped[int] = mapped_column(BigInteger)
    total_ttc: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id"), default=None)
    issued_at: Mapped[str] = mapped_column(String(32))
    issued_by: Mapped[str] = mapped_column(String(100))
    view_json: Mapped[str] = mapped_column(Text)
    pdf_name: Mapped[str | None] = mapped_column(String(200), default=None)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    __table_args__ = (UniqueConstraint("kind", "year", "seq"),)


class DocumentLine(Base):
    __tablename__ = "document_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(300))
    product: Mapped[str | None] = mapped_column(String(30), default=None)
    quantity_milli: Mapped[int] = mapped_column(BigInteger)
    unit: Mapped[str] = mapped_column(String(20), default="")
    unit_price: Mapped[int] = mapped_column(BigInteger)
    vat_bp: Mapped[int] = mapped_column(Integer)
    account: Mapped[str] = mapped_column(ForeignKey("accounts.code"))
    total_ht: Mapped[int] = mapped_column(BigInteger)


class DocumentVat(Base):
    """A document's VAT of one rate, on its HT total at that rate."""

    __tablename__ = "document_vat"
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    vat_bp: Mapped[int] = mapped_column(Integer, primary_key=True)
    base_ht: Mapped[int] = mapped_column(BigInteger)
    vat: Mapped[int] = mapped_column(BigInteger)


class DocumentEvent(Base):
    """What happened to an issued document after issue (a quote accepted, invoiced)."""

    __tablename__ = "document_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    day: Mapped[int] = mapped_column(Integer)
    other_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), default=None)
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class Payment(Base):
    """Money received from a customer, allocated to one or several invoices."""

    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    day: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(100), default="")
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class Allocation(Base):
    """The share of a payment (or a credit note) that settles one invoice, with the VAT it
    moved from pending (44551) to due (4455), per rate."""

    __tablename__ = "allocations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), default=None,
                                                   index=True)
    credit_note_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"),
                                                       default=None)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    day: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)


class AllocationVat(Base):
    __tablename__ = "allocation_vat"
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocations.id"), primary_key=True)
    vat_bp: Mapped[int] = mapped_column(Integer, primary_key=True)
    base_ht: Mapped[int] = mapped_column(BigInteger)
    vat: Mapped[int] = mapped_column(BigInteger)


class Expense(Base):
    """A supplier bill or expense of a member: charge HT, recoverable VAT, supplier TTC."""

    __tablename__ = "expenses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member: Mapped[str] = mapped_column(ForeignKey("dimensions.code"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    day: Mapped[int] = mapped_column(Integer)
    account: Mapped[str] = mapped_column(ForeignKey("accounts.code"))
    amount_ht: Mapped[int] = mapped_column(BigInteger)
    vat_bp: Mapped[int] = mapped_column(Integer)
    vat: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(100), default="")
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class ExpensePayment(Base):
    """Payment of an expense: supplier settled, its VAT becomes deductible (34554 -> 34552)."""

    __tablename__ = "expense_payments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    expense_id: Mapped[int] = mapped_column(ForeignKey("expenses.id"), index=True)
    day: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    vat: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


# --- the member's economy (issue 5) ---------------------------------------------------------


class Contribution(Base):
    """A run of the shared-services contribution for a member and a month: what it posted.
    Runs add up: a later run posts only the difference with what earlier ones posted."""

    __tablename__ = "contributions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member: Mapped[str] = mapped_column(ForeignKey("dimensions.code"), index=True)
    month: Mapped[int] = mapped_column(Integer)  # YYYYMM
    base: Mapped[int] = mapped_column(BigInteger)  # HT cashed (or invoiced) in the month
    rate_bp: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)  # this run's difference
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class Payout(Base):
    """A payment to a member (rémunération), or a solidarity advance beyond the treasury."""

    __tablename__ = "payouts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    member: Mapped[str] = mapped_column(ForeignKey("dimensions.code"), index=True)
    day: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(20))
    advance: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text, default="")
    available_before: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))
    pdf_name: Mapped[str | None] = mapped_column(String(200), default=None)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    # salaire | honoraires | avance | remuneration (before the routes, migration 0009)
    kind: Mapped[str] = mapped_column(String(12), default="remuneration",
                                      server_default="remuneration")
    invoice_ref: Mapped[str] = mapped_column(String(100), default="", server_default="")
    repay_monthly: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    __table_args__ = (UniqueConstraint("year", "seq"),)


class MemberRoute(Base):
    """How a member is paid from ``valid_from`` on: salarié of the ECP (payslip, CNSS, IR) or
    indépendant (invoices the ECP). Insert-only: a change of route is a new dated row."""

    __tablename__ = "member_routes"
    member: Mapped[str] = mapped_column(ForeignKey("dimensions.code"), primary_key=True)
    valid_from: Mapped[int] = mapped_column(Integer, primary_key=True)
    route: Mapped[str] = mapped_column(String(12))
    cnss: Mapped[str | None] = mapped_column(String(20), default=None)
    dependants: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class Payslip(Base):
    """The payslip of a salaried member's payout: the figures (centimes) and, in ``detail``
    (JSON), every contribution with its base and rate and the dated rules used."""

    __tablename__ = "payslips"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payout_id: Mapped[int] = mapped_column(ForeignKey("payouts.id"), unique=True)
    member: Mapped[str] = mapped_column(ForeignKey("dimensions.code"))
    month: Mapped[int] = mapped_column(Integer)  # YYYYMM
    gross: Mapped[int] = mapped_column(BigInteger)
    employee_total: Mapped[int] = mapped_column(BigInteger)
    employer_total: Mapped[int] = mapped_column(BigInteger)
    taxable: Mapped[int] = mapped_column(BigInteger)
    ir: Mapped[int] = mapped_column(BigInteger)
    net: Mapped[int] = mapped_column(BigInteger)
    cost: Mapped[int] = mapped_column(BigInteger)
    dependants: Mapped[int] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    __table_args__ = (Index("ix_payslips_member_month", "member", "month"),)


# --- production (issue 6) -------------------------------------------------------------------
# Quantities in thousandths (milli-units), hours in thousandths of an hour, costs in centimes
# per unit. Stock moves are insert-only (triggers); orders change status as work goes on.


class Material(Base):
    __tablename__ = "materials"
    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    member: Mapped[str] = mapped_column(ForeignKey("dimensions.code"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    cost: Mapped[int] = mapped_column(BigInteger, default=0)  # standard cost per unit


class StockMove(Base):
    """One movement of a material or a finished product, signed (+ in, − out)."""

    __tablename__ = "stock_moves"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member: Mapped[str] = mapped_column(ForeignKey("dimensions.code"), index=True)
    item_kind: Mapped[str] = mapped_column(String(10))  # material | product
    item: Mapped[str] = mapped_column(String(30), index=True)
    day: Mapped[int] = mapped_column(Integer)
    qty_milli: Mapped[int] = mapped_column(BigInteger)
    unit_cost: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20))  # receipt consumption adjustment production sale
    reason: Mapped[str] = mapped_column(Text, default="")
    order_id: Mapped[int | None] = mapped_column(ForeignKey("production_orders.id"), default=None)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), default=None)
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class BomLine(Base):
    __tablename__ = "bom_lines"
    product: Mapped[str] = mapped_column(ForeignKey("products.code"), primary_key=True)
    material: Mapped[str] = mapped_column(ForeignKey("materials.code"), primary_key=True)
    qty_milli: Mapped[int] = mapped_column(BigInteger)  # per unit of product


class ProductWork(Base):
    """Labour hours per unit of a product, and the shared resources it needs."""

    __tablename__ = "product_work"
    product: Mapped[str] = mapped_column(ForeignKey("products.code"), primary_key=True)
    resource: Mapped[str] = mapped_column(String(30), primary_key=True)  # "" = the member
    hours_milli: Mapped[int] = mapped_column(BigInteger)


class Resource(Base):
    """A shared resource of the ECP's workshop (four, machine à coudre…)."""

    __tablename__ = "resources"
    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    hours_milli: Mapped[int] = mapped_column(BigInteger)  # per week


class Capacity(Base):
    __tablename__ = "member_capacity"
    member: Mapped[str] = mapped_column(ForeignKey("dimensions.code"), primary_key=True)
    hours_milli: Mapped[int] = mapped_column(BigInteger)  # per week


class DayOff(Base):
    __tablename__ = "member_days_off"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member: Mapped[str] = mapped_column(ForeignKey("dimensions.code"), index=True)
    first_day: Mapped[int] = mapped_column(Integer)
    last_day: Mapped[int] = mapped_column(Integer)


class ProductionOrder(Base):
    __tablename__ = "production_orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    member: Mapped[str] = mapped_column(ForeignKey("dimensions.code"), index=True)
    product: Mapped[str] = mapped_column(ForeignKey("products.code"))
    qty_milli: Mapped[int] = mapped_column(BigInteger)
    due_day: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), default=None)
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), default=None)
    status: Mapped[str] = mapped_column(String(12), default="planned")
    started_day: Mapped[int | None] = mapped_column(Integer, default=None)
    done_day: Mapped[int | None] = mapped_column(Integer, default=None)
    qty_done_milli: Mapped[int | None] = mapped_column(BigInteger, default=None)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id"), default=None)
    created_at: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(100))


# --- bank statements (issue 7) ---------------------------------------------------------------


class BankProfile(Base):
    """How a bank's CSV export reads: columns, date format, decimals, separator, encoding."""

    __tablename__ = "bank_profiles"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    spec_json: Mapped[str] = mapped_column(Text)


class BankLine(Base):
    """A line of a bank statement: signed amount (+ money in). ``fingerprint`` makes a line
    imported twice (the same file, or overlapping statements) land once."""

    __tablename__ = "bank_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account: Mapped[str] = mapped_column(ForeignKey("accounts.code"))
    day: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)
    label: Mapped[str] = mapped_column(String(300))
    fingerprint: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | matched
    match: Mapped[str] = mapped_column(String(100), default="")  # what it was matched to
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id"), default=None)
    imported_at: Mapped[str] = mapped_column(String(32))
    __table_args__ = (UniqueConstraint("account", "fingerprint"),
                      Index("ix_bank_lines_account_day", "account", "day"))


class BankRule(Base):
    """« libellé contient CNSS → 4441 »: a line whose label contains ``pattern`` is posted
    against ``account`` on ``dimension``."""

    __tablename__ = "bank_rules"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pattern: Mapped[str] = mapped_column(String(100))
    account: Mapped[str] = mapped_column(ForeignKey("accounts.code"))
    dimension: Mapped[str] = mapped_column(ForeignKey("dimensions.code"))
    label: Mapped[str] = mapped_column(String(200), default="")


class AuditEvent(Base):
    """The audit trail: who did what when, hash-chained like the entries (``ecp.ledger.audit``).
    Insert-only: triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32), index=True)
    by: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(2000))
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


# --- the VAT cycle (issue 13) -----------------------------------------------------------------


class VatDeclaration(Base):
    """A VAT return as declared: its period (half-open days), the figures by DGI line (JSON),
    the ECP's VAT due or credit, and the entry that settled 4455/3455x against 4456/3456."""

    __tablename__ = "vat_declarations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(10), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)  # exclusive
    day: Mapped[int] = mapped_column(Integer)
    due: Mapped[int] = mapped_column(BigInteger)
    credit: Mapped[int] = mapped_column(BigInteger)
    figures: Mapped[str] = mapped_column(Text)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id"))  # None: néant
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class VatReversal(Base):
    """A declaration cancelled: the reason and the contre-passation of its entry."""

    __tablename__ = "vat_reversals"
    declaration_id: Mapped[int] = mapped_column(ForeignKey("vat_declarations.id"),
                                                primary_key=True)
    day: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(300))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id"))
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class VatPayment(Base):
    """The payment of a declared VAT (4456 -> bank), with any penalty charged."""

    __tablename__ = "vat_payments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("vat_declarations.id"), index=True)
    day: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    penalty: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(100))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class Refund(Base):
    """Money paid back to a customer out of their credit balance on a member's books."""

    __tablename__ = "refunds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    member: Mapped[str] = mapped_column(ForeignKey("dimensions.code"))
    day: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(100))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


# --- year end (issue 15) ---------------------------------------------------------------------


class FiscalYear(Base):
    """A fiscal year: its first and last day (inclusive, YYYYMMDD) and its state."""

    __tablename__ = "fiscal_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))  # open | provisional | final
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class Asset(Base):
    """A fixed asset of a dimension: its account (23xx…), cost HT, depreciation plan."""

    __tablename__ = "assets"
    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    account: Mapped[str] = mapped_column(ForeignKey("accounts.code"))
    dimension: Mapped[str] = mapped_column(ForeignKey("dimensions.code"))
    day: Mapped[int] = mapped_column(Integer)
    cost: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(12))  # lineaire | degressif
    years: Mapped[int | None] = mapped_column(Integer, default=None)
    rate_bp: Mapped[int | None] = mapped_column(Integer, default=None)
    expense_id: Mapped[int | None] = mapped_column(ForeignKey("expenses.id"), default=None)
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class AssetDisposal(Base):
    __tablename__ = "asset_disposals"
    asset: Mapped[str] = mapped_column(ForeignKey("assets.code"), primary_key=True)
    day: Mapped[int] = mapped_column(Integer)
    price: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class DepreciationRun(Base):
    """What a depreciation run posted for an asset and a year (runs add up, like the
    contribution's: a later run posts only the difference)."""

    __tablename__ = "depreciation_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    asset: Mapped[str] = mapped_column(ForeignKey("assets.code"))
    amount: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id"), default=None)
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class InventoryValue(Base):
    """A stock value set by hand at year end for a dimension (members without production
    data); the latest row of (year, dimension, kind) wins."""

    __tablename__ = "inventory_values"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    dimension: Mapped[str] = mapped_column(ForeignKey("dimensions.code"))
    kind: Mapped[str] = mapped_column(String(12))  # matieres | produits
    value: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(String(300))
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class InventoryRun(Base):
    """The year-end stock of a dimension as posted (variation entry), per kind."""

    __tablename__ = "inventory_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    dimension: Mapped[str] = mapped_column(ForeignKey("dimensions.code"))
    kind: Mapped[str] = mapped_column(String(12))
    value: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id"), default=None)
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))



class YearEvent(Base):
    """A year close, reopening, final lock or allocation: who, when, why, the entries it
    posted and the chain head just after (insert-only: the log of the year's state)."""

    __tablename__ = "year_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(12))  # close | reopen | final | allocate
    reason: Mapped[str] = mapped_column(String(500))
    entries: Mapped[str] = mapped_column(Text)  # entry ids, space-separated
    detail: Mapped[str] = mapped_column(Text)  # JSON
    head_count: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class InvoiceReminder(Base):
    """A reminder letter sent for an overdue invoice (level 1: relance, level 2: mise en
    demeure): its date, what was due that day, the penalty computed, the archived PDF.
    Insert-only: triggers refuse UPDATE and DELETE (migration 0015)."""

    __tablename__ = "invoice_reminders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice: Mapped[str] = mapped_column(String(30), index=True)
    level: Mapped[int] = mapped_column(Integer)
    day: Mapped[int] = mapped_column(Integer)
    amount_due: Mapped[int] = mapped_column(BigInteger)
    days_late: Mapped[int] = mapped_column(Integer)
    penalty: Mapped[int | None] = mapped_column(BigInteger, default=None)
    pdf_name: Mapped[str | None] = mapped_column(String(200), default=None)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class MemberProfile(Base):
    """The social file of a member (issue 18): who they are and how they came. Personal data:
    it stays on this machine; exports for anyone outside are anonymised (ecp.reports.impact)."""

    __tablename__ = "member_profiles"
    member: Mapped[str] = mapped_column(String(20), ForeignKey("dimensions.code"),
                                        primary_key=True)
    sex: Mapped[str | None] = mapped_column(String(1), default=None)
    birth_day: Mapped[int | None] = mapped_column(Integer, default=None)
    zone: Mapped[str | None] = mapped_column(String(100), default=None)
    province: Mapped[str | None] = mapped_column(String(100), default=None)
    education: Mapped[str | None] = mapped_column(String(100), default=None)
    entry_situation: Mapped[str | None] = mapped_column(String(100), default=None)
    prescriber: Mapped[str | None] = mapped_column(String(100), default=None)
    turnover_target: Mapped[int | None] = mapped_column(BigInteger, default=None)
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class MemberStage(Base):
    """A step of a member's path: candidat, convention (d'accompagnement), actif, sortie (with
    its type and reason). Insert-only (migration 0016): the stage at a date is the last one."""

    __tablename__ = "member_stages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member: Mapped[str] = mapped_column(String(20), ForeignKey("dimensions.code"), index=True)
    stage: Mapped[str] = mapped_column(String(12))
    day: Mapped[int] = mapped_column(Integer)
    exit_type: Mapped[str | None] = mapped_column(String(12), default=None)
    reason: Mapped[str] = mapped_column(String(300), default="", server_default="")
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class Meeting(Base):
    """An accompaniment appointment. Insert-only (migration 0016)."""

    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member: Mapped[str] = mapped_column(String(20), ForeignKey("dimensions.code"), index=True)
    advisor: Mapped[str] = mapped_column(String(100), default="", server_default="")
    day: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(String(2000), default="", server_default="")
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class Workshop(Base):
    """A collective workshop (atelier d'accompagnement). Insert-only (migration 0016)."""

    __tablename__ = "workshops"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    day: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))


class WorkshopAttendance(Base):
    """A member present at a workshop. Insert-only (migration 0016)."""

    __tablename__ = "workshop_attendance"
    workshop: Mapped[str] = mapped_column(String(20), ForeignKey("workshops.code"),
                                          primary_key=True)
    member: Mapped[str] = mapped_column(String(20), ForeignKey("dimensions.code"),
                                        primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(100))
