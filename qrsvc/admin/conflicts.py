"""The choice an editor makes when someone else changed the same field meanwhile.

The edit page then shows each such field side by side (their value, the saved
one) with a choice, and lists the fields in a hidden ``conflicts`` input. The
next save reads the choices here: :func:`submitted_choices` tells the save which
fields take the saved value and which are still undecided (nothing is saved
while one is).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flask_babel import gettext as _
from wtforms import HiddenField, RadioField, SelectChoice

from qrsvc.admin.forms import AdminForm
from qrsvc.content.forms import input_name
from qrsvc.content.records import EntitySpec
from qrsvc.i18n import CONTENT_LANGUAGES

MINE, SAVED = "mine", "saved"
#: More keys than any record has fields in every language: a forged list, not a form.
MAX_KEYS = 400


class ConflictListForm(AdminForm):
    """The hidden list of fields the editor was asked to choose for."""

    class Meta:
        csrf = False  # part of the record form, whose token is checked

    conflicts = HiddenField()


@dataclass(frozen=True)
class Choices:
    """What the editor chose after a conflict (empty when there was none)."""

    keys: tuple[str, ...] = ()
    keep_saved: frozenset[str] = frozenset()
    undecided: frozenset[str] = frozenset()
    error: str = ""


def choice_name(spec: EntitySpec, key: str) -> str:
    """The radio buttons' name for flat ``key``: ``choose__name__vi``."""
    name, _sep, lang = key.partition(".")
    return "choose__" + input_name(spec.field(name), lang or None)


@lru_cache(maxsize=256)
def _choice_form(spec: EntitySpec, keys: tuple[str, ...]) -> type[AdminForm]:
    class Meta:
        csrf = False

    attrs: dict[str, Any] = {"Meta": Meta}
    for key in keys:
        attrs[choice_name(spec, key)] = RadioField(
            choices=[SelectChoice(MINE, MINE), SelectChoice(SAVED, SAVED)], validate_choice=False
        )
    return type("ConflictChoiceForm", (AdminForm,), attrs)


def submitted_choices(spec: EntitySpec) -> Choices:
    """The choices sent with a save (from the request's form)."""
    raw = ConflictListForm().conflicts.data or ""
    if not raw.strip():
        return Choices()
    keys = tuple(dict.fromkeys(k.strip() for k in raw.split(",") if k.strip()))
    if len(keys) > MAX_KEYS or not all(_choosable(spec, key) for key in keys):
        return Choices(
            error=_("The list of fields to choose for was damaged: open the record again.")
        )
    form = _choice_form(spec, tuple(sorted(keys)))()
    picked = {key: form[choice_name(spec, key)].data for key in keys}
    if any(value not in (MINE, SAVED, None, "") for value in picked.values()):
        return Choices(error=_("Choose one of the two values for each field."))
    return Choices(
        keys=keys,
        keep_saved=frozenset(k for k, v in picked.items() if v == SAVED),
        undecided=frozenset(k for k, v in picked.items() if v not in (MINE, SAVED)),
    )


def _choosable(spec: EntitySpec, key: str) -> bool:
    f = spec.field_of(key)
    lang = key.partition(".")[2]
    return f is not None and not f.create_only and (not lang or lang in CONTENT_LANGUAGES)


@dataclass(frozen=True)
class ConflictItem:
    """One field both editors changed, as the edit page shows it."""

    key: str
    label: str
    lang: str | None
    mine: Any
    saved: Any
    choice: str  # the radio buttons' name
    target: str  # the id of the field's input in the form


def conflict_items(spec: EntitySpec, conflicts: dict[str, tuple[Any, Any]]) -> list[ConflictItem]:
    """The conflicting fields in the order of the form."""
    order = {f.name: i for i, f in enumerate(spec.fields)}
    items = []
    for key, (mine, saved) in conflicts.items():
        name, _sep, lang = key.partition(".")
        f = spec.field(name)
        items.append(
            ConflictItem(
                key=key,
                label=str(f.label),
                lang=lang or None,
                mine=mine,
                saved=saved,
                choice=choice_name(spec, key),
                target=input_name(f, lang or None),
            )
        )
    return sorted(items, key=lambda i: (order[i.key.partition(".")[0]], i.key))
