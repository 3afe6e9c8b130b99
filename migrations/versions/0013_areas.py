"""areas: communes as they are since 2025 with their origins; folded search text, indexed

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03

An ``areas`` table (commune, ward or special zone: official code, name, kind, province)
and ``area_origins`` (the former communes, and their former districts, each was merged
from). Relics and producers get an optional ``area_id``. Relics, producers and products
get ``search_text``: their names folded (no accents, no case, đ = d), filled here for the
rows already stored and indexed with pg_trgm's GIN operator class on PostgreSQL (the
extension is created here). The folding is copied, not imported, so this step means the
same thing forever.
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TABLES = ("relics", "producers", "products")


def fold(text):
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold_parts(*parts):
    return " ".join(fold(" ".join(str(p) for p in parts if p)).split())[:4000]


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("province", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('commune', 'ward', 'special_zone')", name=op.f("ck_areas_kind_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_areas")),
        sa.UniqueConstraint("code", name=op.f("uq_areas_code")),
    )
    op.create_table(
        "area_origins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("former_commune", sa.String(length=120), nullable=False),
        sa.Column("former_district", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["areas.id"],
            name=op.f("fk_area_origins_area_id_areas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_origins")),
        sa.UniqueConstraint(
            "area_id", "former_commune", "former_district", name="uq_area_origins_area_commune"
        ),
    )
    with op.batch_alter_table("area_origins") as batch_op:
        batch_op.create_index(batch_op.f("ix_area_origins_area_id"), ["area_id"])
        batch_op.create_index(batch_op.f("ix_area_origins_former_district"), ["former_district"])
    for table in ("relics", "producers"):
        if postgresql:
            op.add_column(table, sa.Column("area_id", sa.Integer(), nullable=True))
            op.create_foreign_key(f"fk_{table}_area_id_areas", table, "areas", ["area_id"], ["id"])
        else:
            # SQLite adds a column with its reference in place; a batch copy of the table
            # would drop the old one, which the rows of other tables still reference.
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN area_id INTEGER"
                f" CONSTRAINT fk_{table}_area_id_areas REFERENCES areas (id)"
            )
        op.create_index(f"ix_{table}_area_id", table, ["area_id"])
    for table in TABLES:
        op.add_column(table, sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    _fill_search_text()
    for table in TABLES:
        op.create_index(
            f"ix_{table}_search_text",
            table,
            ["search_text"],
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )


def _fill_search_text():
    bind = op.get_bind()
    names = {}
    for relic_id, name, other in bind.execute(
        sa.text("SELECT relic_id, name, other_names FROM relic_translations ORDER BY lang")
    ):
        names.setdefault(relic_id, []).append(f"{name} {other}")
    update_relic = sa.text("UPDATE relics SET search_text = :t WHERE id = :i")
    for row in bind.execute(
        sa.text("SELECT id, code, commune, commune_old, district_old FROM relics")
    ).all():
        text = fold_parts(*row[1:], *names.get(row[0], []))
        bind.execute(update_relic, {"t": text, "i": row[0]})
    update_producer = sa.text("UPDATE producers SET search_text = :t WHERE id = :i")
    for row in bind.execute(
        sa.text("SELECT id, ref, name, commune, commune_old FROM producers")
    ).all():
        bind.execute(update_producer, {"t": fold_parts(*row[1:]), "i": row[0]})
    update_product = sa.text("UPDATE products SET search_text = :t WHERE id = :i")
    products = sa.table(
        "products",
        sa.column("id", sa.Integer),
        sa.column("ref", sa.String),
        sa.column("gtin", sa.String),
        sa.column("name", sa.JSON),
        sa.column("category", sa.String),
    )
    for row in bind.execute(sa.select(products)).all():
        texts = [v for v in (row.name or {}).values() if isinstance(v, str)]
        text = fold_parts(row.ref, row.gtin, *texts, row.category)
        bind.execute(update_product, {"t": text, "i": row.id})


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        op.drop_index(f"ix_{table}_search_text", table_name=table)
        op.drop_column(table, "search_text")
    for table in ("relics", "producers"):
        op.drop_index(f"ix_{table}_area_id", table_name=table)
        if postgresql:
            op.drop_constraint(f"fk_{table}_area_id_areas", table, type_="foreignkey")
            op.drop_column(table, "area_id")
        else:
            # SQLite cannot drop a referencing column in place: the table is copied, with
            # the references of other tables to it unchecked meanwhile.
            op.execute("PRAGMA foreign_keys=OFF")
            with op.batch_alter_table(table) as batch_op:
                batch_op.drop_column("area_id")
            op.execute("PRAGMA foreign_keys=ON")
    op.drop_table("area_origins")
    op.drop_table("areas")
