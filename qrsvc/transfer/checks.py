"""The checks of an archive's records before anything is stored: one function per kind.

Each takes a record as read from ``data.json`` and the :class:`Seen` keys of the records
before it, and returns the typed values to insert (its parts nested) while adding what
is wrong to the row's errors. Types and lengths come from the tables
(:mod:`qrsvc.transfer.columns`); codes, references, lots, GTINs, slugs, links and media
files are checked by the same functions the admin and the upload use, so an archive
cannot bring in what could not have been typed or uploaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from qrsvc.gs1 import DigitalLinkError
from qrsvc.gs1.check_digit import normalise_gtin
from qrsvc.identifiers import BATCH_REF_LENGTH, IdentifierError, lot_number, record_ref, relic_code
from qrsvc.media import MediaError
from qrsvc.media.images import check_image
from qrsvc.media.storage import check_key
from qrsvc.models import (
    Batch,
    BatchInput,
    Festival,
    Media,
    Producer,
    Product,
    Relic,
    RelicTranslation,
    Stele,
    TraceEvent,
    TraceLink,
)
from qrsvc.transfer.columns import LANGUAGE_TAG, load_columns
from qrsvc.transfer.formats import opening_hours_text
from qrsvc.transfer.snapshot import SKIPPED

#: Parts nested in a record, by kind: read by these checks, not columns.
NESTED = {
    "producers": set(),
    "media": {"producer"},
    "relics": {"translations", "festivals", "steles", "media", "old_slugs", "related"},
    "products": {"producer", "photos", "links"},
    "batches": {"product", "inputs", "links", "events"},
}
MAX_PARTS = 10_000  # festivals, events ... of one record
IMAGE_FORMATS = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
#: What a key of :class:`Seen` is, as a message names it.
CLAIMS = {
    "producer ref": _l("producer ref"),
    "GLN": _l("GLN"),
    "media file": _l("media file"),
    "relic code": _l("relic code"),
    "web address name": _l("web address name"),
    "product ref": _l("product ref"),
    "GTIN": _l("GTIN"),
    "batch ref": _l("batch ref"),
    "lot of a product": _l("lot of a product"),
    "event": _l("event"),
}


@dataclass
class Seen:
    """The keys of the records checked so far, with the row that holds each."""

    keys: dict[tuple[str, Any], str] = field(default_factory=dict)
    media_kinds: dict[str, str] = field(default_factory=dict)
    relic_codes: set[str] = field(default_factory=set)
    batch_refs: set[str] = field(default_factory=set)

    def claim(self, errors: list[str], what: str, value: Any, row: str) -> None:
        """Note that ``row`` holds ``value`` as its ``what``; a second holder is an error."""
        if value is None or value == "":
            return
        first = self.keys.setdefault((what, value), row)
        if first != row:
            errors.append(
                _(
                    "%(what)s %(value)s is already that of %(row)s.",
                    what=CLAIMS.get(what, what),
                    value=repr(str(value)[:60]),
                    row=first,
                )
            )

    def has(self, what: str, value: Any) -> bool:
        """True when a record before this one has ``value`` as its ``what``."""
        return isinstance(value, str) and (what, value) in self.keys

    def media_kind(self, key: Any) -> str | None:
        """``image`` or ``audio`` for a media key checked so far, else None."""
        return self.media_kinds.get(key) if isinstance(key, str) else None


def _identifier(errors: list[str], name: str, value: Any, check: Callable[[Any], str]) -> None:
    from qrsvc.admin.checks import identifier_message

    if value is None:
        return
    try:
        canonical = check(value)
    except IdentifierError as exc:
        errors.append(f"'{name}': {identifier_message(exc)}")
        return
    if canonical != value:
        should = _(
            "%(value)s should be written %(canonical)s.",
            value=repr(str(value)[:40]),
            canonical=repr(canonical),
        )
        errors.append(f"'{name}': {should}")


def _parts(errors: list[str], raw: dict, name: str) -> list[Any]:
    value = raw.get(name, [])
    if not isinstance(value, list):
        errors.append(_("'%(name)s' must be a list.", name=name))
        return []
    if len(value) > MAX_PARTS:
        errors.append(
            _(
                "'%(name)s' has %(count)d entries; at most %(limit)d.",
                name=name,
                count=len(value),
                limit=MAX_PARTS,
            )
        )
        return []
    return value


def _part_columns(
    errors: list[str], model, parts: list[Any], where: str, skip, extra=frozenset()
) -> list[dict[str, Any]]:
    out = []
    for index, part in enumerate(parts):
        label = f"{where}[{index}]"
        if not isinstance(part, dict):
            errors.append(f"{label}: {_('an entry must be an object of fields.')}")
            continue
        values, problems = load_columns(model.__table__, part, skip, set(extra))
        errors.extend(f"{label}: {p}" for p in problems)
        out.append(values | {name: part.get(name) for name in extra})
    return out


def check_producer(raw: dict, errors: list[str], seen: Seen, row: str) -> dict[str, Any]:
    """A producer: its columns, a well-formed unique ref and GLN."""
    values, problems = load_columns(Producer.__table__, raw, SKIPPED["producers"], set())
    errors.extend(problems)
    _identifier(errors, "ref", values.get("ref"), record_ref)
    seen.claim(errors, "producer ref", values.get("ref"), row)
    seen.claim(errors, "GLN", values.get("gln"), row)
    return values


def check_media(
    raw: dict, errors: list[str], seen: Seen, row: str, read: Callable[[str], bytes], files
) -> dict[str, Any]:
    """A media record: its columns, its owner, and each of its files a real image or sound."""
    from qrsvc.admin.uploads import MAX_AUDIO_BYTES, audio_type, strict_image_decoding

    values, problems = load_columns(Media.__table__, raw, SKIPPED["media"], NESTED["media"])
    errors.extend(problems)
    owner = values["producer"] = raw.get("producer")
    if owner is not None and not seen.has("producer ref", owner):
        errors.append(_no_producer(owner))
    key = values.get("storage_key")
    if problems or not isinstance(key, str):
        return values
    variants = _variants(errors, values.get("variants"))
    for file_key in [key, *(v["key"] for v in variants)]:
        try:
            check_key(file_key)
        except ValueError:
            errors.append(
                _(
                    "%(name)s is not a media file name of this service.",
                    name=repr(file_key[:80]),
                )
            )
            return values
        seen.claim(errors, "media file", file_key, row)
        if file_key not in files:
            errors.append(_("The archive has no file %(name)s.", name=f"media/{file_key[:80]}"))
    if errors:
        return values
    seen.media_kinds[key] = values["kind"]
    with strict_image_decoding():
        if values["kind"] == "audio":
            found = audio_type(read(key))
            if found is None or found[0] != values["mime_type"]:
                errors.append(
                    _(
                        "%(name)s is not %(type)s audio.",
                        name=f"media/{key[:80]}",
                        type=values["mime_type"],
                    )
                )
            elif values.get("size_bytes", 0) > MAX_AUDIO_BYTES:
                errors.append(
                    _("%(name)s is larger than an upload may be.", name=f"media/{key[:80]}")
                )
            return values
        _check_picture(errors, key, read(key), values["mime_type"], values)
        for variant in variants:
            _check_picture(
                errors, variant["key"], read(variant["key"]), IMAGE_FORMATS[variant["format"]],
                variant,
            )  # fmt: skip
    return values


def _variants(errors: list[str], value: Any) -> list[dict[str, Any]]:
    good = []
    for index, variant in enumerate(value or []):
        if (
            isinstance(variant, dict)
            and set(variant) == {"width", "height", "format", "key"}
            and all(type(variant[k]) is int and variant[k] > 0 for k in ("width", "height"))
            and variant["format"] in IMAGE_FORMATS
            and isinstance(variant["key"], str)
        ):
            good.append(variant)
        else:
            errors.append(
                f"'variants'[{index}]: "
                + _("give width, height, format (jpeg, png, webp) and key.")
            )
    return good


def _check_picture(errors: list[str], key: str, data: bytes, mime: str, expected: dict) -> None:
    try:
        fmt, width, height = check_image(data)
    except MediaError as exc:
        errors.append(f"media/{key[:80]}: {_(exc.template, **exc.params)}")
        return
    name = f"media/{key[:80]}"
    if IMAGE_FORMATS.get(fmt) != mime:
        errors.append(
            _(
                "%(name)s is a %(format)s image, not %(type)s.",
                name=name,
                format=fmt.upper(),
                type=mime,
            )
        )
    elif expected.get("width") not in (None, width) or expected.get("height") not in (None, height):
        errors.append(
            _(
                "%(name)s is %(width)d×%(height)d px, not as its record says.",
                name=name,
                width=width,
                height=height,
            )
        )


def check_relic(raw: dict, errors: list[str], seen: Seen, row: str) -> dict[str, Any]:
    """A relic with its translations, festivals, steles, pictures, old slugs and related."""
    from qrsvc.admin.relics import SLUG

    values, problems = load_columns(Relic.__table__, raw, SKIPPED["relics"], NESTED["relics"])
    errors.extend(problems)
    _identifier(errors, "code", values.get("code"), relic_code)
    seen.claim(errors, "relic code", values.get("code"), row)
    slugs = [values.get("slug")] + [s for s in _parts(errors, raw, "old_slugs")]
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
    translations = _part_columns(
        errors, RelicTranslation, _parts(errors, raw, "translations"), "translations",
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
    for index, picture in enumerate(_parts(errors, raw, "media")):
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
    related = _parts(errors, raw, "related")
    if len(set(map(str, related))) != len(related) or values.get("code") in related:
        errors.append("'related': " + _("each other relic once, and not the relic itself."))
    seen.relic_codes.add(values.get("code"))
    return values | {
        "translations": translations,
        "festivals": _part_columns(
            errors, Festival, _parts(errors, raw, "festivals"), "festivals", SKIPPED["festivals"]
        ),
        "steles": _part_columns(
            errors, Stele, _parts(errors, raw, "steles"), "steles", SKIPPED["steles"]
        ),
        "media": pictures,
        "old_slugs": slugs[1:],
        "related": related,
    }


def _hours_round_trip(hours: list[Any]) -> list[Any]:
    from qrsvc.transfer.formats import parse_opening_hours

    return parse_opening_hours(opening_hours_text(hours))


def check_related(record: dict, errors: list[str], seen: Seen) -> None:
    """Related relics exist in the archive (checked once every relic is known)."""
    for code in record.get("related", []):
        if not isinstance(code, str) or code not in seen.relic_codes:
            errors.append(
                "'related': " + _("no relic %(value)s in the archive.", value=repr(str(code)[:40]))
            )


def check_product(raw: dict, errors: list[str], seen: Seen, row: str) -> dict[str, Any]:
    """A product with its producer, photos and resolver links."""
    table = Product.__table__
    values, problems = load_columns(table, raw, SKIPPED["products"], NESTED["products"])
    errors.extend(problems)
    _identifier(errors, "ref", values.get("ref"), record_ref)
    seen.claim(errors, "product ref", values.get("ref"), row)
    gtin = values.get("gtin")
    if gtin is not None:
        try:
            if normalise_gtin(gtin) != gtin:
                errors.append("'gtin': " + _("write %(value)s with 14 digits.", value=repr(gtin)))
        except DigitalLinkError as exc:
            errors.append(f"'gtin': {exc}.")
        seen.claim(errors, "GTIN", gtin, row)
    if not seen.has("producer ref", raw.get("producer")):
        errors.append(_no_producer(raw.get("producer")))
    photos = _parts(errors, raw, "photos")
    for key in photos:
        if seen.media_kind(key) != "image":
            errors.append(
                "'photos': " + _("%(value)s is no photo of the archive.", value=repr(str(key)[:60]))
            )
    links = check_links(errors, _parts(errors, raw, "links"))
    return values | {"producer": raw.get("producer"), "photos": photos, "links": links}


def check_links(errors: list[str], parts: list[Any]) -> list[dict[str, Any]]:
    """Resolver links: only link types the resolver serves, only http(s) addresses."""
    from qrsvc.admin.checks import URL
    from qrsvc.resolver.linktypes import is_storable

    links = _part_columns(errors, TraceLink, parts, "links", SKIPPED["links"])
    for index, link in enumerate(links):
        if "link_type" in link and not is_storable(link["link_type"]):
            shown = repr(str(link["link_type"])[:40])
            errors.append(f"links[{index}]: " + _("%(value)s is no GS1 link type.", value=shown))
        if "href" in link and not URL.fullmatch(link["href"] or ""):
            errors.append(
                f"links[{index}]: " + _("the address must start with https:// or http://.")
            )
    return links


def check_batch(raw: dict, errors: list[str], seen: Seen, row: str) -> dict[str, Any]:
    """A batch with its input lots, links and trace events (with their evidence)."""
    values, problems = load_columns(Batch.__table__, raw, SKIPPED["batches"], NESTED["batches"])
    errors.extend(problems)
    _identifier(errors, "ref", values.get("ref"), lambda v: record_ref(v, BATCH_REF_LENGTH))
    _identifier(errors, "lot", values.get("lot"), lot_number)
    seen.claim(errors, "batch ref", values.get("ref"), row)
    product = raw.get("product")
    if not seen.has("product ref", product):
        errors.append(
            "'product': " + _("no product %(value)s in the archive.", value=repr(str(product)[:40]))
        )
    elif values.get("lot"):
        seen.claim(errors, "lot of a product", (product, values["lot"]), row)
    seen.batch_refs.add(values.get("ref"))
    inputs = _part_columns(
        errors, BatchInput, _parts(errors, raw, "inputs"), "inputs", SKIPPED["inputs"],
        {"input_batch"},
    )  # fmt: skip
    events = _part_columns(
        errors, TraceEvent, _parts(errors, raw, "events"), "events", SKIPPED["events"],
        {"evidence"},
    )  # fmt: skip
    for index, event in enumerate(events):
        seen.claim(errors, "event", event.get("event_uri"), row)
        evidence = event["evidence"] if event["evidence"] is not None else []
        if not isinstance(evidence, list) or any(seen.media_kind(k) is None for k in evidence):
            errors.append(
                f"events[{index}]: " + _("'evidence' must list media keys of the archive.")
            )
        elif len(set(evidence)) != len(evidence):
            errors.append(f"events[{index}]: " + _("'evidence' names a file twice."))
        event["evidence"] = evidence
    links = check_links(errors, _parts(errors, raw, "links"))
    return values | {"product": product, "inputs": inputs, "links": links, "events": events}


def check_inputs(record: dict, errors: list[str], seen: Seen) -> None:
    """Input lots name batches of the archive (checked once every batch is known)."""
    for index, made_from in enumerate(record.get("inputs", [])):
        ref = made_from.get("input_batch")
        if ref is None:
            if not made_from.get("external_ref"):
                errors.append(f"inputs[{index}]: " + _("name a batch or an outside lot."))
        elif not isinstance(ref, str) or ref not in seen.batch_refs or ref == record.get("ref"):
            errors.append(
                f"inputs[{index}]: "
                + _("no other batch %(value)s in the archive.", value=repr(str(ref)[:40]))
            )


def _no_producer(ref: Any) -> str:
    return "'producer': " + _("no producer %(value)s in the archive.", value=repr(str(ref)[:40]))
