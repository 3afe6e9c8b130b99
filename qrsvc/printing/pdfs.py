"""PDFs made while the person waits (in the admin): signs, labels, small stamp runs.

The records come from :mod:`qrsvc.printing.records` (shared with the CLI and the
background jobs), the PDF from the pure generator. Runs larger than
:data:`MAX_INLINE_STAMPS` go to a background job (:mod:`qrsvc.printing.jobs`).
"""

from __future__ import annotations

from datetime import date
from itertools import islice

from flask import current_app

from qrsvc.generator import get_format, render_pdf
from qrsvc.models import Batch, Relic, StampRun
from qrsvc.printing.records import (
    first_page_png,
    formats_of,
    label_data,
    sign_data,
    stamp_format,
    stamp_records,
)

__all__ = [
    "MAX_INLINE_STAMPS",
    "MAX_LABELS",
    "first_page_png",
    "inline_limit",
    "formats_of",
    "labels_pdf",
    "sign_pdf",
    "stamp_sheet_preview",
    "stamps_pdf",
]

#: A run this size renders in a few seconds (≈1,400 stamps/s); larger ones are jobs.
MAX_INLINE_STAMPS = 5_000
MAX_LABELS = 2_400


def inline_limit() -> int:
    """The largest run made while the person waits (``ADMIN_INLINE_STAMPS`` overrides)."""
    return int(current_app.config.get("ADMIN_INLINE_STAMPS", MAX_INLINE_STAMPS))


def sign_pdf(relic: Relic, format_name: str) -> bytes:
    """The PDF of a relic's sign."""
    return render_pdf(format_name, [sign_data(relic)])


def labels_pdf(batch: Batch, format_name: str, count: int, today: date) -> bytes:
    """``count`` identical labels of a batch."""
    return render_pdf(format_name, [label_data(batch, today)] * count)


def stamps_pdf(run: StampRun) -> bytes:
    """The stamp sheets of a run."""
    return render_pdf(stamp_format(run), stamp_records(run))


def stamp_sheet_preview(run: StampRun) -> bytes:
    """Page 1 of a run's stamp sheets as a PNG (only the stamps of page 1 are made)."""
    name = stamp_format(run)
    return first_page_png(render_pdf(name, islice(stamp_records(run), get_format(name).per_page)))
