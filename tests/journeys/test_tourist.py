"""The tourist (PRODUCT.md §1): from a printed sign to the page, in English, offline too.

Staff print the Lam Kinh sign from the admin; a visitor's phone (English) opens the code
exactly as the camera decodes it, reads the relic in English, looks at it in Vietnamese,
saves the offline pack at the entrance Wi-Fi, loses the signal and opens the sign again,
listens to the narration, and reports a sticker over the code, which staff then see.
"""

from __future__ import annotations

import pytest

from tests.browser.test_relic_browser import wait_for_service_worker
from tests.journeys.conftest import codes_in, staff_user

pytestmark = pytest.mark.browser

CODE = "LK01"
NAME_EN = "Lam Kinh Historic Site"
NAME_VI = "Khu di tích lịch sử Lam Kinh"
REPORT = "Có tờ quảng cáo dán đè lên mã QR ở cổng"


def print_sign(journey, desk) -> str:
    """Staff print the A4 sign of LK01 from its admin page; the code decoded from the PDF."""
    desk.goto(f"{journey.url}/admin/relics/?q={CODE}")
    desk.get_by_role("link", name=f"{CODE} · {NAME_VI}").click()
    desk.get_by_role("link", name="In biển").click()
    desk.locator("#format").select_option(label="Biển di tích A4 / Relic sign, A4")
    journey.shot(desk, "print-form")
    name, pdf = journey.download(
        desk, lambda: desk.get_by_role("button", name="Tải tệp PDF").click()
    )
    assert name.endswith(".pdf") and pdf.startswith(b"%PDF")
    pages = [url for url in codes_in(pdf) if url.upper().startswith("HTTP")]
    assert len(pages) == 1, pages  # one code that opens the page (a donation code aside)
    return pages[0]


def test_tourist_scans_a_sign_reads_it_offline_listens_and_reports(journey):
    desk = journey.desk()
    journey.sign_in(desk, staff_user(journey.site, "editor"))
    printed = print_sign(journey, desk)
    # QR alphanumeric mode: the whole URL in upper case, on this very site.
    assert printed == f"{journey.url.upper()}/R/{CODE}"

    # The visitor's phone speaks English and opens the code as decoded.
    phone = journey.phone(locale="en")
    answer = phone.goto(printed, wait_until="load")
    assert answer.status == 200
    assert phone.locator("html").get_attribute("lang") == "en"
    heading = phone.locator("article.relic h1")
    assert heading.inner_text() == NAME_EN and heading.get_attribute("lang") == "en"
    assert phone.get_by_text("Special national relic", exact=True).is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # fits the phone
    journey.shot(phone, "relic-in-english")

    # The language switch marks the language shown, and switching works both ways.
    languages = phone.locator("nav.langs")  # its name is in the language shown
    assert languages.locator("[aria-current]").inner_text() == "English"
    languages.get_by_role("link", name="Tiếng Việt").click()
    phone.wait_for_url("**lang=vi**")
    assert heading.inner_text() == NAME_VI and heading.get_attribute("lang") == "vi"
    assert languages.locator("[aria-current]").inner_text() == "Tiếng Việt"
    journey.shot(phone, "relic-in-vietnamese")
    languages.get_by_role("link", name="English").click()
    phone.wait_for_url("**lang=en**")
    assert heading.inner_text() == NAME_EN

    # At the entrance Wi-Fi: save every relic for offline use, from the relic page.
    wait_for_service_worker(phone)
    save = phone.get_by_role("button", name="Save all relics for offline use")
    save.wait_for(state="visible")
    save.click()
    status = phone.locator("[data-pack-status]")
    phone.wait_for_function(
        "el => el.textContent === el.dataset.done || el.textContent === el.dataset.fail",
        arg=status.element_handle(),
        timeout=60_000,
    )
    assert status.inner_text() == status.get_attribute("data-done")
    journey.shot(phone, "offline-pack-saved")

    # No signal at the temple gate: the sign's code, as printed, still opens the page.
    phone.context.set_offline(True)
    phone.goto(printed, wait_until="load")
    assert heading.inner_text() == NAME_EN  # the language the visitor chose
    assert phone.locator("html").get_attribute("lang") == "en"
    journey.shot(phone, "offline-from-the-sign")
    phone.context.set_offline(False)

    # Listen to the narration (the demo has one for Lam Kinh), transcript at hand.
    phone.goto(printed, wait_until="load")
    audio = phone.locator("audio")
    assert audio.count() == 1 and audio.get_attribute("preload") == "none"
    phone.get_by_text("Transcript", exact=True).click()
    assert phone.get_by_text("Welcome to Lam Kinh").is_visible()
    audio.scroll_into_view_if_needed()
    phone.evaluate("document.querySelector('audio').play()")
    phone.wait_for_function("() => document.querySelector('audio').currentTime > 0.2")
    assert phone.evaluate("document.querySelector('audio').error") is None

    # Report the sticker over the code.
    phone.get_by_role("link", name="Report a problem with this sign").click()
    phone.get_by_label("Something covers the QR code").check()
    phone.get_by_label("Tell us more (optional)").fill(REPORT)
    journey.shot(phone, "report-form")
    phone.get_by_role("button", name="Send to the culture office").click()
    phone.wait_for_url("**/report/thanks")
    assert phone.locator("main [role=status]").inner_text().startswith("Your report")

    # Staff see it on the dashboard, in Vietnamese, with the relic's name.
    desk.goto(f"{journey.url}/admin/")
    reports = desk.locator("section[aria-labelledby=reports] li").filter(has_text=REPORT)
    assert reports.count() == 1
    assert NAME_VI in reports.inner_text()
    journey.shot(desk, "dashboard-report")
    # The kind of problem is shown as the visitor chose it, in the staff's language.
    assert reports.locator("strong").first.inner_text() == "Có vật che mã QR"
    journey.assert_clean()
