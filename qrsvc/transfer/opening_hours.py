"""A relic's opening hours as one line of text, and back: ``Mo-Fr 07:30-17:00; Sa,Su 08:00-11:30``.

They are stored as a list of ``{"days": [...], "opens": ..., "closes": ...}``; an
exchange file (and a spreadsheet cell) carries the text, which
:func:`parse_opening_hours` reads back exactly, or refuses saying which part is wrong.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

DAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
# Vietnamese write the days Thứ 2 ... Thứ 7, Chủ nhật: T2 ... T7, CN.
_DAY_NAMES = (
    {code.lower(): code for code in DAY_CODES}
    | {f"t{n}": DAY_CODES[n - 2] for n in range(2, 8)}
    | {"cn": "Su"}
)
HOURS_EXAMPLE = "Mo-Fr 07:30-17:00; Sa,Su 08:00-11:30"
MAX_HOURS_TEXT = 500
_DASH = r"\s*[-\u2013\u2014]\s*"  # spreadsheets like to turn "-" into an en dash
_SPAN = rf"(\d{{1,2}}:\d{{2}}){_DASH}(\d{{1,2}}:\d{{2}})"
_ENTRY = re.compile(rf"(?P<days>.+?)\s+(?P<times>{_SPAN}(?:\s*,\s*{_SPAN})*)")


def opening_hours_text(stored: list[Any] | None) -> str:
    """Stored opening hours as one line, e.g. ``Mo-Fr 07:30-17:00; Sa,Su 08:00-11:30``.

    Reading the line back with :func:`parse_opening_hours` gives the same list.
    Entries not of the stored shape are left out, as the public page leaves them out.
    """
    parts = []
    for entry in stored or []:
        if not isinstance(entry, dict):
            continue
        days, opens, closes = entry.get("days"), entry.get("opens"), entry.get("closes")
        if (
            isinstance(days, list)
            and days
            and all(day in DAY_CODES for day in days)
            and isinstance(opens, str)
            and isinstance(closes, str)
        ):
            parts.append(f"{_days_text(days)} {opens}-{closes}")
    return "; ".join(parts)


def _days_text(days: list[str]) -> str:
    order = [DAY_CODES.index(day) for day in days]
    if order != sorted(set(order)):
        return ",".join(days)  # an order of its own: kept as it is
    runs: list[list[int]] = []
    for index in order:
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return ",".join(
        f"{DAY_CODES[run[0]]}-{DAY_CODES[run[-1]]}"
        if len(run) > 2
        else ",".join(DAY_CODES[i] for i in run)
        for run in runs
    )


def parse_opening_hours(value: Any) -> list[dict[str, Any]]:
    """Opening hours as stored, from their line of text; ValueError says what is wrong."""
    if value is None:
        return []
    if not isinstance(value, str):
        raise ValueError(
            _(
                "%(value)s is not text like %(example)s",
                value=repr(str(value)[:40]),
                example=repr(HOURS_EXAMPLE),
            )
        )
    if len(value) > MAX_HOURS_TEXT:
        raise ValueError(
            _(
                "too long (%(length)d characters; at most %(limit)d)",
                length=len(value),
                limit=MAX_HOURS_TEXT,
            )
        )
    entries = []
    for part in value.split(";"):
        part = " ".join(part.split())
        if not part:
            continue
        match = _ENTRY.fullmatch(part)
        if match is None:
            raise ValueError(
                _(
                    "%(value)s is not like %(example)s",
                    value=repr(part[:60]),
                    example=repr(HOURS_EXAMPLE),
                )
            )
        days = _parse_days(match["days"], part)
        for opens, closes in re.findall(_SPAN, match["times"]):
            opens, closes = _time(opens, part), _time(closes, part, closing=True)
            if closes <= opens:
                raise ValueError(_("%(value)s closes before it opens", value=repr(part[:60])))
            entries.append({"days": list(days), "opens": opens, "closes": closes})
    return entries


def _parse_days(text: str, part: str) -> list[str]:
    days: list[str] = []
    for token in re.split(r"\s*,\s*", text.strip()):
        ends = re.split(_DASH, token)
        if len(ends) > 2 or not all(end.lower() in _DAY_NAMES for end in ends):
            raise ValueError(
                _(
                    "%(value)s: %(day)s is not a day (write %(days)s, or T2 ... T7, CN)",
                    value=repr(part[:60]),
                    day=repr(token[:20]),
                    days=" ".join(DAY_CODES),
                )
            )
        first, last = (DAY_CODES.index(_DAY_NAMES[end.lower()]) for end in (ends[0], ends[-1]))
        for step in range((last - first) % 7 + 1):  # Sa-Mo runs over the weekend
            day = DAY_CODES[(first + step) % 7]
            if day in days:
                raise ValueError(_("%(value)s names %(day)s twice", value=repr(part[:60]), day=day))
            days.append(day)
    return days


def _time(text: str, part: str, *, closing: bool = False) -> str:
    hours, minutes = (int(n) for n in text.split(":"))
    if minutes > 59 or hours > 24 or (hours == 24 and (minutes or not closing)):
        raise ValueError(
            _("%(value)s: %(time)s is not a time of day", value=repr(part[:60]), time=text)
        )
    return f"{hours:02d}:{minutes:02d}"
