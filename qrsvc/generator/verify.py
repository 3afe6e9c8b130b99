"""Verify a printed document: rasterise every page and decode every code in it.

The decoder is zxing-cpp's reader and the rasteriser is PDFium (pypdfium2): neither
shares code with the ReportLab or WeasyPrint output path, so a code that decodes here
was really drawn right. A page is rendered at 150 dpi, enough for modules of 0.35 mm
(about 2 pixels each). Only when codes are missing is every page tried once more at
300 dpi, so a sound document costs one pass and a doubtful one gets a second chance.

Given the verified account (``account=(bin, number)``), every decoded VietQR payment code
is also parsed (:func:`qrsvc.vietqr.parse_payload`: layout and CRC) and its BIN and
account compared with the verified ones; each failure is named in ``problems``.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import zxingcpp

from qrsvc.vietqr import VietQRError, parse_payload

__all__ = ["VerifyResult", "verify_pdf"]

FIRST_DPI = 150
RETRY_DPI = 300


@dataclass(frozen=True)
class VerifyResult:
    """What decoding found: ``matched`` of ``total`` expected codes read back exactly.

    ``missing`` lists expected URLs not found (as often as they are missing);
    ``unexpected`` lists decoded texts nobody asked for, or found more often than asked.
    """

    total: int
    matched: int
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    pages: int = 0
    seconds: float = 0.0
    #: What is wrong with the payment codes found, one sentence each (see the module).
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every expected code decoded exactly and nothing else was found."""
        return (
            self.matched == self.total
            and not self.missing
            and not self.unexpected
            and not self.problems
        )

    def __str__(self) -> str:
        text = f"verified {self.matched}/{self.total}"
        if self.unexpected:
            text += f", {len(self.unexpected)} unexpected"
        if self.problems:
            text += f", {len(self.problems)} payment code problems"
        return text


PAYLOAD_START = "000201"  # EMVCo's payload format indicator: this text is a payment code


def payment_problems(texts, account: tuple[str, str] | None) -> list[str]:
    """Each decoded payment code that is damaged or pays another account, said in words."""
    problems = []
    for text in sorted(set(texts)):
        if not text.startswith(PAYLOAD_START):
            continue
        try:
            code = parse_payload(text)
        except VietQRError as exc:
            problems.append(f"a payment code does not parse as VietQR: {exc}")
            continue
        if account is None:
            problems.append("a payment code is printed, and there is no verified account")
        elif (code.bank_bin, code.account) != tuple(account):
            problems.append(
                f"a payment code pays bank {code.bank_bin} account {code.account}, "
                f"not the verified bank {account[0]} account {account[1]}"
            )
    return problems


def _decode_page(page: pdfium.PdfPage, dpi: int) -> list[str]:
    bitmap = page.render(scale=dpi / 72, grayscale=True, may_draw_forms=False)
    try:
        width, height, stride = bitmap.width, bitmap.height, bitmap.stride
        buffer = memoryview(bitmap.buffer)
        # A grayscale bitmap is one byte a pixel; rows may be padded to a stride.
        view = zxingcpp.ImageView(buffer, width, height, zxingcpp.ImageFormat.Lum, stride, 1)
        found = zxingcpp.read_barcodes(
            view,
            formats=zxingcpp.BarcodeFormat.QRCode,
            try_rotate=False,
            try_invert=False,
        )
        return [barcode.text for barcode in found if barcode.valid]
    finally:
        bitmap.close()


def verify_pdf(
    pdf: bytes | str | os.PathLike,
    expected_urls: Sequence[str],
    *,
    account: tuple[str, str] | None = None,
) -> VerifyResult:
    """Decode every QR code on every page of ``pdf`` and compare with ``expected_urls``.

    ``expected_urls`` is a multiset: a sheet of 21 identical batch labels expects the same
    URL 21 times (payment payloads are texts like any other). A decoded text counts only
    if it equals an expected one exactly. ``account`` is the verified ``(BIN, number)``
    that payment codes must pay; every payment code found is checked against it.
    """
    started = time.perf_counter()
    wanted = Counter(expected_urls)
    source = os.fspath(pdf) if isinstance(pdf, str | os.PathLike) else pdf
    document = pdfium.PdfDocument(source)
    try:
        per_page = []
        for index in range(len(document)):
            page = document[index]
            try:
                per_page.append(_decode_page(page, FIRST_DPI))
            finally:
                page.close()
        found = Counter(text for texts in per_page for text in texts)
        if wanted - found:
            # Something is missing: try again, finer. Codes found at either resolution
            # count once per page (the better of the two reads).
            for index in range(len(document)):
                page = document[index]
                try:
                    finer = _decode_page(page, RETRY_DPI)
                finally:
                    page.close()
                if len(finer) > len(per_page[index]):
                    per_page[index] = finer
            found = Counter(text for texts in per_page for text in texts)
        pages = len(document)
    finally:
        document.close()
    missing = wanted - found
    unexpected = found - wanted
    return VerifyResult(
        total=sum(wanted.values()),
        matched=sum((wanted & found).values()),
        missing=sorted(missing.elements()),
        unexpected=sorted(unexpected.elements()),
        pages=pages,
        seconds=time.perf_counter() - started,
        problems=payment_problems(found, account),
    )
