"""Checks shared by the record specs: codes, GTINs, URLs, uniqueness."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from qrsvc.gs1 import DigitalLinkError, normalise_gtin
from qrsvc.identifiers import REF_LENGTH, IdentifierError, lot_number, record_ref

URL = re.compile(r"https?://[^\s<>\"']{1,990}")


def taken(session: Session, model: type, column: str, value: Any, record_id: int | None) -> bool:
    """True when another record of ``model`` already has ``value`` in ``column``."""
    stmt = select(model.id).where(getattr(model, column) == value)
    if record_id is not None:
        stmt = stmt.where(model.id != record_id)
    return session.scalar(stmt.limit(1)) is not None


def check_ref(
    errors: dict[str, str], values: dict[str, Any], key: str = "ref", max_length: int = REF_LENGTH
) -> None:
    """A reference as :func:`qrsvc.identifiers.record_ref` allows it."""
    ref = values.get(key)
    if ref is not None:
        try:
            record_ref(ref, max_length)
        except IdentifierError as exc:
            errors[key] = identifier_message(exc)


def identifier_message(error: IdentifierError) -> str:
    """Why a code, reference or lot was refused, in the reader's language."""
    # A text value names a character ("a space", '"ệ"'): translated if it has words.
    params = {k: _(v) if isinstance(v, str) else v for k, v in error.params.items()}
    return _(error.template, **params)


def check_gtin(errors: dict[str, str], values: dict[str, Any]) -> None:
    """A GTIN-8/12/13/14 with a right check digit, stored as 14 digits (or none)."""
    raw = (values.get("gtin") or "").replace(" ", "")
    if not raw:
        values["gtin"] = None
        return
    try:
        values["gtin"] = normalise_gtin(raw)
    except DigitalLinkError as exc:
        errors["gtin"] = str(exc)


def check_lot(errors: dict[str, str], values: dict[str, Any]) -> None:
    """A lot number printable in a GS1 Digital Link: set 82, up to 20 characters."""
    lot = values.get("lot")
    if lot is None:
        return
    try:
        lot_number(lot)
    except IdentifierError as exc:
        errors["lot"] = identifier_message(exc)


def check_url(errors: dict[str, str], values: dict[str, Any], key: str) -> None:
    """An http(s) URL without spaces (no javascript: links on public pages)."""
    value = values.get(key)
    if value and not URL.fullmatch(value):
        errors[key] = _("Give a full web address starting with https:// or http://.")
