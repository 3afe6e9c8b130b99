"""What an official account and a payment code may hold, each checked in one place.

    account_number("0011 0019 32418")  -> "0011001932418"
    holder_name("Ban quản lý di tích") -> "BAN QUAN LY DI TICH"
    purpose("Công đức Lam Kinh")       -> "Cong duc Lam Kinh"

Each raises :class:`~qrsvc.vietqr.errors.VietQRError` with a message for the person
who typed the value, so the admin's form, the import and the service refuse the same
things. A card number is refused outright: the service never stores one.
"""

from __future__ import annotations

import re
import unicodedata

from qrsvc.identifiers import describe
from qrsvc.vietqr.errors import N_, VietQRError

__all__ = [
    "ACCOUNT_LENGTHS",
    "HOLDER_LENGTHS",
    "MAX_AMOUNT",
    "PURPOSE_LENGTH",
    "account_number",
    "amount",
    "fold_accents",
    "holder_name",
    "looks_like_card",
    "purpose",
]

#: NAPAS account numbers: 6 to 19 digits (19 is the most tag 38/01/01 carries).
ACCOUNT_LENGTHS = (6, 19)
#: The holder's name as banks show it: at most 50 characters, as VietQR's own account
#: name field; at least 2, as a bank shows no shorter name.
HOLDER_LENGTHS = (2, 50)
#: EMVCo 62/08, the purpose of transaction, holds at most 25 characters.
PURPOSE_LENGTH = 25
#: EMVCo tag 54 holds at most 13 characters: whole dong, as VND has no minor unit.
MAX_AMOUNT = 10**13 - 1

_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ ")
_PURPOSE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,-")
_SPACES = re.compile(" {2,}")


def fold_accents(text: str) -> str:
    """``text`` without Vietnamese diacritics, case kept: "Công Đức" -> "Cong Duc"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def _text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise VietQRError(field, N_("This is not text."))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value).strip(" "))


def luhn_valid(digits: str) -> bool:
    """Whether ``digits`` pass the Luhn check that every payment card number passes."""
    total = 0
    for position, ch in enumerate(reversed(digits)):
        n = int(ch)
        if position % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def looks_like_card(digits: str) -> bool:
    """A domestic (NAPAS) card number: 16 or 19 digits from 9704 that pass Luhn."""
    return len(digits) in (16, 19) and digits.startswith("9704") and luhn_valid(digits)


def account_number(value: object) -> str:
    """An account number, spaces between groups removed: 6 to 19 digits, never a card."""
    text = _text(value, "account").replace(" ", "")
    if not text:
        raise VietQRError("account", N_("Give the account number."))
    bad = next((ch for ch in text if not ("0" <= ch <= "9")), None)
    if bad is not None:
        raise VietQRError(
            "account",
            N_("%(char)s cannot be in an account number: it has only digits."),
            char=describe(bad),
        )
    low, high = ACCOUNT_LENGTHS
    if not low <= len(text) <= high:
        raise VietQRError(
            "account",
            N_("An account number has %(low)s to %(high)s digits; this one has %(length)s."),
            low=low,
            high=high,
            length=len(text),
        )
    if looks_like_card(text):
        raise VietQRError(
            "account",
            N_("This is a card number. Give the account number: cards are never stored here."),
        )
    return text


def holder_name(value: object) -> str:
    """The holder's name as banks show it: capital letters A-Z and spaces, accents folded."""
    text = fold_accents(_text(value, "holder"))
    bad = next((ch for ch in text if ch.upper() not in _UPPER or not ch.isascii()), None)
    if bad is not None:
        raise VietQRError(
            "holder",
            N_(
                "%(char)s cannot be in the holder's name; write it as the bank shows it, "
                "letters and spaces only."
            ),
            char=describe(bad),
        )
    low, high = HOLDER_LENGTHS
    if not low <= len(text) <= high:
        raise VietQRError(
            "holder",
            N_("The holder's name has %(low)s to %(high)s characters; this one has %(length)s."),
            low=low,
            high=high,
            length=len(text),
        )
    return text.upper()


def purpose(value: object) -> str:
    """The transfer's purpose for tag 62/08, folded to ASCII: at most 25 characters."""
    text = fold_accents(_text(value, "purpose"))
    bad = next((ch for ch in text if ch not in _PURPOSE), None)
    if bad is not None:
        raise VietQRError(
            "purpose",
            N_(
                "%(char)s cannot be in a transfer's purpose; banks take letters, digits, "
                "spaces and . , - only."
            ),
            char=describe(bad),
        )
    if len(text) > PURPOSE_LENGTH:
        raise VietQRError(
            "purpose",
            N_("The purpose has %(length)s characters without accents; at most %(limit)s fit."),
            length=len(text),
            limit=PURPOSE_LENGTH,
        )
    return text


def amount(value: object) -> int:
    """An amount in whole dong: a positive whole number of at most 13 digits."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise VietQRError("amount", N_("An amount is a whole number of dong."))
    if not 1 <= value <= MAX_AMOUNT:
        raise VietQRError(
            "amount", N_("An amount is from 1 to %(limit)s dong."), limit=f"{MAX_AMOUNT:,}"
        )
    return value
