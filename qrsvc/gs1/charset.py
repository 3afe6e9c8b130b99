"""The GS1 82-character set and percent-encoding of values in URIs."""

import re
from urllib.parse import quote, unquote_to_bytes

from .errors import DigitalLinkError

# GS1 General Specifications figure 7.11-1, "GS1 AI encodable character set 82".
SET_82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
MAX_LENGTH = 2000  # for a path, a query string or a whole URI; real ones are < 200
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def show(text: str, limit: int = 24) -> str:
    """Quote ``text`` for an error message, cut short so a hostile URI cannot flood logs."""
    if len(text) > limit:
        text = text[:limit] + "..."
    return repr(text)


def describe_char(ch: str) -> str:
    """Name a character readably: ``'#'``, ``a space`` or ``U+00E9``."""
    if ch == " ":
        return "a space"
    if "!" <= ch <= "~":
        return repr(ch)
    return f"U+{ord(ch):04X}"


def check_set82(label: str, value: str, max_length: int) -> str:
    """Return ``value`` if it is 1 to ``max_length`` characters of set 82, else raise."""
    if not isinstance(value, str):
        raise TypeError(f"{label} is text, not {type(value).__name__}")
    if not value:
        raise DigitalLinkError(f"{label} is empty")
    if len(value) > max_length:
        raise DigitalLinkError(
            f"{label} is longer than {max_length} characters ({len(value)} given)"
        )
    for ch in value:
        if ch not in SET_82:
            raise DigitalLinkError(
                f"{label} contains {describe_char(ch)}, which is not in the GS1 character set"
            )
    return value


def check_raw(text: str, what: str, max_length: int = MAX_LENGTH) -> None:
    """Reject ``text`` before any parsing if it is too long, non-ASCII or has control characters.

    The length test comes first so a megabyte-long path costs nothing.
    """
    if len(text) > max_length:
        raise DigitalLinkError(f"{what} is longer than {max_length} characters")
    if not text.isascii():
        raise DigitalLinkError(f"{what} contains non-ASCII characters; percent-encode them")
    reject_control(what, text)


def reject_control(label: str, text: str) -> None:
    """Raise if ``text`` holds a control character (NUL, CR, LF, TAB, DEL ...)."""
    if _CONTROL.search(text):
        raise DigitalLinkError(f"{label} contains a control character")


def percent_decode(label: str, raw: str) -> str:
    """Decode ``%XX`` escapes in ``raw`` exactly once and return the text (UTF-8).

    A ``%`` that does not start a two-hex-digit escape is an error rather than
    kept as is, and ``+`` stays a plus: GS1 values may contain ``+`` and have no
    spaces, so the form-encoding convention would only corrupt them.
    """
    if "%" not in raw:
        return raw
    bad = _BAD_ESCAPE.search(raw)
    if bad:
        raise DigitalLinkError(
            f"{label} has a broken percent-encoding at {show(raw[bad.start() : bad.start() + 3])}"
        )
    try:
        text = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise DigitalLinkError(f"{label} is not valid UTF-8 once percent-decoded") from None
    reject_control(label, text)
    return text


def percent_encode(value: str) -> str:
    """Encode ``value`` for a path segment or query value of a Digital Link URI.

    Only RFC 3986 unreserved characters stay as they are; this is what the
    GS1 Digital Link grammar asks of set-82 symbols (``/``, ``%``, ``&``,
    ``+``, ``?`` ... all encoded), and it is safe in both path and query.
    """
    return quote(value, safe="")
