"""Lunar festival dates shown with their solar date in a given year.

``lunardate`` computes the Chinese calendar (new moons reckoned for UTC+8).
Vietnam's calendar is reckoned for UTC+7, so on rare years a month starts a
day apart (Tết 1985 is the famous case): the solar date shown may then be one
day off. Staff can say so in the festival's description when it matters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lunardate import LunarDate


@dataclass(frozen=True)
class FestivalDate:
    """A festival's lunar day and month and the solar date it falls on."""

    lunar_day: int
    lunar_month: int
    solar: date | None


def solar_date_in(year: int, lunar_month: int, lunar_day: int) -> date | None:
    """The solar date in ``year`` of the lunar day (first such date; None if none).

    A lunar year starts in late January or February, so the 12th lunar month of
    the previous lunar year also falls in ``year``: both are tried. Day 30 of a
    29-day month is held on the 29th, the month's last day, as temples do.
    """
    for lunar_year in (year - 1, year):
        solar = _to_solar(lunar_year, lunar_month, lunar_day)
        if solar is not None and solar.year == year:
            return solar
    return None


def festival_date(lunar_month: int, lunar_day: int, today: date) -> FestivalDate:
    """The festival's date this solar year (the year of ``today``)."""
    return FestivalDate(lunar_day, lunar_month, solar_date_in(today.year, lunar_month, lunar_day))


def _to_solar(lunar_year: int, month: int, day: int) -> date | None:
    for candidate in (day, 29) if day == 30 else (day,):
        try:
            return LunarDate(lunar_year, month, candidate).to_solar_date()
        except ValueError:  # out of the table's range, or day 30 of a short month
            continue
    return None
