"""Import and export of relics and products, and the database backup, in the admin."""

from __future__ import annotations

import io
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qrsvc.admin.access import STAFF, role_required, sees_all
from qrsvc.admin.forms import ActionForm, ConfirmImportForm, ImportForm
from qrsvc.downloads import attachment, content_disposition
from qrsvc.localtime import local_now
from qrsvc.models import Role
from qrsvc.transfer.all_data import export_archive, import_archive
from qrsvc.transfer.archive import is_archive
from qrsvc.transfer.backup import PG_DUMP_HELP, backup_database, sqlite_path
from qrsvc.transfer.formats import TransferError, read_file, write_csv, write_json
from qrsvc.transfer.service import CSV_FIRST, KEYS, export_records, exported_at, import_records

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,60}")
KEEP_PREVIEWS_S = 24 * 3600


def _pending_dir() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(exist_ok=True)
    return folder


def _pending_file(token: str) -> Path:
    # The user id in the name: one person cannot confirm another's upload.
    if not TOKEN.fullmatch(token or ""):
        abort(400)
    return _pending_dir() / f"{current_user.id}-{token}"


def keep_for_confirmation(name: str, data: bytes) -> str:
    """Keep an uploaded import file until it is confirmed; returns its token."""
    now = time.time()
    for old in _pending_dir().iterdir():  # forget previews nobody confirmed
        if now - old.stat().st_mtime > KEEP_PREVIEWS_S:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    path = _pending_file(token)
    path.write_bytes(data)
    path.with_suffix(".name").write_text(name[:200])
    return token


@role_required(*STAFF)
def transfer():
    """Upload a CSV/JSON file: see what it would do, row by row, before importing."""
    form = ImportForm()
    report, token, status = None, None, 200
    if form.validate_on_submit():
        file = form.file.data
        data = file.read()
        try:
            report = _import(file.filename or "", data, apply=False)
        except TransferError as exc:
            form.file.errors.append(str(exc))
            status = 400
        else:
            if report.ok:
                token = keep_for_confirmation(file.filename or "", data)
            else:
                status = 422
    elif form.errors:
        status = 400
    return render_template(
        "admin/transfer.html",
        form=form,
        report=report,
        confirm=ConfirmImportForm(token=token) if token else None,
        kinds=sorted(KEYS),
    ), status


@role_required(*STAFF)
def transfer_confirm():
    """Import a previewed file: all rows or, if anything changed meanwhile, none."""
    form = ConfirmImportForm()
    if not form.validate():
        abort(400)
    path = _pending_file(form.token.data)
    if not path.exists():
        flash(_("This preview has expired; upload the file again."), "error")
        return redirect(url_for("admin.transfer"))
    name = path.with_suffix(".name").read_text() if path.with_suffix(".name").exists() else ""
    try:
        report = _import(name, path.read_bytes(), apply=True)
    except TransferError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.transfer"))
    path.unlink(missing_ok=True)
    path.with_suffix(".name").unlink(missing_ok=True)
    if not report.ok:
        status = 422
        return render_template(
            "admin/transfer.html",
            form=ImportForm(),
            report=report,
            confirm=None,
            kinds=sorted(KEYS),
        ), status
    flash(
        _(
            "Imported: %(c)d created, %(u)d updated.",
            c=report.count("create"),
            u=report.count("update"),
        ),
        "info",
    )
    return redirect(url_for("admin.transfer"))


def _import(name: str, data: bytes, *, apply: bool):
    """Import (or preview) a JSON/CSV file, or restore an archive of all data (admins)."""
    if is_archive(data):
        if not current_user.has_role(Role.ADMIN):
            raise TransferError(_("Only an administrator can restore an archive of all data."))
        return import_archive(io.BytesIO(data), apply=apply)
    if not sees_all(current_user):  # rows of other areas would be written: not for them
        raise TransferError(_("An editor limited to areas cannot import files."))
    return import_records(read_file(name, data), current_user.id, apply=apply)


@role_required(Role.ADMIN)
def transfer_archive():
    """Download all data, media files included, as one archive (see docs/transfer.md)."""
    folder = Path(tempfile.mkdtemp(prefix="qrsvc-archive-"))
    target = folder / f"qrsvc-all-{local_now().strftime('%Y%m%d-%H%M')}.zip"
    try:
        with target.open("wb") as out:
            export_archive(out)
    except TransferError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        flash(str(exc), "error")
        return redirect(url_for("admin.transfer"))
    response = attachment(send_file(target, mimetype="application/zip"), target.name)
    response.call_on_close(lambda: shutil.rmtree(folder, ignore_errors=True))
    return response


@role_required(*STAFF)
def transfer_export(fmt: str):
    """Download everything as JSON, or one kind of record as CSV (``?kind=relics``)."""
    from flask import request

    records = export_records(current_user)  # an editor limited to areas: its areas' only
    stamp = exported_at()
    if fmt == "json":
        body, mime, name = write_json(records, stamp), "application/json", "qrsvc-export.json"
    else:
        kind = request.args.get("kind", "relics")
        if kind not in KEYS:
            abort(404)
        first = CSV_FIRST.get(kind, (KEYS[kind],))  # the columns that name a row come first
        body, mime, name = write_csv(records[kind], first), "text/csv", f"qrsvc-{kind}.csv"
    return Response(
        body,
        mimetype=mime,
        headers={"Content-Disposition": content_disposition(name)},
    )


@role_required(Role.ADMIN)
def backup():
    """Download a consistent copy of the database (SQLite) or read how to make one."""
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    form = ActionForm()
    if form.validate_on_submit() and sqlite_path(uri) is not None:
        folder = Path(tempfile.mkdtemp(prefix="qrsvc-backup-"))
        stamp = local_now().strftime("%Y%m%d-%H%M")  # the office's clock, not the server's
        target = backup_database(uri, folder / f"qrsvc-{stamp}.sqlite3")
        response = attachment(send_file(target, as_attachment=True), target.name)
        response.call_on_close(lambda: shutil.rmtree(folder, ignore_errors=True))
        return response
    return render_template(
        "admin/backup.html",
        form=form,
        sqlite=sqlite_path(uri) is not None,
        pg_help=PG_DUMP_HELP,
    )
