"""documents in the members' languages and invoices that state their own terms: the language
of members and customers (fr | ar), and on drafts the operation date, the customer's order
reference, agreed terms beyond 60 days and a line's exemption code (issued documents keep them
in their frozen view)

Revision ID: 0013
Revises: 0012
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN (no table rebuild: the tables keep their triggers)
    for table in ("dimensions", "parties"):
        op.add_column(table, sa.Column("language", sa.String(length=2), nullable=False,
                                       server_default="fr"))
    op.add_column("drafts", sa.Column("operation_day", sa.Integer(), nullable=True))
    op.add_column("drafts", sa.Column("order_ref", sa.String(length=60), nullable=True))
    op.add_column("drafts", sa.Column("agreed_terms", sa.Integer(), nullable=False,
                                      server_default="0"))
    op.add_column("draft_lines", sa.Column("exemption", sa.String(length=20), nullable=True))


def downgrade() -> None:
    op.drop_column("draft_lines", "exemption")
    for column in ("agreed_terms", "order_ref", "operation_day"):
        op.drop_column("drafts", column)
    op.drop_column("parties", "language")
    op.drop_column("dimensions", "language")
