"""audit trail: who did what when, insert-only (triggers), hash-chained

Revision ID: 0007
Revises: 0006
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MSG = "ECP: événement de la piste d’audit enregistré, modification et suppression interdites"


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=2000), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION ecp_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{MSG}'; END $$")
        op.execute("CREATE TRIGGER audit_events_immutable BEFORE UPDATE OR DELETE ON "
                   "audit_events FOR EACH ROW EXECUTE FUNCTION ecp_refuse_audit()")
        return
    for ev in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER audit_events_no_{ev.lower()} BEFORE {ev} ON audit_events "
                   f"BEGIN SELECT RAISE(ABORT, '{MSG}'); END")


def downgrade() -> None:
    op.drop_table("audit_events")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ecp_refuse_audit()")
