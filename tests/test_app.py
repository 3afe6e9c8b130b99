"""The application factory, configuration, health check, errors and the CLI basics."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from qrsvc import ConfigError, create_app
from qrsvc.config import database_uri

ROOT = Path(__file__).resolve().parents[1]


def test_config_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("QRSVC_PUBLIC_URL", "https://qr.thoxuan.example/")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    app = create_app(instance_path=str(tmp_path / "inst"))
    assert app.config["PUBLIC_URL"] == "https://qr.thoxuan.example"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/x.db"
    assert app.config["MEDIA_DIR"] == str(tmp_path / "inst" / "media")


def test_keys_generated_once_in_development(tmp_path, monkeypatch):
    monkeypatch.delenv("QRSVC_SECRET_KEY", raising=False)
    monkeypatch.delenv("QRSVC_STAMP_KEY", raising=False)
    first = create_app({"DATABASE_URL": ""}, instance_path=str(tmp_path))
    second = create_app({"DATABASE_URL": ""}, instance_path=str(tmp_path))
    assert len(first.config["SECRET_KEY"]) >= 40
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert first.config["STAMP_KEY"] == second.config["STAMP_KEY"]
    assert first.config["SECRET_KEY"] != first.config["STAMP_KEY"]
    mode = stat.S_IMODE((tmp_path / "stamp_key").stat().st_mode)
    assert mode == 0o600


def test_production_requires_keys(tmp_path, monkeypatch):
    monkeypatch.delenv("QRSVC_SECRET_KEY", raising=False)
    monkeypatch.delenv("QRSVC_STAMP_KEY", raising=False)
    with pytest.raises(ConfigError, match="QRSVC_SECRET_KEY must be set"):
        create_app({"QRSVC_ENV": "production"}, instance_path=str(tmp_path))
    assert not (tmp_path / "secret_key").exists()
    app = create_app(
        {"QRSVC_ENV": "production", "SECRET_KEY": "s" * 40, "STAMP_KEY": "k" * 40},
        instance_path=str(tmp_path),
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/db", "scheme 'mysql' is not supported"),
        ("not a url", "not a URL"),
        ("oracle+cx://scott:tiger@h/db", r"scheme 'oracle\+cx' is not supported"),
    ],
)
def test_bad_database_url(tmp_path, url, message):
    with pytest.raises(ConfigError, match=message):
        create_app({"DATABASE_URL": url}, instance_path=str(tmp_path))


def test_postgres_urls_use_psycopg(tmp_path):
    assert database_uri("postgres://u@h/db", tmp_path) == "postgresql+psycopg://u@h/db"
    assert database_uri("postgresql://u@h/db", tmp_path) == "postgresql+psycopg://u@h/db"


def test_unwritable_instance_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigError, match="instance folder .* is not writable"):
        create_app(instance_path=str(blocker / "instance"))


def test_bad_public_url(tmp_path):
    with pytest.raises(ConfigError, match="QRSVC_PUBLIC_URL"):
        create_app({"PUBLIC_URL": "javascript:alert(1)"}, instance_path=str(tmp_path))


def _run_cli(args, env_extra, cwd):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QRSVC_", "DATABASE_URL"))}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-c", "from qrsvc.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_URL": "mysql://h/db"}, "scheme 'mysql' is not supported"),
        ({"QRSVC_ENV": "production"}, "must be set in production mode"),
    ],
)
def test_cli_reports_bad_configuration_in_one_line(tmp_path, env, expected):
    result = _run_cli(["db", "current"], env, tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"


def test_healthz_reports_unreachable_database(tmp_path):
    # Nothing listens on port 1: the connection is refused at once.
    app = create_app(
        {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}, instance_path=str(tmp_path)
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"


def test_page_gives_503_when_database_unreachable(tmp_path):
    app = create_app(
        {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}, instance_path=str(tmp_path)
    )
    response = app.test_client().get("/api/v1/relics")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.json["error"]["status"] == 503


def test_not_found_is_html_for_browsers_and_json_for_api(client):
    page = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert page.mimetype == "text/html"
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.json["error"]["status"] == 404


def test_users_create(runner, app):
    result = runner.invoke(
        args=["users", "create", "--email", "Staff@Example.VN", "--role", "editor"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    from qrsvc.extensions import db
    from qrsvc.models import User

    with app.app_context():
        user = db.session.query(User).filter_by(email="staff@example.vn").one()
        assert user.role == "editor"
        assert user.check_password("a long enough password")
        assert not user.check_password("wrong")
        assert "a long enough password" not in user.password_hash


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--email", "x@y.vn", "--role", "editor"], "short\n", "at least 10 characters"),
        (["--email", "nobody", "--role", "editor"], "long enough pw\n", "not an e-mail"),
        (["--email", "p@y.vn", "--role", "producer"], "long enough pw\n", "needs --producer"),
        (
            ["--email", "p@y.vn", "--role", "producer", "--producer", "ghost"],
            "long enough pw\n",
            "no producer with reference",
        ),
        (["--email", "p@y.vn", "--role", "root"], "long enough pw\n", "Invalid value"),
    ],
)
def test_users_create_rejects_bad_input(runner, app, args, password, message):
    result = runner.invoke(args=["users", "create", *args], input=password)
    assert result.exit_code != 0
    assert message in result.output
    from qrsvc.extensions import db
    from qrsvc.models import User

    with app.app_context():
        assert db.session.query(User).count() == 0


def test_users_create_refuses_duplicate(runner, accounts):
    accounts.create("editor", email="dup@test.local")
    result = runner.invoke(
        args=["users", "create", "--email", "dup@test.local", "--role", "admin"],
        input="long enough pw\n",
    )
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_workers_starting_at_the_same_moment_all_boot(tmp_path):
    """Several gunicorn workers check the instance folder at once; none may fail."""
    import threading

    from qrsvc.config import _ensure_writable

    folder, failures = tmp_path / "instance", []

    def boot() -> None:
        for _ in range(200):
            try:
                _ensure_writable(folder)
            except ConfigError as exc:
                failures.append(exc)

    workers = [threading.Thread(target=boot) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    assert list(folder.iterdir()) == []  # no probe left behind
