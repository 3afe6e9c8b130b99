"""Sign-in floods: guessers are slowed down and refused, the account's owner is not.

Client addresses are set per request (``REMOTE_ADDR``, or ``X-Forwarded-For`` behind
a trusted proxy), as many machines would send them.
"""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import select

from qrsvc.admin import signin_guard
from qrsvc.extensions import db
from qrsvc.models import SignInAlert, User
from tests.conftest import PASSWORD, sign_in

EMAIL = "lan@district.test"
OWNER_ADDRESS = "198.51.100.7"


@pytest.fixture
def app_config():
    """Rate limits on (the suite turns them off elsewhere); a short hold-back keeps this fast."""
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SIGNIN_HOLD_BACK": 0.02,
    }


def attempt(client, email, password, address, **kwargs):
    """One sign-in from ``address`` with a fresh browser's cookies; the answer."""
    client.delete_cookie("session")
    return client.post(
        "/admin/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address, "HTTP_ACCEPT_LANGUAGE": "en"},
        **kwargs,
    )


def attacker(i: int) -> str:
    return f"203.0.113.{i + 1}"


def test_thirty_addresses_guessing_one_account_do_not_lock_its_owner_out(app, client, accounts):
    owner_id = accounts.create("editor", email=EMAIL)
    statuses = []
    for round_ in range(3):
        for i in range(30):
            answer = attempt(client, EMAIL, f"guess {round_}-{i}", attacker(i))
            statuses.append(answer.status_code)
    # Every guess failed; once the account was under attack, guessers had to wait.
    assert set(statuses) == {401, 429}
    assert statuses[:30] == [401] * 30  # each address's first guess is checked
    assert statuses[59] == 429  # the last address guessed again at once: it must wait
    # The owner, from an address of her own, signs in with her password at once.
    signed_in = attempt(client, EMAIL, PASSWORD, OWNER_ADDRESS)
    assert signed_in.status_code == 302 and signed_in.location == "/admin/"
    assert client.get("/admin/", environ_base={"REMOTE_ADDR": OWNER_ADDRESS}).status_code == 200
    # The flood goes on; she can sign in again from yet another address.
    for i in range(30, 40):
        assert attempt(client, EMAIL, "another guess", attacker(i)).status_code in (401, 429)
    assert attempt(client, EMAIL, PASSWORD, "198.51.100.8").status_code == 302
    # The admins were told, with the size of the flood.
    with app.app_context():
        (alert,) = db.session.scalars(select(SignInAlert)).all()  # one flood, one alert
        assert alert.user_id == owner_id
        assert alert.failures >= 30 and alert.addresses >= 30


def test_the_admins_see_the_flood_on_their_dashboard_and_editors_do_not(app, client, accounts):
    accounts.create("editor", email=EMAIL)
    for i in range(signin_guard.ATTACK_FAILURES + 2):
        attempt(client, EMAIL, "guess", attacker(i))
    accounts.create("admin", email="boss@district.test")
    boss = app.test_client()
    sign_in(boss, "boss@district.test")
    page = boss.get("/admin/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Password guessing" in page and EMAIL in page
    assert "12 wrong passwords from 12 addresses" in page
    vietnamese = boss.get("/admin/", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "Dò mật khẩu" in vietnamese and "12 lần nhập sai mật khẩu từ 12 địa chỉ" in vietnamese
    editor = app.test_client()
    accounts.create("editor", email="nam@district.test")
    sign_in(editor, "nam@district.test")
    assert EMAIL not in editor.get("/admin/").get_data(as_text=True)


def test_a_few_wrong_passwords_raise_no_alert(app, client, accounts):
    accounts.create("editor", email=EMAIL)
    for i in range(signin_guard.ATTACK_FAILURES - 1):
        assert attempt(client, EMAIL, "typo", attacker(i)).status_code == 401
    with app.app_context():
        assert db.session.scalar(select(SignInAlert)) is None


def test_a_flood_on_an_email_nobody_has_is_counted_but_alerts_nobody(app, client):
    for i in range(signin_guard.ATTACK_FAILURES + 5):
        assert attempt(client, "ghost@district.test", "guess", attacker(i)).status_code == 401
    with app.app_context():
        assert db.session.scalar(select(SignInAlert)) is None


def test_one_address_hammering_the_form_gets_a_translated_styled_429(client, accounts):
    accounts.create("editor", email=EMAIL)
    address = "192.0.2.50"
    for i in range(10):  # other accounts each time: only the per-address count can stop it
        assert attempt(client, f"guess{i}@district.test", "x", address).status_code == 401
    refused = client.post(
        "/admin/login",
        data={"email": EMAIL, "password": PASSWORD},  # even the right password: not checked
        environ_base={"REMOTE_ADDR": address},  # no Accept-Language: Vietnamese
    )
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    html = refused.get_data(as_text=True)
    assert "Quá nhiều lần đăng nhập từ kết nối của bạn" in html
    assert 'rel="stylesheet"' in html and 'name="password"' in html  # the styled login page
    assert refused.headers["Cache-Control"] == "no-store"
    # Another address is not affected.
    assert attempt(client, EMAIL, PASSWORD, "192.0.2.51").status_code == 302


def test_wrong_passwords_per_account_and_address(client, accounts):
    accounts.create("editor", email=EMAIL)
    accounts.create("editor", email="nam@district.test")
    address = "192.0.2.60"
    for _ in range(5):
        assert attempt(client, EMAIL, "wrong", address).status_code == 401
    refused = attempt(client, EMAIL, PASSWORD, address)
    assert refused.status_code == 429
    assert "Too many wrong passwords for this account" in refused.get_data(as_text=True)
    # The same email however it is typed is the same account.
    decomposed = unicodedata.normalize("NFD", " LAN@District.test ")
    assert attempt(client, decomposed, PASSWORD, address).status_code == 429
    # The same address may still sign in to another account...
    assert attempt(client, "nam@district.test", PASSWORD, address).status_code == 302
    # ...and the owner, elsewhere, to hers.
    assert attempt(client, EMAIL, PASSWORD, OWNER_ADDRESS).status_code == 302


@pytest.mark.parametrize(
    "email",
    [
        "x" * 10_000 + "@district.test",
        "lan@district.test\x00admin",
        "lan/../../@district.test",
        "' OR 1=1 --",
        "đền@làng.việt",
        "",
    ],
)
def test_hostile_emails_are_refused_without_harm(app, client, accounts, email):
    accounts.create("editor", email=EMAIL)
    for _ in range(6):
        answer = attempt(client, email, "guess", "192.0.2.70")
        assert answer.status_code in (400, 401, 429)
    assert attempt(client, EMAIL, PASSWORD, OWNER_ADDRESS).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.email)) == EMAIL


@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://", "TRUSTED_PROXIES": 1}],
)
def test_behind_a_trusted_proxy_each_forwarded_address_is_a_client(client, accounts):
    accounts.create("editor", email=EMAIL)
    for i in range(6):
        forwarded = {"X-Forwarded-For": "203.0.113.9"}
        answer = attempt(client, EMAIL, "wrong", "127.0.0.1", headers=forwarded)
        assert answer.status_code == (401 if i < 5 else 429)
    # The proxy's own address carries another visitor, who is not refused.
    owner = attempt(
        client, EMAIL, PASSWORD, "127.0.0.1", headers={"X-Forwarded-For": OWNER_ADDRESS}
    )
    assert owner.status_code == 302


def test_the_waits_and_hold_backs_grow_with_the_flood_and_stay_short():
    below = range(signin_guard.ATTACK_FAILURES)
    assert all(signin_guard.required_wait(n) == 0 for n in below)
    assert all(signin_guard.hold_back(n) == 0 for n in below)
    floods = [signin_guard.ATTACK_FAILURES, 20, 30, 50, 100, 10**6, 10**12]
    waits = [signin_guard.required_wait(n) for n in floods]
    holds = [signin_guard.hold_back(n) for n in floods]
    assert waits == sorted(waits) and holds == sorted(holds)
    assert waits[0] > 0 and waits[-1] == signin_guard.LONGEST_WAIT <= 60
    assert holds[0] > 0 and holds[-1] == signin_guard.LONGEST_HOLD_BACK <= 0.5
    assert signin_guard.hold_back(10**12, longest=0.02) == 0.02


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": False}])
def test_with_rate_limits_off_nothing_is_refused(client, accounts):
    accounts.create("editor", email=EMAIL)
    for _ in range(12):
        assert attempt(client, EMAIL, "wrong", "192.0.2.80").status_code == 401
    assert attempt(client, EMAIL, PASSWORD, "192.0.2.80").status_code == 302
