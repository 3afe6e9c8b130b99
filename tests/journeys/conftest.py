"""Fixtures for the journey tests: one walk per journey of PRODUCT.md, in a real browser.

A journey starts where its user starts: from a printed PDF. The codes in it are decoded
with an independent reader (:func:`codes_in`) and opened *exactly as decoded*, as a phone's
camera app would open them (e.g. ``HTTP://127.0.0.1:PORT/R/LK01``, upper case: QR
alphanumeric mode). For that the journeys have a site of their own, ``journey_site``: the
demo served like ``live_server`` (see ``tests/browser/conftest.py``), but with the public
URL that goes into every printed code set to the address being served (as ``make demo``
does), and with CSRF protection on, as in production. Its data is the journeys' alone, so
they can create users, change roles and edit relics without disturbing other tests.

``journey``
    A :class:`Journey`: opens phones (fresh browser contexts, phone profile) and desks
    (a staff laptop), signs staff in, takes screenshots into the test's ``tmp_path``, and
    watches every page it opened for Content-Security-Policy violations, script errors
    and console errors (:meth:`Journey.assert_clean`).

``chromium`` comes from ``tests/browser/conftest.py``: the tests are skipped with the
reason where Debian's chromium is missing, and fail instead when ``CI=true``.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from qrsvc.extensions import db
from qrsvc.generator import verify_pdf
from qrsvc.models import User
from tests.browser.conftest import LiveServer, new_phone_context
from tests.conftest import PASSWORD, build_app, migrate

#: What a laptop in the district office looks like to the admin.
DESK = {"viewport": {"width": 1100, "height": 900}, "is_mobile": False, "has_touch": False}
#: Console lines that only say the page asked for something the test made fail on purpose.
FAILED_LOAD = re.compile(r"Failed to load resource|net::ERR_INTERNET_DISCONNECTED")
#: Chromium asks every page without an icon of its own for this one.
ICON = "/favicon.ico"


@pytest.fixture(scope="session")
def journey_site(tmp_path_factory) -> Iterator[LiveServer]:
    """The demo on a free port; printed codes carry that very address (see module doc)."""
    from qrsvc.demo import load_demo
    from qrsvc.media import media_store_from_config

    folder: Path = tmp_path_factory.mktemp("journeys")
    app = build_app(
        folder,
        f"sqlite:///{folder / 'journeys.sqlite3'}",
        PAGE_CACHE_SECONDS=0,
        SCAN_FLUSH_SECONDS=0.2,
        WTF_CSRF_ENABLED=True,  # every form the journeys send carries its token
    )
    migrate(app)
    with app.app_context():
        load_demo(db.session, media_store_from_config(app.config))
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = url  # read per request: codes printed from here open here
    thread = threading.Thread(target=server.serve_forever, name="journey-site", daemon=True)
    thread.start()
    try:
        yield LiveServer(url, app)
    finally:
        server.shutdown()
        thread.join(5)
        with app.app_context():
            db.engine.dispose()


def codes_in(pdf: bytes) -> list[str]:
    """Every code printed in ``pdf``, as an independent reader (zxing-cpp) decodes them.

    :func:`verify_pdf` with nothing expected reports everything it read as unexpected.
    """
    return verify_pdf(pdf, []).unexpected


def staff_user(site: LiveServer, role: str, producer_id: int | None = None, **fields) -> str:
    """A new account of ``role`` (password ``PASSWORD``); its e-mail address."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@journey.test"
    with site.app.app_context():
        user = User(email=email, role=role, producer_id=producer_id, **fields)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        db.session.remove()
    return email


@dataclass
class Journey:
    """One user's walk: the browser contexts it opened and what their pages reported."""

    browser: object
    site: LiveServer
    shots: Path
    problems: list[str] = field(default_factory=list)
    contexts: list = field(default_factory=list)
    watched: set[int] = field(default_factory=set)
    shot_count: int = 0

    @property
    def url(self) -> str:
        """The site's base URL (no trailing slash)."""
        return self.site.url

    def _watch(self, page) -> None:
        if id(page) in self.watched:
            return
        self.watched.add(id(page))

        def on_console(message) -> None:
            text = message.text
            if "Content Security Policy" in text:
                self.problems.append(f"CSP on {page.url}: {text}")
            elif message.type == "error" and not FAILED_LOAD.search(text):
                self.problems.append(f"console error on {page.url}: {text}")

        def on_response(response) -> None:
            # A page may answer 404 on purpose (an unknown code); what it pulls in may not,
            # and no answer at all may be a server error.
            document = response.request.resource_type == "document"
            if response.status >= 500 or (
                response.status >= 400 and not document and not response.url.endswith(ICON)
            ):
                self.problems.append(f"{response.status} for {response.url} on {page.url}")

        page.on("console", on_console)
        page.on("response", on_response)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def _context(self, **options):
        context = new_phone_context(self.browser, **options)
        context.on("page", self._watch)
        self.contexts.append(context)
        return context

    def phone(self, **overrides):
        """A new page in a fresh phone (own cookies, cache, service worker)."""
        page = self._context(**overrides).new_page()
        self._watch(page)
        return page

    def desk(self, **overrides):
        """A new page in a fresh laptop-sized browser, Vietnamese, for staff."""
        page = self._context(**{**DESK, **overrides}).new_page()
        self._watch(page)
        return page

    def sign_in(self, page, email: str, password: str = PASSWORD) -> None:
        """Sign in through the login form, with the keyboard, and land on the dashboard."""
        page.goto(f"{self.url}/admin/login")
        page.locator("#email").fill(email)
        page.locator("#password").fill(password)
        page.locator("#password").press("Enter")
        page.wait_for_url(f"{self.url}/admin/")

    def shot(self, page, name: str) -> Path:
        """A full-page screenshot of what the user sees now, numbered in order."""
        self.shot_count += 1
        path = self.shots / f"{self.shot_count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def download(self, page, click) -> tuple[str, bytes]:
        """Run ``click`` (which makes ``page`` download a file): its name and content."""
        with page.expect_download() as info:
            click()
        download = info.value
        return download.suggested_filename, Path(download.path()).read_bytes()

    def assert_clean(self) -> None:
        """No page broke its CSP, threw or logged an error so far."""
        assert self.problems == [], self.problems

    def close(self) -> None:
        """Close every browser context this journey opened."""
        for context in self.contexts:
            context.close()


@pytest.fixture
def journey(chromium, journey_site, tmp_path) -> Iterator[Journey]:  # noqa: F811
    """A :class:`Journey` on ``journey_site``; screenshots go to ``tmp_path / "shots"``."""
    shots = tmp_path / "shots"
    shots.mkdir()
    walk = Journey(chromium, journey_site, shots)
    try:
        yield walk
    finally:
        walk.close()
