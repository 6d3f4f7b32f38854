"""index entries.reverses: find an entry's reversal without scanning the entries

Revision ID: 0002
Revises: 0001
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_entries_reverses", "entries", ["reverses"])


def downgrade() -> None:
    op.drop_index("ix_entries_reverses", table_name="entries")
