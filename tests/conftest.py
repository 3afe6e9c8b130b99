"""Fixtures in the spirit of Flask's tutorial: ``app``, ``client``, ``runner``, roles.

Every test gets a clean database built by the real migrations. On SQLite the
schema is migrated once into a template file that each test copies; with
``QRSVC_TEST_DATABASE_URL`` set (PostgreSQL), the schema is migrated once and
every table is emptied before each test.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text

from qrsvc import create_app
from qrsvc.extensions import db
from qrsvc.models import Base, Producer, Role, User

#: ``chromium``, one per test session, for tests/browser and tests/journeys alike.
pytest_plugins = ("tests.chromium",)


def _database_of_this_worker(url: str) -> str:
    """``url``, or under pytest-xdist a database of this worker's own beside it.

    The workers run test files side by side, and each empties every table between its
    tests: on one shared PostgreSQL database they would empty each other's. The
    worker's database is made on first use (``<name>_gw0``, ...).
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker:
        return url
    base, name = url.rsplit("/", 1)
    own = f"{name}_{worker}"
    engine = create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{own}"'))
    engine.dispose()
    return f"{base}/{own}"


TEST_DATABASE_URL = _database_of_this_worker(os.environ.get("QRSVC_TEST_DATABASE_URL", ""))
PUBLIC_URL = "http://qr.test"
PASSWORD = "correct horse battery staple"


def build_app(tmp_path: Path, database_url: str, **overrides) -> Flask:
    """An application with its instance and media folders under ``tmp_path``."""
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "PUBLIC_URL": PUBLIC_URL,
        "MEDIA_DIR": str(tmp_path / "media"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }
    config.update(overrides)
    return create_app(config, instance_path=str(tmp_path / "instance"))


def migrate(app: Flask) -> None:
    """Run the real migrations up to head."""
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        # Closing the connections checkpoints SQLite's WAL into the file we copy.
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> str:
    """A migrated database: a SQLite template file, or the PostgreSQL URL, migrated once."""
    if TEST_DATABASE_URL:
        engine = create_engine(
            TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1)
        )
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        migrate(build_app(tmp_path_factory.mktemp("migrate"), TEST_DATABASE_URL))
        return TEST_DATABASE_URL
    folder = tmp_path_factory.mktemp("template")
    template = folder / "template.sqlite3"
    migrate(build_app(folder, f"sqlite:///{template}"))
    return str(template)


def _empty_all_tables() -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change the configuration of ``app``."""
    return {}


@pytest.fixture
def database_url(tmp_path: Path, database_template: str) -> str:
    """The URL of a clean, migrated database for this test."""
    if TEST_DATABASE_URL:
        return database_template
    path = tmp_path / "qrsvc.sqlite3"
    shutil.copyfile(database_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(tmp_path: Path, database_url: str, app_config: dict) -> Iterator[Flask]:
    """The application on a clean database."""
    app = build_app(tmp_path, database_url, **app_config)
    if TEST_DATABASE_URL:
        with app.app_context():
            _empty_all_tables()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for the ``qrsvc`` commands of ``app``."""
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask):
    """The database session inside an application context."""
    with app.app_context():
        yield db.session


@dataclass
class Accounts:
    """Creates users of each role and logs a test client in as one of them."""

    app: Flask
    client: FlaskClient

    def create(self, role: str, email: str | None = None, producer_ref: str | None = None) -> int:
        """Create a user of ``role`` and return its id; a producer gets its own producer."""
        with self.app.app_context():
            producer = None
            if role == Role.PRODUCER:
                ref = producer_ref or f"p-{email or 'producer'}".split("@")[0][:40]
                producer = db.session.query(Producer).filter_by(ref=ref).one_or_none()
                if producer is None:
                    producer = Producer(ref=ref, name=f"Producer {ref}", kind="household")
                    db.session.add(producer)
            user = User(email=email or f"{role}@test.local", role=role, producer=producer)
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
            return user.id

    def login(self, role: str, **kwargs) -> int:
        """Create a user of ``role`` and log the client in as that user."""
        user_id = self.create(role, **kwargs)
        with self.app.app_context():
            email = db.session.get(User, user_id).email
        sign_in(self.client, email)
        return user_id


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    """Sign ``client`` in through the login form, as a browser does (whoever it was before)."""
    for name in ("session", "remember_token"):
        client.delete_cookie(name)
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    data = {"email": email, "password": password, "csrf_token": token[1] if token else ""}
    answer = client.post("/admin/login", data=data)
    assert answer.status_code == 302, f"signing in as {email}: {answer.status_code}"


@pytest.fixture
def accounts(app: Flask, client: FlaskClient) -> Accounts:
    """Helpers to act as an admin, an editor or a producer."""
    return Accounts(app, client)
