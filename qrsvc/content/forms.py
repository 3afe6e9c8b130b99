"""Flask-WTF forms built from an :class:`EntitySpec`, one input per field and language.

The admin edits a record with :func:`record_form`; import checks each row of a file
with the same class (:func:`form_class`, see :mod:`qrsvc.transfer.validation`), so a
value refused in the form is refused in a file too, with the same message.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from flask_babel import gettext as _
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from qrsvc.content.formbase import TranslatedForm
from qrsvc.content.records import EntitySpec, Field, clean_text
from qrsvc.localtime import from_local_input, to_local_input

#: Upper bound on free text even where the column is unbounded: a pasted novel is a mistake.
MAX_TEXT = 100_000
#: The largest number an INTEGER column holds (PostgreSQL's is 32 bits).
MAX_INTEGER = 2**31 - 1
#: What no text field stores: control characters (tab and line ends aside), which no one
#: types and PostgreSQL refuses (NUL), and lone surrogates, which are not UTF-8 at all.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def input_name(f: Field, lang: str | None = None) -> str:
    """The form input's name: ``history__en`` for a per-language field."""
    return f"{f.name}__{lang}" if lang else f.name


def _make_input(f: Field, lang: str | None, creating: bool) -> Any:
    label = f"{f.label} ({lang})" if lang else f.label
    required = f.required and (lang in (None, "vi"))
    checks: list[Any] = [DataRequired() if required else Optional()]
    if f.kind in ("int", "float"):
        checks = [InputRequired() if required else Optional()]
        # "nan" and "inf" are floats to Python; a whole number of 400 digits is refused
        # here, as NumberRange would overflow comparing it and no INTEGER column holds it.
        checks.append(_finite if f.kind == "float" else _integer_sized)
        if f.minimum is not None or f.maximum is not None:
            checks.append(NumberRange(min=f.minimum, max=f.maximum))
        cls = IntegerField if f.kind == "int" else FloatField
        return cls(label, checks, description=f.help)
    if f.kind == "date":
        return DateField(label, checks, description=f.help)
    if f.kind == "datetime":
        return DateTimeLocalField(label, checks, format="%Y-%m-%dT%H:%M", description=f.help)
    if f.kind == "bool":
        return BooleanField(label, description=f.help)
    if f.kind == "ref":
        # Every choice until the form is made for someone (record_form narrows them).
        return SelectField(
            label,
            [Optional()],
            choices=lambda: [SelectChoice(v, t) for v, t in f.choices_from(None)],
            coerce=ref_id,
            description=f.help,
        )
    if f.kind == "choice":
        # A list with an empty choice ("—") makes the field optional.
        optional = any(value == "" for value, _text in f.choices)
        return SelectField(
            label,
            [Optional() if optional else DataRequired()],
            choices=[SelectChoice(value, text) for value, text in f.choices],
            description=f.help,
        )
    checks += [_storable, Length(max=f.max_length or MAX_TEXT)]
    cls = TextAreaField if f.kind in ("text", "markdown") else StringField
    render_kw = {"readonly": True} if f.create_only and not creating else None
    # Measured as stored: NFC, so that Vietnamese typed decomposed is not "too long".
    return cls(label, checks, filters=[clean_text], description=f.help, render_kw=render_kw)


def ref_id(value: Any) -> int | None:
    """A submitted record id as a number (None: none); anything but a short run of
    digits is refused, so that no text nor a number no column holds reaches a query."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or int(text) > MAX_INTEGER:
        raise ValueError(text[:20])
    return int(text)


def _finite(form: Any, field: Any) -> None:
    if field.data is not None and not math.isfinite(field.data):
        raise StopValidation(field.gettext("Not a valid float value."))


def _integer_sized(form: Any, field: Any) -> None:
    if field.data is not None and abs(field.data) > MAX_INTEGER:
        raise StopValidation(field.gettext("Not a valid integer value."))


def _storable(form: Any, field: Any) -> None:
    found = UNSTORABLE.search(field.data or "")
    if found:
        raise ValidationError(
            _(
                "This text holds a character that cannot be stored (U+%(code)04X); remove it.",
                code=ord(found.group()),
            )
        )


def form_class(
    spec: EntitySpec, languages: tuple[str, ...], creating: bool
) -> type[TranslatedForm]:
    """The form class the admin edits ``spec`` with: the import checks its rows with it too."""
    return _form_class(spec, languages, creating)


@lru_cache(maxsize=256)
def _form_class(
    spec: EntitySpec, languages: tuple[str, ...], creating: bool
) -> type[TranslatedForm]:
    attrs: dict[str, Any] = {"version": HiddenField()}
    for f in spec.fields:
        for lang in languages if f.i18n else (None,):
            attrs[input_name(f, lang)] = _make_input(f, lang, creating)
    return type(f"{spec.name.title()}Form", (TranslatedForm,), attrs)


def record_form(
    spec: EntitySpec,
    languages: list[str],
    *,
    creating: bool,
    flat: dict[str, Any] | None = None,
    version: int | None = None,
    user: Any | None = None,
) -> TranslatedForm:
    """The form for ``spec`` with one column per language; filled from ``flat`` on GET.

    The choices of ``ref`` fields are those ``user`` may pick (see :func:`limit_choices`).
    """
    cls = _form_class(spec, tuple(languages), creating)
    if flat is None:
        return limit_choices(spec, cls(), user)
    data: dict[str, Any] = {"version": version}
    for f in spec.fields:
        for lang in languages if f.i18n else (None,):
            key = f"{f.name}.{lang}" if lang else f.name
            data[input_name(f, lang)] = _to_input(f, flat.get(key))
    # These values, even when re-shown after a POST.
    return limit_choices(spec, cls(formdata=None, data=data), user)


def limit_choices(spec: EntitySpec, form: TranslatedForm, user: Any | None) -> TranslatedForm:
    """Set the choices of ``form``'s ``ref`` fields to those ``user`` may pick, read now.

    Without a "—" among them (an editor limited to areas) the field is required; a value
    that is not a choice is then refused by the form: "Not a valid choice."
    """
    for f in spec.fields:
        if f.kind != "ref" or f.choices_from is None:
            continue
        choices = f.choices_from(user)
        field = form[input_name(f)]
        field.choices = [SelectChoice(value, text) for value, text in choices]
        if not any(value == "" for value, _text in choices):
            field.validators = [InputRequired()]
            field.flags.required = True
    return form


def form_values(spec: EntitySpec, form: TranslatedForm, languages: list[str]) -> dict[str, Any]:
    """The submitted form as flat JSON values, text NFC-normalised."""
    flat: dict[str, Any] = {}
    for f in spec.fields:
        for lang in languages if f.i18n else (None,):
            raw = form[input_name(f, lang)].data
            key = f"{f.name}.{lang}" if lang else f.name
            value = _from_input(f, raw)
            if lang is None or value:
                flat[key] = value
    return flat


def form_version(form: TranslatedForm) -> int | None:
    """The version the form was loaded with, or None when missing or not a number."""
    raw = (form.version.data or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def _to_input(f: Field, value: Any) -> Any:
    if value is None:
        return None
    if f.kind == "date":
        return date.fromisoformat(value)
    if f.kind == "datetime":
        return to_local_input(datetime.fromisoformat(value))
    return value


def _from_input(f: Field, raw: Any) -> Any:
    if f.kind in ("str", "text", "markdown"):
        return clean_text(raw)
    if f.kind == "choice":
        return raw or ""
    if f.kind == "ref":
        return raw  # a number, or None (coerced by ref_id)
    if f.kind == "bool":
        return bool(raw)
    if f.kind == "date":
        return raw.isoformat() if raw else None
    if f.kind == "datetime":
        # Staff type local time in Vietnam; stored as an aware value.
        return from_local_input(raw).isoformat() if raw else None
    return raw
