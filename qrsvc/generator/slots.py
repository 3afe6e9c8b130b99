"""The payment slot of a sign or label format: where the payment code goes beside the page code.

A format file with a ``[payment]`` table prints two codes, each with a caption band over
it (one line per language) and a text band under it (the page's short URL; the account
holder's name and bank). The file places both codes (``[qr] x_mm/y_mm`` and
``[payment] x_mm/y_mm``, top-left corners of their white squares, from the cell's
top-left); this module checks that both, with their bands, lie inside the cell's safe
area and do not touch each other, so each keeps its quiet zone and its caption.
"""

from __future__ import annotations

from dataclasses import dataclass

from qrsvc.generator.captions import LANGUAGES
from qrsvc.generator.fonts import PT_MM
from qrsvc.generator.qr import ECC_LEVELS

__all__ = [
    "SIGN_FRAME_MM",
    "SIGN_PADDING_MM",
    "SIGN_REFERENCE_WIDTH_MM",
    "PaymentSlot",
    "caption_sizes_pt",
    "read_payment",
]

# The A5 plate is the reference design; bigger signs scale every length with their width.
SIGN_REFERENCE_WIDTH_MM = 148
SIGN_FRAME_MM = 5
SIGN_PADDING_MM = 6
#: Labels: how far from the die-cut edge the codes and their bands stay.
LABEL_SAFE_MM = 1.0
#: Labels: the product, producer and lot go between the two codes, in at least this much.
LABEL_TEXT_MIN_MM = 15.0
#: Signs: room above the codes for rank and titles, below them for the scan hint (A5 mm).
SIGN_HEAD_MIN_MM = 25.0
SIGN_HINT_MIN_MM = 10.0
MAX_LANGUAGES = 3


@dataclass(frozen=True)
class PaymentSlot:
    """Where both codes go in a cell, in mm from its top-left; the bands around them.

    ``required``: a record without a verified account is refused (True) or printed with
    the slot left empty (False). ``languages``: the captions' languages, in order.
    """

    page_x_mm: float
    page_y_mm: float
    x_mm: float
    y_mm: float
    size_mm: float
    ecc: str
    required: bool
    languages: tuple[str, ...]
    caption_mm: float
    text_mm: float


def sign_scale(cell_width_mm: float) -> float:
    """How much larger than the A5 reference plate a sign of this width is."""
    return cell_width_mm / SIGN_REFERENCE_WIDTH_MM


def caption_sizes_pt(kind: str, cell_width_mm: float, languages) -> list[float]:
    """Font size of each caption line: the first language bold and larger, then smaller."""
    if kind == "sign":
        k = sign_scale(cell_width_mm)
        return [12 * k if i == 0 else 9 * k for i in range(len(languages))]
    return [5.5 if i == 0 else 4.5 for i in range(len(languages))]


def _bands(kind: str, cell_width_mm: float, languages) -> tuple[float, float]:
    """Heights of the caption band over a code and of the text band under it."""
    lines = sum(caption_sizes_pt(kind, cell_width_mm, languages)) * PT_MM * 1.15
    if kind == "sign":
        k = sign_scale(cell_width_mm)
        return lines + 1.5 * k, 12.5 * k
    return lines + 0.4, 5.0


def read_payment(
    reader, kind: str, qr: dict, cell: tuple[float, float], fields
) -> PaymentSlot | None:
    """The format's payment slot (None without a ``[payment]`` table), checked.

    ``reader`` is the format loader's (its ``fail``, ``number``, ``choice``); ``qr`` the
    ``[qr]`` table, which gives the page code's position when there is a slot.
    """
    if "payment" not in reader.document:
        if "x_mm" in qr or "y_mm" in qr:
            raise reader.fail("[qr].x_mm/y_mm", "place the page code beside a [payment] slot only")
        return None
    if kind not in ("sign", "label"):
        raise reader.fail("[payment]", f"is for sign and label formats, not {kind}")
    table = reader.table("payment", {"x_mm", "y_mm", "size_mm", "ecc", "required", "languages"})
    cell_w, cell_h = cell
    page_size = reader.number(qr, "[qr]", "size_mm", 5, 1000)
    page_x = reader.number(qr, "[qr]", "x_mm", 0, cell_w)
    page_y = reader.number(qr, "[qr]", "y_mm", 0, cell_h)
    x = reader.number(table, "[payment]", "x_mm", 0, cell_w)
    y = reader.number(table, "[payment]", "y_mm", 0, cell_h)
    size = reader.number(table, "[payment]", "size_mm", 5, 1000)
    required = table.get("required", True)
    if not isinstance(required, bool):
        raise reader.fail("[payment].required", "must be true or false")
    languages = table.get("languages", ["vi", "en"])
    if (
        not isinstance(languages, list)
        or not 1 <= len(languages) <= MAX_LANGUAGES
        or len(set(map(str, languages))) != len(languages)
        or not all(lang in LANGUAGES for lang in languages)
    ):
        raise reader.fail(
            "[payment].languages",
            f"must list 1 to {MAX_LANGUAGES} distinct languages with captions: {list(LANGUAGES)}",
        )
    caption_mm, text_mm = _bands(kind, cell_w, languages)
    boxes = {
        "[qr]": (page_x, page_y - caption_mm, page_x + page_size, page_y + page_size + text_mm),
        "[payment]": (x, y - caption_mm, x + size, y + size + text_mm),
    }
    if kind == "sign":
        k = sign_scale(cell_w)
        safe = (SIGN_FRAME_MM + SIGN_PADDING_MM) * k
    else:
        safe = LABEL_SAFE_MM
    for where, (left, top, right, bottom) in boxes.items():
        if left < safe or top < safe or right > cell_w - safe or bottom > cell_h - safe:
            raise reader.fail(
                where,
                f"code with its caption ({caption_mm:.1f} mm over it) and text "
                f"({text_mm:.1f} mm under it) spans {left:g}..{right:g} x {top:.1f}..{bottom:.1f}"
                f" mm; it must stay {safe:.1f} mm inside the {cell_w:g}x{cell_h:g} cell",
            )
    a, b = boxes["[qr]"], boxes["[payment]"]
    if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
        raise reader.fail(
            "[payment]", "overlaps the page code or its caption or text; move one of them"
        )
    if kind == "label" and b[0] - a[2] < LABEL_TEXT_MIN_MM:
        raise reader.fail(
            "[payment].x_mm",
            f"a label's payment code goes right of the page code, {LABEL_TEXT_MIN_MM:g} mm "
            "or more away: the product's text is printed between them",
        )
    if kind == "sign":
        if min(a[1], b[1]) - safe < SIGN_HEAD_MIN_MM * k:
            raise reader.fail(
                "[payment]",
                f"leaves under {SIGN_HEAD_MIN_MM * k:.0f} mm above the codes for the titles",
            )
        if "scan_hint" in fields and cell_h - safe - max(a[3], b[3]) < SIGN_HINT_MIN_MM * k:
            raise reader.fail(
                "[payment]",
                f"leaves under {SIGN_HINT_MIN_MM * k:.0f} mm below the codes for the hint",
            )
    return PaymentSlot(
        page_x_mm=page_x,
        page_y_mm=page_y,
        x_mm=x,
        y_mm=y,
        size_mm=size,
        ecc=reader.choice(table, "[payment]", "ecc", ECC_LEVELS, default="M"),
        required=required,
        languages=tuple(languages),
        caption_mm=caption_mm,
        text_mm=text_mm,
    )
