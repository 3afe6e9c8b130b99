"""The bundled print font (Be Vietnam Pro, SIL OFL 1.1) and text measurement.

Every PDF embeds this font, so a sign prints the same on every machine and every
Vietnamese diacritic is present whatever the print shop has installed. Measurement uses
the font's own advance widths, which lets layouts pick a font size that fits a title in
its box before rendering instead of discovering an overflow on paper.
"""

from __future__ import annotations

import functools
from pathlib import Path

from fontTools.ttLib import TTFont as FontFile

__all__ = [
    "FONT_DIR",
    "FONT_FAMILY",
    "FONT_FILES",
    "fit_font_size",
    "fits",
    "reportlab_font",
    "text_width_mm",
    "wrap_lines",
]

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"
FONT_FAMILY = "Be Vietnam Pro"
FONT_FILES = {
    False: FONT_DIR / "BeVietnamPro-Regular.ttf",
    True: FONT_DIR / "BeVietnamPro-Bold.ttf",
}
PT_MM = 25.4 / 72


@functools.cache
def _advances(bold: bool) -> tuple[dict[str, float], float]:
    """Advance width of every mapped character as a fraction of the em, and a fallback."""
    with FontFile(FONT_FILES[bold], lazy=True) as font:
        units = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        widths = {
            chr(code): metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()
        }
    return widths, max(widths.values())


def text_width_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """Width of ``text`` set in the bundled font at ``size_pt`` (no kerning: a safe bound)."""
    widths, widest = _advances(bold)
    return sum(widths.get(char, widest) for char in text) * size_pt * PT_MM


def wrap_lines(text: str, width_mm: float, size_pt: float, bold: bool = False) -> list[str]:
    """Greedy word wrap, the way the renderer breaks lines; an overlong word is its own line."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width_mm(candidate, size_pt, bold) <= width_mm:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def fits(
    text: str, width_mm: float, size_pt: float, max_lines: int = 1, bold: bool = False
) -> bool:
    """Whether ``text`` at ``size_pt`` wraps into at most ``max_lines`` lines of ``width_mm``."""
    # 3% spare width covers the renderer's rounding and any kerning we do not model.
    usable = width_mm * 0.97
    lines = wrap_lines(text, usable, size_pt, bold)
    return len(lines) <= max_lines and all(
        text_width_mm(line, size_pt, bold) <= usable for line in lines
    )


def fit_font_size(
    text: str,
    width_mm: float,
    max_pt: float,
    min_pt: float,
    max_lines: int = 1,
    bold: bool = False,
) -> float:
    """Largest size from ``max_pt`` down to ``min_pt`` (0.25 pt steps) at which ``text``
    fits ``width_mm`` in at most ``max_lines`` lines; ``min_pt`` if nothing fits, in which
    case the template clamps the text rather than letting it run over the code.
    """
    size = max_pt
    while size > min_pt:
        if fits(text, width_mm, size, max_lines, bold):
            return size
        size -= 0.25
    return min_pt


@functools.cache
def reportlab_font(bold: bool = False) -> str:
    """Register the bundled font with ReportLab once and return its name there."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = "BeVietnamPro-Bold" if bold else "BeVietnamPro"
    pdfmetrics.registerFont(TTFont(name, str(FONT_FILES[bold])))
    return name
