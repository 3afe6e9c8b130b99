"""Relics: fields, per-language content kept in RelicTranslation rows, publishing rules."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from qrsvc import labels
from qrsvc.content.alt_text import check_publishing
from qrsvc.content.area_field import AREA_FIELD
from qrsvc.content.checks import identifier_message, taken
from qrsvc.content.records import EntitySpec, Field
from qrsvc.content.registry import define
from qrsvc.content.scope import STAFF
from qrsvc.content.search import contains
from qrsvc.identifiers import IdentifierError, relic_code
from qrsvc.models import Relic, RelicSlug, RelicTranslation, utcnow

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: Both are needed before a relic may be published (PRODUCT.md §1).
PUBLISH_LANGUAGES = ("vi", "en")

RANKS = labels.choices("relic_rank")
STATUSES = labels.choices("record_status")

FIELDS = (
    Field(
        "code",
        _l("Code on the sign"),
        required=True,
        max_length=12,
        create_only=True,
        help=_l("Short, upper case, never changes once printed (e.g. LK01)."),
    ),
    Field(
        "slug",
        _l("Web address name"),
        required=True,
        max_length=120,
        help=_l("Lower case words joined by '-'; old names keep working."),
    ),
    Field("status", _l("Status"), kind="choice", choices=STATUSES),
    Field("name", _l("Name"), i18n=True, required=True, max_length=200),
    Field("other_names", _l("Other names"), i18n=True, max_length=300),
    Field("summary", _l("Summary"), kind="text", i18n=True, max_length=2000),
    Field("history", _l("History"), kind="markdown", i18n=True),
    Field("architecture", _l("Architecture"), kind="markdown", i18n=True),
    Field("worshipped", _l("Worshipped figures"), kind="text", i18n=True),
    Field("directions", _l("Directions"), kind="text", i18n=True),
    Field("hours_note", _l("Opening hours (note)"), i18n=True, max_length=300),
    Field("fees_note", _l("Fees (note)"), i18n=True, max_length=300),
    Field("audio_transcript", _l("Audio transcript"), kind="text", i18n=True),
    Field("rank", _l("Rank"), kind="choice", choices=RANKS),
    Field("rank_decision_no", _l("Ranking decision number"), max_length=60),
    Field("rank_decision_date", _l("Ranking decision date"), kind="date"),
    Field("commune", _l("Commune (current name)"), max_length=120),
    Field("commune_old", _l("Commune (name before 2025)"), max_length=120),
    Field("district_old", _l("District (before 2025)"), max_length=120),
    Field("province", _l("Province"), max_length=120),
    AREA_FIELD,
    Field("address", _l("Address"), max_length=255),
    Field("latitude", _l("Latitude"), kind="float", minimum=-90, maximum=90),
    Field("longitude", _l("Longitude"), kind="float", minimum=-180, maximum=180),
    Field("fee_vnd", _l("Entrance fee (VND)"), kind="int", minimum=0, maximum=100_000_000),
    Field("phone", _l("Phone"), max_length=40),
    Field("email", _l("Email"), max_length=254),
)
TRANSLATED = tuple(f.name for f in FIELDS if f.i18n)


def _read_i18n(relic: Relic, f: Field) -> dict[str, str]:
    return {t.lang: getattr(t, f.name) for t in relic.translations if getattr(t, f.name)}


def _write_i18n(relic: Relic, f: Field, texts: dict[str, str]) -> None:
    existing = {t.lang: t for t in relic.translations}
    for lang, text in texts.items():
        if lang not in existing:
            existing[lang] = RelicTranslation(lang=lang, name="")
            relic.translations.append(existing[lang])
        setattr(existing[lang], f.name, text)
    for lang, translation in existing.items():
        if lang not in texts:
            setattr(translation, f.name, "")


class RelicSpec(EntitySpec):
    """Relics keep their per-language content in rows, and their old slugs."""

    def write(self, record: Relic, flat: dict[str, Any], *, creating: bool) -> None:
        """Write fields; drop empty translations; remember the old slug; stamp publishing."""
        old_slug, old_status = record.slug, record.status
        super().write(record, flat, creating=creating)
        for translation in list(record.translations):
            if not any(getattr(translation, name) for name in TRANSLATED):
                record.translations.remove(translation)
        if not creating and old_slug and record.slug != old_slug:
            record.slug_history[:] = [s for s in record.slug_history if s.slug != record.slug]
            record.slug_history.append(RelicSlug(slug=old_slug))
        if record.status == "published" and old_status != "published":
            record.published_at = utcnow()


def check_relic(session: Session, relic: Relic, values: dict[str, Any]) -> dict[str, str]:
    """Codes and slugs well-formed and unique; vi and en present before publishing."""
    errors: dict[str, str] = {}
    if relic.id is None:
        try:
            values["code"] = relic_code(values.get("code") or "")
        except IdentifierError as exc:
            errors["code"] = identifier_message(exc)
        else:
            if taken(session, Relic, "code", values["code"], None):
                errors["code"] = _("Another relic already has this code.")
    slug = values.get("slug") or ""
    if not SLUG.fullmatch(slug):
        errors["slug"] = _("Use lower case letters and digits joined by '-', e.g. den-le-hoan.")
    elif taken(session, Relic, "slug", slug, relic.id) or session.scalar(
        select(RelicSlug.relic_id).where(RelicSlug.slug == slug, RelicSlug.relic_id != relic.id)
    ):
        errors["slug"] = _("Another relic uses (or used) this web address name.")
    if values.get("status") == "published":
        for lang in PUBLISH_LANGUAGES:
            if not values.get(f"name.{lang}"):
                errors[f"name.{lang}"] = _(
                    "A published relic needs its name in Vietnamese and in English."
                )
    check_publishing(session, relic, values, errors)
    return errors


relic_spec = define(
    RelicSpec(
        name="relic",
        model=Relic,
        label=_l("Relic"),
        label_plural=_l("Relics"),
        fields=FIELDS,
        roles=STAFF,
        list_columns=("code", "status", "commune"),
        check=check_relic,
        title=lambda r: (
            f"{r.code} · {next((t.name for t in r.translations if t.lang == 'vi'), '')}"
        ),
        read_i18n=_read_i18n,
        write_i18n=_write_i18n,
        children=("festival", "stele"),
        search=contains(
            Relic.code,
            Relic.slug,
            Relic.commune,
            Relic.commune_old,
            RelicTranslation.name,
            RelicTranslation.other_names,
            through=(Relic.translations,),
        ),
    )
)
