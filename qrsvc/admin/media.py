"""The media library's views: upload photos and audio, attach them to records, open them.

The spec and the services behind them are in :mod:`qrsvc.content.media`.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from qrsvc.admin.access import EVERYONE, STAFF, get_scoped, role_required, scoped
from qrsvc.admin.forms import ActionForm, UploadForm
from qrsvc.content.alt_text import AltTextMissingError, upload_refusal
from qrsvc.content.media import attach, remove, upload
from qrsvc.content.uploads import UploadTexts
from qrsvc.extensions import db
from qrsvc.media import MediaError, media_store_from_config
from qrsvc.models import Media, Product, Relic


@role_required(*EVERYONE)
def media_delete(record_id: int):
    """Delete a file from the library (and from every gallery that shows it)."""
    get_scoped(Media, record_id)  # another producer's file: 404 before anything else
    if not ActionForm().validate():
        abort(400)
    remove(current_user, media_store_from_config(current_app.config), record_id)
    flash(_("The file was deleted."), "info")
    return redirect(url_for("admin.media_list"))


def error_text(error: MediaError) -> str:
    """Why an upload was refused, in the reader's language (``20,5 MB`` in Vietnamese)."""
    params = {
        name: format_decimal(value, format="#,##0.#") if isinstance(value, float) else value
        for name, value in error.params.items()
    }
    return _(error.template, **params)


def _texts(form: UploadForm) -> UploadTexts:
    return UploadTexts(
        alt={"vi": form.alt_vi.data or "", "en": form.alt_en.data or ""},
        transcript={"vi": form.transcript_vi.data or "", "en": form.transcript_en.data or ""},
        credit=form.credit.data or "",
    )


@role_required(*EVERYONE)
def media_upload():
    """Upload a photo or an audio file; optionally attach it to a relic or product."""
    form = UploadForm()
    target = request.args.get("to", "")
    kind, _sep, raw_id = target.partition(":")
    record = None
    if kind in ("relic", "product") and raw_id.isdigit():
        if kind == "relic" and not current_user.has_role(*STAFF):
            abort(403)
        record = get_scoped(Relic if kind == "relic" else Product, int(raw_id))  # 404 first
    if form.validate_on_submit():
        file = form.file.data
        data = file.read()
        refusal = upload_refusal(record, data, form.alt_vi.data)
        if refusal:  # before storing anything
            form.alt_vi.errors.append(refusal)
            return render_template("admin/upload.html", form=form, target=target), 400
        try:
            store = media_store_from_config(current_app.config)
            media = upload(current_user, store, data, file.filename or "", _texts(form))
        except MediaError as exc:
            form.file.errors.append(error_text(exc))
            return render_template("admin/upload.html", form=form, target=target), exc.status
        if record is not None:
            try:
                attach(current_user, kind, record.id, media.id)
            except AltTextMissingError as exc:  # the same file was in the library, undescribed
                flash(str(exc), "error")
                return redirect(url_for("admin.media_edit", record_id=media.id))
            flash(_("The file was added."), "info")
            return redirect(url_for(f"admin.{kind}_edit", record_id=int(raw_id)))
        flash(_("The file was uploaded."), "info")
        return redirect(url_for("admin.media_edit", record_id=media.id))
    return render_template("admin/upload.html", form=form, target=target), (
        400 if form.errors else 200
    )


@role_required(*EVERYONE)
def media_detach(kind: str, record_id: int, media_id: int):
    """Take a file out of a gallery (the file stays in the library)."""
    if kind == "relic" and not current_user.has_role(*STAFF):
        abort(403)
    if not ActionForm().validate():
        abort(400)
    attach(current_user, kind, record_id, media_id, remove=True)
    return redirect(url_for(f"admin.{kind}_edit", record_id=record_id))


def gallery(kind: str, record) -> list[Media]:
    """The files shown with a relic or product, in order (for the edit page)."""
    if kind == "relic":
        return [link.media for link in record.media]
    ids = list(record.photo_ids or [])
    found = {m.id: m for m in get_many(ids)}
    return [found[i] for i in ids if i in found]


def get_many(ids: list[int]) -> list[Media]:
    """The media among ``ids`` the current user may see."""
    if not ids:
        return []
    stmt = scoped(select(Media).where(Media.id.in_(ids)), Media, current_user)
    return list(db.session.scalars(stmt))


def media_url(media: Media, width: int = 320) -> str:
    """A small preview URL of a photo (the nearest JPEG variant), or the file itself."""
    store = media_store_from_config(current_app.config)
    variants = [v for v in media.variants or [] if v.get("format") == "jpeg"]
    if variants:
        best = min(variants, key=lambda v: abs(v["width"] - width))
        return store.url_path(best["key"])
    return store.url_path(media.storage_key)


@role_required(*EVERYONE)
def media_file(record_id: int):
    """Open the stored file of a media record (scoped like everything else)."""
    media = get_scoped(Media, record_id)
    return redirect(media_url(media, 1024))


def media_name(media: Media) -> str:
    """What tells one file from another in a list: its description or caption in the
    admin's language, else in Vietnamese, else its file name."""
    lang = str(get_locale() or "vi")
    for texts, in_lang in (
        (media.alt, lang),
        (media.caption, lang),
        (media.alt, "vi"),
        (media.caption, "vi"),
    ):
        text = ((texts or {}).get(in_lang) or "").strip()
        if text:
            return text
    return media.original_name or f"#{media.id}"


def media_helpers() -> dict:
    """Gallery helpers for the admin templates."""
    return {"gallery": gallery, "media_url": media_url, "media_name": media_name}
