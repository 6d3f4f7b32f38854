"""the member's journey (issue 18): a social file per member (mutable, kept on this machine),
the log of the stages of the path (candidat → convention → actif → sortie, with the exit's type),
the accompaniment's meetings and workshops with their attendance (insert-only)

Revision ID: 0016
Revises: 0015
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# No ASCII apostrophe in the message: it is quoted inside the trigger's SQL.
MSG = "ECP: parcours des membres, modification et suppression interdites"
IMMUTABLE = ("member_stages", "meetings", "workshops", "workshop_attendance")


def upgrade() -> None:
    op.create_table(
        "member_profiles",
        sa.Column("member", sa.String(length=20), sa.ForeignKey("dimensions.code"),
                  nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=True),  # F | M
        sa.Column("birth_day", sa.Integer(), nullable=True),  # YYYYMMDD
        sa.Column("zone", sa.String(length=100), nullable=True),  # commune or quartier
        sa.Column("province", sa.String(length=100), nullable=True),
        sa.Column("education", sa.String(length=100), nullable=True),
        sa.Column("entry_situation", sa.String(length=100), nullable=True),
        sa.Column("prescriber", sa.String(length=100), nullable=True),
        sa.Column("turnover_target", sa.BigInteger(), nullable=True),  # centimes HT a month
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("member"),
    )
    op.create_table(
        "member_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(length=20), sa.ForeignKey("dimensions.code"),
                  nullable=False),
        sa.Column("stage", sa.String(length=12), nullable=False),  # candidat|convention|actif|sortie
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("exit_type", sa.String(length=12), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False, server_default=""),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_member_stages_member", "member_stages", ["member"])
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(length=20), sa.ForeignKey("dimensions.code"),
                  nullable=False),
        sa.Column("advisor", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.String(length=2000), nullable=False, server_default=""),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_meetings_member", "meetings", ["member"])
    op.create_table(
        "workshops",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "workshop_attendance",
        sa.Column("workshop", sa.String(length=20), sa.ForeignKey("workshops.code"),
                  nullable=False),
        sa.Column("member", sa.String(length=20), sa.ForeignKey("dimensions.code"),
                  nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("workshop", "member"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION ecp_refuse_journey() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{MSG}'; END $$")
        for t in IMMUTABLE:
            op.execute(f"CREATE TRIGGER {t}_immutable BEFORE UPDATE OR DELETE ON {t} "
                       "FOR EACH ROW EXECUTE FUNCTION ecp_refuse_journey()")
        return
    for t in IMMUTABLE:
        for ev in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {t}_no_{ev.lower()} BEFORE {ev} ON {t} "
                       f"BEGIN SELECT RAISE(ABORT, '{MSG}'); END")


def downgrade() -> None:
    for t in ("workshop_attendance", "workshops", "meetings", "member_stages",
              "member_profiles"):
        op.drop_table(t)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ecp_refuse_journey()")
