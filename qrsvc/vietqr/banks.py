"""The banks an official account can be held at, by NAPAS BIN, read from ``banks.json``.

    bank_of("970436").short_name   -> "Vietcombank"
    [b.bin for b in BANKS]         -> ["422589", ..., "970463"]

The list is data (see README.md beside this module for its source and how to update
it); the admin's bank choice, the payload's BIN check and the page's bank name all read
this one list.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from qrsvc.vietqr.errors import N_, VietQRError

__all__ = ["BANKS", "Bank", "bank_of", "banks"]


@dataclass(frozen=True)
class Bank:
    """One bank: its NAPAS BIN, code, short name, Vietnamese name, and whether it pays."""

    bin: str
    code: str
    short_name: str
    name: str
    #: True when the bank's own app also pays VietQR codes (every listed bank receives).
    sends: bool

    def __post_init__(self) -> None:
        if not (len(self.bin) == 6 and self.bin.isascii() and self.bin.isdigit()):
            raise ValueError(f"a NAPAS BIN is six digits, not {self.bin!r}")
        if not self.short_name or not self.name:
            raise ValueError(f"bank {self.bin} has no name")
        if not unicodedata.is_normalized("NFC", self.name):
            raise ValueError(f"the name of bank {self.bin} is not NFC")


@cache
def banks() -> tuple[Bank, ...]:
    """Every listed bank, in the order of their BINs."""
    text = resources.files(__package__).joinpath("banks.json").read_text(encoding="utf-8")
    listed = tuple(Bank(**row) for row in json.loads(text)["banks"])
    bins = [bank.bin for bank in listed]
    if bins != sorted(set(bins)):
        raise ValueError("banks.json: BINs must be unique and in order")
    return listed


BANKS: tuple[Bank, ...] = banks()
_BY_BIN = {bank.bin: bank for bank in BANKS}


def bank_of(bin_: object) -> Bank:
    """The bank of NAPAS BIN ``bin_`` (surrounding spaces ignored), or a VietQRError."""
    text = bin_.strip() if isinstance(bin_, str) else ""
    if not (len(text) == 6 and text.isascii() and text.isdigit()):
        raise VietQRError("bin", N_("A bank's NAPAS BIN is six digits, e.g. 970436."))
    bank = _BY_BIN.get(text)
    if bank is None:
        raise VietQRError(
            "bin",
            N_("No bank in the list has the BIN %(bin)s; choose the bank from the list."),
            bin=text,
        )
    return bank
