"""bank statements: import profiles, statement lines (deduplicated by fingerprint), rules

Revision ID: 0006
Revises: 0005
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('bank_profiles',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('spec_json', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('bank_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pattern', sa.String(length=100), nullable=False),
    sa.Column('account', sa.String(length=12), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['account'], ['accounts.code'], ),
    sa.ForeignKeyConstraint(['dimension'], ['dimensions.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('bank_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=12), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('match', sa.String(length=100), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['account'], ['accounts.code'], ),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account', 'fingerprint')
    )
    op.create_index('ix_bank_lines_account_day', 'bank_lines', ['account', 'day'], unique=False)


def downgrade() -> None:
    for t in ("bank_rules", "bank_lines", "bank_profiles"):
        op.drop_table(t)
