"""Every error page, in every area, styled in a real browser without breaking its policy.

The site runs here with test-only routes that fail with a chosen status (never part
of the product), so it is served by its own server rather than the shared demo one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from qrsvc import admin_app
from qrsvc.extensions import db
from qrsvc.models import User
from tests.browser.conftest import LiveServer, new_phone_context
from tests.conftest import PASSWORD, build_app, migrate
from tests.test_error_pages import CODES, TITLES, fail_with

pytestmark = pytest.mark.browser

EDITOR = "editor-errors@test.local"
AREAS = {
    "public": "/r/failing",
    "trace": "/01/failing",
    "admin": "/admin/failing",
}
#: Errors the product itself gives, by area.
REAL = {
    "public": [("/no-such-page", 404), ("/r/NO-SUCH-RELIC", 404), ("/S/NOT-A-STAMP", 404)],
    "trace": [("/01/09506000134352", 404), ("/products?page=x", 400)],
    "admin": [("/admin/relics/999999", 404), ("/admin/no-such-page", 404)],
}
#: Collects what the policy blocked, in every page the context opens.
LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e =>
    window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


@pytest.fixture(scope="module")
def failing_server(tmp_path_factory) -> Iterator[LiveServer]:
    """The site with test-only failing routes in each area, and an editor account."""
    folder = tmp_path_factory.mktemp("errors-live")
    app = build_app(
        folder,
        f"sqlite:///{folder / 'live.sqlite3'}",
        PROPAGATE_EXCEPTIONS=False,  # a bug becomes the 500 page, as in production
        PAGE_CACHE_SECONDS=0,
    )
    migrate(app)
    for path, endpoint in (
        ("/r/failing/<int:code>", "public.failing"),
        ("/01/failing/<int:code>", "resolver.failing"),
    ):
        app.add_url_rule(path, endpoint, fail_with)
    # The admin is an application of its own, mounted under /admin.
    admin_app(app).add_url_rule("/failing/<int:code>", "admin.failing", fail_with)
    with app.app_context():
        user = User(email=EDITOR, role="editor")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="errors-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(5)
        with app.app_context():
            db.engine.dispose()


def look_of(page) -> dict[str, str]:
    """The computed styles that tell a styled page from the browser's defaults."""
    return page.evaluate(
        """() => {
            const body = getComputedStyle(document.body);
            const h1 = getComputedStyle(document.querySelector('h1'));
            const link = document.querySelector('main a');
            return {margin: body.margin, font: body.fontFamily, h1: h1.fontSize,
                    link: link ? getComputedStyle(link).color : null};
        }"""
    )


@pytest.mark.parametrize("area", sorted(AREAS))
def test_every_error_page_is_styled_within_its_policy(failing_server, chromium, area):
    context = new_phone_context(chromium)
    context.add_init_script(LISTEN)
    page = context.new_page()
    console: list[str] = []
    page.on(
        "console",
        lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    try:
        if area == "admin":
            page.goto(f"{failing_server.url}/admin/login")
            page.locator("#email").fill(EDITOR)
            page.locator("#password").fill(PASSWORD)
            page.locator("#password").press("Enter")
            page.wait_for_url(f"{failing_server.url}/admin/")
        visits = [(f"{AREAS[area]}/{code}", code) for code in CODES] + REAL[area]
        for path, code in visits:
            response = page.goto(failing_server.url + path)
            assert response.status == code, path
            assert "unsafe-inline" not in response.headers["content-security-policy"], path
            look = look_of(page)
            assert look["margin"] == "0px", (path, look)  # the default is 8px
            assert "system-ui" in look["font"], (path, look)  # the default is a serif
            assert look["h1"] != "32px", (path, look)  # the default is 2em
            assert look["link"] in (None, "rgb(138, 28, 28)"), (path, look)  # the accent
            if path.startswith(AREAS[area]):  # the phone speaks Vietnamese
                assert page.locator("h1").inner_text() == TITLES["vi"][code], path
            assert page.evaluate("window.__violations") == [], path
        assert console == []
    finally:
        context.close()


def test_an_error_page_follows_the_chosen_language(failing_server, chromium):
    context = new_phone_context(chromium, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{failing_server.url}/01/failing/503")
        assert page.locator("h1").inner_text() == TITLES["en"][503]
        page.goto(f"{failing_server.url}/r/failing/404?lang=vi")
        assert page.locator("h1").inner_text() == TITLES["vi"][404]
        assert page.evaluate("document.documentElement.lang") == "vi"
    finally:
        context.close()
