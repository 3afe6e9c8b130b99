"""No stamp verdict without a counted scan (issue 14.1).

A counterfeiter prints copies of a genuine code with whatever URL suits them, so no
URL may keep a scan out of the count: the copied-code warning rests on the count. A
buyer's second look at the page (another language, a reload) is told apart by what a
printed code cannot carry: the same phone, a few minutes after its counted scan.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.models import Product
from qrsvc.stamps import runs
from qrsvc.stamps.alerts import counterfeit_alerts
from qrsvc.stamps.codes import make_token
from tests.test_stamps import GTIN, PHONE, later, new_run, scans_of, state_of


@pytest.fixture(autouse=True)
def english(client):
    """Assertions read the English texts."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def key(app) -> bytes:
    return app.config["STAMP_KEY"].encode()


def phone(ip: str, agent: str = PHONE["HTTP_USER_AGENT"]) -> dict:
    """The environ of one phone: its address and its browser."""
    return {"REMOTE_ADDR": ip, "HTTP_USER_AGENT": agent}


def open_page(client, url: str, ip: str = "10.20.0.1"):
    """GET ``url`` as the phone at ``ip`` would, following redirects from that phone."""
    page = client.get(url, environ_base=phone(ip))
    for _ in range(3):
        if page.status_code not in (301, 302, 307, 308):
            break
        target = urlsplit(page.location)
        page = client.get(target.path, query_string=target.query, environ_base=phone(ip))
    return page


def published_run(**kwargs):
    """A run of a published product, so that its Digital Link item URIs resolve."""
    run = new_run(**kwargs)
    for product in db.session.scalars(select(Product)):
        product.status = "published"
    db.session.commit()
    return run


URLS = [
    "/S/{token}",
    "/S/{token}?via=site",
    "/S/{token}?lang=en",
    "/S/{token}?lang=en&via=site",
    "/S/{token}?via=site&via=site&lang=vi",
    "/S/{token}?v%69a=site",  # an encoded name is the same parameter
    "/S/{token}?utm_source=zalo&fbclid=abc",
    "/S/{token}?via=" + "site" * 2000,  # oversized
    "/S/{token}?lang=%3Cscript%3Ealert(1)%3C/script%3E",  # hostile
    "/s/{token}",
    "/s/{token}?via=site",
    "/S/{lower}",
    "/S/{token}/",
    "/s/{lower}/?via=site",
    "/01/{gtin}/10/L2611/21/{token}",
    "/01/{gtin}/10/L2611/21/{token}?via=site&lang=en",
    "/01/{gtin}/10/L2611/21/{lower}?via=site",
    "/01/{gtin}/10/L2611/21/{token}/",
    "/01/{gtin}/10/L2611/21/{token}?linkType=gs1:defaultLink&via=site",
]


@pytest.mark.parametrize("url", URLS)
def test_every_url_of_a_stamp_counts_the_scan(session, client, key, url):
    _, first, _ = published_run()
    token = make_token(key, first)
    page = open_page(client, url.format(token=token, lower=token.lower(), gtin=GTIN))
    assert page.status_code == 200
    english = "Genuine stamp" in page.text and "first time this stamp has been checked" in page.text
    vietnamese = "Tem chính hãng" in page.text and "lần đầu tiên tem này được kiểm tra" in page.text
    assert english or vietnamese  # the verdict, in the language the URL asked for
    assert "<script>alert" not in page.text
    assert "data-pack" not in page.text  # a verdict is never offered for offline use
    state = state_of(first)
    assert state.scan_count == 1 and scans_of(first) == 1


def test_a_redirect_shows_no_verdict_and_counts_nothing(session, client, key):
    _, first, _ = new_run()
    token = make_token(key, first)
    for url in (f"/s/{token}?via=site", f"/S/{token.lower()}", f"/S/{token}/"):
        moved = client.get(url, environ_base=phone("10.20.1.1"))
        assert moved.status_code == 301 and "Genuine" not in moved.text
    assert state_of(first) is None  # the page they lead to counts, once


def test_a_second_look_by_the_same_phone_is_shown_but_not_counted(session, client, key):
    _, first, _ = new_run()
    token = make_token(key, first)
    assert open_page(client, f"/S/{token}").status_code == 200
    # The buyer switches the language, reloads, follows a shared link: the same phone.
    for url in (
        f"/S/{token}?lang=en",
        f"/S/{token}?lang=vi&via=site",
        f"/s/{token}",
        f"/S/{token}",
    ):
        page = open_page(client, url)
        assert page.status_code == 200
        assert "Genuine stamp" in page.text or "Tem chính hãng" in page.text
    state = state_of(first)
    assert state.scan_count == 1 and scans_of(first) == 1
    # Once the few minutes are over, the same phone scanning again is another check.
    later(first)
    assert "Checked 2 times" in open_page(client, f"/S/{token}?lang=en").text
    assert state_of(first).scan_count == 2 and scans_of(first) == 2


def test_another_phone_counts_however_soon(session, client, key):
    _, first, _ = new_run()
    token = make_token(key, first)
    open_page(client, f"/S/{token}", ip="10.20.2.1")
    open_page(client, f"/S/{token}?lang=en&via=site", ip="10.20.2.2")
    assert state_of(first).scan_count == 2
    # The same address with another browser is another client, too.
    other_browser = client.get(
        f"/S/{token}", environ_base=phone("10.20.2.2", "Mozilla/5.0 (iPhone) Safari")
    )
    assert other_browser.status_code == 200
    assert state_of(first).scan_count == 3 and scans_of(first) == 3


def test_a_second_look_does_not_hide_another_phone_in_between(session, client, key):
    """Only a look right after the same phone's own counted scan is a second look."""
    _, first, _ = new_run()
    token = make_token(key, first)
    open_page(client, f"/S/{token}", ip="10.20.3.1")
    open_page(client, f"/S/{token}", ip="10.20.3.2")
    open_page(client, f"/S/{token}?lang=en", ip="10.20.3.1")
    assert state_of(first).scan_count == 3


def test_the_copy_warning_fires_for_a_copy_printed_with_via_site(session, client, key):
    run_id, first, _ = new_run()
    copy = f"/S/{make_token(key, first)}?via=site"  # what the counterfeiter printed
    for ip in ("10.20.4.1", "10.20.4.2"):
        assert "check carefully" not in open_page(client, copy, ip=ip).text
    warned = open_page(client, copy, ip="10.20.4.3")
    assert "check carefully" in warned.text
    assert "Checked 3 times." in warned.text and "By 3 different phones." in warned.text
    [alert] = counterfeit_alerts(session, run_id=run_id)
    assert (alert.serial, alert.reason, alert.scan_count) == (first, "copied", 3)


def test_many_phones_scanning_copies_always_count(session, client, key):
    _, first, _ = new_run()
    token = make_token(key, first)
    copies = [f"/S/{token}?via=site", f"/s/{token}?lang=en", f"/S/{token}/"]
    for n in range(12):
        open_page(client, copies[n % 3], ip=f"10.20.5.{n}")
        open_page(client, f"/S/{token}?lang=vi&via=site", ip=f"10.20.5.{n}")  # a second look
    assert state_of(first).scan_count == 12 and scans_of(first) == 12


def test_one_phone_cannot_inflate_the_count_with_other_urls(session, client, key):
    _, first, _ = new_run()
    token = make_token(key, first)
    for n in range(20):
        open_page(client, f"/S/{token}?n={n}&via=site")
    assert state_of(first).scan_count == 1
    assert counterfeit_alerts(session) == []


@pytest.mark.parametrize("app_config", [{"STAMP_REVIEW_SECONDS": 0}])
def test_without_a_review_window_every_look_counts(session, client, key):
    _, first, _ = new_run()
    token = make_token(key, first)
    for url in (f"/S/{token}", f"/S/{token}?lang=en", f"/S/{token}?via=site"):
        open_page(client, url)
    assert state_of(first).scan_count == 3 and scans_of(first) == 3


@pytest.mark.parametrize(
    "headers",
    [
        {"User-Agent": "curl/8.5"},
        {"User-Agent": "WhatsApp/2.23"},
        {"User-Agent": "facebookexternalhit/1.1"},
        {"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"},
        {"Sec-Purpose": "prefetch"},
        {"Purpose": "prefetch"},
    ],
    ids=["curl", "whatsapp", "facebook", "googlebot", "sec-purpose", "purpose"],
)
def test_what_is_not_counted_sees_no_verdict(session, client, key, headers):
    """Found by a probe: link previews and prefetches saw "genuine" without a count."""
    _, first, _ = published_run()
    token = make_token(key, first)
    for url in (f"/S/{token}", f"/01/{GTIN}/10/L2611/21/{token}"):
        page = client.get(url, headers=headers)
        assert page.status_code == 200
        assert "Check this stamp" in page.text
        assert "Genuine stamp" not in page.text and "first time" not in page.text
    assert state_of(first) is None or state_of(first).scan_count == 0
    assert scans_of(first) == 0


def test_a_head_request_tells_nothing_of_the_state(session, client, key):
    """HEAD is never counted, so its status and length must not give the verdict away."""
    run_id, first, last = published_run()
    runs.void(session, run_id, last, last)  # one genuine stamp, one cancelled
    heads = [client.head(f"/S/{make_token(key, serial)}") for serial in (first, last)]
    assert [h.status_code for h in heads] == [200, 200]
    assert len({h.headers.get("Content-Length") for h in heads}) == 1
    assert scans_of(first) == 0 and scans_of(last) == 0
    # A real look at the cancelled one does say so, and is counted.
    assert open_page(client, f"/S/{make_token(key, last)}").status_code == 410
