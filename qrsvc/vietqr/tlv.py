"""EMVCo data objects: a two-digit tag, a two-digit length, then that many characters.

    encode("58", "VN")              -> "5802VN"
    decode("5303704" "5802VN")      -> [DataObject("53", "704", 4), DataObject("58", "VN", 11)]

A template (tags 26-51, 62, 64, 80-99) holds more data objects in its value, decoded
with the same function. :func:`decode` is strict: a tag that is not two digits, a
length that is not two digits or runs past the end, an empty value and a tag given
twice are each a :class:`~qrsvc.vietqr.errors.VietQRError` that says where.
"""

from __future__ import annotations

from typing import NamedTuple

from qrsvc.vietqr.errors import N_, VietQRError

__all__ = ["DataObject", "decode", "encode"]

#: The longest value a data object can hold: its length has two digits.
MAX_VALUE = 99
_DIGITS = frozenset("0123456789")


class DataObject(NamedTuple):
    """One decoded data object; ``start`` is where its value begins in the whole payload."""

    tag: str
    value: str
    start: int


def _is_number(text: str) -> bool:
    return len(text) == 2 and all(ch in _DIGITS for ch in text)


def encode(tag: str, value: str) -> str:
    """One data object; a value that is empty or longer than 99 characters is refused."""
    if not _is_number(tag):
        raise ValueError(f"an EMVCo tag is two digits, not {tag!r}")
    if not value or len(value) > MAX_VALUE:
        raise ValueError(f"the value of tag {tag} has {len(value)} characters; 1 to 99 fit")
    return f"{tag}{len(value):02d}{value}"


def decode(text: str, parent: str = "", offset: int = 0) -> list[DataObject]:
    """The data objects of ``text``, in order; ``parent`` is the template's path.

    Messages name a data object by its path: ``38/01/00`` is the BIN inside the
    beneficiary inside tag 38; ``offset`` is where ``text`` starts in the whole payload,
    so a position in a message counts from the payload's first character.

    Nothing is left over, nothing runs past the end and no tag comes twice, or a
    :class:`VietQRError` names the first problem found.
    """
    pairs: list[DataObject] = []
    seen: set[str] = set()
    at = 0
    while at < len(text):
        tag, length = text[at : at + 2], text[at + 2 : at + 4]
        if not _is_number(tag) or not _is_number(length):
            raise VietQRError(
                "payload",
                N_("The code is damaged at character %(at)s."),
                at=offset + at + 1,
            )
        name = f"{parent}/{tag}" if parent else tag
        size = int(length)
        value = text[at + 4 : at + 4 + size]
        if size == 0 or len(value) != size:
            raise VietQRError(
                "payload",
                N_("The code is damaged: data object %(tag)s has a wrong length."),
                tag=name,
            )
        if tag in seen:
            raise VietQRError(
                "payload",
                N_("The code is damaged: data object %(tag)s is given twice."),
                tag=name,
            )
        seen.add(tag)
        pairs.append(DataObject(tag, value, offset + at + 4))
        at += 4 + size
    return pairs
