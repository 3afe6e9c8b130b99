"""Signing in and out, passwords, rate limits, CSRF and cookie settings.

This module runs with CSRF protection on (the suite turns it off elsewhere), so
every POST here carries the token a real browser would have.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from qrsvc import create_app
from qrsvc.extensions import db, limiter
from qrsvc.models import Relic, RelicTranslation, User
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English (the admin speaks Vietnamese by default)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def app_config():
    """CSRF on, as in production."""
    return {"WTF_CSRF_ENABLED": True}


def token(client, url="/admin/login") -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def sign_in(client, email, password=PASSWORD):
    return client.post(
        "/admin/login", data={"email": email, "password": password, "csrf_token": token(client)}
    )


def test_login_page_is_a_form_with_a_csrf_token(client):
    page = client.get("/admin/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="email"' in html and 'name="password"' in html and "csrf_token" in html
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Frame-Options"] == "DENY"


def test_sign_in_with_the_right_password_and_out_again(app, client, accounts):
    accounts.create("editor", email="lan@district.test")
    response = sign_in(client, "LAN@district.test ")  # email matched without case or spaces
    assert response.status_code == 302 and response.location == "/admin/"
    assert client.get("/admin/").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(User.last_login_at)) is not None
    # Signing out is a POST with a token: a link elsewhere cannot do it.
    assert client.get("/admin/logout").status_code == 405
    assert client.post("/admin/logout").status_code == 400
    out = client.post("/admin/logout", data={"csrf_token": token(client, "/admin/password")})
    assert out.status_code == 302
    assert client.get("/admin/").status_code == 302


def test_stay_signed_in_lasts_until_signing_out(app, client, accounts):
    accounts.create("editor", email="lan@district.test")
    signed_in = client.post(
        "/admin/login",
        data={
            "email": "lan@district.test",
            "password": PASSWORD,
            "remember": "y",
            "csrf_token": token(client),
        },
    )
    assert "remember_token=" in signed_in.headers["Set-Cookie"]
    client.delete_cookie("session")  # the browser was closed: only the long-lived cookie is left
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout", data={"csrf_token": token(client, "/admin/password")})
    assert client.get_cookie("remember_token") is None
    client.delete_cookie("session")
    assert client.get("/admin/").status_code == 302  # signed out means signed out


def test_answers_that_do_not_depend_on_cookies_do_not_read_the_session(client):
    # Pages in the visitor's language vary on its cookie; these do not depend on any.
    for path in ("/healthz", "/api/v1/relics", "/.well-known/gs1resolver"):
        answer = client.get(path)
        assert "Cookie" not in answer.headers.get("Vary", ""), path
        assert "Set-Cookie" not in answer.headers, path


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("lan@district.test", "wrong"),
        ("nobody@district.test", PASSWORD),
        ("' OR 1=1 --", PASSWORD),
        ("lan@district.test", "x" * 201),
        ("", ""),
    ],
)
def test_wrong_or_hostile_credentials_are_refused(client, accounts, email, password):
    accounts.create("editor", email="lan@district.test")
    response = sign_in(client, email, password)
    assert response.status_code in (400, 401)
    assert client.get("/admin/").status_code == 302


def test_disabled_accounts_cannot_sign_in(app, client, accounts):
    user_id = accounts.create("editor", email="gone@district.test")
    with app.app_context():
        db.session.get(User, user_id).is_active_account = False
        db.session.commit()
    assert sign_in(client, "gone@district.test").status_code == 401


def test_after_sign_in_only_admin_paths_are_followed(client, accounts):
    accounts.create("editor", email="lan@district.test")
    for target, expected in (
        ("/admin/relics/", "/admin/relics/"),
        ("https://evil.example/", "/admin/"),
        ("//evil.example/admin/", "/admin/"),
        ("/admin/\\evil", "/admin/"),
    ):
        response = client.post(
            f"/admin/login?next={target}",
            data={"email": "lan@district.test", "password": PASSWORD, "csrf_token": token(client)},
        )
        assert response.location == expected, target
        client.post("/admin/logout", data={"csrf_token": token(client, "/admin/password")})


def test_password_change(app, client, accounts):
    accounts.create("producer", email="coop@test.local")
    sign_in(client, "coop@test.local")
    csrf = token(client, "/admin/password")
    wrong = client.post(
        "/admin/password",
        data={
            "current": "nope",
            "new": "a new long password",
            "confirm": "a new long password",
            "csrf_token": csrf,
        },
    )
    assert wrong.status_code == 400
    short = client.post(
        "/admin/password",
        data={"current": PASSWORD, "new": "short", "confirm": "short", "csrf_token": csrf},
    )
    assert short.status_code == 400
    ok = client.post(
        "/admin/password",
        data={
            "current": PASSWORD,
            "new": "a new long password",
            "confirm": "a new long password",
            "csrf_token": csrf,
        },
    )
    assert ok.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.password_hash.startswith("scrypt:")
        assert user.check_password("a new long password") and not user.check_password(PASSWORD)


def test_a_post_without_csrf_token_is_refused_and_changes_nothing(app, client, accounts):
    accounts.login("editor")
    with app.app_context():
        relic = Relic(
            code="LK01",
            slug="lam-kinh",
            commune="Lam Sơn",
            translations=[RelicTranslation(lang="vi", name="Lam Kinh")],
        )
        db.session.add(relic)
        db.session.commit()
        rid = relic.id
    data = {
        "code": "LK01",
        "slug": "lam-kinh",
        "status": "draft",
        "rank": "national",
        "name__vi": "Hijacked",
        "commune": "Elsewhere",
        "version": "1",
    }
    for forged in ({}, {"csrf_token": "forged"}):
        response = client.post(f"/admin/relics/{rid}", data={**data, **forged})
        assert response.status_code == 400
    assert (
        client.post("/admin/relics/new", data={**data, "code": "LK02", "slug": "x"}).status_code
        == 400
    )
    with app.app_context():
        relic = db.session.get(Relic, rid)
        assert relic.commune == "Lam Sơn" and relic.version == 1
        assert db.session.scalar(select(Relic.id).where(Relic.code == "LK02")) is None
    # With the token from the page the same save goes through.
    csrf = token(client, f"/admin/relics/{rid}")
    assert client.post(f"/admin/relics/{rid}", data={**data, "csrf_token": csrf}).status_code == 302


def test_login_attempts_are_rate_limited(tmp_path, database_url):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
        },
        instance_path=str(tmp_path / "limited"),
    )
    client = app.test_client()
    with app.app_context():
        limiter.reset()
    statuses = [
        client.post("/admin/login", data={"email": f"x{i}@y.z", "password": "guess"}).status_code
        for i in range(12)
    ]
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429]
    # Pages still open: only the attempts are limited.
    assert client.get("/admin/login").status_code == 200
    with app.app_context():
        limiter.reset()


def test_production_cookies_are_secure(tmp_path, database_url):
    app = create_app(
        {
            "QRSVC_ENV": "production",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "s" * 40,
            "STAMP_KEY": "k" * 40,
        },
        instance_path=str(tmp_path / "prod"),
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_the_admin_speaks_vietnamese_by_default(app):
    plain = app.test_client()  # no Accept-Language: a district office computer
    html = plain.get("/admin/login").get_data(as_text=True)
    assert "Đăng nhập" in html and 'lang="vi"' in html
    english = plain.get("/admin/login", headers={"Accept-Language": "en-US,en;q=0.8"})
    assert "Sign in" in english.get_data(as_text=True)


# Accounts (administrators only) ------------------------------------------------------


def test_admin_creates_and_changes_accounts(app, client, accounts):
    admin_id = accounts.create("admin", email="boss@district.test")
    sign_in(client, "boss@district.test")
    with app.app_context():
        producer_id = accounts.create("producer", email="coop@x.test", producer_ref="tu-tru")
        producer_ref_id = db.session.get(User, producer_id).producer_id
    csrf = token(client, "/admin/users/new")
    new = {
        "email": "Lan@District.test",
        "display_name": "Chị Lan",
        "role": "editor",
        "producer_id": "",
        "password": "a long enough password",
        "active": "y",
        "csrf_token": csrf,
    }
    response = client.post("/admin/users/new", data=new)
    assert response.status_code == 302
    with app.app_context():
        lan = db.session.scalar(select(User).where(User.email == "lan@district.test"))
        assert lan.role == "editor" and lan.check_password("a long enough password")
    # The same email twice, a producer without producer, a short password: refused.
    for changes, message in (
        ({"email": "LAN@district.test"}, "already uses this email"),
        ({"email": "x@district.test", "role": "producer"}, "needs its producer"),
        ({"email": "y@district.test", "password": "short"}, "between 10 and 200 characters"),
        ({"email": "not an email"}, "valid email address"),
        ({"email": "z@district.test", "role": "superuser"}, "Not a valid choice"),
    ):
        response = client.post("/admin/users/new", data={**new, **changes})
        assert response.status_code == 400, changes
        assert message in response.get_data(as_text=True), changes
    # A producer account is tied to its producer.
    ok = client.post(
        "/admin/users/new",
        data={**new, "email": "p@x.test", "role": "producer", "producer_id": str(producer_ref_id)},
    )
    assert ok.status_code == 302
    # An admin cannot lock themselves out.
    mine = client.post(
        f"/admin/users/{admin_id}",
        data={**new, "email": "boss@district.test", "role": "editor", "password": ""},
    )
    assert mine.status_code == 400 and "your own administrator rights" in mine.get_data(
        as_text=True
    )
    assert client.post("/admin/users/99999", data=new).status_code == 404


def test_form_messages_are_in_vietnamese_too(app, accounts):
    plain = app.test_client()
    accounts.client = plain
    accounts.login("editor")
    csrf = token(plain, "/admin/relics/new")
    response = plain.post(
        "/admin/relics/new", data={"code": "LK01", "latitude": "abc", "csrf_token": csrf}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Mục này là bắt buộc." in html and "Không phải là số hợp lệ." in html
