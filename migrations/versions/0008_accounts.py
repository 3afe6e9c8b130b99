"""accounts: per-user session version, sign-in throttling

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    # Sessions made before this revision carry a bare user id, which no longer signs
    # anyone in: everybody signs in once more, then cookies carry "id:version".
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="1")
        )
    op.create_table(
        "signin_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("addresses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_signin_alerts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signin_alerts")),
    )
    with op.batch_alter_table("signin_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signin_alerts_last_at"), ["last_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_signin_alerts_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("signin_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signin_alerts_user_id"))
        batch_op.drop_index(batch_op.f("ix_signin_alerts_last_at"))
    op.drop_table("signin_alerts")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
