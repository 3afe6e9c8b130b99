"""Data attributes of a Digital Link: the query string, its AIs and GS1 dates.

Query keys of 2 to 4 digits are AIs; their values are checked against set 82
and, for the date AIs, as real YYMMDD dates. Every other key (``linkType``,
``lang``, campaign tags ...) is a plain parameter, kept apart and passed on.
"""

import calendar
import re
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from .charset import check_raw, check_set82, percent_decode, reject_control, show
from .errors import DigitalLinkError

MAX_ATTRIBUTE_LENGTH = 90  # the longest value any GS1 AI allows
AI_KEY = re.compile(r"[0-9]{2,4}")
# The GS1 Barcode Syntax Dictionary gives all six the "yymmd0" rule: DD may be 00.
DATE_AIS = {
    "11": "production date",
    "12": "due date",
    "13": "packaging date",
    "15": "best-before date",
    "16": "sell-by date",
    "17": "expiry date",
}
_PATH_AIS = {"01": "the GTIN", "22": "CPV", "10": "lot", "21": "serial"}


def gs1_date(value: str, *, label: str = "date", today: date | None = None) -> date:
    """Return the date a GS1 ``YYMMDD`` value stands for.

    The century follows the GS1 sliding window around ``today`` (General
    Specifications §7.12); day ``00`` means the last day of the month.
    """
    if len(value) != 6 or not all("0" <= ch <= "9" for ch in value):
        raise DigitalLinkError(f"{label} must be 6 digits YYMMDD, not {show(value)}")
    month, day = int(value[2:4]), int(value[4:])
    if not 1 <= month <= 12:
        raise DigitalLinkError(f"{label} has month {value[2:4]}; months run from 01 to 12")
    year = _full_year(int(value[:2]), (today or date.today()).year)
    last = calendar.monthrange(year, month)[1]
    if day > last:
        raise DigitalLinkError(
            f"{label} has day {value[4:]}, but {year}-{month:02d} has {last} days"
        )
    return date(year, month, day or last)


def parse_query(query: str | bytes) -> tuple[dict[str, str], dict[str, str]]:
    """Split a raw query string into (AI data attributes, other parameters), decoded once.

    Bytes (as WSGI gives them) are accepted. Values are checked when the
    DigitalLink is built from them, so parsing and building reject alike.
    """
    if isinstance(query, bytes):
        # latin-1 maps every byte to one character, so check_raw sees non-ASCII bytes.
        query = query.decode("latin-1")
    query = query.removeprefix("?")
    check_raw(query, "query string")
    if "#" in query:
        raise DigitalLinkError("query string contains '#'; a fragment is not part of it")
    attributes: dict[str, str] = {}
    params: dict[str, str] = {}
    for piece in query.split("&"):
        if not piece:
            continue  # "a=1&&b=2" and a trailing "&" are harmless
        raw_key, _, raw_value = piece.partition("=")
        key = percent_decode("query parameter name", raw_key)
        if AI_KEY.fullmatch(key):
            _refuse_path_ai(key)
            if key in attributes:
                raise DigitalLinkError(f"{_label(key)} appears twice in the query string")
            attributes[key] = percent_decode(_label(key), raw_value)
        elif key:
            params.setdefault(key, percent_decode(f"query parameter {show(key)}", raw_value))
    return attributes, params


def checked_attributes(given: Mapping[str, str | date]) -> Mapping[str, str]:
    """Validate data attributes and return them read-only, in AI order.

    ``datetime.date`` values of the date AIs become YYMMDD.
    """
    checked = {}
    for ai, value in given.items():
        if not isinstance(ai, str) or not AI_KEY.fullmatch(ai):
            raise DigitalLinkError(f"data attribute {show(str(ai))} is not an AI (2 to 4 digits)")
        _refuse_path_ai(ai)
        label = _label(ai)
        if isinstance(value, date):
            value = _yymmdd(label, value)
        check_set82(label, value, MAX_ATTRIBUTE_LENGTH)
        if ai in DATE_AIS:
            gs1_date(value, label=label)
        checked[ai] = value
    return MappingProxyType(dict(sorted(checked.items())))


def checked_params(given: Mapping[str, str]) -> Mapping[str, str]:
    """Validate non-AI query parameters and return them read-only, order kept."""
    checked = {}
    for key, value in given.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError("query parameter names and values are text")
        if AI_KEY.fullmatch(key):
            raise DigitalLinkError(f"{key} is an AI; give it as a data attribute")
        reject_control(f"query parameter {show(key)}", key + value)
        checked[key] = value
    return MappingProxyType(checked)


def _full_year(yy: int, this_year: int) -> int:
    # Up to 50 years ahead counts as this century, 51 or more as the last one.
    century = this_year - this_year % 100
    ahead = yy - this_year % 100
    if ahead >= 51:
        century -= 100
    elif ahead <= -50:
        century += 100
    return century + yy


def _yymmdd(label: str, value: date) -> str:
    if _full_year(value.year % 100, date.today().year) != value.year:
        raise DigitalLinkError(f"{label} {value.isoformat()} is too far from today for YYMMDD")
    return f"{value.year % 100:02d}{value.month:02d}{value.day:02d}"


def _label(ai: str) -> str:
    return f"{DATE_AIS[ai]} ({ai})" if ai in DATE_AIS else f"AI {ai}"


def _refuse_path_ai(ai: str) -> None:
    # The standard puts key and qualifiers in the path only; accepting them in
    # the query too would give one item two URIs and the resolver two answers.
    if ai in _PATH_AIS:
        raise DigitalLinkError(
            f"{_PATH_AIS[ai]} ({ai}) belongs in the path, not in the query string"
        )
