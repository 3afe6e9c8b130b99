"""Building blocks of the demo batches: places, trace events, inputs.

Each place is a short key (``"tt/kitchen"``) for a producer's premises or a site
outside them; it gives the event its EPCIS read point and business location
(:func:`qrsvc.demo.producers.location_uri`), its place name in Vietnamese and English,
and who recorded it, so the batch table in :mod:`qrsvc.demo.batches` stays readable.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from qrsvc.demo.common import local_time
from qrsvc.demo.producers import location_uri

__all__ = ["PLACES", "batch", "event", "external", "from_batch"]

#: key -> (location: "PRODUCER-REF/sub-place" or "site:name", name in vi, name in en, recorder)
PLACES = {
    "xl/field": ("HTX-XUANLAP/field", "Cánh đồng Trung Lập", "Trung Lập fields", "XL"),
    "xl/yard": ("HTX-XUANLAP/yard", "Sân phơi HTX Xuân Lập", "Xuân Lập drying yard", "XL"),
    "xl/mill": ("HTX-XUANLAP/mill", "Máy xay xát HTX Xuân Lập", "Xuân Lập rice mill", "XL"),
    "xl/store": ("HTX-XUANLAP/store", "Kho HTX Xuân Lập", "Xuân Lập cooperative store", "XL"),
    "tt/kitchen": ("HTX-TUTRU/kitchen", "Xưởng bánh HTX Tứ Trụ", "Tứ Trụ workshop", "TT"),
    "tt/packing": ("HTX-TUTRU/packing", "Khu đóng gói HTX Tứ Trụ", "Tứ Trụ packing room", "TT"),
    "ls/still": ("CTY-LAMSONXANH/distillery", "Xưởng rượu Lam Sơn Xanh", "Lam Sơn Xanh distillery",
                 "LS"),
    "ls/cellar": ("CTY-LAMSONXANH/cellar", "Kho chum Lam Sơn Xanh", "Lam Sơn Xanh cellar", "LS"),
    "nh/kitchen": ("HKD-NEMBAHANH/kitchen", "Bếp nhà bà Hạnh", "Mrs Hạnh's kitchen", "NH"),
    "lt/apiary": ("HKD-ONGLETAM/apiary", "Trại ong Đồng Tâm", "Đồng Tâm apiary", "LT"),
    "lt/shed": ("HKD-ONGLETAM/workshop", "Lán chế biến nhà ông Tâm", "Mr Tâm's processing shed",
                "LT"),
    "shop": ("site:shop-lamkinh", "Cửa hàng đặc sản Lam Kinh", "Lam Kinh speciality shop", "SHOP"),
    "market": ("site:cho-tho-xuan", "Chợ Thọ Xuân", "Thọ Xuân market", "NH"),
    "lab": ("site:lab-thanhhoa", "Phòng kiểm nghiệm thực phẩm (mẫu)",
            "Food testing laboratory (sample)", "LAB"),
}  # fmt: skip

RECORDERS = {
    "XL": "Nguyễn Văn Bình (HTX Xuân Lập)",
    "TT": "Lê Thị Hoa (HTX Tứ Trụ)",
    "LS": "Trần Minh Đức (Lam Sơn Xanh)",
    "NH": "Phạm Thị Hạnh",
    "LT": "Lê Văn Tâm",
    "SHOP": "Cửa hàng Lam Kinh",
    "LAB": "Phòng kiểm nghiệm (mẫu)",
}

_TYPES = {
    "object": "ObjectEvent",
    "transform": "TransformationEvent",
    "aggregate": "AggregationEvent",
}


def event(
    kind: str,
    step: str,
    disposition: str,
    when: str,
    at: str,
    text: tuple[str, str],
    qty: float | None = None,
    unit: str = "",
    parent: str = "",
    evidence: bool = False,
) -> dict[str, Any]:
    """One trace event at place ``at`` (a key of :data:`PLACES`), local time ``when``.

    ``kind`` is ``object``, ``transform`` or ``aggregate``; ``text`` is (vi, en);
    ``evidence`` attaches the product's first photo as evidence.
    """
    where, place_vi, place_en, recorder = PLACES[at]
    uri = location_uri(where)
    return {
        "event_type": _TYPES[kind],
        # EPCIS has no action on transformations; the column needs one, ADD is harmless.
        "action": "ADD" if kind != "object" or step == "commissioning" else "OBSERVE",
        "biz_step": step,
        "disposition": disposition,
        "event_time": local_time(when),
        "read_point": uri,
        "biz_location": _business_location(uri),
        "place": {"vi": place_vi, "en": place_en},
        "description": {"vi": text[0], "en": text[1]},
        "quantity": qty,
        "unit": unit,
        "parent_id": parent,
        "recorded_by_name": RECORDERS[recorder],
        "evidence": evidence,
    }


def _business_location(read_point: str) -> str:
    """The premises a read point belongs to: the GLN or URN without its sub-place."""
    if "/254/" in read_point:
        return read_point.split("/254/", 1)[0]
    if read_point.startswith("urn:qrsvc:loc:") and read_point.count(":") > 3:
        return read_point.rsplit(":", 1)[0]
    return read_point


def batch(
    ref: str,
    made: date,
    expires: date | None,
    amount: tuple[float, str],
    origin: tuple[str, str],
    events: list[dict[str, Any]],
    inputs: tuple[dict[str, Any], ...] | list[dict[str, Any]] = (),
    **extra: Any,
) -> dict[str, Any]:
    """One batch; ``ref`` is the product's ref and the lot: ``BGTT-BG2611A``."""
    product, lot = ref.split("-", 1)
    return {
        "ref": ref,
        "product": product,
        "lot": lot,
        "production_date": made,
        "expiry_date": expires,
        "quantity": amount[0],
        "unit": amount[1],
        "origin_area": {"vi": origin[0], "en": origin[1]},
        "inputs": list(inputs),
        "events": events,
        **extra,
    }


def from_batch(ref: str, qty: float, unit: str = "KGM") -> dict[str, Any]:
    """An input that is another demo batch ("one step back")."""
    return {"batch": ref, "quantity": qty, "unit": unit}


def external(text: str, qty: float | None = None, unit: str = "KGM") -> dict[str, Any]:
    """An input known only by a supplier's lot written on a delivery note."""
    return {"external_ref": text, "quantity": qty, "unit": unit}
