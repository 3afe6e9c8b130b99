"""What goes where inside one sign or label: fitted font sizes, offsets and the code.

Sizes are chosen from the bundled font's real advance widths, so a long relic name or
producer shrinks (within limits) to fit its box instead of running over the code or off
the label; past the limits the templates clamp the text with an ellipsis.
"""

from __future__ import annotations

from markupsafe import Markup

from qrsvc.generator.data import LabelData, SignData
from qrsvc.generator.fonts import PT_MM, fit_font_size, fits, text_width_mm, wrap_lines
from qrsvc.generator.formats import PrintFormat
from qrsvc.generator.pairs import code_markup, payment_codes
from qrsvc.generator.slots import SIGN_FRAME_MM, SIGN_PADDING_MM, SIGN_REFERENCE_WIDTH_MM

__all__ = ["label_cell", "qr_markup", "sign_cell"]

# Steps by which all the text beside a label's code shrinks together until it fits.
LABEL_SHRINK = (1.0, 0.92, 0.85, 0.78, 0.72, 0.66, 0.6)


def qr_markup(url: str, fmt: PrintFormat) -> Markup:
    """The code for ``url`` as an inline SVG of the format's size, quiet zone included.

    Raises ``ValueError`` when the URL needs so many modules that each would be smaller
    than the format's ``min_module_mm``: such a code would print but not scan.
    """
    return code_markup(url, fmt.qr_size_mm, fmt.ecc, fmt)


def sign_cell(fmt: PrintFormat, sign: SignData) -> dict:
    """Template values for one relic sign filling a cell of ``fmt``."""
    scale = fmt.cell_width_mm / SIGN_REFERENCE_WIDTH_MM
    frame = SIGN_FRAME_MM * scale
    padding = SIGN_PADDING_MM * scale
    width = fmt.cell_width_mm - 2 * frame - 2 * padding
    title_pt = fit_font_size(sign.title_vi, width, 26 * scale, 13 * scale, 2, bold=True)
    # The English title stays visibly secondary, even when a long Vietnamese one shrank.
    title_en_pt = min(fit_font_size(sign.title_en, width, 15 * scale, 8 * scale, 2), title_pt * 0.8)
    codes = payment_codes(fmt, sign, sign.relic_code)
    url_width = width
    if codes:
        # The page code's text band is as wide as the code, not the whole panel.
        url_width = fmt.qr_size_mm
        codes["head_mm"] = min(codes["page"]["top_mm"], codes["payment"]["top_mm"]) - frame
        codes["code_line_pt"] = fit_font_size(
            f"Mã di tích · Relic code {sign.relic_code}", url_width, 10 * scale, 6 * scale, 1
        )
    return {
        "data": sign,
        "qr": qr_markup(sign.url, fmt),
        "codes": codes,
        "scale": scale,
        "frame_mm": frame,
        "padding_mm": padding,
        "title_pt": title_pt,
        "title_en_pt": title_en_pt,
        "url_pt": fit_font_size(sign.short_url, url_width, 15 * scale, 8 * scale, 1, bold=True),
        "hint_pt": fit_font_size(sign.scan_hint_vi, width, 12 * scale, 7 * scale, 1, bold=True),
        "hint_en_pt": fit_font_size(sign.scan_hint_en, width, 11 * scale, 7 * scale, 1),
    }


def _lines(text: str, width: float, size_pt: float, bold: bool = False, limit: int = 2) -> int:
    return min(len(wrap_lines(text, width * 0.97, size_pt, bold)), limit)


def _label_text(fmt: PrintFormat, label: LabelData, width: float, room: float) -> dict:
    """Font sizes for the text beside the code, shrunk together until it fits ``room`` mm."""
    shown = set(fmt.fields)
    dates = ("dates" in shown) * (
        (label.production_date is not None) + (label.expiry_date is not None)
    )
    has_stars = "ocop" in shown and label.ocop_stars is not None
    for factor in LABEL_SHRINK:
        # One line of product name if it fits at a readable size, else two.
        product_lines = 1 if fits(label.product_name, width, 7 * factor, 1, True) else 2
        sizes = {
            "product_pt": fit_font_size(
                label.product_name, width, 9 * factor, 5 * factor, product_lines, bold=True
            ),
            "producer_pt": fit_font_size(label.producer, width, 6.5 * factor, 4.5 * factor, 2),
            "meta_pt": 5.5 * factor,
            "ocop_pt": 6 * factor,
        }
        meta_line = 0.5 + sizes["meta_pt"] * PT_MM * 1.15
        height = 0.0
        if "product" in shown:
            lines = _lines(label.product_name, width, sizes["product_pt"], True)
            height += lines * sizes["product_pt"] * PT_MM * 1.1
        if "producer" in shown:
            lines = _lines(label.producer, width, sizes["producer_pt"])
            height += 0.4 + lines * sizes["producer_pt"] * PT_MM * 1.15
        if "lot" in shown:
            # A long lot breaks at its hyphens; measured bold, the wider of the two weights.
            long_lot = text_width_mm(f"Lô/Lot {label.lot}", sizes["meta_pt"], True) > width * 0.97
            height += meta_line * (2 if long_lot else 1)
        height += dates * meta_line
        if has_stars:
            height += 0.6 + sizes["ocop_pt"] * PT_MM * 1.4
        if height <= room:
            break
    return sizes


def label_cell(fmt: PrintFormat, label: LabelData) -> dict:
    """Template values for one batch label in a cell of ``fmt``."""
    padding = min(max(min(fmt.cell_width_mm, fmt.cell_height_mm) * 0.06, 1.5), 3.0)
    text_width = fmt.cell_width_mm - 2 * padding - fmt.qr_size_mm - 1.5
    line_width = fmt.cell_width_mm - 2 * padding
    codes = payment_codes(fmt, label, label.lot)
    if codes:
        # Text between the two codes; the URL under the page code, up to the payment code.
        slot = fmt.payment
        text_width = slot.x_mm - 1.5 - (slot.page_x_mm + fmt.qr_size_mm + 1.5)
        line_width = slot.x_mm - 1.5 - slot.page_x_mm
    # The URL runs under the code on one line if it can be read there, else on two.
    url_lines = 1 if fits(label.url_text, line_width, 4.5) else 2
    url_pt = 6.5 if url_lines == 1 else 5.5
    while url_pt > 4.5 and text_width_mm(label.url_text, url_pt) > line_width * 0.95 * url_lines:
        url_pt -= 0.25
    # Centre the code and the URL under it vertically in the label.
    content_height = fmt.qr_size_mm + 0.5 + url_lines * url_pt * PT_MM * 1.2
    top = max(padding, (fmt.cell_height_mm - content_height) / 2)
    qr_x, qr_y, info_top, room = padding, top, top, fmt.qr_size_mm
    if codes:
        qr_x, qr_y = fmt.payment.page_x_mm, fmt.payment.page_y_mm
        info_top = codes["page"]["top_mm"]
        room = fmt.qr_size_mm + fmt.payment.caption_mm
    dates = []
    if label.production_date:
        dates.append(f"NSX {label.production_date:%d/%m/%Y}")
    if label.expiry_date:
        dates.append(f"HSD {label.expiry_date:%d/%m/%Y}")
    return {
        "data": label,
        "qr": qr_markup(label.url, fmt),
        "codes": codes,
        "padding_mm": padding,
        "qr_x_mm": qr_x,
        "qr_y_mm": qr_y,
        "info_x_mm": qr_x + fmt.qr_size_mm + 1.5,
        "info_y_mm": info_top,
        "info_h_mm": room,
        "text_width_mm": text_width,
        "url_width_mm": line_width,
        "url_pt": url_pt,
        "url_lines": url_lines,
        "dates": dates,
        **_label_text(fmt, label, text_width, room),
    }
