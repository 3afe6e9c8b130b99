"""Products of a producer, with their OCOP rating."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from qrsvc import labels
from qrsvc.content.alt_text import check_publishing
from qrsvc.content.checks import check_gtin, check_ref, taken
from qrsvc.content.producers import producer_spec  # declared first: the parent
from qrsvc.content.records import EntitySpec, Field
from qrsvc.content.registry import define
from qrsvc.content.scope import EVERYONE
from qrsvc.content.search import contains
from qrsvc.models import OCOP_VALID_MONTHS, Product

STATUSES = labels.choices("record_status")

FIELDS = (
    Field(
        "ref", _l("Reference (short web address)"), required=True, max_length=40, create_only=True
    ),
    Field("gtin", _l("GTIN (barcode number, optional)"), max_length=16, nullable=True),
    Field("status", _l("Status"), kind="choice", choices=STATUSES),
    Field("name", _l("Name"), i18n=True, required=True, max_length=200),
    Field("description", _l("Description"), kind="markdown", i18n=True),
    Field("ingredients", _l("Ingredients"), kind="text", i18n=True),
    Field("storage", _l("Storage"), kind="text", i18n=True),
    Field("category", _l("Category"), max_length=80),
    Field("net_content", _l("Net content"), max_length=60),
    Field("shelf_life_days", _l("Shelf life (days)"), kind="int", minimum=0, maximum=36500),
    Field(
        "ocop_stars",
        _l("OCOP stars (3 to 5)"),
        kind="int",
        minimum=3,
        maximum=5,
        help=_l("Shown only while the certificate is valid (its expiry date)."),
    ),
    Field("ocop_cert_no", _l("OCOP certificate number"), max_length=60),
    Field("ocop_cert_date", _l("OCOP certificate date"), kind="date"),
    Field(
        "ocop_cert_expiry",
        _l("OCOP certificate expiry"),
        kind="date",
        help=_l("Left empty: 36 months after the certificate date."),
    ),
)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months``, on the last day of the month when it is shorter."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


def product_name(product: Product) -> str:
    """The product's name in the admin's language (Vietnamese when it has none), else its ref."""
    return product.display_name(str(get_locale() or "vi")) or product.ref


def check_product(session: Session, product: Product, values: dict[str, Any]) -> dict[str, str]:
    """References and GTINs unique; a certificate expiry derived from its date."""
    errors: dict[str, str] = {}
    if product.id is None:
        check_ref(errors, values)
        if "ref" not in errors and taken(session, Product, "ref", values["ref"], None):
            errors["ref"] = _("Another product already has this reference.")
    check_gtin(errors, values)
    if values.get("gtin") and taken(session, Product, "gtin", values["gtin"], product.id):
        errors["gtin"] = _("Another product already has this GTIN.")
    cert_date = values.get("ocop_cert_date")
    if cert_date and not values.get("ocop_cert_expiry"):
        expiry = add_months(date.fromisoformat(cert_date), OCOP_VALID_MONTHS)
        values["ocop_cert_expiry"] = expiry.isoformat()
    check_publishing(session, product, values, errors)
    return errors


product_spec = define(
    EntitySpec(
        name="product",
        model=Product,
        label=_l("Product"),
        label_plural=_l("Products"),
        fields=FIELDS,
        roles=EVERYONE,
        list_columns=("ref", "gtin", "status"),
        parent=producer_spec.name,
        parent_attr="producer_id",
        check=check_product,
        title=product_name,
        search=contains(Product.ref, Product.gtin, Product.category, Product.name),
        children=("batch", "link"),
    )
)
