"""What an "all data" archive holds, read from the database: ``snapshot(session)``.

One list per kind, each record with every column of its own and its parts nested in it;
records name each other by their codes and references, never by database ids, so an
archive restores into any instance:

    areas       (code) with origins: see :mod:`qrsvc.transfer.snapshot_more`
    producers   (ref; area by code)
    media       (storage_key; its owner producer by ref; files master + variants)
    site        (logo by media key), then payment accounts, listings, sign tamperings
    relics      (code; area by code) with translations, festivals, steles, media, old_slugs, related
    products    (ref; producer) with photos (media keys, in order) and links
    batches     (ref; product) with inputs ("made from"), links and events (with evidence)

Lists are in the order the records were made (their ids), so a restored instance makes
them in the same order and every page sorts ties the same way. The stored search text
is not written: it is derived, and a restore computes it again. What an archive leaves
out, and why, is in ``docs/transfer.md``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qrsvc.models import (
    Batch,
    BatchInput,
    Festival,
    Media,
    Producer,
    Product,
    RelatedRelic,
    Relic,
    RelicMedia,
    RelicSlug,
    RelicTranslation,
    Stele,
    TraceEvent,
    TraceLink,
)
from qrsvc.models.events import trace_event_evidence
from qrsvc.transfer.columns import dump_columns
from qrsvc.transfer.snapshot_more import SKIPPED_MORE, area_codes, snapshot_more

#: In the order they are checked and restored: each names only kinds before it.
KINDS = (
    "areas", "producers", "media", "site", "relics", "products", "batches",
    "payment_accounts", "retail_listings", "sign_tamperings",
)  # fmt: skip
#: Derived columns: computed again on restore, never taken from a file.
DERIVED = frozenset({"search_text"})

#: Per kind, the columns written as a reference (or not at all: accounts of this instance).
SKIPPED = SKIPPED_MORE | {
    "producers": frozenset({"area_id"}) | DERIVED,
    "media": frozenset({"producer_id", "uploaded_by_id"}),
    "relics": frozenset({"area_id"}) | DERIVED,
    "translations": frozenset({"relic_id", "reviewed_by_id"}),
    "festivals": frozenset({"relic_id"}),
    "steles": frozenset({"relic_id"}),
    "products": frozenset({"producer_id", "photo_ids"}) | DERIVED,
    "links": frozenset({"product_id", "batch_id"}),
    "batches": frozenset({"product_id"}),
    "inputs": frozenset({"batch_id", "input_batch_id"}),
    "events": frozenset({"batch_id", "recorded_by_id"}),
}


def snapshot(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Every record an archive carries, as JSON values (see the module docstring)."""
    producers = dict(session.execute(select(Producer.id, Producer.ref)).all())
    media = dict(session.execute(select(Media.id, Media.storage_key)).all())
    areas = area_codes(session)
    return snapshot_more(session) | {
        "producers": [
            dump_columns(p, SKIPPED["producers"]) | {"area": areas.get(p.area_id)}
            for p in _all(session, Producer)
        ],
        "media": [
            dump_columns(m, SKIPPED["media"]) | {"producer": producers.get(m.producer_id)}
            for m in _all(session, Media)
        ],
        "relics": _relics(session, areas),
        "products": [
            dump_columns(p, SKIPPED["products"])
            | {
                "producer": producers[p.producer_id],
                "photos": [media[i] for i in p.photo_ids or [] if _is_id(i) and i in media],
                "links": [
                    dump_columns(link, SKIPPED["links"])
                    for link in _all(session, TraceLink, TraceLink.product_id == p.id)
                    if link.batch_id is None
                ],
            }
            for p in _all(session, Product)
        ],
        "batches": _batches(session, media),
    }


def media_files(records: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The storage keys of every file of the archive's media: masters and variants."""
    keys = []
    for row in records["media"]:
        keys.append(row["storage_key"])
        keys.extend(v["key"] for v in row.get("variants") or [] if isinstance(v, dict))
    return keys


def _all(session: Session, model, *where) -> list[Any]:
    return list(session.scalars(select(model).where(*where).order_by(model.id)))


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _relics(session: Session, areas: dict[int, str]) -> list[dict[str, Any]]:
    codes = dict(session.execute(select(Relic.id, Relic.code)).all())
    parts: dict[str, dict[int, list]] = {
        name: _grouped(session, model, model.relic_id, SKIPPED[name])
        for name, model in (
            ("translations", RelicTranslation),
            ("festivals", Festival),
            ("steles", Stele),
        )
    }
    pictures: dict[int, list] = defaultdict(list)
    rows = session.execute(
        select(RelicMedia.relic_id, Media.storage_key, RelicMedia.position)
        .join(Media, Media.id == RelicMedia.media_id)
        .order_by(RelicMedia.relic_id, RelicMedia.position, RelicMedia.media_id)
    )
    for relic_id, key, position in rows:
        pictures[relic_id].append({"media": key, "position": position})
    slugs: dict[int, list] = defaultdict(list)
    for relic_id, slug in session.execute(
        select(RelicSlug.relic_id, RelicSlug.slug).order_by(RelicSlug.slug)
    ):
        slugs[relic_id].append(slug)
    related: dict[int, list] = defaultdict(list)
    for relic_id, other in session.execute(
        select(RelatedRelic.relic_id, RelatedRelic.related_id).order_by(
            RelatedRelic.relic_id, RelatedRelic.related_id
        )
    ):
        related[relic_id].append(codes[other])
    return [
        dump_columns(relic, SKIPPED["relics"])
        | {"area": areas.get(relic.area_id)}
        | {name: parts[name].get(relic.id, []) for name in parts}
        | {
            "media": pictures.get(relic.id, []),
            "old_slugs": slugs.get(relic.id, []),
            "related": related.get(relic.id, []),
        }
        for relic in _all(session, Relic)
    ]


def _grouped(session: Session, model, parent, skip) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list] = defaultdict(list)
    for record in session.scalars(select(model).order_by(model.id)):
        out[getattr(record, parent.key)].append(dump_columns(record, skip))
    return out


def _batches(session: Session, media: dict[int, str]) -> list[dict[str, Any]]:
    products = dict(session.execute(select(Product.id, Product.ref)).all())
    refs = dict(session.execute(select(Batch.id, Batch.ref)).all())
    links = _grouped(session, TraceLink, TraceLink.batch_id, SKIPPED["links"])
    events = _grouped(session, TraceEvent, TraceEvent.batch_id, SKIPPED["events"])
    inputs: dict[int, list] = defaultdict(list)
    for record in _all(session, BatchInput):
        inputs[record.batch_id].append(
            dump_columns(record, SKIPPED["inputs"])
            | {"input_batch": refs.get(record.input_batch_id)}
        )
    evidence: dict[str, list] = defaultdict(list)
    for uri, media_id in session.execute(
        select(TraceEvent.event_uri, trace_event_evidence.c.media_id)
        .join(trace_event_evidence, trace_event_evidence.c.event_id == TraceEvent.id)
        .order_by(trace_event_evidence.c.event_id, trace_event_evidence.c.media_id)
    ):
        evidence[uri].append(media[media_id])
    return [
        dump_columns(batch, SKIPPED["batches"])
        | {
            "product": products[batch.product_id],
            "inputs": inputs.get(batch.id, []),
            "links": links.get(batch.id, []),
            "events": [
                event | {"evidence": evidence.get(event["event_uri"], [])}
                for event in events.get(batch.id, [])
            ],
        }
        for batch in _all(session, Batch)
    ]
