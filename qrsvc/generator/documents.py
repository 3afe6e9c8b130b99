"""Rich layouts (relic signs, batch labels) as HTML/CSS rendered by WeasyPrint.

Templates live in ``templates/print/`` and are plain Jinja2, not Flask's: the generator
runs in workers and the CLI without an application. Everything a template needs is
computed in Python, in millimetres and points (cell positions here, fitted font sizes and
the QR code as an inline vector SVG in ``cells``), so templates only place things.
Nothing is fetched from the network: the only resources a page may load are the bundled
fonts.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import jinja2
from PIL import ImageFile
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from qrsvc.generator.cells import label_cell, sign_cell
from qrsvc.generator.data import LabelData, SignData
from qrsvc.generator.fonts import FONT_DIR, FONT_FILES
from qrsvc.generator.formats import TEMPLATE_DIR, PrintFormat
from qrsvc.generator.layout import crop_mark_segments, slug_mm

# Importing WeasyPrint switches on Pillow's process-wide LOAD_TRUNCATED_IMAGES, after
# which photo uploads in the same process would accept truncated JPEGs. Our print
# documents embed no photos, so the strict default is put back for everyone.
ImageFile.LOAD_TRUNCATED_IMAGES = False

__all__ = ["write_html_document"]


class _BundledFontsOnly(URLFetcher):
    """Lets a page load the bundled fonts and nothing else (no network, no other files).

    ``fail_on_errors`` makes a missing font stop the render: silently falling back to
    whatever font the machine has would print signs without their diacritics.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file"}, fail_on_errors=True)

    def fetch(self, url, headers=None):
        """Fetch ``url`` only if it is a file in the bundled fonts folder."""
        path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
        if urlsplit(url).scheme != "file" or path.parent != FONT_DIR.resolve():
            raise ValueError(f"print templates may load only the bundled fonts, not {url}")
        return super().fetch(url, headers)


def _number(value: float) -> str:
    """A length for CSS: at most three decimals, no trailing zeros."""
    return f"{value:.3f}".rstrip("0").rstrip(".")


@functools.cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["n"] = _number
    return environment


_CELLS = {"sign": (SignData, sign_cell), "label": (LabelData, label_cell)}


def write_html_document(
    fmt: PrintFormat, items: Sequence[SignData | LabelData], out: BinaryIO, *, skip_cells: int = 0
) -> int:
    """Render ``items`` (one per cell) on pages of ``fmt`` to ``out``; return the page count.

    ``skip_cells`` leaves that many cells of the first page empty, for a label sheet that
    has already been partly used.
    """
    if fmt.kind not in _CELLS or fmt.renderer != "html":
        raise ValueError(f"{fmt.name} is not an HTML sign or label format")
    record_type, make_cell = _CELLS[fmt.kind]
    if not items:
        raise ValueError(f"no {fmt.kind}s to print")
    if not 0 <= skip_cells < fmt.per_page:
        raise ValueError(f"skip_cells must be from 0 to {fmt.per_page - 1}")
    cells = []
    for item in items:
        if not isinstance(item, record_type):
            raise TypeError(f"{fmt.name} prints {record_type.__name__}, not {type(item).__name__}")
        cells.append(make_cell(fmt, item))
    slots: list[dict | None] = [None] * skip_cells + cells
    pages = []
    for start in range(0, len(slots), fmt.per_page):
        page = []
        for index, cell in enumerate(slots[start : start + fmt.per_page]):
            if cell is not None:
                x, y = fmt.cell_origin_mm(index)
                page.append({**cell, "x_mm": x, "y_mm": y})
        pages.append(page)
    html = (
        _environment()
        .get_template(fmt.template)
        .render(
            fmt=fmt,
            pages=pages,
            slug_mm=slug_mm(fmt),
            marks=crop_mark_segments(fmt),
            font_regular=FONT_FILES[False].as_uri(),
            font_bold=FONT_FILES[True].as_uri(),
        )
    )
    font_config = FontConfiguration()
    document = HTML(string=html, base_url=str(FONT_DIR), url_fetcher=_BundledFontsOnly()).render(
        font_config=font_config
    )
    # An overflowing cell would push content onto an extra page; that is a layout bug,
    # and a print shop would print the blank pages, so refuse.
    if len(document.pages) != len(pages):
        raise RuntimeError(f"{fmt.name}: laid out {len(document.pages)} pages for {len(pages)}")
    document.write_pdf(out, finisher=_bleed_box_setter(fmt.bleed_mm * 72 / 25.4))
    return len(pages)


def _bleed_box_setter(bleed_pt: float):
    """A WeasyPrint finisher that sets each page's BleedBox to exactly the format's bleed.

    WeasyPrint puts the BleedBox up to 10 pt outside the TrimBox, wherever the CSS bleed
    area (here it also holds the crop marks) ends; a print shop's preflight reads the box.
    """

    def finisher(document, pdf) -> None:
        for obj in pdf.objects:
            if isinstance(obj, dict) and obj.get("Type") == "/Page" and "TrimBox" in obj:
                left, bottom, right, top = obj["TrimBox"]
                obj["BleedBox"] = type(obj["TrimBox"])(
                    [left - bleed_pt, bottom - bleed_pt, right + bleed_pt, top + bleed_pt]
                )

    return finisher
