"""Scaling out: the page cache, media on S3, and two servers sharing a database and Redis.

The two-server tests start two gunicorn processes on one database (PostgreSQL with
``QRSVC_TEST_DATABASE_URL``, else one SQLite file: both hold the promises, and
``.ci/run`` runs both) and one Redis, and check that stamp counts, serial
allocation, rate limits and page cache invalidation stay right across them.
Redis is the development machine's and CI's (127.0.0.1:6379, database 14); keys of
each test carry their own prefix and are removed afterwards.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Blueprint, Flask, abort, g, make_response, request
from sqlalchemy import create_engine, func, select, text, update

from qrsvc import cache, create_app
from qrsvc.database import begin_write
from qrsvc.extensions import csrf, db, limiter
from qrsvc.models import Batch, Producer, Product, Relic, RelicTranslation, ScanCount, StampState
from qrsvc.public.rendered import RenderedPage
from qrsvc.stamps import runs
from qrsvc.stamps.codes import make_token
from tests.conftest import PUBLIC_URL, TEST_DATABASE_URL, build_app, migrate

REDIS_URL = os.environ.get("QRSVC_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
KEY = "scale test stamp key, long enough to sign"
PHONE = "Mozilla/5.0 (Linux; Android 10) Mobile"
RENDERS = {"count": 0}


def redis_client():
    """A client of the test Redis; skips (fails in CI) when there is none."""
    from redis import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except RedisError as exc:
        if os.environ.get("CI") == "true":
            raise AssertionError(f"Redis is required in CI: {REDIS_URL}: {exc}") from exc
        pytest.skip(f"no Redis at {REDIS_URL} (start redis-server to run this test)")
    return client


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own in the test Redis, removed afterwards."""
    client, prefix = redis_client(), f"qrsvc-test-{uuid.uuid4().hex[:12]}:"
    yield prefix
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    for key in client.scan_iter(f"LIMITER/{prefix}*"):
        client.delete(key)
    client.close()


# --- a tiny blueprint whose pages the cache keeps --------------------------------------


def probe_blueprint() -> Blueprint:
    """Routes that show what the cache, the limiter and the allocator do."""
    bp = Blueprint("cache_probe", __name__)
    csrf.exempt(bp)

    @bp.before_request
    def language() -> None:
        from qrsvc.i18n import requested_language

        g.lang = requested_language()

    @bp.get("/probe/relic/<code>")
    @cache.cached_page()
    def relic_name(code: str):
        RENDERS["count"] += 1
        if not code.isalnum() or len(code) > 12:  # as the real views check their codes
            return f"unknown {code[:12]}", 404
        name = db.session.scalar(
            select(RelicTranslation.name)
            .join(Relic)
            .where(Relic.code == code, RelicTranslation.lang == "vi")
        )
        body = f"{name}|{os.getpid()}|{RENDERS['count']}|{g.lang}"
        return (body, 200) if name is not None else (f"unknown {code}", 404)

    @bp.post("/probe/relic/<code>/rename")
    def rename(code: str):
        session = begin_write()
        relic = session.scalar(select(Relic).where(Relic.code == code))
        relic.translation("vi").name = request.form["name"]
        session.commit()
        return "renamed"

    @bp.get("/probe/etag")
    @cache.cached_page()
    def with_etag():
        RENDERS["count"] += 1
        response = make_response("stable page")
        response.set_etag("v1")
        return response

    @bp.get("/probe/cookie")
    @cache.cached_page()
    def with_cookie():
        RENDERS["count"] += 1
        response = make_response(f"cookie {RENDERS['count']}")
        response.set_cookie("seen", "1")
        return response

    @bp.get("/probe/broken")
    @cache.cached_page()
    def broken():
        RENDERS["count"] += 1
        return f"broken {RENDERS['count']}", 500

    @bp.get("/probe/nonce")
    @cache.cached_page()
    def with_nonce():
        from qrsvc.security import csp_nonce

        RENDERS["count"] += 1
        return f"<script nonce='{csp_nonce()}'></script>{RENDERS['count']}"

    @bp.route("/probe/any", methods=["GET", "POST"])
    @cache.cached_page()
    def any_method():
        RENDERS["count"] += 1
        return f"{request.method} {RENDERS['count']}"

    @bp.get("/probe/limited")
    @limiter.limit("10/minute")
    def limited():
        return "ok"

    @bp.post("/probe/allocate")
    def allocate():
        batch = db.session.get(Batch, int(request.form["batch"]))
        run = runs.allocate_run(db.session, batch, int(request.form["count"]))
        return f"{run.first_serial},{run.count}"

    @bp.get("/probe/abort")
    def not_there():
        abort(404)

    return bp


def with_probe(app: Flask) -> Flask:
    """``app`` with the page cache set up (again) and the probe routes."""
    cache.init_app(app)
    app.register_blueprint(probe_blueprint())
    return app


def probe_app(config: dict, instance_path: str) -> Flask:
    """What each test server runs (gunicorn calls this factory)."""
    return with_probe(create_app(config, instance_path=instance_path))


# --- the page cache in one process --------------------------------------------------


def add_relic(code: str = "LK01", name: str = "Khu di tích Lam Kinh") -> None:
    """A published relic with its Vietnamese name."""
    relic = Relic(code=code, slug=code.lower(), status="published")
    relic.translations.append(RelicTranslation(lang="vi", name=name))
    db.session.add(relic)
    db.session.commit()


@pytest.fixture(params=["local", "redis"])
def cached_app(request, app):
    """The test app with its page cache in this process, or in Redis."""
    if request.param == "redis":
        prefix = request.getfixturevalue("redis_prefix")
        app.config.update(REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=prefix)
    with_probe(app)
    with app.app_context():
        add_relic()
    return app


def test_a_page_is_rendered_once_then_served_from_the_cache(cached_app):
    client = cached_app.test_client()
    first = client.get("/probe/relic/LK01")
    assert first.status_code == 200
    assert client.get("/probe/relic/LK01").data == first.data
    # Each language, and each kind of answer asked for, is its own entry.
    english = client.get("/probe/relic/LK01?lang=en")
    assert english.data != first.data and english.data.endswith(b"|en")
    accept = client.get("/probe/relic/LK01", headers={"Accept-Language": "en"})
    assert accept.data.endswith(b"|en")
    json = client.get("/probe/relic/LK01", headers={"Accept": "application/json"})
    assert json.data != first.data
    # A visitor who kept the page and sends its ETag gets a 304 from the cache.
    tagged = client.get("/probe/etag")
    again = client.get("/probe/etag", headers={"If-None-Match": tagged.headers["ETag"]})
    assert (tagged.status_code, again.status_code, again.data) == (200, 304, b"")
    # A 404 page is kept too (a mistyped code scanned again and again).
    missing = client.get("/probe/relic/XX99")
    assert missing.status_code == 404
    assert client.get("/probe/relic/XX99").data == missing.data


def test_a_content_commit_makes_every_cached_page_fresh(cached_app):
    client = cached_app.test_client()
    assert client.get("/probe/relic/LK01").data.startswith("Khu di tích Lam Kinh".encode())
    client.post("/probe/relic/LK01/rename", data={"name": "Lam Kinh"})
    assert client.get("/probe/relic/LK01").data.startswith(b"Lam Kinh|")
    # A bulk UPDATE never passes through the flush; it moves the generation all the same.
    with cached_app.app_context():
        session = begin_write()
        session.execute(update(RelicTranslation).values(name="Lam Kinh 2"))
        session.commit()
    assert client.get("/probe/relic/LK01").data.startswith(b"Lam Kinh 2|")


def test_commits_that_change_no_content_keep_the_cache(cached_app):
    client = cached_app.test_client()
    with cached_app.app_context():
        before = cache.content_generation()
        db.session.add(ScanCount(target_kind="relic", target_id=1, day=_today(), lang="vi"))
        db.session.commit()
        relic = db.session.scalar(select(Relic))
        relic.translation("vi").name = "never committed"
        db.session.flush()
        db.session.rollback()
        assert cache.content_generation() == before
    first = client.get("/probe/relic/LK01").data
    assert client.get("/probe/relic/LK01").data == first


def _today():
    from datetime import date

    return date.today()


@pytest.mark.parametrize("path", ["/probe/cookie", "/probe/broken", "/probe/nonce"])
def test_personal_broken_and_nonced_answers_are_never_kept(cached_app, path):
    client = cached_app.test_client()
    assert client.get(path).data != client.get(path).data


def test_posts_logged_in_visitors_and_junk_queries_bypass_the_cache(cached_app):
    client = cached_app.test_client()
    assert client.post("/probe/any").data != client.post("/probe/any").data
    junk = "/probe/any?q=" + "x" * 2000
    assert client.get(junk).data != client.get(junk).data
    client.get("/probe/any")
    client.set_cookie("session", "someone")
    assert client.get("/probe/any").data != client.get("/probe/any").data
    assert client.get("/probe/any", headers={"Authorization": "Bearer x"}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/probe/relic/%00%ff",
        "/probe/relic/" + "A" * 5000,
        "/probe/relic/<script>",
        "/probe/relic/LK01?lang=" + "%ff" * 100,
        "/probe/relic/LK01?lang=../../etc",
        "/probe/abort",
    ],
)
def test_hostile_paths_are_answered_not_crashed(cached_app, path):
    response = cached_app.test_client().get(path, headers={"Accept": "*/*;q=0.1, \x7f"})
    assert response.status_code in (200, 404)


def test_pages_are_served_when_redis_is_down(app):
    port = _free_port()  # nothing listens there
    app.config.update(REDIS_URL=f"redis://127.0.0.1:{port}/0")
    with_probe(app)
    with app.app_context():
        add_relic()
    client = app.test_client()
    for _ in range(2):
        assert client.get("/probe/relic/LK01").status_code == 200
    # After a failure the cache is left alone for a while: no page waits for a dead Redis.
    assert not cache.page_cache(app).usable()
    assert client.post("/probe/relic/LK01/rename", data={"name": "x"}).data == b"renamed"


def test_cache_clear_command_makes_pages_fresh_after_a_hand_edit(cached_app):
    client = cached_app.test_client()
    first = client.get("/probe/relic/LK01").data
    with cached_app.app_context():
        db.session.execute(text("UPDATE relic_translations SET name = 'Lam Kinh (psql)'"))
        db.session.commit()
    assert client.get("/probe/relic/LK01").data == first  # raw SQL announces nothing
    result = cached_app.test_cli_runner().invoke(args=["cache", "clear"])
    assert result.exit_code == 0 and "page cache cleared" in result.output
    assert client.get("/probe/relic/LK01").data.startswith(b"Lam Kinh (psql)|")


def test_get_or_build_round_trips_a_rendered_page_through_redis(app, redis_prefix):
    app.config.update(REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=redis_prefix)
    cache.init_app(app)
    page = RenderedPage("Đền thờ Lê Hoàn <b>".encode(), "abc", None, "vi")
    builds = []
    with app.test_request_context("/"):
        for _ in range(2):
            got = cache.get_or_build(
                ("relic", "LH01", "vi", "vi"), lambda: builds.append(1) or page, kind=RenderedPage
            )
            assert got == page
        assert builds == [1]
        assert cache.get_or_build(("nothing",), lambda: None, kind=RenderedPage) is None

    def with_nonce() -> RenderedPage:
        from qrsvc.security import csp_nonce

        builds.append(1)
        return RenderedPage(f"<style nonce='{csp_nonce()}'>".encode(), "n", None, "vi")

    for _ in range(2):
        with app.test_request_context("/"):
            cache.get_or_build(("nonced",), with_nonce, kind=RenderedPage)
    assert len(builds) == 3  # built for each request: never kept


def test_real_relic_pages_through_the_shared_cache_stay_fresh_and_counted(
    app, redis_prefix, monkeypatch
):
    """The real relic page through the shared cache: one render, fresh after an edit."""
    from qrsvc.scans import flush_now

    app.config.update(REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=redis_prefix)
    cache.init_app(app)

    with app.app_context():
        add_relic()
    client = app.test_client()
    first = client.get("/r/LK01")
    assert first.status_code == 200 and "Khu di tích Lam Kinh" in first.get_data(as_text=True)
    with app.app_context():  # the render is in Redis now, under the current generation
        assert cache.get_or_build(
            ("relic", "LK01", "vi", "vi"), lambda: None, kind=RenderedPage
        ) == RenderedPage.of(first.get_data(as_text=True), first_id(), "vi")
    assert client.get("/r/lk01").data == first.data
    with app.app_context():
        relic = db.session.scalar(select(Relic))
        relic.translation("vi").name = "Khu di tích Lam Kinh (đã sửa)"
        db.session.commit()
    assert "(đã sửa)" in client.get("/R/LK01").get_data(as_text=True)
    with app.app_context():  # every view was counted, hits included
        flush_now(app)
        assert db.session.scalar(select(func.sum(ScanCount.count))) == 3


def first_id() -> int:
    """The id of the only relic."""
    return db.session.scalar(select(Relic.id))


# --- media on S3-compatible storage (moto's server, on this machine) ----------------


@pytest.fixture(scope="module")
def s3_endpoint():
    """A local S3-compatible server (moto in server mode) on a free port."""
    server = Path(sys.executable).parent / "moto_server"
    if not server.exists():
        message = "moto[server] is not installed (setup.cfg [test] lists it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    port = _free_port()
    process = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"},
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: urllib.request.urlopen(endpoint, timeout=2).close())
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def s3_config(s3_endpoint):
    """Settings of a fresh bucket on the local S3 server."""
    import boto3

    bucket = f"media-{uuid.uuid4().hex[:10]}"
    settings = {
        "MEDIA_S3_BUCKET": bucket,
        "MEDIA_S3_ENDPOINT": s3_endpoint,
        "MEDIA_S3_REGION": "us-east-1",
        "MEDIA_S3_ACCESS_KEY": "test",
        "MEDIA_S3_SECRET_KEY": "test",
        "MEDIA_S3_PREFIX": "district/",
    }
    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket=bucket)
    return settings


def test_media_go_to_the_bucket_and_are_served_from_it(app, s3_config):
    from qrsvc.media import MediaError, media_store_from_config
    from qrsvc.media.s3 import S3MediaStore

    store = media_store_from_config({**app.config, **s3_config})
    assert isinstance(store, S3MediaStore)
    key = "img/ab/abcdef/w320.webp"
    store.save(key, b"RIFF\x00webp bytes", "image/webp")
    assert store.exists(key) and not store.exists("img/ab/abcdef/w640.webp")
    assert store.read(key) == b"RIFF\x00webp bytes"
    stored = store.client.head_object(Bucket=s3_config["MEDIA_S3_BUCKET"], Key="district/" + key)
    assert stored["ContentType"] == "image/webp"
    assert store.url_path(key) == "/media/" + key
    store.save(key, b"RIFF replaced", "image/webp")  # a replacement is whole
    assert store.read(key) == b"RIFF replaced"
    with pytest.raises(FileNotFoundError):
        store.open("img/ab/abcdef/missing.webp")
    for hostile in ("../etc/passwd", "/abs/key", "img/../../x", "IMG/caps", "a" * 300):
        with pytest.raises(ValueError):
            store.save(hostile, b"x", "image/webp")
    store.delete(key)
    store.delete(key)  # deleting what is gone is no error
    assert not store.exists(key)
    wrong = media_store_from_config({**app.config, **s3_config, "MEDIA_S3_BUCKET": "no-such"})
    with pytest.raises(MediaError, match="may not write to its media storage") as error:
        wrong.save(key, b"x", "image/webp")
    assert error.value.status == 503


def test_the_media_route_reads_through_the_bucket(app, s3_config):
    app.config.update(s3_config)
    app.extensions.pop("qrsvc.media_store", None)
    from qrsvc.media import media_store

    with app.app_context():
        media_store(app).save("img/cd/cdef/w320.jpg", b"\xff\xd8\xff jpeg", "image/jpeg")
    client = app.test_client()
    answer = client.get("/media/img/cd/cdef/w320.jpg")
    assert answer.status_code == 200 and answer.data == b"\xff\xd8\xff jpeg"
    assert client.get("/media/img/cd/cdef/none.jpg").status_code == 404
    assert client.get("/media/..%2f..%2fsecret.jpg").status_code == 404


def test_an_unreachable_bucket_is_a_clear_error(app):
    from qrsvc.media import MediaError, media_store_from_config

    store = media_store_from_config(
        {
            **app.config,
            "MEDIA_S3_BUCKET": "media",
            "MEDIA_S3_ENDPOINT": f"http://127.0.0.1:{_free_port()}",
            "MEDIA_S3_ACCESS_KEY": "x",
            "MEDIA_S3_SECRET_KEY": "y",
            "MEDIA_S3_REGION": "us-east-1",
        }
    )
    with pytest.raises(MediaError, match="could not be reached"):
        store.save("img/aa/bb/w320.webp", b"x", "image/webp")


# --- two application processes, one database, one Redis ----------------------------


@dataclass
class Cluster:
    """Two servers and an in-process app on the same database and Redis."""

    app: Flask
    servers: list[str]
    batch_id: int
    prefix: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(check, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            check()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _own_database(folder: Path) -> str:
    """A migrated database of this module's own: on PostgreSQL, or a SQLite file."""
    if not TEST_DATABASE_URL:
        url = f"sqlite:///{folder / 'shared.sqlite3'}"
    else:
        name = f"qrsvc_scale_{os.getpid()}"
        admin = create_engine(
            TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1),
            isolation_level="AUTOCOMMIT",
        )
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = TEST_DATABASE_URL.rsplit("/", 1)[0] + "/" + name
    migrate(build_app(folder / "migrate", url))
    return url


def _drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        return
    admin = create_engine(
        TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two gunicorn processes (one worker each) on one database and one Redis."""
    client = redis_client()
    folder = tmp_path_factory.mktemp("scale")
    url, prefix = _own_database(folder), f"qrsvc-scale-{uuid.uuid4().hex[:12]}:"
    config = {
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "RATELIMIT_KEY_PREFIX": prefix,
        "STAMP_KEY": KEY,
        "SECRET_KEY": "scale test secret key",
        "PUBLIC_URL": PUBLIC_URL,
        "WTF_CSRF_ENABLED": False,
        "STAMP_RATELIMIT": "10000/minute",
        # One client sends every scan: no second-look window, so each one is counted.
        "STAMP_REVIEW_SECONDS": 0,
    }
    app = with_probe(create_app({**config, "TESTING": True}, str(folder / "tests")))
    with app.app_context():
        producer = Producer(ref="tutru", name="HTX Tứ Trụ")
        product = Product(ref="banh-gai", producer=producer, name={"vi": "Bánh gai"})
        batch = Batch(ref="BG-1", product=product, lot="L1")
        db.session.add_all([producer, product, batch])
        db.session.commit()
        batch_id = batch.id
        add_relic()
        db.session.remove()
        db.engine.dispose()
    processes, servers = [], []
    for number in range(2):
        port = _free_port()
        factory = f"tests.test_scale:probe_app({config!r}, {str(folder / f'server{number}')!r})"
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
                + ["--workers", "1", "--threads", "4", "--log-level", "warning", factory],
                env=os.environ.copy(),
                cwd=Path(__file__).resolve().parents[1],
            )
        )
        servers.append(f"http://127.0.0.1:{port}")
    try:
        for base in servers:
            _wait_for(lambda base=base: urllib.request.urlopen(f"{base}/healthz", timeout=5))
        yield Cluster(app, servers, batch_id, prefix)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        _drop_database(url)


def fetch(url: str, data: dict | None = None) -> tuple[int, str]:
    """Status and body of a GET (or a POST of ``data``), as a phone asks."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    # One site name, as behind nginx: the cache keeps pages per Host.
    headers = {"User-Agent": PHONE, "Host": "qr.test"}
    req = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_scans_spread_over_both_servers_are_all_counted(cluster):
    with cluster.app.app_context():
        batch = db.session.get(Batch, cluster.batch_id)
        run = runs.allocate_run(db.session, batch, 3)
        serial = run.first_serial + 1
        runs.activate(db.session, run.id)
    path = f"/S/{make_token(KEY.encode(), serial)}"
    scans = 40
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda n: fetch(cluster.servers[n % 2] + path), range(scans)))
    assert [status for status, _ in answers] == [200] * scans
    with cluster.app.app_context():
        assert db.session.get(StampState, serial).scan_count == scans
    # Each server shows the exact count right away: stamp pages are never cached.
    for base in cluster.servers:
        fetch(base + path)
    with cluster.app.app_context():
        assert db.session.get(StampState, serial).scan_count == scans + 2


def test_runs_allocated_at_once_on_both_servers_never_overlap(cluster):
    def allocate(n: int) -> tuple[int, int]:
        status, body = fetch(
            cluster.servers[n % 2] + "/probe/allocate",
            {"batch": cluster.batch_id, "count": 1 + n % 7},
        )
        assert status == 200, body
        first, count = map(int, body.split(","))
        return first, first + count - 1

    with ThreadPoolExecutor(8) as pool:
        ranges = sorted(pool.map(allocate, range(24)))
    for (_, last), (first, _) in zip(ranges, ranges[1:], strict=False):
        assert first == last + 1  # no overlap, no gap


def test_a_rate_limit_hit_on_both_servers_counts_once(cluster):
    statuses = [fetch(cluster.servers[n % 2] + "/probe/limited")[0] for n in range(14)]
    assert statuses.count(200) == 10 and statuses.count(429) == 4
    assert statuses[:10] == [200] * 10


def test_an_edit_on_one_server_refreshes_the_page_on_both(cluster):
    a, b = cluster.servers
    page = "/probe/relic/LK01"
    first = fetch(a + page)[1]
    # Cached in Redis: the other server answers with the very same render.
    assert fetch(b + page)[1] == first == fetch(a + page)[1]
    fetch(b + "/probe/relic/LK01/rename", {"name": "Lam Kinh (sửa)"})
    for base in (a, b):
        assert fetch(base + page)[1].startswith("Lam Kinh (sửa)|")
    # A change made outside the app (a script, psql) announces itself with a bump.
    with cluster.app.app_context():
        session = begin_write()
        session.connection().execute(
            update(RelicTranslation.__table__).values(name="Lam Kinh (psql)")
        )
        session.commit()
        assert fetch(a + page)[1].startswith("Lam Kinh (sửa)|")  # nothing announced it
        cache.bump_generation()
    for base in (a, b):
        assert fetch(base + page)[1].startswith("Lam Kinh (psql)|")
