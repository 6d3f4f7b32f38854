"""VAT cycle: declarations (one per period, with the figures and the entry posted), their
reversals, their payments, and refunds of customers' credit balances; all insert-only

Revision ID: 0008
Revises: 0007
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMMUTABLE = ("vat_declarations", "vat_reversals", "vat_payments", "refunds")
MSG = "ECP: déclaration ou règlement enregistré, modification et suppression interdites"


def _stamp() -> list[sa.Column]:  # type: ignore[type-arg]
    return [sa.Column("at", sa.String(length=32), nullable=False),
            sa.Column("by", sa.String(length=100), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "vat_declarations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("due", sa.BigInteger(), nullable=False),
        sa.Column("credit", sa.BigInteger(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),  # None: a « néant » return
        *_stamp(),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_vat_declarations_period", "vat_declarations", ["period"])
    op.create_table(
        "vat_reversals",
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        *_stamp(),
        sa.ForeignKeyConstraint(["declaration_id"], ["vat_declarations.id"]),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"]),
        sa.PrimaryKeyConstraint("declaration_id"),
    )
    op.create_table(
        "vat_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("penalty", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        *_stamp(),
        sa.ForeignKeyConstraint(["declaration_id"], ["vat_declarations.id"]),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_vat_payments_declaration_id", "vat_payments", ["declaration_id"])
    op.create_table(
        "refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        *_stamp(),
        sa.ForeignKeyConstraint(["customer_id"], ["parties.id"]),
        sa.ForeignKeyConstraint(["member"], ["dimensions.code"]),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_refunds_customer_id", "refunds", ["customer_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION ecp_refuse_vat() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{MSG}'; END $$")
        for t in IMMUTABLE:
            op.execute(f"CREATE TRIGGER {t}_immutable BEFORE UPDATE OR DELETE ON {t} "
                       "FOR EACH ROW EXECUTE FUNCTION ecp_refuse_vat()")
        return
    for t in IMMUTABLE:
        for ev in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {t}_no_{ev.lower()} BEFORE {ev} ON {t} "
                       f"BEGIN SELECT RAISE(ABORT, '{MSG}'); END")


def downgrade() -> None:
    for t in ("refunds", "vat_payments", "vat_reversals", "vat_declarations"):
        op.drop_table(t)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ecp_refuse_vat()")
