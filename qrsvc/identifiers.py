"""One rule for the identifiers that end up in URLs, headers and file names.

    relic_code("lk01")             -> "LK01"   (2 to 12 letters or digits, stored upper case)
    record_ref("HTX-TUTRU")        -> "HTX-TUTRU"   (producers, products; batches up to 64)
    lot_number("L2025/05")         -> "L2025/05"    (GS1 AI (10): set 82, up to 20)

Each raises :class:`IdentifierError` with a message for the person who typed the value.
The admin's forms, the import, the API and the command line all call these, so a
reference one of them accepts is one the others accept, and no reference can break a
link, a header or a file name. The module knows nothing of Flask or the database.
"""

from __future__ import annotations

import re

from qrsvc.gs1.charset import SET_82

__all__ = [
    "BATCH_REF_LENGTH",
    "IdentifierError",
    "LOT_LENGTH",
    "REF_LENGTH",
    "lot_number",
    "record_ref",
    "ref_from",
    "relic_code",
]

#: Producer and product references: the local path ``/p/<ref>`` and file names.
REF_LENGTH = 40
#: A batch's reference is its product's and its lot's by default, so it is longer.
BATCH_REF_LENGTH = 64
#: GS1 AI (10), the batch or lot number.
LOT_LENGTH = 20
CODE_LENGTHS = (2, 12)

_REF_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_NOT_REF = re.compile(r"[^A-Za-z0-9._-]+")


def N_(message: str) -> str:  # noqa: N802 (the name gettext tools look for)
    """Mark ``message`` for translation; it is translated where it is shown."""
    return message


class IdentifierError(ValueError):
    """A value that cannot be a code, reference or lot; says why.

    ``message`` is English (imports, the command line, logs); a form shows
    ``gettext(error.template, **error.params)``.
    """

    def __init__(self, template: str, **params: str | int) -> None:
        """Keep the message template and its values."""
        self.template = template
        self.params = params
        self.message = template % params if params else template
        super().__init__(self.message)


def describe(ch: str) -> str:
    """A character as a person can recognise it in a message: ``"ệ"``, a space, ``U+000A``."""
    if ch == " ":
        return N_("a space")
    if ch.isprintable():
        return f'"{ch}"'
    return f"U+{ord(ch):04X}"


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise IdentifierError(N_("This is not text."))
    return value


def _length(value: str, low: int, high: int) -> None:
    if not value:
        raise IdentifierError(N_("This cannot be empty."))
    if len(value) < low:
        raise IdentifierError(N_("Too short: at least %(low)s characters."), low=low)
    if len(value) > high:
        raise IdentifierError(
            N_("Too long (%(length)s characters); at most %(limit)s."),
            length=len(value),
            limit=high,
        )


def record_ref(value: object, max_length: int = REF_LENGTH) -> str:
    """``value`` if it is a reference: ASCII letters, digits, ``-``, ``_`` and ``.``.

    It starts and ends with a letter or a digit and has no ``..``, so it is the same
    in a URL path, a header and a file name on any system, without escaping.
    """
    value = _text(value)
    _length(value, 1, max_length)
    for ch in value:
        if ch not in _REF_CHARS:
            raise IdentifierError(
                N_(
                    "%(char)s cannot be used in a reference; use letters without accents, "
                    "digits, '-', '_' or '.'."
                ),
                char=describe(ch),
            )
    if value[0] not in _ALNUM or value[-1] not in _ALNUM or ".." in value:
        raise IdentifierError(
            N_("A reference starts and ends with a letter or a digit and has no '..'.")
        )
    return value


def relic_code(value: object) -> str:
    """The stored form (upper case) of a relic code: 2 to 12 letters or digits."""
    value = _text(value)
    # isascii() first: str.upper() turns some non-ASCII letters ("ı", "ﬀ") into ASCII ones.
    if not value.isascii() or not value.isalnum():
        bad = next((ch for ch in value if ch not in _ALNUM), None)
        if bad is not None:
            raise IdentifierError(
                N_(
                    "%(char)s cannot be used in a relic code; "
                    "use 2 to 12 capital letters or digits, e.g. LK01."
                ),
                char=describe(bad),
            )
    _length(value, *CODE_LENGTHS)
    return value.upper()


def lot_number(value: object) -> str:
    """``value`` if it can be printed as GS1 AI (10): 1 to 20 characters of set 82."""
    value = _text(value)
    _length(value, 1, LOT_LENGTH)
    for ch in value:
        if ch not in SET_82:
            raise IdentifierError(
                N_(
                    "%(char)s cannot be used in a lot number; use letters without accents, "
                    "digits and the GS1 signs !\"%%&'()*+,-./:;<=>?_."
                ),
                char=describe(ch),
            )
    if value in (".", ".."):
        # A URL path segment of its own: browsers and proxies fold it away, so the
        # printed code would lead to another page.
        raise IdentifierError(N_("A lot number cannot be only dots."))
    return value


def ref_from(*parts: str, max_length: int = BATCH_REF_LENGTH) -> str:
    """A reference made of ``parts`` (a product's reference and a lot, say).

    Characters a reference cannot hold become ``-``: lot ``05/2025`` of ``NEMC`` gives
    ``NEMC-05-2025``. Returns ``""`` when nothing usable is left.
    """
    joined = "-".join(_NOT_REF.sub("-", part) for part in parts if part)
    joined = re.sub(r"\.{2,}", ".", joined)
    joined = re.sub(r"-{2,}", "-", joined)
    return joined[:max_length].strip("._-")
