"""A phone that saved the offline pack opens a relic from its sign, offline, in every form.

The sign encodes ``HTTP://HOST/R/<CODE>`` (upper case: QR alphanumeric mode); people
also type ``/r/<code>`` in lower case or add a slash. The service worker files pages
under one key per relic, so every form finds the saved page. The pack holds the very
photo files a 360 px, 2x phone asks for, and the offer to save it shows only where
saving can work and is still to be done.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.models import Relic
from qrsvc.printing.records import relic_url
from tests.browser.conftest import new_phone_context
from tests.browser.test_relic_browser import open_page, wait_for_service_worker

pytestmark = pytest.mark.browser

RELIC_HEADING = "article.relic h1"


def published_codes(live_server) -> list[str]:
    """The codes of the demo's published relics."""
    with live_server.app.app_context():
        codes = db.session.scalars(select(Relic.code).where(Relic.status == "published")).all()
        db.session.remove()
    assert codes
    return list(codes)


def sign_path(live_server, code: str) -> str:
    """The path of the URL printed on ``code``'s sign (the printing engine's own)."""
    with live_server.app.app_context():
        url, _text = relic_url(code)
    return urlsplit(url).path


def pack_of(live_server) -> dict:
    """The offline pack as the server lists it."""
    with live_server.app.test_client() as client:
        return client.get("/offline-pack.json").json


def save_offline_pack(page, base: str) -> None:
    """Open the home page, wait for the worker, press "save all relics", wait until done."""
    open_page(page, base + "/")
    wait_for_service_worker(page)
    button = page.locator("[data-pack-button]")
    button.wait_for(state="visible")
    button.click()
    status = page.locator("[data-pack-status]")
    page.wait_for_function(
        "el => el.textContent === el.dataset.done || el.textContent === el.dataset.fail",
        arg=status.element_handle(),
        timeout=60_000,
    )
    assert status.inner_text() == status.get_attribute("data-done")


def photos_shown(page) -> list[str]:
    """The URLs of the photos the page shows, each fully loaded (none broken)."""
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("() => [...document.images].every(img => img.complete)", timeout=15_000)
    return page.evaluate(
        """() => [...document.images].map(img => ({src: img.currentSrc, w: img.naturalWidth}))"""
    )


def test_a_saved_relic_opens_offline_from_every_form_of_its_code(live_server, chromium):
    base = live_server.url
    codes = published_codes(live_server)
    code = "LK01" if "LK01" in codes else codes[0]
    printed = sign_path(live_server, code)
    assert printed == f"/R/{code.upper()}"  # what the sign carries, scheme and host aside
    context = new_phone_context(chromium)
    try:
        page = context.new_page()
        save_offline_pack(page, base)
        open_page(page, base + f"/r/{code}?via=site")
        online_name = page.locator(RELIC_HEADING).inner_text()
        context.set_offline(True)
        forms = [printed, f"/r/{code.lower()}", f"{printed}/", f"/r/{code.lower()}/"]
        for other in codes:  # every relic of the pack, by the form its sign carries
            forms.append(sign_path(live_server, other))
        for path in forms:
            page.goto(base + path, wait_until="load")
            assert page.locator(RELIC_HEADING).count() == 1, path
        page.goto(base + printed, wait_until="load")
        assert page.locator(RELIC_HEADING).inner_text() == online_name
        # The photos come from the pack too: none is missing offline.
        for photo in photos_shown(page):
            assert photo["w"] > 0, photo
    finally:
        context.close()


def test_the_pack_holds_the_photo_files_a_2x_phone_picks(live_server, chromium):
    """Browse every packed page online as a 360 px, 2x phone: each photo it fetches is packed."""
    base = live_server.url
    pack = pack_of(live_server)
    packed = {base + url for url in pack["images"]}
    context = new_phone_context(chromium, service_workers="block")
    try:
        page = context.new_page()
        for path in pack["pages"]:
            if path == "/offline":
                continue
            open_page(page, base + path)
            for photo in photos_shown(page):
                assert photo["w"] > 0
                assert photo["src"] in packed, (path, photo["src"], sorted(packed))
    finally:
        context.close()


def test_the_offer_shows_only_where_saving_can_work(live_server, chromium):
    base = live_server.url
    blocked = new_phone_context(chromium, service_workers="block")
    try:  # no service worker: nothing could be saved
        page = blocked.new_page()
        open_page(page, base + "/relics")
        page.wait_for_timeout(300)  # site.js has run (deferred) by "load"; give it a tick
        assert page.locator("[data-pack]").is_hidden()
    finally:
        blocked.close()

    context = new_phone_context(chromium)
    try:
        page = context.new_page()
        open_page(page, base + "/")
        wait_for_service_worker(page)
        page.locator("[data-pack-button]").wait_for(state="visible")
        # Pages that cannot be kept offer nothing: an unknown code, the offline page.
        for path in ("/r/NOPE1", "/offline"):
            page.goto(base + path, wait_until="load")
            assert page.locator("[data-pack]").count() == 0, path

        save_offline_pack(page, base)
        page.reload(wait_until="load")  # saved already: no offer, only the confirmation
        status = page.locator("[data-pack-status]")
        status.wait_for(state="visible")
        assert status.inner_text() == status.get_attribute("data-done")
        assert page.locator("[data-pack-button]").is_hidden()

        context.set_offline(True)  # offline: the page opens, the offer does not show
        page.goto(base + "/relics", wait_until="load")
        page.wait_for_timeout(300)
        assert page.locator("[data-pack]").is_hidden()
    finally:
        context.close()


def test_a_1x_phone_offline_shows_the_photos_from_other_saved_widths(live_server, chromium):
    """A cheap 360 px phone at 1x asks for widths the pack (made for 2x) does not hold:
    offline, the service worker answers with a saved width of the same photo."""
    base = live_server.url
    packed = {base + url for url in pack_of(live_server)["images"]}
    codes = published_codes(live_server)
    code = "LK01" if "LK01" in codes else codes[0]
    context = new_phone_context(chromium, device_scale_factor=1)
    try:
        page = context.new_page()
        save_offline_pack(page, base)
        context.set_offline(True)
        page.goto(base + f"/r/{code}", wait_until="load")
        assert page.locator(RELIC_HEADING).count() == 1
        shown = photos_shown(page)
        assert shown and all(photo["w"] > 0 for photo in shown), shown
        main = page.evaluate(
            "() => { const img = document.querySelector('article.relic img');"
            " return img ? {src: img.currentSrc, w: img.naturalWidth} : null; }"
        )
        assert main is not None and main["w"] > 0, main
        # The page asked for a width the pack does not hold: the fallback answered it.
        assert any(photo["src"] not in packed for photo in shown), (shown, packed)
    finally:
        context.close()
