"""A visitor's photo of a code on a relic's sign, checked against the official code.

    check = check_photo(relic, data, site_url="https://qr.example.vn")
    check.verdict   -> "differs"   (or "matches", "no_code", "not_image")
    check.jpeg      -> the copy to keep: re-encoded JPEG, no EXIF (no phone's GPS position)

The known fraud is a sticker with someone else's bank code pasted over a temple's
donation code. The photo is checked as an upload is (:func:`qrsvc.media.encoding.check_image`:
size, pixels, JPEG/PNG/WebP only, no SVG or HTML), re-encoded, and every QR code in it is
read with zxing-cpp. A code that points to this site (the sign's own page code) is
left aside; any other code that is not the relic's verified VietQR account (another
BIN or account, or not VietQR at all) makes the photo "differ", and staff are alerted.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass

import zxingcpp
from PIL import Image, ImageOps
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.media import media_store
from qrsvc.media.encoding import ACCEPTED_FORMATS, check_image
from qrsvc.media.storage import MediaError
from qrsvc.models import Relic, SignReport
from qrsvc.payments.accounts import official_payload
from qrsvc.vietqr import VietQRError, bank_of, parse_payload

NOT_IMAGE, NO_CODE, MATCHES, DIFFERS = "not_image", "no_code", "matches", "differs"
#: A phone photo is a few MB; a visitor's upload is held to less than a staff upload.
MAX_PHOTO_BYTES = 12 * 1024 * 1024
#: Enough pixels to read a code photographed from arm's length, few enough to be quick.
KEPT_SIDE = 2048
#: Codes read from one photo, and characters kept of each: more is not a sign's photo.
MAX_CODES = 8
MAX_CODE_TEXT = 600


@dataclass(frozen=True)
class PhotoCheck:
    """What a photo showed: the verdict, the codes read, and the copy to keep (if any)."""

    verdict: str
    codes: tuple[str, ...] = ()
    jpeg: bytes | None = None
    problem: str = ""  # why the photo was not used (English, for the log)


def kept_copy(data: bytes, max_bytes: int = MAX_PHOTO_BYTES) -> bytes:
    """``data`` checked as an upload and re-encoded as a JPEG without any metadata.

    Raises :class:`~qrsvc.media.MediaError` for what is not a usable JPEG, PNG or WebP.
    """
    check_image(data, max_bytes=max_bytes)
    with Image.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS)) as source:
        source.draft("RGB", (KEPT_SIDE, KEPT_SIDE))  # a JPEG decodes at a smaller scale
        image = ImageOps.exif_transpose(source).convert("RGBA")
    image.thumbnail((KEPT_SIDE, KEPT_SIDE))
    flat = Image.new("RGB", image.size, (255, 255, 255))  # a transparent code on white
    flat.paste(image, mask=image.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=85, exif=b"")  # flat.info is empty: nothing else leaks
    return out.getvalue()


def read_codes(jpeg: bytes) -> list[str]:
    """The texts of the QR codes in an image we encoded, printable, at most ``MAX_CODES``."""
    with Image.open(io.BytesIO(jpeg), formats=["JPEG"]) as image:
        found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    texts = []
    for barcode in found[:MAX_CODES]:
        text = unicodedata.normalize("NFC", barcode.text)[:MAX_CODE_TEXT]
        texts.append("".join(ch if ch.isprintable() else "\ufffd" for ch in text))
    return texts


def is_own_page(text: str, site_url: str) -> bool:
    """True for a code that opens a page of this site (the sign's own relic code)."""
    base = site_url.rstrip("/").lower()
    return bool(base) and text.strip().lower().startswith(base + "/")


def code_differs(text: str, official: str | None) -> bool:
    """True when ``text`` is not a transfer to the official account ``official``.

    Another bank or account, or not a VietQR payload at all, differs; without an official
    account any payment code differs (nothing on the sign should ask for money then).
    """
    try:
        found = parse_payload(text)
    except VietQRError:
        return True
    if official is None:
        return True
    expected = parse_payload(official)
    return (found.bank_bin, found.account) != (expected.bank_bin, expected.account)


def compare(codes: list[str], official: str | None, site_url: str) -> str:
    """The verdict of the codes read from a photo: differs, matches or no_code."""
    others = [text for text in codes if not is_own_page(text, site_url)]
    if not others:
        return NO_CODE
    return DIFFERS if any(code_differs(text, official) for text in others) else MATCHES


def check_photo(relic: Relic, data: bytes, site_url: str) -> PhotoCheck:
    """Check a visitor's photo of the codes on ``relic``'s sign (never raises for a bad file)."""
    try:
        jpeg = kept_copy(data)
    except MediaError as exc:
        return PhotoCheck(NOT_IMAGE, problem=exc.message)
    codes = read_codes(jpeg)
    return PhotoCheck(compare(codes, official_payload(relic), site_url), tuple(codes), jpeg)


@dataclass(frozen=True)
class PaymentAlert:
    """A new report whose photo held a code that differs from the relic's official one."""

    report: SignReport
    codes: tuple[str, ...]  # each code in words: "Vietcombank 0011001932418", or its text
    photo_url: str  # where staff see the kept photo ("" when it could not be kept)


def code_in_words(text: str) -> str:
    """A code read from a photo as staff read it: the bank and account of a VietQR code,
    else its text (shortened)."""
    try:
        found = parse_payload(text)
    except VietQRError:
        return text[:120]
    try:
        bank = bank_of(found.bank_bin).short_name
    except VietQRError:
        bank = found.bank_bin
    return f"{bank} {found.account}"


def payment_alerts(limit: int = 50) -> list[PaymentAlert]:
    """New reports whose photo's code differs from the official one, newest first."""
    query = (
        select(SignReport)
        .where(SignReport.payment_check == DIFFERS, SignReport.status == "new")
        .order_by(SignReport.id.desc())
        .limit(limit)
    )
    store = media_store()
    return [
        PaymentAlert(
            report,
            tuple(code_in_words(t) for t in report.photo_codes.splitlines() if t),
            store.url_path(report.photo_key) if report.photo_key else "",
        )
        for report in db.session.scalars(query)
    ]
