"""Lunar festival dates shown with the solar date of their next occurrence.

``lunardate`` computes the Chinese calendar (new moons reckoned for UTC+8).
Vietnam's calendar is reckoned for UTC+7, so on rare years a month starts a
day apart (Tết 1985 is the famous case): the solar date shown may then be one
day off. Staff can say so in the festival's description when it matters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from lunardate import LunarDate


@dataclass(frozen=True)
class FestivalDate:
    """A festival's lunar day and month and the solar date it falls on."""

    lunar_day: int
    lunar_month: int
    solar: date | None


def next_festival_date(
    lunar_month: int, lunar_day: int, today: date, days: int = 1
) -> FestivalDate:
    """The festival's next occurrence: the one under way on ``today``, else the next to come.

    A festival held yesterday is shown with next year's date, never a past one; a
    three-day festival that began yesterday is still this year's. ``solar`` is None
    only outside the lunar table (1900-2099).
    """
    last_day = timedelta(days=max(days, 1) - 1)
    # The lunar year that holds ``today`` starts in the solar year before or this one.
    for lunar_year in range(today.year - 1, today.year + 2):
        start = _to_solar(lunar_year, lunar_month, lunar_day)
        if start is not None and start + last_day >= today:
            return FestivalDate(lunar_day, lunar_month, start)
    return FestivalDate(lunar_day, lunar_month, None)


def _to_solar(lunar_year: int, month: int, day: int) -> date | None:
    for candidate in (day, 29) if day == 30 else (day,):
        try:
            return LunarDate(lunar_year, month, candidate).to_solar_date()
        except ValueError:  # out of the table's range, or day 30 of a short month
            continue
    return None
