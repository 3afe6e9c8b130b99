"""user areas: an editor limited to some areas (issue 15, staff per area)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03

``user_areas`` links an account to the areas it looks after. An editor with no row
sees the whole site, as before; with rows, only the relics and producers of those
areas and what hangs off them. Existing accounts get no row: nothing changes for them.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_areas",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_user_areas_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name="fk_user_areas_area_id_areas", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "area_id", name="pk_user_areas"),
    )
    op.create_index("ix_user_areas_area_id", "user_areas", ["area_id"])


def downgrade():
    op.drop_index("ix_user_areas_area_id", table_name="user_areas")
    op.drop_table("user_areas")
