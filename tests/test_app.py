"""The application factory, configuration, health check, errors and the CLI basics."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from qrsvc import ConfigError, admin_app, create_app
from qrsvc.config import database_uri
from qrsvc.extensions import db
from qrsvc.models import User
from tests.conftest import PASSWORD

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


# --- the admin, an application of its own mounted under /admin --------------------------


def test_the_admin_is_an_application_of_its_own_mounted_under_admin(app, client):
    admin = admin_app(app)
    assert admin is not app and admin_app(admin) is admin
    assert admin.config is app.config  # one configuration: secret key, cookies, database...
    assert isinstance(app.wsgi_app, DispatcherMiddleware)
    # Sign-in machinery is the admin's alone.
    assert hasattr(admin, "login_manager") and not hasattr(app, "login_manager")
    assert not any(r.endpoint.startswith("admin.") for r in app.url_map.iter_rules())
    assert {"admin.login", "admin.index"} <= {r.endpoint for r in admin.url_map.iter_rules()}
    # /admin without its slash still reaches the admin, which adds the slash.
    bare = client.get("/admin")
    assert bare.status_code == 308 and bare.location.endswith("/admin/")
    # The login redirect and url_for inside the admin carry the mount point.
    home = client.get("/admin/")
    assert home.status_code == 302 and home.location == "/admin/login?next=%2Fadmin%2F"
    login = client.get(home.location).get_data(as_text=True)
    assert 'href="/admin/static/css/admin.css"' in login
    css = client.get("/admin/static/css/admin.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    # A path that only starts with the same letters is the site's.
    other = client.get("/administration")
    assert other.status_code == 404 and "/admin/static/css/admin.css" not in other.text


def test_public_pages_pay_nothing_for_sign_in(app, client, accounts):
    """Signed in and remembered, a visitor's public pages neither read nor renew a cookie."""
    user_id = accounts.create("editor")
    with app.app_context():
        email = db.session.get(User, user_id).email
    for name in ("session", "remember_token"):
        client.delete_cookie(name)
    page = client.get("/admin/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    signed = client.post(
        "/admin/login",
        data={
            "email": email,
            "password": PASSWORD,
            "remember": "y",
            "csrf_token": token[1] if token else "",
        },
    )
    assert signed.status_code == 302
    remember = client.get_cookie("remember_token")
    assert remember is not None and remember.path == "/"
    assert client.get_cookie("session").path == "/"
    for path in ("/healthz", "/offline", "/api/v1/relics"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Cookie" not in response.vary, path
        assert "Set-Cookie" not in response.headers, path
    # Without its session, the remember-me cookie signs the user in again: in the admin only.
    client.delete_cookie("session")
    assert "Set-Cookie" not in client.get("/healthz").headers
    assert client.get_cookie("session") is None
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert "Cookie" in dashboard.vary and client.get_cookie("session") is not None


def test_the_admins_database_connections_go_with_the_sites(app, client, accounts):
    accounts.login("editor")
    assert client.get("/admin/").status_code == 200
    with admin_app(app).app_context():
        admin_engine = db.engine
    assert admin_engine.pool.checkedin() >= 1  # the admin's own pool served the page
    with app.app_context():
        db.engine.dispose()
    assert admin_engine.pool.checkedin() == 0


@pytest.mark.parametrize(
    "path",
    [
        "/admin/" + "x" * 5000,
        "/admin//login",
        "/admin/%2e%2e/healthz",
        "/admin/../healthz",
        "/admin%2Flogin",
        "/ADMIN/",
        "/admin/\u0111\u00e8n",
        "/admin" + "/" * 300,
        "/admin/login?next=" + "%0d%0a" * 500,
    ],
)
def test_odd_addresses_at_the_mount_point_get_a_plain_answer(client, path):
    response = client.get(path)
    assert response.status_code in (200, 302, 308, 404), path
    if response.status_code in (302, 308):
        assert response.location.startswith(("/admin/", "http://localhost/admin/")), path


def test_in_production_only_the_public_host_is_answered(tmp_path, database_url, monkeypatch):
    """A redirect werkzeug builds (here: merging the slashes of ``/r//LK01``) names the
    Host header; in production a Host that is not the site's gets 400, never a Location
    on the attacker's domain. ``QRSVC_TRUSTED_HOSTS`` adds the operator's other names."""
    monkeypatch.setenv("QRSVC_TRUSTED_HOSTS", "qr.example.vn, www.qr.example.vn")
    app = create_app(
        {
            "QRSVC_ENV": "production",
            "DATABASE_URL": database_url,
            "PUBLIC_URL": "https://qr.example.vn",
            "SECRET_KEY": "s" * 40,
            "STAMP_KEY": "k" * 40,
        },
        instance_path=str(tmp_path / "prod"),
    )
    client = app.test_client()
    for host in ("evil.example", "qr.example.vn.evil.example", "localhost"):
        answer = client.get("/r//LK01", headers={"Host": host})
        assert answer.status_code == 400, host
        assert "Location" not in answer.headers
        assert client.get("/admin/login", headers={"Host": host}).status_code == 400
    for host in ("qr.example.vn", "www.qr.example.vn", "qr.example.vn:443"):
        answer = client.get("/r//LK01", headers={"Host": host})
        assert answer.status_code == 308, host
        assert answer.headers["Location"].split("/r/")[0] in ("", f"http://{host}")
