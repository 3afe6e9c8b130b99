"""Offline use and media: the service worker, the offline pack, the offline page, /media."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_file,
    send_from_directory,
)

from qrsvc.areas.filters import area_by_code
from qrsvc.media.storage import check_key
from qrsvc.public.pack import offline_pack
from qrsvc.public.relic_page import current_media_store
from qrsvc.public.relics import filter_message

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


def service_worker():
    """The service worker, served from the root so that it may control every page."""
    response = send_from_directory(
        current_app.static_folder, "sw.js", mimetype="text/javascript", max_age=0
    )
    # Browsers check for a new worker on every visit; never let a cache delay that.
    response.headers["Cache-Control"] = "no-cache"
    return response


def offline_page():
    """Shown by the service worker for a page that was not saved before going offline."""
    return render_template("public/offline.html")


def offline_pack_list():
    """The URLs of the offline pack (see :func:`qrsvc.public.pack.offline_pack`).

    ``?area=<code>``: the pack of one area; an unknown area is a 400, never an empty pack.
    """
    area = request.args.get("area")
    if area is not None and area_by_code(area) is None:
        abort(400, description=filter_message("area"))
    response = jsonify(offline_pack(area))
    response.headers["Cache-Control"] = "no-cache"
    return response


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
