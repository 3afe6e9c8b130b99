"""A code as printed is a code as served: every form of a code is one page and one count.

A relic sign encodes its whole URL in upper case (QR alphanumeric mode), people type
codes in lower case or add a slash, and a Digital Link may come with a short GTIN, a
legacy ``/gtin/`` name or a slash. Each form must open the same page (one canonical
URL, answered without a redirect) and add to the same counter. The offline side of
the same rule (the service worker's key) is tested in
tests/browser/test_offline_codes_browser.py.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from qrsvc.extensions import db
from qrsvc.printing.records import relic_url
from tests.test_public import PHONE, add_relic, scan_rows
from tests.test_trace_pages import GTIN_CAKE, build_catalog

CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)">')


@pytest.fixture
def app_config() -> dict:
    """No background scan flusher: the tests flush when they look."""
    return {"SCAN_FLUSH_SECONDS": 0}


@pytest.fixture
def lam_kinh(app) -> int:
    """One published relic, LK01, in Vietnamese and English; its id."""
    with app.app_context():
        relic = add_relic(
            db.session, "LK01", {"vi": "Khu di tích Lam Kinh", "en": "Lam Kinh historical site"}
        )
        db.session.commit()
        return relic.id


def printed_sign_path(app, code: str) -> str:
    """The path of the URL the printing engine puts into a relic sign's QR code."""
    with app.app_context():
        url, _text = relic_url(code)
    # The scheme and host are case-insensitive and a phone lower-cases them; the path
    # reaches the server exactly as printed.
    return urlsplit(url).path


def test_the_sign_prints_the_upper_case_form(app, lam_kinh):
    with app.app_context():
        url, text = relic_url("lk01")
    assert url == "HTTP://QR.TEST/R/LK01"  # the whole URL in QR alphanumeric mode
    assert text == "qr.test/r/LK01"
    assert printed_sign_path(app, "LK01") == "/R/LK01"


def test_every_form_of_a_relic_code_is_the_same_page_and_the_same_count(app, client, lam_kinh):
    forms = [
        printed_sign_path(app, "LK01"),  # /R/LK01, exactly as the sign carries it
        "/r/LK01",
        "/r/lk01",
        "/R/lk01",
        "/r/Lk01",
        "/r/LK01/",
        "/R/LK01/",
        "/r/lk01/",
    ]
    answers = [client.get(path, headers={"User-Agent": PHONE}) for path in forms]
    assert [a.status_code for a in answers] == [200] * len(forms)
    # Byte for byte the same page (the same ETag), naming one canonical URL.
    assert len({a.headers["ETag"] for a in answers}) == 1
    assert len({a.data for a in answers}) == 1
    html = answers[0].get_data(as_text=True)
    assert CANONICAL.search(html).group(1) == "http://qr.test/r/LK01"
    # No redirect between the scan and the page: one round trip on weak 3G.
    assert all("Location" not in a.headers for a in answers)
    # Every scan counts for the same relic, as a scan of the printed code.
    assert scan_rows(app) == [(lam_kinh, "vi", "qr", "mobile", len(forms))]


def test_a_revalidated_form_is_still_the_same_page(client, lam_kinh):
    etag = client.get("/r/LK01").headers["ETag"]
    again = client.get("/R/LK01/", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_site_links_and_language_links_keep_counting_the_same_relic(app, client, lam_kinh):
    client.get("/R/LK01", headers={"User-Agent": PHONE})
    client.get("/r/lk01/?via=site", headers={"User-Agent": PHONE})
    client.get("/R/LK01?lang=en", headers={"User-Agent": PHONE})
    assert scan_rows(app) == [
        (lam_kinh, "en", "qr", "mobile", 1),
        (lam_kinh, "vi", "qr", "mobile", 1),
        (lam_kinh, "vi", "site", "mobile", 1),
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/r/LK0",
        "/r/LK01%20",
        "/r/LK01%00",
        "/R/LK01/x",
        "/r/" + "L" * 5000,
        "/R/" + "%C3%A2" * 300 + "/",
        "/r/LK-01/",
        "/r/..%2FLK01",
    ],
)
def test_what_is_not_a_form_of_a_code_is_a_clean_404(app, client, lam_kinh, path):
    response = client.get(path, headers={"User-Agent": PHONE})
    assert response.status_code == 404
    assert len(response.data) < 40_000
    assert scan_rows(app) == []


def test_a_doubled_slash_is_merged_by_one_redirect(client, lam_kinh):
    for path in ("/R//LK01", "/r/LK01//"):
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200 and len(response.history) == 1, path


@pytest.fixture
def catalog(app):
    """The sample catalog of tests/test_trace_pages.py (bánh gai with GTIN, lots)."""
    with app.app_context():
        return build_catalog(db.session)


def counts_by_target(app) -> dict[int, int]:
    """{target id: views} of the stored counters, after a flush."""
    totals: dict[int, int] = {}
    for target_id, _lang, _source, _device, count in scan_rows(app):
        totals[target_id] = totals.get(target_id, 0) + count
    return totals


def test_every_digital_link_form_of_a_product_is_one_page_and_one_count(app, client, catalog):
    forms = [
        f"/01/{GTIN_CAKE}",
        f"/01/{GTIN_CAKE}/",
        f"/01/{GTIN_CAKE[1:]}",  # GTIN-13 as printed under an EAN-13 bar code
        f"/01/{GTIN_CAKE[1:]}/",
        f"/gtin/{GTIN_CAKE}",  # the legacy short name
        "/p/banh-gai-tu-tru",  # the local path of a label printed before the GTIN
        "/p/banh-gai-tu-tru/",
    ]
    answers = [client.get(path, headers={"User-Agent": PHONE}) for path in forms]
    assert [a.status_code for a in answers] == [200] * len(forms)
    canonical = {CANONICAL.search(a.get_data(as_text=True)).group(1) for a in answers}
    assert canonical == {f"http://qr.test/01/{GTIN_CAKE}"}
    assert counts_by_target(app) == {catalog.cake_id: len(forms)}


def test_every_digital_link_form_of_a_batch_is_one_page_and_one_count(app, client, catalog):
    forms = [
        f"/01/{GTIN_CAKE}/10/BG0601",
        f"/01/{GTIN_CAKE}/10/BG0601/",
        f"/01/{GTIN_CAKE[1:]}/10/BG0601",
        f"/gtin/{GTIN_CAKE}/lot/BG0601",
        f"/01/{GTIN_CAKE}/10/BG0601?17=250608",  # data attributes ride in the query
        "/p/banh-gai-tu-tru/10/BG0601",
    ]
    answers = [client.get(path, headers={"User-Agent": PHONE}) for path in forms]
    assert [a.status_code for a in answers] == [200] * len(forms)
    canonical = {CANONICAL.search(a.get_data(as_text=True)).group(1) for a in answers}
    assert canonical == {f"http://qr.test/01/{GTIN_CAKE}/10/BG0601"}
    assert counts_by_target(app) == {catalog.cake_lot_id: len(forms)}


def test_a_lot_keeps_its_case(client, catalog):
    # Lots are case-sensitive in GS1: an upper-cased lot is another lot, which walks up
    # to the product page (never someone else's batch).
    html = client.get(f"/01/{GTIN_CAKE}/10/bg0601?lang=vi").get_data(as_text=True)
    assert CANONICAL.search(html).group(1) == f"http://qr.test/01/{GTIN_CAKE}"
