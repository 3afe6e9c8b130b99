"""The check of an archive's relics: codes, web address names, and their nested parts.

Codes and web address names follow the admin's rules (:mod:`qrsvc.content.relics`);
translations, festivals and steles are typed by their tables; pictures and related
relics must be records of the same archive.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from qrsvc.content.relics import SLUG
from qrsvc.identifiers import relic_code
from qrsvc.models import Festival, Relic, RelicTranslation, Stele
from qrsvc.transfer.checks import (
    NESTED,
    Seen,
    area_of,
    check_identifier,
    part_columns,
    parts_of,
)
from qrsvc.transfer.columns import LANGUAGE_TAG, load_columns
from qrsvc.transfer.opening_hours import opening_hours_text, parse_opening_hours
from qrsvc.transfer.snapshot import SKIPPED


def check_relic(raw: dict, errors: list[str], seen: Seen, row: str) -> dict[str, Any]:
    """A relic with its translations, festivals, steles, pictures, old slugs and related."""
    values, problems = load_columns(Relic.__table__, raw, SKIPPED["relics"], NESTED["relics"])
    errors.extend(problems)
    check_identifier(errors, "code", values.get("code"), relic_code)
    seen.claim(errors, "relic code", values.get("code"), row)
    slugs = [values.get("slug")] + [s for s in parts_of(errors, raw, "old_slugs")]
    for slug in slugs:
        if slug is not None and (not isinstance(slug, str) or not SLUG.fullmatch(slug)):
            errors.append(
                _(
                    "%(value)s is not a web address name (lower-case-words).",
                    value=repr(str(slug)[:60]),
                )
            )
        elif slug is not None:
            seen.claim(errors, "web address name", slug, row)
    hours = values.get("opening_hours")
    if hours is not None and _hours_round_trip(hours) != hours:
        errors.append(
            "'opening_hours': " + _("entries must be like {'days': ['Mo'], 'opens': ...}.")
        )
    translations = part_columns(
        errors, RelicTranslation, parts_of(errors, raw, "translations"), "translations",
        SKIPPED["translations"],
    )  # fmt: skip
    langs = [t.get("lang") for t in translations]
    for lang in langs:
        if not isinstance(lang, str) or not LANGUAGE_TAG.fullmatch(lang) or langs.count(lang) > 1:
            errors.append(
                "translations: "
                + _("%(value)s must be one language, once.", value=repr(str(lang)[:20]))
            )
            break
    pictures = []
    for index, picture in enumerate(parts_of(errors, raw, "media")):
        key = picture.get("media") if isinstance(picture, dict) else None
        position = picture.get("position") if isinstance(picture, dict) else None
        if seen.media_kind(key) is None or type(position) is not int:
            errors.append(
                f"media[{index}]: " + _("give a media key of the archive and its position.")
            )
        elif any(key == p["media"] for p in pictures):
            errors.append(
                f"media[{index}]: " + _("%(value)s is shown twice.", value=repr(key[:60]))
            )
        else:
            pictures.append({"media": key, "position": position})
    related = parts_of(errors, raw, "related")
    if len(set(map(str, related))) != len(related) or values.get("code") in related:
        errors.append("'related': " + _("each other relic once, and not the relic itself."))
    seen.relic_codes.add(values.get("code"))
    return values | {
        "area": area_of(raw, errors, seen),
        "translations": translations,
        "festivals": part_columns(
            errors, Festival, parts_of(errors, raw, "festivals"), "festivals", SKIPPED["festivals"]
        ),
        "steles": part_columns(
            errors, Stele, parts_of(errors, raw, "steles"), "steles", SKIPPED["steles"]
        ),
        "media": pictures,
        "old_slugs": slugs[1:],
        "related": related,
    }


def _hours_round_trip(hours: list[Any]) -> list[Any]:

    return parse_opening_hours(opening_hours_text(hours))


def check_related(record: dict, errors: list[str], seen: Seen) -> None:
    """Related relics exist in the archive (checked once every relic is known)."""
    for code in record.get("related", []):
        if not isinstance(code, str) or code not in seen.relic_codes:
            errors.append(
                "'related': " + _("no relic %(value)s in the archive.", value=repr(str(code)[:40]))
            )
