"""Small helpers shared by the demo content modules and the loader."""

from __future__ import annotations

import calendar
import textwrap
import unicodedata
from datetime import date, datetime
from typing import Any

from qrsvc.gs1.check_digit import gtin_check_digit
from qrsvc.localtime import VIETNAM

__all__ = [
    "EVERY_DAY",
    "SAMPLE_NOTE",
    "VN",
    "add_months",
    "link",
    "local_time",
    "nfc_deep",
    "noted",
    "ocop",
    "photo",
    "prose",
    "with_check_digit",
    "with_note",
]

#: Vietnam's offset all year (no daylight saving), the one EPCIS events carry.
VN = VIETNAM

#: Shown in every demo summary and description so nobody mistakes it for official text.
SAMPLE_NOTE = "Nội dung mẫu / Sample content"

EVERY_DAY = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]


def noted(text: str) -> str:
    """``text`` followed by the visible sample-content note."""
    return f"{text}\n\n{SAMPLE_NOTE}."


def with_note(texts: dict[str, str]) -> dict[str, str]:
    """Per-language texts, each ending with the sample-content note."""
    return {lang: noted(text) for lang, text in texts.items()}


def prose(text: str) -> str:
    """Markdown from an indented triple-quoted block.

    Lines of a paragraph are joined so the source can wrap at 100 columns; blank lines
    separate paragraphs and lines starting with ``-`` or ``#`` stay lines of their own.
    """
    paragraphs = []
    for block in textwrap.dedent(text).strip().split("\n\n"):
        lines: list[str] = []
        for line in block.splitlines():
            line = line.strip()
            if lines and not line.startswith(("- ", "#", "|")):
                # Chinese, Japanese and Korean text has no spaces between words.
                wide = _wide(lines[-1][-1]) or _wide(line[0])
                lines[-1] += ("" if wide else " ") + line
            else:
                lines.append(line)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def nfc_deep(value: Any) -> Any:
    """``value`` with every string in it (nested dicts and lists too) in Unicode NFC."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {nfc_deep(k): nfc_deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(nfc_deep(v) for v in value)
    return value


def with_check_digit(body: str) -> str:
    """``body`` followed by its GS1 check digit (GTIN, GLN, SSCC)."""
    return body + str(gtin_check_digit(body))


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (OCOP: 36 months)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def local_time(text: str) -> datetime:
    """``"2026-11-20 06:30"`` as an aware datetime in Vietnam's time zone."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=VN)


def ocop(stars: int, number: str, day: date) -> dict[str, Any]:
    """The OCOP fields of a product certified on ``day`` (valid for 36 months)."""
    return {
        "ocop_stars": stars,
        "ocop_cert_no": number,
        "ocop_cert_date": day,
        "ocop_cert_expiry": add_months(day, 36),
    }


def link(link_type: str, href: str, title: str, lang: str = "vi") -> dict[str, Any]:
    """A resolver link; the title says it is a sample."""
    return {"link_type": link_type, "href": href, "title": f"{title} (mẫu / sample)", "lang": lang}


def photo(scene: str, seed: int, name: str, vi: str, en: str) -> dict[str, Any]:
    """A drawn product photo with its alt text."""
    return {"scene": scene, "seed": seed, "name": name, "alt": {"vi": vi, "en": en}}
