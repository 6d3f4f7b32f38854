"""year end, second part: the closing journal (CL) and the log of year closes, reopenings,
final locks and allocations (insert-only)

Revision ID: 0012
Revises: 0011
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MSG = "ECP: journal des clôtures d’exercice, modification et suppression interdites"


def upgrade() -> None:
    op.create_table(
        "year_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),  # close|reopen|final|allocate
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("entries", sa.Text(), nullable=False),  # ids of the entries it posted, " "-sep.
        sa.Column("detail", sa.Text(), nullable=False),  # JSON: figures it was given or found
        sa.Column("head_count", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_year_events_year", "year_events", ["year"])
    journals = sa.table("journals", sa.column("code", sa.String), sa.column("name", sa.String))
    have = {r[0] for r in op.get_bind().execute(sa.select(journals.c.code))}
    if have and "CL" not in have:  # fresh books get it from the chart's seed
        op.bulk_insert(journals, [{"code": "CL", "name": "Clôture"}])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION ecp_refuse_year_event() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{MSG}'; END $$")
        op.execute("CREATE TRIGGER year_events_immutable BEFORE UPDATE OR DELETE ON year_events "
                   "FOR EACH ROW EXECUTE FUNCTION ecp_refuse_year_event()")
        return
    for ev in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER year_events_no_{ev.lower()} BEFORE {ev} ON year_events "
                   f"BEGIN SELECT RAISE(ABORT, '{MSG}'); END")


def downgrade() -> None:
    op.drop_table("year_events")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ecp_refuse_year_event()")
