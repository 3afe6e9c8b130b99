"""The checks of an archive's records before anything is stored: one function per kind.

Producers, products and batches are checked here, media files in
:mod:`~qrsvc.transfer.checks_media` and relics in :mod:`~qrsvc.transfer.checks_relics`,
all with the :class:`Seen` keys and the helpers of this module.

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

from qrsvc.content.checks import URL, identifier_message
from qrsvc.gs1 import DigitalLinkError
from qrsvc.gs1.check_digit import normalise_gtin
from qrsvc.identifiers import BATCH_REF_LENGTH, IdentifierError, lot_number, record_ref
from qrsvc.models import (
    Batch,
    BatchInput,
    Producer,
    Product,
    TraceEvent,
    TraceLink,
)
from qrsvc.resolver.linktypes import is_storable
from qrsvc.transfer.columns import load_columns
from qrsvc.transfer.snapshot import DERIVED, SKIPPED

#: Parts nested in a record, by kind: read by these checks, not columns. A derived
#: column (search text) an older archive may carry is read by none: it is computed again.
NESTED = {
    "producers": {"area"} | DERIVED,
    "media": {"producer"},
    "relics": {"translations", "festivals", "steles", "media", "old_slugs", "related", "area"}
    | DERIVED,
    "products": {"producer", "photos", "links"} | DERIVED,
    "batches": {"product", "inputs", "links", "events"},
}
MAX_PARTS = 10_000  # festivals, events ... of one record
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
    "area code": _l("area code"),
    "site": _l("site settings"),
    "verified account": _l("verified account of"),
    "shop address": _l("shop address"),
    "open marking": _l("open tampering mark of"),
}


@dataclass
class Seen:
    """The keys of the records checked so far, with the row that holds each."""

    keys: dict[tuple[str, Any], str] = field(default_factory=dict)
    media_kinds: dict[str, str] = field(default_factory=dict)
    relic_codes: set[str] = field(default_factory=set)
    batch_refs: set[str] = field(default_factory=set)
    listings: dict[Any, int] = field(default_factory=dict)

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


def check_identifier(errors: list[str], name: str, value: Any, check: Callable[[Any], str]) -> None:
    """A code, reference or lot as ``check`` writes it; another spelling is an error."""
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


def parts_of(errors: list[str], raw: dict, name: str) -> list[Any]:
    """The list of parts ``raw[name]`` (festivals, events...), at most :data:`MAX_PARTS`."""
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


def part_columns(
    errors: list[str], model, parts: list[Any], where: str, skip, extra=frozenset()
) -> list[dict[str, Any]]:
    """Each part's typed columns of ``model`` (and its ``extra`` keys as they are)."""
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
    values, problems = load_columns(
        Producer.__table__, raw, SKIPPED["producers"], NESTED["producers"]
    )
    errors.extend(problems)
    check_identifier(errors, "ref", values.get("ref"), record_ref)
    seen.claim(errors, "producer ref", values.get("ref"), row)
    seen.claim(errors, "GLN", values.get("gln"), row)
    return values | {"area": area_of(raw, errors, seen)}


def check_product(raw: dict, errors: list[str], seen: Seen, row: str) -> dict[str, Any]:
    """A product with its producer, photos and resolver links."""
    table = Product.__table__
    values, problems = load_columns(table, raw, SKIPPED["products"], NESTED["products"])
    errors.extend(problems)
    check_identifier(errors, "ref", values.get("ref"), record_ref)
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
        errors.append(no_producer(raw.get("producer")))
    photos = parts_of(errors, raw, "photos")
    for key in photos:
        if seen.media_kind(key) != "image":
            errors.append(
                "'photos': " + _("%(value)s is no photo of the archive.", value=repr(str(key)[:60]))
            )
    links = check_links(errors, parts_of(errors, raw, "links"))
    return values | {"producer": raw.get("producer"), "photos": photos, "links": links}


def check_links(errors: list[str], parts: list[Any]) -> list[dict[str, Any]]:
    """Resolver links: only link types the resolver serves, only http(s) addresses."""
    links = part_columns(errors, TraceLink, parts, "links", SKIPPED["links"])
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
    check_identifier(errors, "ref", values.get("ref"), lambda v: record_ref(v, BATCH_REF_LENGTH))
    check_identifier(errors, "lot", values.get("lot"), lot_number)
    seen.claim(errors, "batch ref", values.get("ref"), row)
    product = raw.get("product")
    if not seen.has("product ref", product):
        errors.append(
            "'product': " + _("no product %(value)s in the archive.", value=repr(str(product)[:40]))
        )
    elif values.get("lot"):
        seen.claim(errors, "lot of a product", (product, values["lot"]), row)
    seen.batch_refs.add(values.get("ref"))
    inputs = part_columns(
        errors, BatchInput, parts_of(errors, raw, "inputs"), "inputs", SKIPPED["inputs"],
        {"input_batch"},
    )  # fmt: skip
    events = part_columns(
        errors, TraceEvent, parts_of(errors, raw, "events"), "events", SKIPPED["events"],
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
    links = check_links(errors, parts_of(errors, raw, "links"))
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


def area_of(raw: dict, errors: list[str], seen: Seen) -> Any:
    """The area code a relic or producer names (None for none): an area of the archive."""
    code = raw.get("area")
    if code is not None and not seen.has("area code", code):
        shown = repr(str(code)[:40])
        errors.append("'area': " + _("no area %(value)s in the archive.", value=shown))
    return code


def no_producer(ref: Any) -> str:
    """The error of a record whose producer is not in the archive."""
    return "'producer': " + _("no producer %(value)s in the archive.", value=repr(str(ref)[:40]))
