"""Vietnam local time, defined once: every date and time shown or exported goes through here.

    from qrsvc.localtime import format_local, iso_local, local_today
    format_local(scan.at)   # "06/01/2027 06:30" for 2027-01-05 23:30 UTC
    iso_local(scan.at)      # "2027-01-06T06:30:00+07:00"

Times are stored in UTC (the database layer hands back aware UTC values; a naive
value is taken to be UTC). Vietnam has kept UTC+7 without daylight saving since 1975,
so a fixed offset is exact and needs no time-zone database on the server; the IANA
name is here for what wants a name (PostgreSQL's ``timezone()``, Flask-Babel).
Templates use the filters :func:`init_app` registers: ``localtime``, ``localdate``,
``shortdate``, ``isotime`` and the tests ``datetime`` and ``date``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

#: The district's time zone by name, for PostgreSQL and Flask-Babel.
ZONE_NAME = "Asia/Ho_Chi_Minh"
#: Its offset as EPCIS and ISO 8601 write it (``eventTimeZoneOffset``).
OFFSET = "+07:00"
#: The zone itself, for Python.
VIETNAM = timezone(timedelta(hours=7), "ICT")

#: How pages show a moment and a day (Vietnamese readers write the day first).
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
DATE_FORMAT = "%d/%m/%Y"


def to_local(value: datetime) -> datetime:
    """``value`` (aware, or naive meaning UTC) as an aware Vietnam time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(VIETNAM)


def local_now() -> datetime:
    """The current time in Vietnam, aware."""
    return datetime.now(VIETNAM)


def local_today() -> date:
    """Today's date in Vietnam (after 17:00 UTC it is already tomorrow there)."""
    return local_now().date()


def local_date(value: datetime) -> date:
    """The day in Vietnam on which the moment ``value`` falls."""
    return to_local(value).date()


def format_local(value: datetime | None, fmt: str = DATETIME_FORMAT) -> str:
    """A moment as shown on pages, in Vietnam time ("" for None)."""
    if value is None:
        return ""
    return to_local(value).strftime(fmt)


def format_date(value: date | datetime | None) -> str:
    """A day as shown on pages (dd/mm/yyyy); a moment gives its day in Vietnam."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime(DATE_FORMAT)


def iso_local(value: datetime | None) -> str | None:
    """ISO 8601 with the +07:00 offset, for ``<time datetime>`` and exports (None for None)."""
    if value is None:
        return None
    return to_local(value).isoformat()


def iso_text(value: date | datetime | None) -> str:
    """For ``<time datetime>``: a moment with its +07:00 offset, a day as is, "" for None."""
    if isinstance(value, datetime):
        return to_local(value).isoformat()
    return value.isoformat() if value else ""


def from_local_input(value: datetime) -> datetime:
    """A time typed by staff without an offset (a form, a spreadsheet) as Vietnam time."""
    return value.replace(tzinfo=VIETNAM) if value.tzinfo is None else value


def to_local_input(value: datetime) -> datetime:
    """A stored moment as the naive Vietnam time a ``datetime-local`` input shows."""
    return to_local(value).replace(tzinfo=None)


def is_datetime(value: object) -> bool:
    """Jinja test ``is datetime``: a moment (which needs ``localtime`` to be shown)."""
    return isinstance(value, datetime)


def is_date(value: object) -> bool:
    """Jinja test ``is date``: a day without a time."""
    return isinstance(value, date) and not isinstance(value, datetime)


def init_app(app: Flask) -> None:
    """Register the filters and tests every template uses to show times."""
    app.jinja_env.filters["localtime"] = format_local
    app.jinja_env.filters["localdate"] = format_date
    app.jinja_env.filters["shortdate"] = format_date
    app.jinja_env.filters["isotime"] = iso_text
    app.jinja_env.tests["datetime"] = is_datetime
    app.jinja_env.tests["date"] = is_date
