"""Checks of single fields of an EPCIS record, each raising :class:`EPCISExportError`
naming the field: aware datetimes, absolute URIs, lists, offsets a datetime can use."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from qrsvc.epcis.vocab import EPCISExportError, is_uri

__all__ = ["as_tuple", "aware", "offset_timezone", "representable", "uri"]


def offset_timezone(text: str) -> timezone:
    """Return the fixed zone of an offset like ``+07:00`` (already checked)."""
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=int(text[1:3]), minutes=int(text[4:6])))


def representable(name: str, moment: datetime | None, zone: timezone) -> None:
    # Year 1 at a negative offset falls outside what datetime (and RFC 3339) can write.
    if moment is None:
        return
    try:
        moment.astimezone(zone)
    except OverflowError:
        raise EPCISExportError(f"{name} {moment.isoformat()} is out of range") from None


def aware(name: str, value: object) -> None:
    if not isinstance(value, datetime):
        raise EPCISExportError(f"{name} must be a datetime")
    if value.utcoffset() is None:
        raise EPCISExportError(f"{name} must be timezone-aware (naive datetime given)")


def uri(name: str, value: object) -> None:
    if not is_uri(value):
        shown = value if not isinstance(value, str) or len(value) <= 80 else value[:77] + "..."
        raise EPCISExportError(f"{name} {shown!r} is not an absolute, percent-encoded URI")


def as_tuple(name: str, value: object) -> tuple:
    # A lone string is iterable too: catch "epcs='https://...'" instead of exploding it.
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise EPCISExportError(f"{name} must be a list, not {type(value).__name__}")
    return tuple(value)
