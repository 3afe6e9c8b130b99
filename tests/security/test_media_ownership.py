"""Media belong to their producer: deduplication never crosses producers and never tells
one producer what another holds; deleting one producer's file leaves another's intact."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.media import media_store_from_config
from qrsvc.models import Media, Producer, Product
from tests.conftest import PASSWORD

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English (the admin speaks Vietnamese by default)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def jpeg(width: int = 96, height: int = 64) -> bytes:
    image = Image.new("RGB", (width, height), (30, 120, 60))
    image.paste((220, 200, 40), (0, 0, width // 3, height))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def login(client, app, email: str) -> None:
    """Sign ``client`` in as the existing user ``email`` through the login form."""
    for name in ("session", "remember_token"):
        client.delete_cookie(name)
    answer = client.post("/admin/login", data={"email": email, "password": PASSWORD})
    assert answer.status_code == 302, answer.status_code


@pytest.fixture
def producers(app, accounts):
    """Two producer accounts, a@ (producer pa) and b@ (producer pb), and an editor."""
    accounts.create("producer", email="a@coop.test", producer_ref="pa")
    accounts.create("producer", email="b@coop.test", producer_ref="pb")
    accounts.create("editor", email="ed@site.test")


def upload(client, data: bytes, name: str = "photo.jpg", **texts):
    return client.post(
        "/admin/media/upload",
        data={"file": (io.BytesIO(data), name), **texts},
        content_type="multipart/form-data",
    )


def media_of(app, producer_ref: str | None) -> list[Media]:
    with app.app_context():
        stmt = select(Media).order_by(Media.id)
        if producer_ref is None:
            stmt = stmt.where(Media.producer_id.is_(None))
        else:
            owner = select(Producer.id).where(Producer.ref == producer_ref).scalar_subquery()
            stmt = stmt.where(Media.producer_id == owner)
        return list(db.session.scalars(stmt))


def keys_of(media: Media) -> set[str]:
    return {media.storage_key, *(v["key"] for v in media.variants or [])}


@pytest.mark.parametrize("data", [jpeg(), MP3], ids=["photo", "audio"])
def test_the_same_bytes_give_each_producer_its_own_record_and_files(app, client, producers, data):
    login(client, app, "a@coop.test")
    first = upload(client, data, "a.jpg", alt_vi="Của A")
    assert first.status_code == 302
    login(client, app, "b@coop.test")
    second = upload(client, data, "b.jpg", alt_vi="Của B")
    assert second.status_code == 302
    [a], [b] = media_of(app, "pa"), media_of(app, "pb")
    assert a.id != b.id and a.sha256 == b.sha256
    assert not keys_of(a) & keys_of(b)  # no shared files either
    assert b.original_name == "b.jpg"
    if b.kind == "image":
        assert (a.alt, b.alt) == ({"vi": "Của A"}, {"vi": "Của B"})
    # B is sent to its own record, exactly as for any new upload, and sees only it.
    assert second.location.endswith(f"/admin/media/{b.id}")
    assert client.get(second.location).status_code == 200
    assert client.get(f"/admin/media/{a.id}").status_code == 404
    listing = client.get("/admin/media/").get_data(as_text=True)
    assert f"/admin/media/{b.id}" in listing and f'/admin/media/{a.id}"' not in listing
    login(client, app, "a@coop.test")
    assert client.get(f"/admin/media/{b.id}").status_code == 404


def test_the_answer_to_b_does_not_depend_on_what_a_holds(app, client, producers):
    """B's upload looks the same whether or not A uploaded the file before."""
    photo = jpeg(120, 80)
    login(client, app, "b@coop.test")
    fresh = upload(client, jpeg(121, 80), "fresh.jpg", alt_vi="x")
    fresh_page = client.get(fresh.location).get_data(as_text=True)
    login(client, app, "a@coop.test")
    upload(client, photo, "a.jpg")
    login(client, app, "b@coop.test")
    after_a = upload(client, photo, "dup.jpg", alt_vi="x")
    after_page = client.get(after_a.location).get_data(as_text=True)
    assert (after_a.status_code, len(after_a.data)) == (fresh.status_code, len(fresh.data))
    for page in (fresh_page, after_page):
        assert page.count("The file was uploaded.") == 1
        assert "already" not in page.lower() and "exists" not in page.lower()


def test_the_same_producer_uploading_again_reuses_its_own_file(app, client, producers):
    login(client, app, "a@coop.test")
    photo = jpeg()
    first, again = upload(client, photo), upload(client, photo, "again.jpg")
    assert first.location == again.location
    assert len(media_of(app, "pa")) == 1


def test_staff_and_producer_copies_are_separate(app, client, producers):
    photo = jpeg(100, 70)
    login(client, app, "ed@site.test")
    upload(client, photo, "staff.jpg")
    login(client, app, "a@coop.test")
    upload(client, photo, "a.jpg")
    [staff], [a] = media_of(app, None), media_of(app, "pa")
    assert staff.id != a.id and not keys_of(staff) & keys_of(a)


def test_storage_keys_do_not_give_the_content_away(app, client, producers):
    """Keys are random: no one can probe /media/ for a file whose bytes they hold."""
    login(client, app, "a@coop.test")
    photo = jpeg()
    upload(client, photo)
    [a] = media_of(app, "pa")
    assert a.sha256 not in a.storage_key
    assert all(a.sha256 not in key for key in keys_of(a))


def test_deleting_as_copy_leaves_bs_intact(app, client, producers):
    photo = jpeg()
    login(client, app, "a@coop.test")
    upload(client, photo, "a.jpg")
    login(client, app, "b@coop.test")
    upload(client, photo, "b.jpg")
    [a], [b] = media_of(app, "pa"), media_of(app, "pb")
    with app.app_context():
        pb = db.session.scalar(select(Producer).where(Producer.ref == "pb"))
        product = Product(producer=pb, ref="b-cake", name={"vi": "Bánh"}, photo_ids=[b.id])
        db.session.add(product)
        db.session.commit()
        product_id = product.id
    # B can neither delete A's file nor learn that it exists.
    assert client.post(f"/admin/media/{a.id}/delete").status_code == 404
    login(client, app, "a@coop.test")
    assert client.post(f"/admin/media/{a.id}/delete").status_code == 302
    assert media_of(app, "pa") == []
    store = media_store_from_config(app.config)
    assert not any(store.exists(key) for key in keys_of(a))
    [still] = media_of(app, "pb")
    assert still.id == b.id and all(store.exists(key) for key in keys_of(b))
    login(client, app, "b@coop.test")
    page = client.get(f"/admin/products/{product_id}").get_data(as_text=True)
    assert any(f"/media/{v['key']}" in page for v in b.variants)  # B's photo still shows
    assert client.get(f"/admin/media/{b.id}/file").status_code == 302


def test_deleting_a_file_takes_it_out_of_its_galleries(app, client, producers):
    login(client, app, "a@coop.test")
    upload(client, jpeg())
    [a] = media_of(app, "pa")
    with app.app_context():
        pa = db.session.scalar(select(Producer).where(Producer.ref == "pa"))
        product = Product(producer=pa, ref="a-cake", name={"vi": "Bánh"}, photo_ids=[a.id])
        db.session.add(product)
        db.session.commit()
        product_id = product.id
    page = client.get(f"/admin/media/{a.id}").get_data(as_text=True)
    assert f'action="/admin/media/{a.id}/delete"' in page  # offered on the file's page
    assert client.post(f"/admin/media/{a.id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(Product, product_id).photo_ids == []
    assert client.get(f"/admin/products/{product_id}").status_code == 200
