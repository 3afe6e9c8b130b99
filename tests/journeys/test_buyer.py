"""The buyer of a labelled product (PRODUCT.md §2): from the printed label to the batch.

The bánh gai cooperative prints labels for lot BG2611B from the admin; a buyer's phone
opens the Digital Link on the label exactly as decoded and sees the batch: when and where
it was made (the timeline, in Vietnam time), what it was made from, the OCOP stars and the
producer; goes one step back to an input lot, over to the product, and downloads the
EPCIS data as a file.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.models import Product
from tests.journeys.conftest import codes_in, staff_user

pytestmark = pytest.mark.browser

PRODUCT_REF, LOT = "BGTT", "BG2611B"


def producer_of(site, ref: str) -> tuple[int, str, str]:
    """(producer id, product name in Vietnamese, GTIN) of the demo product ``ref``."""
    with site.app.app_context():
        product = db.session.scalar(select(Product).where(Product.ref == ref))
        found = product.producer_id, product.name["vi"], product.gtin
        db.session.remove()
    return found


def test_buyer_scans_a_label_and_follows_the_batch(journey):
    producer_id, product_name, gtin = producer_of(journey.site, PRODUCT_REF)
    desk = journey.desk()
    journey.sign_in(desk, staff_user(journey.site, "producer", producer_id))

    # The producer prints one sheet of 3×7 labels for the lot.
    desk.goto(f"{journey.url}/admin/products/")
    desk.get_by_role("link", name=product_name).first.click()
    desk.get_by_role("link", name=f"{product_name} · {LOT}").click()
    desk.get_by_role("link", name="In nhãn").click()
    desk.locator("#format").select_option(index=0)
    assert "3×7" in desk.locator("#format option:checked").inner_text()
    desk.locator("#count").fill("21")
    journey.shot(desk, "label-form")
    _name, pdf = journey.download(
        desk, lambda: desk.get_by_role("button", name="Tải tệp PDF").click()
    )
    codes = codes_in(pdf)
    assert len(codes) == 21 and len(set(codes)) == 1, codes
    label = codes[0]
    assert label.upper() == f"{journey.url}/01/{gtin}/10/{LOT}".upper(), label

    # The buyer's phone opens the label's Digital Link: the batch page, in one step.
    phone = journey.phone()
    answer = phone.goto(label, wait_until="load")
    assert answer.status == 200
    assert (
        answer.request.redirected_from is None
        or answer.request.redirected_from.redirected_from is None
    )
    article = phone.locator("main article")
    assert LOT in phone.locator("h1").inner_text()
    assert product_name in phone.locator("h1").inner_text()
    ocop = phone.locator(".badge.ocop")
    assert ocop.get_attribute("aria-label") == "OCOP 5 sao" and "★★★★★" in ocop.inner_text()
    steps = phone.locator("ol.timeline > li")
    assert steps.count() >= 3
    for i in range(steps.count()):
        assert steps.nth(i).locator("time").get_attribute("datetime").endswith("+07:00")
    first = steps.first.locator("time")
    # 04:00 in Vietnam on 24/11/2026: the date and hour shown are the local ones.
    assert first.inner_text() == "24/11/2026 04:00"
    made_from = phone.get_by_role("heading", name="Làm từ")
    assert made_from.is_visible()
    producer = article.locator("section.producer")
    assert "Hợp tác xã Bánh gai Tứ Trụ" in producer.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    journey.shot(phone, "batch-page")

    # One step back: the sticky rice lot the cakes were made from.
    phone.locator("ul.links a[href*='/10/NH2610B']").click()
    phone.wait_for_load_state()
    assert "NH2610B" in phone.locator("h1").inner_text()
    phone.go_back()
    phone.wait_for_load_state()

    # Over to the product, and its traceability data as a file.
    phone.get_by_role("link", name="Về sản phẩm này").click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == product_name
    journey.shot(phone, "product-page")
    link = phone.get_by_role("link", name="EPCIS")
    name, data = journey.download(phone, link.click)
    document = json.loads(data)
    assert name.endswith((".json", ".jsonld")), name
    assert document["type"] == "EPCISDocument"
    events = document["epcisBody"]["eventList"]
    lots = json.dumps(events)
    assert LOT in lots and "NH2610B" in lots  # the batch and its input lot are in it
    # Quantities survive: a quantity that is not a whole count carries its unit code.
    for event in events:
        for key in ("quantityList", "inputQuantityList", "outputQuantityList"):
            for quantity in event.get(key, []):
                amount = quantity.get("quantity", 0)
                assert quantity.get("uom") or float(amount).is_integer(), quantity
    journey.assert_clean()
