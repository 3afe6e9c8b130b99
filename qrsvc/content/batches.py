"""Batches (lots) of a product."""

from __future__ import annotations

from typing import Any

from flask_babel import LazyString, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from qrsvc import labels
from qrsvc.content.checks import check_lot, check_ref, taken
from qrsvc.content.products import product_name, product_spec  # declared first: the parent
from qrsvc.content.records import EntitySpec, Field
from qrsvc.content.registry import define
from qrsvc.content.scope import EVERYONE
from qrsvc.content.search import contains
from qrsvc.epcis.units import UNITS, Unit, unit_code
from qrsvc.identifiers import BATCH_REF_LENGTH, ref_from
from qrsvc.models import Batch, Product, utcnow

STATUSES = labels.choices("batch_status")


def _unit_choice(unit: Unit) -> str:
    locale = get_locale()
    return f"{unit.label(locale.language if locale else 'vi')} ({unit.code})"


def unit_choices() -> tuple[tuple[str, Any], ...]:
    """The units of :data:`qrsvc.epcis.units.UNITS` for a list: ``hộp (XBX)``, or none."""
    return (("", "—"),) + tuple((u.code, LazyString(_unit_choice, u)) for u in UNITS)


def check_unit(errors: dict[str, str], values: dict[str, Any]) -> None:
    """A unit from the list (a known spelling becomes its code); one for every amount.

    EPCIS states an amount in a UN/ECE Rec. 20 unit: an amount in any other unit
    could not be exported, so it is refused here rather than lost there.
    """
    unit = values.get("unit") or ""
    if unit:
        code = unit_code(unit)
        if code is None:
            errors["unit"] = _(
                "Choose the unit from the list; “%(unit)s” is not one of them.", unit=unit[:40]
            )
        else:
            values["unit"] = code
    elif values.get("quantity") is not None:
        errors["unit"] = _("Choose the unit of the quantity.")


FIELDS = (
    Field(
        "lot",
        _l("Lot number"),
        required=True,
        max_length=20,
        create_only=True,
        help=_l("Printed on labels; up to 20 letters, digits and - . / _"),
    ),
    Field(
        "ref",
        _l("Reference"),
        max_length=64,
        create_only=True,
        help=_l("Left empty: product reference and lot."),
    ),
    Field("production_date", _l("Production date"), kind="date"),
    Field("expiry_date", _l("Expiry date"), kind="date"),
    Field("quantity", _l("Quantity"), kind="float", minimum=0, maximum=1e12),
    Field("unit", _l("Unit"), kind="choice", choices=unit_choices()),
    Field("origin_area", _l("Origin area"), i18n=True, max_length=500),
    Field("notes", _l("Notes"), kind="text", i18n=True, max_length=5000),
    Field("status", _l("Status"), kind="choice", choices=STATUSES),
    Field("recall_reason", _l("Reason for the recall"), kind="text", i18n=True, max_length=2000),
)


def check_batch(session: Session, batch: Batch, values: dict[str, Any]) -> dict[str, str]:
    """Lots printable, unique per product; a recall needs its reason."""
    errors: dict[str, str] = {}
    check_unit(errors, values)
    if batch.id is None:
        check_lot(errors, values)
        product_ref = session.scalar(select(Product.ref).where(Product.id == batch.product_id))
        # A lot may hold "/" or '"' (GS1 allows them): the reference made of it may not.
        values["ref"] = values.get("ref") or ref_from(product_ref or "", values.get("lot") or "")
        check_ref(errors, values, max_length=BATCH_REF_LENGTH)
        if "ref" not in errors and taken(session, Batch, "ref", values["ref"], None):
            errors["ref"] = _("Another batch already has this reference.")
        same_lot = select(Batch.id).where(
            Batch.product_id == batch.product_id, Batch.lot == values.get("lot")
        )
        if "lot" not in errors and session.scalar(same_lot) is not None:
            errors["lot"] = _("This product already has a batch with this lot number.")
    produced, expires = values.get("production_date"), values.get("expiry_date")
    if produced and expires and expires < produced:
        errors["expiry_date"] = _("The expiry date is before the production date.")
    if values.get("status") == "recalled":
        if not values.get("recall_reason.vi"):
            errors["recall_reason.vi"] = _("Say why the batch is recalled; buyers will read it.")
        if batch.recalled_at is None:
            batch.recalled_at = utcnow()
    return errors


batch_spec = define(
    EntitySpec(
        name="batch",
        model=Batch,
        label=_l("Batch"),
        label_plural=_l("Batches"),
        fields=FIELDS,
        roles=EVERYONE,
        list_columns=("ref", "lot", "production_date", "status"),
        parent=product_spec.name,
        parent_attr="product_id",
        check=check_batch,
        title=lambda b: f"{product_name(b.product)} · {b.lot}",
        search=contains(Batch.ref, Batch.lot),
        children=("event",),
    )
)
