"""Print formats: one declarative TOML file per format in ``printables/``.

A new format is a new file. Files are checked strictly (unknown keys, wrong types,
geometry that does not fit the page) because a typo in a format would otherwise show up
as a misprinted sheet at the print shop, long after the file was written. See
``printables/README.md`` for the keys.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from qrsvc.generator.qr import ECC_LEVELS
from qrsvc.generator.reading import FormatError, TomlReader
from qrsvc.generator.slots import PaymentSlot, read_payment

__all__ = [
    "DEFAULT_FORMATS_DIR",
    "FIELDS",
    "FormatError",
    "PrintFormat",
    "load_format",
    "load_formats",
]

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FORMATS_DIR = ROOT / "printables"
TEMPLATE_DIR = ROOT / "templates" / "print"

MAX_FILE_BYTES = 64 * 1024
PAGE_SIZES_MM = {
    "A3": (297.0, 420.0),
    "A4": (210.0, 297.0),
    "A5": (148.0, 210.0),
    "A6": (105.0, 148.0),
}
KINDS = ("sign", "label", "stamp")
RENDERERS = ("html", "vector")
#: What each kind of format may print; a format lists the ones it prints.
FIELDS = {
    "sign": ("title_vi", "title_en", "rank", "short_url", "relic_code", "scan_hint"),
    "label": ("product", "producer", "lot", "dates", "ocop", "url_text"),
    "stamp": ("serial", "pin", "caption"),
}
#: Every code carries human-readable text under it (PRODUCT.md §3): at least one of these.
HUMAN_READABLE = {"sign": {"short_url", "relic_code"}, "label": {"url_text"}, "stamp": {"serial"}}
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_TEMPLATE = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}\.html")
# Geometry tolerance: label sheets are specified to 0.01 mm and rows of them add up.
_FIT_SLACK_MM = 0.05


@dataclass(frozen=True)
class PrintFormat:
    """A page layout: page, grid of cells (labels, stamps or one sign), QR and marks.

    Lengths are millimetres; cell positions start at the top-left page margin. ``ecc`` is
    the QR error-correction level; ``quiet_zone`` is in modules (never below 4).
    """

    name: str
    description: str
    kind: str
    renderer: str
    template: str | None
    page_width_mm: float
    page_height_mm: float
    margin_top_mm: float
    margin_right_mm: float
    margin_bottom_mm: float
    margin_left_mm: float
    columns: int
    rows: int
    cell_width_mm: float
    cell_height_mm: float
    gap_x_mm: float
    gap_y_mm: float
    qr_size_mm: float
    ecc: str
    quiet_zone: int
    min_module_mm: float
    fields: tuple[str, ...]
    caption: str
    bleed_mm: float
    crop_marks: bool
    #: Where a payment code goes beside the page code (:mod:`qrsvc.generator.slots`).
    payment: PaymentSlot | None = None

    @property
    def per_page(self) -> int:
        """How many cells (labels, stamps, signs) one page holds."""
        return self.columns * self.rows

    def cell_origin_mm(self, index: int) -> tuple[float, float]:
        """Top-left corner (x, y from the page's top-left) of cell ``index`` on its page."""
        row, column = divmod(index % self.per_page, self.columns)
        x = self.margin_left_mm + column * (self.cell_width_mm + self.gap_x_mm)
        y = self.margin_top_mm + row * (self.cell_height_mm + self.gap_y_mm)
        return x, y


def load_formats(directory: str | Path = DEFAULT_FORMATS_DIR) -> dict[str, PrintFormat]:
    """Load every ``*.toml`` in ``directory``, keyed by format name (the file stem).

    Raises :class:`FormatError` naming the first file that is malformed: a broken format
    must stop the service loudly rather than disappear from the list.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise FormatError(f"{directory}: no such directory of print formats")
    formats = {}
    for path in sorted(directory.glob("*.toml")):
        if path.is_file():
            fmt = load_format(path)
            formats[fmt.name] = fmt
    return formats


def load_format(path: str | Path) -> PrintFormat:
    """Read and validate one format file; raise :class:`FormatError` if it is malformed."""
    path = Path(path)
    if not _NAME.fullmatch(path.stem):
        raise FormatError(f"{path.name}: a format name is lowercase letters, digits and '-'")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FormatError(f"{path.name}: {size} bytes; a format file is at most 64 KiB")
        document = tomllib.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise FormatError(f"{path.name}: not valid UTF-8 TOML ({exc})") from exc
    except OSError as exc:
        raise FormatError(f"{path.name}: cannot be read ({exc.strerror})") from exc
    return _Reader(path.name, document).build(path.stem)


class _Reader(TomlReader):
    """Reads one format file into a :class:`PrintFormat`."""

    def build(self, name: str) -> PrintFormat:
        top = {"description", "kind", "renderer", "template", "page", "grid", "qr", "print"}
        top.add("payment")
        unknown = sorted(set(self.document) - top)
        if unknown:
            raise self.fail("top level", f"has unknown keys {unknown}; allowed: {sorted(top)}")
        doc = self.document
        kind = self.choice(doc, "", "kind", KINDS)
        renderer = self.choice(doc, "", "renderer", RENDERERS)
        template = doc.get("template")
        if renderer == "html":
            if not isinstance(template, str) or not _TEMPLATE.fullmatch(template):
                raise self.fail("template", "must name an .html file in templates/print")
            if not (TEMPLATE_DIR / template).is_file():
                raise self.fail("template", f"{template!r} is not in templates/print")
        elif template is not None:
            raise self.fail("template", "is only for renderer = 'html'")
        elif kind != "stamp":
            raise self.fail("renderer", "'vector' draws stamp sheets only; use 'html'")

        page_w, page_h, margins = self.page()
        grid = self.table(
            "grid", {"columns", "rows", "cell_width_mm", "cell_height_mm", "gap_x_mm", "gap_y_mm"}
        )
        columns = self.integer(grid, "[grid]", "columns", 1, 50)
        rows = self.integer(grid, "[grid]", "rows", 1, 50)
        cell_w = self.number(grid, "[grid]", "cell_width_mm", 5, 1200)
        cell_h = self.number(grid, "[grid]", "cell_height_mm", 5, 1200)
        gap_x = self.number(grid, "[grid]", "gap_x_mm", 0, 100, default=0)
        gap_y = self.number(grid, "[grid]", "gap_y_mm", 0, 100, default=0)
        for axis, page, start, end, count, cell, gap in (
            ("width", page_w, margins[3], margins[1], columns, cell_w, gap_x),
            ("height", page_h, margins[0], margins[2], rows, cell_h, gap_y),
        ):
            needed = start + end + count * cell + (count - 1) * gap
            if needed > page + _FIT_SLACK_MM:
                raise self.fail("[grid]", f"needs {needed:.2f} mm of page {axis}, has {page:g}")

        qr = self.table(
            "qr", {"size_mm", "ecc", "quiet_zone_modules", "min_module_mm", "x_mm", "y_mm"}
        )
        qr_size = self.number(qr, "[qr]", "size_mm", 5, 1000)
        if qr_size > min(cell_w, cell_h) + _FIT_SLACK_MM:
            raise self.fail(
                "[qr].size_mm", f"{qr_size:g} does not fit in a {cell_w:g}x{cell_h:g} cell"
            )
        printing = self.table("print", {"fields", "bleed_mm", "crop_marks", "caption"})
        fields = printing.get("fields")
        allowed = FIELDS[kind]
        if (
            not isinstance(fields, list)
            or len(fields) != len(set(map(str, fields)))
            or not all(f in allowed for f in fields)
        ):
            raise self.fail("[print].fields", f"must be a list of distinct names from {allowed}")
        if not HUMAN_READABLE[kind] & set(fields):
            needed = sorted(HUMAN_READABLE[kind])
            raise self.fail("[print].fields", f"must print text under the code: one of {needed}")
        crop_marks = printing.get("crop_marks", False)
        if not isinstance(crop_marks, bool):
            raise self.fail("[print].crop_marks", "must be true or false")
        bleed = self.number(printing, "[print]", "bleed_mm", 0, 10, default=0)
        # Neighbouring cells' bleeds would print over each other in a gap narrower than both.
        if bleed and ((columns > 1 and gap_x < 2 * bleed) or (rows > 1 and gap_y < 2 * bleed)):
            raise self.fail(
                "[print].bleed_mm", f"{bleed:g} needs gaps of at least {2 * bleed:g} mm"
            )
        return PrintFormat(
            name=name,
            description=self.text(doc, "", "description", 200),
            kind=kind,
            renderer=renderer,
            template=template,
            page_width_mm=page_w,
            page_height_mm=page_h,
            margin_top_mm=margins[0],
            margin_right_mm=margins[1],
            margin_bottom_mm=margins[2],
            margin_left_mm=margins[3],
            columns=columns,
            rows=rows,
            cell_width_mm=cell_w,
            cell_height_mm=cell_h,
            gap_x_mm=gap_x,
            gap_y_mm=gap_y,
            qr_size_mm=qr_size,
            ecc=self.choice(qr, "[qr]", "ecc", ECC_LEVELS),
            quiet_zone=self.integer(qr, "[qr]", "quiet_zone_modules", 4, 16, default=4),
            min_module_mm=self.number(qr, "[qr]", "min_module_mm", 0.1, 50, default=0.25),
            fields=tuple(fields),
            caption=self.text(printing, "[print]", "caption", 60),
            bleed_mm=bleed,
            crop_marks=crop_marks,
            payment=read_payment(self, kind, qr, (cell_w, cell_h), fields),
        )

    def page(self) -> tuple[float, float, tuple[float, float, float, float]]:
        page = self.table("page", {"size", "width_mm", "height_mm", "orientation", "margins_mm"})
        if "size" in page:
            if "width_mm" in page or "height_mm" in page:
                raise self.fail("[page]", "gives either size or width_mm/height_mm, not both")
            width, height = PAGE_SIZES_MM[self.choice(page, "[page]", "size", PAGE_SIZES_MM)]
        else:
            width = self.number(page, "[page]", "width_mm", 10, 1200)
            height = self.number(page, "[page]", "height_mm", 10, 1200)
        # Named sizes are portrait unless turned; explicit sizes are taken as written.
        if "orientation" in page or "size" in page:
            orientation = self.choice(
                page, "[page]", "orientation", ("portrait", "landscape"), default="portrait"
            )
            if (orientation == "landscape") != (width > height):
                width, height = height, width
        margins = page.get("margins_mm", [0, 0, 0, 0])
        if not isinstance(margins, list) or len(margins) != 4:
            raise self.fail("[page].margins_mm", "must be [top, right, bottom, left]")
        values = {str(i): v for i, v in enumerate(margins)}
        edges = tuple(self.number(values, "[page].margins_mm", str(i), 0, 200) for i in range(4))
        return width, height, edges  # type: ignore[return-value]
