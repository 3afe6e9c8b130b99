"""QR symbols: zxing-cpp encodes, this module turns the module matrix into vectors.

zxing-cpp's writer (zint inside) picks the smallest symbol for the text, so a URL made
only of QR alphanumeric characters (upper-case, digits, ``$%*+-./:`` and space) is
encoded in alphanumeric mode without being asked. The URL is encoded exactly as given:
whether it may be upper-cased is for the caller, who knows which resolver reads it.

Dark modules are emitted as horizontal runs (one rectangle per run, one path per
symbol), in module units, so a renderer scales a whole symbol with one transform.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import zxingcpp

__all__ = ["ECC_LEVELS", "QrSymbol", "encode_qr", "qr_png", "qr_svg", "svg_element"]

ECC_LEVELS = ("L", "M", "Q", "H")
QUIET_ZONE = 4
_DARK_RUN = re.compile(rb"\x00+")
_WHITE = 255


@dataclass(frozen=True)
class QrSymbol:
    """A QR symbol as a square matrix of modules, without its quiet zone.

    ``modules`` holds one byte per module, row after row, each row followed by one
    white separator byte (so a dark run never spans two rows); 0 is dark.
    """

    text: str
    ecc: str
    size: int
    modules: bytes

    def runs(self) -> list[tuple[int, int, int]]:
        """Dark runs as ``(x, y, length)`` in modules, from the top-left of the symbol."""
        stride = self.size + 1
        out = []
        for match in _DARK_RUN.finditer(self.modules):
            start = match.start()
            y, x = divmod(start, stride)
            out.append((x, y, match.end() - start))
        return out

    def pdf_path(self, quiet_zone: int = QUIET_ZONE) -> str:
        """PDF path operators (``re`` rectangles) in module units, y growing downwards.

        The caller sets a transform that maps one unit to one module and flips y, then
        fills the path once; ``quiet_zone`` shifts the symbol inside its white margin.
        """
        q = quiet_zone
        return "\n".join(f"{x + q} {y + q} {n} 1 re" for x, y, n in self.runs())

    def svg_path(self, quiet_zone: int = QUIET_ZONE) -> str:
        """The dark modules as the ``d`` attribute of one SVG path, in module units."""
        q = quiet_zone
        return "".join(f"M{x + q} {y + q}h{n}v1h-{n}z" for x, y, n in self.runs())


def encode_qr(text: str, ecc: str = "M") -> QrSymbol:
    """Encode ``text`` as a QR Code at error-correction level ``ecc`` (L, M, Q or H)."""
    if ecc not in ECC_LEVELS:
        raise ValueError(f"ecc must be one of {ECC_LEVELS}, got {ecc!r}")
    if not text:
        raise ValueError("cannot encode an empty text")
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level=ecc)
    image = barcode.to_image(add_quiet_zones=False)
    height, width = image.shape
    if width != height:  # a QR Code is square; anything else means a wrong symbology
        raise RuntimeError(f"zxing-cpp returned a {width}x{height} symbol for a QR Code")
    flat = memoryview(image).tobytes()
    rows = [flat[i : i + width] for i in range(0, width * width, width)]
    modules = b"\xff".join(rows) + b"\xff"
    return QrSymbol(text=text, ecc=ecc, size=width, modules=modules)


def _outer(symbol: QrSymbol, quiet_zone: int) -> int:
    if quiet_zone < QUIET_ZONE:
        raise ValueError(f"a QR Code needs a quiet zone of at least {QUIET_ZONE} modules")
    return symbol.size + 2 * quiet_zone


def svg_element(symbol: QrSymbol, width: str, quiet_zone: int = QUIET_ZONE) -> str:
    """An inline ``<svg>`` element of ``symbol`` on its white square, ``width`` wide (CSS)."""
    outer = _outer(symbol, quiet_zone)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{width}" '
        f'viewBox="0 0 {outer} {outer}" shape-rendering="crispEdges">'
        f'<rect width="{outer}" height="{outer}" fill="#fff"/>'
        f'<path fill="#000" d="{symbol.svg_path(quiet_zone)}"/></svg>'
    )


def qr_svg(
    url: str,
    ecc: str = "M",
    *,
    module_size: float | None = None,
    size_mm: float | None = None,
    quiet_zone: int = QUIET_ZONE,
) -> str:
    """A standalone SVG document of the QR code for ``url``, quiet zone included.

    Give ``size_mm`` for a physical size (the whole square, quiet zone included) or
    ``module_size`` in user units (pixels for a browser; default 4). One path, no bitmap.
    """
    if module_size is not None and size_mm is not None:
        raise ValueError("give module_size or size_mm, not both")
    symbol = encode_qr(url, ecc)
    outer = _outer(symbol, quiet_zone)
    if size_mm is not None:
        if size_mm <= 0:
            raise ValueError("size_mm must be positive")
        width = f"{size_mm:g}mm"
    else:
        module = 4 if module_size is None else module_size
        if module <= 0:
            raise ValueError("module_size must be positive")
        width = f"{outer * module:g}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + svg_element(symbol, width, quiet_zone) + "\n"
    )


def qr_png(
    url: str,
    ecc: str = "M",
    *,
    size_px: int | None = None,
    size_mm: float | None = None,
    dpi: int = 300,
    quiet_zone: int = QUIET_ZONE,
) -> bytes:
    """A 1-bit PNG of the QR code for ``url``, quiet zone included, with its dpi recorded.

    Give ``size_px`` for the whole square in pixels, or ``size_mm`` and ``dpi``. Without
    either, each module is 10 pixels. Pixel sizes that are not a multiple of the module
    count make some modules one pixel wider, which scanners do not mind.
    """
    from PIL import Image

    if size_px is not None and size_mm is not None:
        raise ValueError("give size_px or size_mm, not both")
    if not 10 <= dpi <= 4800:
        raise ValueError("dpi must be from 10 to 4800")
    symbol = encode_qr(url, ecc)
    outer = _outer(symbol, quiet_zone)
    if size_mm is not None:
        size_px = round(size_mm / 25.4 * dpi)
    elif size_px is None:
        size_px = outer * 10
    if not outer <= size_px <= 20000:
        raise ValueError(f"size must be from {outer} (one pixel a module) to 20000 pixels")
    image = Image.new("L", (outer, outer), _WHITE)
    pixels = image.load()
    for x, y, n in symbol.runs():
        for i in range(n):
            pixels[x + i + quiet_zone, y + quiet_zone] = 0
    image = image.resize((size_px, size_px), Image.Resampling.NEAREST).convert("1")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(dpi, dpi), optimize=True)
    return buffer.getvalue()
