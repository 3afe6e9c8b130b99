"""Offline use and media: the service worker, the offline pack, the offline page, /media."""

from __future__ import annotations

from flask import abort, current_app, jsonify, render_template, send_file, send_from_directory

from qrsvc.media.storage import check_key
from qrsvc.public import bp
from qrsvc.public.pack import offline_pack
from qrsvc.public.relic_page import current_media_store

ONE_YEAR = 365 * 24 * 3600
#: What /media serves; anything else stored there is not for the public pages.
MEDIA_TYPES = {
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".wav": "audio/wav",
}


@bp.get("/sw.js")
def service_worker():
    """The service worker, served from the root so that it may control every page."""
    response = send_from_directory(
        current_app.static_folder, "sw.js", mimetype="text/javascript", max_age=0
    )
    # Browsers check for a new worker on every visit; never let a cache delay that.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline_page():
    """Shown by the service worker for a page that was not saved before going offline."""
    return render_template("public/offline.html")


@bp.get("/offline-pack.json")
def offline_pack_list():
    """The URLs of the offline pack (see :func:`qrsvc.public.pack.offline_pack`)."""
    response = jsonify(offline_pack())
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/media/<path:key>")
def media_file(key: str):
    """A stored photo or audio file, cached for a year (keys change when content does).

    Local files go through ``send_file`` with ranges, so audio can be sought and
    resumed on a weak connection.
    """
    try:
        check_key(key)
    except ValueError:
        abort(404)
    suffix = "." + key.rsplit(".", 1)[-1] if "." in key else ""
    mimetype = MEDIA_TYPES.get(suffix) or abort(404)
    store = current_media_store()
    local_path = getattr(store, "path", None)
    if local_path is not None:
        path = local_path(key)
        if not path.is_file():
            abort(404)
        response = send_file(path, mimetype=mimetype, conditional=True, max_age=ONE_YEAR)
    else:  # a remote store: read through it
        try:
            stream = store.open(key)
        except FileNotFoundError:
            abort(404)
        response = send_file(
            stream, mimetype=mimetype, conditional=True, etag=key, max_age=ONE_YEAR
        )
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
