"""The demo data: loaded twice without change, complete, valid, and marked as sample.

Also what ``make demo`` serves with it: weeks of scan history for the dashboard, an audio
narration the relic page plays, and codes and URLs that follow the port it is served on.
"""

from __future__ import annotations

import io
import re
import shutil
import statistics
import unicodedata
from collections import Counter, defaultdict
from datetime import date, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from lunardate import LunarDate
from PIL import Image
from sqlalchemy import func, select

from qrsvc import ConfigError, create_app
from qrsvc.cli import cli
from qrsvc.content.uploads import audio_type
from qrsvc.demo import load_demo
from qrsvc.demo.narration import NARRATION, narration_bytes
from qrsvc.demo.scans import (
    HISTORY_DAYS,
    RELIC,
    RELIC_BASE,
    SILENT_FOR_DAYS,
    SILENT_RELIC,
    day_counts,
)
from qrsvc.epcis.vocab import cbv_term, is_uri
from qrsvc.extensions import db
from qrsvc.localtime import local_today
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
    ScanCount,
    Stele,
    TraceEvent,
    TraceLink,
    User,
)
from qrsvc.printing.records import relic_url
from qrsvc.scans import flush_now
from tests.conftest import TEST_DATABASE_URL, _empty_all_tables, build_app, sign_in

ROOT = Path(__file__).resolve().parents[1]
MODELS = (
    Relic, RelicTranslation, Festival, Stele, RelicMedia, RelatedRelic, Media, Producer, Product,
    TraceLink, Batch, BatchInput, TraceEvent, User, ScanCount,
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
    today = local_today()
    with app.app_context():
        if TEST_DATABASE_URL:
            _empty_all_tables()
        store = media_store_from_config(app.config)
        first = load_demo(db.session, store, today=today)
        after_first = counts()
        second = load_demo(db.session, store, today=today)
        after_second = counts()
        db.session.remove()
    yield SimpleNamespace(
        app=app,
        today=today,
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
    for media in demo_session.scalars(select(Media).where(Media.kind == "image")):
        assert media.alt.get("vi") and media.alt.get("en"), media.original_name
        master = Image.open(io.BytesIO(demo.store.read(media.storage_key)))
        master.load()
        assert master.size == (media.width, media.height)
        for variant in media.variants:
            image = Image.open(io.BytesIO(demo.store.read(variant["key"])))
            image.load()
            assert image.size == (variant["width"], variant["height"])
    for relic in demo_session.scalars(select(Relic)):
        photos = [link for link in relic.media if link.media.kind == "image"]
        assert 2 <= len(photos) <= 3, relic.code
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


def scan_rows(session) -> list:
    """Every stored scan count of the demo."""
    return session.execute(
        select(
            ScanCount.day,
            ScanCount.target_kind,
            ScanCount.target_id,
            ScanCount.lang,
            ScanCount.source,
            ScanCount.device,
            ScanCount.count,
        )
    ).all()


def test_demo_holds_weeks_of_scan_history(demo, demo_session):
    rows = scan_rows(demo_session)
    days = sorted({r.day for r in rows})
    assert days[0] == demo.today - timedelta(days=HISTORY_DAYS)
    assert days[-1] == demo.today - timedelta(days=1)  # today is left to the visitors
    assert len(days) == HISTORY_DAYS
    assert {r.target_kind for r in rows} == {"relic", "product", "batch"}
    by_source = Counter()
    for r in rows:
        by_source[r.source] += r.count
    assert set(by_source) == {"qr", "site"} and by_source["qr"] > by_source["site"] > 0
    assert 2_000 <= by_source["qr"] <= 20_000
    scans = [r for r in rows if r.source == "qr"]
    assert {r.lang for r in scans} >= {"vi", "en", "zh", "ko", "fr"}
    assert {r.device for r in scans} == {"mobile", "desktop"}
    assert {r.source for r in rows if r.device == "bot"} == {"site"}  # bots are never scans
    # Every published relic, every product and the batches on sale are scanned.
    assert demo.first.count("scan_histories") == len({(r.target_kind, r.target_id) for r in rows})
    published = demo_session.scalar(select(func.count(Relic.id)).where(Relic.status == "published"))
    assert len({r.target_id for r in rows if r.target_kind == "relic"}) == published


def test_weekends_and_the_full_moon_day_are_busier(demo, demo_session):
    relic_scans: Counter[date] = Counter()
    for r in scan_rows(demo_session):
        if r.target_kind == "relic" and r.source == "qr":
            relic_scans[r.day] += r.count
    weekdays = [n for day, n in relic_scans.items() if day.weekday() < 5]
    weekends = [n for day, n in relic_scans.items() if day.weekday() >= 5]
    assert statistics.median(weekends) > 1.3 * statistics.median(weekdays)
    # The busiest day is a festival: the 15th of the lunar month, far above the others.
    busiest = max(relic_scans, key=relic_scans.get)
    assert LunarDate.from_solar_date(busiest.year, busiest.month, busiest.day).day == 15
    assert relic_scans[busiest] >= 2.5 * statistics.median(relic_scans.values())


def test_the_history_is_the_same_everywhere_for_the_same_days(demo, demo_session):
    day = demo.today - timedelta(days=10)
    lam_kinh = demo_session.scalar(select(Relic.id).where(Relic.code == "LK01"))
    stored = {
        (r.lang, r.source, r.device): r.count
        for r in scan_rows(demo_session)
        if r.target_id == lam_kinh and r.target_kind == "relic" and r.day == day
    }
    computed = day_counts("relic", "LK01", day, RELIC_BASE["LK01"], RELIC)
    assert stored == dict(computed)
    assert computed == day_counts("relic", "LK01", day, RELIC_BASE["LK01"], RELIC)
    # Seeded by record and day only: a fixed day gives fixed numbers on any machine.
    pinned = day_counts("relic", "LK01", date(2026, 11, 24), RELIC_BASE["LK01"], RELIC)
    assert sum(n for (_l, source, _d), n in pinned.items() if source == "qr") == 39


def test_one_sign_stopped_being_scanned_and_the_dashboard_shows_it_all(demo, demo_session):
    silent = demo_session.scalar(select(Relic).where(Relic.code == SILENT_RELIC))
    recent = demo.today - timedelta(days=SILENT_FOR_DAYS - 1)
    sources = defaultdict(set)
    for r in scan_rows(demo_session):
        if r.target_kind == "relic" and r.target_id == silent.id and r.day >= recent:
            sources[r.source].add(r.day)
    assert "qr" not in sources and sources["site"]  # covered plate, page still visited
    admin = next(login for login in demo.first.logins if login.role == "admin")
    client = demo.app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in(client, admin.email, admin.password)
    html = client.get("/admin/").get_data(as_text=True)
    silent_section = html.split('id="silent"', 1)[1].split("</section>", 1)[0]
    assert silent.translation("en").name in silent_section
    top = html.split('id="top"', 1)[1].split("</section>", 1)[0]
    lam_kinh = demo_session.scalar(select(Relic).where(Relic.code == "LK01"))
    assert f"{lam_kinh.translation('en').name} <tspan" in top  # the most scanned, by name
    totals = html.split('id="scan-totals">', 1)[1].split("</p>", 1)[0]
    scans, visits = (int(n) for n in re.findall(r"(\d+) ", totals))
    assert scans > visits > 0


def test_lam_kinh_has_a_narration_the_relic_page_plays(demo, demo_session):
    data = narration_bytes()
    assert len(data) <= 100_000 and audio_type(data) == ("audio/mpeg", "mp3")
    relic = demo_session.scalar(select(Relic).where(Relic.code == NARRATION["relic"]))
    (media,) = [link.media for link in relic.media if link.media.kind == "audio"]
    assert media.mime_type == "audio/mpeg" and media.size_bytes == len(data)
    assert media.duration_s and demo.store.read(media.storage_key) == data
    client = demo.app.test_client()
    page = client.get("/r/LK01?lang=vi")
    html = page.get_data(as_text=True)
    src = re.search(r'<audio controls preload="none" src="([^"]+)"', html)[1]
    assert src.startswith("/media/") and src.endswith(".mp3")  # same origin
    assert "media-src 'self'" in page.headers["Content-Security-Policy"]
    assert "Xin chào quý khách đến với Lam Kinh" in html  # its transcript
    answer = client.get(src)
    assert answer.status_code == 200 and answer.mimetype == "audio/mpeg"
    assert answer.headers["X-Content-Type-Options"] == "nosniff" and answer.data == data
    part = client.get(src, headers={"Range": "bytes=0-99"})  # players seek with ranges
    assert part.status_code == 206 and part.data == data[:100]
    flush_now(demo.app)  # the page views above, written before the database goes away


@pytest.fixture
def served_on_8080(monkeypatch):
    """The environment ``PORT=8080 make demo`` gives its commands (see the Makefile)."""
    monkeypatch.delenv("QRSVC_PUBLIC_URL", raising=False)
    monkeypatch.setenv("FLASK_RUN_HOST", "127.0.0.1")
    monkeypatch.setenv("FLASK_RUN_PORT", "8080")


def test_make_demo_passes_port_to_the_server_and_the_app(served_on_8080):
    makefile = (ROOT / "Makefile").read_text()
    assert "demo: export FLASK_RUN_HOST = 127.0.0.1" in makefile
    assert "demo: export FLASK_RUN_PORT = $(PORT)" in makefile
    run = next(line for line in makefile.splitlines() if "qrsvc run" in line)
    assert "--port" not in run and "--host" not in run  # served where the app says it is
    ctx = cli.make_context("qrsvc", ["run"])
    run_ctx = cli.get_command(ctx, "run").make_context("run", [], parent=ctx)
    assert (run_ctx.params["host"], run_ctx.params["port"]) == ("127.0.0.1", 8080)


def test_codes_and_api_urls_follow_the_port_served(served_on_8080, tmp_path):
    app = create_app({"DATABASE_URL": ""}, instance_path=str(tmp_path))
    assert app.config["PUBLIC_URL"] == "http://127.0.0.1:8080"
    with app.test_request_context():
        assert relic_url("LK01") == ("HTTP://127.0.0.1:8080/R/LK01", "127.0.0.1:8080/r/LK01")
    openapi = app.test_client().get("/api/v1/openapi.json").get_json()
    assert openapi["servers"] == [{"url": "http://127.0.0.1:8080/api/v1"}]


def test_an_explicit_public_url_wins_over_the_port(served_on_8080, tmp_path, monkeypatch):
    monkeypatch.setenv("QRSVC_PUBLIC_URL", "https://qr.thoxuan.example")
    app = create_app({"DATABASE_URL": ""}, instance_path=str(tmp_path))
    assert app.config["PUBLIC_URL"] == "https://qr.thoxuan.example"
    monkeypatch.delenv("FLASK_RUN_PORT")
    monkeypatch.delenv("QRSVC_PUBLIC_URL")
    app = create_app({"DATABASE_URL": ""}, instance_path=str(tmp_path))
    assert app.config["PUBLIC_URL"] == "http://127.0.0.1:5000"  # the documented default


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("FLASK_RUN_PORT", "80a", "FLASK_RUN_PORT must be a port number"),
        ("FLASK_RUN_PORT", "0", "FLASK_RUN_PORT must be a port number"),
        ("FLASK_RUN_PORT", "70000", "FLASK_RUN_PORT must be a port number"),
        ("FLASK_RUN_PORT", "9" * 5000, "FLASK_RUN_PORT must be a port number"),
        ("FLASK_RUN_HOST", "evil.example/@x", "FLASK_RUN_HOST must be a host"),
        ("FLASK_RUN_HOST", "<script>", "FLASK_RUN_HOST must be a host"),
        ("FLASK_RUN_HOST", "a" * 300, "FLASK_RUN_HOST must be a host"),
    ],
)
def test_a_bad_port_or_host_stops_start_up_with_one_line(
    served_on_8080, tmp_path, monkeypatch, name, value, message
):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message) as error:
        create_app({"DATABASE_URL": ""}, instance_path=str(tmp_path))
    assert "\n" not in str(error.value)


# Last: on PostgreSQL the per-test ``app`` empties the database the module's demo is in.
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
    assert "narrations" not in result.created  # Lam Kinh kept its narration
    # A record loaded again gets its history back under its new id (SQLite may give the
    # last batch its old id again, whose counts are still there: then it gets none).
    assert "relic:TT01" in result.created["scan_histories"]
    assert set(result.created["scan_histories"]) <= {"relic:TT01", "batch:NGHE-TN2609A"}
    assert session.scalar(select(func.count(Media.id))) == media_count
    assert sorted(result.created["related_relics"]) == [
        "LK01->TT01",
        "PL01->TT01",
        "TT01->LK01",
        "TT01->PL01",
    ]
