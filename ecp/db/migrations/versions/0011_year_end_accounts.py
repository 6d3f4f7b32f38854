"""year end: the accounts disposals and depreciation post to that the seeded chart lacked
(inserted for existing books; new books get them from the chart's seed)

Revision ID: 0011
Revises: 0010
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACCOUNTS = (
    ("3481", "Créances sur cessions d'immobilisations", 3, 0),
    ("6513", "Valeurs nettes d'amortissements des immobilisations corporelles cédées", 6, 0),
    ("7513", "Produits des cessions des immobilisations corporelles", 7, 0),
    ("61934", "Dotations d'exploitation aux amortissements du matériel de transport", 6, 0),
)


def upgrade() -> None:
    accounts = sa.table("accounts", sa.column("code", sa.String), sa.column("name", sa.String),
                        sa.column("cls", sa.Integer), sa.column("parent", sa.String),
                        sa.column("internal", sa.Integer))
    have = {r[0] for r in op.get_bind().execute(sa.select(accounts.c.code))}
    new = [{"code": c, "name": n, "cls": k, "parent": None, "internal": i}
           for c, n, k, i in ACCOUNTS if c not in have]
    if new and have:  # fresh books get them from the chart's seed
        op.bulk_insert(accounts, new)


def downgrade() -> None:
    """Accounts stay: a used code is never removed."""
