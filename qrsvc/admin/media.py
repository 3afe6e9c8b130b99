"""The media library: upload photos and audio, edit their texts, attach them to records."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import delete, func, select

from qrsvc.admin import bp
from qrsvc.admin.access import EVERYONE, STAFF, get_scoped, role_required, scoped
from qrsvc.admin.alt_text import AltTextMissingError, check_attach, check_media, upload_refusal
from qrsvc.admin.crud import contains, register
from qrsvc.admin.forms import ActionForm, UploadForm
from qrsvc.admin.records import EntitySpec, Field
from qrsvc.admin.revisions import record_revision
from qrsvc.admin.uploads import UploadTexts, store_upload
from qrsvc.database import begin_write
from qrsvc.media import MediaError, media_store_from_config
from qrsvc.models import Media, Product, Relic, RelicMedia, User
from qrsvc.models.events import trace_event_evidence

FIELDS = (
    Field("alt", _l("Description for blind readers (alt text)"), i18n=True, max_length=300),
    Field("caption", _l("Caption"), i18n=True, max_length=500),
    Field("transcript", _l("Transcript (audio)"), kind="text", i18n=True, max_length=50_000),
    Field("credit", _l("Credit"), max_length=200),
)

media_spec = register(
    EntitySpec(
        name="media",
        model=Media,
        label=_l("Media file"),
        label_plural=_l("Media"),
        fields=FIELDS,
        roles=EVERYONE,
        create_roles=(),
        list_columns=("kind", "original_name", "width", "height"),
        column_labels={
            "kind": _l("Kind"),
            "original_name": _l("File name"),
            "width": _l("Width (px)"),
            "height": _l("Height (px)"),
        },
        column_enums={"kind": "media_kind"},
        title=lambda m: m.original_name or m.storage_key,
        search=contains(Media.original_name),
        check=check_media,
    ),
    "media",
)


def upload(user: User, data: bytes, filename: str, texts: UploadTexts) -> Media:
    """Store one uploaded file for ``user`` (a producer's files are the producer's)."""
    session = begin_write()
    try:
        media = store_upload(
            session,
            media_store_from_config(current_app.config),
            data,
            filename,
            texts,
            producer_id=user.producer_id if user.role == "producer" else None,
            user_id=user.id,
        )
    except MediaError:
        session.rollback()
        raise
    session.commit()
    return media


def attach(user: User, kind: str, record_id: int, media_id: int, remove: bool = False) -> None:
    """Add (or remove) a stored file to a relic's or a product's gallery.

    Raises :class:`AltTextMissingError` (nothing changed) when a photo without a
    Vietnamese description would join a published page.
    """
    session = begin_write()
    model = Relic if kind == "relic" else Product
    found = []
    for target_model, target_id in ((model, record_id), (Media, media_id)):
        stmt = scoped(select(target_model).where(target_model.id == target_id), target_model, user)
        found.append(session.scalar(stmt))
        if found[-1] is None:
            session.rollback()
            abort(404)
    if not remove:
        try:
            check_attach(*found)
        except AltTextMissingError:
            session.rollback()
            raise
    if kind == "relic":
        link = session.get(RelicMedia, (record_id, media_id))
        if remove and link is not None:
            session.delete(link)
        elif not remove and link is None:
            last = session.scalar(
                select(func.max(RelicMedia.position)).where(RelicMedia.relic_id == record_id)
            )
            session.add(RelicMedia(relic_id=record_id, media_id=media_id, position=(last or 0) + 1))
    else:
        product = session.get(Product, record_id)
        old = list(product.photo_ids or [])
        ids = [i for i in old if i != media_id]
        product.photo_ids = ids if remove else [*ids, media_id]
        if product.photo_ids != old:
            session.flush()  # bumps the product's version: say why in its history
            change = {"photo_ids": [old, product.photo_ids]}
            record_revision(
                session, "product", product.id, product.version, "media", change, user.id
            )
    session.commit()


def remove(user: User, media_id: int) -> None:
    """Delete a stored file the user may see: out of every gallery, then off the disk.

    Each row has files of its own (see :func:`qrsvc.media.images.own_copy`), so
    removing one producer's photo never touches another's copy of the same bytes.
    """
    session = begin_write()
    stmt = scoped(select(Media).where(Media.id == media_id), Media, user)
    media = session.scalar(stmt)
    if media is None:
        session.rollback()
        abort(404)
    keys = [media.storage_key, *(v["key"] for v in media.variants or [])]
    before = media_spec.read(media)
    session.execute(delete(RelicMedia).where(RelicMedia.media_id == media_id))
    session.execute(delete(trace_event_evidence).where(trace_event_evidence.c.media_id == media_id))
    for product in session.scalars(select(Product).where(Product.photo_ids.is_not(None))):
        if media_id in (product.photo_ids or []):
            product.photo_ids = [i for i in product.photo_ids if i != media_id]
    changes = {key: [value, None] for key, value in before.items()}
    record_revision(session, "media", media_id, media.version + 1, "delete", changes, user.id)
    session.delete(media)
    session.commit()
    store = media_store_from_config(current_app.config)
    for key in keys:  # after the commit: a failed delete must not lose a file still in use
        store.delete(key)


@bp.post("/media/<int:record_id>/delete")
@role_required(*EVERYONE)
def media_delete(record_id: int):
    """Delete a file from the library (and from every gallery that shows it)."""
    get_scoped(Media, record_id)  # another producer's file: 404 before anything else
    if not ActionForm().validate():
        abort(400)
    remove(current_user, record_id)
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


@bp.route("/media/upload", methods=["GET", "POST"])
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
            media = upload(current_user, data, file.filename or "", _texts(form))
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


@bp.post("/<any(relic, product):kind>/<int:record_id>/media/<int:media_id>/remove")
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
    from qrsvc.extensions import db

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


@bp.get("/media/<int:record_id>/file")
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


@bp.context_processor
def media_helpers() -> dict:
    """Gallery helpers for the admin templates."""
    return {"gallery": gallery, "media_url": media_url, "media_name": media_name}
