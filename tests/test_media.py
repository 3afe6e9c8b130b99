"""Media: the storage interface, image checks and the responsive variants of a photo."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image
from sqlalchemy import func, select

from qrsvc.media import LocalMediaStore, MediaError, make_image_variants, store_image
from qrsvc.media.encoding import MAX_UPLOAD_BYTES
from qrsvc.models import Media

ORIENTATION, MAKE, GPS_IFD = 0x0112, 0x010F, 0x8825


def jpeg(width: int, height: int, orientation: int | None = None, **save) -> bytes:
    """A JPEG whose left half is red and right half blue, with EXIF (camera, GPS)."""
    image = Image.new("RGB", (width, height), (220, 30, 30))
    image.paste((30, 30, 220), (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[MAKE] = "Phone Camera"
    exif.get_ifd(GPS_IFD)[2] = (19.0, 55.0, 10.0)  # latitude: where the photo was taken
    if orientation:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90, **save)
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims ``width``×``height`` pixels: a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + chunk(b"IEND", b"")
    )


def noisy_jpeg(width: int = 800, height: int = 600) -> bytes:
    """A JPEG with enough detail that cutting it leaves missing scan data."""
    image = Image.effect_noise((width, height), 60).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def decode(data: bytes) -> Image.Image:
    """Open encoded bytes with Pillow and load the pixels."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.fixture
def store(tmp_path) -> LocalMediaStore:
    """A filesystem store in a temporary folder."""
    return LocalMediaStore(tmp_path / "media")


def test_variants_have_the_responsive_widths_in_webp_and_jpeg():
    result = make_image_variants(jpeg(1600, 1200))
    got = [(v.format, v.width, v.height) for v in result.variants]
    assert got == [
        ("webp", 320, 240), ("jpeg", 320, 240),
        ("webp", 640, 480), ("jpeg", 640, 480),
        ("webp", 1024, 768), ("jpeg", 1024, 768),
    ]  # fmt: skip
    for variant in result.variants:
        image = decode(variant.data)
        assert image.format == variant.format.upper()
        assert image.size == (variant.width, variant.height)
    assert (result.master.format, result.master.width, result.master.height) == ("jpeg", 1600, 1200)
    assert result.source_format == "JPEG"


def test_small_photo_is_never_enlarged():
    result = make_image_variants(jpeg(500, 300))
    assert sorted({v.width for v in result.variants}) == [320, 500]
    assert max(v.width for v in result.variants) == 500


def test_huge_photo_master_is_capped():
    image = Image.new("RGB", (4000, 3000), (90, 140, 90))
    out = io.BytesIO()
    image.save(out, "PNG")
    result = make_image_variants(out.getvalue())
    assert max(result.master.width, result.master.height) == 2560
    assert result.master.format == "jpeg"


def test_exif_is_removed_from_every_output():
    result = make_image_variants(jpeg(1200, 900, orientation=1))
    for encoded in (result.master, *result.variants):
        image = decode(encoded.data)
        assert "exif" not in image.info
        assert not image.getexif(), f"EXIF left in the {encoded.format} {encoded.width} px copy"
        assert b"Phone Camera" not in encoded.data


def test_exif_orientation_is_applied_before_it_is_dropped():
    # Orientation 6: the camera was turned; the picture must be rotated 90° clockwise,
    # which brings the red left half to the top.
    result = make_image_variants(jpeg(800, 400, orientation=6))
    assert (result.master.width, result.master.height) == (400, 800)
    for encoded in (result.master, *result.variants):
        image = decode(encoded.data).convert("RGB")
        w, h = image.size
        assert h > w
        top, bottom = image.getpixel((w // 2, h // 4)), image.getpixel((w // 2, 3 * h // 4))
        assert top[0] > 150 > top[2], f"top of {encoded.format} {w} px is {top}, not red"
        assert bottom[2] > 150 > bottom[0], f"bottom of {encoded.format} {w} px is {bottom}"


def test_transparent_png_keeps_alpha_in_webp_and_is_flattened_in_jpeg():
    image = Image.new("RGBA", (700, 500), (0, 0, 0, 0))
    image.paste((0, 128, 0, 255), (0, 0, 350, 500))
    out = io.BytesIO()
    image.save(out, "PNG")
    result = make_image_variants(out.getvalue())
    assert result.master.format == "png"
    webp = decode(result.variants[0].data)
    assert webp.mode == "RGBA" and webp.getpixel((300, 10))[3] == 0
    jpeg_copy = decode(result.variants[1].data)
    assert jpeg_copy.mode == "RGB" and min(jpeg_copy.getpixel((300, 10))) > 240  # white


def test_store_image_saves_master_and_variants_and_reuses_the_same_upload(app, session, store):
    data = jpeg(1300, 866)
    media = store_image(
        session, store, data, "C:\\photos\\Đình làng.jpg", {"vi": " Đình ", "en": "Hall"}
    )
    session.commit()
    assert media.kind == "image" and media.mime_type == "image/jpeg"
    assert (media.width, media.height) == (1300, 866)
    assert media.original_name == "Đình làng.jpg"
    assert media.alt == {"vi": "Đình", "en": "Hall"}
    assert len(media.sha256) == 64 and media.size_bytes == len(store.read(media.storage_key))
    assert [(v["width"], v["format"]) for v in media.variants] == [
        (320, "webp"), (320, "jpeg"), (640, "webp"), (640, "jpeg"), (1024, "webp"), (1024, "jpeg"),
    ]  # fmt: skip
    for variant in media.variants:
        assert store.exists(variant["key"])
        assert decode(store.read(variant["key"])).size == (variant["width"], variant["height"])
        assert store.url_path(variant["key"]) == "/media/" + variant["key"]
    again = store_image(session, store, data, "copy.jpg", {"vi": "Khác"})
    assert again.id == media.id
    assert session.scalar(select(func.count(Media.id))) == 1


BAD_UPLOADS = {
    "empty": (b"", "empty", 400),
    "oversized": (b"\xff\xd8\xff" + b"\0" * MAX_UPLOAD_BYTES, "too large", 413),
    "decompression bomb": (png_header(30_000, 30_000), "too many pixels", 413),
    "too many pixels": (png_header(10_000, 5_000), "too many pixels", 413),
    "absurd shape": (png_header(8_000, 20), "too long and thin", 400),
    "truncated jpeg": (noisy_jpeg()[:20_000], "damaged or incomplete", 400),
    "html as png": (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "HTML", 400),
    "svg with script": (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
        b"<script>alert(document.cookie)</script></svg>",
        "SVG",
        400,
    ),
    "bare svg": (b'  <svg onload="alert(1)"></svg>', "SVG", 400),
    "not an image": (b"GIF89a" + bytes(range(256)) * 4, "not a JPEG, PNG or WebP", 400),
}


@pytest.mark.parametrize("name", list(BAD_UPLOADS))
def test_bad_upload_is_refused_clearly_and_nothing_is_stored(name, app, session, store):
    data, message, status = BAD_UPLOADS[name]
    with pytest.raises(MediaError) as caught:
        store_image(session, store, data, f"{name}.png", {"vi": "x"})
    assert message in caught.value.message
    assert caught.value.status == status
    assert session.scalar(select(func.count(Media.id))) == 0
    assert not store.root.exists() or not any(p.is_file() for p in store.root.rglob("*"))


def test_store_refuses_keys_that_could_escape_its_folder(store):
    for key in ("../etc/passwd", "/abs/path", "img/../../x", "IMG/Upper.jpg", "a//b", "", "a/b\n"):
        with pytest.raises(ValueError):
            store.save(key, b"x", "text/plain")
    assert not store.root.exists()


def test_local_store_round_trip(store):
    store.save("img/ab/one.webp", b"first", "image/webp")
    store.save("img/ab/one.webp", b"second", "image/webp")  # replaced atomically
    assert store.exists("img/ab/one.webp") and store.read("img/ab/one.webp") == b"second"
    with store.open("img/ab/one.webp") as stream:
        assert stream.read() == b"second"
    assert [p.name for p in store.path("img/ab/one.webp").parent.iterdir()] == ["one.webp"]
    store.delete("img/ab/one.webp")
    store.delete("img/ab/one.webp")  # deleting twice is fine
    assert not store.exists("img/ab/one.webp")
    with pytest.raises(FileNotFoundError):
        store.open("img/ab/one.webp")


def test_app_media_store_uses_the_configured_folder(app):
    from qrsvc.media import media_store

    store = media_store(app)
    assert isinstance(store, LocalMediaStore)
    assert str(store.root) == app.config["MEDIA_DIR"]
    with app.app_context():
        assert media_store() is store  # one store per application
