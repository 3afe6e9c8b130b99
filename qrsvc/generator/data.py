"""What gets printed: plain records for signs, labels and stamps.

The generator takes these and nothing else (no models, no request), so the CLI, the
background jobs and the tests all feed it the same way. Text is normalised to NFC on the
way in: a title typed on a phone keyboard may arrive decomposed (``a`` + combining marks),
and only the precomposed form maps to the font's Vietnamese glyphs and extracts back as
the same string a search or a test expects.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, fields

from qrsvc.vietqr import VietQRError, parse_payload

__all__ = ["LabelData", "PaymentCode", "SignData", "StampData"]

# A QR symbol holds at most ~4,000 alphanumeric characters, but a URL of more than a few
# hundred characters makes a symbol no phone reads from a label; fail early and clearly.
MAX_URL_CHARS = 500
MAX_TEXT_CHARS = 300
#: A holder's name as banks show it is at most 50 characters (qrsvc.vietqr.HOLDER_LENGTHS).
MAX_HOLDER_CHARS = 50


def _clean(record: object) -> None:
    """NFC-normalise every str field and reject control characters and overlong text."""
    for field in fields(record):  # type: ignore[arg-type]
        value = getattr(record, field.name)
        if not isinstance(value, str):
            continue
        value = unicodedata.normalize("NFC", value.strip())
        limit = MAX_URL_CHARS if field.name == "url" else MAX_TEXT_CHARS
        if len(value) > limit:
            raise ValueError(f"{field.name} is longer than {limit} characters")
        # isprintable() is the fast path; only text with e.g. a no-break space needs the loop.
        if not value.isprintable() and any(unicodedata.category(c) == "Cc" for c in value):
            raise ValueError(f"{field.name} contains a control character")
        object.__setattr__(record, field.name, value)


def _require(record: object, *names: str) -> None:
    for name in names:
        if not getattr(record, name):
            raise ValueError(f"{type(record).__name__}.{name} must not be empty")


def _check_payment(payment: object) -> None:
    if payment is not None and not isinstance(payment, PaymentCode):
        raise ValueError("payment must be a PaymentCode or None")


@dataclass(frozen=True)
class PaymentCode:
    """A verified account's VietQR code, as a sign or label prints it beside the page code.

    ``payload`` is what the code encodes (checked here: it must parse as VietQR, CRC
    included); ``holder`` and ``bank`` are printed under it, so the visitor can compare
    them with what the banking app shows before confirming. Only the caller knows the
    account is verified: :mod:`qrsvc.printing.records` builds these from verified ones only.
    """

    payload: str
    holder: str
    bank: str

    def __post_init__(self) -> None:
        _clean(self)
        _require(self, "payload", "holder", "bank")
        if len(self.holder) > MAX_HOLDER_CHARS:
            raise ValueError(f"holder is longer than {MAX_HOLDER_CHARS} characters")
        try:
            parse_payload(self.payload)
        except VietQRError as exc:
            raise ValueError(f"payload is not a VietQR payment code: {exc}") from None

    @property
    def bank_bin(self) -> str:
        """The NAPAS BIN of the bank the code pays into."""
        return parse_payload(self.payload).bank_bin

    @property
    def account(self) -> str:
        """The account number the code pays into."""
        return parse_payload(self.payload).account


@dataclass(frozen=True)
class SignData:
    """One relic sign: what the plate at the relic says around its QR code.

    ``url`` is encoded exactly as given (the caller uppercases it when the resolver
    matches case-insensitively, so the symbol uses QR alphanumeric mode); ``short_url``
    is the human-readable text printed under the code.
    """

    title_vi: str
    title_en: str
    relic_code: str
    url: str
    short_url: str
    rank_vi: str = ""
    rank_en: str = ""
    scan_hint_vi: str = "Quét để đọc bằng ngôn ngữ của bạn"
    scan_hint_en: str = "Scan to read in your language"
    #: The relic's donation code, printed only by a format with a payment slot.
    payment: PaymentCode | None = None

    def __post_init__(self) -> None:
        _clean(self)
        _require(self, "title_vi", "relic_code", "url", "short_url")
        _check_payment(self.payment)


@dataclass(frozen=True)
class LabelData:
    """One batch label: product, producer, lot, dates and the batch's traceability URL.

    ``url_text`` is what is printed under the code; by default the URL without its
    scheme, which is what a buyer would type.
    """

    product_name: str
    producer: str
    lot: str
    url: str
    production_date: dt.date | None = None
    expiry_date: dt.date | None = None
    ocop_stars: int | None = None
    url_text: str = ""
    #: The producer's payment code, printed only by a format with a payment slot.
    payment: PaymentCode | None = None

    def __post_init__(self) -> None:
        _clean(self)
        _require(self, "product_name", "producer", "lot", "url")
        _check_payment(self.payment)
        for name in ("production_date", "expiry_date"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, dt.date):
                raise ValueError(f"{name} must be a datetime.date or None")
        stars = self.ocop_stars
        if stars is not None and (isinstance(stars, bool) or stars not in (3, 4, 5)):
            raise ValueError("ocop_stars must be 3, 4, 5 or None")
        if not self.url_text:
            object.__setattr__(self, "url_text", self.url.split("://", 1)[-1])


@dataclass(frozen=True)
class StampData:
    """One anti-counterfeit stamp: its serial as printed, its URL, and an optional PIN."""

    serial: str
    url: str
    pin: str | None = None

    def __post_init__(self) -> None:
        _clean(self)
        _require(self, "serial", "url")
        if self.pin == "":
            object.__setattr__(self, "pin", None)
