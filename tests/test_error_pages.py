"""Error pages: styled within their page's policy, in the look of their area, translated.

The test app gets test-only routes (never part of the product) that fail with a chosen
status in each area: a public relic path, a Digital Link path, the admin and the API.
"""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from flask import abort
from sqlalchemy.exc import OperationalError

from qrsvc import admin_app
from qrsvc.extensions import db, limiter
from tests.conftest import build_app

CODES = (400, 403, 404, 410, 429, 500, 503)
PUBLIC_AREAS = ("/r/failing", "/01/failing")

#: Words each page must show, by status and interface language.
TITLES = {
    "vi": {
        400: "Không xử lý được yêu cầu này",
        403: "Bạn không được xem trang này",
        404: "Không tìm thấy trang",
        410: "Mục này không còn hiệu lực",
        429: "Quá nhiều yêu cầu",
        500: "Hệ thống của chúng tôi gặp lỗi",
        503: "Dịch vụ tạm thời gián đoạn",
    },
    "en": {
        400: "This request cannot be handled",
        403: "This page is not open to you",
        404: "Page not found",
        410: "This is no longer valid",
        429: "Too many requests",
        500: "Something went wrong on our side",
        503: "The service is unavailable for a moment",
    },
}
#: What werkzeug would say: English for developers, never shown to a visitor.
WERKZEUG_WORDS = ("requested URL", "server", "browser (or proxy)", "Internal Server Error")


def fail_with(code: int):
    """Fail as a view does: abort, a bug (500), or a lost database connection (503)."""
    if code == 500:
        raise RuntimeError("a bug in a view")
    if code == 503:
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("database down"))
    abort(code)


@pytest.fixture
def app_config() -> dict:
    """Unhandled exceptions become 500 pages, as in production (TESTING re-raises them)."""
    return {"PROPAGATE_EXCEPTIONS": False}


@pytest.fixture
def failing(app, client):
    """Register the test-only failing routes in each area; returns the client."""
    for path, endpoint in (
        ("/r/failing/<int:code>", "public.failing"),
        ("/01/failing/<int:code>", "resolver.failing"),
        ("/api/v1/failing/<int:code>", "api.failing"),
    ):
        app.add_url_rule(path, endpoint, fail_with)
    # The admin is an application of its own, mounted under /admin.
    admin_app(app).add_url_rule("/failing/<int:code>", "admin.failing", fail_with)
    return client


def style_src(response) -> str:
    """The style-src directive of the answer's Content-Security-Policy."""
    policy = response.headers["Content-Security-Policy"]
    return next(d for d in policy.split(";") if d.strip().startswith("style-src"))


def assert_inline_styles_allowed(response) -> None:
    """The page inlines its stylesheet and the policy allows exactly that text."""
    body = response.get_data(as_text=True)
    styles = re.findall(r"<style>(.*?)</style>", body, re.S)
    assert styles, "the page carries no stylesheet"
    directive = style_src(response)
    for text in styles:
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in directive


def assert_admin_look(response) -> None:
    """The admin's linked stylesheet, no inline style (the admin's policy allows none)."""
    body = response.get_data(as_text=True)
    assert 'href="/admin/static/css/admin.css"' in body  # the admin serves its own
    assert "<style" not in body and " style=" not in body
    assert "'self'" in style_src(response).split()


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("area", PUBLIC_AREAS)
def test_public_error_pages_are_styled_translated_and_allowed(failing, area, code):
    response = failing.get(f"{area}/{code}")
    assert response.status_code == code
    assert response.mimetype == "text/html"
    assert_inline_styles_allowed(response)
    body = response.get_data(as_text=True)
    assert f"<h1>{TITLES['vi'][code]}</h1>" in body
    assert '<html lang="vi">' in body
    assert not any(words in body for words in WERKZEUG_WORDS)


@pytest.mark.parametrize("code", CODES)
def test_public_error_pages_speak_the_visitors_language(failing, code):
    response = failing.get(f"/r/failing/{code}?lang=en")
    body = response.get_data(as_text=True)
    assert f"<h1>{TITLES['en'][code]}</h1>" in body and '<html lang="en">' in body
    by_header = failing.get(f"/01/failing/{code}", headers={"Accept-Language": "en-GB,en"})
    assert f"<h1>{TITLES['en'][code]}</h1>" in by_header.get_data(as_text=True)


@pytest.mark.parametrize("code", CODES)
def test_admin_error_pages_have_the_admin_look(failing, accounts, code):
    accounts.login("editor")
    response = failing.get(f"/admin/failing/{code}")
    assert response.status_code == code
    assert_admin_look(response)
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert f"<h1>{TITLES['vi'][code]}</h1>" in body
    assert not any(words in body for words in WERKZEUG_WORDS)
    english = failing.get(f"/admin/failing/{code}?lang=en").get_data(as_text=True)
    assert f"<h1>{TITLES['en'][code]}</h1>" in english
    # After a server error the account is not looked up again: no menu, no sign-out form.
    assert ('action="/admin/logout"' in body) is (code < 500)


def test_real_admin_errors_have_the_admin_look(failing, accounts):
    assert_admin_look(failing.get("/admin/no-such-page"))  # not signed in, no route
    accounts.login("editor")
    for path in ("/admin/relics/999999", "/admin/no-such-page", "/admin/relics/999999/x"):
        response = failing.get(path)
        assert response.status_code == 404, path
        assert_admin_look(response)
    accounts.login("producer", email="maker@test.local")
    forbidden = failing.get("/admin/users/")
    assert forbidden.status_code == 403
    assert_admin_look(forbidden)
    assert TITLES["vi"][403] in forbidden.get_data(as_text=True)


def test_real_public_errors_are_styled(failing):
    for path, code in (
        ("/no-such-page", 404),
        ("/01/09506000134352", 404),
        ("/products?page=x", 400),
        ("/relics?rank=nonsense", 400),
        ("/S/NOT-A-STAMP", 404),
    ):
        response = failing.get(path)
        assert response.status_code == code, path
        assert_inline_styles_allowed(response)


def test_a_views_own_explanation_is_kept(failing):
    body = failing.get("/products?page=x").get_data(as_text=True)
    assert "<p>Số trang phải là số nguyên từ 1 trở lên.</p>" in body
    english = failing.get("/products?page=x&lang=en").get_data(as_text=True)
    assert "<p>The page number must be a whole number from 1.</p>" in english


def test_the_database_outage_is_explained_and_retried_later(failing):
    response = failing.get("/r/failing/503")
    assert response.headers["Retry-After"] == "30"
    assert "Hiện không kết nối được cơ sở dữ liệu" in response.get_data(as_text=True)


def test_a_rate_limit_breach_is_explained_in_words(tmp_path, database_url):
    app = build_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    limited = limiter.limit("1/minute")(lambda: "ok")
    app.add_url_rule("/r/limited", "public.limited", limited)
    client = app.test_client()
    try:
        assert client.get("/r/limited").status_code == 200
        response = client.get("/r/limited")
    finally:
        limiter.reset()
        with app.app_context():
            db.engine.dispose()
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert "per 1 minute" not in body
    assert "Có quá nhiều yêu cầu từ kết nối của bạn" in body
    assert_inline_styles_allowed(response)


@pytest.mark.parametrize("code", CODES)
def test_the_api_stays_json(failing, code):
    response = failing.get(f"/api/v1/failing/{code}", headers={"Accept": "text/html"})
    assert response.status_code == code
    assert response.is_json and response.get_json()["error"]["status"] == code
    assert "<html" not in response.get_data(as_text=True)


def test_digital_link_clients_asking_for_json_get_json(failing):
    response = failing.get("/01/failing/404", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.get_json()["error"]["status"] == 404


def test_a_broken_layout_still_gives_a_styled_page(app, failing, accounts):
    """Should the layout itself fail (here a context processor), a bare page is sent."""

    def broken_after_failure():
        from flask import request

        if "failing" in request.path:
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError("database down"))
        return {}

    for each in (app, admin_app(app)):  # the site and the admin mounted in it
        each.context_processor(broken_after_failure)

    accounts.login("editor")
    for path in ("/r/failing/503", "/r/failing/404", "/admin/failing/500"):
        response = failing.get(path + "?lang=en")
        assert response.status_code == int(path.rsplit("/", 1)[1]), path
        body = response.get_data(as_text=True)
        assert body.startswith("<!doctype html>") or "<!doctype html>" in body[:300]
        assert '<html lang="en">' in body and "<h1>" in body
        assert "<header" not in body  # the bare page, not the layout that failed
        if path.startswith("/admin/"):
            assert_admin_look(response)
        else:
            assert_inline_styles_allowed(response)


@pytest.mark.parametrize(
    "path",
    [
        "/r/failing/404?lang=<script>alert(1)</script>",
        "/no-such-page/<script>alert(1)</script>",
        "/no-such-page/" + "đ" * 3000,
        "/admin/" + "x" * 5000,
        "/r/failing/404?" + "a=" + "b" * 20000,
        "/no-such-page/%00%ff%fe",
    ],
)
def test_hostile_addresses_get_an_escaped_styled_page(failing, path):
    response = failing.get(path)
    assert response.status_code in (400, 404), path
    body = response.get_data(as_text=True)
    assert "<script>alert(1)" not in body
    if path.startswith("/admin/"):
        assert_admin_look(response)
    else:
        assert_inline_styles_allowed(response)
