"""All data out of one instance and into a fresh one: the same public pages, byte for byte.

Instance A gets the demo (its site and areas included), a relic's verified donation
account (and one before it, replaced), a producer's proposed account and shop, and a
sign marked tampered, and has every public page fetched; its archive
(``qrsvc export --all``) is imported (``qrsvc import``) into instance B, a fresh
database and an empty media folder with keys of its own, and B's pages are fetched
the same way. Bodies are compared after one normalisation only: the EPCIS document's
``creationDate``, the moment the document was generated. Media keys, event ids,
codes and timestamps travel with the records, so nothing else may differ.

Then hostile archives, each refused with a clear message and nothing stored.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from qrsvc.demo import load_demo
from qrsvc.extensions import db
from qrsvc.media import media_store_from_config
from qrsvc.models import (
    Area,
    Batch,
    Media,
    PaymentAccount,
    Producer,
    Product,
    Relic,
    RetailListing,
    SignTampering,
    Site,
    TraceEvent,
    User,
)
from qrsvc.payments import add_listing, approve, mark_tampered, propose, reject
from tests.conftest import TEST_DATABASE_URL, _empty_all_tables, build_app

#: Searches read the stored search text, which a restore computes again.
SEARCHES = ["/search?q=lam+kinh", "/search?q=Banh+gai", "/search?q=tho+xuan"]
CREATION_DATE = re.compile(rb'"creationDate": ?"[^"]+"')


def fresh_app(folder: Path, template: str):
    """An application on a fresh database with its own instance and media folders."""
    url = TEST_DATABASE_URL
    if not url:
        shutil.copyfile(template, folder / "db.sqlite3")
        url = f"sqlite:///{folder / 'db.sqlite3'}"
    app = build_app(folder, url)
    if TEST_DATABASE_URL:
        with app.app_context():
            _empty_all_tables()
    return app


def add_payments(session) -> None:
    """A relic with a verified account (a replaced one before it, a proposed one after),
    its sign marked tampered, a producer with a verified account (a rejected one before
    it) and a shop: what the archive carries."""
    admin = session.scalars(select(User).where(User.role == "admin")).first()
    relic = session.scalars(select(Relic).where(Relic.status == "published")).first()
    product = session.scalars(select(Product).where(Product.status == "published")).first()
    producer = session.get(Producer, product.producer_id)
    approve(propose(relic, "970436", "0011001932418", "BAN QUAN LY DI TICH", admin), admin)
    approve(propose(relic, "970415", "1012345678", "BAN QUAN LY DI TICH", admin), admin)
    mark_tampered(relic, admin, "Dán đè mã quyên góp")
    reject(propose(producer, "970405", "3300205123456", "HTX TU TRU", admin), admin, "Sai số")
    approve(propose(producer, "970405", "3300205654321", "HTX BANH GAI TU TRU", admin), admin)
    propose(relic, "970418", "21510000123456", "DEN THO", admin)
    add_listing(producer, "Postmart", "https://postmart.vn/shop/htx-tu-tru", admin)


def public_paths(data: dict) -> list[str]:
    """Every public page of the archive's records, and each media file's URL."""
    paths = ["/", "/relics", "/relics?lang=en", "/products", "/products?lang=en"]
    paths += SEARCHES
    for relic in data["relics"]:
        paths += [f"/r/{relic['code']}?lang={lang}" for lang in ("vi", "en")]
        paths += [f"/api/v1/relics/{relic['code']}"]
        paths += [f"/relics/{slug}" for slug in relic["old_slugs"]]
    for product in data["products"]:
        paths += [f"/p/{product['ref']}", f"/p/{product['ref']}?lang=en"]
        paths += [f"/api/v1/products/{product['ref']}"]
        if product["gtin"]:
            paths += [f"/01/{product['gtin']}", f"/01/{product['gtin']}?linkType=linkset"]
    products = {p["ref"]: p for p in data["products"]}
    for batch in data["batches"]:
        product = products[batch["product"]]
        paths += [f"/p/{product['ref']}/10/{batch['lot']}", f"/api/v1/batches/{batch['ref']}"]
        paths += [f"/api/v1/batches/{batch['ref']}/epcis"]
        if product["gtin"]:
            paths += [f"/01/{product['gtin']}/10/{batch['lot']}"]
    for media in data["media"]:
        paths += [f"/media/{media['storage_key']}"]
        paths += [f"/media/{v['key']}" for v in media["variants"]]
    return paths


def fetch(app, paths: list[str]) -> dict[str, tuple[int, str, bytes]]:
    """Status, Location and normalised body of each path."""
    client = app.test_client()
    pages = {}
    for path in paths:
        answer = client.get(path)
        body = CREATION_DATE.sub(b'"creationDate": "..."', answer.get_data())
        pages[path] = (answer.status_code, answer.headers.get("Location", ""), body)
    return pages


@pytest.fixture(scope="module")
def trip(tmp_path_factory, database_template):
    """Instance A with the demo, its archive, and instance B restored from it."""
    folder_a = tmp_path_factory.mktemp("instance-a")
    app_a = fresh_app(folder_a, database_template)
    with app_a.app_context():
        load_demo(db.session, media_store_from_config(app_a.config))
        add_payments(db.session)
        db.session.remove()
    archive = folder_a / "all.zip"
    exported = app_a.test_cli_runner().invoke(args=["export", "--all", str(archive)])
    assert exported.exit_code == 0, exported.output
    with zipfile.ZipFile(archive) as opened:
        data = json.loads(opened.read("data.json"))
        data_a = opened.read("data.json")
    paths = public_paths(data)
    pages_a = fetch(app_a, paths)
    with app_a.app_context():
        db.session.remove()
        db.engine.dispose()

    folder_b = tmp_path_factory.mktemp("instance-b")
    app_b = fresh_app(folder_b, database_template)
    imported = app_b.test_cli_runner().invoke(args=["import", str(archive)])
    pages_b = fetch(app_b, paths)
    again = folder_b / "again.zip"
    exported_b = app_b.test_cli_runner().invoke(args=["export", str(again)])
    with zipfile.ZipFile(again) as opened:
        data_b = opened.read("data.json")
    with app_b.app_context():
        counts = {
            m.__name__: db.session.scalar(select(func.count()).select_from(m))
            for m in (
                Relic,
                Producer,
                Product,
                Batch,
                TraceEvent,
                Media,
                Area,
                Site,
                PaymentAccount,
                RetailListing,
                SignTampering,
            )  # fmt: skip
        }
        db.session.remove()
        db.engine.dispose()
    return SimpleNamespace(
        archive=archive.read_bytes(),
        data=data,
        paths=paths,
        pages_a=pages_a,
        pages_b=pages_b,
        imported=imported,
        exported=exported,
        exported_b=exported_b,
        data_a=data_a,
        data_b=data_b,
        counts=counts,
    )


def test_the_archive_holds_every_kind_of_record_and_no_secret(trip):
    data = trip.data
    assert {k: bool(v) for k, v in data.items()} == dict.fromkeys(
        (
            "areas", "producers", "media", "site", "relics", "products", "batches",
            "payment_accounts", "retail_listings", "sign_tamperings",
        ),
        True,
    )  # fmt: skip
    assert all(a["origins"] for a in data["areas"]) and len(data["site"]) == 1
    assert all(r["area"] for r in data["relics"]) and any(p["area"] for p in data["producers"])
    states = {a["state"] for a in data["payment_accounts"]}
    assert states == {"verified", "replaced", "proposed", "rejected"}
    for account in data["payment_accounts"]:  # when, not who: accounts stay behind
        assert account["proposed_at"] and "proposed_by_id" not in account
    assert not any("search_text" in r for kind in ("relics", "producers") for r in data[kind])
    assert any(r["festivals"] and r["steles"] and r["media"] for r in data["relics"])
    assert any(r["old_slugs"] for r in data["relics"]) and any(r["related"] for r in data["relics"])
    assert any(m["kind"] == "audio" and m["mime_type"].startswith("audio/") for m in data["media"])
    assert all(m["alt"] for m in data["media"] if m["kind"] == "image")
    assert any(p["photos"] and p["links"] for p in data["products"])
    batches = data["batches"]
    assert any(b["inputs"] and b["inputs"][0]["input_batch"] for b in batches)
    assert any(e["evidence"] and e["quantity"] for b in batches for e in b["events"])
    text = trip.archive.decode("latin-1")
    for secret in ("password", "pbkdf2", "scrypt:", "stamp_key", "pin_hash", "email_verified"):
        assert secret not in text
    assert "stamp_runs" not in data and "users" not in data


def test_the_manifest_gives_a_version_and_every_files_sha256(trip):
    with zipfile.ZipFile(io.BytesIO(trip.archive)) as opened:
        manifest = json.loads(opened.read("manifest.json"))
        assert manifest["format"] == "qrsvc-archive" and manifest["version"] == 2
        names = set(opened.namelist()) - {"manifest.json"}
        assert set(manifest["files"]) == names
        for name in names:
            body = opened.read(name)
            assert manifest["files"][name] == {
                "size": len(body),
                "sha256": hashlib.sha256(body).hexdigest(),
            }


def test_the_import_restores_everything(trip):
    assert trip.imported.exit_code == 0, trip.imported.output
    assert trip.counts == {
        "Relic": len(trip.data["relics"]),
        "Producer": len(trip.data["producers"]),
        "Product": len(trip.data["products"]),
        "Batch": len(trip.data["batches"]),
        "TraceEvent": sum(len(b["events"]) for b in trip.data["batches"]),
        "Media": len(trip.data["media"]),
        "Area": len(trip.data["areas"]),
        "Site": 1,
        "PaymentAccount": 5,
        "RetailListing": 1,
        "SignTampering": 1,
    }


def test_every_public_page_is_the_same_on_the_restored_instance(trip):
    assert len(trip.paths) > 100
    served = [p for p in trip.paths if trip.pages_a[p][0] == 200]
    assert len(served) > 0.9 * len(trip.paths)
    different = [p for p in trip.paths if trip.pages_a[p] != trip.pages_b[p]]
    assert different == []


def test_the_donation_code_the_tampered_sign_and_where_to_buy_are_restored(trip):
    relic = next(a["relic"] for a in trip.data["payment_accounts"] if a["state"] == "verified")
    marked = trip.data["sign_tamperings"][0]["relic"]
    listing = trip.data["retail_listings"][0]
    product = next(p["ref"] for p in trip.data["products"] if p["producer"] == listing["producer"])
    for pages in (trip.pages_a, trip.pages_b):
        status, _location, body = pages[f"/r/{relic}?lang=en"]
        assert status == 200 and b"0011001932418" not in body and b"1012345678" in body
        assert marked == relic and b"Official donation code" in body
        status, _location, body = pages[f"/p/{product}?lang=en"]
        assert status == 200 and b"https://postmart.vn/shop/htx-tu-tru" in body
        assert b"3300205654321" in body and b"3300205123456" not in body
    assert pages_differ(trip, [f"/r/{relic}?lang=en", f"/p/{product}?lang=en"]) == []


def test_search_finds_the_same_records_on_the_restored_instance(trip):
    hits = {path: re.findall(rb'href="/(?:r|01)/', trip.pages_b[path][2]) for path in SEARCHES}
    assert all(hits.values()) and all(trip.pages_b[path][0] == 200 for path in SEARCHES)
    assert b"/r/LK" in trip.pages_b[SEARCHES[0]][2] and b"/01/" in trip.pages_b[SEARCHES[1]][2]
    assert pages_differ(trip, SEARCHES) == []


def pages_differ(trip, paths: list[str]) -> list[str]:
    """The paths whose pages differ between the two instances."""
    return [p for p in paths if trip.pages_a[p] != trip.pages_b[p]]


def test_exporting_the_restored_instance_gives_the_same_data(trip):
    assert trip.exported_b.exit_code == 0, trip.exported_b.output
    assert trip.data_b == trip.data_a


# Hostile archives: each built from the demo's own archive, then imported into the
# fresh instance of the ``app`` fixture.


def rebuild(archive: bytes, changes=None, extra=(), manifest=True) -> bytes:
    """The archive with members replaced (``None`` removes one), ``extra`` (ZipInfo,
    body) members added, and the manifest recomputed unless ``manifest`` is False."""
    changes = changes or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        members = {name: source.read(name) for name in source.namelist()}
    old = json.loads(members.pop("manifest.json"))
    for name, body in changes.items():
        if body is None:
            members.pop(name, None)
        else:
            members[name] = body
    files = {
        name: {"size": len(body), "sha256": hashlib.sha256(body).hexdigest()}
        for name, body in members.items()
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, body in members.items():
            target.writestr(name, body)
        for info, body in extra:
            target.writestr(info, body)
        listed = dict(old, files=files if manifest else old["files"])
        target.writestr("manifest.json", json.dumps(listed))
    return out.getvalue()


def with_data(archive: bytes, change) -> bytes:
    """The archive with ``change(data)`` applied to its records (manifest kept right)."""
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        data = json.loads(source.read("data.json"))
    change(data)
    return rebuild(archive, {"data.json": json.dumps(data).encode()})


def refused(app, runner, tmp_path, body: bytes, *expected: str) -> str:
    """Import ``body``: it must fail, say each of ``expected``, and store nothing."""
    path = tmp_path / "hostile.zip"
    path.write_bytes(body)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1, result.output
    for text in expected:
        assert text in result.output
    with app.app_context():
        for model in (Relic, Producer, Product, Batch, Media):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0
    media = Path(app.config["MEDIA_DIR"])
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    return result.output


def first_photo(trip) -> str:
    """The member name of the demo's first photo master."""
    key = next(m["storage_key"] for m in trip.data["media"] if m["kind"] == "image")
    return f"media/{key}"


def test_the_archive_imports_into_a_fresh_instance_with_a_dry_run_first(
    trip, app, runner, tmp_path
):
    path = tmp_path / "all.zip"
    path.write_bytes(trip.archive)
    checked = runner.invoke(args=["import", "--dry-run", str(path)])
    assert checked.exit_code == 0, checked.output
    records = sum(len(rows) for rows in trip.data.values())
    assert f"checked: {records} to create" in checked.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Relic)) == 0
    done = runner.invoke(args=["import", str(path)])
    assert done.exit_code == 0, done.output
    again = runner.invoke(args=["import", str(path)])
    assert again.exit_code == 1
    assert "fresh instance only" in again.output


@pytest.mark.parametrize(
    "name",
    ["../evil.txt", "/etc/cron.d/evil", "media/../../evil.jpg", "media\\..\\evil.jpg", "C:/x"],
)
def test_a_path_that_climbs_out_is_refused(trip, app, runner, tmp_path, name):
    body = rebuild(trip.archive, extra=[(zipfile.ZipInfo(name), b"x")])
    refused(app, runner, tmp_path, body, "unsafe path")


def test_a_symbolic_link_is_refused(trip, app, runner, tmp_path):
    link = zipfile.ZipInfo("media/img/aa/link.jpg")
    link.external_attr = 0o120777 << 16
    body = rebuild(trip.archive, extra=[(link, b"/etc/passwd")])
    refused(app, runner, tmp_path, body, "a link", "plain files only")


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_a_member_twice_is_refused(trip, app, runner, tmp_path):
    name = first_photo(trip)
    with zipfile.ZipFile(io.BytesIO(trip.archive)) as source:
        photo = source.read(name)
    body = rebuild(trip.archive, extra=[(zipfile.ZipInfo(name), photo)])
    refused(app, runner, tmp_path, body, "twice")


def test_a_file_that_unpacks_too_large_is_refused_before_unpacking(trip, app, runner, tmp_path):
    body = rebuild(trip.archive, {first_photo(trip): b"\0" * (40 * 1024 * 1024)})
    with zipfile.ZipFile(io.BytesIO(body)) as opened:  # a bomb: small outside, large inside
        assert opened.getinfo(first_photo(trip)).compress_size < 100 * 1024
    refused(app, runner, tmp_path, body, "would unpack to", "at most")


def patched_size(body: bytes, name: str, size: int) -> bytes:
    """The archive with the uncompressed size ``name`` declares (both headers) set to ``size``."""
    data = bytearray(body)
    encoded = name.encode()
    local = data.find(b"PK\x03\x04")
    while local != -1:
        if data[local + 30 : local + 30 + len(encoded)] == encoded:
            data[local + 22 : local + 26] = size.to_bytes(4, "little")
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        if data[central + 46 : central + 46 + len(encoded)] == encoded:
            data[central + 24 : central + 28] = size.to_bytes(4, "little")
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def test_a_declared_size_of_gigabytes_is_refused(trip, app, runner, tmp_path):
    body = patched_size(trip.archive, "data.json", 4_000_000_000)
    refused(app, runner, tmp_path, body, "data.json", "would unpack to")


def with_manifest(archive: bytes, edit) -> bytes:
    """The archive with ``edit(manifest)`` applied to its manifest and nothing else."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        manifest = json.loads(source.read("manifest.json"))
        edit(manifest)
        for name in source.namelist():
            if name != "manifest.json":
                target.writestr(source.getinfo(name), source.read(name))
        target.writestr("manifest.json", json.dumps(manifest))
    return out.getvalue()


@pytest.mark.parametrize("delta", [-100, 100])
def test_a_member_whose_declared_size_lies_is_refused(trip, app, runner, tmp_path, delta):
    with zipfile.ZipFile(io.BytesIO(trip.archive)) as source:
        real = source.getinfo("data.json").file_size

    def lie(manifest):  # the manifest lies along with the ZIP headers
        manifest["files"]["data.json"]["size"] = real + delta

    body = patched_size(with_manifest(trip.archive, lie), "data.json", real + delta)
    refused(app, runner, tmp_path, body, "'data.json'")


def test_a_changed_file_fails_its_hash(trip, app, runner, tmp_path):
    name = first_photo(trip)
    with zipfile.ZipFile(io.BytesIO(trip.archive)) as source:
        photo = bytearray(source.read(name))
    photo[-10] ^= 0xFF
    body = rebuild(trip.archive, {name: bytes(photo)}, manifest=False)
    refused(app, runner, tmp_path, body, "does not match its SHA-256")


def test_a_file_the_manifest_does_not_list_is_refused(trip, app, runner, tmp_path):
    body = rebuild(trip.archive, manifest=False, extra=[(zipfile.ZipInfo("data2.json"), b"{}")])
    refused(app, runner, tmp_path, body, "data2.json")


def test_a_web_page_posing_as_a_photo_is_refused(trip, app, runner, tmp_path):
    html = b"<html><script>alert(1)</script>" + b" " * 100
    body = rebuild(trip.archive, {first_photo(trip): html})
    refused(app, runner, tmp_path, body, "web page (HTML)")


def test_sound_that_is_not_audio_is_refused(trip, app, runner, tmp_path):
    key = next(m["storage_key"] for m in trip.data["media"] if m["kind"] == "audio")
    body = rebuild(trip.archive, {f"media/{key}": b"MZ\x90\x00" + b"\0" * 200})
    refused(app, runner, tmp_path, body, "is not audio/")


def test_fields_of_the_wrong_type_or_size_are_refused_per_row(trip, app, runner, tmp_path):
    def spoil(data):
        data["relics"][0]["fee_vnd"] = "free"
        data["relics"][1]["translations"][0]["name"] = "x" * 10_000
        data["products"][0]["ocop_stars"] = True
        data["batches"][0]["events"][0]["event_time"] = "yesterday"
        data["producers"][0]["latitude"] = float("inf")
        data["relics"][2]["colour"] = "red"

    output = refused(app, runner, tmp_path, with_data(trip.archive, spoil))
    code = trip.data["relics"][0]["code"]
    assert f"relics record 1 ({code}): 'fee_vnd': 'free' is not a whole number." in output
    assert "translations[0]: 'name': too long (10000 characters; at most 200)" in output
    assert "'ocop_stars': True is not a whole number." in output
    assert "events[0]: 'event_time': 'yesterday' is not a time" in output
    assert "Unknown field 'colour'" in output
    assert "'latitude'" in output


def test_duplicate_keys_are_refused_per_row(trip, app, runner, tmp_path):
    def duplicate(data):
        data["relics"][1]["code"] = data["relics"][0]["code"]
        data["products"][1]["gtin"] = next(p["gtin"] for p in data["products"] if p["gtin"])
        data["batches"][1]["events"][0]["event_uri"] = data["batches"][0]["events"][0]["event_uri"]

    output = refused(app, runner, tmp_path, with_data(trip.archive, duplicate))
    assert "relic code" in output and "is already that of relics record 1" in output
    assert "GTIN" in output and "event" in output


def test_hostile_links_and_references_are_refused(trip, app, runner, tmp_path):
    def spoil(data):
        product = next(p for p in data["products"] if p["links"])
        product["links"][0]["href"] = "javascript:alert(1)"
        data["batches"][0]["product"] = "no-such-product"
        data["relics"][0]["related"] = ["ZZ99"]
        data["relics"][0]["media"] = [{"media": "img/../../etc/passwd", "position": 0}]

    output = refused(app, runner, tmp_path, with_data(trip.archive, spoil))
    assert "the address must start with https:// or http://" in output
    assert "no product 'no-such-product'" in output
    assert "no relic 'ZZ99'" in output
    assert "give a media key of the archive" in output


@pytest.mark.parametrize(
    "body, expected",
    [
        (b"PK\x03\x04 not really a zip", "not a readable ZIP archive"),
        (b"", "not a readable ZIP archive"),
    ],
)
def test_what_is_no_archive_is_refused(app, runner, tmp_path, body, expected):
    path = tmp_path / "x.zip"
    path.write_bytes(body)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    assert expected in result.output


def test_an_archive_of_a_newer_format_asks_for_an_update(trip, app, runner, tmp_path):
    body = with_manifest(trip.archive, lambda manifest: manifest.update(version=99))
    refused(app, runner, tmp_path, body, "format version 99", "update qrsvc")
