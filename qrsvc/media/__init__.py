"""Media: where files are stored, and how uploaded photos are checked and resized."""

from qrsvc.media.images import (
    EncodedImage,
    ImageVariants,
    MediaError,
    make_image_variants,
    store_image,
)
from qrsvc.media.storage import (
    LocalMediaStore,
    MediaStore,
    media_store,
    media_store_from_config,
)

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
