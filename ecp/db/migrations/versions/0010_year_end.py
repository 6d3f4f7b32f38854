"""year end, first part: fiscal years, the fixed-asset register (acquisitions, disposals,
depreciation runs) and the year-end inventory (values set by hand, runs posted); runs and
disposals insert-only

Revision ID: 0010
Revises: 0009
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMMUTABLE = ("asset_disposals", "depreciation_runs", "inventory_values", "inventory_runs")
MSG = "ECP: enregistrement de fin d’exercice, modification et suppression interdites"


def _stamp() -> list[sa.Column]:  # type: ignore[type-arg]
    return [sa.Column("at", sa.String(length=32), nullable=False),
            sa.Column("by", sa.String(length=100), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "fiscal_years",
        sa.Column("year", sa.Integer(), nullable=False),  # the year it is known by (its end's)
        sa.Column("start", sa.Integer(), nullable=False),  # YYYYMMDD, inclusive
        sa.Column("end", sa.Integer(), nullable=False),  # YYYYMMDD, inclusive
        sa.Column("status", sa.String(length=12), nullable=False),  # open|provisional|final
        *_stamp(),
        sa.PrimaryKeyConstraint("year"),
    )
    op.create_table(
        "assets",
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("account", sa.String(length=12), nullable=False),
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),  # acquisition (in service)
        sa.Column("cost", sa.BigInteger(), nullable=False),  # gross value HT, centimes
        sa.Column("method", sa.String(length=12), nullable=False),  # lineaire|degressif
        sa.Column("years", sa.Integer(), nullable=True),
        sa.Column("rate_bp", sa.Integer(), nullable=True),
        sa.Column("expense_id", sa.Integer(), nullable=True),
        *_stamp(),
        sa.ForeignKeyConstraint(["account"], ["accounts.code"]),
        sa.ForeignKeyConstraint(["dimension"], ["dimensions.code"]),
        sa.ForeignKeyConstraint(["expense_id"], ["expenses.id"]),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "asset_disposals",
        sa.Column("asset", sa.String(length=30), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        *_stamp(),
        sa.ForeignKeyConstraint(["asset"], ["assets.code"]),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"]),
        sa.PrimaryKeyConstraint("asset"),
    )
    op.create_table(
        "depreciation_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("asset", sa.String(length=30), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),  # this run's posting (a difference)
        sa.Column("entry_id", sa.Integer(), nullable=True),
        *_stamp(),
        sa.ForeignKeyConstraint(["asset"], ["assets.code"]),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_depreciation_runs_year", "depreciation_runs", ["year"])
    op.create_table(
        "inventory_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),  # matieres|produits
        sa.Column("value", sa.BigInteger(), nullable=False),  # centimes; the latest row wins
        sa.Column("note", sa.String(length=300), nullable=False),
        *_stamp(),
        sa.ForeignKeyConstraint(["dimension"], ["dimensions.code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "inventory_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),  # the stock valued at year end
        sa.Column("entry_id", sa.Integer(), nullable=True),
        *_stamp(),
        sa.ForeignKeyConstraint(["dimension"], ["dimensions.code"]),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_inventory_runs_year", "inventory_runs", ["year"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION ecp_refuse_year_end() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{MSG}'; END $$")
        for t in IMMUTABLE:
            op.execute(f"CREATE TRIGGER {t}_immutable BEFORE UPDATE OR DELETE ON {t} "
                       "FOR EACH ROW EXECUTE FUNCTION ecp_refuse_year_end()")
        return
    for t in IMMUTABLE:
        for ev in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {t}_no_{ev.lower()} BEFORE {ev} ON {t} "
                       f"BEGIN SELECT RAISE(ABORT, '{MSG}'); END")


def downgrade() -> None:
    for t in ("inventory_runs", "inventory_values", "depreciation_runs", "asset_disposals",
              "assets", "fiscal_years"):
        op.drop_table(t)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ecp_refuse_year_end()")
