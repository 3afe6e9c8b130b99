"""The print generator: relic signs, batch labels and stamp sheets as print-ready PDF.

A pure core: no Flask, no database. Records in (:class:`SignData`, :class:`LabelData`,
:class:`StampData`), a format from ``printables/`` by name or object, PDF bytes or a
stream out; :func:`verify_pdf` decodes every code of a document to prove it prints.

    from qrsvc.generator import StampData, render_pdf, verify_pdf
    pdf = render_pdf("stamp-20mm-a4", stamps)
    assert verify_pdf(pdf, [s.url for s in stamps]).ok
"""

from qrsvc.generator.data import LabelData, SignData, StampData
from qrsvc.generator.formats import (
    DEFAULT_FORMATS_DIR,
    FormatError,
    PrintFormat,
    load_format,
    load_formats,
)
from qrsvc.generator.printshop import write_stamps_csv
from qrsvc.generator.qr import QrSymbol, encode_qr, qr_png, qr_svg
from qrsvc.generator.render import get_format, render_pdf, write_pdf
from qrsvc.generator.verify import VerifyResult, verify_pdf

__all__ = [
    "DEFAULT_FORMATS_DIR",
    "FormatError",
    "LabelData",
    "PrintFormat",
    "QrSymbol",
    "SignData",
    "StampData",
    "VerifyResult",
    "encode_qr",
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
