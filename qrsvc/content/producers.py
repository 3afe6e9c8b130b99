"""Producers: staff create them; a producer account edits its own profile."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from qrsvc import labels
from qrsvc.content.area_field import AREA_FIELD
from qrsvc.content.checks import check_ref, check_url, taken
from qrsvc.content.records import EntitySpec, Field
from qrsvc.content.registry import define
from qrsvc.content.scope import EVERYONE, STAFF
from qrsvc.content.search import contains
from qrsvc.models import Producer

GLN = re.compile(r"\d{13}")
KINDS = labels.choices("producer_kind")

FIELDS = (
    Field("ref", _l("Reference"), required=True, max_length=40, create_only=True),
    Field("name", _l("Name"), required=True, max_length=200),
    Field("kind", _l("Kind"), kind="choice", choices=KINDS),
    Field("description", _l("Description"), kind="markdown", i18n=True),
    Field("commune", _l("Commune (current name)"), max_length=120),
    Field("commune_old", _l("Commune (name before 2025)"), max_length=120),
    AREA_FIELD,
    Field("address", _l("Address"), max_length=255),
    Field("phone", _l("Phone"), max_length=40),
    Field("email", _l("Email"), max_length=254),
    Field("website", _l("Website"), max_length=255),
    Field("gln", _l("GLN (optional)"), max_length=13, nullable=True),
    Field("tax_code", _l("Tax code"), max_length=20),
    Field("latitude", _l("Latitude"), kind="float", minimum=-90, maximum=90),
    Field("longitude", _l("Longitude"), kind="float", minimum=-180, maximum=180),
)


def check_producer(session: Session, producer: Producer, values: dict[str, Any]) -> dict[str, str]:
    """References unique and well-formed; GLN 13 digits; website a web address."""
    errors: dict[str, str] = {}
    if producer.id is None:
        check_ref(errors, values)
        if "ref" not in errors and taken(session, Producer, "ref", values["ref"], None):
            errors["ref"] = _("Another producer already has this reference.")
    gln = values.get("gln") or None
    values["gln"] = gln
    if gln and not GLN.fullmatch(gln):
        errors["gln"] = _("A GLN has 13 digits.")
    elif gln and taken(session, Producer, "gln", gln, producer.id):
        errors["gln"] = _("Another producer already has this GLN.")
    check_url(errors, values, "website")
    return errors


producer_spec = define(
    EntitySpec(
        name="producer",
        model=Producer,
        label=_l("Producer"),
        label_plural=_l("Producers"),
        fields=FIELDS,
        roles=EVERYONE,
        create_roles=STAFF,
        list_columns=("ref", "name", "commune"),
        check=check_producer,
        title=lambda p: p.name,
        search=contains(Producer.ref, Producer.name, Producer.commune, Producer.tax_code),
        children=("product",),
    )
)
