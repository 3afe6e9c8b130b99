"""Stamps end to end: runs, states, the stamp page, PIN, copied-code warnings, CLI."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from qrsvc.cache import bump_generation
from qrsvc.extensions import db
from qrsvc.localtime import local_today
from qrsvc.models import Batch, Producer, Product, StampRunChange, StampScan, StampState, utcnow
from qrsvc.stamps import runs
from qrsvc.stamps.alerts import counterfeit_alerts
from qrsvc.stamps.codes import make_token, parse_token, stamp_pin
from qrsvc.stamps.runs import StampRunError, allocate_run, run_stamps

GTIN = "08931234567897"
PHONE = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 10) Mobile"}


def make_batch(producer_ref="tutru", lot="L2611", status="active") -> int:
    """A batch of the producer's product (created on first use); returns the batch id.

    Only the first producer's product has a GTIN (GTINs are unique).
    """
    producer = db.session.scalar(select(Producer).where(Producer.ref == producer_ref))
    if producer is None:
        producer = Producer(ref=producer_ref, name="HTX Bánh gai Tứ Trụ", commune="Thọ Xuân")
    product = db.session.scalar(select(Product).where(Product.ref == f"banh-gai-{producer_ref}"))
    if product is None:
        product = Product(
            ref=f"banh-gai-{producer_ref}",
            producer=producer,
            gtin=GTIN if producer_ref == "tutru" else None,
            name={"vi": "Bánh gai Tứ Trụ", "en": "Tu Tru gai leaf cake"},
            ocop_stars=4,
            ocop_cert_expiry=date.today() + timedelta(days=300),
        )
    batch = Batch(
        ref=f"{producer_ref}-{lot}",
        product=product,
        lot=lot,
        status=status,
        production_date=date(2026, 11, 20),
    )
    db.session.add_all([producer, product, batch])
    db.session.commit()
    return batch.id


def new_run(count=10, *, batch_id=None, with_pin=False, activate=True):
    """A run of ``count`` stamps (activated unless told otherwise); returns (id, first, last)."""
    batch = db.session.get(Batch, batch_id or make_batch())
    run = allocate_run(db.session, batch, count, with_pin=with_pin)
    run_id, first, last = run.id, run.first_serial, run.last_serial
    if activate:
        runs.activate(db.session, run_id)
    return run_id, first, last


@pytest.fixture(autouse=True)
def english(client):
    """Assertions read the English texts; the Vietnamese page has its own test."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def key(app) -> bytes:
    return app.config["STAMP_KEY"].encode()


@pytest.fixture
def scan(client, key):
    """GET the stamp page of a serial as the phone at ``ip``."""

    def get(serial, ip="10.0.0.1", **kwargs):
        environ = {"REMOTE_ADDR": ip, **PHONE, **kwargs.pop("environ_base", {})}
        return client.get(f"/S/{make_token(key, serial)}", environ_base=environ, **kwargs)

    return get


def state_of(serial) -> StampState | None:
    db.session.rollback()
    return db.session.get(StampState, serial, populate_existing=True)


def later(serial, minutes=10) -> None:
    """As if ``minutes`` had passed since the stamp's last counted scan: the same phone
    scanning after that is checking again, not reading the page a second time."""
    state = state_of(serial)
    if state is not None and state.last_scan_at is not None:
        state.last_scan_at -= timedelta(minutes=minutes)
        db.session.commit()


def scans_of(serial) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).where(StampScan.serial == serial))


# --- the page for each state ------------------------------------------------------------


def test_active_stamp_counts_scans_and_shows_first_scan(session, scan):
    _, first, _ = new_run()
    page = scan(first)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Genuine stamp" in html and "first time this stamp has been checked" in html
    assert "Tu Tru gai leaf cake" in html or "Bánh gai Tứ Trụ" in html
    assert f'href="/01/{GTIN}/10/L2611"' in html
    assert page.headers["Cache-Control"] == "no-store"
    later(first)
    second = scan(first).get_data(as_text=True)
    state = state_of(first)
    assert state.scan_count == 2 and scans_of(first) == 2
    local = state.first_scan_at + timedelta(hours=7)
    assert local.strftime("%d/%m/%Y %H:%M") in second
    assert "Checked 2 times" in second and "this is normal" in second
    assert "check carefully" not in second


def test_not_activated_stamp_is_genuine_but_flagged_for_staff(session, scan):
    run_id, first, _ = new_run(activate=False)
    page = scan(first)
    assert page.status_code == 200
    assert "not activated" in page.get_data(as_text=True)
    assert [a.reason for a in counterfeit_alerts(session, run_id=run_id)] == ["not_activated"]


def test_voided_run_answers_410_and_scans_become_alerts(session, scan, runner):
    run_id, first, last = new_run()
    result = runner.invoke(args=["stamps", "void", str(run_id), "--note", "stolen"])
    assert result.exit_code == 0, result.output
    assert "voided 10 stamps" in result.output
    page = scan(last)
    assert page.status_code == 410
    assert "Cancelled stamp" in page.get_data(as_text=True)
    assert state_of(last).alert_reason == "voided"
    assert session.get(runs.StampRun, run_id, populate_existing=True).status == "voided"


def test_recalled_batch_answers_410(session, scan):
    batch_id = make_batch(lot="R1")
    _, first, _ = new_run(batch_id=batch_id)
    db.session.get(Batch, batch_id).status = "recalled"
    db.session.commit()
    page = scan(first)
    assert page.status_code == 410 and "Recalled product" in page.get_data(as_text=True)


def test_sub_range_activation_and_void(session, scan, runner):
    run_id, first, last = new_run(20, activate=False)
    result = runner.invoke(
        args=["stamps", "activate", str(run_id), "--first", str(first + 5), "--last", str(last)]
    )
    assert result.exit_code == 0, result.output
    assert "activated 15 stamps" in result.output
    assert "not activated" in scan(first + 4).get_data(as_text=True)
    assert scan(first + 5).status_code == 200
    assert "Genuine stamp" in scan(first + 5).get_data(as_text=True)
    result = runner.invoke(
        args=["stamps", "void", str(run_id), "--first", f"{first + 10:08d}", "--last", str(last)]
    )
    assert result.exit_code == 0, result.output
    assert scan(first + 10).status_code == 410 and scan(first + 9).status_code == 200
    shown = runner.invoke(args=["stamps", "show", str(run_id)]).output
    assert "allocated" in shown and "active" in shown and "voided" in shown
    assert shown.count("command line") == 3  # allocate, activate, void: who and when


def test_voided_serials_can_never_be_activated_again(session, runner, scan):
    run_id, first, last = new_run(10, activate=False)
    runs.void(session, run_id, first, first + 3)
    before = session.scalar(select(func.count()).select_from(StampRunChange))
    result = runner.invoke(args=["stamps", "activate", str(run_id)])
    assert result.exit_code != 0
    assert "voided" in result.output and "never be activated again" in result.output
    assert f"{first:08d}-{first + 3:08d}" in result.output
    assert session.scalar(select(func.count()).select_from(StampRunChange)) == before
    assert scan(first).status_code == 410 and "not activated" in scan(last).get_data(as_text=True)
    # The stamps nobody voided can still be activated.
    assert (
        runner.invoke(
            args=["stamps", "activate", str(run_id), "--first", str(first + 4), "--last", str(last)]
        ).exit_code
        == 0
    )
    assert scan(last).status_code == 200


@pytest.mark.parametrize(
    "args, message",
    [
        (["activate", "999"], "no stamp run 999"),
        (["activate", "RUN", "--first", "FIRST"], "both --first and --last"),
        (["activate", "RUN", "--first", "LAST", "--last", "FIRST"], "not a range inside it"),
        (["void", "RUN", "--first", "FIRST", "--last", "AFTER"], "not a range inside it"),
        (["activate", "RUN", "--by", "nobody@example.org"], "no user with e-mail"),
        (["activate", "0"], "0"),
        (["void", "RUN", "--first", "-5", "--last", "3"], "-5"),
    ],
)
def test_cli_refuses_bad_changes(session, runner, args, message):
    run_id, first, last = new_run(5, activate=False)
    values = {"RUN": run_id, "FIRST": first, "LAST": last, "AFTER": last + 1}
    args = [str(values.get(arg, arg)) for arg in args]
    result = runner.invoke(args=["stamps", *args])
    assert result.exit_code != 0 and message in result.output
    assert session.scalar(select(func.count()).select_from(StampRunChange)) == 1  # allocate


def test_voiding_twice_is_refused_with_a_clear_message(session):
    run_id, *_ = new_run(5)
    runs.void(session, run_id)
    with pytest.raises(StampRunError, match="already void"):
        runs.void(session, run_id)


# --- tokens: forged, malformed, hostile, non-canonical -------------------------------------


def test_forged_signature_is_unknown_and_touches_nothing(session, client, key, scan):
    _, first, _ = new_run()
    token = make_token(key, first)
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    other_key = make_token(b"some other district's stamp key!", first)
    for bad in (forged, other_key):
        page = client.get(f"/S/{bad}")
        assert page.status_code == 404
        html = page.get_data(as_text=True)
        assert "Stamp not recognised" in html and "Quản lý thị trường" in html
    assert state_of(first) is None and scans_of(first) == 0


@pytest.mark.parametrize(
    "path",
    [
        "/S/" + "A" * 10_000,  # oversized
        "/S/%00%00%00%00%00%00%00%00%00%00%00",  # NUL bytes
        "/S/ẢẢẢẢẢẢẢẢẢẢẢẢ",  # unicode that upper-cases oddly
        "/S/<script>alert(1)</script>",
        "/S/..%2F..%2Fetc%2Fpasswd",
        "/S/00000000000000",  # leading zero: not a spelling we issue
        "/S/1",  # too short
        "/s/%E2%80%AE%E2%80%AE%E2%80%AE%E2%80%AE%E2%80%AE%E2%80%AE",
    ],
)
def test_malformed_tokens_get_the_unknown_page(session, client, path):
    new_run(2)
    page = client.get(path)
    assert page.status_code == 404
    assert "<script>alert" not in page.get_data(as_text=True)
    assert scans_of(1) == 0


def test_a_signed_serial_in_no_run_is_unknown(session, client, key):
    new_run(3)
    assert client.get(f"/S/{make_token(key, 4)}").status_code == 404


def test_other_spellings_redirect_to_the_canonical_token(session, client, key, scan):
    _, first, _ = new_run()
    token = make_token(key, first)
    spellings = [f"/s/{token}", f"/S/{token.lower()}", f"/s/{token.lower()}"]
    if "0" in token:
        spellings.append(f"/S/{token.replace('0', 'O')}")
    for path in spellings:
        page = client.get(path + "?lang=en")
        assert page.status_code == 301, path
        assert page.location == f"/S/{token}?lang=en"
    assert state_of(first) is None  # redirects are not scans
    assert client.get(f"/S/{token}", follow_redirects=True).status_code == 200


def test_head_requests_and_link_previews_are_not_scans(session, client, key, scan):
    _, first, _ = new_run()
    assert client.head(f"/S/{make_token(key, first)}").status_code == 200
    bot = {"HTTP_USER_AGENT": "facebookexternalhit/1.1"}
    assert scan(first, environ_base=bot).status_code == 200
    kept = {"X-Qrsvc-Purpose": "offline-pack"}  # the service worker saving the page
    assert scan(first, headers=kept).status_code == 200
    assert scan(first, headers={"Sec-Purpose": "prefetch"}).status_code == 200
    assert state_of(first) is None
    scan(first)
    assert state_of(first).scan_count == 1


# --- copied codes ---------------------------------------------------------------------------


def test_one_buyer_scanning_again_and_again_is_not_warned(session, scan):
    _, first, _ = new_run()
    for _ in range(5):
        later(first)
        html = scan(first, ip="10.1.1.1").get_data(as_text=True)
    assert "Checked 5 times" in html and "check carefully" not in html
    assert counterfeit_alerts(session) == []


def test_the_stamp_knows_when_a_second_phone_checks_it(session, scan):
    _, first, _ = new_run()
    for _ in range(12):  # past both thresholds, one phone: the scan rows need not be read
        later(first)
        scan(first, ip="10.1.1.1")
    state = state_of(first)
    assert state.scan_count == 12 and not state.several_clients
    assert len(state.last_client) == 8  # a short tag of the client hash, not the hash
    scan(first, ip="10.1.1.2")
    assert state_of(first).several_clients
    scan(first, ip="10.1.1.2")
    assert state_of(first).several_clients  # once two phones, always


def test_a_sale_is_not_a_copied_code(session, scan):
    """The seller shows the page, the buyer checks it at the stall and again at home, all
    in one day: two phones, three counted scans. That is a sale, not a copy."""
    run_id, first, _ = new_run()
    scan(first, ip="10.1.1.1")  # the seller
    scan(first, ip="10.1.1.2")  # the buyer at the stall
    later(first)
    html = scan(first, ip="10.1.1.2").get_data(as_text=True)  # the buyer at home
    assert "Checked 3 times" in html and "check carefully" not in html
    for _ in range(10):  # and both of them, all week
        later(first)
        scan(first, ip="10.1.1.1")
        later(first)
        assert "check carefully" not in scan(first, ip="10.1.1.2").get_data(as_text=True)
    assert counterfeit_alerts(session, run_id=run_id) == []


def test_three_phones_in_a_day_look_like_a_copied_code(session, scan):
    run_id, first, _ = new_run()
    scan(first, ip="10.1.1.1")
    assert "check carefully" not in scan(first, ip="10.1.1.2").get_data(as_text=True)
    html = scan(first, ip="10.1.1.3").get_data(as_text=True)
    assert "check carefully" in html
    [alert] = counterfeit_alerts(session, run_id=run_id)
    assert (alert.serial, alert.reason, alert.scan_count) == (first, "copied", 3)
    assert alert.first_scan_at <= alert.last_scan_at
    # Once copied, every later scan warns, even from the first phone.
    assert "check carefully" in scan(first, ip="10.1.1.1").get_data(as_text=True)


def test_ten_scans_in_a_week_look_like_a_copied_code(session, scan):
    _, first, _ = new_run()
    scan(first, ip="10.2.0.1")
    # Older scans by other phones, spread over the week (none in the last 24 hours).
    state = state_of(first)
    for i in range(7):
        at = utcnow() - timedelta(hours=25 + 20 * i)
        db.session.add(StampScan(serial=first, at=at, client_hash=f"phone {i}"))
    # What those scans did to the stamp's counts.
    state.scan_count, state.several_clients, state.last_client = 8, True, "phone 6"
    db.session.commit()
    assert "check carefully" not in scan(first, ip="10.2.0.1").get_data(as_text=True)
    later(first)
    assert "check carefully" in scan(first, ip="10.2.0.1").get_data(as_text=True)


def test_scans_shared_from_far_apart_flag_the_stamp(session, client, key, scan):
    _, first, _ = new_run()
    token = make_token(key, first)
    scan(first, ip="10.3.0.1")
    here = {"REMOTE_ADDR": "10.3.0.1", **PHONE}
    shared = client.post(
        f"/S/{token}/location", data={"lat": "19.93", "lon": "105.38"}, environ_base=here
    )
    assert shared.status_code == 200 and "check carefully" not in shared.text
    scan(first, ip="10.3.0.2")
    there = {"REMOTE_ADDR": "10.3.0.2", **PHONE}  # Ho Chi Minh City, minutes later
    far = client.post(
        f"/S/{token}/location", data={"lat": "10.77", "lon": "106.70"}, environ_base=there
    )
    assert "check carefully" in far.text
    assert state_of(first).alert_reason == "far_apart"
    assert state_of(first).scan_count == 2  # sharing a location is not another scan
    located = db.session.scalars(select(StampScan.latitude).where(StampScan.serial == first))
    assert sorted(located) == [10.77, 19.93]


@pytest.mark.parametrize(
    "data",
    [
        {"lat": "abc", "lon": "1"},
        {"lat": "91", "lon": "1"},
        {"lat": "1", "lon": "-181"},
        {"lat": "nan", "lon": "1"},
        {"lat": "inf", "lon": "1"},
        {"lat": "1" * 5000, "lon": "1"},
        {"lon": "1"},
    ],
)
def test_bad_locations_are_refused(session, client, key, data, scan):
    _, first, _ = new_run()
    scan(first)
    page = client.post(f"/S/{make_token(key, first)}/location", data=data)
    assert page.status_code == 400
    assert db.session.scalar(select(StampScan.latitude).where(StampScan.serial == first)) is None


# --- the PIN ------------------------------------------------------------------------------------


def pin_post(client, key, serial, pin, ip="10.4.0.1"):
    return client.post(
        f"/S/{make_token(key, serial)}/pin", data={"pin": pin}, environ_base={"REMOTE_ADDR": ip}
    )


def test_pin_confirms_a_purchase_once(session, client, key, scan):
    _, first, _ = new_run(with_pin=True)
    assert 'name="pin"' in scan(first).text
    pin = stamp_pin(key, first)
    confirmed = pin_post(client, key, first, f"{pin[:4]} {pin[4:]}")
    assert confirmed.status_code == 200 and "your purchase is confirmed" in confirmed.text
    when = state_of(first).pin_confirmed_at
    again = pin_post(client, key, first, pin, ip="10.4.0.2")
    assert "already confirmed on" in again.text
    assert (when + timedelta(hours=7)).strftime("%d/%m/%Y %H:%M") in again.text
    assert "already confirmed on" in scan(first).text
    assert state_of(first).pin_confirmed_at == when


def test_wrong_pins_lock_the_stamp_for_a_day(session, client, key):
    _, first, _ = new_run(with_pin=True)
    right = stamp_pin(key, first)
    wrong = f"{(int(right) + 1) % 10**8:08d}"
    page = pin_post(client, key, first, wrong)
    assert "9 attempts left" in page.text
    for bad in ["", "1234", "abcdefgh", "١٢٣٤٥٦٧٨", "9" * 5000, wrong, wrong, wrong, wrong, wrong]:
        page = pin_post(client, key, first, bad)
    assert "Too many wrong PINs" in page.text
    assert "Too many wrong PINs" in pin_post(client, key, first, right).text
    assert state_of(first).pin_confirmed_at is None
    [alert] = counterfeit_alerts(session)
    assert alert.reason == "pin_guessing" and alert.pin_failures == 10
    # A day later the buyer with the real PIN can still confirm.
    state = state_of(first)
    state.pin_failed_at = utcnow() - timedelta(hours=25)
    db.session.commit()
    assert "your purchase is confirmed" in pin_post(client, key, first, right).text


def test_pin_is_refused_on_stamps_without_one_or_not_active(session, client, key):
    _, plain, _ = new_run()
    assert pin_post(client, key, plain, stamp_pin(key, plain)).status_code == 404
    _, inactive, _ = new_run(batch_id=make_batch(lot="L2"), with_pin=True, activate=False)
    page = pin_post(client, key, inactive, stamp_pin(key, inactive))
    assert "not activated" in page.text and "purchase is confirmed" not in page.text
    assert state_of(inactive) is None
    forged = client.post("/S/ZZZZZZZZZZZZ/pin", data={"pin": "12345678"})
    assert forged.status_code == 404


CROSS_SITE = [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},  # another host of the same site is another site here
    {"Origin": "https://evil.example"},
    {"Origin": "null"},  # a sandboxed frame or a data: page
    {"Origin": "http://localhost.evil.example"},
    {"Sec-Fetch-Site": "same-origin", "Origin": "https://evil.example"},
]


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
@pytest.mark.parametrize("headers", CROSS_SITE)
def test_stamp_forms_refuse_posts_from_other_sites(session, client, key, scan, headers):
    _, first, _ = new_run(with_pin=True)
    scan(first)
    token = make_token(key, first)
    pin = client.post(f"/S/{token}/pin", data={"pin": stamp_pin(key, first)}, headers=headers)
    place = client.post(f"/S/{token}/location", data={"lat": 19.9, "lon": 105.4}, headers=headers)
    assert pin.status_code == place.status_code == 403
    assert "only be sent from the stamp page" in pin.text
    state = state_of(first)
    assert state.pin_confirmed_at is None and state.scan_count == 1
    assert not db.session.scalars(
        select(StampScan.latitude).where(StampScan.serial == first)
    ).first()


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_stamp_pages_set_no_cookie_and_their_forms_work_from_the_page(session, client, key, scan):
    """Nothing on the stamp page depends on a session: no cookie, no token in the forms."""
    _, first, _ = new_run(with_pin=True)
    page = scan(first)
    assert "Set-Cookie" not in page.headers and "csrf_token" not in page.text
    token = make_token(key, first)
    from_the_page = {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}
    shared = client.post(
        f"/S/{token}/location", data={"lat": 19.9, "lon": 105.4}, headers=from_the_page
    )
    assert shared.status_code == 200 and "Set-Cookie" not in shared.headers
    ok = client.post(f"/S/{token}/pin", data={"pin": stamp_pin(key, first)}, headers=from_the_page)
    assert "your purchase is confirmed" in ok.text
    # A browser typing the URL, or a client that says nothing about where it posts from.
    again = client.post(f"/S/{token}/pin", data={"pin": stamp_pin(key, first)})
    assert again.status_code == 200 and "already confirmed" in again.text


# --- what the page says ---------------------------------------------------------------------------


def verdict_of(page) -> str:
    """The page's headline (h1) and its title, as one string."""
    heading = re.search(r"<h1>(.*?)</h1>", page.text, re.S)[1]
    title = re.search(r"<title>(.*?)</title>", page.text, re.S)[1]
    return f"{heading.strip()} | {title.strip()}"


def test_a_confirmed_purchase_is_not_told_to_check_carefully(session, client, key, scan):
    _, first, _ = new_run(with_pin=True)
    for ip in ("10.8.0.1", "10.8.0.2", "10.8.0.3"):  # the code has been copied
        scan(first, ip=ip)
    assert "check carefully" in verdict_of(scan(first, ip="10.8.0.4"))
    wrong = pin_post(client, key, first, "00000000", ip="10.8.0.4")
    assert "check carefully" in verdict_of(wrong)  # a wrong PIN proves nothing
    confirmed = pin_post(client, key, first, stamp_pin(key, first), ip="10.8.0.4")
    assert "Purchase confirmed" in verdict_of(confirmed)
    assert "check carefully" not in confirmed.text.lower()
    assert "your purchase is confirmed" in confirmed.text
    assert "Report the seller" not in confirmed.text and "copied onto" not in confirmed.text
    # Whoever scans the code after that is still warned: the purchase was someone else's.
    later_scan = scan(first, ip="10.8.0.5")
    assert "check carefully" in verdict_of(later_scan)
    assert "already confirmed on" in later_scan.text


def test_a_plain_confirmed_purchase_has_a_confirmed_headline(session, client, key, scan):
    _, first, _ = new_run(with_pin=True)
    scan(first)
    confirmed = pin_post(client, key, first, stamp_pin(key, first))
    assert verdict_of(confirmed) == "✓ Purchase confirmed | Purchase confirmed"
    assert "your purchase is confirmed" in confirmed.text and 'role="alert"' not in confirmed.text


def test_a_copy_warning_states_its_evidence(session, client, key, scan):
    _, first, _ = new_run()
    token = make_token(key, first)
    places = [("10.8.1.1", "21.03", "105.85"), ("10.8.1.2", "10.77", "106.70")]  # Hà Nội, HCMC
    for ip, lat, lon in places:
        scan(first, ip=ip)
        client.post(
            f"/S/{token}/location",
            data={"lat": lat, "lon": lon},
            environ_base={"REMOTE_ADDR": ip, **PHONE},
        )
    page = scan(first, ip="10.8.1.3")
    assert "check carefully" in verdict_of(page)
    warning = re.search(
        r'<section class="verdict wait" role="alert">(.*?)</section>', page.text, re.S
    )[1]
    assert "Checked 3 times." in warning
    assert "By 3 different phones." in warning
    assert "In 2 places more than 50 km from each other." in warning
    assert "checked often" not in page.text  # no vague claim in place of the numbers


def test_a_copy_warning_without_shared_places_does_not_invent_them(session, client, key, scan):
    run_id, first, _ = new_run()
    for ip in ("10.8.2.1", "10.8.2.2", "10.8.2.3"):
        page = scan(first, ip=ip)
    assert "Checked 3 times." in page.text and "By 3 different phones." in page.text
    assert "km from each other" not in page.text
    # A cancelled stamp that was copied tells the same numbers under its own headline.
    runs.void(db.session, run_id, note="stolen")
    voided = scan(first, ip="10.8.2.4")
    assert voided.status_code == 410 and "Cancelled stamp" in verdict_of(voided)
    assert "Please check carefully." in voided.text and "By 4 different phones." in voided.text


def test_the_evidence_and_the_location_receipt_read_in_vietnamese(app, client, key, scan):
    # No app context held around the requests: each request chooses its own language.
    with app.app_context():
        _, first, _ = new_run()
    token = make_token(key, first)
    for ip in ("10.8.4.1", "10.8.4.2", "10.8.4.3"):
        page = scan(first, ip=ip, query_string={"lang": "vi"})
    assert "Mã thật, nhưng cần kiểm tra kỹ" in page.text
    assert "Đã được kiểm tra 3 lần." in page.text and "Từ 3 điện thoại." in page.text
    shared = client.post(
        f"/S/{token}/location?lang=vi",
        data={"lat": "19.9", "lon": "105.4"},
        environ_base={"REMOTE_ADDR": "10.8.4.3", **PHONE},
    )
    assert "Cảm ơn bạn: đã nhận được vị trí của bạn." in shared.text


def test_sharing_a_location_says_it_was_received(session, client, key, scan):
    _, first, _ = new_run()
    token = make_token(key, first)
    assert 'id="share-location"' in scan(first, ip="10.8.3.1").text
    here = {"REMOTE_ADDR": "10.8.3.1", **PHONE}
    shared = client.post(
        f"/S/{token}/location", data={"lat": "19.9", "lon": "105.4"}, environ_base=here
    )
    assert shared.status_code == 200
    assert 'role="status"' in shared.text and "your location was received" in shared.text
    assert 'id="share-location"' not in shared.text  # nothing left to share
    assert "Genuine stamp" in verdict_of(shared)
    # A phone that has not checked the stamp: nothing to attach the location to, and it says so.
    stranger = {"REMOTE_ADDR": "10.8.3.2", **PHONE}
    refused = client.post(
        f"/S/{token}/location", data={"lat": "19.9", "lon": "105.4"}, environ_base=stranger
    )
    assert refused.status_code == 200
    assert "your location was received" not in refused.text
    assert "Your location was not recorded" in refused.text
    located = db.session.scalars(select(StampScan.latitude).where(StampScan.serial == first))
    assert list(located) == [19.9]
    assert state_of(first).scan_count == 1


# --- rate limits ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_ENABLED": True, "STAMP_RATELIMIT": "3/minute", "STAMP_PIN_RATELIMIT": "2/minute"}],
)
def test_stamp_routes_are_rate_limited_per_client(session, client, key, scan):
    _, first, _ = new_run(with_pin=True)
    assert [scan(first).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert scan(first, ip="10.9.9.9").status_code == 200  # another client is not affected
    assert client.get("/S/" + "Z" * 20, environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 429
    codes = [pin_post(client, key, first, "00000000", ip="10.5.0.1").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert state_of(first).pin_failures == 2


# --- allocation and printing -------------------------------------------------------------------


def test_runs_take_consecutive_ranges_and_yield_printable_stamps(session, app, key):
    batch = db.session.get(Batch, make_batch())
    first = allocate_run(session, batch, 3, with_pin=True, format_name="stamp-20mm")
    second = allocate_run(session, batch, 5)
    assert (first.first_serial, first.last_serial) == (1, 3)
    assert (second.first_serial, second.last_serial) == (4, 8)
    stamps = list(run_stamps(first, app.config["PUBLIC_URL"], key))
    assert [s.label for s in stamps] == ["00000001", "00000002", "00000003"]
    for serial, stamp in enumerate(stamps, start=1):
        assert stamp.url.startswith("HTTP://QR.TEST/S/")
        assert parse_token(key, stamp.url.rsplit("/", 1)[1]) == serial
        assert stamp.pin == stamp_pin(key, serial)
    assert [s.pin for s in run_stamps(second, "http://qr.test", key, start=3)] == [None, None]
    assert [c.action for c in first.changes] == ["allocate"]


@pytest.mark.parametrize("count", [0, -1, runs.MAX_RUN + 1, True, 2.5, "10"])
def test_allocation_refuses_bad_counts(session, count):
    batch = db.session.get(Batch, make_batch())
    with pytest.raises(StampRunError, match="between 1 and"):
        allocate_run(session, batch, count)
    assert session.scalar(select(func.count()).select_from(runs.StampRun)) == 0


def test_a_recalled_batch_gets_no_new_stamps(session):
    batch = db.session.get(Batch, make_batch(status="recalled"))
    with pytest.raises(StampRunError, match="recalled"):
        allocate_run(session, batch, 10)


def test_printing_states(session, runner):
    run_id, first, _ = new_run(activate=False)
    runs.mark_failed(session, run_id, "paper jam")
    result = runner.invoke(args=["stamps", "activate", str(run_id)])
    assert result.exit_code != 0 and "print it again" in result.output
    assert runner.invoke(args=["stamps", "printed", str(run_id)]).exit_code == 0
    assert runner.invoke(args=["stamps", "activate", str(run_id)]).exit_code == 0
    listed = runner.invoke(args=["stamps", "list"]).output
    assert f"{run_id:>6}" in listed and "active" in listed


# --- Digital Link item URIs and staff views -------------------------------------------------------


def test_digital_link_item_form_renders_the_stamp(app, session, key):
    from qrsvc.stamps.views import render_item_stamp

    batch_id = make_batch()
    _, first, _ = new_run(batch_id=batch_id)
    _, other, _ = new_run(batch_id=make_batch(lot="L2"))
    unstamped = db.session.get(Batch, make_batch(lot="L3"))
    batch = db.session.get(Batch, batch_id)
    token = make_token(key, first)
    path = runs.item_path(GTIN, "L2611", key, first)
    assert path == f"/01/{GTIN}/10/L2611/21/{token}"
    english = {"Accept-Language": "en"}
    with app.test_request_context(path, environ_base=PHONE, headers=english):
        page = render_item_stamp(batch, token)
        assert page.status_code == 200 and "Genuine stamp" in page.get_data(as_text=True)
    with app.test_request_context(path[: -len(token)] + token.lower(), query_string="lang=en"):
        moved = render_item_stamp(batch, token.lower())
        assert moved.status_code == 301
        assert moved.location == f"{path}?lang=en"
    with app.test_request_context("/01/x"):
        assert render_item_stamp(batch, make_token(key, other)).status_code == 404
        assert render_item_stamp(batch, "SERIAL123").status_code == 404
        assert render_item_stamp(unstamped, "SERIAL123") is None
        assert render_item_stamp(unstamped, make_token(key, other)) is None
    assert state_of(first).scan_count == 1


def test_alerts_are_filtered_by_producer_batch_and_run(session, scan, runner):
    mine, other = make_batch("mine"), make_batch("other")
    run_a, a, _ = new_run(batch_id=mine)
    run_b, b, _ = new_run(batch_id=other, activate=False)
    for ip in ("10.6.0.1", "10.6.0.2", "10.6.0.3"):
        scan(a, ip=ip)
    scan(b)
    producer = db.session.get(Batch, mine).product.producer_id
    assert [x.serial for x in counterfeit_alerts(session)] == [a, b]  # copied before inactive
    assert [x.serial for x in counterfeit_alerts(session, producer_id=producer)] == [a]
    assert [x.serial for x in counterfeit_alerts(session, batch_id=other)] == [b]
    assert [x.serial for x in counterfeit_alerts(session, run_id=run_b)] == [b]
    listed = runner.invoke(args=["stamps", "alerts", "--batch", "mine-L2611"]).output
    assert f"{a:08d}" in listed and "copied" in listed and "1 alert(s)" in listed
    assert runner.invoke(args=["stamps", "alerts", "--batch", "nope"]).exit_code != 0


def test_check_command_reads_urls_and_tokens_without_counting(session, runner, key):
    run_id, first, _ = new_run()
    url = f"HTTPS://QR.TEST/S/{make_token(key, first)}"
    result = runner.invoke(args=["stamps", "check", url])
    assert result.exit_code == 0 and f"run {run_id}" in result.output and "active" in result.output
    assert state_of(first) is None
    bad = runner.invoke(args=["stamps", "check", "HTTPS://QR.TEST/S/1ABCDEFGHJK"])
    assert bad.exit_code != 0 and "not a genuine stamp" in bad.output


def test_the_page_speaks_vietnamese_by_default_and_english_on_request(app, client, key):
    import unicodedata

    # No app context held around the requests: each request chooses its own language.
    with app.app_context():
        _, first, _ = new_run()
    token = make_token(key, first)
    vi = client.get(f"/S/{token}", headers={"Accept-Language": "vi,en;q=0.5"}).text
    assert "Tem chính hãng" in vi and "Đây là lần đầu tiên tem này được kiểm tra." in vi
    assert 'lang="vi"' in vi and unicodedata.is_normalized("NFC", vi)
    en = client.get(f"/S/{token}?lang=en").text
    assert "Genuine stamp" in en and "Tu Tru gai leaf cake" in en and 'lang="en"' in en


def test_scans_per_day_use_vietnam_days_and_filters(session, scan):
    from qrsvc.stamps.alerts import scans_per_day

    mine, other = make_batch("mine"), make_batch("other")
    _, a, _ = new_run(batch_id=mine)
    run_b, b, _ = new_run(batch_id=other)
    for ip in ("10.7.0.1", "10.7.0.2", "10.7.0.3"):
        scan(a, ip=ip)
    scan(b)
    # 18:30 UTC yesterday is already today in Vietnam (UTC+7).
    now = utcnow()
    late = (now - timedelta(days=1)).replace(hour=18, minute=30)
    db.session.add(StampScan(serial=b, at=late, client_hash="x"))
    db.session.commit()
    today = (now + timedelta(hours=7)).date()
    late_day = (late + timedelta(hours=7)).date()
    days = scans_per_day(session)
    assert sum(d.scans for d in days) == 5
    assert {d.day for d in days} <= {today, late_day, today - timedelta(days=1)}
    by_day = {d.day: d for d in scans_per_day(session, run_id=run_b)}
    assert sum(d.scans for d in by_day.values()) == 2 and late_day in by_day
    producer = db.session.get(Batch, mine).product.producer_id
    [only] = scans_per_day(session, producer_id=producer)
    assert (only.day, only.scans, only.flagged) == (today, 3, 3)
    assert scans_per_day(session, batch_id=other, days=0) == []


def test_old_scan_rows_can_be_pruned_and_counts_stay(session, scan, runner):
    _, first, _ = new_run()
    scan(first)
    db.session.add(StampScan(serial=first, at=utcnow() - timedelta(days=400), client_hash="old"))
    db.session.commit()
    result = runner.invoke(args=["stamps", "prune-scans", "--older-than", "365"])
    assert result.exit_code == 0 and "deleted 1 scan rows" in result.output
    assert scans_of(first) == 1 and state_of(first).scan_count == 1
    refused = runner.invoke(args=["stamps", "prune-scans", "--older-than", "3"])
    assert refused.exit_code != 0 and scans_of(first) == 1


def test_reading_the_page_in_another_language_is_not_another_check(session, client, key, scan):
    _, first, _ = new_run(with_pin=True)
    token = make_token(key, first)
    page = scan(first)
    links = re.findall(r'<a href="([^"]+)" lang="(\w+)" hreflang', page.text)
    # Nothing a copy could not carry: the page in each interface language.
    assert links == [(f"?lang={lang}", lang) for lang in ("vi", "en", "zh", "ko", "fr")]
    english = client.get(f"/S/{token}?lang=en", environ_base={"REMOTE_ADDR": "10.0.0.1", **PHONE})
    assert english.status_code == 200 and "Genuine stamp" in english.text
    assert state_of(first).scan_count == 1  # the same phone, a moment later
    # After the PIN form the links lead back to the stamp page, not to the form's address.
    answer = pin_post(client, key, first, "00000000")
    assert f'href="/S/{token}?lang=en"' in answer.text
    assert f"/S/{token}/pin?lang" not in answer.text


# --- the runs each process keeps between scans ----------------------------------------------


def test_edits_show_on_the_next_scan(session, scan):
    batch_id = make_batch(lot="K1")
    _, first, _ = new_run(batch_id=batch_id)
    assert "HTX Bánh gai Tứ Trụ" in scan(first).text  # the run is now kept by this process
    later(first)
    batch = db.session.get(Batch, batch_id)
    batch.product.producer.name = "HTX Bánh gai Tứ Trụ Xanh"
    db.session.commit()
    assert "HTX Bánh gai Tứ Trụ Xanh" in scan(first).text
    later(first)
    batch = db.session.get(Batch, batch_id)
    batch.status = "recalled"
    db.session.commit()
    assert scan(first).status_code == 410
    assert state_of(first).scan_count == 3  # every scan counted, kept run or not


def test_a_change_made_by_another_process_shows_at_once(app, session, scan, tmp_path):
    from tests.conftest import build_app

    run_id, first, _ = new_run()
    assert scan(first).status_code == 200
    # Another server process (or the CLI) on the same instance folder and database.
    other = build_app(tmp_path, app.config["SQLALCHEMY_DATABASE_URI"])
    with other.app_context():
        runs.void(db.session, run_id, note="stolen from the van")
        db.session.remove()
    with app.app_context():
        assert scan(first).status_code == 410


def test_a_change_made_behind_the_apps_back_shows_after_cache_clear(session, scan, runner):
    from sqlalchemy import text

    batch_id = make_batch(lot="K2")
    _, first, _ = new_run(batch_id=batch_id)
    assert scan(first).status_code == 200
    db.session.execute(
        text("UPDATE batches SET status = 'recalled' WHERE id = :id"), {"id": batch_id}
    )
    db.session.commit()
    assert scan(first).status_code == 200  # raw SQL announces nothing: the run is still kept
    assert runner.invoke(args=["cache", "clear"]).exit_code == 0
    assert scan(first).status_code == 410


def test_kept_runs_expire_whatever_the_generation_says(session):
    from qrsvc.stamps.facts import RunCache

    _, first, last = new_run(5)
    kept, fresh = RunCache(), RunCache(max_age=0)
    for runs_ in (kept, fresh):
        facts = runs_.run_of(db.session, first, "g1")
        assert facts.holds(first) and facts.holds(last) and not facts.holds(last + 1)
        assert runs_.run_of(db.session, last + 1, "g1") is None
        assert runs_.run_of(db.session, 0, "g1") is None
    db.session.execute(update(runs.StampRun).values(with_pin=True))  # behind the cache's back
    db.session.commit()
    assert not kept.run_of(db.session, first, "g1").with_pin
    assert fresh.run_of(db.session, first, "g1").with_pin
    assert kept.run_of(db.session, first, "g2").with_pin  # a new generation reads again


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "STAMP_RATELIMIT": "2/minute"}])
def test_a_flood_of_scans_is_told_when_to_come_back(session, client, key, scan):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "vi"  # a Vietnamese buyer
    _, first, _ = new_run()
    statuses = []
    for _ in range(3):
        later(first)
        statuses.append(scan(first).status_code)
    assert statuses == [200, 200, 429]
    later(first)
    refused = scan(first)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "rất nhiều tem" in refused.text  # in the buyer's language
    assert state_of(first).scan_count == 2  # a refused scan is not counted
    cross = client.post(f"/S/{make_token(key, first)}/pin", headers={"Origin": "https://x.example"})
    assert cross.status_code == 403


# --- one rule for a serial's state (the scan page, the admin and the CLI all use it) ------------


def test_segments_and_serial_state_agree_on_every_serial():
    from types import SimpleNamespace as Change

    from qrsvc.stamps.states import base_state, segments, serial_state

    changes = [
        Change(action="allocate", first_serial=10, last_serial=29),
        Change(action="print", first_serial=10, last_serial=29),
        Change(action="activate", first_serial=10, last_serial=29),
        Change(action="void", first_serial=12, last_serial=14),
        Change(action="activate", first_serial=20, last_serial=22),  # again: no change
        Change(action="void", first_serial=27, last_serial=40),  # past the run's end
    ]
    base = base_state("active", changes)
    assert base == "printed" and base_state("allocated", []) == "allocated"
    parts = segments(10, 29, changes, base=base)
    assert [(p.first, p.last, p.state) for p in parts] == [
        (10, 11, "active"), (12, 14, "voided"), (15, 19, "active"), (20, 22, "active"),
        (23, 26, "active"), (27, 29, "voided"),
    ]  # fmt: skip
    for part in parts:
        for serial in range(part.first, part.last + 1):
            assert serial_state(serial, changes, base=base) == (part.state, part.change)
    assert serial_state(5, changes, base="not_activated") == ("not_activated", None)


def test_a_genuine_stamp_on_a_product_past_its_use_by_date_says_so(session, scan):
    """Found by a walk: "genuine stamp" for a food past its date, which the batch page flags."""
    batch_id = make_batch()
    batch = db.session.get(Batch, batch_id)
    batch.expiry_date = local_today() - timedelta(days=5)
    db.session.commit()
    _, first, _ = new_run(batch_id=batch_id)
    page = scan(first).get_data(as_text=True)
    assert "Genuine stamp" in page  # the stamp is real ...
    assert "Past its use-by date" in page and "expired" in page  # ... the food is not good
    batch.expiry_date = local_today() + timedelta(days=5)
    db.session.commit()
    bump_generation()  # kept run facts are read again
    _, other, _ = new_run(batch_id=batch_id)
    assert "Past its use-by date" not in scan(other, ip="10.0.0.2").get_data(as_text=True)
