"""Media: where files are stored, and how uploaded photos are checked and resized.

The modules import one way only: :mod:`~qrsvc.media.storage` (the store interface, the
local folder, :class:`MediaError`) at the bottom; :mod:`~qrsvc.media.s3` (the bucket)
and :mod:`~qrsvc.media.encoding` (checking and re-encoding photos) on it;
:mod:`~qrsvc.media.images` (storing checked photos) on those; and this package,
which picks the store an application uses, on top.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from qrsvc.media.encoding import EncodedImage, ImageVariants, make_image_variants
from qrsvc.media.images import store_image
from qrsvc.media.s3 import S3MediaStore, s3_settings
from qrsvc.media.storage import LocalMediaStore, MediaError, MediaStore

if TYPE_CHECKING:
    from flask import Flask

__all__ = [
    "EncodedImage",
    "ImageVariants",
    "LocalMediaStore",
    "MediaError",
    "MediaStore",
    "make_image_variants",
    "media_store",
    "media_store_from_config",
    "store_image",
]


def media_store_from_config(config: Mapping[str, Any]) -> MediaStore:
    """The store the configuration asks for: a bucket or the ``MEDIA_DIR`` folder.

    A bucket when ``MEDIA_S3_BUCKET`` (or ``QRSVC_MEDIA_S3_BUCKET``) is set.
    """
    if s3_settings(config)["bucket"]:
        return S3MediaStore.from_config(config)
    return LocalMediaStore(config["MEDIA_DIR"], config.get("MEDIA_URL_PREFIX", "/media"))


def media_store(app: Flask | None = None) -> MediaStore:
    """The media store of ``app`` (the current application by default), made once per app."""
    if app is None:
        from flask import current_app

        app = current_app  # its extensions and config are all this needs
    store = app.extensions.get("qrsvc.media_store")
    if store is None:
        store = app.extensions["qrsvc.media_store"] = media_store_from_config(app.config)
    return store
