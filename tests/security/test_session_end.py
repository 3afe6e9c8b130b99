"""Sessions end when they should: a saved cookie replayed afterwards signs nobody in.

A user signs in with "stay signed in"; the session cookie and the remember-me cookie
are saved. After signing out, a new password (own or reset by an admin), another role,
deactivation, each cookie is replayed from a second client: it must not open the admin.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import select

from qrsvc import create_app
from qrsvc.admin.auth import load_user
from qrsvc.extensions import db
from qrsvc.models import User
from tests.conftest import PASSWORD, sign_in

EMAIL = "lan@district.test"
NEW_PASSWORD = "một mật khẩu mới đủ dài"


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def sign_in_remembered(client, email=EMAIL, password=PASSWORD):
    """Sign in with "stay signed in"; the answer."""
    for name in ("session", "remember_token"):
        client.delete_cookie(name)
    answer = client.post(
        "/admin/login", data={"email": email, "password": password, "remember": "y"}
    )
    assert answer.status_code == 302
    return answer


def saved_cookies(client) -> dict[str, str]:
    """The session and remember-me cookies the browser holds, as a thief would copy them."""
    return {name: client.get_cookie(name).value for name in ("session", "remember_token")}


def opens_the_admin(app, name: str, value: str) -> bool:
    """Replay one saved cookie from a fresh client: does it open the admin?"""
    other = app.test_client()
    other.set_cookie(name, value)
    return other.get("/admin/").status_code == 200


def replays(app, cookies) -> dict[str, bool]:
    return {name: opens_the_admin(app, name, value) for name, value in cookies.items()}


@pytest.fixture
def lan(app, client, accounts):
    """An editor signed in on ``client`` with "stay signed in", and her saved cookies."""
    user_id = accounts.create("editor", email=EMAIL)
    sign_in_remembered(client)
    cookies = saved_cookies(client)
    # Before anything happens both cookies work on their own, from anywhere.
    assert replays(app, cookies) == {"session": True, "remember_token": True}
    return user_id, cookies


@pytest.fixture
def admin(app, accounts):
    """A second browser, an administrator's."""
    accounts.create("admin", email="boss@district.test")
    browser = app.test_client()
    sign_in(browser, "boss@district.test")
    return browser


def account_form(**changes) -> dict:
    form = {
        "email": EMAIL,
        "display_name": "Chị Lan",
        "role": "editor",
        "producer_id": "",
        "password": "",
        "active": "y",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_signing_out_ends_every_session_on_every_device(app, client, lan):
    _user_id, cookies = lan
    phone = app.test_client()
    sign_in_remembered(phone)
    assert client.post("/admin/logout").status_code == 302
    assert client.get("/admin/").status_code == 302
    assert replays(app, cookies) == {"session": False, "remember_token": False}
    # The phone, signed in separately, is signed out too.
    assert phone.get("/admin/").status_code == 302
    phone.delete_cookie("session")
    assert phone.get("/admin/").status_code == 302
    # Signing in again works, and makes new cookies that work.
    sign_in_remembered(client)
    assert replays(app, saved_cookies(client)) == {"session": True, "remember_token": True}


def test_own_new_password_ends_other_sessions_and_keeps_this_one(app, client, lan):
    _user_id, cookies = lan
    changed = client.post(
        "/admin/password",
        data={"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert replays(app, cookies) == {"session": False, "remember_token": False}
    # The browser that changed it stays in, with cookies of the new version.
    assert client.get("/admin/").status_code == 200
    assert replays(app, saved_cookies(client)) == {"session": True, "remember_token": True}


def test_a_wrong_current_password_changes_nothing_and_ends_nothing(app, client, lan):
    _user_id, cookies = lan
    refused = client.post(
        "/admin/password", data={"current": "nope", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert refused.status_code == 400
    assert replays(app, cookies) == {"session": True, "remember_token": True}


@pytest.mark.parametrize(
    "changes",
    [
        {"password": NEW_PASSWORD},  # reset by an admin
        {"role": "admin"},  # another role (more rights: the new role applies at once anyway)
        {"active": None},  # deactivated (an unticked box is not sent)
    ],
    ids=["password-reset", "role-change", "deactivation"],
)
def test_an_admins_change_ends_every_session_of_the_account(app, lan, admin, changes):
    user_id, cookies = lan
    assert admin.post(f"/admin/users/{user_id}", data=account_form(**changes)).status_code == 302
    assert replays(app, cookies) == {"session": False, "remember_token": False}


def test_a_producer_moved_to_another_producer_is_signed_out(app, accounts, admin):
    user_id = accounts.create("producer", email=EMAIL, producer_ref="tu-tru")
    other = accounts.create("producer", email="x@coop.test", producer_ref="lang-nghe")
    with app.app_context():
        other_producer = db.session.get(User, other).producer_id
    browser = app.test_client()
    sign_in_remembered(browser)
    cookies = saved_cookies(browser)
    moved = account_form(role="producer", producer_id=str(other_producer))
    assert admin.post(f"/admin/users/{user_id}", data=moved).status_code == 302
    assert replays(app, cookies) == {"session": False, "remember_token": False}


def test_a_harmless_change_by_an_admin_keeps_the_sessions(app, lan, admin):
    user_id, cookies = lan
    renamed = account_form(display_name="Nguyễn Thị Lan")
    assert admin.post(f"/admin/users/{user_id}", data=renamed).status_code == 302
    assert replays(app, cookies) == {"session": True, "remember_token": True}


def test_an_admin_resetting_their_own_password_stays_signed_in_there(app, accounts):
    admin_id = accounts.create("admin", email="boss@district.test")
    browser = app.test_client()
    sign_in_remembered(browser, "boss@district.test")
    cookies = saved_cookies(browser)
    own = account_form(email="boss@district.test", role="admin", password=NEW_PASSWORD)
    assert browser.post(f"/admin/users/{admin_id}", data=own).status_code == 302
    assert browser.get("/admin/users/").status_code == 200
    assert replays(app, cookies) == {"session": False, "remember_token": False}


def test_a_refused_account_change_ends_nothing(app, lan, admin):
    user_id, cookies = lan
    clash = account_form(email="boss@district.test", password=NEW_PASSWORD, role="admin")
    assert admin.post(f"/admin/users/{user_id}", data=clash).status_code == 400
    assert replays(app, cookies) == {"session": True, "remember_token": True}


@pytest.mark.parametrize(
    "user_id",
    [
        "1",
        "1:",
        ":1",
        "1:1:1",
        "1:2",
        "²:1",
        "1:¹",
        "x:1",
        " 1:1",
        "9" * 40 + ":1",
        "1:" + "9" * 40,
        "",
    ],
)
def test_ids_of_another_shape_or_version_sign_nobody_in(app, accounts, user_id):
    accounts.create("editor", email=EMAIL)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == EMAIL))
        assert user.get_id() == "1:1" and load_user("1:1") is user
        assert load_user(user_id) is None


def test_remember_me_cookie_is_lax_http_only_and_lasts_a_month_at_most(client, accounts):
    accounts.create("editor", email=EMAIL)
    answer = sign_in_remembered(client)
    remember = next(
        c for c in answer.headers.getlist("Set-Cookie") if c.startswith("remember_token=")
    )
    attributes = {part.split("=")[0].strip().lower(): part for part in remember.split(";")}
    assert "samesite=lax" in remember.lower() and "httponly" in attributes
    expires = parsedate_to_datetime(attributes["expires"].split("=", 1)[1])
    assert expires <= datetime.now(UTC) + timedelta(days=30, minutes=1)
    assert expires >= datetime.now(UTC) + timedelta(days=29)


def test_in_production_the_remember_me_cookie_is_secure(app, tmp_path, database_url):
    # ``app`` empties the database first (PostgreSQL runs share one).
    del app
    app = create_app(
        {
            "QRSVC_ENV": "production",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "s" * 40,
            "STAMP_KEY": "k" * 40,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        },
        instance_path=str(tmp_path / "prod"),
    )
    with app.app_context():
        user = User(email=EMAIL, role="editor")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    # The production app answers its public address only (TRUSTED_HOSTS).
    answer = app.test_client().post(
        "/admin/login",
        data={"email": EMAIL, "password": PASSWORD, "remember": "y"},
        base_url="https://127.0.0.1",
    )
    assert answer.status_code == 302
    remember = next(
        c for c in answer.headers.getlist("Set-Cookie") if c.startswith("remember_token=")
    )
    assert "Secure" in remember and "SameSite=Lax" in remember
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
