"""Typed, range-checked values out of a parsed TOML document, for the format loader.

Every refusal is a :class:`FormatError` that names the file and the key, so a typo in a
format file is found when the file is read, not on a misprinted sheet.
"""

from __future__ import annotations

import math

__all__ = ["FormatError", "TomlReader"]


class FormatError(ValueError):
    """A print format file that cannot be used; the message names the file and the key."""


class TomlReader:
    """Pulls typed, range-checked values out of a parsed TOML document."""

    def __init__(self, filename: str, document: dict) -> None:
        self.filename = filename
        self.document = document

    def fail(self, where: str, message: str) -> FormatError:
        return FormatError(f"{self.filename}: {where} {message}")

    def key(self, where: str, key: str) -> str:
        return f"{where}.{key}" if where else key

    def table(self, name: str, allowed: set[str]) -> dict:
        value = self.document.get(name)
        if not isinstance(value, dict):
            raise self.fail(f"[{name}]", "must be a table")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise self.fail(f"[{name}]", f"has unknown keys {unknown}; allowed: {sorted(allowed)}")
        return value

    def number(self, table: dict, where: str, key: str, low: float, high: float, **default):
        value = table.get(key, default.get("default"))
        # bool is an int in Python; `size_mm = true` is a mistake, not 1 mm.
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not math.isfinite(value) or not low <= value <= high:
            raise self.fail(
                self.key(where, key), f"must be a number from {low} to {high}, got {value!r}"
            )
        return float(value)

    def integer(self, table: dict, where: str, key: str, low: int, high: int, **default) -> int:
        value = table.get(key, default.get("default"))
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.fail(
                self.key(where, key), f"must be an integer from {low} to {high}, got {value!r}"
            )
        return value

    def choice(self, table: dict, where: str, key: str, choices, **default) -> str:
        value = table.get(key, default.get("default"))
        if not isinstance(value, str) or value not in choices:
            raise self.fail(self.key(where, key), f"must be one of {list(choices)}, got {value!r}")
        return value

    def text(self, table: dict, where: str, key: str, limit: int, default: str = "") -> str:
        value = table.get(key, default)
        if not isinstance(value, str) or len(value) > limit or not value.isprintable():
            raise self.fail(
                self.key(where, key), f"must be printable text of at most {limit} chars"
            )
        return value
