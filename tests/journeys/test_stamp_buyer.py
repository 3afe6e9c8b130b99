"""The buyer with a stamp (PRODUCT.md §2, stamps): genuine, counted, confirmed, copied.

The bánh gai cooperative allots a run of stamps with scratch-off PINs for a batch, prints
the sheet, and activates the run once the stamps are on the boxes. A buyer's phone opens
one stamp's code as decoded: genuine, first check. Another phone (the buyer's spouse)
checks it again: two checks. The PIN from under the scratch-off layer confirms the
purchase, and the page says so without a "check carefully" anywhere. A counterfeiter's
copy of another stamp, printed with ``?via=site`` on it, is scanned by phones in three
provinces that share their location: the page warns of a copy with its evidence, and the
producer sees the alert in the admin.
"""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.models import Batch
from tests.browser.conftest import PHONE_USER_AGENT
from tests.journeys.conftest import codes_in, staff_user

pytestmark = pytest.mark.browser

BATCH_REF = "BGTT-BG2611A"
STAMPS = 10
#: Where the copies were scanned: Hà Nội, Đà Nẵng, TP Hồ Chí Minh (all > 50 km apart).
PLACES = [(21.0285, 105.8542), (16.0544, 108.2022), (10.7769, 106.7009)]
GENUINE, CONFIRMED = "Tem chính hãng", "Đã xác nhận mua hàng"
CAREFULLY = ("Mã thật, nhưng cần kiểm tra kỹ", "Xin hãy kiểm tra kỹ")


def batch_of(site, ref: str) -> tuple[int, int]:
    """(batch id, producer id) of the demo batch ``ref``."""
    with site.app.app_context():
        batch = db.session.scalar(select(Batch).where(Batch.ref == ref))
        found = batch.id, batch.product.producer_id
        db.session.remove()
    return found


def buyer_phone(journey, number: int, place=None):
    """Phone number ``number`` (its own browser: a client of its own), maybe somewhere."""
    options = {"user_agent": f"{PHONE_USER_AGENT} buyer/{number}"}
    if place:
        options["geolocation"] = {"latitude": place[0], "longitude": place[1]}
    page = journey.phone(**options)
    if place:
        page.context.grant_permissions(["geolocation"], origin=journey.url)
    return page


def headline(page) -> str:
    """The verdict the buyer reads first."""
    return page.locator("main h1").first.inner_text()


def test_buyer_checks_a_stamp_confirms_it_and_a_copy_is_caught(journey):
    batch_id, producer_id = batch_of(journey.site, BATCH_REF)
    desk = journey.desk()
    journey.sign_in(desk, staff_user(journey.site, "producer", producer_id))

    # The producer allots a run with PINs, prints the sheet and activates the run.
    desk.goto(f"{journey.url}/admin/batches/{batch_id}")
    desk.get_by_role("link", name="Tem chống hàng giả").click()
    desk.locator("#count").fill(str(STAMPS))
    desk.locator("#format_name").select_option(index=1)
    assert "PIN" in desk.locator("#format_name option:checked").inner_text()
    desk.locator("#with_pin").check()
    journey.shot(desk, "stamp-run-form")
    desk.get_by_role("button", name="Cấp tem").click()
    desk.wait_for_url(f"{journey.url}/admin/stamp-runs/*")
    run_url = desk.url
    _name, pdf = journey.download(desk, desk.get_by_role("link", name="(PDF)").first.click)
    stamps = codes_in(pdf)
    assert len(stamps) == STAMPS and len(set(stamps)) == STAMPS, stamps
    assert all(code.upper().startswith(journey.url.upper() + "/S/") for code in stamps), stamps
    _name, sheet = journey.download(desk, desk.get_by_role("link", name="(CSV)").click)
    pins = {row["url"]: row["pin"] for row in csv.DictReader(io.StringIO(sheet.decode()))}
    assert set(pins) == set(stamps)  # the print shop's file matches the sheet
    desk.get_by_role("button", name="Kích hoạt").click()
    desk.wait_for_url(run_url)
    journey.shot(desk, "stamp-run-activated")

    # The buyer scans one stamp: genuine, first check.
    mine, copied = stamps[0], stamps[1]
    buyer = buyer_phone(journey, 1)
    assert buyer.goto(mine, wait_until="load").status == 200
    assert headline(buyer).endswith(GENUINE)
    assert buyer.get_by_text("Đây là lần đầu tiên tem này được kiểm tra.").is_visible()
    journey.shot(buyer, "stamp-genuine")
    buyer.reload(wait_until="load")  # reading it again is not another check
    assert buyer.get_by_text("Đây là lần đầu tiên tem này được kiểm tra.").is_visible()

    # Another phone checks the same stamp: counted once more.
    spouse = buyer_phone(journey, 2)
    spouse.goto(mine, wait_until="load")
    assert headline(spouse).endswith(GENUINE)
    assert "Đã được kiểm tra 2 lần." in spouse.locator("main").inner_text()
    # The PIN under the scratch-off layer confirms the purchase.
    pin = pins[mine]
    spouse.locator("#pin").fill(f"{pin[:4]} {pin[4:]}")
    spouse.get_by_role("button", name="Xác nhận").click()
    spouse.wait_for_load_state()
    assert headline(spouse).endswith(CONFIRMED)
    main = spouse.locator("main").inner_text()
    assert not any(warning in main for warning in CAREFULLY), main
    journey.shot(spouse, "purchase-confirmed")

    # A copy of another stamp, printed with "?via=site", scanned in three provinces.
    copy = f"{copied}?via=site"
    for number, place in enumerate(PLACES, start=3):
        phone = buyer_phone(journey, number, place)
        assert phone.goto(copy, wait_until="load").status == 200
        share = phone.get_by_role("button", name="Chia sẻ vị trí của tôi")
        with phone.expect_navigation():
            share.click()
        assert phone.get_by_role("status").get_by_text("đã nhận được vị trí").is_visible()
    # The last phone's page: a copy warning with its real evidence.
    assert headline(phone).endswith(CAREFULLY[0])
    evidence = phone.locator("main ul.evidence").first.inner_text()
    assert "Đã được kiểm tra 3 lần." in evidence, evidence
    assert "Từ 3 điện thoại." in evidence, evidence
    assert "Ở 3 nơi cách nhau hơn 50 km." in evidence, evidence
    journey.shot(phone, "copy-warning")

    # The producer sees the alert: on the run and on the dashboard.
    desk.goto(run_url)
    preview = desk.get_by_role("img", name="Trang 1")
    preview.scroll_into_view_if_needed()
    for _ in range(100):  # the admin's CSP forbids eval: poll from here
        if desk.evaluate("img => img.complete", preview.element_handle()):
            break
        desk.wait_for_timeout(100)
    assert desk.evaluate("img => img.naturalWidth", preview.element_handle()) > 100
    rows = desk.locator("table tbody tr")
    assert rows.count() == 1
    cells = rows.first.locator("td")
    assert int(cells.nth(2).inner_text()) == 3
    journey.shot(desk, "stamp-run-alerts")
    run_page = {
        "status": desk.locator("h1 .badge").inner_text(),
        "state": desk.locator("main li strong").first.inner_text(),
        "why": cells.nth(1).inner_text(),
    }
    desk.goto(f"{journey.url}/admin/")
    alerts = desk.locator("section[aria-labelledby=alerts] li")
    assert alerts.count() == 1 and BATCH_REF in alerts.inner_text()
    journey.shot(desk, "dashboard-alerts")
    journey.assert_clean()
    # Staff read states and reasons in their language, not the code's own words.
    raw = {"active", "far apart", "far_apart", "copied"}
    words = {**run_page, "dashboard": alerts.inner_text().rsplit("(", 1)[-1].strip(")")}
    assert {where: word for where, word in words.items() if word in raw} == {}
