"""Stamp pages: what a buyer sees after scanning a stamp."""

from __future__ import annotations

from flask import Blueprint, Response

bp = Blueprint("stamps", __name__)


def render_item_stamp(batch, serial: str) -> Response | None:
    """The stamp page for a Digital Link item URI (/01/../10/../21/<serial>), or None.

    The resolver calls this at the serial level; None means "not a stamp of this
    batch", and the resolver walks up to the batch.
    """
    return None
