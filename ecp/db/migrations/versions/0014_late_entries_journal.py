"""journals kept day by day: the journal RG (régularisations), where an entry dated before the
last entry of its own journal is recorded, in the order it is recorded (ecp.ledger.posting)

Revision ID: 0014
Revises: 0013
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    journals = sa.table("journals", sa.column("code", sa.String), sa.column("name", sa.String))
    have = {r[0] for r in op.get_bind().execute(sa.select(journals.c.code))}
    if have and "RG" not in have:  # fresh books get it from the chart's seed
        op.bulk_insert(journals, [{"code": "RG", "name": "Régularisations"}])


def downgrade() -> None:
    op.execute("DELETE FROM journals WHERE code = 'RG'")
