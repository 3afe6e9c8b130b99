"""Every URL of the admin, added to its blueprint in one place.

The view modules only define view functions (each with its role check); importing
one mounts nothing. :func:`register_routes` is called once where the blueprint is
built, and names each route: its path, its endpoint (``url_for("admin.<endpoint>")``),
its view and its methods. The list, new, edit, history and delete views of each kind
of record come from :func:`qrsvc.admin.crud.register`, one call per record spec of
:mod:`qrsvc.content`, parents before their children.
"""

from __future__ import annotations

from flask import Blueprint

from qrsvc.admin import (
    auth,
    batch_inputs,
    crud,
    dashboard,
    exchange,
    history,
    media,
    payments,
    print_pages,
    site,
    stamp_runs,
    users,
)
from qrsvc.content.batches import batch_spec
from qrsvc.content.events import event_spec
from qrsvc.content.festivals import festival_spec, stele_spec
from qrsvc.content.links import link_spec
from qrsvc.content.media import media_spec
from qrsvc.content.producers import producer_spec
from qrsvc.content.products import product_spec
from qrsvc.content.records import EntitySpec
from qrsvc.content.relics import relic_spec

GET_POST = ["GET", "POST"]
POST = ["POST"]

#: The kinds of record edited through the generic views, with their URL folder;
#: a parent comes before its children.
RECORD_KINDS: tuple[tuple[EntitySpec, str], ...] = (
    (relic_spec, "relics"),
    (festival_spec, "festivals"),
    (stele_spec, "steles"),
    (producer_spec, "producers"),
    (product_spec, "products"),
    (batch_spec, "batches"),
    (event_spec, "events"),
    (link_spec, "links"),
    (media_spec, "media"),
)


def register_routes(bp: Blueprint) -> None:
    """Add every admin route, template helper and set-up step to ``bp`` (call once)."""
    bp.record_once(auth.set_up_signin_guard)
    bp.context_processor(batch_inputs.input_helpers)
    bp.context_processor(media.media_helpers)

    rule = bp.add_url_rule
    # Signing in and out.
    rule("/login", "login", auth.login, methods=GET_POST)
    rule("/logout", "logout", auth.logout, methods=POST)
    rule("/password", "password", auth.password, methods=GET_POST)
    # The dashboard.
    rule("/", "index", dashboard.index)
    rule("/reports/<int:report_id>/handle", "report_handle", dashboard.report_handle, methods=POST)
    # Records: list, new, edit, history, delete of each kind; restoring a version.
    for spec, plural in RECORD_KINDS:
        crud.register(bp, spec, plural)
    rule("/revisions/<int:revision_id>/restore", "restore", history.restore, methods=POST)
    rule(
        "/revisions/<int:revision_id>/restore-before",
        "restore_before",
        history.restore_before,
        methods=POST,
    )
    # Inputs of a batch.
    rule(
        "/batches/<int:record_id>/inputs/new",
        "batch_input_new",
        batch_inputs.batch_input_new,
        methods=GET_POST,
    )
    rule(
        "/batch-inputs/<int:input_id>/remove",
        "batch_input_remove",
        batch_inputs.batch_input_remove,
        methods=POST,
    )
    # The media library.
    rule("/media/<int:record_id>/delete", "media_delete", media.media_delete, methods=POST)
    rule("/media/upload", "media_upload", media.media_upload, methods=GET_POST)
    rule(
        "/<any(relic, product):kind>/<int:record_id>/media/<int:media_id>/remove",
        "media_detach",
        media.media_detach,
        methods=POST,
    )
    rule("/media/<int:record_id>/file", "media_file", media.media_file)
    # Import, export and backup.
    rule("/transfer", "transfer", exchange.transfer, methods=GET_POST)
    rule("/transfer/confirm", "transfer_confirm", exchange.transfer_confirm, methods=POST)
    rule("/transfer/archive.zip", "transfer_archive", exchange.transfer_archive)
    rule("/transfer/export.<any(json, csv):fmt>", "transfer_export", exchange.transfer_export)
    rule("/backup", "backup", exchange.backup, methods=GET_POST)
    # Printed signs and labels.
    rule("/print/relic/<int:record_id>", "print_relic", print_pages.print_relic)
    rule("/print/relic/<int:record_id>/sign.pdf", "print_relic_pdf", print_pages.print_relic_pdf)
    rule(
        "/print/relic/<int:record_id>/preview.png",
        "print_relic_preview",
        print_pages.print_relic_preview,
    )
    rule("/print/batch/<int:record_id>", "print_batch", print_pages.print_batch)
    rule("/print/batch/<int:record_id>/labels.pdf", "print_batch_pdf", print_pages.print_batch_pdf)
    rule(
        "/print/batch/<int:record_id>/preview.png",
        "print_batch_preview",
        print_pages.print_batch_preview,
    )
    # Stamp runs and their print jobs.
    rule(
        "/batches/<int:record_id>/stamps",
        "stamp_run_new",
        stamp_runs.stamp_run_new,
        methods=GET_POST,
    )
    rule("/stamp-runs/<int:run_id>", "stamp_run", stamp_runs.stamp_run)
    rule(
        "/stamp-runs/<int:run_id>/<any(activate, void):action>",
        "stamp_run_change",
        stamp_runs.stamp_run_change,
        methods=POST,
    )
    rule("/stamp-runs/<int:run_id>/stamps.pdf", "stamp_run_pdf", stamp_runs.stamp_run_pdf)
    rule("/stamp-runs/<int:run_id>/preview.png", "stamp_run_preview", stamp_runs.stamp_run_preview)
    rule("/stamp-runs/<int:run_id>/stamps.csv", "stamp_run_csv", stamp_runs.stamp_run_csv)
    rule("/print-jobs/<int:job_id>/stamps.pdf", "print_job_pdf", stamp_runs.print_job_pdf)
    rule(
        "/print-jobs/<int:job_id>/retry",
        "print_job_retry",
        stamp_runs.print_job_retry,
        methods=POST,
    )
    # Accounts.
    rule("/users/", "user_list", users.user_list)
    rule(
        "/users/new",
        "user_edit",
        users.user_edit,
        methods=GET_POST,
        defaults={"user_id": None},
    )
    rule("/users/<int:user_id>", "user_edit", users.user_edit, methods=GET_POST)
    # The site's identity.
    rule("/site", "site_settings", site.site_settings, methods=GET_POST)
    # Official payment accounts (proposed, checked, verified), shops, tampered signs.
    rule(
        "/relics/<int:record_id>/payments",
        "relic_payments",
        payments.relic_payments,
        methods=GET_POST,
    )
    rule(
        "/producers/<int:record_id>/payments",
        "producer_payments",
        payments.producer_payments,
        methods=GET_POST,
    )
    rule("/payment-accounts/<int:account_id>", "payment_review", payments.payment_review)
    rule(
        "/payment-accounts/<int:account_id>/approve",
        "payment_approve",
        payments.payment_approve,
        methods=POST,
    )
    rule(
        "/payment-accounts/<int:account_id>/reject",
        "payment_reject",
        payments.payment_reject,
        methods=POST,
    )
    rule(
        "/producers/<int:record_id>/listings",
        "producer_listings",
        payments.producer_listings,
        methods=POST,
    )
    rule(
        "/listings/<int:listing_id>/remove", "listing_remove", payments.listing_remove, methods=POST
    )
    rule(
        "/relics/<int:record_id>/sign/tampered",
        "relic_tampered",
        payments.relic_tampered,
        methods=POST,
    )
    rule(
        "/relics/<int:record_id>/sign/replaced",
        "relic_replaced",
        payments.relic_replaced,
        methods=POST,
    )
