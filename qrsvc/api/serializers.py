"""Records as the JSON API shows them: plain dicts, public fields only."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import current_app, url_for

from qrsvc.models import Batch, BatchInput, Media, Product, Relic, TraceEvent, TraceLink
from qrsvc.trace.helpers import event_local
from qrsvc.trace.identifiers import batch_uri, product_uri


def _base() -> str:
    return current_app.config["PUBLIC_URL"]


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def relic_summary(relic: Relic) -> dict[str, Any]:
    """A relic in a list."""
    return {
        "code": relic.code,
        "rank": relic.rank,
        "names": {t.lang: t.name for t in relic.translations},
        "commune": relic.commune,
        "province": relic.province,
        "latitude": relic.latitude,
        "longitude": relic.longitude,
        "url": f"{_base()}/r/{relic.code}",
    }


def relic_detail(relic: Relic) -> dict[str, Any]:
    """A relic with its content in every language."""
    return relic_summary(relic) | {
        "rank_decision": {"number": relic.rank_decision_no, "date": _day(relic.rank_decision_date)},
        "commune_old": relic.commune_old,
        "district_old": relic.district_old,
        "address": relic.address,
        "opening_hours": relic.opening_hours or [],
        "fee_vnd": relic.fee_vnd,
        "phone": relic.phone,
        "email": relic.email,
        "languages": relic.languages,
        "content": {
            t.lang: {
                "name": t.name,
                "other_names": t.other_names,
                "summary": t.summary,
                "history": t.history,
                "architecture": t.architecture,
                "worshipped": t.worshipped,
                "directions": t.directions,
                "machine_drafted": t.machine_drafted,
            }
            for t in relic.translations
        },
        "festivals": [
            {
                "lunar_month": f.lunar_month,
                "lunar_day": f.lunar_day,
                "days": f.days,
                "name": f.name or {},
            }
            for f in relic.festivals
        ],
    }


def ocop(product: Product, today: date) -> dict[str, Any] | None:
    """The OCOP rating; ``valid`` is false once the 36-month certificate has expired."""
    if not product.ocop_stars:
        return None
    return {
        "stars": product.ocop_stars,
        "certificate_no": product.ocop_cert_no,
        "certificate_date": _day(product.ocop_cert_date),
        "certificate_expiry": _day(product.ocop_cert_expiry),
        "valid": product.ocop_valid_on(today),
    }


def product_summary(product: Product, today: date) -> dict[str, Any]:
    """A product in a list."""
    return {
        "ref": product.ref,
        "gtin": product.gtin,
        "names": product.name or {},
        "category": product.category,
        "ocop": ocop(product, today),
        "producer": {"ref": product.producer.ref, "name": product.producer.name},
        "url": product_uri(product, _base()),
    }


def media(item: Media) -> dict[str, Any]:
    """A photo with its responsive variants."""
    base = _base()
    return {
        "url": f"{base}/media/{item.storage_key}",
        "width": item.width,
        "height": item.height,
        "alt": item.alt or {},
        "variants": [
            {
                "url": f"{base}/media/{v.get('key', '')}",
                "width": v.get("width"),
                "format": v.get("format"),
            }
            for v in item.variants or []
            if isinstance(v, dict)
        ],
    }


def link(row: TraceLink) -> dict[str, Any]:
    """A staff-entered resolver link."""
    return {
        "link_type": row.link_type,
        "href": row.href,
        "title": row.title,
        "lang": row.lang,
        "type": row.media_type,
    }


def product_detail(product: Product, today: date, photos, links, batches) -> dict[str, Any]:
    """A product with its producer, photos, links and batches."""
    producer = product.producer
    return product_summary(product, today) | {
        "description": product.description or {},
        "ingredients": product.ingredients or {},
        "storage": product.storage or {},
        "shelf_life_days": product.shelf_life_days,
        "net_content": product.net_content,
        "producer": {
            "ref": producer.ref,
            "name": producer.name,
            "kind": producer.kind,
            "commune": producer.commune,
            "address": producer.address,
            "phone": producer.phone,
            "email": producer.email,
            "website": producer.website,
            "gln": producer.gln,
        },
        "photos": [media(p) for p in photos],
        "links": [link(row) for row in links],
        "batches": [batch_ref(b) for b in batches],
        "epcis": _base() + url_for("api.product_epcis", ref=product.ref),
    }


def batch_ref(batch: Batch) -> dict[str, Any]:
    """A batch named from elsewhere (a list, an input, an output)."""
    return {
        "ref": batch.ref,
        "lot": batch.lot,
        "product_ref": batch.product.ref,
        "production_date": _day(batch.production_date),
        "status": batch.status,
        "url": batch_uri(batch, _base()),
    }


def event(item: TraceEvent) -> dict[str, Any]:
    """A timeline entry, its time in the local offset where it happened."""
    return {
        "id": item.event_uri,
        "type": item.event_type,
        "action": item.action,
        "biz_step": item.biz_step,
        "disposition": item.disposition or None,
        "time": event_local(item).isoformat(),
        "place": item.place or {},
        "description": item.description or {},
        "quantity": item.quantity,
        "unit": item.unit,
        "recorded_by": item.recorded_by_name or None,
    }


def batch_input(item: BatchInput, visible) -> dict[str, Any]:
    """One input lot; one from an unpublished product shows only its lot."""
    inner = item.input_batch
    return {
        "batch": batch_ref(inner) if visible(inner) else None,
        "lot": inner.lot if inner is not None else None,
        "external_ref": item.external_ref,
        "quantity": item.quantity,
        "unit": item.unit,
    }


def batch_detail(batch: Batch, story, visible) -> dict[str, Any]:
    """A batch with its events, inputs (one step back) and outputs (one step forward)."""
    return batch_ref(batch) | {
        "product": {
            "ref": batch.product.ref,
            "gtin": batch.product.gtin,
            "names": batch.product.name or {},
        },
        "expiry_date": _day(batch.expiry_date),
        "quantity": batch.quantity,
        "unit": batch.unit,
        "origin_area": batch.origin_area or {},
        "recall": (
            {"reason": batch.recall_reason or {}, "recalled_at": _moment(batch.recalled_at)}
            if batch.recalled
            else None
        ),
        "events": [event(e) for e in story.events],
        "inputs": [batch_input(i, visible) for i in story.inputs],
        "outputs": [batch_ref(b) for b in story.outputs],
        "epcis": _base() + url_for("api.batch_epcis", ref=batch.ref),
    }
