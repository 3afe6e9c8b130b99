"""A row's cells in the types of its record's fields, and what is wrong with them.

The admin's field specs carry the types and limits, so a value the form would
refuse is refused here too, with a message that names the column.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from qrsvc.i18n import CONTENT_LANGUAGES

#: Keys a CSV reader adds to a row: not columns of the record.
READER_KEYS = ("__extra__", "__line__")


class OutOfRangeError(ValueError):
    """A value of the right type that the field does not allow; says why."""


def typed_values(
    spec, raw: dict[str, Any], handled: tuple[str, ...] = ()
) -> tuple[dict[str, Any], list[str]]:
    """The row's values by column, typed; and the problems, one line each.

    Columns in ``handled`` (a reference to another record, the opening hours)
    are the caller's to read.
    """
    known = {f.name: f for f in spec.fields}
    values: dict[str, Any] = {}
    errors: list[str] = []
    if raw.get("__extra__"):
        errors.append("The row has more cells than the header has columns.")
    for column, value in raw.items():
        if column in READER_KEYS or column in handled:
            continue
        name, _dot, lang = str(column).partition(".")
        f = known.get(name)
        if f is None or bool(lang) != f.i18n:
            errors.append(f"Unknown column '{str(column)[:60]}'.")
            continue
        if lang and lang not in CONTENT_LANGUAGES:
            errors.append(
                f"Unknown language in column '{str(column)[:60]}' "
                f"(use {', '.join(CONTENT_LANGUAGES)})."
            )
            continue
        try:
            values[column] = convert(f, value)
        except OutOfRangeError as exc:
            errors.append(f"'{column}': {exc}.")
        except (TypeError, ValueError):
            errors.append(f"'{column}': {str(value)[:40]!r} is not a valid {f.kind}.")
    return values, errors


def convert(f, value: Any) -> Any:
    """``value`` from a file as the JSON value of field ``f`` (ValueError if it is not one)."""
    from qrsvc.admin.forms_records import MAX_TEXT
    from qrsvc.admin.records import clean_text

    if isinstance(value, str):
        value = value.strip()
        if value[:2] in ("'=", "'+", "'-", "'@"):
            value = value[1:]  # undo the spreadsheet-formula guard of our own CSV export
        if value == "":
            return (
                None
                if f.kind in ("int", "float", "date", "datetime") or f.nullable
                else (False if f.kind == "bool" else "")
            )
    if value is None:
        return None
    if f.kind in ("int", "float"):
        return _number(f, value)
    if f.kind == "bool":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("1", "true", "yes", "x", "có"):
            return True
        if str(value).lower() in ("0", "false", "no", "", "không"):
            return False
        raise ValueError(value)
    if f.kind in ("date", "datetime"):
        parsed = date.fromisoformat(value) if f.kind == "date" else datetime.fromisoformat(value)
        return parsed.isoformat()
    if not isinstance(value, str):
        raise TypeError(value)
    if f.kind == "choice" and value not in {c for c, _label in f.choices}:
        raise ValueError(value)
    text = clean_text(value)  # before measuring: NFC makes decomposed Vietnamese shorter
    limit = f.max_length or MAX_TEXT
    if len(text) > limit:
        raise OutOfRangeError(f"too long ({len(text)} characters; at most {limit})")
    return text


def _number(f, value: Any) -> int | float:
    if isinstance(value, bool) or (isinstance(value, str) and len(value) > 30):
        raise ValueError(value)
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        raise ValueError(value) from None
    if not math.isfinite(number) or (f.kind == "int" and not number.is_integer()):
        raise ValueError(value)
    typed = int(number) if f.kind == "int" else number
    if (f.minimum is not None and number < f.minimum) or (
        f.maximum is not None and number > f.maximum
    ):
        raise OutOfRangeError(
            f"{typed} is out of range ({_plain(f.minimum)} to {_plain(f.maximum)})"
        )
    return typed


def _plain(limit: float | None) -> str:
    if limit is None:
        return "any"
    return str(int(limit)) if float(limit).is_integer() else str(limit)
