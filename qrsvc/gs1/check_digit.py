"""GTIN check digits and normalisation (GS1 General Specifications §7.9)."""

from .errors import DigitalLinkError

VIETNAM_PREFIX = "893"
GTIN_LENGTHS = (8, 12, 13, 14)
_DIGITS = frozenset("0123456789")


def _only_digits(text: str) -> bool:
    # str.isdigit() also accepts non-ASCII digits such as "٣"; GS1 keys never do.
    return bool(text) and all(ch in _DIGITS for ch in text)


def gtin_check_digit(body: str) -> int:
    """Return the GS1 mod-10 check digit for ``body`` (the digits before it).

    Weights 3, 1, 3, 1 ... start at the rightmost digit of the body, and the
    check digit is ``(10 - sum % 10) % 10``; ``"0952123454321"`` gives 3.
    """
    if not _only_digits(body):
        raise DigitalLinkError("a check digit can only be computed from digits 0-9")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def normalise_gtin(text: str) -> str:
    """Return GTIN-8/12/13/14 ``text`` as 14 digits after verifying its check digit.

    Shorter GTINs are left-padded with zeros, as GS1 Digital Link requires.
    The text must be exactly the digits: callers that take typed input strip
    spaces themselves, so a stray character in a URI is never silently fixed.
    """
    if not isinstance(text, str):
        raise TypeError(f"a GTIN is text, not {type(text).__name__}")
    if not text:
        raise DigitalLinkError("GTIN is missing")
    if not _only_digits(text):
        raise DigitalLinkError("GTIN must contain only the digits 0-9")
    if len(text) not in GTIN_LENGTHS:
        raise DigitalLinkError(f"GTIN must have 8, 12, 13 or 14 digits, not {len(text)}")
    expected = gtin_check_digit(text[:-1])
    if int(text[-1]) != expected:
        raise DigitalLinkError(f"GTIN check digit is {expected}, not {text[-1]}")
    return text.zfill(14)


def vietnam_gtin13(reference: str | int) -> str:
    """Return the GTIN-13 ``893`` + ``reference`` + check digit.

    ``reference`` is the nine digits after Vietnam's GS1 prefix (company
    prefix remainder and item reference); shorter ones are zero-padded, so the
    demo data can number its products 1, 2, 3 ...
    """
    digits = str(reference) if isinstance(reference, int) else reference
    if not _only_digits(digits) or len(digits) > 9:
        raise DigitalLinkError("the part of a GTIN-13 after 893 must be 1 to 9 digits")
    body = VIETNAM_PREFIX + digits.zfill(9)
    return body + str(gtin_check_digit(body))
