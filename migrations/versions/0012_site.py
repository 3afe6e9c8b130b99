"""site: the site's identity (name, region, office, contact, logo, languages) is data

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03

One row of settings (``id`` is always 1) and the history of its saves. The texts are
kept per interface language in a JSON mapping, so a new language needs no migration.
No row is written here: until ``qrsvc site init`` (or the demo, or an admin) saves
one, the site shows a neutral name.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "site_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("hotline", sa.String(length=32), nullable=False),
        sa.Column("logo_id", sa.Integer(), nullable=True),
        sa.Column("content_languages", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_site_settings_single_row")),
        sa.ForeignKeyConstraint(
            ["logo_id"],
            ["media.id"],
            name=op.f("fk_site_settings_logo_id_media"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_settings")),
    )
    op.create_table(
        "site_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_site_changes_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_changes")),
    )
    op.create_index(op.f("ix_site_changes_at"), "site_changes", ["at"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_site_changes_at"), table_name="site_changes")
    op.drop_table("site_changes")
    op.drop_table("site_settings")
