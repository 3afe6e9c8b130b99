"""A row of an exchange file checked by the very form the admin edits its record with.

The content layer builds a WTForms form from each record's spec (:mod:`qrsvc.content.forms`);
a row is fed to that form as if typed into it, so that types, required fields, choices,
lengths, ranges and any rule added to the form later apply to an import too, with the
form's own messages. The form sees the whole record as the import would leave it: the
stored record (or a new record's defaults) with the row's cells over it, so that a row
of a new record without the Vietnamese name is told "'name.vi': This field is required."

What a form cannot be sent is refused here first: a list, an object, true/false or a
number where a text belongs, as a browser only ever sends text.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from qrsvc.content.forms import form_class, form_values, input_name
from qrsvc.content.records import to_json
from qrsvc.i18n import CONTENT_LANGUAGES
from qrsvc.localtime import to_local_input

#: Keys a CSV reader adds to a row: not columns of the record.
READER_KEYS = ("__extra__", "__line__")
#: Words a spreadsheet user writes for yes and no.
YES = ("1", "true", "yes", "x", "có")
NO = ("0", "false", "no", "", "không")
#: What each kind of field holds, as a type error names it.
WANTED = {
    "str": _l("a text"),
    "text": _l("a text"),
    "markdown": _l("a text"),
    "choice": _l("a text (one of the choices)"),
    "int": _l("a whole number"),
    "float": _l("a number"),
    "date": _l("a date such as 2025-01-31"),
    "datetime": _l("a date and time such as 2025-01-31T08:30"),
    "bool": _l("yes or no"),
    "ref": _l("a whole number"),
}
DATETIME_INPUT = "%Y-%m-%dT%H:%M"  # the format of the admin's datetime-local input


class WrongTypeError(ValueError):
    """A cell whose JSON type no form input could hold."""


@dataclass
class CheckedRow:
    """A row as the form read it: the typed values of its columns, and the problems."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)

    def add(self, column: str, message: str) -> None:
        """Note a problem of ``column`` (``""``: of the row as a whole)."""
        self.problems.setdefault(column, []).append(message)

    def messages(self, columns: tuple[str, ...] | None = None) -> list[str]:
        """One line per problem, naming its column: ``'name.vi': This field is required.``"""
        return [
            f"'{column}': {message}" if column else message
            for column, messages in self.problems.items()
            if columns is None or column in columns
            for message in messages
        ]


def row_cells(spec, raw: dict[str, Any], handled: tuple[str, ...] = ()) -> tuple[dict, list]:
    """The row's cells of the record's own columns, and what is wrong with its columns.

    Columns in ``handled`` (a reference to another record, the opening hours) are the
    caller's to read and left out. A text cell is trimmed, and the guard our CSV export
    puts before a text starting with = + - @ is taken off again.
    """
    cells: dict[str, Any] = {}
    errors: list[str] = []
    if raw.get("__extra__"):
        errors.append(_("The row has more cells than the header has columns."))
    for column, value in raw.items():
        if column in READER_KEYS or column in handled:
            continue
        lang = str(column).partition(".")[2]
        f = spec.field_of(str(column))
        if f is None or f.kind == "ref":  # a file names another record by its code
            errors.append(_("Unknown column '%(name)s'.", name=printable(column)))
        elif lang and lang not in CONTENT_LANGUAGES:
            errors.append(
                _(
                    "Unknown language in column '%(name)s' (use %(languages)s).",
                    name=printable(column),
                    languages=", ".join(CONTENT_LANGUAGES),
                )
            )
        else:
            cells[column] = _from_file(value)
    return cells, errors


def _from_file(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if value[:2] in ("'=", "'+", "'-", "'@"):
            value = value[1:]  # undo the spreadsheet-formula guard of our own CSV export
    return value


def check_cells(spec, cells: dict[str, Any], stored: dict[str, Any] | None) -> CheckedRow:
    """The row's ``cells`` checked by the admin's form, over the ``stored`` record's flat
    values (None: a new record, which starts from its columns' defaults).

    Returns the typed values of the row's columns (what the import writes; those without
    a problem) and the form's errors by column, for any field of the record.
    """
    base = _defaults(spec) if stored is None else stored
    checked = CheckedRow()
    used = {key.partition(".")[2] for key in (*base, *cells) if "." in key}
    languages = [lang for lang in CONTENT_LANGUAGES if lang == "vi" or lang in used]
    formdata: MultiDict = MultiDict()
    columns: dict[str, str] = {}  # input name -> flat key
    for f in spec.fields:
        for lang in languages if f.i18n else (None,):
            key = f"{f.name}.{lang}" if lang else f.name
            columns[input_name(f, lang)] = key
            value = _stored_input(f, base.get(key))
            if key in cells:
                try:
                    value = form_input(f, cells[key])
                except WrongTypeError as exc:
                    checked.add(key, str(exc))
            if value is not None:
                formdata[input_name(f, lang)] = value
    form = form_class(spec, tuple(languages), stored is None)(
        formdata=formdata, meta={"csrf": False}
    )
    if not form.validate():
        for name, messages in form.errors.items():
            key = columns.get(name, "")
            # The first message is the reason ("Not a valid integer value.", not also
            # the range the missing number is out of); a wrong type is reason enough.
            if key not in checked.problems:
                checked.add(key, str(messages[0]))
    typed = form_values(spec, form, languages)
    checked.values = {key: typed.get(key) for key in cells if key not in checked.problems}
    return checked


def _defaults(spec) -> dict[str, Any]:
    """A new record's flat values: its columns' defaults (what an import leaves unsaid)."""

    table = spec.model.__table__
    found = {}
    for f in spec.fields:
        column = None if f.i18n else table.columns.get(f.name)
        if column is not None and column.default is not None and column.default.is_scalar:
            found[f.name] = to_json(column.default.arg)
    return found


def _stored_input(f, value: Any) -> str | None:
    try:
        return form_input(f, value)
    except WrongTypeError:  # not a value the field could have held: as if empty
        return None


def form_input(f, value: Any) -> str | None:
    """A JSON value as the text a browser would send for field ``f`` (None: nothing sent).

    Raises :class:`WrongTypeError` when no input of the form could hold the value.
    """
    if value is None:
        return None
    if isinstance(value, list | dict):
        if isinstance(value, list):
            raise WrongTypeError(_("a list is not %(wanted)s.", wanted=WANTED[f.kind]))
        raise WrongTypeError(_("an object is not %(wanted)s.", wanted=WANTED[f.kind]))
    if f.kind == "bool":
        if isinstance(value, int | str):  # bool is an int
            word = str(int(value) if isinstance(value, bool) else value).lower()
            if word in YES:
                return "y"
            if word in NO:
                return None
        raise WrongTypeError(_not_wanted(f, value))
    if f.kind in ("int", "float", "ref"):
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise WrongTypeError(_not_wanted(f, value))
        if isinstance(value, float) and f.kind == "int" and value.is_integer():
            return str(int(value))  # 8.0 from a tool that writes every number as a float
        return value if isinstance(value, str) else repr(value)
    if not isinstance(value, str):
        raise WrongTypeError(_not_wanted(f, value))
    if f.kind == "datetime" and value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value  # the form says what is wrong with it
        if moment.tzinfo is not None:  # without an offset it is Vietnam time already
            moment = to_local_input(moment)
        return moment.strftime(DATETIME_INPUT)
    return value


def _not_wanted(f, value: Any) -> str:
    return _("%(value)s is not %(wanted)s.", value=_shown(value), wanted=WANTED[f.kind])


def _shown(value: Any) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return printable(json.dumps(value, ensure_ascii=False), 40)


def printable(text: Any, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters, fit to be shown in a report: a control
    character or a lone surrogate (which no terminal or page can encode) as ``\\u0000``."""
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in str(text)[:limit])
