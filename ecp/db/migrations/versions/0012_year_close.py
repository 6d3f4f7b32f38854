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
# Operations concerning earlier years (CGNC sub-accounts in 8, the CPC's second column), for
# existing books; new books get them from the chart's seed.
ACCOUNTS = (
    ("6118", "Achats de marchandises des exercices antérieurs", 6),
    ("6128", "Achats consommés de matières et fournitures des exercices antérieurs", 6),
    ("6168", "Impôts et taxes des exercices antérieurs", 6),
    ("6178", "Charges de personnel des exercices antérieurs", 6),
    ("6188", "Autres charges d'exploitation des exercices antérieurs", 6),
    ("6318", "Charges d'intérêts des exercices antérieurs", 6),
    ("6388", "Autres charges financières des exercices antérieurs", 6),
    ("7118", "Ventes de marchandises des exercices antérieurs", 7),
    ("7128", "Ventes de biens et services produits des exercices antérieurs", 7),
    ("7188", "Autres produits d'exploitation des exercices antérieurs", 7),
    ("7388", "Autres produits financiers des exercices antérieurs", 7),
)


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
    accounts = sa.table("accounts", sa.column("code", sa.String), sa.column("name", sa.String),
                        sa.column("cls", sa.Integer), sa.column("parent", sa.String),
                        sa.column("internal", sa.Integer))
    codes = {r[0] for r in op.get_bind().execute(sa.select(accounts.c.code))}
    new = [{"code": c, "name": n, "cls": k, "parent": None, "internal": 0}
           for c, n, k in ACCOUNTS if c not in codes]
    if new and codes:
        op.bulk_insert(accounts, new)
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
