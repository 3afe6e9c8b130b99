"""The print generator: relic signs, batch labels and stamp sheets as print-ready PDF.

A pure core: no Flask, no database. Records in (:class:`SignData`, :class:`LabelData`,
:class:`StampData`), a format from ``printables/`` by name or object, PDF bytes or a
stream out; :func:`verify_pdf` decodes every code of a document to prove it prints.

    from qrsvc.generator import StampData, render_pdf, verify_pdf
    pdf = render_pdf("stamp-20mm-a4", stamps)
    assert verify_pdf(pdf, [s.url for s in stamps]).ok

A sign or label format with a ``[payment]`` slot prints a record's :class:`PaymentCode`
(a verified account's VietQR code) beside the page code, each under a caption;
:func:`expected_codes` lists what verifying such a document must decode.
"""

from qrsvc.generator.data import LabelData, PaymentCode, SignData, StampData
from qrsvc.generator.formats import (
    DEFAULT_FORMATS_DIR,
    FormatError,
    PrintFormat,
    load_format,
    load_formats,
)
from qrsvc.generator.pairs import MissingPaymentError, expected_codes
from qrsvc.generator.printshop import write_stamps_csv
from qrsvc.generator.qr import QrSymbol, encode_qr, qr_png, qr_svg
from qrsvc.generator.render import get_format, render_pdf, write_pdf
from qrsvc.generator.verify import VerifyResult, verify_pdf

__all__ = [
    "DEFAULT_FORMATS_DIR",
    "FormatError",
    "LabelData",
    "MissingPaymentError",
    "PaymentCode",
    "PrintFormat",
    "QrSymbol",
    "SignData",
    "StampData",
    "VerifyResult",
    "encode_qr",
    "expected_codes",
    "get_format",
    "load_format",
    "load_formats",
    "qr_png",
    "qr_svg",
    "render_pdf",
    "verify_pdf",
    "write_pdf",
    "write_stamps_csv",
]
