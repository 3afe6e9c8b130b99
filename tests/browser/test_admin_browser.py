"""The admin in a real browser, on a phone-sized screen: editor and producer journeys.

Runs against the demo site of ``live_server`` in Debian's chromium (see conftest).
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.generator import verify_pdf
from qrsvc.models import Producer, Product, Relic, StampRun, User
from qrsvc.stamps.codes import stamp_url
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def make_user(live_server, role: str, producer_id: int | None = None) -> str:
    email = f"{role}-{uuid.uuid4().hex[:8]}@test.local"
    with live_server.app.app_context():
        user = User(email=email, role=role, producer_id=producer_id)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        db.session.remove()
    return email


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/admin/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")  # the keyboard is enough
    page.wait_for_url(f"{live_server.url}/admin/")


def photo(tmp_path) -> str:
    path = tmp_path / "cong-lam-kinh.jpg"
    image = Image.new("RGB", (900, 600), (160, 40, 40))
    image.paste((240, 200, 80), (300, 200, 600, 400))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_editor_creates_publishes_and_prints_a_relic(live_server, browser_page, tmp_path):
    page = browser_page
    sign_in(page, live_server, make_user(live_server, "editor"))
    code = f"T{uuid.uuid4().hex[:5].upper()}"
    page.goto(f"{live_server.url}/admin/relics/new")
    assert fits_the_phone(page)
    page.locator("#code").fill(code)
    page.locator("#slug").fill(f"thu-{code.lower()}")
    page.locator("#name__vi").fill("Đền thử nghiệm")
    page.locator("#name__en").fill("Test temple")
    page.locator("#history__en").fill("Built in the **15th** century.")
    page.get_by_role("button", name="Lưu").or_(page.get_by_role("button", name="Save")).click()
    page.wait_for_url(f"{live_server.url}/admin/relics/*")
    edit_url = page.url
    # A photo, with its description.
    page.locator("a[href*='/admin/media/upload?to=relic']").click()
    page.locator("#file").set_input_files(photo(tmp_path))
    page.locator("#alt_vi").fill("Cổng đền")
    page.locator("#alt_en").fill("The temple gate")
    page.locator("form.narrow button[type=submit]").click()
    page.wait_for_url(edit_url)
    assert page.locator(".gallery img").count() == 1
    page.locator(".gallery img").scroll_into_view_if_needed()
    # The admin's CSP forbids eval, so poll from here rather than wait_for_function.
    for _ in range(50):
        if page.evaluate("document.querySelector('.gallery img').complete"):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("document.querySelector('.gallery img').naturalWidth") > 0
    # Publish.
    page.locator("#status").select_option("published")
    page.locator(".actions button").click()
    page.wait_for_url(edit_url)
    with live_server.app.app_context():
        relic = db.session.scalar(select(Relic).where(Relic.code == code))
        assert relic.status == "published" and len(relic.media) == 1
        db.session.remove()
    # The public page in English shows it.
    page.goto(f"{live_server.url}/r/{code}?lang=en")
    assert "Test temple" in page.content() and page.locator("img[alt='The temple gate']").count()
    # Print its sign: page 1 previewed, the PDF's code decodes to the relic URL.
    page.goto(edit_url)
    page.locator(f"a[href$='/admin/print/relic/{relic.id}']").click()
    page.locator("figure img").wait_for()
    assert page.evaluate("document.querySelector('figure img').naturalWidth") > 100
    with page.expect_download() as download:
        page.locator("button.primary[formaction]").click()
    pdf = Path(download.value.path()).read_bytes()
    assert verify_pdf(pdf, [f"HTTP://QR.TEST/R/{code}"]).ok


def test_producer_adds_a_batch_with_events_prints_and_activates_stamps(live_server, browser_page):
    page = browser_page
    with live_server.app.app_context():
        producer = Producer(ref=f"p-{uuid.uuid4().hex[:6]}", name="HTX thử", kind="cooperative")
        product = Product(producer=producer, ref=f"sp-{uuid.uuid4().hex[:6]}", name={"vi": "Bánh"})
        db.session.add_all([producer, product])
        db.session.commit()
        producer_id, product_id = producer.id, product.id
        db.session.remove()
    sign_in(page, live_server, make_user(live_server, "producer", producer_id))
    page.goto(f"{live_server.url}/admin/products/{product_id}")
    assert fits_the_phone(page)
    page.locator(f"a[href$='/admin/products/{product_id}/batches/new']").click()
    page.locator("#lot").fill("L2026A")
    page.locator("#production_date").fill("2026-11-20")
    page.locator(".actions button").click()
    page.wait_for_url(f"{live_server.url}/admin/batches/*")
    batch_url = page.url
    for step, when in (("commissioning", "2026-11-20T06:30"), ("packing", "2026-11-21T09:00")):
        page.locator("a[href*='/events/new']").click()
        page.locator("#biz_step").select_option(step)
        page.locator("#event_time").fill(when)
        page.locator("#place__vi").fill("Tứ Trụ")
        page.locator(".actions button").click()
        page.wait_for_url(f"{live_server.url}/admin/events/*")
        page.goto(batch_url)
    assert page.locator("#child-event + ul li").count() == 2
    page.locator("a[href*='/stamps']").click()
    page.locator("#count").fill("40")
    page.locator("#format_name").select_option("stamp-20mm-a4")
    page.locator("form.narrow button.primary").click()
    page.wait_for_url(f"{live_server.url}/admin/stamp-runs/*")
    with page.expect_download() as download:
        page.locator("a[href$='/stamps.pdf']").click()
    with live_server.app.app_context():
        run = db.session.scalar(select(StampRun).order_by(StampRun.id.desc()))
        key = live_server.app.config["STAMP_KEY"].encode()
        urls = [
            stamp_url("http://qr.test", key, s)
            for s in range(run.first_serial, run.last_serial + 1)
        ]
        db.session.remove()
    assert verify_pdf(Path(download.value.path()).read_bytes(), urls).ok
    page.locator("button.primary[formaction$='/activate']").click()
    page.wait_for_url(f"{live_server.url}/admin/stamp-runs/*")
    page.goto(live_server.url + urls[0].replace("HTTP://QR.TEST", "") + "?lang=en")
    assert "Genuine" in page.content()


def test_admin_pages_work_with_the_keyboard_alone(live_server, browser_page):
    page = browser_page
    sign_in(page, live_server, make_user(live_server, "editor"))
    page.goto(f"{live_server.url}/admin/relics/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    # Every control can be reached and shows where the focus is.
    seen = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        tag = page.evaluate("document.activeElement.tagName")
        seen.add(tag)
        assert outline != "none" or tag == "BODY"
    assert "A" in seen
    assert fits_the_phone(page)
