"""Stamp tokens and PINs: round trips, forgeries, hostile input, QR size."""

from __future__ import annotations

import string
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qrsvc.stamps.codes import (
    MAX_SERIAL,
    StampCodeError,
    check_pin,
    make_token,
    parse_token,
    serial_label,
    stamp_path,
    stamp_pin,
    stamp_url,
)

KEY = b"district stamp key for tests, 32B"
OTHER_KEY = b"another district's stamp key 32B"
BASE = "https://qr.thoxuan.vn"
QR_ALPHANUMERIC = set(string.digits + string.ascii_uppercase + " $%*+-./:")

serials = st.integers(min_value=1, max_value=10**12)


def qr_version_at_m(text: str) -> int:
    """Smallest QR version (1-4) holding ``text`` in alphanumeric mode at level M."""
    assert set(text) <= QR_ALPHANUMERIC, text
    # Mode indicator 4 bits, character count 9 bits (versions 1-9), 11 bits per pair.
    bits = 4 + 9 + 11 * (len(text) // 2) + 6 * (len(text) % 2)
    data_codewords_m = {1: 16, 2: 28, 3: 44, 4: 64}
    return next(v for v, words in data_codewords_m.items() if bits <= 8 * words)


@given(serials)
def test_token_round_trip(serial):
    token = make_token(KEY, serial)
    assert parse_token(KEY, token) == serial
    assert parse_token(KEY, token.lower()) == serial
    assert set(token) <= QR_ALPHANUMERIC


@given(serials)
def test_pin_round_trip_and_shape(serial):
    pin = stamp_pin(KEY, serial)
    assert len(pin) == 8 and pin.isdigit()
    assert check_pin(KEY, serial, pin)
    assert check_pin(KEY, serial, f"{pin[:4]} {pin[4:]}")
    assert check_pin(KEY, serial, f"{pin[:4]}-{pin[4:]}")


def test_largest_serial_round_trips_and_beyond_is_refused():
    assert parse_token(KEY, make_token(KEY, MAX_SERIAL)) == MAX_SERIAL
    for bad in (0, -1, MAX_SERIAL + 1):
        with pytest.raises(ValueError):
            make_token(KEY, bad)
    with pytest.raises(TypeError):
        make_token(KEY, True)
    with pytest.raises(TypeError):
        make_token(KEY, "12")


def test_token_layout():
    assert make_token(KEY, 1)[0] == "1" and len(make_token(KEY, 1)) == 11
    assert len(make_token(KEY, 32**4 - 1)) == 14
    assert len(make_token(KEY, 32**4)) == 15
    assert stamp_path(KEY, 5) == "/S/" + make_token(KEY, 5)


@given(serials, st.data())
def test_any_single_character_change_is_rejected(serial, data):
    token = make_token(KEY, serial)
    index = data.draw(st.integers(0, len(token) - 1))
    # Letters equivalent under Crockford decoding are not changes; skip to a real one.
    same = {"0": "0O", "1": "1IL"}.get(token[index], token[index])
    replacement = data.draw(st.sampled_from([c for c in "0123456789ABCDEFGHJKMNPQRSTVWXYZ"]))
    if replacement in same:
        return
    forged = token[:index] + replacement + token[index + 1 :]
    try:
        parsed = parse_token(KEY, forged)
    except StampCodeError as exc:
        assert exc.reason in {"signature_mismatch", "malformed"}
    else:  # pragma: no cover - would mean a forged serial was accepted
        pytest.fail(f"forged token {forged} accepted as serial {parsed}")


def test_signature_of_another_serial_does_not_transfer():
    genuine = make_token(KEY, 1000)
    other = make_token(KEY, 1001)
    forged = other[:-10] + genuine[-10:]
    with pytest.raises(StampCodeError) as info:
        parse_token(KEY, forged)
    assert info.value.reason == "signature_mismatch"
    assert "signature" in str(info.value)


@given(serials)
def test_keys_differ_tokens_differ(serial):
    mine, theirs = make_token(KEY, serial), make_token(OTHER_KEY, serial)
    assert mine != theirs
    with pytest.raises(StampCodeError, match="signature"):
        parse_token(OTHER_KEY, mine)


def test_pin_is_independent_of_token_signature():
    # Key separation: neither secret is a function of the other's published form.
    token = make_token(KEY, 42)
    assert stamp_pin(KEY, 42) not in token
    assert stamp_pin(KEY, 42) != stamp_pin(OTHER_KEY, 42)
    assert stamp_pin(KEY, 42) != stamp_pin(KEY, 43)


def test_confusable_letters_are_read_as_digits():
    token = make_token(KEY, 12345678)
    spelled = token.replace("0", "o").replace("1", "l")
    assert parse_token(KEY, spelled) == 12345678
    assert parse_token(KEY, token.replace("1", "I")) == 12345678


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("", "empty"),
        ("1234567890", "too_short"),
        ("1" * 23, "too_long"),
        ("A" * 10_000, "too_long"),
        ("ABCDEFGHJKU", "bad_characters"),
        ("ABCDE\x00GHJKM", "bad_characters"),
        ("ABCDE GHJKMN", "bad_characters"),
        ("ABCDE-GHJKMN", "bad_characters"),
        ("\u1e9eABCDEFGHJKM", "bad_characters"),  # capital sharp s
        ("\u0131ABCDEFGHJKM", "bad_characters"),  # dotless i upper-cases to ASCII I
        ("\uff11" * 11, "bad_characters"),  # fullwidth digits
        ("0ABCDEFGHJKM", "malformed"),
        ("OABCDEFGHJKM", "malformed"),
        ("00000000000", "malformed"),
        ("1ABCDEFGHJK", "signature_mismatch"),
    ],
)
def test_bad_tokens_name_what_is_wrong(token, reason):
    with pytest.raises(StampCodeError) as info:
        parse_token(KEY, token)
    assert info.value.reason == reason
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("token", [None, b"1ABCDEFGHJK", 12345678901])
def test_non_text_tokens_are_refused(token):
    with pytest.raises(StampCodeError) as info:
        parse_token(KEY, token)
    assert info.value.reason == "not_text"


@given(st.text(max_size=40))
def test_random_text_never_crashes_the_parser(text):
    try:
        serial = parse_token(KEY, text)
    except StampCodeError:
        return
    assert 1 <= serial <= MAX_SERIAL  # pragma: no cover - a 2**-50 chance


def test_hostile_tokens_fail_fast():
    huge = "A" * 10_000_000
    start = time.perf_counter()
    for _ in range(1000):
        with pytest.raises(StampCodeError):
            parse_token(KEY, huge)
    # Length is checked before any per-character work: 1000 x 10 MB must not be scanned.
    assert time.perf_counter() - start < 0.5


def test_pin_rejections_are_false_not_errors():
    pin = stamp_pin(KEY, 7)
    wrong = f"{(int(pin) + 1) % 10**8:08d}"
    for attempt in [
        wrong,
        "",
        pin[:7],
        pin + "0",
        "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667",
        "x" * 10_000,
        None,
        1234,
    ]:
        assert check_pin(KEY, 7, attempt) is False
    assert check_pin(OTHER_KEY, 7, pin) is False
    assert check_pin(KEY, 8, pin) is (stamp_pin(KEY, 8) == pin)


def test_weak_or_wrongly_typed_keys_are_refused():
    with pytest.raises(ValueError, match="16 bytes"):
        make_token(b"short", 1)
    with pytest.raises(TypeError, match="bytes"):
        make_token("a text key of enough length", 1)
    with pytest.raises(ValueError):
        parse_token(b"", "1ABCDEFGHJK")


def test_serial_label():
    assert serial_label(1) == "00000001"
    assert serial_label(12_345_678) == "12345678"
    assert serial_label(10**12) == "1000000000000"


def test_stamp_url_fits_small_qr_symbols():
    url = stamp_url(BASE, KEY, 123_456)
    assert url.startswith("HTTPS://QR.THOXUAN.VN/S/")
    assert parse_token(KEY, url.rsplit("/", 1)[1]) == 123_456
    assert len(url) == 24 + 4 + 10
    assert qr_version_at_m(url) == 2
    # Every serial a district could ever allocate still fits version 3.
    assert qr_version_at_m(stamp_url(BASE, KEY, 10**12)) == 3
    assert qr_version_at_m(stamp_url(BASE, KEY, MAX_SERIAL)) == 3


def test_stamp_url_keeps_a_path_prefix_and_drops_trailing_slash():
    assert stamp_url("https://example.vn/", KEY, 9).startswith("HTTPS://EXAMPLE.VN/S/")
    assert stamp_url("https://example.vn/qr", KEY, 9).startswith("HTTPS://EXAMPLE.VN/qr/S/")
    with pytest.raises(ValueError):
        stamp_url("example.vn", KEY, 9)
