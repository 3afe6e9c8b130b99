"""VietQR payment codes (NAPAS, EMVCo merchant-presented) in pure Python, no Flask, no database.

    build_payload("970436", "0011001932418", amount=50000, purpose="Công đức")  -> "000201..."
    parse_payload(scanned_text)  -> VietQR(bank_bin="970436", account="0011001932418", ...)
    bank_of("970436").name       -> "Ngân hàng TMCP Ngoại Thương Việt Nam"

The checks of an official account (:func:`account_number`, :func:`holder_name`,
:func:`purpose`, :func:`bank_of`) raise :class:`VietQRError`, whose ``field``, ``template``
and ``params`` let a form show the message beside the input, in the page's language.
"""

from qrsvc.vietqr.banks import BANKS, Bank, bank_of
from qrsvc.vietqr.checks import (
    ACCOUNT_LENGTHS,
    HOLDER_LENGTHS,
    PURPOSE_LENGTH,
    account_number,
    fold_accents,
    holder_name,
    looks_like_card,
    purpose,
)
from qrsvc.vietqr.crc import crc16, crc_hex
from qrsvc.vietqr.errors import VietQRError
from qrsvc.vietqr.payload import (
    GUID,
    MAX_PAYLOAD,
    TO_ACCOUNT,
    TO_CARD,
    VietQR,
    build_payload,
    parse_payload,
)

__all__ = [
    "ACCOUNT_LENGTHS",
    "BANKS",
    "GUID",
    "HOLDER_LENGTHS",
    "MAX_PAYLOAD",
    "PURPOSE_LENGTH",
    "TO_ACCOUNT",
    "TO_CARD",
    "Bank",
    "VietQR",
    "VietQRError",
    "account_number",
    "bank_of",
    "build_payload",
    "crc16",
    "crc_hex",
    "fold_accents",
    "holder_name",
    "looks_like_card",
    "parse_payload",
    "purpose",
]
