"""Two codes in one cell: the page code and the payment code, each under its caption.

:func:`payment_codes` gives a template everything it needs to place both codes of a format
with a payment slot (:mod:`qrsvc.generator.slots`): positions, the code as vector SVG,
the captions in the format's languages (:mod:`qrsvc.generator.captions`) and the fitted
sizes of the account holder's name and bank under the payment code (on a sign, with
the sentence that the banking app must show exactly that name). A record without a
payment code is refused when the slot is required, so a sign never goes to the print
shop with its donation code silently missing.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup

from qrsvc.generator.captions import caption
from qrsvc.generator.data import LabelData, SignData
from qrsvc.generator.fonts import fit_font_size
from qrsvc.generator.qr import encode_qr, svg_element
from qrsvc.generator.slots import caption_sizes_pt, sign_scale

__all__ = ["MissingPaymentError", "code_markup", "expected_codes", "payment_codes"]


class MissingPaymentError(ValueError):
    """A format whose payment slot is required, given a record without a payment code."""


def code_markup(text: str, size_mm: float, ecc: str, fmt) -> Markup:
    """The code for ``text`` as an inline SVG ``size_mm`` wide, quiet zone included.

    Raises ``ValueError`` when the text needs so many modules that each would be smaller
    than the format's ``min_module_mm``: such a code would print but not scan.
    """
    symbol = encode_qr(text, ecc)
    module_mm = size_mm / (symbol.size + 2 * fmt.quiet_zone)
    if module_mm < fmt.min_module_mm:
        raise ValueError(
            f"{text!r} needs {symbol.size}x{symbol.size} modules: {module_mm:.2f} mm each on "
            f"{fmt.name}, below its minimum of {fmt.min_module_mm} mm; shorten the URL"
        )
    return Markup(svg_element(symbol, f"{size_mm:g}mm", fmt.quiet_zone))  # noqa: S704


def _captions(fmt, which: str, width_mm: float) -> list[dict]:
    slot = fmt.payment
    sizes = caption_sizes_pt(fmt.kind, fmt.cell_width_mm, slot.languages)
    lines = []
    for index, (language, size) in enumerate(zip(slot.languages, sizes, strict=True)):
        text = caption(fmt.kind, which, language)
        bold = index == 0
        pt = fit_font_size(text, width_mm, size, size * 0.6, 1, bold=bold)
        lines.append({"lang": language, "text": text, "pt": pt, "bold": bold})
    return lines


def _checks(fmt, width_mm: float, max_pt: float) -> list[dict]:
    """The sentence the web page shows under the donation code, in the sign's languages,
    each in at most two lines: a visitor checks the holder's name before paying."""
    lines = []
    for index, language in enumerate(fmt.payment.languages):
        text = caption(fmt.kind, "check", language)
        bold = index == 0
        pt = fit_font_size(text, width_mm, max_pt, max_pt * 0.6, 2, bold=bold)
        lines.append({"lang": language, "text": text, "pt": pt, "bold": bold})
    return lines


def payment_codes(fmt, record: SignData | LabelData, what: str) -> dict | None:
    """Both codes of a cell with a payment slot; None when ``fmt`` has no slot.

    ``what`` names the record in an error (a relic's code, a batch's lot).
    """
    slot = fmt.payment
    if slot is None:
        return None
    payment = record.payment
    if payment is None and slot.required:
        raise MissingPaymentError(
            f"{fmt.name} prints a payment code beside the page code, and {what} has no "
            "verified account; verify one first, or choose a format without a payment slot"
        )
    k = sign_scale(fmt.cell_width_mm) if fmt.kind == "sign" else 1.0
    holder_max, bank_max = (12 * k, 9 * k) if fmt.kind == "sign" else (5.0, 4.5)
    page = {
        "x_mm": slot.page_x_mm,
        "y_mm": slot.page_y_mm,
        "size_mm": fmt.qr_size_mm,
        "top_mm": slot.page_y_mm - slot.caption_mm,
        "captions": _captions(fmt, "page", fmt.qr_size_mm),
    }
    pay = {
        "x_mm": slot.x_mm,
        "y_mm": slot.y_mm,
        "size_mm": slot.size_mm,
        "top_mm": slot.y_mm - slot.caption_mm,
        "captions": _captions(fmt, "payment", slot.size_mm),
        "qr": None,
    }
    if payment is not None:
        pay.update(
            qr=code_markup(payment.payload, slot.size_mm, slot.ecc, fmt),
            holder=payment.holder,
            bank=payment.bank,
            holder_pt=fit_font_size(
                payment.holder, slot.size_mm, holder_max, holder_max * 0.6, 1, bold=True
            ),
            bank_pt=fit_font_size(payment.bank, slot.size_mm, bank_max, bank_max * 0.6, 1),
            check=_checks(fmt, slot.size_mm, bank_max) if fmt.kind == "sign" else [],
        )
    return {"page": page, "payment": pay}


def expected_codes(fmt, records: Iterable) -> list[str]:
    """What decoding the printed document must find: each page URL and each payment code."""
    texts = []
    for record in records:
        texts.append(record.url)
        payment = getattr(record, "payment", None)
        if fmt.payment is not None and payment is not None:
            texts.append(payment.payload)
    return texts
