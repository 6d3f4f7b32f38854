"""remuneration: the route of each member (salarié of the ECP or indépendant), dated; payouts
say what they are (salaire, honoraires, avance, or the former « rémunération ») with the
member's invoice reference and an advance's monthly repayment; payslips (insert-only); the
accounts the payroll and the internal contribution post to

Revision ID: 0009
Revises: 0008
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMMUTABLE = ("member_routes", "payslips")
MSG = "ECP: enregistrement de paie, modification et suppression interdites"
# (code, name, class, internal): inserted when missing, as the chart's seed would
ACCOUNTS = (
    ("61678", "Autres impôts, taxes et droits assimilés (taxe de formation professionnelle)",
     6, 0),
    ("61468", "Contribution aux services partagés de l'ECP (interne)", 6, 1),
    ("71248", "Contributions des membres aux services partagés (interne)", 7, 1),
)


def upgrade() -> None:
    op.create_table(
        "member_routes",
        sa.Column("member", sa.String(length=20), nullable=False),
        sa.Column("valid_from", sa.Integer(), nullable=False),
        sa.Column("route", sa.String(length=12), nullable=False),
        sa.Column("cnss", sa.String(length=20), nullable=True),
        sa.Column("dependants", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["member"], ["dimensions.code"]),
        sa.PrimaryKeyConstraint("member", "valid_from"),
    )
    op.create_table(
        "payslips",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payout_id", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(length=20), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("gross", sa.BigInteger(), nullable=False),
        sa.Column("employee_total", sa.BigInteger(), nullable=False),
        sa.Column("employer_total", sa.BigInteger(), nullable=False),
        sa.Column("taxable", sa.BigInteger(), nullable=False),
        sa.Column("ir", sa.BigInteger(), nullable=False),
        sa.Column("net", sa.BigInteger(), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("dependants", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["payout_id"], ["payouts.id"]),
        sa.ForeignKeyConstraint(["member"], ["dimensions.code"]),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("payout_id"),
    )
    op.create_index("ix_payslips_member_month", "payslips", ["member", "month"])
    op.add_column("payouts", sa.Column("kind", sa.String(length=12), nullable=False,
                                       server_default="remuneration"))
    op.add_column("payouts", sa.Column("invoice_ref", sa.String(length=100), nullable=False,
                                       server_default=""))
    op.add_column("payouts", sa.Column("repay_monthly", sa.BigInteger(), nullable=False,
                                       server_default="0"))
    accounts = sa.table("accounts", sa.column("code", sa.String), sa.column("name", sa.String),
                        sa.column("cls", sa.Integer), sa.column("parent", sa.String),
                        sa.column("internal", sa.Integer))
    bind = op.get_bind()
    have = {r[0] for r in bind.execute(sa.select(accounts.c.code))}
    new = [{"code": c, "name": n, "cls": k, "parent": None, "internal": i}
           for c, n, k, i in ACCOUNTS if c not in have]
    if new and have:  # fresh books get them from the chart's seed
        op.bulk_insert(accounts, new)
    if bind.dialect.name == "postgresql":
        op.execute("CREATE FUNCTION ecp_refuse_pay() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{MSG}'; END $$")
        for t in IMMUTABLE:
            op.execute(f"CREATE TRIGGER {t}_immutable BEFORE UPDATE OR DELETE ON {t} "
                       "FOR EACH ROW EXECUTE FUNCTION ecp_refuse_pay()")
        return
    for t in IMMUTABLE:
        for ev in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {t}_no_{ev.lower()} BEFORE {ev} ON {t} "
                       f"BEGIN SELECT RAISE(ABORT, '{MSG}'); END")


def downgrade() -> None:
    for t in ("payslips", "member_routes"):
        op.drop_table(t)
    for c in ("repay_monthly", "invoice_ref", "kind"):
        op.drop_column("payouts", c)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ecp_refuse_pay()")
