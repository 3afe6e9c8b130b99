"""A buyer's phone on the product and batch pages: readable, accessible, light, no JS needed."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.models import Batch, Product, TraceEvent
from qrsvc.trace.identifiers import batch_path, product_path

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def trace_paths(live_server) -> dict[str, str]:
    """Paths of demo records: a GTIN product, a local-path product, a batch with a timeline."""
    with live_server.app.app_context():
        published = Product.status == "published"
        with_gtin = db.session.scalar(
            select(Product).where(published, Product.gtin.is_not(None)).order_by(Product.ref)
        )
        local = db.session.scalar(
            select(Product).where(published, Product.gtin.is_(None)).order_by(Product.ref)
        )
        batch = db.session.scalar(
            select(Batch)
            .join(Batch.product)
            .join(TraceEvent, TraceEvent.batch_id == Batch.id)
            .where(published, Batch.status == "active")
            .order_by(Batch.ref)
        )
        recalled = db.session.scalar(
            select(Batch).join(Batch.product).where(published, Batch.status == "recalled")
        )
        assert with_gtin and local and batch and recalled, "the demo data has all four kinds"
        paths = {
            "product": product_path(with_gtin),
            "local": product_path(local),
            "batch": batch_path(batch),
            "recall": batch_path(recalled),
        }
        db.session.remove()
    return paths


def open_page(page, url, status=200):
    """Go to ``url``, wait for it to load, check the status."""
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == status, url
    return response


@pytest.mark.parametrize("which", ["product", "local", "batch", "recall", "list"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_serious_accessibility_violations(live_server, browser_page, trace_paths, which, lang):
    path = "/products" if which == "list" else trace_paths[which]
    status = 410 if which == "recall" else 200
    open_page(browser_page, f"{live_server.url}{path}?lang={lang}", status)
    results = Axe().run(browser_page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], serious


@pytest.mark.parametrize("which", ["product", "batch"])
def test_pages_on_a_phone(live_server, browser_page, trace_paths, which):
    requests, sizes = [], []
    browser_page.on("request", lambda request: requests.append(request.url))
    browser_page.on("response", lambda response: sizes.append(len(response.body())))
    open_page(browser_page, live_server.url + trace_paths[which])
    browser_page.wait_for_load_state("networkidle")
    assert sum(sizes) < 150 * 1024, sizes  # the first view, photo included
    assert browser_page.locator("h1").inner_text()
    assert browser_page.evaluate("document.documentElement.scrollWidth") <= 360  # reflow
    assert all(url.startswith(live_server.url) for url in requests), requests
    # One large photo above the fold; the others load lazily, as small variants.
    widths = [int(w) for w in re.findall(r"/media/\S*/w(\d+)\.", " ".join(requests))]
    assert len([w for w in widths if w > 640]) <= 1, widths
    images = browser_page.locator("main img")
    assert all(images.nth(i).get_attribute("loading") == "lazy" for i in range(1, images.count()))
    for target in browser_page.locator("main a").all():
        if target.is_visible():
            box = target.bounding_box()
            assert box["height"] >= 44 or box["width"] >= 44, target.inner_text()


def test_batch_timeline_and_way_back_to_the_product(live_server, browser_page, trace_paths):
    open_page(browser_page, live_server.url + trace_paths["batch"] + "?lang=en")
    steps = browser_page.locator("ol.timeline > li")
    assert steps.count() >= 1
    stamp = steps.first.locator("time").get_attribute("datetime")
    assert stamp.endswith("+07:00")
    browser_page.get_by_role("link", name="About this product").click()
    browser_page.wait_for_load_state()
    assert browser_page.url.endswith("?via=site")
    assert browser_page.locator("html").get_attribute("lang") == "en"


def test_switch_language(live_server, browser_page, trace_paths):
    open_page(browser_page, live_server.url + trace_paths["product"])
    assert browser_page.locator("article").get_attribute("lang") == "vi"
    browser_page.get_by_role("link", name="English").click()
    browser_page.wait_for_url("**lang=en**")
    assert browser_page.locator("html").get_attribute("lang") == "en"
    assert browser_page.get_by_role("heading", name="Producer").is_visible()


def test_works_without_javascript(live_server, chromium, trace_paths):
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 320, "height": 640}
    )
    try:
        page = context.new_page()
        for which, path in trace_paths.items():
            open_page(page, live_server.url + path, 410 if which == "recall" else 200)
            assert page.locator("h1").is_visible()
            assert page.locator("main").inner_text().strip()
            # 320 px wide and still no sideways scrolling.
            width = page.locator("html").bounding_box()["width"]
            assert width <= 320
    finally:
        context.close()


def test_recall_notice_comes_first(live_server, browser_page, trace_paths):
    open_page(browser_page, live_server.url + trace_paths["recall"] + "?lang=en", 410)
    alert = browser_page.get_by_role("alert")
    assert "recalled" in alert.inner_text()
    top = alert.bounding_box()["y"]
    assert top < browser_page.locator("h1").bounding_box()["y"]  # before anything else
    assert top < 740  # on the first screen of a phone


def test_linkset_is_readable_from_another_origin(live_server, browser_page, trace_paths):
    # A page of another origin (a retailer's app; here the same server under another
    # host name, on a JSON answer that carries no CSP of ours) fetching the linkset:
    # CORS allows it. (Our own HTML pages may not fetch elsewhere: CSP connect-src.)
    other_origin = live_server.url.replace("127.0.0.1", "localhost")
    browser_page.goto(other_origin + "/healthz")
    body = browser_page.evaluate(
        """async (url) => {
            const r = await fetch(url, {headers: {Accept: 'application/linkset+json'}});
            return [r.status, r.headers.get('content-type'), (await r.json()).linkset.length];
        }""",
        live_server.url + trace_paths["batch"],
    )
    assert body[0] == 200 and body[1].startswith("application/linkset+json") and body[2] == 2
