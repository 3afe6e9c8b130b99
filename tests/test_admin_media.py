"""Uploads through the admin: photos checked by content, audio with transcripts, hostile files."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageFile
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.media import media_store_from_config
from qrsvc.models import Media, Producer, Product, Relic, RelicMedia, RelicTranslation
from qrsvc.site.service import save_site

#: A site whose content languages the test chooses.
SITE_TEXTS = {"vi": {"name": "Trang thử", "short_name": "Thử"}}


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English (the admin speaks Vietnamese by default)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def app_config():
    """A small body limit, so that the 413 test need not send 25 MB."""
    return {"MAX_CONTENT_LENGTH": 3 * 1024 * 1024}


def jpeg(width=64, height=32, orientation=None, gps=False) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    image.paste((20, 20, 200), (0, 0, width // 2, height))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (19.0, 57.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header says ``width``×``height`` (the header is all a bomb needs)."""
    out = io.BytesIO()
    Image.new("L", (16, 16)).save(out, "PNG")
    data = bytearray(out.getvalue())
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def upload(client, data: bytes, name: str, to: str = "", **texts):
    url = "/admin/media/upload" + (f"?to={to}" if to else "")
    return client.post(
        url,
        data={"file": (io.BytesIO(data), name), **texts},
        content_type="multipart/form-data",
    )


def stored(app) -> list[Media]:
    with app.app_context():
        return list(db.session.scalars(select(Media)))


def test_photo_is_made_upright_stripped_and_resized_once(app, client, accounts):
    accounts.login("editor")
    response = upload(
        client,
        jpeg(800, 400, orientation=6, gps=True),
        "IMG_0001.JPG",
        alt_vi="Cổng Lam Kinh",
        alt_en="Lam Kinh gate",
    )
    assert response.status_code == 302
    [media] = stored(app)
    assert (media.width, media.height) == (400, 800)  # orientation applied
    assert media.alt == {"vi": "Cổng Lam Kinh", "en": "Lam Kinh gate"}
    store = media_store_from_config(app.config)
    master = Image.open(io.BytesIO(store.read(media.storage_key)))
    assert not master.getexif()  # no GPS, no orientation left to apply twice
    formats = {(v["width"], v["format"]) for v in media.variants}
    assert (320, "webp") in formats and (320, "jpeg") in formats and (400, "webp") in formats
    # The same photo again is the same file, not a second copy.
    upload(client, jpeg(800, 400, orientation=6, gps=True), "again.jpg")
    assert len(stored(app)) == 1


@pytest.mark.parametrize(
    ("data", "name", "status", "message"),
    [
        (b"<!doctype html><html><script>alert(1)</script></html>", "photo.png", 400, "web page"),
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.svg",
            400,
            "SVG",
        ),
        (b'<svg onload="alert(1)"/>', "innocent.jpg", 400, "SVG"),
        (png_claiming(20_000, 20_000), "huge.png", 413, "too many pixels"),
        (jpeg(640, 480)[:700], "truncated.jpg", 400, "damaged"),
        (b"", "empty.jpg", 400, ""),
        (b"GIF89a" + b"\x00" * 100, "anim.gif", 400, "not a JPEG, PNG or WebP"),
        (b"MZ\x90\x00" + b"\x00" * 200, "photo.jpg", 400, "not a JPEG, PNG or WebP"),
    ],
)
def test_hostile_uploads_are_refused_and_store_nothing(
    app, client, accounts, data, name, status, message
):
    accounts.login("editor")
    response = upload(client, data, name)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert stored(app) == []
    media_dir = app.config["MEDIA_DIR"]
    import os

    assert not os.path.exists(media_dir) or not any(files for _d, _s, files in os.walk(media_dir))


def test_truncated_images_are_refused_even_after_the_print_engine_was_loaded(
    client, accounts, monkeypatch
):
    # Importing WeasyPrint (a worker that printed a sign) sets this for the whole process;
    # monkeypatch puts it back after the test so that no other test inherits it.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    accounts.login("editor")
    response = upload(client, jpeg(640, 480)[:700], "truncated.jpg")
    assert response.status_code == 400 and "damaged" in response.get_data(as_text=True)
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # and the print engine's setting is put back


def test_an_oversized_body_is_refused_with_413(app, client, accounts):
    accounts.login("editor")
    response = upload(client, b"\xff\xd8\xff" + b"\x00" * (4 * 1024 * 1024), "big.jpg")
    assert response.status_code == 413
    assert stored(app) == []


def test_audio_is_recognised_by_content_and_keeps_its_transcript(app, client, accounts):
    accounts.login("editor")
    mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + b"\x00" * 2000
    response = upload(
        client,
        mp3,
        "thuyet-minh.bin",
        transcript_vi="Chào mừng đến Lam Kinh.",
        transcript_en="Welcome to Lam Kinh.",
    )
    assert response.status_code == 302
    [media] = stored(app)
    assert media.kind == "audio" and media.mime_type == "audio/mpeg"
    assert media.storage_key.endswith(".mp3")
    assert media.transcript == {"vi": "Chào mừng đến Lam Kinh.", "en": "Welcome to Lam Kinh."}


def test_alt_texts_are_edited_per_language_with_history(app, client, accounts):
    with app.app_context():  # the site's content languages offer fr
        save_site({"texts": SITE_TEXTS, "content_languages": ["vi", "en", "fr"]})
    accounts.login("editor")
    upload(client, jpeg(), "a.jpg", alt_vi="Cổng")
    [media] = stored(app)
    page = client.get(f"/admin/media/{media.id}").get_data(as_text=True)
    assert 'name="alt__vi"' in page and 'name="alt__en"' in page
    response = client.post(
        f"/admin/media/{media.id}?add_lang=fr",
        data={
            "version": media.version,
            "alt__vi": "Cổng chính",
            "alt__en": "Main gate",
            "alt__fr": "Porte principale",
            "credit": "Phòng Văn hóa",
        },
    )
    assert response.status_code == 302
    [media] = stored(app)
    assert media.alt == {"en": "Main gate", "fr": "Porte principale", "vi": "Cổng chính"}
    assert "Cổng chính" in client.get(f"/admin/media/{media.id}/history").get_data(as_text=True)


def test_upload_attached_to_a_relic_and_removed_from_it(app, client, accounts):
    accounts.login("editor")
    with app.app_context():
        relic = Relic(code="LK01", slug="lk", translations=[RelicTranslation(lang="vi", name="LK")])
        db.session.add(relic)
        db.session.commit()
        rid = relic.id
    response = upload(client, jpeg(), "gate.jpg", to=f"relic:{rid}", alt_vi="Cổng")
    assert response.status_code == 302 and response.location == f"/admin/relics/{rid}"
    page = client.get(f"/admin/relics/{rid}").get_data(as_text=True)
    assert '<img src="/media/img/' in page and 'alt="Cổng"' in page
    [media] = stored(app)
    client.post(f"/admin/relic/{rid}/media/{media.id}/remove")
    with app.app_context():
        assert db.session.scalars(select(RelicMedia)).all() == []


def test_a_producers_files_are_their_own(app, client, accounts):
    accounts.login("producer", email="a@coop.test")
    upload(client, jpeg(), "mine.jpg")
    [media] = stored(app)
    with app.app_context():
        mine = db.session.scalar(select(Producer.id))
        assert media.producer_id == mine
        other = Producer(ref="other", name="Other")
        product = Product(producer=other, ref="theirs", name={"vi": "X"})
        db.session.add_all([other, product])
        db.session.commit()
        theirs = product.id
    # Attaching to another producer's product is refused, and the file is not attached.
    assert upload(client, jpeg(70, 30), "x.jpg", to=f"product:{theirs}").status_code == 404
    with app.app_context():
        assert db.session.get(Product, theirs).photo_ids == []
    assert len(stored(app)) == 1  # refused before anything was stored


def test_a_products_photos_are_in_its_history(app, client, accounts):
    accounts.login("producer", producer_ref="tu-tru")
    with app.app_context():
        producer = db.session.scalar(select(Producer))
        product = Product(producer=producer, ref="banh-gai", name={"vi": "Bánh gai"})
        db.session.add(product)
        db.session.commit()
        pid = product.id
    assert upload(client, jpeg(), "banh.jpg", to=f"product:{pid}").status_code == 302
    with app.app_context():
        product = db.session.get(Product, pid)
        assert len(product.photo_ids) == 1 and product.version == 2
    history = client.get(f"/admin/products/{pid}/history").get_data(as_text=True)
    assert "photo_ids" in history
    # The edit form loaded now carries the new version: no false conflict.
    page = client.get(f"/admin/products/{pid}").get_data(as_text=True)
    assert 'name="version" type="hidden" value="2"' in page


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 40)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "status", "vietnamese", "in_english"),
    [
        (
            b'<svg onload="alert(1)"/>',
            400,
            "Không chấp nhận hình vẽ SVG (loại tệp này có thể chứa mã lệnh); "
            "hãy tải lên ảnh JPEG, PNG hoặc WebP.",
            "SVG drawings",
        ),
        (
            b"<!doctype html><html><script>alert(1)</script></html>",
            400,
            "Tệp này là một trang web (HTML), không phải ảnh; hãy tải lên ảnh JPEG, PNG hoặc WebP.",
            "web page",
        ),
        (
            png_claiming(13_000, 1_000),
            413,
            "Ảnh có quá nhiều điểm ảnh (13000×1000); giới hạn là 40 megapixel "
            "và 12000 px mỗi cạnh.",
            "too many pixels",
        ),
        (png(8, 8), 400, "Ảnh quá nhỏ (8×8); mỗi cạnh cần ít nhất 16 px.", "too small"),
        (
            png_claiming(4_000, 100),
            400,
            "Ảnh quá dài và hẹp (4000×100), không hiển thị được trên trang.",
            "long and thin",
        ),
        (
            jpeg(640, 480)[:700],
            400,
            "Ảnh bị hỏng hoặc không đầy đủ (có thể việc tải lên bị ngắt giữa chừng); "
            "hãy lưu lại ảnh rồi tải lên tệp mới.",
            "damaged",
        ),
        (
            b"GIF89a" + b"\x00" * 100,
            400,
            "Tệp này không phải ảnh JPEG, PNG hoặc WebP.",
            "not a JPEG",
        ),
    ],
)
def test_a_refused_upload_is_explained_in_vietnamese_to_a_vietnamese_admin(
    app, client, accounts, data, status, vietnamese, in_english
):
    client.environ_base.pop("HTTP_ACCEPT_LANGUAGE")  # the admin's own language: Vietnamese
    accounts.login("editor")
    response = upload(client, data, "anh.png")
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert f'<strong class="error">{vietnamese}</strong>' in html
    assert in_english not in html
    assert stored(app) == []
    # The same admin asking for English reads the English message.
    english_page = client.post(
        "/admin/media/upload?lang=en",
        data={"file": (io.BytesIO(data), "anh.png")},
        content_type="multipart/form-data",
    )
    assert in_english in english_page.get_data(as_text=True)


def test_sizes_in_an_upload_error_are_written_the_vietnamese_way(app):
    from qrsvc.admin.media import error_text
    from qrsvc.media import MediaError, make_image_variants

    with pytest.raises(MediaError) as refused:
        make_image_variants(b"\xff\xd8\xff" + b"\x00" * 1_600_000, max_bytes=1024 * 1024)
    assert refused.value.message == "The file is too large (1.5 MB); the limit is 1 MB."
    assert refused.value.status == 413
    with app.test_request_context(headers={"Accept-Language": "vi"}):
        assert error_text(refused.value) == "Tệp quá lớn (1,5 MB); giới hạn là 1 MB."
        # A message from elsewhere (the storage) without parameters is shown as it is,
        # a "%" in it included.
        assert error_text(MediaError("The disk is 100% full.", 507)) == "The disk is 100% full."
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert error_text(refused.value) == "The file is too large (1.5 MB); the limit is 1 MB."


def test_storage_failures_are_told_in_the_admins_language(app, accounts):
    """A full disk is the administrator's problem, said plainly, in Vietnamese by default."""
    import errno

    from qrsvc.admin.media import error_text
    from qrsvc.media.storage import _storage_error

    full = _storage_error(Path("/srv/qrsvc/media"), OSError(errno.ENOSPC, "No space left"))
    assert full.status == 507 and "/srv" not in full.message
    with app.test_request_context("/admin/media/upload", headers={"Accept-Language": "vi"}):
        assert error_text(full) == (
            "Không lưu được tệp: ổ đĩa chứa thư mục ảnh và âm thanh đã đầy. "
            "Chưa có gì được lưu; vui lòng báo cho quản trị viên."
        )
