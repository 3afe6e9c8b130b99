"""Page geometry shared by both renderers: the slug around the page and the crop marks.

Coordinates are millimetres from the top-left corner of the trimmed page; the slug is the
extra paper around it that carries the bleed and the crop marks, and is cut away.
"""

from __future__ import annotations

from qrsvc.generator.formats import PrintFormat

__all__ = ["crop_mark_segments", "slug_mm"]

MARK_LENGTH_MM = 5.0
# Marks start this far beyond the bleed, so a slightly misaligned cut never shows them.
MARK_OFFSET_MM = 1.0
# Marks from neighbouring cells stop this short of each other in a gap.
MARK_CLEARANCE_MM = 0.5
MIN_MARK_MM = 1.0


def _offset(fmt: PrintFormat) -> float:
    return fmt.bleed_mm + MARK_OFFSET_MM


def slug_mm(fmt: PrintFormat) -> float:
    """How far the printed sheet extends beyond the page on every side (0 when none).

    Bleed always needs its slug; crop marks need one only where the page margin is too
    narrow to hold them.
    """
    if not fmt.crop_marks:
        return fmt.bleed_mm
    needed = _offset(fmt) + MARK_LENGTH_MM + MARK_CLEARANCE_MM
    narrowest = min(
        fmt.margin_top_mm, fmt.margin_right_mm, fmt.margin_bottom_mm, fmt.margin_left_mm
    )
    return max(fmt.bleed_mm, needed - narrowest)


def crop_mark_segments(fmt: PrintFormat) -> list[tuple[float, float, float, float]]:
    """Line segments ``(x1, y1, x2, y2)`` of the crop marks of one page, in mm.

    Every cell gets two marks per corner, on the extension of its edges, in the gap or
    margin beside it; a mark that would not fit (cells that touch) is left out, as print
    shops do for labels ganged without gaps.
    """
    if not fmt.crop_marks:
        return []
    slug = slug_mm(fmt)
    offset = _offset(fmt)
    segments = []
    for index in range(fmt.per_page):
        row, column = divmod(index, fmt.columns)
        left, top = fmt.cell_origin_mm(index)
        right, bottom = left + fmt.cell_width_mm, top + fmt.cell_height_mm
        space_left = fmt.margin_left_mm + slug if column == 0 else fmt.gap_x_mm / 2
        space_right = fmt.margin_right_mm + slug if column == fmt.columns - 1 else fmt.gap_x_mm / 2
        space_top = fmt.margin_top_mm + slug if row == 0 else fmt.gap_y_mm / 2
        space_bottom = fmt.margin_bottom_mm + slug if row == fmt.rows - 1 else fmt.gap_y_mm / 2
        for x, space_x, sign_x in ((left, space_left, -1), (right, space_right, 1)):
            for y, space_y, sign_y in ((top, space_top, -1), (bottom, space_bottom, 1)):
                # Horizontal mark on the line of the horizontal edge, outward in x.
                length = min(MARK_LENGTH_MM, space_x - offset - MARK_CLEARANCE_MM)
                if length >= MIN_MARK_MM:
                    start = x + sign_x * offset
                    segments.append((start, y, start + sign_x * length, y))
                length = min(MARK_LENGTH_MM, space_y - offset - MARK_CLEARANCE_MM)
                if length >= MIN_MARK_MM:
                    start = y + sign_y * offset
                    segments.append((x, start, x, start + sign_y * length))
    return segments
