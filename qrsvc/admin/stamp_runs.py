"""Stamp runs in the admin: create one for a batch, print it, activate it, void it."""

from __future__ import annotations

import io

from flask import Response, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from qrsvc.admin.access import EVERYONE, get_scoped, role_required, scoped
from qrsvc.admin.forms import ActionForm, AdminForm
from qrsvc.downloads import attachment, content_disposition
from qrsvc.extensions import db
from qrsvc.generator import get_format, write_stamps_csv
from qrsvc.models import Batch, PrintJob, StampRun, User
from qrsvc.printing.pdfs import (
    formats_of,
    inline_limit,
    stamp_records,
    stamp_sheet_preview,
    stamps_pdf,
)
from qrsvc.stamps import runs
from qrsvc.stamps.alerts import counterfeit_alerts, run_summary

MAX_RUN_FROM_ADMIN = 100_000


def signed_in_user() -> User:
    """The signed-in user's record (in this request's session: no second query)."""
    return db.session.get(User, current_user.id)


class NewRunForm(AdminForm):
    """How many stamps, on which sheet, with or without scratch-off PINs."""

    count = IntegerField(
        _l("Number of stamps"),
        [DataRequired(), NumberRange(min=1, max=MAX_RUN_FROM_ADMIN)],
        default=40,
    )
    format_name = SelectField(_l("Stamp sheet"), [DataRequired()])
    with_pin = BooleanField(_l("With a scratch-off PIN"))


class RangeForm(AdminForm):
    """A stretch of a run by the serials printed under the stamps (empty: all)."""

    first = StringField(_l("From serial"), [Optional(), Length(max=12)])
    last = StringField(_l("To serial"), [Optional(), Length(max=12)])
    note = StringField(_l("Note"), [Optional(), Length(max=300)])
    sure = BooleanField(_l("I understand: voided stamps can never be activated again."))


def _serial(text: str | None) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise runs.StampRunError(_("A serial is the number printed under a stamp, e.g. 00001234."))
    return int(text)


def create_run(user: User, batch_id: int, count: int, format_name: str, with_pin: bool) -> int:
    """Allocate a new run for a batch the user may see; return the run's id.

    A big run is printed by a background job straight away (its page shows the
    progress); a small one is printed while the person waits, from its page.
    Raises ``StampRunError`` when refused.
    """
    batch = get_scoped(Batch, batch_id, user)
    if with_pin and "pin" not in get_format(format_name).fields:
        # The PIN would be in the CSV but nowhere on the sheet: refuse what would not print.
        raise runs.StampRunError(
            _("This stamp sheet has no place for a PIN: choose a sheet with a PIN, or no PIN.")
        )
    if count > inline_limit():
        from qrsvc.printing.jobs import start_stamp_job

        job = start_stamp_job(
            db.session, batch, count, format_name=format_name, with_pin=with_pin, user=user
        )
        return job.stamp_run_id
    run = runs.allocate_run(
        db.session, batch, count, format_name=format_name, with_pin=with_pin, user=user
    )
    return run.id


def change_run(user: User, run_id: int, action: str, first: str, last: str, note: str) -> None:
    """Activate or void (part of) a run the user may see."""
    get_scoped(StampRun, run_id, user)
    function = runs.activate if action == "activate" else runs.void
    function(db.session, run_id, _serial(first), _serial(last), user=user, note=note or "")


def _new_run_form() -> NewRunForm:
    form = NewRunForm()
    form.format_name.choices = [SelectChoice(n, d) for n, d in formats_of("stamp").items()]
    return form


@role_required(*EVERYONE)
def stamp_run_new(record_id: int):
    """The runs of a batch, and the form for a new one."""
    batch = get_scoped(Batch, record_id)
    form = _new_run_form()
    status = 200
    if form.validate_on_submit():
        try:
            run_id = create_run(
                signed_in_user(),
                batch.id,
                form.count.data,
                form.format_name.data,
                form.with_pin.data,
            )
        except runs.StampRunError as exc:
            form.form_errors.append(str(exc))
            status = 400
        else:
            flash(_("%(n)d stamps were allotted to this batch.", n=form.count.data), "info")
            return redirect(url_for("admin.stamp_run", run_id=run_id))
    elif form.errors:
        status = 400
    stmt = scoped(select(StampRun).where(StampRun.batch_id == batch.id), StampRun, current_user)
    batch_runs = db.session.scalars(stmt.order_by(StampRun.id.desc())).all()
    return render_template("admin/stamp_runs.html", batch=batch, form=form, runs=batch_runs), status


@role_required(*EVERYONE)
def stamp_run(run_id: int):
    """One run: its state by stretches, scans, alerts; print, activate, void."""
    run = get_scoped(StampRun, run_id)
    from qrsvc.printing.jobs import fail_interrupted_jobs

    # A job whose worker died shows as failed ("Print again") once its heartbeat is
    # stale, whoever else looks or not: this page refreshes itself while a job runs.
    fail_interrupted_jobs(db.session)
    # Background print jobs of this run (big runs), newest first, with their progress.
    jobs = db.session.scalars(
        select(PrintJob).where(PrintJob.stamp_run_id == run.id).order_by(PrintJob.id.desc())
    ).all()
    return render_template(
        "admin/stamp_run.html",
        run=run,
        jobs=jobs,
        busy=any(job.status in ("queued", "running") for job in jobs),
        summary=run_summary(db.session, run),
        alerts=counterfeit_alerts(db.session, run_id=run.id, limit=100),
        form=RangeForm(),
        inline=run.count <= inline_limit(),
        label=runs.serial_label,
    )


@role_required(*EVERYONE)
def stamp_run_change(run_id: int, action: str):
    """Activate or void the run, or the serials from … to … of it."""
    form = RangeForm()
    if not form.validate():
        abort(400)
    if action == "void" and not form.sure.data:
        # Voiding cannot be undone: one careless tap must not do it.
        flash(_("Tick the box to confirm that the stamps are to be voided."), "error")
        return redirect(url_for("admin.stamp_run", run_id=run_id))
    try:
        change_run(
            signed_in_user(),
            run_id,
            action,
            form.first.data,
            form.last.data,
            form.note.data,
        )
    except runs.StampRunError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Activated.") if action == "activate" else _("Voided."), "info")
    return redirect(url_for("admin.stamp_run", run_id=run_id))


@role_required(*EVERYONE)
def stamp_run_pdf(run_id: int):
    """The stamp sheets, made while you wait (runs up to a few thousand stamps)."""
    run = get_scoped(StampRun, run_id)
    if run.count > inline_limit():
        abort(413)
    data = stamps_pdf(run)
    runs.mark_printed(db.session, run.id, user=signed_in_user())
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": content_disposition(f"stamps-run-{run.id}.pdf")},
    )


@role_required(*EVERYONE)
def stamp_run_preview(run_id: int):
    """Page 1 of the stamp sheets as a picture."""
    run = get_scoped(StampRun, run_id)
    return Response(
        stamp_sheet_preview(run), mimetype="image/png", headers={"Cache-Control": "no-store"}
    )


@role_required(*EVERYONE)
def stamp_run_csv(run_id: int):
    """Serial, URL (and PIN) of every stamp, for a print shop's own software."""
    run = get_scoped(StampRun, run_id)
    out = io.StringIO()
    write_stamps_csv(stamp_records(run), out, with_pin=run.with_pin)
    runs.mark_printed(db.session, run.id, user=signed_in_user())
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": content_disposition(f"stamps-run-{run.id}.csv")},
    )


@role_required(*EVERYONE)
def print_job_pdf(job_id: int):
    """The PDF a finished background job made."""
    from qrsvc.printing.jobs import job_pdf_path

    job = get_scoped(PrintJob, job_id)
    path = job_pdf_path(job)
    if job.status != "done" or not path.is_file():
        abort(404)
    return attachment(send_file(path, as_attachment=True), f"stamps-run-{job.stamp_run_id}.pdf")


@role_required(*EVERYONE)
def print_job_retry(job_id: int):
    """Print a failed job again: the same serials, none lost, none doubled."""
    from qrsvc.printing.jobs import PrintJobError, retry_job

    if not ActionForm().validate():
        abort(400)
    job = get_scoped(PrintJob, job_id)
    try:
        retry_job(db.session, job.id)
    except PrintJobError as exc:
        flash(str(exc), "error")
    return redirect(url_for("admin.stamp_run", run_id=job.stamp_run_id))
