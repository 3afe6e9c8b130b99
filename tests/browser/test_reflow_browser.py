"""Every public page reflows at 320 CSS px with text at 200 % (WCAG 2.2, 1.4.10 and 1.4.4).

Runs against the demo site of ``live_server`` in Debian's chromium (see conftest), plus
records written for the worst case: a relic, a producer, a product and a batch whose
e-mail addresses, URLs, lots, references and names are as long as the database allows
and have nowhere to break. Text at 200 % is the root font size set to 200 % (what a
phone's "large text" setting does to rem-sized text); nothing may then stick out past
the right edge of a 320 px window, except inside a region that scrolls on its own
(a wide table).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.gs1 import gtin_check_digit
from qrsvc.models import (
    Batch,
    BatchInput,
    Festival,
    Producer,
    Product,
    Relic,
    RelicTranslation,
    Stele,
    TraceEvent,
    TraceLink,
)
from qrsvc.stamps import runs
from qrsvc.stamps.codes import make_token
from qrsvc.trace.identifiers import batch_path, product_path
from tests.browser.conftest import new_phone_context

pytestmark = pytest.mark.browser

#: The narrowest window WCAG asks for: 1280 px at 400 % zoom.
NARROW = {"width": 320, "height": 640}

# Words with nowhere to break, as long as their columns allow.
EMAIL = "van.phong.ban.quan.ly.di.tich.lich.su.va.danh.thang.cap.quoc.gia@" + (
    "so-van-hoa-the-thao-va-du-lich-tinh-thanh-hoa.gov.vn"
)
URL = "https://dulich.thanhhoa.gov.vn/" + "di-tich-lich-su-van-hoa-dac-biet-" * 6 + "lam-kinh"
WORDS = "NghìnnămvănhiếnđấtThọXuânquêhươngnhàHậuLêvàbiếtbaoanhhùnghàokiệt"  # no spaces
PHRASE = "Đình làng Xuân Giang thờ Thành hoàng và các vị tướng khởi nghĩa Lam Sơn " * 3
TABLE = (
    "| Ngày | Công đoạn | Nơi làm | Người phụ trách | Khối lượng | Ghi chú |\n"
    "|---|---|---|---|---|---|\n"
    f"| 01/03/2026 | Thu hoạch lúa nếp cái hoa vàng | Cánh đồng Xuân Giang | {WORDS} | 1.200 kg"
    f" | {URL} |\n"
    "| 05/03/2026 | Phơi và xay xát | Sân hợp tác xã | Lê Văn Tám | 1.150 kg | đạt |\n"
)
LONG_TEXT = f"{PHRASE}\n\n{WORDS} <{URL}> [{EMAIL}](mailto:{EMAIL})\n\n{TABLE}"
LONG_REF = "0-reflow-"  # sorts first: the long product heads the list of products

#: What each page must show, so that nothing passes for being absent.
SHOWN = {
    "lam kinh": ".hero img, audio, .facts, .maps .button, .timeline .step, details.stele, .gallery",
    "relic": ".facts a[href^='mailto:'], .maps, .timeline .step, details.stele table, .aka",
    "report": "fieldset .choice, textarea, #contact",
    "product": "address a[href^='mailto:'], .links a, .prose table, .facts",
    "batch": ".timeline .step, .prose table, .links li, address a[href^='mailto:']",
    "stamp": ".verdict.ok, .facts .serial",
    "copied": ".verdict.wait .evidence, .facts .serial",
    "stamp not found": ".verdict.bad",
    "offline": "main .plain a",
    "404": "main .search",
}


#: Run in the page: its width, the window's, and the outermost elements that stick out
#: past the window's right edge (not counting those inside a region that scrolls itself).
OFFENDERS_JS = """() => {
    // The layout viewport: a phone zooms out on a page too wide for it, and innerWidth
    // (the visual viewport) then grows with the page.
    const limit = document.documentElement.clientWidth + 0.5;
    const scrolls = el => {
        for (let p = el.parentElement; p; p = p.parentElement) {
            const x = getComputedStyle(p).overflowX;
            if (x === 'auto' || x === 'scroll') return true;
        }
        return false;
    };
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.className && typeof el.className === 'string'
           ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        if (!box.width || box.right <= limit || scrolls(el)) continue;
        const parent = el.parentElement.getBoundingClientRect();
        if (parent.right > limit && el.parentElement !== document.body) continue;
        const text = (el.innerText || el.getAttribute('src') || '').trim().slice(0, 40);
        out.push(`${name(el)} right=${Math.round(box.right)} "${text}"`);
    }
    return {width: document.documentElement.scrollWidth,
            window: document.documentElement.clientWidth,
            offenders: out};
}"""


def large_text(page) -> None:
    """Text at 200 %: the root font size doubled (allowed by the CSP: no style attribute
    is parsed, the CSSOM is set), and every closed section opened."""
    page.evaluate(
        """() => {
            document.documentElement.style.fontSize = '200%';
            for (const d of document.querySelectorAll('details')) d.open = true;
        }"""
    )


def assert_reflows(page, path: str, width: int = NARROW["width"]) -> None:
    """No horizontal scrolling on ``page`` (``width`` px wide), no element past its right edge."""
    large_text(page)
    found = page.evaluate(OFFENDERS_JS)
    assert found["window"] == width
    assert found["width"] <= found["window"] and found["offenders"] == [], (
        f"{path} at {found['window']} px, text 200 %: page {found['width']} px wide; "
        + "; ".join(found["offenders"][:15])
    )


def assert_shown(page, name: str) -> None:
    """Every part listed in :data:`SHOWN` for the page ``name`` is on it."""
    for selector in SHOWN[name].split(", ") if name in SHOWN else []:
        assert page.locator(selector).count(), f"{name}: no {selector}"


@pytest.fixture(scope="module")
def narrow_page(chromium):
    """A page in a 320 px wide phone context, shared by this module's tests."""
    context = new_phone_context(chromium, viewport=NARROW)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="module")
def worst_case(live_server) -> dict[str, str]:
    """Published records with the longest unbreakable texts; paths of their pages.

    Unpublished again afterwards, so that the other modules see the demo data only.
    """
    app = live_server.app
    with app.app_context():
        relic = Relic(
            code="RF01LONGCODE",
            slug="reflow-" + "x" * 100,
            rank="national",
            rank_decision_no="Q" * 60,
            commune=WORDS[:120],
            commune_old=WORDS[:120],
            district_old=WORDS[:120],
            province="Thanh Hóa",
            address=(WORDS * 4)[:255],
            latitude=19.9,
            longitude=105.4,
            opening_hours=[{"days": ["Mo", "Tu", "We"], "opens": "07:00", "closes": "17:00"}],
            fee_vnd=1_000_000_000,
            phone="+84 237 000 0000 000 000 000",
            email=EMAIL,
            status="published",
            published_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        relic.translations.append(
            RelicTranslation(
                lang="vi",
                name=(WORDS * 3)[:200],
                other_names=(WORDS * 5)[:300],
                summary=LONG_TEXT,
                history=LONG_TEXT,
                architecture=LONG_TEXT,
                worshipped=LONG_TEXT,
                directions=LONG_TEXT,
                hours_note=(WORDS * 5)[:300],
                fees_note=(URL * 3)[:300],
            )
        )
        relic.festivals = [
            Festival(
                lunar_month=8, lunar_day=22, days=3, name={"vi": WORDS}, description={"vi": URL}
            )
        ]
        relic.steles = [
            Stele(
                title={"vi": WORDS},
                han_nom="藍" * 400,
                reading=WORDS * 3,
                translation={"vi": TABLE},
            )
        ]
        producer = Producer(
            ref="reflow-producer",
            name=(WORDS * 3)[:200],
            commune=WORDS[:120],
            commune_old=WORDS[:120],
            address=(WORDS * 4)[:255],
            phone="+84 237 000 0000",
            email=EMAIL,
            website=URL[:255],
            description={"vi": LONG_TEXT},
        )
        body = "893" + "9999999" + "01"
        product = Product(
            producer=producer,
            ref=LONG_REF + "y" * 31,
            gtin="0" + body + str(gtin_check_digit("0" + body)),
            name={"vi": (WORDS * 3)[:200]},
            description={"vi": LONG_TEXT},
            ingredients={"vi": WORDS},
            storage={"vi": URL},
            shelf_life_days=365,
            net_content="N" * 60,
            ocop_stars=5,
            ocop_cert_no="C" * 60,
            ocop_cert_date=date(2025, 1, 1),
            ocop_cert_expiry=date(2099, 1, 1),
            status="published",
        )
        product.links = [
            TraceLink(link_type="gs1:pip", href=URL, title="", lang="vi"),
            TraceLink(link_type="gs1:hasRetailers", href=URL + "/shop", title=WORDS, lang="vi"),
        ]
        batch = Batch(
            ref="reflow-" + "z" * 57,
            product=product,
            lot="LOT" + "9" * 17,
            production_date=date(2026, 3, 1),
            expiry_date=date(2026, 4, 1),
            quantity=123_456_789.5,
            unit="kg",
            origin_area={"vi": WORDS},
            notes={"vi": LONG_TEXT},
        )
        batch.inputs = [BatchInput(external_ref=(WORDS * 4)[:200], quantity=1.5, unit="kg")]
        start = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
        batch.events = [
            TraceEvent(
                biz_step=step,
                event_time=start + timedelta(days=n),
                place={"vi": WORDS},
                description={"vi": f"{URL} {EMAIL} {WORDS}"},
                quantity=1_000_000.25,
                unit="kg",
                recorded_by_name=WORDS[:120],
            )
            for n, step in enumerate(["commissioning", "packing", "shipping"])
        ]
        db.session.add_all([relic, producer, product, batch])
        db.session.commit()
        paths = {"relic": "/r/RF01LONGCODE", "product": product_path(product)}
        paths["batch"] = batch_path(batch)
        paths["report"] = "/r/RF01LONGCODE/report"

        stamps = runs.allocate_run(db.session, batch, 3, with_pin=True)
        runs.activate(db.session, stamps.id)
        key = app.config["STAMP_KEY"].encode()
        genuine, copied = stamps.first_serial, stamps.first_serial + 1
        paths["stamp"] = f"/S/{make_token(key, genuine)}"
        paths["copied"] = f"/S/{make_token(key, copied)}"
        paths["spare stamp"] = f"/S/{make_token(key, copied + 1)}"
        ids = (relic.id, product.id)
        db.session.remove()
    client = app.test_client()
    for phone in range(3):  # three phones in a day: the code looks copied
        client.get(paths["copied"], headers={"User-Agent": f"phone {phone}"})
    try:
        yield paths
    finally:
        with app.app_context():
            db.session.get(Relic, ids[0]).status = "draft"
            db.session.get(Product, ids[1]).status = "draft"
            db.session.commit()
            db.session.remove()


def demo_paths(live_server) -> dict[str, str]:
    """Paths of demo pages with every section: Lam Kinh (photos, audio, festivals,
    steles, map), a product with a GTIN, a batch with a timeline."""
    with live_server.app.app_context():
        product = db.session.scalar(
            select(Product)
            .where(Product.status == "published", Product.gtin.is_not(None))
            .where(Product.ref.not_like(LONG_REF + "%"))
            .order_by(Product.ref)
        )
        batch = db.session.scalar(
            select(Batch)
            .join(TraceEvent, TraceEvent.batch_id == Batch.id)
            .where(Batch.product_id == product.id)
        )
        paths = {"demo product": product_path(product), "demo batch": batch_path(batch)}
        db.session.remove()
    return paths


PAGES = {
    "home": "/",
    "relics": "/relics",
    "lam kinh": "/r/LK01",
    "lam kinh, English": "/r/LK01?lang=en",
    "search": "/search?q=l%C3%A0ng",
    "search, no result": "/search?q=" + "x" * 100,
    "demo report form": "/r/LK01/report",
    "products": "/products",
    "offline": "/offline",
    "404": "/nope/" + "n" * 200,
    "relic not found": "/r/" + "Q" * 40,
    "stamp not found": "/S/" + "A" * 60,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_demo_pages_reflow_at_320px_with_large_text(live_server, narrow_page, name):
    narrow_page.goto(live_server.url + PAGES[name])
    assert_shown(narrow_page, name)
    assert_reflows(narrow_page, PAGES[name])


@pytest.mark.parametrize("name", ["demo product", "demo batch"])
def test_demo_trace_pages_reflow(live_server, narrow_page, name):
    path = demo_paths(live_server)[name]
    assert narrow_page.goto(live_server.url + path).status == 200
    assert_reflows(narrow_page, path)


@pytest.mark.parametrize("name", ["relic", "report", "product", "batch", "stamp", "copied"])
def test_the_longest_texts_reflow(live_server, narrow_page, worst_case, name):
    path = worst_case[name]
    assert narrow_page.goto(live_server.url + path).status == 200
    assert_shown(narrow_page, name)
    assert_reflows(narrow_page, path)


def test_lists_and_search_with_the_longest_names_reflow(live_server, narrow_page, worst_case):
    for path in ("/relics", "/products", "/search?q=" + WORDS[:30], "/"):
        narrow_page.goto(live_server.url + path)
        assert WORDS[:30] in narrow_page.content(), path  # the long record is listed
        assert_reflows(narrow_page, path)


def test_a_report_form_with_errors_reflows(live_server, narrow_page, worst_case):
    narrow_page.goto(live_server.url + worst_case["report"])
    narrow_page.fill("#contact", EMAIL)
    narrow_page.fill("#message", WORDS * 10)
    narrow_page.locator(".report-form [type=submit]").click()
    narrow_page.wait_for_load_state()
    assert narrow_page.locator(".errors").is_visible()  # no kind of problem was chosen
    assert_reflows(narrow_page, worst_case["report"] + " (errors)")


def test_stamp_facts_sit_beside_their_labels_only_where_both_fit(
    live_server, browser_page, worst_case
):
    browser_page.goto(live_server.url + worst_case["spare stamp"])  # 360 px, text 100 %
    label, value = browser_page.locator(".facts dt").first, browser_page.locator(".facts dd").first
    assert abs(value.bounding_box()["y"] - label.bounding_box()["y"]) < 1  # side by side
    large_text(browser_page)
    assert value.bounding_box()["y"] >= label.bounding_box()["y"] + label.bounding_box()["height"]
    assert_reflows(browser_page, worst_case["spare stamp"], width=360)
