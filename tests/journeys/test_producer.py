"""The producer (PRODUCT.md §2 and §4): own goods only, a new product to a printed label.

A member of the bánh gai cooperative signs in on a phone-sized browser, sees the
cooperative's goods and nobody else's, adds a product and its first batch (quantity with a
unit chosen from the list, made from a lot of sticky rice), records the steaming, prints
labels straight from the form in the format and number it shows, and a buyer's phone that
scans one of them sees the steaming at the hour it was entered, Vietnam time.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.generator import verify_pdf
from qrsvc.gs1 import gtin_check_digit
from qrsvc.models import Product
from tests.journeys.conftest import codes_in, staff_user

pytestmark = pytest.mark.browser

PRODUCER_PRODUCT = "BGTT"  # a product of the cooperative, to find the cooperative
INPUT = "NH2610B"  # Xuân Lập sticky rice: another producer's lot
LABELS = 30


def products_by_producer(site) -> tuple[int, set[str], dict[int, str]]:
    """The cooperative's id, its products' names, and the others' products {id: name}."""
    with site.app.app_context():
        ours = db.session.scalar(select(Product).where(Product.ref == PRODUCER_PRODUCT))
        producer_id = ours.producer_id
        everything = db.session.scalars(select(Product)).all()
        mine = {p.name["vi"] for p in everything if p.producer_id == producer_id}
        others = {p.id: p.name["vi"] for p in everything if p.producer_id != producer_id}
        db.session.remove()
    return producer_id, mine, others


def new_gtin() -> str:
    """A GTIN-13 with Vietnam's prefix and a right check digit, not used before."""
    body = "893" + str(uuid.uuid4().int)[:9]
    return body + str(gtin_check_digit(body))


def save(page) -> None:
    """Press the record form's Save button."""
    page.locator("form.record button[type=submit]").last.click()


def test_producer_adds_a_product_a_batch_an_event_and_prints_labels(journey):
    producer_id, mine, others = products_by_producer(journey.site)
    page = journey.phone()
    email = staff_user(journey.site, "producer", producer_id)
    journey.sign_in(page, email)

    # Only the cooperative's own goods, in the list and behind every address.
    page.goto(f"{journey.url}/admin/products/")
    listed = page.locator("main table tbody tr").all_inner_texts()
    assert listed and all(any(name in row for name in mine) for row in listed), listed
    assert not any(name in " ".join(listed) for name in others.values())
    journey.shot(page, "own-products")
    list_width = page.evaluate("document.documentElement.scrollWidth")
    other_id = next(iter(others))
    answer = page.goto(f"{journey.url}/admin/products/{other_id}")
    assert answer.status in (403, 404)
    assert page.locator("html").get_attribute("lang") == "vi"
    assert others[other_id] not in page.content()

    # A new product, published.
    gtin, lot = new_gtin(), f"BN{uuid.uuid4().hex[:4].upper()}"
    page.get_by_role("link", name="Cơ sở của tôi").click()
    page.locator("a[href$='/products/new']").click()
    page.locator("#ref").fill(f"BN{uuid.uuid4().hex[:5].upper()}")
    page.locator("#gtin").fill(gtin)
    page.locator("#status").select_option("published")
    page.locator("#name__vi").fill("Bánh nếp lá chuối")
    page.locator("#name__en").fill("Sticky rice cake in banana leaf")
    save(page)
    page.wait_for_url(f"{journey.url}/admin/products/*")
    assert page.locator("[role=alert] .error, .error").count() == 0, page.locator(
        "main"
    ).inner_text()

    # Its first batch: 120 kg, the unit chosen from the list.
    page.locator("a[href$='/batches/new']").click()
    page.locator("#lot").fill(lot)
    page.locator("#production_date").fill("2026-11-20")
    page.locator("#quantity").fill("120")
    page.locator("#unit").select_option(label="kg (KGM)")
    save(page)
    page.wait_for_url(f"{journey.url}/admin/batches/*")
    batch_url = page.url
    assert page.locator("#unit option:checked").inner_text() == "kg (KGM)"

    # Made from: the sticky rice, by its supplier's lot number (another producer's lots
    # are not offered in the list: a producer sees only its own).
    inputs = page.locator("form[action$='/inputs/new']")
    offered = inputs.locator("select[id$=input_batch] option").all_inner_texts()
    assert not any(INPUT in text for text in offered), offered
    inputs.locator("input[id$=external_lot]").fill(INPUT)
    inputs.locator("input[type=number]").fill("80")
    inputs.locator("select[id$=unit]").select_option(label="kg (KGM)")
    inputs.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(batch_url)
    assert INPUT in page.locator("main").inner_text()

    # One event: steaming, at 06:30 on 20/11/2026 as the producer reads the clock.
    page.locator("a[href$='/events/new']").click()
    page.locator("#biz_step").select_option("commissioning")
    page.locator("#event_time").fill("2026-11-20T06:30")
    page.locator("#place__vi").fill("Xưởng hấp bánh Tứ Trụ")
    save(page)
    page.wait_for_url(f"{journey.url}/admin/events/*")
    page.goto(batch_url)
    journey.shot(page, "batch-with-event")
    events = page.locator("a[href*='/admin/events/']").all_inner_texts()
    assert any("20/11/2026" in text for text in events), events
    step_names = " ".join(events)

    # Labels: the form's format and number, downloaded straight away (no preview first).
    page.get_by_role("link", name="In nhãn").click()
    page.locator("#format").select_option(index=1)
    shown = page.locator("#format option:checked").inner_text()
    assert "24" in shown  # 3×8 on A4: 24 labels a sheet
    page.locator("#count").fill(str(LABELS))
    journey.shot(page, "label-form")
    _name, pdf = journey.download(page, page.get_by_role("button", name="Tải tệp PDF").click)
    url = codes_in(pdf)[0]
    assert url.upper() == f"{journey.url}/01/0{gtin}/10/{lot}".upper(), url
    checked = verify_pdf(pdf, [url] * LABELS)
    assert checked.ok and checked.pages == 2, checked  # 24 + 6

    # A buyer scans a label: the steaming at 06:30 Vietnam time.
    buyer = journey.phone()
    assert buyer.goto(url, wait_until="load").status == 200
    step = buyer.locator("ol.timeline > li").first
    assert step.locator("time").get_attribute("datetime") == "2026-11-20T06:30:00+07:00"
    assert step.locator("time").inner_text() == "20/11/2026 06:30"
    assert "Xưởng hấp bánh Tứ Trụ" in step.inner_text()
    assert INPUT in buyer.locator("main").inner_text()  # made from
    assert "120 kg" in buyer.locator("main").inner_text()
    journey.shot(buyer, "public-batch")
    journey.assert_clean()
    seen = {
        # The batch's events are listed by what happened, in Vietnamese, not by EPCIS codes.
        "events listed by code": "commissioning" in step_names,
        # A producer's sign-in address is not published with what they recorded.
        "e-mail on the public page": email in buyer.locator("main").inner_text(),
        # The list of products fits a phone: no sideways scrolling.
        "product list wider than the phone": list_width > 360,
    }
    assert [what for what, wrong in seen.items() if wrong] == [], (step_names, list_width)
