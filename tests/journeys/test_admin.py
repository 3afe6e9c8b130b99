"""The admin (PRODUCT.md §4): accounts, the dashboard, exporting everything, error pages.

The administrator creates an account for a new colleague, who signs in; then changes
that account's role, which ends the colleague's open session. The Lê Hoàn temple sign is
printed and scanned by a visitor, who then opens it once more from inside the site: the
dashboard counts one more scan and, apart, one more visit from the site, and names every
record. All data is exported as one archive, whole. An address that does not exist in
the admin gets a styled error page in Vietnamese, within the page's security policy.
"""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile

import pytest
from sqlalchemy import func, select

from qrsvc.extensions import db
from qrsvc.models import Batch, Media, Producer, Product, Relic, TraceEvent, TraceLink
from tests.conftest import PASSWORD
from tests.journeys.conftest import codes_in, staff_user

pytestmark = pytest.mark.browser

CODE, NAME = "LH01", "Đền thờ Lê Hoàn"
TOTALS = re.compile(r"([\d.,]+) lượt quét · ([\d.,]+) lượt xem từ trang web")


def totals(page, base: str) -> tuple[int, int]:
    """(scans, visits from the site) of the last 7 days, as the dashboard shows them."""
    page.goto(f"{base}/admin/?days=7")
    found = TOTALS.search(page.locator("#scan-totals").inner_text())
    assert found, page.locator("#scan-totals").inner_text()
    return tuple(int(re.sub(r"\D", "", n)) for n in found.groups())


def counts(site) -> dict[str, int]:
    """How many records of each kind the database holds."""
    kinds = {
        "relics": Relic,
        "producers": Producer,
        "products": Product,
        "batches": Batch,
        "events": TraceEvent,
        "links": TraceLink,
        "media": Media,
    }
    with site.app.app_context():
        found = {
            k: db.session.scalar(select(func.count()).select_from(m)) for k, m in kinds.items()
        }
        db.session.remove()
    return found


def test_admin_manages_accounts_reads_the_dashboard_exports_and_meets_an_error(journey):
    admin = journey.desk()
    journey.sign_in(admin, staff_user(journey.site, "admin"))

    # A new colleague's account, as an editor.
    email = f"thu.{uuid.uuid4().hex[:6]}@journey.test"
    admin.get_by_role("link", name="Tài khoản").first.click()
    admin.get_by_role("link", name="Tài khoản mới").click()
    admin.locator("#email").fill(email)
    admin.locator("#display_name").fill("Nguyễn Thị Thu")
    admin.locator("#role").select_option("editor")
    admin.locator("#password").fill(PASSWORD)
    journey.shot(admin, "new-account")
    admin.locator("main form button[type=submit]").click()
    admin.wait_for_load_state()
    assert email in admin.locator("main").inner_text(), admin.locator("main").inner_text()

    colleague = journey.desk()
    journey.sign_in(colleague, email)
    colleague.goto(f"{journey.url}/admin/relics/")
    assert colleague.url.endswith("/admin/relics/")

    # The colleague moves to a producer: a new role ends the session opened with the old.
    admin.goto(f"{journey.url}/admin/users/")
    admin.get_by_role("link", name=email).click()
    admin.locator("#role").select_option("producer")
    admin.locator("#producer_id").select_option(index=1)
    admin.locator("main form button[type=submit]").click()
    admin.wait_for_load_state()
    colleague.goto(f"{journey.url}/admin/relics/")
    assert "/admin/login" in colleague.url, colleague.url
    journey.shot(colleague, "session-ended")

    # Print the Lê Hoàn sign; a visitor scans it, then opens it again from the site.
    scans, visits = totals(admin, journey.url)
    admin.goto(f"{journey.url}/admin/relics/?q={CODE}")
    admin.get_by_role("link", name=f"{CODE} · {NAME}").click()
    admin.get_by_role("link", name="In biển").click()
    _name, pdf = journey.download(admin, admin.get_by_role("button", name="Tải tệp PDF").click)
    printed = next(url for url in codes_in(pdf) if url.upper().startswith("HTTP"))
    visitor = journey.phone()
    assert visitor.goto(printed, wait_until="load").status == 200
    visitor.goto(f"{journey.url}/relics", wait_until="load")
    visitor.locator(f"main a[href^='/r/{CODE}']").first.click()
    visitor.wait_for_load_state()
    assert visitor.locator("article.relic h1").inner_text() == NAME
    for _ in range(50):  # scans reach the counters a moment later
        now = totals(admin, journey.url)
        if now != (scans, visits):
            break
        admin.wait_for_timeout(200)
    admin.wait_for_timeout(500)
    assert totals(admin, journey.url) == (scans + 1, visits + 1)
    journey.shot(admin, "dashboard")

    # The most scanned records, in the table and in the chart, are named, not coded.
    admin.locator("section[aria-labelledby=top] summary").click()
    rows = admin.locator("section[aria-labelledby=top] table tr").all_inner_texts()
    assert any(row.startswith(NAME) for row in rows), rows
    chart = admin.locator("section[aria-labelledby=top] svg").first.text_content()
    assert NAME in chart, chart

    # Export everything: one archive with every record and every media file.
    admin.goto(f"{journey.url}/admin/transfer")
    _name, archive = journey.download(
        admin, admin.locator("a[href$='/transfer/archive.zip']").click
    )
    files = zipfile.ZipFile(io.BytesIO(archive))
    data = json.loads(files.read("data.json"))
    expected = counts(journey.site)
    exported = {
        "relics": len(data["relics"]),
        "producers": len(data["producers"]),
        "products": len(data["products"]),
        "batches": len(data["batches"]),
        "events": sum(len(b["events"]) for b in data["batches"]),
        "links": sum(len(r.get("links", [])) for k in ("products", "batches") for r in data[k]),
        "media": len(data["media"]),
    }
    assert exported == expected
    names = set(files.namelist())
    for media in data["media"]:
        assert f"media/{media['storage_key']}" in names, media["storage_key"]

    # An address that does not exist: a styled page, in Vietnamese.
    answer = admin.goto(f"{journey.url}/admin/khong-co-trang-nay")
    assert answer.status == 404
    assert admin.locator("html").get_attribute("lang") == "vi"
    assert admin.locator("h1").inner_text() == "Không tìm thấy trang"
    assert admin.evaluate("getComputedStyle(document.body).margin") == "0px"  # styled
    assert admin.locator("header, nav").count() >= 1
    journey.shot(admin, "error-404")
    journey.assert_clean()
