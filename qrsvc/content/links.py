"""Links the GS1 resolver serves for a product (one default per link type and language)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.orm import Session

from qrsvc.content.checks import check_url
from qrsvc.content.products import product_spec  # declared first: the parent
from qrsvc.content.records import EntitySpec, Field
from qrsvc.content.registry import define
from qrsvc.content.scope import EVERYONE
from qrsvc.i18n import CONTENT_LANGUAGES, LANGUAGE_NAMES
from qrsvc.models import TraceLink
from qrsvc.resolver.linktypes import is_storable, link_type_choices

FIELDS = (
    # The resolver's own list: a link of a type it does not serve could never be reached.
    Field("link_type", _l("Kind of link"), kind="choice", choices=link_type_choices()),
    Field("href", _l("Web address"), required=True, max_length=1000),
    Field("title", _l("Title"), required=True, max_length=200),
    Field(
        "lang",
        _l("Language of the page"),
        kind="choice",
        choices=tuple((c, LANGUAGE_NAMES.get(c, c)) for c in CONTENT_LANGUAGES),
    ),
    Field("media_type", _l("Media type"), max_length=80),
    Field("is_default", _l("Default link of the product"), kind="bool"),
)


class LinkSpec(EntitySpec):
    """Saving a default link makes the product's other links non-default."""

    def write(self, record: TraceLink, flat: dict[str, Any], *, creating: bool) -> None:
        """Write the fields; only one default link per product."""
        super().write(record, flat, creating=creating)
        if record.is_default and record.product_id is not None:
            from qrsvc.extensions import db

            # The resolver answers a bare scan with the default: there must be one.
            db.session.execute(
                update(TraceLink)
                .where(TraceLink.product_id == record.product_id, TraceLink.batch_id.is_(None))
                .where(TraceLink.id != (record.id or 0))
                .values(is_default=False)
                .execution_options(synchronize_session=False)
            )


def check_link(session: Session, link: TraceLink, values: dict[str, Any]) -> dict[str, str]:
    """Only http(s) addresses, and only link types the resolver serves."""
    errors: dict[str, str] = {}
    if not is_storable(values.get("link_type")):
        errors["link_type"] = _("Choose one of the GS1 link types in the list.")
    check_url(errors, values, "href")
    values["media_type"] = values.get("media_type") or "text/html"
    return errors


link_spec = define(
    LinkSpec(
        name="link",
        model=TraceLink,
        label=_l("Link"),
        label_plural=_l("Links"),
        fields=FIELDS,
        roles=EVERYONE,
        list_columns=("link_type", "title", "lang", "is_default"),
        parent=product_spec.name,
        parent_attr="product_id",
        check=check_link,
        deletable=True,
        title=lambda link: f"{link.link_type} · {link.title}",
    )
)
