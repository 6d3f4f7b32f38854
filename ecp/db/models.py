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
