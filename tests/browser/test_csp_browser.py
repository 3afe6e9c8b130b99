"""The Content-Security-Policy is strict, and the pages satisfy it in a real browser."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.models import Batch, Product

pytestmark = pytest.mark.browser


def _pages(live_server) -> list[str]:
    with live_server.app.app_context():
        product = db.session.scalar(select(Product).where(Product.gtin.is_not(None)).limit(1))
        batch = db.session.scalar(select(Batch).where(Batch.product_id == product.id).limit(1))
        trace = [f"/01/{product.gtin}", f"/01/{product.gtin}/10/{batch.lot}"]
    return ["/", "/relics", "/r/LK01", "/products", *trace, "/admin/login", "/nope"]


def test_pages_break_no_csp_rule(live_server, browser_page):
    violations: list[str] = []
    browser_page.on(
        "console",
        lambda msg: (
            violations.append(f"{browser_page.url}: {msg.text}")
            if "Content Security Policy" in msg.text
            else None
        ),
    )
    for path in _pages(live_server):
        response = browser_page.goto(live_server.url + path)
        policy = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in policy, path
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path
        # The inlined stylesheet was applied: the page is not unstyled.
        margin = browser_page.evaluate("getComputedStyle(document.body).margin")
        assert margin == "0px", (path, margin)
    assert violations == []


def test_an_injected_inline_script_is_refused(live_server, browser_page):
    browser_page.goto(live_server.url + "/r/LK01")
    ran = browser_page.evaluate(
        """() => new Promise(done => {
            window.__ran = false;
            const s = document.createElement('script');
            s.textContent = 'window.__ran = true';
            document.body.appendChild(s);
            setTimeout(() => done(window.__ran), 50);
        })"""
    )
    assert ran is False
