"""reminders of overdue invoices: the log of each letter sent (relance, mise en demeure), with
the amount due that day, the penalty computed and the archived PDF's SHA-256 (insert-only)

Revision ID: 0015
Revises: 0014
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# No ASCII apostrophe in the message: it is quoted inside the trigger's SQL.
MSG = "ECP: journal des relances de factures, modification et suppression interdites"


def upgrade() -> None:
    op.create_table(
        "invoice_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice", sa.String(length=30), nullable=False),  # F-2026-000012
        sa.Column("level", sa.Integer(), nullable=False),  # 1 relance, 2 mise en demeure
        sa.Column("day", sa.Integer(), nullable=False),  # YYYYMMDD, the letter's date
        sa.Column("amount_due", sa.BigInteger(), nullable=False),  # TTC left that day
        sa.Column("days_late", sa.Integer(), nullable=False),
        sa.Column("penalty", sa.BigInteger(), nullable=True),  # None: no rate set
        sa.Column("pdf_name", sa.String(length=200), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_invoice_reminders_invoice", "invoice_reminders", ["invoice"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION ecp_refuse_reminder() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{MSG}'; END $$")
        op.execute("CREATE TRIGGER invoice_reminders_immutable BEFORE UPDATE OR DELETE ON "
                   "invoice_reminders FOR EACH ROW EXECUTE FUNCTION ecp_refuse_reminder()")
        return
    for ev in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER invoice_reminders_no_{ev.lower()} BEFORE {ev} ON "
                   f"invoice_reminders BEGIN SELECT RAISE(ABORT, '{MSG}'); END")


def downgrade() -> None:
    op.drop_table("invoice_reminders")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ecp_refuse_reminder()")
