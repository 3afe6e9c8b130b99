"""stamps: PIN lock time and the reason a stamp needs staff attention

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("stamp_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pin_failed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("alert_reason", sa.String(length=20), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("stamp_states", schema=None) as batch_op:
        batch_op.drop_column("alert_reason")
        batch_op.drop_column("pin_failed_at")
