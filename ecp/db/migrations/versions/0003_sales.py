"""sales: customers and suppliers, catalogue, drafts, issued documents (invoices, credit notes,
quotes) with their lines, VAT and events, payments and their allocations, expenses; issued
rows are insert-only (triggers, as for the ledger)

Revision ID: 0003
Revises: 0002
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Issued is final: the database refuses to change or remove these rows, whatever client writes.
IMMUTABLE = ("documents", "document_lines", "document_vat", "document_events", "payments",
             "allocations", "allocation_vat", "expenses", "expense_payments")
MSG = "ECP: document émis, modification et suppression interdites (passer un avoir)"


def upgrade() -> None:
    op.create_table('parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_ar', sa.String(length=200), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('ice', sa.String(length=15), nullable=True),
    sa.Column('if_number', sa.String(length=20), nullable=True),
    sa.Column('rc', sa.String(length=30), nullable=True),
    sa.Column('consumer', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'code')
    )
    op.create_table('products',
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('member', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('price_ht', sa.BigInteger(), nullable=False),
    sa.Column('vat_bp', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['account'], ['accounts.code'], ),
    sa.ForeignKeyConstraint(['member'], ['dimensions.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('member', sa.String(length=20), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('due_day', sa.Integer(), nullable=True),
    sa.Column('related_id', sa.Integer(), nullable=True),
    sa.Column('total_ht', sa.BigInteger(), nullable=False),
    sa.Column('total_vat', sa.BigInteger(), nullable=False),
    sa.Column('total_ttc', sa.BigInteger(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.String(length=32), nullable=False),
    sa.Column('issued_by', sa.String(length=100), nullable=False),
    sa.Column('view_json', sa.Text(), nullable=False),
    sa.Column('pdf_name', sa.String(length=200), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['parties.id'], ),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], ),
    sa.ForeignKeyConstraint(['member'], ['dimensions.code'], ),
    sa.ForeignKeyConstraint(['related_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'year', 'seq'),
    sa.UniqueConstraint('number')
    )
    op.create_index(op.f('ix_documents_customer_id'), 'documents', ['customer_id'], unique=False)
    op.create_index(op.f('ix_documents_member'), 'documents', ['member'], unique=False)
    op.create_index(op.f('ix_documents_related_id'), 'documents', ['related_id'], unique=False)
    op.create_table('expenses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member', sa.String(length=20), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=12), nullable=False),
    sa.Column('amount_ht', sa.BigInteger(), nullable=False),
    sa.Column('vat_bp', sa.Integer(), nullable=False),
    sa.Column('vat', sa.BigInteger(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['account'], ['accounts.code'], ),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], ),
    sa.ForeignKeyConstraint(['member'], ['dimensions.code'], ),
    sa.ForeignKeyConstraint(['supplier_id'], ['parties.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_expenses_member'), 'expenses', ['member'], unique=False)
    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['parties.id'], ),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_payments_customer_id'), 'payments', ['customer_id'], unique=False)
    op.create_table('allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('credit_note_id', sa.Integer(), nullable=True),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['credit_note_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['invoice_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_allocations_invoice_id'), 'allocations', ['invoice_id'], unique=False)
    op.create_index(op.f('ix_allocations_payment_id'), 'allocations', ['payment_id'], unique=False)
    op.create_table('document_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('other_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['other_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_document_events_document_id'), 'document_events', ['document_id'], unique=False)
    op.create_table('document_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('product', sa.String(length=30), nullable=True),
    sa.Column('quantity_milli', sa.BigInteger(), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('vat_bp', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=12), nullable=False),
    sa.Column('total_ht', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['account'], ['accounts.code'], ),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_document_lines_document_id'), 'document_lines', ['document_id'], unique=False)
    op.create_table('document_vat',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('vat_bp', sa.Integer(), nullable=False),
    sa.Column('base_ht', sa.BigInteger(), nullable=False),
    sa.Column('vat', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('document_id', 'vat_bp')
    )
    op.create_table('drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('member', sa.String(length=20), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('due_day', sa.Integer(), nullable=True),
    sa.Column('quote_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['parties.id'], ),
    sa.ForeignKeyConstraint(['member'], ['dimensions.code'], ),
    sa.ForeignKeyConstraint(['quote_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('expense_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expense_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('vat', sa.BigInteger(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], ),
    sa.ForeignKeyConstraint(['expense_id'], ['expenses.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_expense_payments_expense_id'), 'expense_payments', ['expense_id'], unique=False)
    op.create_table('allocation_vat',
    sa.Column('allocation_id', sa.Integer(), nullable=False),
    sa.Column('vat_bp', sa.Integer(), nullable=False),
    sa.Column('base_ht', sa.BigInteger(), nullable=False),
    sa.Column('vat', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['allocation_id'], ['allocations.id'], ),
    sa.PrimaryKeyConstraint('allocation_id', 'vat_bp')
    )
    op.create_table('draft_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('product', sa.String(length=30), nullable=True),
    sa.Column('quantity_milli', sa.BigInteger(), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('vat_bp', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['account'], ['accounts.code'], ),
    sa.ForeignKeyConstraint(['draft_id'], ['drafts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_draft_lines_draft_id'), 'draft_lines', ['draft_id'], unique=False)
    _immutability_triggers()


def _immutability_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION ecp_refuse_issued() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{MSG}'; END $$"
        )
        for t in IMMUTABLE:
            op.execute(
                f"CREATE TRIGGER {t}_immutable BEFORE UPDATE OR DELETE ON {t} "
                "FOR EACH ROW EXECUTE FUNCTION ecp_refuse_issued()"
            )
        return
    for t in IMMUTABLE:
        for ev in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {t}_no_{ev.lower()} BEFORE {ev} ON {t} "
                f"BEGIN SELECT RAISE(ABORT, '{MSG}'); END"
            )


def downgrade() -> None:
    for t in ("expense_payments", "expenses", "allocation_vat", "allocations", "payments",
              "document_events", "document_vat", "document_lines", "draft_lines", "drafts",
              "documents", "products", "parties"):
        op.drop_table(t)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ecp_refuse_issued()")
