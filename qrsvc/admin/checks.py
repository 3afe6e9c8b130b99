"""Checks shared by the record specs: codes, GTINs, URLs, uniqueness."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from qrsvc.gs1 import DigitalLinkError, normalise_gtin
from qrsvc.gs1.charset import check_set82

REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
URL = re.compile(r"https?://[^\s<>\"']{1,990}")


def taken(session: Session, model: type, column: str, value: Any, record_id: int | None) -> bool:
    """True when another record of ``model`` already has ``value`` in ``column``."""
    stmt = select(model.id).where(getattr(model, column) == value)
    if record_id is not None:
        stmt = stmt.where(model.id != record_id)
    return session.scalar(stmt.limit(1)) is not None


def check_ref(errors: dict[str, str], values: dict[str, Any], key: str = "ref") -> None:
    """A short reference: letters, digits, dot, dash, underscore."""
    ref = values.get(key)
    if ref is not None and not REF.fullmatch(ref):
        errors[key] = _("Use 1 to 40 letters, digits, '-', '_' or '.', without spaces.")


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
        check_set82(_("Lot"), lot, 20)
    except DigitalLinkError as exc:
        errors["lot"] = str(exc)


def check_url(errors: dict[str, str], values: dict[str, Any], key: str) -> None:
    """An http(s) URL without spaces (no javascript: links on public pages)."""
    value = values.get(key)
    if value and not URL.fullmatch(value):
        errors[key] = _("Give a full web address starting with https:// or http://.")
