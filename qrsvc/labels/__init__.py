"""Words for the coded values people see: statuses, roles, kinds, ranks, steps, reasons.

    label("role", "editor")                  # "Biên tập viên" (vi) or "Editor" (en)
    choices("relic_rank")                    # [("special_national", lazy label), ...]
    {{ label_of("stamp_state", run.status) }}   # the same in a template

The database stores codes (``published``, ``far_apart``, ``shipping``); a page shows
their label in the interface language, never the code. Every enumeration is listed
once here, with its own catalog (``qrsvc/labels/translations``). Each label carries its
enumeration as message context, so "Active" of a batch and "Active" of a CBV disposition
can be worded apart. ``tests/test_labels.py`` checks that every value the models and the
core allow has a label in vi and en.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask
from flask_babel import lazy_pgettext
from wtforms import SelectChoice

from qrsvc.labels import cbv

ENUMERATIONS: Mapping[str, Mapping[str, Any]] = {
    "relic_rank": {
        "special_national": lazy_pgettext("relic_rank", "Special national relic"),
        "national": lazy_pgettext("relic_rank", "National relic"),
        "provincial": lazy_pgettext("relic_rank", "Provincial relic"),
        "unranked": lazy_pgettext("relic_rank", "Not ranked"),
    },
    # Relics and products: a draft is never shown to the public.
    "record_status": {
        "draft": lazy_pgettext("record_status", "Draft (not shown)"),
        "published": lazy_pgettext("record_status", "Published"),
    },
    "batch_status": {
        "active": lazy_pgettext("batch_status", "Active"),
        "recalled": lazy_pgettext("batch_status", "Recalled"),
    },
    "role": {
        "admin": lazy_pgettext("role", "Administrator"),
        "editor": lazy_pgettext("role", "Editor"),
        "producer": lazy_pgettext("role", "Producer"),
    },
    "producer_kind": {
        "household": lazy_pgettext("producer_kind", "Household"),
        "cooperative": lazy_pgettext("producer_kind", "Cooperative"),
        "company": lazy_pgettext("producer_kind", "Company"),
    },
    # A visitor's "problem with this sign" report.
    "report_kind": {
        "damaged": lazy_pgettext("report_kind", "The sign is damaged or missing"),
        "covered": lazy_pgettext("report_kind", "Something covers the QR code"),
        "wrong_info": lazy_pgettext("report_kind", "The information is wrong"),
        "other": lazy_pgettext("report_kind", "Something else"),
    },
    "report_status": {
        "new": lazy_pgettext("report_status", "New"),
        "handled": lazy_pgettext("report_status", "Handled"),
    },
    # An official payment account (qrsvc.payments): only a verified one is shown.
    # A commune-level unit since the 2025 reform (qrsvc.models.areas).
    "area_kind": {
        "commune": lazy_pgettext("area_kind", "Commune"),
        "ward": lazy_pgettext("area_kind", "Ward"),
        "special_zone": lazy_pgettext("area_kind", "Special zone"),
    },
    "payment_account_state": {
        "proposed": lazy_pgettext("payment_account_state", "Waiting for verification"),
        "verified": lazy_pgettext("payment_account_state", "Verified"),
        "rejected": lazy_pgettext("payment_account_state", "Rejected"),
        "replaced": lazy_pgettext("payment_account_state", "Replaced by a newer account"),
    },
    # A product's OCOP group (qrsvc.models.products: free text, these codes labelled).
    "product_category": {
        "food": lazy_pgettext("product_category", "Food"),
        "beverage": lazy_pgettext("product_category", "Beverages"),
        "herbal": lazy_pgettext("product_category", "Herbal products"),
        "textile": lazy_pgettext("product_category", "Textiles and garments"),
        "handicraft": lazy_pgettext("product_category", "Handicrafts and souvenirs"),
        "tourism": lazy_pgettext("product_category", "Rural tourism services"),
    },
    "print_job_kind": {
        "sign": lazy_pgettext("print_job_kind", "Relic sign"),
        "labels": lazy_pgettext("print_job_kind", "Batch labels"),
        "stamps": lazy_pgettext("print_job_kind", "Stamp sheets"),
    },
    "print_job_status": {
        "queued": lazy_pgettext("print_job_status", "Waiting"),
        "running": lazy_pgettext("print_job_status", "Printing"),
        "done": lazy_pgettext("print_job_status", "Done"),
        "failed": lazy_pgettext("print_job_status", "Failed"),
    },
    # A stamp run's status and a serial's state (qrsvc.stamps.states, the scan page).
    "stamp_state": {
        "allocated": lazy_pgettext("stamp_state", "Allotted, not printed"),
        "printed": lazy_pgettext("stamp_state", "Printed, not activated"),
        "active": lazy_pgettext("stamp_state", "Activated"),
        "voided": lazy_pgettext("stamp_state", "Voided"),
        "failed": lazy_pgettext("stamp_state", "Printing failed"),
        "not_activated": lazy_pgettext("stamp_state", "Not activated"),
    },
    "stamp_action": {
        "allocate": lazy_pgettext("stamp_action", "Allotted"),
        "print": lazy_pgettext("stamp_action", "Printed"),
        "activate": lazy_pgettext("stamp_action", "Activated"),
        "void": lazy_pgettext("stamp_action", "Voided"),
        "fail": lazy_pgettext("stamp_action", "Printing failed"),
    },
    # Why staff should look at a stamp (qrsvc.stamps.counting.REASONS).
    "alert_reason": {
        "copied": lazy_pgettext("alert_reason", "Maybe copied"),
        "far_apart": lazy_pgettext("alert_reason", "Scanned far apart"),
        "voided": lazy_pgettext("alert_reason", "Voided stamp scanned"),
        "not_activated": lazy_pgettext("alert_reason", "Scanned before activation"),
    },
    "device": {
        "mobile": lazy_pgettext("device", "Phones and tablets"),
        "desktop": lazy_pgettext("device", "Computers"),
        "bot": lazy_pgettext("device", "Robots (search engines)"),
    },
    "scan_source": {
        "qr": lazy_pgettext("scan_source", "Scans of the printed code"),
        "site": lazy_pgettext("scan_source", "Visits from within the site"),
    },
    "scan_target": {
        "relic": lazy_pgettext("scan_target", "Relic"),
        "product": lazy_pgettext("scan_target", "Product"),
        "batch": lazy_pgettext("scan_target", "Batch"),
        "stamp": lazy_pgettext("scan_target", "Stamp"),
    },
    "revision_action": {
        "create": lazy_pgettext("revision_action", "Created"),
        "update": lazy_pgettext("revision_action", "Edited"),
        "publish": lazy_pgettext("revision_action", "Published"),
        "restore": lazy_pgettext("revision_action", "Restored"),
        "delete": lazy_pgettext("revision_action", "Deleted"),
    },
    "media_kind": {
        "image": lazy_pgettext("media_kind", "Image"),
        "audio": lazy_pgettext("media_kind", "Audio"),
    },
    # What an import or a restored archive holds (qrsvc.transfer) and does to each row.
    "import_kind": {
        "producers": lazy_pgettext("import_kind", "Producers"),
        "relics": lazy_pgettext("import_kind", "Relics"),
        "products": lazy_pgettext("import_kind", "Products"),
        "festivals": lazy_pgettext("import_kind", "Festivals"),
        "steles": lazy_pgettext("import_kind", "Steles"),
        "media": lazy_pgettext("import_kind", "Media"),
        "batches": lazy_pgettext("import_kind", "Batches"),
        "areas": lazy_pgettext("import_kind", "Areas"),
        "site": lazy_pgettext("import_kind", "Site settings"),
        "payment_accounts": lazy_pgettext("import_kind", "Payment accounts"),
        "retail_listings": lazy_pgettext("import_kind", "Shop listings"),
        "sign_tamperings": lazy_pgettext("import_kind", "Tampered signs"),
    },
    "import_action": {
        "create": lazy_pgettext("import_action", "New"),
        "update": lazy_pgettext("import_action", "Changed"),
        "unchanged": lazy_pgettext("import_action", "Unchanged"),
    },
    "biz_step": cbv.BIZ_STEPS,
    "disposition": cbv.DISPOSITIONS,
    "event_type": cbv.EVENT_TYPES,
    "epcis_action": cbv.ACTIONS,
}


def values(enumeration: str) -> tuple[str, ...]:
    """The codes of ``enumeration`` that have a label, in the order forms list them."""
    return tuple(ENUMERATIONS[enumeration])


def label(enumeration: str, value: str | None) -> str:
    """The label of ``value`` in the interface language.

    A code without a label (an imported EPCIS step of a later CBV, an old row) shows
    as itself, underscores made spaces, rather than failing the page; an unknown
    ``enumeration`` is a programming error (KeyError).
    """
    text = ENUMERATIONS[enumeration].get(value or "")
    return str(text) if text is not None else (value or "").replace("_", " ")


def choices(enumeration: str, first: Iterable[str] = ()) -> tuple[tuple[str, Any], ...]:
    """``(value, lazy label)`` pairs for a form's choices; ``first`` values lead the list."""
    labelled = ENUMERATIONS[enumeration]
    leading = [value for value in first if value in labelled]
    rest = [value for value in labelled if value not in leading]
    return tuple((value, labelled[value]) for value in leading + rest)


def form_choices(enumeration: str, first: Iterable[str] = ()) -> list[SelectChoice]:
    """The same as :func:`choices`, as WTForms' choices for a ``SelectField``/``RadioField``."""
    return [SelectChoice(value, text) for value, text in choices(enumeration, first)]


def init_app(app: Flask) -> None:
    """Make ``label_of(enumeration, value)`` available to every template."""
    # Not "label": pages already use that name for their own helpers (a stamp's serial).
    app.jinja_env.globals["label_of"] = label
