"""Migrations build the schema from empty, tear it down, and agree with the models."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from qrsvc.extensions import db
from qrsvc.models import Base
from tests.conftest import TEST_DATABASE_URL, build_app


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """An empty database of each kind (PostgreSQL: a fresh database beside the test one)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/empty.sqlite3"
        return
    if not TEST_DATABASE_URL:
        pytest.skip("PostgreSQL run: set QRSVC_TEST_DATABASE_URL (.ci/run does)")
    url = make_url(TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{url.database}_migrations"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(empty_database, tmp_path):
    app = build_app(tmp_path, empty_database)
    expected = set(Base.metadata.tables)
    with app.app_context():
        upgrade()
    assert _tables(app) == expected
    with app.app_context():
        downgrade(revision="base")
    assert _tables(app) == set()
    with app.app_context():
        upgrade()
        diff = compare_metadata(MigrationContext.configure(db.engine.connect()), Base.metadata)
        db.engine.dispose()
    assert _tables(app) == expected
    # Models and migrations describe the same schema: nothing left to autogenerate.
    assert diff == []


def test_stamps_scanned_before_0007_keep_their_copied_code_check(empty_database, tmp_path):
    """Who scanned a stamp before revision 0007 is unknown: its scans are still read."""
    from qrsvc.models import Batch
    from qrsvc.stamps.runs import allocate_run

    app = build_app(tmp_path, empty_database)
    with app.app_context():
        upgrade(revision="0006")
        # Rows of the tables later revisions add columns to are written as they were then.
        now = {"now": datetime.now(UTC)}
        producer_id = db.session.execute(
            text(
                "INSERT INTO producers (ref, name, kind, commune, commune_old, address, phone,"
                " email, website, tax_code, description, version, created_at, updated_at)"
                " VALUES ('tutru', 'HTX Bánh gai Tứ Trụ', 'household', 'Thọ Xuân', '', '', '',"
                " '', '', '', '{}', 1, :now, :now) RETURNING id"
            ),
            now,
        ).scalar_one()
        product_id = db.session.execute(
            text(
                "INSERT INTO products (producer_id, ref, name, category, description,"
                " ingredients, storage, net_content, ocop_cert_no, status, photo_ids, version,"
                " created_at, updated_at) VALUES (:producer, 'banh-gai', '{\"vi\": \"Bánh gai\"}',"
                " '', '{}', '{}', '{}', '', '', 'draft', '[]', 1, :now, :now) RETURNING id"
            ),
            {"producer": producer_id, **now},
        ).scalar_one()
        batch = Batch(ref="BG-1", product_id=product_id, lot="L1")
        db.session.add(batch)
        db.session.commit()
        run = allocate_run(db.session, batch, 5)
        db.session.execute(
            text(
                "INSERT INTO stamp_states (serial, run_id, scan_count, pin_failures, suspicious,"
                " alert_reason) VALUES (:serial, :run, 2, 0, false, '')"
            ),
            {"serial": run.first_serial, "run": run.id},
        )
        db.session.commit()
        db.session.remove()
        upgrade()
        several, last = db.session.execute(
            text("SELECT several_clients, last_client FROM stamp_states")
        ).one()
        db.session.remove()
        db.engine.dispose()
    assert several and last == ""
