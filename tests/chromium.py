"""The one browser of the test session: Debian's chromium driven by Playwright.

Registered for every test folder by ``tests/conftest.py`` (``pytest_plugins``), so
``tests/browser`` and ``tests/journeys`` share one instance: Playwright's sync API
cannot run twice in one process. When chromium is missing the tests that use it
fail if ``CI=true`` and are skipped with the reason otherwise; nothing is downloaded.
"""

from __future__ import annotations

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium, headless, driven by Playwright (see module doc)."""
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()
