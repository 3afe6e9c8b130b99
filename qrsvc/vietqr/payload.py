"""The NAPAS VietQR payload: an EMVCo merchant-presented code that asks a bank transfer.

    build_payload("970436", "0011001932418")             static, no amount ("11")
    build_payload("970436", "0011001932418", 50000, "Cong duc")   dynamic ("12")
    parse_payload(payload)  -> VietQR(bank_bin="970436", account="0011001932418", ...)

Layout (each ``TTLL...`` an EMVCo data object, :mod:`qrsvc.vietqr.tlv`)::

    00 "01"                  payload format indicator
    01 "11" | "12"           point of initiation: static without amount, dynamic with one
    38 00 "A000000727"       NAPAS's GUID
       01 00 BIN, 01 account the beneficiary organisation
       02 "QRIBFTTA"         service: inter-bank transfer to an account
    53 "704"  54 amount  58 "VN"  62 08 purpose
    63 CRC-16/CCITT-FALSE over everything up to and including "6304"

:func:`parse_payload` reads a payload from anywhere (a scanned sticker): tags in any
order, the CRC, every length and value checked, a tag a VietQR transfer does not use
refused with a :class:`~qrsvc.vietqr.errors.VietQRError` that says which.
"""

from __future__ import annotations

from dataclasses import dataclass

from qrsvc.vietqr import checks
from qrsvc.vietqr.banks import bank_of
from qrsvc.vietqr.crc import crc_hex
from qrsvc.vietqr.errors import N_, VietQRError
from qrsvc.vietqr.tlv import DataObject, decode, encode

__all__ = [
    "GUID",
    "MAX_PAYLOAD",
    "TO_ACCOUNT",
    "TO_CARD",
    "VietQR",
    "build_payload",
    "parse_payload",
]

GUID = "A000000727"
TO_ACCOUNT = "QRIBFTTA"
TO_CARD = "QRIBFTTC"
STATIC, DYNAMIC = "11", "12"
CURRENCY_VND = "704"
COUNTRY = "VN"
#: EMVCo's limit for a whole payload.
MAX_PAYLOAD = 512
#: Data objects of the root read but not used: category code, merchant name, city, postcode.
IGNORED_ROOT = frozenset({"52", "59", "60", "61"})
#: 62's data objects other than the purpose (08): bill, phone, store, loyalty, reference,
#: customer, terminal, consumer data request; defined by EMVCo, not used here.
IGNORED_ADDITIONAL = frozenset({"01", "02", "03", "04", "05", "06", "07", "09"})
REQUIRED_ROOT = ("00", "01", "38", "53", "58", "63")
_ACCOUNT_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


@dataclass(frozen=True)
class VietQR:
    """A transfer as a VietQR code asks it: to which bank and account, how much, and why.

    Validates itself as the NAPAS layout allows (an account of up to 19 letters or
    digits, a purpose of up to 25 characters); :func:`build_payload` adds the stricter
    checks of an official account.
    """

    bank_bin: str
    account: str
    amount: int | None = None
    purpose: str = ""
    service: str = TO_ACCOUNT

    def __post_init__(self) -> None:
        if not (len(self.bank_bin) == 6 and _digits(self.bank_bin)):
            raise VietQRError("bin", N_("A bank's NAPAS BIN is six digits, e.g. 970436."))
        if not 1 <= len(self.account) <= 19 or not set(self.account) <= _ACCOUNT_CHARS:
            raise VietQRError(
                "account", N_("The account in the code is not 1 to 19 letters or digits.")
            )
        if self.amount is not None:
            checks.amount(self.amount)
        if len(self.purpose) > checks.PURPOSE_LENGTH or not self.purpose.isprintable():
            raise VietQRError(
                "purpose",
                N_("The purpose in the code is not at most %(limit)s printable characters."),
                limit=checks.PURPOSE_LENGTH,
            )
        if self.service not in (TO_ACCOUNT, TO_CARD):
            raise VietQRError("payload", N_("The code asks a service other than a transfer."))

    @property
    def dynamic(self) -> bool:
        """A code with an amount is "dynamic" (12); one without is "static" (11)."""
        return self.amount is not None

    def payload(self) -> str:
        """The payload text, CRC included, to be encoded in a QR code."""
        beneficiary = encode("00", self.bank_bin) + encode("01", self.account)
        merchant = encode("00", GUID) + encode("01", beneficiary) + encode("02", self.service)
        parts = [
            encode("00", "01"),
            encode("01", DYNAMIC if self.dynamic else STATIC),
            encode("38", merchant),
            encode("53", CURRENCY_VND),
        ]
        if self.amount is not None:
            parts.append(encode("54", str(self.amount)))
        parts.append(encode("58", COUNTRY))
        if self.purpose:
            parts.append(encode("62", encode("08", self.purpose)))
        body = "".join(parts) + "6304"
        return body + crc_hex(body)


def build_payload(
    bank_bin: object, account: object, amount: int | None = None, purpose: object = ""
) -> str:
    """The payload of a transfer to an official account, every input checked.

    The BIN must be a listed bank's, the account 6 to 19 digits and no card number, the
    amount whole dong, the purpose folded to ASCII within 25 characters.
    """
    return VietQR(
        bank_bin=bank_of(bank_bin).bin,
        account=checks.account_number(account),
        amount=None if amount is None else checks.amount(amount),
        purpose=checks.purpose(purpose),
    ).payload()


def _damaged(template: str, **params: str | int) -> VietQRError:
    return VietQRError("payload", template, **params)


def _check_crc(text: str) -> None:
    if len(text) < 8 or text[-8:-4] != "6304":
        raise _damaged(N_("The code does not end with its checksum (data object 63)."))
    written = text[-4:]
    if not (written.isascii() and all(ch in "0123456789ABCDEFabcdef" for ch in written)):
        raise _damaged(N_("The code's checksum is not four hexadecimal digits."))
    if written.upper() != crc_hex(text[:-4]):
        raise _damaged(N_("The code's checksum is wrong: the code was altered or misread."))


def _fields(objects: list[DataObject], known: frozenset[str], parent: str) -> dict[str, DataObject]:
    """``objects`` by tag, when every one of them is ``known``."""
    for obj in objects:
        if obj.tag not in known:
            raise _damaged(
                N_("Data object %(tag)s is not part of a VietQR transfer code."),
                tag=f"{parent}/{obj.tag}" if parent else obj.tag,
            )
    return {obj.tag: obj for obj in objects}


def _require(by_tag: dict[str, DataObject], tags: tuple[str, ...], parent: str = "") -> None:
    for tag in tags:
        if tag not in by_tag:
            raise _damaged(
                N_("The code lacks data object %(tag)s, which every VietQR code has."),
                tag=f"{parent}/{tag}" if parent else tag,
            )


def _inside(obj: DataObject, known: set[str], path: str) -> dict[str, DataObject]:
    """The data objects of template ``obj``, checked as :func:`_fields` does."""
    return _fields(decode(obj.value, path, obj.start), frozenset(known), path)


def _merchant(obj: DataObject) -> tuple[str, str, str]:
    merchant = _inside(obj, {"00", "01", "02"}, "38")
    _require(merchant, ("00",), "38")
    if merchant["00"].value != GUID:
        raise _damaged(N_("Data object 38 names another payment network than NAPAS VietQR."))
    _require(merchant, ("01", "02"), "38")
    beneficiary = _inside(merchant["01"], {"00", "01"}, "38/01")
    _require(beneficiary, ("00", "01"), "38/01")
    return beneficiary["00"].value, beneficiary["01"].value, merchant["02"].value


def _amount(text: str) -> int:
    if not (len(text) <= 13 and _digits(text) and int(text) > 0):
        raise VietQRError("amount", N_("The amount in the code is not a whole number of dong."))
    return int(text)


def parse_payload(text: object) -> VietQR:
    """The transfer a VietQR payload asks, or a VietQRError that says what is wrong."""
    if not isinstance(text, str):
        raise _damaged(N_("The code holds no text."))
    text = text.strip()
    if not text:
        raise _damaged(N_("The code is empty."))
    if len(text) > MAX_PAYLOAD:
        raise _damaged(
            N_("The code holds %(length)s characters; a payment code has at most %(limit)s."),
            length=len(text),
            limit=MAX_PAYLOAD,
        )
    if not text.isprintable():
        raise _damaged(N_("The code holds characters that no payment code holds."))
    _check_crc(text)
    objects = decode(text)
    if objects[-1].tag != "63" or objects[-1].start != len(text) - 4:
        raise _damaged(N_("The code does not end with its checksum (data object 63)."))
    other_networks = [obj.tag for obj in objects if "02" <= obj.tag <= "51" and obj.tag != "38"]
    if other_networks:
        raise _damaged(
            N_("This is a payment code of another network (data object %(tag)s), not VietQR."),
            tag=other_networks[0],
        )
    known = frozenset({"00", "01", "38", "53", "54", "58", "62", "63"}) | IGNORED_ROOT
    root = _fields(objects, known, "")
    _require(root, REQUIRED_ROOT)
    if root["00"].value != "01":
        raise _damaged(N_("The code's format indicator (data object 00) is not 01."))
    if root["01"].value not in (STATIC, DYNAMIC):
        raise _damaged(N_("The code's point of initiation (data object 01) is not 11 or 12."))
    if root["53"].value != CURRENCY_VND or root["58"].value != COUNTRY:
        raise _damaged(N_("The code is not a transfer in Vietnamese dong in Viet Nam."))
    purpose = ""
    if "62" in root:
        additional = _inside(root["62"], IGNORED_ADDITIONAL | {"08"}, "62")
        purpose = additional["08"].value if "08" in additional else ""
    bank_bin, account, service = _merchant(root["38"])
    return VietQR(
        bank_bin=bank_bin,
        account=account,
        amount=_amount(root["54"].value) if "54" in root else None,
        purpose=purpose,
        service=service,
    )
