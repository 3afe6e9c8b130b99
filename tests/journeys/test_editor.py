"""The editor (PRODUCT.md §1 and §4): a draft relic to a published page, two editors, history.

The culture office has a plate made for the Quảng Xá communal house, still a draft: the
printed code finds no page yet. An editor writes its text in Vietnamese and English,
uploads a photo described in Vietnamese, and publishes it; the plate's code now opens the
page on a phone. A colleague who had the same record open meanwhile saves too: the fields
only one of them changed keep that change, and the field both changed is shown side by
side to choose. Finally the first version is restored from the history.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.models import Relic
from tests.journeys.conftest import codes_in, staff_user

pytestmark = pytest.mark.browser

CODE = "QX01"
SUMMARY_VI = "Ngôi đình gỗ lim thế kỷ XVIII bên sông Chu, nơi thờ Thành hoàng làng."
SUMMARY_EN = "An 18th-century ironwood communal house on the Chu river."
THEIR_SUMMARY_VI = "Đình làng Quảng Xá, dựng năm 1783, thờ Thành hoàng làng."
DIRECTIONS_VI = "Từ chợ Quảng Xá đi 300 m về phía đê sông Chu."
ALT_VI = "Mái đình Quảng Xá lợp ngói mũi hài"
ALT_EN = "The roof of Quảng Xá communal house"


def photo(tmp_path) -> str:
    """A JPEG photo file to upload."""
    path = tmp_path / "dinh-quang-xa.jpg"
    image = Image.new("RGB", (1200, 800), (120, 60, 30))
    image.paste((200, 170, 90), (200, 250, 1000, 600))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return str(path)


def relic_id(site) -> int:
    """The id of the draft relic."""
    with site.app.app_context():
        relic = db.session.scalar(select(Relic).where(Relic.code == CODE))
        assert relic.status == "draft"
        found = relic.id
        db.session.remove()
    return found


def save(page) -> None:
    """Press the record form's Save button and wait for the answer."""
    with page.expect_navigation():
        page.locator("form.record button[type=submit]").last.click()


def test_editor_writes_publishes_merges_and_restores(journey, tmp_path):
    record = relic_id(journey.site)
    edit_url = f"{journey.url}/admin/relics/{record}"
    editor = journey.desk()
    journey.sign_in(editor, staff_user(journey.site, "editor", display_name="Lan"))

    # The plate is printed already; its code finds no page while the relic is a draft.
    editor.goto(f"{journey.url}/admin/print/relic/{record}")
    _name, pdf = journey.download(editor, editor.get_by_role("button", name="Tải tệp PDF").click)
    printed = next(url for url in codes_in(pdf) if url.upper().startswith("HTTP"))
    assert printed == f"{journey.url.upper()}/R/{CODE}"
    phone = journey.phone()
    assert phone.goto(printed, wait_until="load").status == 404

    # A colleague opens the same record now, and will save later.
    colleague = journey.desk()
    journey.sign_in(colleague, staff_user(journey.site, "editor", display_name="Minh"))
    colleague.goto(edit_url)

    # Text in both languages.
    editor.goto(edit_url)
    first_summary = editor.locator("#summary__vi").input_value()
    editor.locator("#name__en").fill("Quảng Xá Communal House")
    editor.locator("#summary__vi").fill(SUMMARY_VI)
    editor.locator("#summary__en").fill(SUMMARY_EN)
    save(editor)
    assert editor.locator("#summary__en").input_value() == SUMMARY_EN
    journey.shot(editor, "edited")

    # A photo, described in Vietnamese (and English).
    editor.locator("a[href*='/admin/media/upload?to=relic']").click()
    editor.locator("#file").set_input_files(photo(tmp_path))
    editor.locator("#alt_vi").fill(ALT_VI)
    editor.locator("#alt_en").fill(ALT_EN)
    editor.locator("form.narrow button[type=submit]").click()
    editor.wait_for_url(edit_url)
    assert editor.locator(f".gallery img[alt='{ALT_VI}']").count() == 1

    # Publish: the plate's code now opens the page, on a phone, at its width.
    editor.locator("#status").select_option("published")
    save(editor)
    assert editor.locator("#status").input_value() == "published", editor.locator(
        "main"
    ).inner_text()
    assert phone.goto(printed, wait_until="load").status == 200
    assert phone.locator("article.relic h1").inner_text() == "Đình làng Quảng Xá"
    assert SUMMARY_VI in phone.locator("main").inner_text()
    assert phone.locator(f"main img[alt='{ALT_VI}']").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    journey.shot(phone, "published-on-a-phone")

    # The colleague, on the form opened before all that, adds directions and rewrites the
    # Vietnamese summary; saving warns, keeps what only one of them changed, and asks
    # about the summary, which both changed.
    colleague.locator("#summary__vi").fill(THEIR_SUMMARY_VI)
    colleague.locator("#directions__vi").fill(DIRECTIONS_VI)
    save(colleague)
    conflict = colleague.locator("section.conflict")
    assert conflict.is_visible()
    choices = conflict.locator("fieldset.choice")
    assert choices.count() == 1, conflict.inner_text()
    assert SUMMARY_VI in choices.inner_text() and THEIR_SUMMARY_VI in choices.inner_text()
    assert colleague.locator("#summary__en").input_value() == SUMMARY_EN  # theirs, merged in
    assert colleague.locator("#status").input_value() == "published"
    journey.shot(colleague, "conflict")
    choices.locator("input[value=mine]").check()
    save(colleague)
    assert colleague.locator("section.conflict").count() == 0
    # Another visitor (public pages may be kept a minute in a browser's cache).
    phone = journey.phone()
    phone.goto(printed, wait_until="load")
    text = phone.locator("main").inner_text()
    assert THEIR_SUMMARY_VI in text and DIRECTIONS_VI in text
    phone.goto(printed + "?lang=en", wait_until="load")
    assert SUMMARY_EN in phone.locator("main").inner_text()
    assert phone.locator(f"main img[alt='{ALT_EN}']").count() == 1  # the photo stayed

    # History: who changed what, and the first version restored.
    editor.goto(edit_url)
    editor.get_by_role("link", name="Lịch sử").click()
    history = editor.locator("ul.history > li")
    assert history.count() == 3  # text, publication, the merged save
    assert "Minh" in history.first.inner_text()
    journey.shot(editor, "history")
    with editor.expect_navigation():
        history.last.locator("form").last.locator("button").click()
    editor.goto(edit_url)
    assert editor.locator("#status").input_value() == "draft"
    assert editor.locator("#summary__vi").input_value() == first_summary
    assert editor.locator("#directions__vi").input_value() != DIRECTIONS_VI
    assert journey.phone().goto(printed, wait_until="load").status == 404
    journey.assert_clean()
