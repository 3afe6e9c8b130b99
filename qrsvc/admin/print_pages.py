"""Printing from the admin: choose a format, see page 1, download the PDF.

The download is a second submit button of the same form as the preview, so the
PDF is made from what the form shows at that moment (format, number of labels),
never from the last preview's address; no preview is needed first. A value the
form cannot have (an unknown format, a count out of range) is refused, not
silently replaced by a default.
"""

from __future__ import annotations

from flask import Response, abort, render_template, request, url_for
from flask_babel import gettext as _

from qrsvc.admin.access import EVERYONE, STAFF, get_scoped, role_required
from qrsvc.content.products import product_name
from qrsvc.content.relics import relic_spec
from qrsvc.downloads import content_disposition
from qrsvc.localtime import local_today
from qrsvc.models import Batch, Relic
from qrsvc.printing.pdfs import (
    MAX_LABELS,
    first_page_png,
    formats_of,
    labels_pdf,
    sign_pdf,
)
from qrsvc.printing.records import payment_missing, sign_problems


def _payment_error(owner, name: str) -> str:
    """The refusal of a format whose payment slot needs a verified account ("" if fine)."""
    if not payment_missing(name, owner):
        return ""
    return _(
        "This format prints a payment code beside the page code, and there is no verified "
        "account; verify one first, or choose a format without a payment code."
    )


def _refuse_without_payment(owner, name: str) -> None:
    error = _payment_error(owner, name)
    if error:
        abort(409, description=error)


def _chosen_format(kind: str) -> tuple[dict[str, str], str]:
    formats = formats_of(kind)
    if not formats:
        abort(404)
    name = request.args.get("format") or next(iter(formats))
    if name not in formats:
        abort(404)
    return formats, name


DEFAULT_LABELS = 21


def _label_count() -> tuple[int, str]:
    """The number of labels asked for, and an error message ("" when it is fine)."""
    raw = request.args.get("count", "").strip()
    if not raw:
        return DEFAULT_LABELS, ""
    # ASCII digits only, and few of them: "²" is a digit to str.isdigit() but not to int().
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6) or not 1 <= int(raw) <= MAX_LABELS:
        return DEFAULT_LABELS, _(
            "The number of labels must be a whole number from 1 to %(max)d.", max=MAX_LABELS
        )
    return int(raw), ""


def _label_count_or_400() -> int:
    count, error = _label_count()
    if error:
        abort(400, description=error)
    return count


def _pdf(data: bytes, filename: str) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": content_disposition(filename)},
    )


def _png(data: bytes) -> Response:
    return Response(data, mimetype="image/png", headers={"Cache-Control": "no-store"})


@role_required(*STAFF)
def print_relic(record_id: int):
    """Choose the sign format of a relic, see page 1, download."""
    relic = get_scoped(Relic, record_id)
    formats, name = _chosen_format("sign")
    error = _payment_error(relic, name)
    return render_template(
        "admin/print.html",
        title=relic_spec.title(relic),
        back=url_for("admin.relic_edit", record_id=relic.id),
        formats=formats,
        chosen=name,
        count=None,
        error=error,
        preview=url_for("admin.print_relic_preview", record_id=relic.id, format=name),
        download=url_for("admin.print_relic_pdf", record_id=relic.id),
    ), (409 if error else 200)


@role_required(*STAFF)
def print_relic_pdf(record_id: int):
    """The sign as a print-ready PDF."""
    relic = get_scoped(Relic, record_id)
    _formats, name = _chosen_format("sign")
    _refuse_without_payment(relic, name)
    pdf = sign_pdf(relic, name)
    # A sign with a donation code is decoded before it is handed out: both codes read
    # back, the donation code pays the verified account (qrsvc.printing.records).
    problems = sign_problems(relic, name, pdf)
    if problems:
        abort(
            409,
            description=_(
                "The codes of this sign did not verify: %(problems)s", problems="; ".join(problems)
            ),
        )
    return _pdf(pdf, f"sign-{relic.code}-{name}.pdf")


@role_required(*STAFF)
def print_relic_preview(record_id: int):
    """Page 1 of the sign as a picture."""
    relic = get_scoped(Relic, record_id)
    _formats, name = _chosen_format("sign")
    _refuse_without_payment(relic, name)
    return _png(first_page_png(sign_pdf(relic, name)))


@role_required(*EVERYONE)
def print_batch(record_id: int):
    """Choose the label format and how many labels of a batch."""
    batch = get_scoped(Batch, record_id)
    formats, name = _chosen_format("label")
    count, error = _label_count()
    error = error or _payment_error(batch.product.producer, name)
    return render_template(
        "admin/print.html",
        title=f"{product_name(batch.product)} · {batch.ref}",
        back=url_for("admin.batch_edit", record_id=batch.id),
        formats=formats,
        chosen=name,
        count=count,
        max_count=MAX_LABELS,
        error=error,
        preview=url_for("admin.print_batch_preview", record_id=batch.id, format=name, count=count),
        download=url_for("admin.print_batch_pdf", record_id=batch.id),
    ), (400 if error else 200)


@role_required(*EVERYONE)
def print_batch_pdf(record_id: int):
    """The labels as a print-ready PDF."""
    batch = get_scoped(Batch, record_id)
    _formats, name = _chosen_format("label")
    _refuse_without_payment(batch.product.producer, name)
    today = local_today()
    return _pdf(labels_pdf(batch, name, _label_count_or_400(), today), f"labels-{batch.ref}.pdf")


@role_required(*EVERYONE)
def print_batch_preview(record_id: int):
    """Page 1 of the labels as a picture."""
    batch = get_scoped(Batch, record_id)
    _formats, name = _chosen_format("label")
    _refuse_without_payment(batch.product.producer, name)
    today = local_today()
    count = min(_label_count_or_400(), 60)  # page 1 never needs more
    return _png(first_page_png(labels_pdf(batch, name, count, today)))
