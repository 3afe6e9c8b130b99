"""sign tampering: a sign marked tampered until replaced; a report's photo of a code

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03

``sign_tamperings``: staff marked a relic's sign tampered (a sticker over its donation
code), by whom, when and why, and when the sign was replaced; a partial unique index
lets a relic have one open marking at a time. ``sign_reports`` gains the visitor's photo
(its stored copy), the codes read from it and how they compare with the relic's
official payment code. Existing reports have no photo: the new columns start empty.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

OPEN = sa.text("replaced_at IS NULL")


def upgrade():
    op.create_table(
        "sign_tamperings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("relic_id", sa.Integer(), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["relic_id"], ["relics.id"],
            name=op.f("fk_sign_tamperings_relic_id_relics"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["marked_by_id"], ["users.id"],
            name=op.f("fk_sign_tamperings_marked_by_id_users"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["replaced_by_id"], ["users.id"],
            name=op.f("fk_sign_tamperings_replaced_by_id_users"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_tamperings")),
    )  # fmt: skip
    with op.batch_alter_table("sign_tamperings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_tamperings_relic_id"), ["relic_id"])
        batch_op.create_index(
            "uq_sign_tamperings_open_relic", ["relic_id"], unique=True,
            sqlite_where=OPEN, postgresql_where=OPEN,
        )  # fmt: skip
    with op.batch_alter_table("sign_reports", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("photo_key", sa.String(length=255), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("photo_codes", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("payment_check", sa.String(length=10), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_sign_reports_payment_check"), ["payment_check"])


def downgrade():
    with op.batch_alter_table("sign_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_reports_payment_check"))
        batch_op.drop_column("payment_check")
        batch_op.drop_column("photo_codes")
        batch_op.drop_column("photo_key")
    with op.batch_alter_table("sign_tamperings", schema=None) as batch_op:
        batch_op.drop_index("uq_sign_tamperings_open_relic")
        batch_op.drop_index(batch_op.f("ix_sign_tamperings_relic_id"))
    op.drop_table("sign_tamperings")
