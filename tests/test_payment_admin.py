"""Official payment accounts in the admin: proposed, checked, verified, refused, kept.

Journeys through the admin's pages on a real database (SQLite, or PostgreSQL with
``QRSVC_TEST_DATABASE_URL``): a producer proposes and staff verify; a producer cannot
touch a relic's account nor another producer's; an unverified account is never shown;
bad or hostile input is a form error that stores nothing; every POST needs its CSRF token.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from qrsvc.extensions import db
from qrsvc.models import (
    AccountState,
    PaymentAccount,
    Producer,
    Relic,
    RelicTranslation,
    RetailListing,
    Revision,
    SignTampering,
)
from qrsvc.payments import open_tampering, verified_account
from tests.conftest import sign_in

VCB = "970436"
VCB_NAME = "Ngân hàng TMCP Ngoại Thương Việt Nam"
PRODUCER, OTHER, EDITOR, ADMIN = (
    "a@coop.test",
    "b@coop.test",
    "editor@test.local",
    "admin@test.local",
)
GOOD = {"bank_bin": VCB, "account_number": "0011 0019 32418", "holder_name": "Hợp tác xã Tứ Trụ"}


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English unless a test asks for Vietnamese."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def world(app, accounts):
    """Producer A (with its account), producer B (with its own), a relic, an editor, an admin."""
    accounts.create("producer", email=PRODUCER, producer_ref="tutru")
    accounts.create("producer", email=OTHER, producer_ref="other")
    accounts.create("editor")
    accounts.create("admin")
    with app.app_context():
        relic = Relic(
            code="LK01",
            slug="lam-kinh",
            translations=[RelicTranslation(lang="vi", name="Lam Kinh")],
        )
        db.session.add(relic)
        db.session.commit()
        ids = {"relic": relic.id}
        for ref in ("tutru", "other"):
            ids[ref] = db.session.scalar(select(Producer.id).where(Producer.ref == ref))
        return ids


def stored(app) -> tuple[int, int, int, int]:
    """Accounts, listings, sign markings and revisions: a refusal leaves all four as they were."""
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (PaymentAccount, RetailListing, SignTampering, Revision)
        )


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def propose(client, url: str, values: dict) -> str:
    """Check the values, then propose them as the page showed them (the two posts)."""
    first = client.post(url, data=values)
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    checked = re.search(r'name="checked" type="hidden" value="([^"]*)"', html)[1]
    second = client.post(url, data={**values, "checked": checked})
    assert second.status_code == 302, second.get_data(as_text=True)
    return html


def account_of(app, **where) -> PaymentAccount:
    with app.app_context():
        return db.session.scalars(select(PaymentAccount).filter_by(**where)).one()


# Journeys ---------------------------------------------------------------------------------


def test_a_producer_proposes_and_an_editor_verifies(app, client, world):
    url = f"/admin/producers/{world['tutru']}/payments"
    sign_in(client, PRODUCER)
    html = page(client, url)
    assert "Propose an account" in html and VCB_NAME in html  # banks by their Vietnamese name
    assert f'action="/admin/producers/{world["tutru"]}/payments"' in html  # under the mount
    first = client.post(url, data=GOOD)
    shown = first.get_data(as_text=True)
    # The name as banks show it, before anything is saved.
    assert first.status_code == 200 and "HOP TAC XA TU TRU" in shown
    assert "Propose this account" in shown and stored(app)[0] == 0
    propose(client, url, GOOD)
    account = account_of(app, producer_id=world["tutru"])
    assert (account.bank_bin, account.account_number, account.holder_name) == (
        VCB,
        "0011001932418",
        "HOP TAC XA TU TRU",
    )
    assert account.state == AccountState.PROPOSED
    html = page(client, url)
    assert "No verified account" in html and "<svg" not in html  # unverified: never shown
    assert "Check and decide" not in html  # a producer does not decide
    assert client.get(f"/admin/payment-accounts/{account.id}").status_code == 403
    assert client.post(f"/admin/payment-accounts/{account.id}/approve").status_code == 403

    sign_in(client, EDITOR)
    assert f"/admin/payment-accounts/{account.id}" in page(client, url)
    review = page(client, f"/admin/payment-accounts/{account.id}")
    assert "<svg" in review and review.count("0011001932418") >= 2  # entered and read back
    assert review.count(VCB_NAME) >= 2 and "QRIBFTTA" in review
    payload = re.search(r'<code class="payload">([^<]+)</code>', review)[1]
    assert payload.startswith("000201010211") and f"0006{VCB}01130011001932418" in payload
    assert client.post(f"/admin/payment-accounts/{account.id}/approve").status_code == 302
    with app.app_context():
        producer = db.session.get(Producer, world["tutru"])
        verified = verified_account(producer)
        assert verified.id == account.id and verified.reviewed_by.email == EDITOR
    html = page(client, url)
    assert "<svg" in html and "HOP TAC XA TU TRU" in html and EDITOR in html
    assert "Account proposed" in html and "Account verified" in html and PRODUCER in html
    # Decided once: a second decision is refused with a reason and changes nothing.
    before = stored(app)
    again = client.post(f"/admin/payment-accounts/{account.id}/reject", data={"note": "x"})
    assert again.status_code == 400 and "already decided" in again.get_data(as_text=True)
    assert stored(app) == before


def test_the_bank_list_is_by_the_short_name_people_know(client, world):
    sign_in(client, PRODUCER)
    html = page(client, f"/admin/producers/{world['tutru']}/payments")
    select_html = html[html.index('name="bank_bin"') :]
    select_html = select_html[: select_html.index("</select>")]
    shown = re.findall(r'<option value="\d{6}">([^<]+)</option>', select_html)
    assert len(shown) > 20
    shorts = [label.split(" — ")[0] for label in shown]
    assert shorts[0].casefold().startswith("a")  # ABBANK, ACB, Agribank first, not a branch
    assert f"Vietcombank — {VCB_NAME}" in shown and "Agribank" in shorts[:6]
    assert all(" — " in label for label in shown)


def test_staff_propose_for_a_relic_and_a_newer_account_replaces_the_verified_one(
    app, client, world
):
    url = f"/admin/relics/{world['relic']}/payments"
    sign_in(client, EDITOR)
    propose(client, url, {**GOOD, "holder_name": "Ban quản lý di tích Lam Kinh"})
    first = account_of(app, relic_id=world["relic"])
    client.post(f"/admin/payment-accounts/{first.id}/approve")
    propose(
        client,
        url,
        {"bank_bin": "970405", "account_number": "3500201001234", "holder_name": "BQL Lam Kinh"},
    )
    second = account_of(app, relic_id=world["relic"], state=AccountState.PROPOSED)
    sign_in(client, ADMIN)
    assert client.post(f"/admin/payment-accounts/{second.id}/approve").status_code == 302
    with app.app_context():
        assert db.session.get(PaymentAccount, first.id).state == AccountState.REPLACED
        assert verified_account(db.session.get(Relic, world["relic"])).id == second.id
    html = page(client, url)
    assert "Account replaced by a newer one" in html and "3500201001234" in html
    assert "Replaced by a newer account" in html  # the state, by its label


def test_an_editor_rejects_with_a_note_and_nothing_is_shown(app, client, world):
    sign_in(client, PRODUCER)
    propose(client, f"/admin/producers/{world['tutru']}/payments", GOOD)
    account = account_of(app, producer_id=world["tutru"])
    sign_in(client, EDITOR)
    response = client.post(
        f"/admin/payment-accounts/{account.id}/reject",
        data={"note": "Tên không khớp với ngân hàng"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(PaymentAccount, account.id).state == AccountState.REJECTED
        assert verified_account(db.session.get(Producer, world["tutru"])) is None
    sign_in(client, PRODUCER)
    html = page(client, f"/admin/producers/{world['tutru']}/payments")
    assert "Tên không khớp với ngân hàng" in html and "Account rejected" in html
    assert "<svg" not in html and "No verified account" in html


def test_a_producer_touches_neither_a_relics_account_nor_another_producers(app, client, world):
    sign_in(client, OTHER)
    propose(client, f"/admin/producers/{world['other']}/payments", GOOD)
    client.post(
        f"/admin/producers/{world['other']}/listings",
        data={"platform": "Voso", "url": "https://voso.vn/other"},
    )
    theirs = account_of(app, producer_id=world["other"])
    with app.app_context():
        listing = db.session.scalars(select(RetailListing)).one().id
    before = stored(app)
    sign_in(client, PRODUCER)
    relic = f"/admin/relics/{world['relic']}"
    assert client.get(f"{relic}/payments").status_code == 403
    for url in (f"{relic}/payments", f"{relic}/sign/tampered", f"{relic}/sign/replaced"):
        assert client.post(url, data=GOOD).status_code == 403
    other = f"/admin/producers/{world['other']}"
    assert client.get(f"{other}/payments").status_code == 404
    assert client.post(f"{other}/payments", data=GOOD).status_code == 404
    assert (
        client.post(f"{other}/listings", data={"platform": "X", "url": "https://x.vn"}).status_code
        == 404
    )
    assert client.post(f"/admin/listings/{listing}/remove").status_code == 404
    for action in ("", "/approve", "/reject"):
        method = client.get if not action else client.post
        assert method(f"/admin/payment-accounts/{theirs.id}{action}").status_code == 403
    assert stored(app) == before


# Bad and hostile input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "says"),
    [
        ({"bank_bin": "999999"}, "bank_bin", "No bank in the list has the BIN 999999"),
        ({"bank_bin": "97043"}, "bank_bin", "six digits"),
        ({"bank_bin": "' OR 1=1 --"}, "bank_bin", "six digits"),
        ({"bank_bin": ""}, "bank_bin", "This field is required"),
        ({"account_number": "00110019324AB"}, "account_number", "only digits"),
        ({"account_number": "123"}, "account_number", "6 to 19 digits"),
        ({"account_number": "1" * 25}, "account_number", "6 to 19 digits"),
        ({"account_number": "9704 3600 0000 0016"}, "account_number", "card number"),
        ({"account_number": "1" * 100_000}, "account_number", "longer than 40"),
        ({"holder_name": "<script>alert(1)</script>"}, "holder_name", "cannot be in the holder"),
        ({"holder_name": "Nguyễn 😀"}, "holder_name", "cannot be in the holder"),
        ({"holder_name": "NGUYEN\x00VAN A"}, "holder_name", "cannot be in the holder"),
        ({"holder_name": "A" * 51}, "holder_name", "2 to 50 characters"),
        ({"holder_name": "A" * 5000}, "holder_name", "longer than 120"),
        ({"checked": "x" * 5000}, "checked", ""),
    ],
)
def test_bad_input_is_a_form_error_and_stores_nothing(app, client, world, values, field, says):
    sign_in(client, EDITOR)
    before = stored(app)
    data = {**GOOD, **values}
    # Posted as checked too: a value the page never showed is refused all the same.
    for checked in ("", f"{data['bank_bin']}|{data['account_number']}|{data['holder_name']}"):
        response = client.post(
            f"/admin/producers/{world['tutru']}/payments", data={"checked": checked, **data}
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert says in html.replace("&#39;", "'")
        if field != "checked":
            assert f'id="{field}"' in html and 'aria-invalid="true"' in html
        assert "<script>alert" not in html
    assert stored(app) == before


def test_a_refusal_is_in_the_admins_language(app, client, world):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "vi"
    sign_in(client, EDITOR)
    response = client.post(
        f"/admin/relics/{world['relic']}/payments", data={**GOOD, "bank_bin": "999999"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Không có ngân hàng nào trong danh sách có mã BIN 999999" in html


def test_the_same_account_twice_is_refused(app, client, world):
    sign_in(client, EDITOR)
    url = f"/admin/relics/{world['relic']}/payments"
    propose(client, url, GOOD)
    before = stored(app)
    first = client.post(url, data=GOOD).get_data(as_text=True)
    checked = re.search(r'name="checked" type="hidden" value="([^"]*)"', first)[1]
    again = client.post(url, data={**GOOD, "checked": checked})
    assert again.status_code == 400 and "already proposed or verified" in again.get_data(
        as_text=True
    )
    assert stored(app) == before


def test_a_long_or_bad_rejection_note_is_refused(app, client, world):
    sign_in(client, EDITOR)
    propose(client, f"/admin/relics/{world['relic']}/payments", GOOD)
    account = account_of(app, relic_id=world["relic"])
    before = stored(app)
    response = client.post(
        f"/admin/payment-accounts/{account.id}/reject", data={"note": "x" * 5000}
    )
    assert response.status_code == 400 and "longer than 500" in response.get_data(as_text=True)
    assert stored(app) == before
    assert client.get("/admin/payment-accounts/999999").status_code == 404
    assert client.post("/admin/payment-accounts/999999/approve").status_code == 404


# Where to buy ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("javascript:alert(1)", "must start with https://"),
        ("http://voso.vn/shop", "must start with https://"),
        ("https://voso.vn@evil.example/", "no name or password"),
        ("https://127.0.0.1/shop", "host name"),
        ("https://voso.vn/a b", "no spaces"),
        ("https://voso.vn/" + "a" * 600, "longer than 500"),
        ("", "This field is required"),
    ],
)
def test_a_bad_shop_address_is_refused(app, client, world, url, says):
    sign_in(client, PRODUCER)
    before = stored(app)
    response = client.post(
        f"/admin/producers/{world['tutru']}/listings", data={"platform": "Voso", "url": url}
    )
    assert response.status_code == 400 and says in response.get_data(as_text=True)
    assert stored(app) == before


def test_a_producer_lists_and_removes_its_shops_and_staff_may_too(app, client, world):
    url = f"/admin/producers/{world['tutru']}"
    sign_in(client, PRODUCER)
    data = {"platform": "Sàn nông sản Thanh Hóa", "url": "https://postmart.vn/shop/tutru"}
    assert client.post(f"{url}/listings", data=data).status_code == 302
    html = page(client, f"{url}/payments")
    assert "Sàn nông sản Thanh Hóa" in html and "https://postmart.vn/shop/tutru" in html
    sign_in(client, EDITOR)
    more = {"platform": "Voso", "url": "https://voso.vn/tutru"}
    assert client.post(f"{url}/listings", data=more).status_code == 302
    with app.app_context():
        first = db.session.scalar(select(RetailListing.id).where(RetailListing.platform == "Voso"))
    sign_in(client, PRODUCER)
    assert client.post(f"/admin/listings/{first}/remove").status_code == 302
    with app.app_context():
        assert db.session.scalars(select(RetailListing.platform)).all() == [data["platform"]]


# Tampered signs --------------------------------------------------------------------------------


def test_staff_mark_a_sign_tampered_then_replaced(app, client, world):
    url = f"/admin/relics/{world['relic']}"
    sign_in(client, EDITOR)
    note = "Nhãn dán đè lên mã công đức"
    assert client.post(f"{url}/sign/tampered", data={"note": note}).status_code == 302
    html = page(client, f"{url}/payments")
    assert note in html and "Sign replaced" in html
    again = client.post(f"{url}/sign/tampered", data={"note": "twice"})
    assert again.status_code == 400 and "already marked" in again.get_data(as_text=True)
    too_long = client.post(f"{url}/sign/tampered", data={"note": "x" * 5000})
    assert too_long.status_code == 400
    assert client.post(f"{url}/sign/replaced").status_code == 302
    with app.app_context():
        relic = db.session.get(Relic, world["relic"])
        assert open_tampering(relic) is None
        assert db.session.scalar(select(func.count()).select_from(SignTampering)) == 1
    assert "Mark the sign as tampered" in page(client, f"{url}/payments")


# CSRF -----------------------------------------------------------------------------------------


def test_every_post_needs_its_csrf_token(app, client, world):
    sign_in(client, EDITOR)
    propose(client, f"/admin/relics/{world['relic']}/payments", GOOD)
    account = account_of(app, relic_id=world["relic"])
    client.post(
        f"/admin/producers/{world['tutru']}/listings",
        data={"platform": "Voso", "url": "https://voso.vn/x"},
    )
    with app.app_context():
        listing = db.session.scalar(select(RetailListing.id))
    app.config["WTF_CSRF_ENABLED"] = True
    before = stored(app)
    posts = {
        f"/admin/relics/{world['relic']}/payments": GOOD,
        f"/admin/producers/{world['tutru']}/payments": GOOD,
        f"/admin/payment-accounts/{account.id}/approve": {},
        f"/admin/payment-accounts/{account.id}/reject": {"note": "no"},
        f"/admin/producers/{world['tutru']}/listings": {"platform": "P", "url": "https://p.vn"},
        f"/admin/listings/{listing}/remove": {},
        f"/admin/relics/{world['relic']}/sign/tampered": {"note": "x"},
        f"/admin/relics/{world['relic']}/sign/replaced": {},
    }
    for url, data in posts.items():
        for forged in ({}, {"csrf_token": "forged"}):
            assert client.post(url, data={**data, **forged}).status_code == 400, url
    assert stored(app) == before
    with app.app_context():
        assert db.session.get(PaymentAccount, account.id).state == AccountState.PROPOSED
    # With the page's token the same decision goes through.
    review = page(client, f"/admin/payment-accounts/{account.id}")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', review)[1]
    approved = client.post(
        f"/admin/payment-accounts/{account.id}/approve", data={"csrf_token": token}
    )
    assert approved.status_code == 302
    with app.app_context():
        assert db.session.get(PaymentAccount, account.id).state == AccountState.VERIFIED
