"""stamps: whether more than one client has scanned a stamp

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("stamp_states", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_client", sa.String(length=8), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("several_clients", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # Stamps scanned before this revision: who scanned them is not known here, so their
    # scans are read for the copied-code check as before.
    states = sa.table("stamp_states", sa.column("several_clients", sa.Boolean()))
    op.execute(states.update().values(several_clients=True))


def downgrade():
    with op.batch_alter_table("stamp_states", schema=None) as batch_op:
        batch_op.drop_column("several_clients")
        batch_op.drop_column("last_client")
