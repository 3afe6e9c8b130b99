"""payments: official accounts of relics and producers, verified by staff; where to buy

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03

``payment_accounts``: a relic's donation account or a producer's payment account (bank
BIN, account number, holder's name), proposed, then verified or rejected by staff; a
partial unique index lets each owner have at most one verified account. ``retail_listings``:
a producer's shops on e-commerce platforms. Both tables are new: nothing to convert.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

VERIFIED = sa.text("state = 'verified'")


def upgrade():
    op.create_table(
        "payment_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("relic_id", sa.Integer(), nullable=True),
        sa.Column("producer_id", sa.Integer(), nullable=True),
        sa.Column("bank_bin", sa.String(length=6), nullable=False),
        sa.Column("account_number", sa.String(length=19), nullable=False),
        sa.Column("holder_name", sa.String(length=50), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('proposed', 'verified', 'rejected', 'replaced')",
            name=op.f("ck_payment_accounts_state_known"),
        ),
        sa.CheckConstraint(
            "(relic_id IS NULL AND producer_id IS NOT NULL)"
            " OR (relic_id IS NOT NULL AND producer_id IS NULL)",
            name=op.f("ck_payment_accounts_one_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["relic_id"], ["relics.id"],
            name=op.f("fk_payment_accounts_relic_id_relics"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["producer_id"], ["producers.id"],
            name=op.f("fk_payment_accounts_producer_id_producers"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["users.id"],
            name=op.f("fk_payment_accounts_proposed_by_id_users"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"],
            name=op.f("fk_payment_accounts_reviewed_by_id_users"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_accounts")),
    )
    with op.batch_alter_table("payment_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_accounts_relic_id"), ["relic_id"])
        batch_op.create_index(batch_op.f("ix_payment_accounts_producer_id"), ["producer_id"])
        batch_op.create_index(batch_op.f("ix_payment_accounts_state"), ["state"])
        batch_op.create_index(
            "uq_payment_accounts_verified_relic", ["relic_id"], unique=True,
            sqlite_where=VERIFIED, postgresql_where=VERIFIED,
        )
        batch_op.create_index(
            "uq_payment_accounts_verified_producer", ["producer_id"], unique=True,
            sqlite_where=VERIFIED, postgresql_where=VERIFIED,
        )
    op.create_table(
        "retail_listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=80), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["producer_id"], ["producers.id"],
            name=op.f("fk_retail_listings_producer_id_producers"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"],
            name=op.f("fk_retail_listings_added_by_id_users"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retail_listings")),
        sa.UniqueConstraint("producer_id", "url", name=op.f("uq_retail_listings_url")),
    )
    with op.batch_alter_table("retail_listings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retail_listings_producer_id"), ["producer_id"])


def downgrade():
    with op.batch_alter_table("retail_listings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retail_listings_producer_id"))
    op.drop_table("retail_listings")
    with op.batch_alter_table("payment_accounts", schema=None) as batch_op:
        batch_op.drop_index("uq_payment_accounts_verified_producer")
        batch_op.drop_index("uq_payment_accounts_verified_relic")
        batch_op.drop_index(batch_op.f("ix_payment_accounts_state"))
        batch_op.drop_index(batch_op.f("ix_payment_accounts_producer_id"))
        batch_op.drop_index(batch_op.f("ix_payment_accounts_relic_id"))
    op.drop_table("payment_accounts")
