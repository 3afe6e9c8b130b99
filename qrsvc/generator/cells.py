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
from qrsvc.generator.qr import encode_qr, svg_element

__all__ = ["label_cell", "qr_markup", "sign_cell"]

# The A5 plate is the reference design; bigger signs scale every length with their width.
SIGN_REFERENCE_WIDTH_MM = 148
# Steps by which all the text beside a label's code shrinks together until it fits.
LABEL_SHRINK = (1.0, 0.92, 0.85, 0.78, 0.72, 0.66, 0.6)


def qr_markup(url: str, fmt: PrintFormat) -> Markup:
    """The code for ``url`` as an inline SVG of the format's size, quiet zone included.

    Raises ``ValueError`` when the URL needs so many modules that each would be smaller
    than the format's ``min_module_mm``: such a code would print but not scan.
    """
    symbol = encode_qr(url, fmt.ecc)
    module_mm = fmt.qr_size_mm / (symbol.size + 2 * fmt.quiet_zone)
    if module_mm < fmt.min_module_mm:
        raise ValueError(
            f"{url!r} needs {symbol.size}x{symbol.size} modules: {module_mm:.2f} mm each on "
            f"{fmt.name}, below its minimum of {fmt.min_module_mm} mm; shorten the URL"
        )
    return Markup(svg_element(symbol, f"{fmt.qr_size_mm:g}mm", fmt.quiet_zone))  # noqa: S704


def sign_cell(fmt: PrintFormat, sign: SignData) -> dict:
    """Template values for one relic sign filling a cell of ``fmt``."""
    scale = fmt.cell_width_mm / SIGN_REFERENCE_WIDTH_MM
    frame = 5 * scale
    padding = 6 * scale
    width = fmt.cell_width_mm - 2 * frame - 2 * padding
    title_pt = fit_font_size(sign.title_vi, width, 26 * scale, 13 * scale, 2, bold=True)
    # The English title stays visibly secondary, even when a long Vietnamese one shrank.
    title_en_pt = min(fit_font_size(sign.title_en, width, 15 * scale, 8 * scale, 2), title_pt * 0.8)
    return {
        "data": sign,
        "qr": qr_markup(sign.url, fmt),
        "scale": scale,
        "frame_mm": frame,
        "padding_mm": padding,
        "title_pt": title_pt,
        "title_en_pt": title_en_pt,
        "url_pt": fit_font_size(sign.short_url, width, 15 * scale, 8 * scale, 1, bold=True),
        "hint_pt": fit_font_size(sign.scan_hint_vi, width, 12 * scale, 7 * scale, 1, bold=True),
        "hint_en_pt": fit_font_size(sign.scan_hint_en, width, 11 * scale, 7 * scale, 1),
    }


def _lines(text: str, width: float, size_pt: float, bold: bool = False, limit: int = 2) -> int:
    return min(len(wrap_lines(text, width * 0.97, size_pt, bold)), limit)


def _label_text(fmt: PrintFormat, label: LabelData, width: float) -> dict:
    """Font sizes for the text beside the code, shrunk together until it fits its height."""
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
        if height <= fmt.qr_size_mm:
            break
    return sizes


def label_cell(fmt: PrintFormat, label: LabelData) -> dict:
    """Template values for one batch label in a cell of ``fmt``."""
    padding = min(max(min(fmt.cell_width_mm, fmt.cell_height_mm) * 0.06, 1.5), 3.0)
    text_width = fmt.cell_width_mm - 2 * padding - fmt.qr_size_mm - 1.5
    line_width = fmt.cell_width_mm - 2 * padding
    # The URL runs under the code on one line if it can be read there, else on two.
    url_lines = 1 if fits(label.url_text, line_width, 4.5) else 2
    url_pt = 6.5 if url_lines == 1 else 5.5
    while url_pt > 4.5 and text_width_mm(label.url_text, url_pt) > line_width * 0.95 * url_lines:
        url_pt -= 0.25
    # Centre the code and the URL under it vertically in the label.
    content_height = fmt.qr_size_mm + 0.5 + url_lines * url_pt * PT_MM * 1.2
    dates = []
    if label.production_date:
        dates.append(f"NSX {label.production_date:%d/%m/%Y}")
    if label.expiry_date:
        dates.append(f"HSD {label.expiry_date:%d/%m/%Y}")
    return {
        "data": label,
        "qr": qr_markup(label.url, fmt),
        "padding_mm": padding,
        "text_width_mm": text_width,
        "url_pt": url_pt,
        "url_lines": url_lines,
        "top_mm": max(padding, (fmt.cell_height_mm - content_height) / 2),
        "dates": dates,
        **_label_text(fmt, label, text_width),
    }
