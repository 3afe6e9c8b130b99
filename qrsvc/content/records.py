"""What an editable record is: its fields, and the record as flat JSON values.

Each kind of record (relic, producer, product, ...) is described once by an
:class:`EntitySpec`: its fields, which of them exist per language, who may edit
it. From that the admin builds the form, the list and the history, import and
export check rows, and :mod:`qrsvc.content.editing` saves.

A record is seen as a flat dict of JSON values: ``{"code": "LK01", "name.vi": ...}``.
The revision history stores changes in that shape, so any field of any record can
be shown as "old → new" and restored.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import LazyString
from sqlalchemy.orm import Session

from qrsvc import labels, site
from qrsvc.i18n import CONTENT_LANGUAGES


@dataclass(frozen=True)
class Field:
    """One editable field.

    ``kind`` is one of str, text, markdown, int, float, date, datetime, choice, bool, ref.
    A per-language field (``i18n``) is edited side by side in every language shown.
    A ``ref`` holds the id of another record (None: none), chosen among ``choices_from(user)``:
    choices read when a form is made, since they change while the form class is cached,
    and may depend on who edits (``user`` None: every choice, as for an import).
    """

    name: str
    label: str | LazyString
    kind: str = "str"
    i18n: bool = False
    required: bool = False
    max_length: int | None = None
    choices: tuple[tuple[str, Any], ...] = ()
    create_only: bool = False
    help: str | LazyString = ""
    minimum: float | None = None
    maximum: float | None = None
    nullable: bool = False  # an empty text is stored as NULL (unique optional codes: GTIN, GLN)
    choices_from: Callable[[Any], tuple[tuple[str, Any], ...]] | None = None


@dataclass(eq=False)  # identity hash: specs are singletons and key the form cache
class EntitySpec:
    """How one kind of record is edited, checked and saved."""

    name: str  # "relic": endpoints, revisions' entity_type
    model: type
    label: str | LazyString
    label_plural: str | LazyString
    fields: tuple[Field, ...]
    roles: tuple[str, ...]
    list_columns: tuple[str, ...] = ()
    #: Headers of list columns that are not form fields (shown, never edited).
    column_labels: dict[str, Any] = field(default_factory=dict)
    #: Such columns whose values are codes of an enumeration of :mod:`qrsvc.labels`.
    column_enums: dict[str, str] = field(default_factory=dict)
    parent: str | None = None  # name of the parent's spec (batch → product)
    parent_attr: str = ""  # the foreign key column to the parent
    parent_model: type | None = None  # set when declared (qrsvc.content.registry)
    create_roles: tuple[str, ...] | None = None  # who may create one (default: ``roles``)
    children: tuple[str, ...] = ()  # specs listed on this record's page (product → batches)
    deletable: bool = False  # events and links entered by mistake may be removed
    # The condition a list search uses: typed text → SQL condition (None: no search box).
    search: Callable[[str], Any] | None = None
    # Extra checks of the whole record: values → {field: message}.
    check: Callable[[Session, Any, dict[str, Any]], dict[str, str]] | None = None
    # Prepares a new record before the fields are written (the parent is already set).
    prepare: Callable[[Session, Any, Any, int | None], None] | None = None
    title: Callable[[Any], str] = field(default=lambda r: f"#{r.id}")
    read_i18n: Callable[[Any, Field], dict[str, str]] | None = None
    write_i18n: Callable[[Any, Field, dict[str, str]], None] | None = None

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        return next(f for f in self.fields if f.name == name)

    def field_of(self, key: str) -> Field | None:
        """The field a flat key belongs to (``name.vi`` → ``name``), or None."""
        name, _sep, lang = key.partition(".")
        found = next((f for f in self.fields if f.name == name), None)
        if found is None or bool(lang) != found.i18n:
            return None
        return found

    def column_label(self, name: str) -> Any:
        """The header of list column ``name``: its field's label, or its column label."""
        for f in self.fields:
            if f.name == name:
                return f.label
        return self.column_labels.get(name, name)

    def choice_label(self, name: str, value: Any) -> Any:
        """The words shown for ``value`` of choice field ``name`` (the value itself if none)."""
        if name in self.column_enums:
            return labels.label(self.column_enums[name], value)
        for f in self.fields:
            if f.name == name and f.choices_from is not None:
                return dict(f.choices_from(None)).get(str(value), value)
            if f.name == name:
                return dict(f.choices).get(value, value)
        return value

    def new(self, session: Session, user: Any, parent_id: int | None) -> Any:
        """A new record, under ``parent_id`` for a child kind, prepared to be written."""
        record = self.model()
        if self.parent_attr:  # a child record belongs to the parent it is created under
            setattr(record, self.parent_attr, parent_id)
        if self.prepare:
            self.prepare(session, record, user, parent_id)
        return record

    def read(self, record: Any) -> dict[str, Any]:
        """The record as flat JSON values."""
        flat: dict[str, Any] = {}
        for f in self.fields:
            if f.i18n:
                texts = self.read_i18n(record, f) if self.read_i18n else getattr(record, f.name)
                for lang, text in sorted((texts or {}).items()):
                    if text:
                        flat[f"{f.name}.{lang}"] = text
            else:
                flat[f.name] = to_json(getattr(record, f.name))
        return flat

    def write(self, record: Any, flat: dict[str, Any], *, creating: bool) -> None:
        """Set the record's fields from flat JSON values (missing languages are cleared)."""
        for f in self.fields:
            if f.i18n:
                texts = {
                    key.split(".", 1)[1]: value
                    for key, value in flat.items()
                    if key.startswith(f.name + ".") and value
                }
                if self.write_i18n:
                    self.write_i18n(record, f, texts)
                else:
                    setattr(record, f.name, texts)
            elif f.name in flat and (creating or not f.create_only):
                setattr(record, f.name, from_json(f, flat[f.name]))

    def languages(self, record: Any | None, extra: str | None = None) -> list[str]:
        """The languages to show side by side: vi, en, those in use, and ``extra``."""
        used = set()
        if record is not None:
            used = {key.split(".", 1)[1] for key in self.read(record) if "." in key}
        if extra in site.content_languages():  # editors write in the site's languages
            used.add(extra)
        return [lang for lang in CONTENT_LANGUAGES if lang in {"vi", "en"} | used]


def to_json(value: Any) -> Any:
    """A column value as a JSON value (dates as ISO text)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value") and isinstance(value.value, str):
        return value.value  # a StrEnum
    return value


def from_json(f: Field, value: Any) -> Any:
    """A JSON value back into the Python value of the field's column."""
    if value is None or value == "":
        if f.nullable or f.kind in ("int", "float", "date", "datetime", "ref"):
            return None
        return False if f.kind == "bool" else ""
    if f.kind == "date":
        return date.fromisoformat(value)
    if f.kind == "datetime":
        return datetime.fromisoformat(value)
    if f.kind in ("int", "ref"):
        return int(value)
    if f.kind == "float":
        return float(value)
    if f.kind == "bool":
        return bool(value)
    return value


def same_value(f: Field, a: Any, b: Any) -> bool:
    """True when two flat values of ``f`` mean the same (``""`` and None are both empty;
    times compare as instants, whatever zone they were written in)."""
    return _comparable(f, a) == _comparable(f, b)


def _comparable(f: Field, value: Any) -> Any:
    if value is None or value == "":
        return False if f.kind == "bool" else None
    try:
        if f.kind == "datetime":
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        if f.kind == "float":
            return float(value)
        if f.kind in ("int", "ref"):
            return int(value)
        if f.kind == "bool":
            return bool(value)
    except (TypeError, ValueError):
        pass  # a value the field never held: compared as it is
    return value


def clean_text(value: str | None) -> str:
    """Text as stored: NFC (Vietnamese typed on different keyboards compares equal), trimmed,
    with Windows line ends made plain."""
    return unicodedata.normalize("NFC", (value or "").replace("\r\n", "\n")).strip()
