"""Charts drawn on the server as inline SVG: no script, no library, readable without CSS.

Each chart carries a ``<title>`` and ``<desc>`` for screen readers, and the page
shows the same numbers as a table (the text alternative).
"""

from __future__ import annotations

from itertools import count
from xml.sax.saxutils import escape

from markupsafe import Markup

_ids = count(1)


def _nice_max(value: int) -> int:
    """A round axis maximum at or above ``value`` (1, 2, 5 × 10ⁿ)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def column_chart(
    points: list[tuple[str, int]], title: str, desc: str, css_class: str = ""
) -> Markup:
    """Vertical bars, one per point (e.g. scans per day), labelled every few bars."""
    width, height, left, bottom, top = 640, 200, 40, 24, 10
    top_value = _nice_max(max((v for _l, v in points), default=0))
    plot_w, plot_h = width - left - 8, height - bottom - top
    slot = plot_w / max(len(points), 1)
    uid = f"chart{next(_ids)}"
    classes = escape(f"chart {css_class}".strip(), {'"': "&quot;"})
    parts = [
        f'<svg class="{classes}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{uid}t {uid}d" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{uid}t">{escape(title)}</title><desc id="{uid}d">{escape(desc)}</desc>',
    ]
    # A middle line only where it falls on a whole number of scans.
    for fraction in (0, 0.5, 1) if top_value % 2 == 0 else (0, 1):
        y = top + plot_h * (1 - fraction)
        parts.append(
            f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{width - 8}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">'
            f"{int(top_value * fraction)}</text>"
        )
    label_every = max(1, len(points) // 8)
    for i, (label, value) in enumerate(points):
        bar_h = plot_h * value / top_value
        x = left + i * slot + slot * 0.15
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{bar_h:.1f}">'
            f"<title>{escape(label)}: {value}</title></rect>"
        )
        if i % label_every == 0:
            parts.append(
                f'<text class="axis" x="{x + slot * 0.35:.1f}" y="{height - 6}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def bar_list(items: list[tuple[str, int]] | list[tuple[str, int, str]], title: str) -> Markup:
    """Horizontal bars with their labels and numbers (languages, most scanned records).

    An item may carry secondary text (a record's ref), drawn after its label in a
    quieter colour; a long label is shortened with an ellipsis, never the ref.
    """
    row_h, width, label_w, max_chars = 26, 640, 300, 40
    height = row_h * max(len(items), 1) + 4
    top_value = max((item[1] for item in items), default=0) or 1
    uid = f"chart{next(_ids)}"
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{uid}t">',
        f'<title id="{uid}t">{escape(title)}</title>',
    ]
    for i, (label, value, *rest) in enumerate(items):
        note = rest[0] if rest and rest[0] != label else ""
        room = max(max_chars - len(note) - 1, 8) if note else max_chars
        short = label if len(label) <= room else label[: room - 1].rstrip() + "…"
        tail = f' <tspan class="ref">{escape(note)}</tspan>' if note else ""
        full = f"{label} · {note}" if note else label
        y = 2 + i * row_h
        bar_w = (width - label_w - 70) * value / top_value
        parts.append(
            f"<g><title>{escape(full)}: {value}</title>"
            f'<text class="label" x="{label_w - 6}" y="{y + 17}" text-anchor="end">'
            f"{escape(short)}{tail}</text>"
            f'<rect class="bar" x="{label_w}" y="{y + 4}" '
            f'width="{bar_w:.1f}" height="{row_h - 8}"/>'
            f'<text class="value" x="{label_w + bar_w + 6:.1f}" y="{y + 17}">{value}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
