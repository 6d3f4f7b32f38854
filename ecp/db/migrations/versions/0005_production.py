"""production: materials, stock moves (insert-only), bills of materials, labour and shared
resources per product, capacities and days off, production orders

Revision ID: 0005
Revises: 0004
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MSG = "ECP: mouvement de stock enregistré, modification et suppression interdites"


def upgrade() -> None:
    op.create_table('resources',
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('hours_milli', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('materials',
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('member', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('cost', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['member'], ['dimensions.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_index(op.f('ix_materials_member'), 'materials', ['member'], unique=False)
    op.create_table('member_capacity',
    sa.Column('member', sa.String(length=20), nullable=False),
    sa.Column('hours_milli', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['member'], ['dimensions.code'], ),
    sa.PrimaryKeyConstraint('member')
    )
    op.create_table('member_days_off',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member', sa.String(length=20), nullable=False),
    sa.Column('first_day', sa.Integer(), nullable=False),
    sa.Column('last_day', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member'], ['dimensions.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_member_days_off_member'), 'member_days_off', ['member'], unique=False)
    op.create_table('bom_lines',
    sa.Column('product', sa.String(length=30), nullable=False),
    sa.Column('material', sa.String(length=30), nullable=False),
    sa.Column('qty_milli', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['material'], ['materials.code'], ),
    sa.ForeignKeyConstraint(['product'], ['products.code'], ),
    sa.PrimaryKeyConstraint('product', 'material')
    )
    op.create_table('product_work',
    sa.Column('product', sa.String(length=30), nullable=False),
    sa.Column('resource', sa.String(length=30), nullable=False),
    sa.Column('hours_milli', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['product'], ['products.code'], ),
    sa.PrimaryKeyConstraint('product', 'resource')
    )
    op.create_table('production_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('member', sa.String(length=20), nullable=False),
    sa.Column('product', sa.String(length=30), nullable=False),
    sa.Column('qty_milli', sa.BigInteger(), nullable=False),
    sa.Column('due_day', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('quote_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('started_day', sa.Integer(), nullable=True),
    sa.Column('done_day', sa.Integer(), nullable=True),
    sa.Column('qty_done_milli', sa.BigInteger(), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['parties.id'], ),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], ),
    sa.ForeignKeyConstraint(['member'], ['dimensions.code'], ),
    sa.ForeignKeyConstraint(['product'], ['products.code'], ),
    sa.ForeignKeyConstraint(['quote_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    op.create_index(op.f('ix_production_orders_member'), 'production_orders', ['member'], unique=False)
    op.create_table('stock_moves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member', sa.String(length=20), nullable=False),
    sa.Column('item_kind', sa.String(length=10), nullable=False),
    sa.Column('item', sa.String(length=30), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('qty_milli', sa.BigInteger(), nullable=False),
    sa.Column('unit_cost', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['member'], ['dimensions.code'], ),
    sa.ForeignKeyConstraint(['order_id'], ['production_orders.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_stock_moves_item'), 'stock_moves', ['item'], unique=False)
    op.create_index(op.f('ix_stock_moves_member'), 'stock_moves', ['member'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION ecp_refuse_stock() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{MSG}'; END $$")
        op.execute("CREATE TRIGGER stock_moves_immutable BEFORE UPDATE OR DELETE ON stock_moves "
                   "FOR EACH ROW EXECUTE FUNCTION ecp_refuse_stock()")
        return
    for ev in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER stock_moves_no_{ev.lower()} BEFORE {ev} ON stock_moves "
                   f"BEGIN SELECT RAISE(ABORT, '{MSG}'); END")


def downgrade() -> None:
    for t in ("stock_moves", "production_orders", "member_days_off", "member_capacity",
              "resources", "product_work", "bom_lines", "materials"):
        op.drop_table(t)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ecp_refuse_stock()")
