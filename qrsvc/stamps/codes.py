"""Stamp codes: the short signed token in a stamp's URL, and the scratch-off PIN.

Token format (version 1)::

    TOKEN = SERIAL + SIGNATURE
    SERIAL    = the serial in Crockford base32, no leading zeros, 1-12 characters
    SIGNATURE = the first 50 bits of HMAC-SHA256(token key, serial as 8 bytes
                big-endian), in Crockford base32: always 10 characters

The signature has a fixed length, so the serial is everything before the last ten
characters and no separator is needed. Crockford's alphabet (0-9 A-Z without I L O U)
is a subset of the QR alphanumeric set, so ``HTTPS://QR.THOXUAN.VN/S/<TOKEN>`` can be
encoded in alphanumeric mode: 38 characters for serials below 32**4 = 1,048,576 (a
version 2-M symbol), at most 46 for any serial (version 3-M).

50 bits means a guessed token is valid with probability 2**-50 (about 1e-15): even a
million guesses a day for thirty years would most likely find nothing, and the resolver's
rate limit keeps guessing far slower than that.

Both the token key and the PIN key are derived from the one stamp key with distinct
labels, so a PIN never reveals anything about a signature and vice versa. Changing the
stamp key invalidates every stamp ever printed: it must be kept for the life of the
service.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = [
    "MAX_SERIAL",
    "PIN_DIGITS",
    "SIGNATURE_CHARS",
    "StampCodeError",
    "check_pin",
    "make_token",
    "parse_token",
    "serial_label",
    "stamp_path",
    "stamp_pin",
    "stamp_url",
]

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SIGNATURE_CHARS = 10
MAX_SERIAL_CHARS = 12
#: Serials are 1 .. 2**60 - 1, the most that 12 base32 characters hold.
MAX_SERIAL = 32**MAX_SERIAL_CHARS - 1
MIN_TOKEN_CHARS = 1 + SIGNATURE_CHARS
MAX_TOKEN_CHARS = MAX_SERIAL_CHARS + SIGNATURE_CHARS
PIN_DIGITS = 8
MIN_KEY_BYTES = 16

# Crockford decoding: a reader (or an OCR app) may confuse O with 0 and I/L with 1.
_DECODE = {char: value for value, char in enumerate(ALPHABET)}
_DECODE.update({"O": 0, "I": 1, "L": 1})

# Purpose labels for key derivation; changing one invalidates what it signs.
_TOKEN_LABEL = b"qrsvc stamp token v1"
_PIN_LABEL = b"qrsvc stamp pin v1"


class StampCodeError(ValueError):
    """A stamp token is not one this service issued.

    ``reason`` is a short machine-readable word (``not_text``, ``empty``, ``too_short``,
    ``too_long``, ``bad_characters``, ``malformed``, ``signature_mismatch``) for logs and
    counterfeit statistics; the message says the same for a human.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def make_token(key: bytes, serial: int) -> str:
    """Return the canonical token (uppercase Crockford base32) for ``serial``."""
    _check_serial(serial)
    return _encode(serial) + _signature(key, serial)


def parse_token(key: bytes, token: str) -> int:
    """Return the serial a genuine ``token`` carries, or raise :class:`StampCodeError`.

    Case-insensitive; O is read as 0 and I, L as 1. Length and character checks come
    before any other work, so hostile input (megabytes, unicode, NUL) fails fast.
    """
    _key_check(key)
    if not isinstance(token, str):
        raise StampCodeError("not_text", "stamp code must be text")
    if not token:
        raise StampCodeError("empty", "stamp code is empty")
    if len(token) > MAX_TOKEN_CHARS:
        raise StampCodeError(
            "too_long", f"stamp code is too long ({MAX_TOKEN_CHARS} characters at most)"
        )
    if len(token) < MIN_TOKEN_CHARS:
        raise StampCodeError(
            "too_short", f"stamp code is too short ({MIN_TOKEN_CHARS} characters at least)"
        )
    # isascii() first: str.upper() maps some non-ASCII letters onto ASCII ones.
    upper = token.upper() if token.isascii() else ""
    if not upper or any(char not in _DECODE for char in upper):
        raise StampCodeError(
            "bad_characters", "stamp code may only contain the letters and digits of a stamp"
        )
    serial_part, signature_part = upper[:-SIGNATURE_CHARS], upper[-SIGNATURE_CHARS:]
    serial = 0
    for char in serial_part:
        serial = serial * 32 + _DECODE[char]
    # One serial, one spelling: a leading zero would make a second token for it.
    if serial == 0 or _DECODE[serial_part[0]] == 0:
        raise StampCodeError("malformed", "stamp code does not contain a valid serial")
    given = "".join(ALPHABET[_DECODE[char]] for char in signature_part)
    if not hmac.compare_digest(given, _signature(key, serial)):
        raise StampCodeError("signature_mismatch", "stamp code signature does not match")
    return serial


def stamp_path(key: bytes, serial: int) -> str:
    """Return the path a stamp's QR code opens: ``/S/<TOKEN>``."""
    return f"/S/{make_token(key, serial)}"


def stamp_url(public_url: str, key: bytes, serial: int) -> str:
    """Return the full URL printed on a stamp, ready for QR alphanumeric mode.

    Scheme and host are uppercased (both are case-insensitive) so the whole URL stays
    within the alphanumeric set; a path prefix of ``public_url`` is kept as configured.
    """
    scheme, sep, rest = public_url.rstrip("/").partition("://")
    if not sep or not rest:
        raise ValueError(f"public URL must look like https://host, not {public_url!r}")
    host, slash, prefix = rest.partition("/")
    return f"{scheme.upper()}://{host.upper()}{slash}{prefix}{stamp_path(key, serial)}"


def stamp_pin(key: bytes, serial: int) -> str:
    """Return the scratch-off PIN of ``serial``: eight decimal digits, derived, never stored."""
    _check_serial(serial)
    digest = hmac.new(_derive(key, _PIN_LABEL), _serial_bytes(serial), hashlib.sha256).digest()
    # 64 bits reduced mod 10**8: the bias (under 1e-11) is far below anything measurable.
    return f"{int.from_bytes(digest[:8], 'big') % 10**PIN_DIGITS:0{PIN_DIGITS}d}"


def check_pin(key: bytes, serial: int, pin: str) -> bool:
    """Tell whether ``pin`` is the PIN of ``serial``, in constant time.

    Spaces and hyphens a buyer types between digit groups are ignored; anything else that
    is not exactly eight ASCII digits is simply wrong (``False``), never an exception.
    """
    expected = stamp_pin(key, serial)
    if not isinstance(pin, str) or len(pin) > 4 * PIN_DIGITS or not pin.isascii():
        return False
    digits = pin.replace(" ", "").replace("-", "")
    if len(digits) != PIN_DIGITS or not all(char in "0123456789" for char in digits):
        return False
    return hmac.compare_digest(digits, expected)


def serial_label(serial: int) -> str:
    """Return the serial as printed under a stamp: decimal, zero-padded to 8 digits."""
    _check_serial(serial)
    return f"{serial:08d}"


def _signature(key: bytes, serial: int) -> str:
    mac = hmac.new(_derive(key, _TOKEN_LABEL), _serial_bytes(serial), hashlib.sha256).digest()
    bits = int.from_bytes(mac[:8], "big") >> (64 - 5 * SIGNATURE_CHARS)
    return _encode(bits).rjust(SIGNATURE_CHARS, "0")


def _derive(key: bytes, label: bytes) -> bytes:
    _key_check(key)
    return hmac.new(key, label, hashlib.sha256).digest()


def _key_check(key: bytes) -> None:
    if not isinstance(key, bytes | bytearray):
        raise TypeError("stamp key must be bytes (encode the configured STAMP_KEY)")
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"stamp key must have at least {MIN_KEY_BYTES} bytes")


def _check_serial(serial: int) -> None:
    # bool is an int subclass; True as a serial is a bug, not serial 1.
    if not isinstance(serial, int) or isinstance(serial, bool):
        raise TypeError(f"serial must be an int, not {type(serial).__name__}")
    if not 1 <= serial <= MAX_SERIAL:
        raise ValueError(f"serial must be between 1 and {MAX_SERIAL}, not {serial}")


def _serial_bytes(serial: int) -> bytes:
    return serial.to_bytes(8, "big")


def _encode(value: int) -> str:
    chars = []
    while True:
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
        if not value:
            return "".join(reversed(chars))
