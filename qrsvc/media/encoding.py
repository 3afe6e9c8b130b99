"""Checking uploaded photos and re-encoding them as responsive WebP/JPEG variants.

Pillow only: no database, no store. A photo is refused with a :class:`MediaError` (a
clear message and an HTTP status) when it is empty, too big, not a JPEG/PNG/WebP image,
a decompression bomb, damaged, or of an absurd size. Accepted photos are turned upright
(EXIF orientation), converted to sRGB, stripped of every metadata block (EXIF holds the
GPS position of a phone photo) and re-encoded: one master copy plus WebP and JPEG at
320, 640 and 1024 px wide, never enlarged. :mod:`qrsvc.media.images` stores the result.

The messages are English here and translated where they are shown (the catalog in
``qrsvc/media/translations``): this module knows nothing of the reader's language.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from qrsvc.media.storage import N_, MediaError

__all__ = [
    "ACCEPTED_FORMATS",
    "EncodedImage",
    "ImageVariants",
    "MAX_PIXELS",
    "MAX_UPLOAD_BYTES",
    "VARIANT_WIDTHS",
    "check_image",
    "make_image_variants",
    "variant_widths",
]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# 40 MP is more than any phone camera; decoding it already takes ~160 MB of memory.
MAX_PIXELS = 40_000_000
MAX_SIDE = 12_000
MIN_SIDE = 16
MAX_ASPECT = 20
MASTER_MAX_SIDE = 2560  # enough for an A4 sign printed at 300 dpi
VARIANT_WIDTHS = (320, 640, 1024)
ACCEPTED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
_EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp"}
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF")


@dataclass(frozen=True)
class EncodedImage:
    """One encoded picture: its bytes, pixel size and format (``webp``, ``jpeg``, ``png``)."""

    data: bytes
    width: int
    height: int
    format: str

    @property
    def content_type(self) -> str:
        """The MIME type of :attr:`data`."""
        return _CONTENT_TYPES[self.format]

    @property
    def extension(self) -> str:
        """The file name extension for :attr:`format`."""
        return _EXTENSIONS[self.format]


@dataclass(frozen=True)
class ImageVariants:
    """A checked upload: the master copy, the resized variants and the upload's SHA-256."""

    master: EncodedImage
    variants: tuple[EncodedImage, ...]
    source_format: str
    sha256: str


def make_image_variants(
    data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES, max_pixels: int = MAX_PIXELS
) -> ImageVariants:
    """Check an uploaded photo and encode its master copy and responsive variants.

    Raises :class:`MediaError` with a message meant for the person who uploaded it.
    """
    _refuse_non_images(data, max_bytes)
    image = _decode(data, max_pixels)
    source_format = image.format or ""
    image = _upright_srgb(image)
    if max(image.size) > MASTER_MAX_SIDE:
        image.thumbnail((MASTER_MAX_SIDE, MASTER_MAX_SIDE), Image.Resampling.LANCZOS)
    opaque = image.mode == "RGB"
    master = _encode(image, "jpeg" if opaque else "png")
    variants = []
    for width in variant_widths(image.width):
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else _resize(image, width, height)
        variants.append(_encode(resized, "webp"))
        variants.append(_encode(resized, "jpeg"))
    return ImageVariants(master, tuple(variants), source_format, hashlib.sha256(data).hexdigest())


def check_image(
    data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES, max_pixels: int = MAX_PIXELS
) -> tuple[str, int, int]:
    """Check ``data`` as an upload is checked, without re-encoding it: a whole JPEG, PNG or
    WebP image within the limits. Returns its format (``jpeg``, ``png``, ``webp``) and size.

    For files that were uploaded and encoded here once already (an archive being
    restored); raises :class:`MediaError` as an upload would.
    """
    _refuse_non_images(data, max_bytes)
    image = _decode(data, max_pixels)
    return (image.format or "").lower(), image.width, image.height


def variant_widths(width: int) -> list[int]:
    """The variant widths for a picture ``width`` px wide: never wider than the picture."""
    widths = [w for w in VARIANT_WIDTHS if w < width]
    if width <= VARIANT_WIDTHS[-1]:
        widths.append(width)  # a small picture is offered at its own size as the largest
    return widths


def _refuse_non_images(data: bytes, max_bytes: int) -> None:
    if not data:
        raise MediaError(N_("The file is empty (0 bytes)."))
    if len(data) > max_bytes:
        raise MediaError(
            N_("The file is too large (%(size)s MB); the limit is %(limit)s MB."),
            413,
            size=round(len(data) / 1048576, 1),
            limit=round(max_bytes / 1048576),
        )
    if data.startswith(_IMAGE_MAGIC):
        return
    # Named up front because a browser would run an SVG's or HTML page's scripts
    # on our domain; the file name or claimed type does not matter, the content does.
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") or b"<svg" in head:
        raise MediaError(
            N_(
                "SVG drawings are not accepted (they can carry scripts); "
                "upload a JPEG, PNG or WebP image."
            )
        )
    if head.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<")):
        raise MediaError(
            N_("The file is a web page (HTML), not an image; upload a JPEG, PNG or WebP.")
        )


def _decode(data: bytes, max_pixels: int) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS))
        _check_size(image.size, max_pixels)  # from the header, before decoding pixels
        image.verify()  # checksums (PNG); verify() leaves the image unusable, so reopen
        image = Image.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS))
        image.load()
    except MediaError:
        raise
    except Image.DecompressionBombError:
        raise MediaError(
            N_(
                "The image has too many pixels; "
                "the limit is %(megapixels)s megapixels and %(side)s px a side."
            ),
            413,
            megapixels=round(max_pixels / 1e6),
            side=MAX_SIDE,
        ) from None
    except UnidentifiedImageError:
        raise MediaError(N_("The file is not a JPEG, PNG or WebP image.")) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError):
        # Pillow reports damage through any of these (e.g. "image file is truncated").
        raise MediaError(
            N_(
                "The image is damaged or incomplete (perhaps the upload was cut off); "
                "save it again and upload the new file."
            )
        ) from None
    return image


def _check_size(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width * height > max_pixels or max(size) > MAX_SIDE:
        raise MediaError(
            N_(
                "The image has too many pixels (%(width)s×%(height)s); "
                "the limit is %(megapixels)s megapixels and %(side)s px a side."
            ),
            413,
            width=width,
            height=height,
            megapixels=round(max_pixels / 1e6),
            side=MAX_SIDE,
        )
    if min(size) < MIN_SIDE:
        raise MediaError(
            N_("The image is too small (%(width)s×%(height)s); at least %(side)s px a side."),
            width=width,
            height=height,
            side=MIN_SIDE,
        )
    if max(size) > MAX_ASPECT * min(size):
        raise MediaError(
            N_("The image is too long and thin (%(width)s×%(height)s) to show on a page."),
            width=width,
            height=height,
        )


def _upright_srgb(image: Image.Image) -> Image.Image:
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)  # an animated WebP is shown by its first frame
    image = ImageOps.exif_transpose(image)
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    mode = "RGBA" if alpha else "RGB"
    icc = image.info.get("icc_profile")
    converted = None
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        try:  # phones shoot in Display P3; browsers would show it washed out untagged
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            srgb = ImageCms.createProfile("sRGB")
            converted = ImageCms.profileToProfile(image, source, srgb, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None  # a broken profile: keep the pixels as they are
    image = converted if converted is not None else image.convert(mode)
    image.info = {}  # no EXIF, XMP, ICC or comments may leak into what we encode
    return image


def _resize(image: Image.Image, width: int, height: int) -> Image.Image:
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(image: Image.Image, fmt: str) -> EncodedImage:
    out = io.BytesIO()
    if fmt == "jpeg":
        if image.mode != "RGB":  # JPEG has no transparency: put it on white
            flat = Image.new("RGB", image.size, (255, 255, 255))
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        image.save(out, "JPEG", quality=82, optimize=True, progressive=True, exif=b"")
    elif fmt == "webp":
        image.save(out, "WEBP", quality=80, method=4, exif=b"")
    else:
        image.save(out, "PNG", optimize=True)
    return EncodedImage(out.getvalue(), image.width, image.height, fmt)
