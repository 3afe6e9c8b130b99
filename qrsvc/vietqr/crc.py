"""The EMVCo checksum: CRC-16/CCITT-FALSE (polynomial 0x1021, start 0xFFFF, no reflection).

The standard library computes exactly this CRC (``binascii.crc_hqx`` with 0xFFFF as its
start value), so nothing is re-implemented here; the check value of ``"123456789"`` is
``29B1``. EMVCo takes it over the payload's bytes up to and including ``"6304"``, the
tag and length of the CRC itself, and writes it as four upper-case hex digits.
"""

from __future__ import annotations

import binascii

__all__ = ["crc16", "crc_hex"]


def crc16(data: str | bytes) -> int:
    """CRC-16/CCITT-FALSE of ``data`` (text is taken as UTF-8)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return binascii.crc_hqx(data, 0xFFFF)


def crc_hex(data: str | bytes) -> str:
    """The CRC as EMVCo writes it in tag 63: four upper-case hex digits."""
    return f"{crc16(data):04X}"
