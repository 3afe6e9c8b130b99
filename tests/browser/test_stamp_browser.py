"""The stamp page in a real browser on a phone: without JavaScript, and sharing a location.

Runs against the demo site of ``live_server`` in Debian's chromium (see conftest).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.models import Batch, StampScan, StampState
from qrsvc.stamps import runs
from qrsvc.stamps.codes import make_token, stamp_pin
from tests.browser.conftest import new_phone_context

pytestmark = pytest.mark.browser


def new_stamp(live_server) -> tuple[int, str, str]:
    """An activated stamp with a PIN on a demo batch: (serial, page URL, PIN)."""
    app = live_server.app
    with app.app_context():
        batch = db.session.scalars(select(Batch).where(Batch.status == "active")).first()
        run = runs.allocate_run(db.session, batch, 2, with_pin=True)
        serial = run.first_serial
        runs.activate(db.session, run.id)
        db.session.remove()
    key = app.config["STAMP_KEY"].encode()
    return serial, f"{live_server.url}/S/{make_token(key, serial)}", stamp_pin(key, serial)


def test_checking_and_confirming_a_stamp_without_javascript(live_server, chromium):
    serial, url, pin = new_stamp(live_server)
    context = new_phone_context(chromium, java_script_enabled=False)
    try:
        page = context.new_page()
        answer = page.goto(url)
        assert answer.status == 200
        assert page.locator("h1").first.inner_text().endswith("Tem chính hãng")
        assert page.get_by_text("Đây là lần đầu tiên tem này được kiểm tra.").is_visible()
        # Sharing a location needs JavaScript; without it the offer is not shown at all.
        assert not page.locator("#share-location").is_visible()
        page.fill("#pin", f"{pin[:4]} {pin[4:]}")
        page.get_by_role("button", name="Xác nhận").click()
        page.wait_for_load_state()
        assert page.get_by_text("việc mua hàng đã được xác nhận").is_visible()
    finally:
        context.close()
    with live_server.app.app_context():
        state = db.session.get(StampState, serial)
        assert state.scan_count == 1 and state.pin_confirmed_at is not None
        db.session.remove()


def test_a_buyer_can_share_a_location_with_one_tap(live_server, chromium):
    serial, url, _ = new_stamp(live_server)
    context = new_phone_context(chromium, geolocation={"latitude": 19.9312, "longitude": 105.3821})
    context.grant_permissions(["geolocation"], origin=live_server.url)
    try:
        page = context.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        assert page.goto(url).status == 200
        share = page.get_by_role("button", name="Chia sẻ vị trí của tôi")
        assert share.is_visible()
        with page.expect_navigation():
            share.click()
        assert page.get_by_text("Tem chính hãng").first.is_visible()
        assert page.get_by_role("status").get_by_text("đã nhận được vị trí").is_visible()
        assert errors == []  # the inline script ran under the page's CSP
    finally:
        context.close()
    with live_server.app.app_context():
        located = db.session.execute(
            select(StampScan.latitude, StampScan.longitude).where(StampScan.serial == serial)
        ).all()
        assert located == [(19.931, 105.382)]
        assert db.session.get(StampState, serial).scan_count == 1
        db.session.remove()
