"""What gets printed, from the database: generator records for signs, labels, stamps.

The generator is a pure core (plain records in, PDF out); this module is the one
place that turns relics, batches and stamp runs into its records, for the CLI, the
background jobs and the admin alike. A sign carries the relic's donation code and a
label the producer's payment code only from a verified account
(:func:`qrsvc.payments.official_payload`); a format with a payment slot prints it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pypdfium2 as pdfium
from flask import current_app

from qrsvc.generator import (
    LabelData,
    PaymentCode,
    SignData,
    StampData,
    VerifyResult,
    expected_codes,
    load_formats,
    verify_pdf,
)
from qrsvc.models import Batch, Producer, Relic, StampRun
from qrsvc.payments import official_payload, verified_account
from qrsvc.stamps.runs import run_stamps
from qrsvc.trace.identifiers import batch_uri
from qrsvc.vietqr import VietQRError, bank_of

RANK_WORDS = {
    "special_national": ("Di tích quốc gia đặc biệt", "Special national relic"),
    "national": ("Di tích quốc gia", "National relic"),
    "provincial": ("Di tích cấp tỉnh", "Provincial relic"),
    "unranked": ("", ""),
}
PREVIEW_DPI = 50


def formats_of(kind: str) -> dict[str, str]:
    """``{name: description}`` of the print formats of ``kind`` (sign, label, stamp)."""
    return {
        name: fmt.description for name, fmt in sorted(load_formats().items()) if fmt.kind == kind
    }


def relic_url(code: str, public_url: str | None = None) -> tuple[str, str]:
    """The URL a sign encodes and the text printed under it.

    In upper case the whole URL fits QR's alphanumeric mode: a smaller symbol that
    scans from further away (relic codes match case-insensitively, ``/R/LK01`` too).
    """
    base = public_url or current_app.config["PUBLIC_URL"]
    scheme, _sep, rest = base.partition("://")
    host, slash, prefix = rest.partition("/")
    # Scheme and host are case-insensitive; a path prefix is kept as configured.
    url = f"{scheme.upper()}://{host.upper()}{slash}{prefix}/R/{code.upper()}"
    return url, f"{rest}/r/{code.upper()}"


def sign_data(relic: Relic) -> SignData:
    """The sign of a relic: Vietnamese and English names, rank, code."""
    vi, en = relic.translation("vi"), relic.translation("en")
    url, short = relic_url(relic.code)
    rank_vi, rank_en = RANK_WORDS.get(relic.rank, ("", ""))
    return SignData(
        title_vi=(vi.name if vi else "") or relic.code,
        title_en=en.name if en else "",
        relic_code=relic.code,
        url=url,
        short_url=short,
        rank_vi=rank_vi,
        rank_en=rank_en,
        payment=payment_code(relic),
    )


def label_data(batch: Batch, today: date) -> LabelData:
    """One label of a batch; the OCOP stars only while the certificate is valid."""
    product = batch.product
    return LabelData(
        product_name=product.display_name("vi") or product.ref,
        producer=product.producer.name,
        lot=batch.lot,
        url=batch_uri(batch, current_app.config["PUBLIC_URL"]),
        production_date=batch.production_date,
        expiry_date=batch.expiry_date,
        ocop_stars=product.ocop_stars if product.ocop_valid_on(today) else None,
        payment=payment_code(product.producer),
    )


def payment_code(owner: Relic | Producer) -> PaymentCode | None:
    """The code of ``owner``'s verified account, with its holder and bank; None without one.

    The payload carries no amount and no purpose: it is the same official payload the
    pages show and a visitor's photo of a sticker is compared with.
    """
    account = verified_account(owner)
    payload = official_payload(owner)
    if account is None or payload is None:
        return None
    return PaymentCode(
        payload=payload, holder=account.holder_name, bank=bank_of(account.bank_bin).short_name
    )


def verified_pair(owner: Relic | Producer) -> tuple[str, str] | None:
    """``(BIN, account number)`` of ``owner``'s verified account, what printed codes must pay."""
    account = verified_account(owner)
    if account is None:
        return None
    try:
        bank_of(account.bank_bin)
    except VietQRError:
        return None
    return account.bank_bin, account.account_number


def verify_print(pdf, fmt, records, owner: Relic | Producer) -> VerifyResult:
    """Decode a printed document: every page code, and every payment code against the
    verified account of ``owner`` (layout, CRC, BIN and account)."""
    return verify_pdf(pdf, expected_codes(fmt, records), account=verified_pair(owner))


def stamp_records(run: StampRun, start: int = 0) -> Iterator[StampData]:
    """Every stamp of a run from position ``start``, computed as it is printed."""
    key = current_app.config["STAMP_KEY"].encode()
    for stamp in run_stamps(run, current_app.config["PUBLIC_URL"], key, start=start):
        yield StampData(serial=stamp.label, url=stamp.url, pin=stamp.pin)


def stamp_format(run: StampRun) -> str:
    """The sheet a run prints on: its own format, or the first stamp format there is."""
    formats = formats_of("stamp")
    return run.format_name if run.format_name in formats else next(iter(formats))


def first_page_png(pdf: bytes, dpi: int = PREVIEW_DPI) -> bytes:
    """Page 1 of a PDF as a small PNG, for a preview next to the download button."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=dpi / 72).to_pil()
        page.close()
    finally:
        document.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, "PNG", optimize=True)
    return out.getvalue()


def payment_missing(format_name: str, owner: Relic | Producer) -> bool:
    """Whether ``format_name`` needs a payment code that ``owner`` cannot give (no verified
    account): the admin says so instead of failing on the preview or the download."""
    fmt = load_formats().get(format_name)
    slot = fmt.payment if fmt else None
    return bool(slot and slot.required and payment_code(owner) is None)


def sign_problems(relic: Relic, format_name: str, pdf: bytes) -> list[str]:
    """What is wrong with a sign's PDF that carries a donation code ([] when it is right,
    or when the format prints none): both codes decoded, the payment code checked."""
    fmt = load_formats()[format_name]
    if fmt.payment is None:
        return []
    result = verify_print(pdf, fmt, [sign_data(relic)], relic)
    return [*result.problems, *(f"not decoded: {text}" for text in result.missing)]
