"""Fixtures for browser tests, shared by every area.

``live_server``
    Session-wide: the application on a SQLite database in a temporary folder,
    migrated and loaded with the demo data (:func:`qrsvc.demo.load_demo`), served by
    werkzeug in a background thread on a free port of 127.0.0.1. Yields a
    :class:`LiveServer` with ``url`` (the base URL, no trailing slash) and ``app``
    (use ``with live_server.app.app_context():`` to look at the database).

``browser_page``
    A fresh Playwright page (own cookies, own cache, own service workers) in a phone
    profile: 360 × 740 CSS px at 2x, touch, a mobile Chrome User-Agent, Vietnamese
    locale. Closed after the test. ``browser_page.context`` can go offline.

``new_phone_context(chromium, **overrides)``
    A function, not a fixture: another fresh context with the same phone profile
    (e.g. ``java_script_enabled=False``), for tests that need several.

``chromium`` (from ``tests/chromium.py``, shared with tests/journeys)
    The browser itself (session-wide): Debian's ``/usr/bin/chromium`` launched
    headless; nothing is ever downloaded. When it is missing the tests fail if
    ``CI=true`` and are skipped with the reason otherwise.

Mark browser tests with ``@pytest.mark.browser``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from qrsvc.extensions import db
from tests.conftest import build_app, migrate

PHONE_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 11; SM-A125F) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"
)


@dataclass(frozen=True)
class LiveServer:
    """A running server: its base URL and the application behind it."""

    url: str
    app: Flask


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """The demo site served on a free port for the whole session (see module doc)."""
    from qrsvc.demo import load_demo
    from qrsvc.media import media_store_from_config

    folder: Path = tmp_path_factory.mktemp("live")
    app = build_app(
        folder,
        f"sqlite:///{folder / 'live.sqlite3'}",
        PAGE_CACHE_SECONDS=0,  # tests edit data and look again
        SCAN_FLUSH_SECONDS=0.2,
    )
    migrate(app)
    with app.app_context():
        load_demo(db.session, media_store_from_config(app.config))
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(5)
        with app.app_context():
            db.engine.dispose()


def new_phone_context(browser, **overrides):
    """A fresh browser context with the phone profile of ``browser_page`` (caller closes it)."""
    options = {
        "viewport": {"width": 360, "height": 740},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "user_agent": PHONE_USER_AGENT,
        "locale": "vi-VN",
        "service_workers": "allow",
        **overrides,
    }
    context = browser.new_context(**options)
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def browser_page(chromium):
    """A page in a fresh phone-sized context (see module doc)."""
    context = new_phone_context(chromium)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
