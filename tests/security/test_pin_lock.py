"""The PIN lock ends a fixed time after it began, whatever is posted meanwhile (issue 14.9).

A stranger who knows the stamp URL can post wrong PINs at will: the lock must stop the
guessing, yet never keep the buyer holding the scratched PIN out for good.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from qrsvc.extensions import db
from qrsvc.stamps.alerts import counterfeit_alerts
from qrsvc.stamps.codes import make_token, stamp_pin
from qrsvc.stamps.pin import PIN_LOCK, PIN_MAX_FAILURES
from tests.test_stamps import new_run, state_of

ATTACKER = "10.30.0.66"
BUYER = "10.30.0.7"
#: What an attacker may post: wrong PINs, and things that are no PIN at all.
GUESSES = [
    "",
    "1234",
    "abcdefgh",
    "١٢٣٤٥٦٧٨",  # Arabic-Indic digits
    "9" * 5000,
    "' OR 1=1 --",
    "0000\x000000",
    "<script>alert(1)</script>",
]


@pytest.fixture(autouse=True)
def english(client):
    """Assertions read the English texts."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def key(app) -> bytes:
    return app.config["STAMP_KEY"].encode()


@pytest.fixture
def stamp(session, key):
    """An active stamp with a PIN: (serial, its right PIN, a wrong one)."""
    _, serial, _ = new_run(with_pin=True)
    right = stamp_pin(key, serial)
    return serial, right, f"{(int(right) + 1) % 10**8:08d}"


def post_pin(client, key, serial, pin, ip=ATTACKER):
    """POST ``pin`` to the stamp's form, as the phone at ``ip``."""
    return client.post(
        f"/S/{make_token(key, serial)}/pin", data={"pin": pin}, environ_base={"REMOTE_ADDR": ip}
    )


def lock_shown(page) -> str:
    """The end of the lock as the page states it."""
    found = re.search(
        r"Too many wrong PINs for this stamp. Try again after ([\d/: ]+)\.", page.text
    )
    assert found, page.text
    return found[1]


def lock_began_ago(serial, elapsed: timedelta) -> None:
    """As if the stamp's lock had begun ``elapsed`` ago (the last counted wrong PIN)."""
    state = state_of(serial)
    state.pin_failed_at -= elapsed
    db.session.commit()


def lock(client, key, serial, wrong):
    """Post wrong PINs until the form locks; return the page that says so."""
    for n in range(1, PIN_MAX_FAILURES):
        page = post_pin(client, key, serial, wrong)
        assert f"{PIN_MAX_FAILURES - n} attempt" in page.text
    page = post_pin(client, key, serial, wrong)
    lock_shown(page)
    return page


def test_wrong_pins_during_the_lock_do_not_move_its_end(client, key, stamp):
    serial, right, wrong = stamp
    until = lock_shown(lock(client, key, serial, wrong))
    began = state_of(serial).pin_failed_at
    # The attacker keeps posting during the lock: nothing is checked, counted or moved.
    for guess in [wrong, *GUESSES, wrong, wrong]:
        page = post_pin(client, key, serial, guess)
        assert page.status_code == 200 and lock_shown(page) == until
        assert "<script>alert" not in page.text
    state = state_of(serial)
    assert state.pin_failures == PIN_MAX_FAILURES and state.pin_failed_at == began
    # Halfway through the lock, still locked, and still nothing moves.
    lock_began_ago(serial, PIN_LOCK / 2)
    halfway = state_of(serial).pin_failed_at
    lock_shown(post_pin(client, key, serial, wrong))
    state = state_of(serial)
    assert state.pin_failures == PIN_MAX_FAILURES and state.pin_failed_at == halfway
    # After the window the buyer's right PIN confirms, whatever was tried meanwhile.
    lock_began_ago(serial, PIN_LOCK / 2 + timedelta(minutes=1))
    confirmed = post_pin(client, key, serial, right, ip=BUYER)
    assert "your purchase is confirmed" in confirmed.text
    assert state_of(serial).pin_confirmed_at is not None


def test_the_right_pin_during_the_lock_is_not_checked(client, key, stamp):
    """Otherwise the lock would answer guesses: a right one would confirm."""
    serial, right, wrong = stamp
    lock(client, key, serial, wrong)
    refused = post_pin(client, key, serial, right, ip=BUYER)
    assert "Too many wrong PINs" in refused.text and "confirmed" not in refused.text
    assert state_of(serial).pin_confirmed_at is None


def test_one_wrong_pin_after_the_lock_does_not_lock_again(client, key, stamp):
    serial, right, wrong = stamp
    lock(client, key, serial, wrong)
    lock_began_ago(serial, PIN_LOCK + timedelta(minutes=1))
    # The attacker is first after the window: a fresh allowance, not another day's lock.
    again = post_pin(client, key, serial, wrong)
    assert f"{PIN_MAX_FAILURES - 1} attempts left" in again.text
    assert "your purchase is confirmed" in post_pin(client, key, serial, right, ip=BUYER).text


def test_another_lock_takes_as_many_wrong_pins_and_lasts_as_long(client, key, stamp):
    serial, right, wrong = stamp
    lock(client, key, serial, wrong)
    lock_began_ago(serial, PIN_LOCK + timedelta(minutes=1))
    page = lock(client, key, serial, wrong)
    assert "Too many wrong PINs" in page.text
    state = state_of(serial)
    assert state.pin_failures == 2 * PIN_MAX_FAILURES
    [alert] = counterfeit_alerts(db.session)
    assert alert.reason == "pin_guessing" and alert.pin_failures == 2 * PIN_MAX_FAILURES
    lock_began_ago(serial, PIN_LOCK + timedelta(minutes=1))
    assert "your purchase is confirmed" in post_pin(client, key, serial, right, ip=BUYER).text


def test_malformed_pins_count_as_wrong_and_change_nothing_else(client, key, stamp):
    serial, _, _ = stamp
    for n, guess in enumerate(GUESSES[:5], start=1):
        page = post_pin(client, key, serial, guess)
        assert page.status_code == 200
        assert f"{PIN_MAX_FAILURES - n} attempts left" in page.text
    state = state_of(serial)
    assert state.pin_failures == 5 and state.pin_confirmed_at is None and state.scan_count == 0
