"""A record's own columns as JSON values, and back, checked against the column's type.

The archive keeps every column of a record (except its id and its references to other
records, which the archive writes as codes and references), so that a restored instance
shows byte for byte the same pages. The columns are read from the table itself: a
column added by a later migration is carried without a change here.

    dump_columns(record, skip)        -> {"code": "LK01", "published_at": "2025-…", ...}
    load_columns(table, raw, skip)    -> ({"code": "LK01", ...}, ["'rank': ..."])
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from qrsvc.models.base import UTCDateTime

#: Text columns without a length of their own (Markdown, transcripts) are bounded here.
MAX_TEXT = 1_000_000
#: A per-language text: a language tag, as the media upload accepts it.
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?")
#: JSON columns that hold lists (opening hours, image variants), not texts by language.
LIST_COLUMNS = frozenset({"opening_hours", "variants", "photo_ids"})
#: Columns no archive carries: surrogate ids and the accounts of this instance.
ALWAYS_SKIPPED = frozenset({"id"})


def dump_columns(record: Any, skip: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    """Every column of ``record`` but ``skip`` and ``id``, as JSON values."""
    table = sa.inspect(type(record)).local_table
    out: dict[str, Any] = {}
    for column in table.columns:
        if column.key in ALWAYS_SKIPPED or column.key in skip:
            continue
        value = getattr(record, column.key)
        if isinstance(value, date):  # a datetime is a date too
            value = value.isoformat()
        out[column.key] = value
    return out


def columns_of(table: sa.Table, skip: frozenset[str] | set[str] = frozenset()) -> list[sa.Column]:
    """The columns an archive record carries for ``table``."""
    return [c for c in table.columns if c.key not in ALWAYS_SKIPPED and c.key not in skip]


def load_columns(
    table: sa.Table, raw: dict[str, Any], skip: frozenset[str] | set[str], extra: set[str]
) -> tuple[dict[str, Any], list[str]]:
    """The values to insert for ``raw`` (typed), and what is wrong, one line each.

    ``extra`` names the keys of ``raw`` that are not columns but read by the caller
    (translations, references); any other unknown key is an error, so a misspelt
    field is never silently dropped.
    """
    columns = {c.key: c for c in columns_of(table, skip)}
    values: dict[str, Any] = {}
    errors = [
        _("Unknown field '%(name)s'.", name=str(name)[:60])
        for name in raw
        if name not in columns and name not in extra
    ]
    for name, column in columns.items():
        if name not in raw:
            if not _has_default(column):
                errors.append(_("'%(name)s' is missing.", name=name))
            continue
        try:
            values[name] = column_value(column, raw[name])
        except ValueError as exc:
            errors.append(f"'{name}': {exc}")
    return values, errors


def _has_default(column: sa.Column) -> bool:
    return column.nullable or column.default is not None or column.server_default is not None


def column_value(column: sa.Column, value: Any) -> Any:
    """``value`` from an archive as the Python value of ``column``; ValueError says why not."""
    if value is None:
        if not column.nullable:
            raise ValueError(_("may not be empty (null)."))
        return None
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return _datetime(value)
    if isinstance(kind, sa.Boolean):
        if not isinstance(value, bool):
            raise ValueError(_("%(value)s is not true or false.", value=_show(value)))
        return value
    if isinstance(kind, sa.Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(_("%(value)s is not a whole number.", value=_show(value)))
        if abs(value) >= (2**63 if isinstance(kind, sa.BigInteger) else 2**31):
            raise ValueError(_("%(value)s is too large.", value=_show(value)))
        return value
    if isinstance(kind, sa.Float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(_("%(value)s is not a number.", value=_show(value)))
        if not math.isfinite(value) or abs(value) > 1e300:
            raise ValueError(_("%(value)s is not a finite number.", value=_show(value)))
        return float(value)
    if isinstance(kind, sa.Date):
        if not isinstance(value, str):
            raise ValueError(_("%(value)s is not a date like 2025-01-31.", value=_show(value)))
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(
                _("%(value)s is not a date like 2025-01-31.", value=_show(value))
            ) from None
    if isinstance(kind, sa.String):
        return _text(value, kind.length or MAX_TEXT)
    if isinstance(kind, sa.JSON):
        return _json(column, value)
    raise ValueError(
        _("columns of type %(type)s cannot be imported.", type=kind)
    )  # a new type: say so


def _datetime(value: Any) -> datetime:
    example = "2025-01-31T08:00:00+00:00"
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError(
            _("%(value)s is not a time like %(example)s.", value=_show(value), example=example)
        )
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            _("%(value)s is not a time like %(example)s.", value=_show(value), example=example)
        ) from None
    if parsed.tzinfo is None:
        raise ValueError(
            _(
                "%(value)s has no time zone (write it like %(example)s).",
                value=_show(value),
                example=example,
            )
        )
    return parsed


def _text(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise ValueError(_("%(value)s is not text.", value=_show(value)))
    if len(value) > limit:
        raise ValueError(
            _(
                "too long (%(length)d characters; at most %(limit)d).",
                length=len(value),
                limit=limit,
            )
        )
    if "\x00" in value:
        raise ValueError(_("contains a NUL character."))
    return value


def _json(column: sa.Column, value: Any) -> Any:
    # The models' JSON columns are per-language texts, but for a few lists the
    # caller checks (the type alone does not tell them apart).
    if column.key in LIST_COLUMNS:
        if not isinstance(value, list):
            raise ValueError(_("%(value)s is not a list.", value=_show(value)))
        return value
    if not isinstance(value, dict):
        raise ValueError(_("%(value)s is not an object of texts by language.", value=_show(value)))
    for lang, text in value.items():
        if not LANGUAGE_TAG.fullmatch(lang):
            raise ValueError(_("%(value)s is not a language (vi, en, ...).", value=_show(lang)))
        try:
            _text(text, MAX_TEXT)
        except ValueError as exc:
            raise ValueError(f"{lang}: {exc}") from None
    return value


def _show(value: Any) -> str:
    return repr(value)[:40]
