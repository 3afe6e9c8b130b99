"""The demo data: loaded twice without change, complete, valid, and marked as sample."""

from __future__ import annotations

import io
import shutil
import unicodedata
from datetime import date, timedelta, timezone
from types import SimpleNamespace

import pytest
from PIL import Image
from sqlalchemy import func, select

from qrsvc.demo import load_demo
from qrsvc.epcis.vocab import cbv_term, is_uri
from qrsvc.extensions import db
from qrsvc.media import media_store_from_config
from qrsvc.models import (
    Batch,
    BatchInput,
    Festival,
    Media,
    Producer,
    Product,
    RelatedRelic,
    Relic,
    RelicMedia,
    RelicTranslation,
    Stele,
    TraceEvent,
    TraceLink,
    User,
)
from tests.conftest import TEST_DATABASE_URL, _empty_all_tables, build_app

MODELS = (
    Relic, RelicTranslation, Festival, Stele, RelicMedia, RelatedRelic, Media, Producer, Product,
    TraceLink, Batch, BatchInput, TraceEvent, User,
)  # fmt: skip
SAMPLE = "Nội dung mẫu / Sample content"
VIETNAM = timezone(timedelta(hours=7))


def counts() -> dict[str, int]:
    """Rows per table of the demo."""
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def gtin_ok(digits: str) -> bool:
    """GS1 mod-10, written here independently of the code under test."""
    body, check = [int(d) for d in digits[:-1]], int(digits[-1])
    weighted = sum(d * (1 if i % 2 else 3) for i, d in enumerate(reversed(body)))
    return (weighted + check) % 10 == 0


@pytest.fixture(scope="module")
def demo(tmp_path_factory, database_template):
    """One database with the demo loaded twice; loading takes seconds, so once per module."""
    folder = tmp_path_factory.mktemp("demo")
    url = TEST_DATABASE_URL
    if not url:
        shutil.copyfile(database_template, folder / "demo.sqlite3")
        url = f"sqlite:///{folder / 'demo.sqlite3'}"
    app = build_app(folder, url)
    with app.app_context():
        if TEST_DATABASE_URL:
            _empty_all_tables()
        store = media_store_from_config(app.config)
        first = load_demo(db.session, store)
        after_first = counts()
        second = load_demo(db.session, store)
        after_second = counts()
        db.session.remove()
    yield SimpleNamespace(
        app=app,
        store=store,
        first=first,
        second=second,
        after_first=after_first,
        after_second=after_second,
    )
    with app.app_context():
        if TEST_DATABASE_URL:
            _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def demo_session(demo):
    """The session of the demo database."""
    with demo.app.app_context():
        yield db.session


def test_second_load_creates_and_changes_nothing(demo):
    assert demo.first.changed and demo.first.count("relics") == demo.after_first["Relic"]
    assert not demo.second.changed, demo.second.created
    assert demo.second.logins == []
    assert demo.after_second == demo.after_first
    assert "already loaded" in demo.second.summary()


def test_demo_meets_the_minimums(demo, demo_session):
    c = demo.after_first
    assert c["Relic"] >= 6 and c["Producer"] >= 4 and c["Product"] >= 8 and c["Batch"] >= 12
    ranks = set(demo_session.scalars(select(Relic.rank)))
    assert ranks == {"special_national", "national", "provincial", "unranked"}
    kinds = set(demo_session.scalars(select(Producer.kind)))
    assert kinds == {"household", "cooperative", "company"}
    for batch in demo_session.scalars(select(Batch)):
        assert 2 <= len(batch.events) <= 5, batch.ref
        assert batch.ref.endswith(batch.lot) and len(batch.lot) <= 20
    stars = {p.ocop_stars for p in demo_session.scalars(select(Product))}
    assert {3, 4, 5} <= stars
    assert c["Stele"] >= 1 and c["Festival"] >= 1 and c["RelatedRelic"] >= 1


def test_gtins_and_glns_have_valid_check_digits(demo_session):
    products = demo_session.scalars(select(Product)).all()
    gtins = [p.gtin for p in products if p.gtin]
    assert gtins and len(gtins) < len(products)  # some products have no GTIN
    for gtin in gtins:
        assert len(gtin) == 14 and gtin.isdigit() and gtin.startswith("0893"), gtin
        assert gtin_ok(gtin), gtin
    glns = [p.gln for p in demo_session.scalars(select(Producer)) if p.gln]
    assert glns
    for gln in glns:
        assert len(gln) == 13 and gln.startswith("893") and gtin_ok(gln), gln


def test_ocop_certificates_last_36_months_and_one_has_expired(demo_session):
    rated = [p for p in demo_session.scalars(select(Product)) if p.ocop_stars]
    for product in rated:
        issued, expiry = product.ocop_cert_date, product.ocop_cert_expiry
        assert product.ocop_cert_no
        assert (expiry.year - issued.year) * 12 + expiry.month - issued.month == 36
        assert expiry.day == issued.day
    assert any(not p.ocop_valid_on(date.today()) for p in rated)
    assert any(p.ocop_valid_on(date.today()) for p in rated)


def test_relics_speak_vietnamese_and_english_and_lam_kinh_chinese(demo_session):
    relics = {r.code: r for r in demo_session.scalars(select(Relic))}
    assert {"LK01", "LH01"} <= set(relics)
    for relic in relics.values():
        assert {"vi", "en"} <= set(relic.languages), relic.code
        for translation in relic.translations:
            assert SAMPLE in translation.summary, (relic.code, translation.lang)
    assert "zh" in relics["LK01"].languages
    drafted = [
        (t.relic.code, t.lang)
        for t in demo_session.scalars(select(RelicTranslation))
        if t.machine_drafted
    ]
    assert len(drafted) == 1 and drafted[0][1] == "en"
    assert sorted(r.status for r in relics.values()).count("draft") == 1
    assert all(r.published_at for r in relics.values() if r.status == "published")
    lam_kinh = relics["LK01"]
    assert any(f.lunar_month == 8 and f.lunar_day == 21 for f in lam_kinh.festivals)
    assert lam_kinh.steles and lam_kinh.steles[0].han_nom and lam_kinh.steles[0].reading
    assert all(
        19.9 <= r.latitude <= 20.0 and 105.3 <= r.longitude <= 105.5 for r in relics.values()
    )


def test_every_text_is_nfc(demo_session):
    def texts():
        for t in demo_session.scalars(select(RelicTranslation)):
            yield from (t.name, t.summary, t.history, t.audio_transcript)
        for p in demo_session.scalars(select(Product)):
            yield from (*p.name.values(), *p.description.values())
        for m in demo_session.scalars(select(Media)):
            yield from m.alt.values()
        for e in demo_session.scalars(select(TraceEvent)):
            yield from e.place.values()

    for text in texts():
        assert unicodedata.is_normalized("NFC", text), text


def test_exactly_one_batch_is_recalled_with_a_reason(demo_session):
    recalled = demo_session.scalars(select(Batch).where(Batch.status == "recalled")).all()
    assert len(recalled) == 1
    batch = recalled[0]
    assert batch.recall_reason["vi"] and batch.recall_reason["en"]
    assert batch.recalled_at.tzinfo is not None
    assert batch.events[-1].disposition == "recalled"


def test_input_lots_are_existing_earlier_batches(demo_session):
    inputs = demo_session.scalars(select(BatchInput)).all()
    linked = [i for i in inputs if i.input_batch_id is not None]
    assert linked and any(i.external_ref for i in inputs)
    for item in linked:
        source = demo_session.get(Batch, item.input_batch_id)
        assert source is not None and source.id != item.batch_id
        assert source.production_date <= item.batch.production_date
    bánh_gai = demo_session.scalar(select(Batch).where(Batch.ref == "BGTT-BG2611A"))
    assert any(i.input_batch and i.input_batch.product.ref == "GNHV" for i in bánh_gai.inputs)


def test_events_are_epcis_ready_and_local_to_vietnam(demo_session):
    events = demo_session.scalars(select(TraceEvent)).all()
    assert {e.event_type for e in events} == {
        "ObjectEvent",
        "TransformationEvent",
        "AggregationEvent",
    }
    for event in events:
        assert event.event_time.tzinfo is not None
        assert event.tz_offset == "+07:00"
        local = event.event_time.astimezone(VIETNAM)
        assert 4 <= local.hour <= 18, (event.batch.ref, local)  # working hours in Thọ Xuân
        assert cbv_term("bizStep", event.biz_step) == event.biz_step
        assert cbv_term("disposition", event.disposition) == event.disposition
        assert is_uri(event.read_point) and is_uri(event.biz_location)
        assert event.place.get("vi") and event.place.get("en")
        if event.event_type == "AggregationEvent":
            assert is_uri(event.parent_id)
    for batch in demo_session.scalars(select(Batch)):
        times = [e.event_time for e in batch.events]
        assert times == sorted(times)


def test_photos_decode_and_have_alt_text(demo, demo_session):
    for media in demo_session.scalars(select(Media)):
        assert media.alt.get("vi") and media.alt.get("en"), media.original_name
        master = Image.open(io.BytesIO(demo.store.read(media.storage_key)))
        master.load()
        assert master.size == (media.width, media.height)
        for variant in media.variants:
            image = Image.open(io.BytesIO(demo.store.read(variant["key"])))
            image.load()
            assert image.size == (variant["width"], variant["height"])
    for relic in demo_session.scalars(select(Relic)):
        assert 2 <= len(relic.media) <= 3, relic.code
    for product in demo_session.scalars(select(Product)):
        assert product.photo_ids and all(demo_session.get(Media, i) for i in product.photo_ids)
    shas = demo_session.scalars(select(Media.sha256)).all()
    assert len(shas) == len(set(shas)), "every drawn photo is different"


def test_one_account_per_role_with_a_working_password(demo, demo_session):
    logins = {login.role: login for login in demo.first.logins}
    assert set(logins) == {"admin", "editor", "producer"}
    for login in logins.values():
        user = demo_session.scalar(select(User).where(User.email == login.email))
        assert user.role == login.role and user.check_password(login.password)
        assert len(login.password) >= 16
    producer_user = demo_session.scalar(select(User).where(User.role == "producer"))
    assert producer_user.producer.ref == logins["producer"].producer_ref


def test_reload_after_a_delete_fills_the_gap_without_duplicating_media(app, session):
    store = media_store_from_config(app.config)
    load_demo(session, store)
    media_count = session.scalar(select(func.count(Media.id)))
    session.delete(session.scalar(select(Relic).where(Relic.code == "TT01")))
    session.delete(session.scalar(select(Batch).where(Batch.ref == "NGHE-TN2609A")))
    session.commit()
    result = load_demo(session, store)
    assert result.created["relics"] == ["TT01"]
    assert result.created["batches"] == ["NGHE-TN2609A"]
    assert "media" not in result.created and "users" not in result.created
    assert session.scalar(select(func.count(Media.id))) == media_count
    assert sorted(result.created["related_relics"]) == [
        "LK01->TT01",
        "PL01->TT01",
        "TT01->LK01",
        "TT01->PL01",
    ]
