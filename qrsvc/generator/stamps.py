"""Stamp sheets in volume: ReportLab, a static design layer and a fast variable layer.

Print shops print unique codes as a fixed design plus a variable-data layer, and so does
this module. The design (frames, caption, crop marks) is drawn once per document as a
PDF form and placed on every page by reference; each stamp then adds only its QR path
(one path of module rectangles under one transform) and its serial/PIN text. Pages are
rendered in chunks, each a complete PDF, and joined as a stream, because a ReportLab
canvas keeps every page in memory until it is saved: memory stays flat however many
stamps a run has.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from qrsvc.generator.data import StampData
from qrsvc.generator.fonts import PT_MM, fit_font_size, reportlab_font, text_width_mm, wrap_lines
from qrsvc.generator.formats import PrintFormat
from qrsvc.generator.layout import crop_mark_segments, slug_mm
from qrsvc.generator.pdfjoin import PdfJoiner
from qrsvc.generator.qr import encode_qr

__all__ = ["CHUNK_PAGES", "write_stamp_sheets"]

#: Pages per ReportLab document before it is flushed to the output (40 stamps a page).
CHUNK_PAGES = 50
BRAND_RGB = (0.55, 0.11, 0.11)
# A layout with at least this much width beside the code puts the text on the right.
SIDE_COLUMN_MM = 8.0
INSET_MM = 1.0
TOP_INSET_MM = 0.8
FRAME_INSET_MM = 0.5
DIGIT_HEIGHT_EM = 0.72


@dataclass(frozen=True)
class _StampLayout:
    """Where things go inside one stamp, in mm from the stamp's top-left corner."""

    qr_x: float
    qr_y: float
    serial_x: float  # centre of the serial text
    serial_baseline: float
    serial_pt: float
    side_x: float  # left edge of the caption/PIN column (side layout only)
    side_width: float

    @classmethod
    def of(cls, fmt: PrintFormat) -> _StampLayout:
        """Derive the layout from the cell and QR sizes of ``fmt``."""
        width, height, qr = fmt.cell_width_mm, fmt.cell_height_mm, fmt.qr_size_mm
        side = width - qr - 2 * INSET_MM >= SIDE_COLUMN_MM
        if ("pin" in fmt.fields or "caption" in fmt.fields) and not side:
            raise ValueError(
                f"{fmt.name}: a PIN or caption needs {SIDE_COLUMN_MM} mm beside the code"
            )
        qr_x = INSET_MM if side else (width - qr) / 2
        qr_y = min(TOP_INSET_MM, (height - qr) / 2)
        # The serial sits between the code's bottom quiet zone and the frame.
        room = max(height - FRAME_INSET_MM - 0.4 - (qr_y + qr), 1.0)
        serial_pt = min(6.5, room * 0.8 / (DIGIT_HEIGHT_EM * PT_MM))
        cap_height = DIGIT_HEIGHT_EM * serial_pt * PT_MM
        return cls(
            qr_x=qr_x,
            qr_y=qr_y,
            serial_x=qr_x + qr / 2,
            serial_baseline=qr_y + qr + (room + cap_height) / 2,
            serial_pt=serial_pt,
            side_x=qr_x + qr + 0.5,
            side_width=width - (qr_x + qr + 0.5) - INSET_MM,
        )


class _SheetCanvas:
    """One ReportLab document of stamp pages, with the design form defined once."""

    DESIGN = "stampdesign"

    def __init__(self, fmt: PrintFormat) -> None:
        self.fmt = fmt
        self.layout = _StampLayout.of(fmt)
        self.slug = slug_mm(fmt)
        self.buffer = io.BytesIO()
        width = (fmt.page_width_mm + 2 * self.slug) * mm
        height = (fmt.page_height_mm + 2 * self.slug) * mm
        self.font = reportlab_font(bold=False)
        self.bold = reportlab_font(bold=True)
        # invariant: no timestamps or random IDs, so the same input gives the same bytes.
        self.canvas = Canvas(
            self.buffer,
            pagesize=(width, height),
            pageCompression=1,
            invariant=1,
            initialFontName=self.font,
        )
        self.canvas.setTitle(fmt.description or fmt.name)
        self.canvas.setCreator("qrsvc generator")
        self._define_design()

    def x(self, mm_from_left: float) -> float:
        """Page x in points from mm measured from the trimmed page's left edge."""
        return (self.slug + mm_from_left) * mm

    def y(self, mm_from_top: float) -> float:
        """Page y in points (upwards) from mm measured down from the trimmed page's top."""
        return (self.slug + self.fmt.page_height_mm - mm_from_top) * mm

    def _define_design(self) -> None:
        fmt, c = self.fmt, self.canvas
        c.beginForm(self.DESIGN)
        c.setLineWidth(0.25)
        c.setStrokeColorRGB(0, 0, 0)
        for x1, y1, x2, y2 in crop_mark_segments(fmt):
            c.line(self.x(x1), self.y(y1), self.x(x2), self.y(y2))
        c.setStrokeColorRGB(*BRAND_RGB)
        c.setFillColorRGB(*BRAND_RGB)
        caption = fmt.caption if "caption" in fmt.fields else ""
        for index in range(fmt.per_page):
            left, top = fmt.cell_origin_mm(index)
            c.roundRect(
                self.x(left + FRAME_INSET_MM),
                self.y(top + fmt.cell_height_mm - FRAME_INSET_MM),
                (fmt.cell_width_mm - 2 * FRAME_INSET_MM) * mm,
                (fmt.cell_height_mm - 2 * FRAME_INSET_MM) * mm,
                1.2 * mm,
            )
            if caption:
                self._caption(caption, left, top)
        # The format's name in the bottom margin tells the print shop what the sheet is;
        # 6 mm up keeps it inside what office printers can reach.
        if fmt.margin_bottom_mm >= 10:
            c.setFillColorRGB(0.4, 0.4, 0.4)
            c.setFont(self.font, 6)
            c.drawString(
                self.x(fmt.margin_left_mm), self.y(fmt.page_height_mm - 6), fmt.description
            )
        c.endForm()

    def _caption(self, caption: str, left: float, top: float) -> None:
        lay = self.layout
        size = fit_font_size(caption, lay.side_width, 5.5, 3.5, max_lines=2, bold=True)
        self.canvas.setFont(self.bold, size)
        baseline = top + lay.qr_y + 2.5
        for line in wrap_lines(caption, lay.side_width * 0.97, size, bold=True)[:2]:
            self.canvas.drawCentredString(
                self.x(left + lay.side_x + lay.side_width / 2), self.y(baseline), line
            )
            baseline += size * PT_MM * 1.15

    def add_page(self, stamps: list[StampData]) -> None:
        """Draw one page: the design by reference, then each stamp's code and text."""
        fmt, c, lay = self.fmt, self.canvas, self.layout
        c.doForm(self.DESIGN)
        c.setFillColorRGB(0, 0, 0)
        c.setFont(self.font, lay.serial_pt)
        for index, stamp in enumerate(stamps):
            left, top = fmt.cell_origin_mm(index)
            self._code(stamp.url, left + lay.qr_x, top + lay.qr_y)
            if "serial" in fmt.fields:
                c.drawCentredString(
                    self.x(left + lay.serial_x), self.y(top + lay.serial_baseline), stamp.serial
                )
            if stamp.pin and "pin" in fmt.fields:
                self._pin(stamp.pin, left, top)
        c.showPage()

    def _code(self, url: str, left: float, top: float) -> None:
        fmt = self.fmt
        symbol = encode_qr(url, fmt.ecc)
        modules = symbol.size + 2 * fmt.quiet_zone
        module_mm = fmt.qr_size_mm / modules
        if module_mm < fmt.min_module_mm:
            raise ValueError(
                f"{url!r} needs {symbol.size}x{symbol.size} modules: {module_mm:.2f} mm each on "
                f"{fmt.name}, below its minimum of {fmt.min_module_mm} mm; shorten the URL"
            )
        scale = module_mm * mm
        # One transform per symbol: module units, y flipped to run down the page.
        self.canvas.addLiteral(
            f"q {scale:.5f} 0 0 {-scale:.5f} {self.x(left):.3f} {self.y(top):.3f} cm\n"
            f"{symbol.pdf_path(fmt.quiet_zone)}\nf Q"
        )

    def _pin(self, pin: str, left: float, top: float) -> None:
        # The print shop lays scratch-off foil over this box.
        c, lay = self.canvas, self.layout
        shown = f"{pin[:4]} {pin[4:]}" if len(pin) == 8 and pin.isdigit() else pin
        box_x, box_w = left + lay.side_x, lay.side_width
        box_top = top + self.fmt.cell_height_mm - INSET_MM - 6.5
        c.setFont(self.font, 4)
        c.drawCentredString(self.x(box_x + box_w / 2), self.y(box_top - 0.6), "PIN")
        c.rect(self.x(box_x), self.y(box_top + 4.0), box_w * mm, 4.0 * mm, stroke=1, fill=0)
        size = 6.0
        while size > 3 and text_width_mm(shown, size, True) > box_w - 1:
            size -= 0.25
        c.setFont(self.bold, size)
        c.drawCentredString(self.x(box_x + box_w / 2), self.y(box_top + 2.6), shown)
        c.setFont(self.font, lay.serial_pt)

    def finish(self) -> bytes:
        """Save the document and return its bytes."""
        self.canvas.save()
        return self.buffer.getvalue()


def render_stamp_chunk(fmt: PrintFormat, stamps: list[StampData]) -> bytes:
    """One complete PDF of ``stamps`` laid out on as many pages of ``fmt`` as they need."""
    sheet = _SheetCanvas(fmt)
    if sheet.slug:  # the page grew a slug: tell the print shop where to cut, and the bleed
        b = fmt.bleed_mm
        w, h = fmt.page_width_mm, fmt.page_height_mm
        sheet.canvas.setTrimBox((sheet.x(0), sheet.y(h), sheet.x(w), sheet.y(0)))
        sheet.canvas.setBleedBox((sheet.x(-b), sheet.y(h + b), sheet.x(w + b), sheet.y(-b)))
    for start in range(0, len(stamps), fmt.per_page):
        sheet.add_page(stamps[start : start + fmt.per_page])
    return sheet.finish()


def write_stamp_sheets(
    fmt: PrintFormat,
    stamps: Iterable[StampData],
    out: BinaryIO,
    *,
    chunk_pages: int = CHUNK_PAGES,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write stamp sheets for ``stamps`` to the binary file ``out``; return the page count.

    ``stamps`` may be a generator: it is consumed ``chunk_pages`` pages at a time, and
    ``progress`` is called with the number of stamps written so far after each chunk.
    """
    if fmt.kind != "stamp":
        raise ValueError(f"{fmt.name} prints {fmt.kind}s, not stamps")
    per_chunk = fmt.per_page * max(1, chunk_pages)
    iterator = iter(stamps)
    first = list(itertools.islice(iterator, per_chunk))
    if not first:
        raise ValueError("no stamps to print")
    second = list(itertools.islice(iterator, per_chunk))
    pages = -(-len(first) // fmt.per_page)
    if not second:  # one chunk: ReportLab's own file is the result, no joining needed
        out.write(render_stamp_chunk(fmt, first))
        if progress:
            progress(len(first))
        return pages
    joiner = PdfJoiner(out)
    done = 0
    chunk = first
    while chunk:
        joiner.add(render_stamp_chunk(fmt, chunk))
        done += len(chunk)
        if progress:
            progress(done)
        chunk, second = second, list(itertools.islice(iterator, per_chunk))
    joiner.close()
    return joiner.page_count
