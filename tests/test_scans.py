"""Buffered view counting: nothing written per request, everything written soon after."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.models import ScanCount
from qrsvc.scans import count_view, device_class, flush_now

PHONE = (
    "Mozilla/5.0 (Linux; Android 12; SM-A125F) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36"
)
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


def stored(app) -> list[tuple]:
    """Every stored counter as (kind, id, lang, source, device, count)."""
    with app.app_context():
        rows = db.session.scalars(select(ScanCount)).all()
        result = sorted(
            (r.target_kind, r.target_id, r.lang, r.source, r.device, r.count) for r in rows
        )
        db.session.rollback()
        return result


def views(app, n: int, *args, user_agent: str = PHONE, **kwargs) -> None:
    """Count ``n`` views inside a request made by ``user_agent``."""
    with app.test_request_context("/", headers={"User-Agent": user_agent}):
        for _ in range(n):
            count_view(*args, **kwargs)


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        (PHONE, "mobile"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1", "mobile"),
        (
            "Mozilla/5.0 (Mobile; Nokia 8000 4G; rv:48.0) Gecko/48.0 Firefox/48.0 KAIOS/2.5",
            "mobile",
        ),
        (DESKTOP, "desktop"),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "bot"),
        ("facebookexternalhit/1.1", "bot"),
        ("curl/8.5.0", "bot"),
        ("python-requests/2.32", "bot"),
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/120", "bot"),
        ("", "bot"),
        (None, "bot"),
        ("x" * 100_000, "desktop"),
        ("\x00\xff<script>", "desktop"),
    ],
)
def test_device_class(user_agent, device):
    assert device_class(user_agent) == device


def test_counts_are_buffered_then_added_up(app):
    views(app, 3, "relic", 7, lang="vi", source="qr")
    views(app, 2, "product", 9, lang="en", source="site", user_agent=DESKTOP)
    views(app, 1, "batch", 4, lang="EN", source="qr", user_agent="Googlebot/2.1")
    assert stored(app) == []  # nothing written yet: the request path never writes
    assert flush_now(app) == 6
    assert stored(app) == [
        ("batch", 4, "en", "site", "bot", 1),  # bots are never counted as scans
        ("product", 9, "en", "site", "desktop", 2),
        ("relic", 7, "vi", "qr", "mobile", 3),
    ]
    views(app, 4, "relic", 7, lang="vi", source="qr")
    assert flush_now(app) == 4
    assert flush_now(app) == 0  # nothing pending: nothing written
    assert ("relic", 7, "vi", "qr", "mobile", 7) in stored(app)  # upsert added 4 to 3


def test_background_flusher_writes_within_about_a_second(app):
    views(app, 2, "relic", 1, lang="vi", source="qr")
    deadline = time.monotonic() + 5
    while not stored(app) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert stored(app) == [("relic", 1, "vi", "qr", "mobile", 2)]
    started = time.monotonic()
    views(app, 1, "relic", 1, lang="vi", source="qr")  # the flusher restarts after idling
    while stored(app)[0][-1] != 3 and time.monotonic() < started + 5:
        time.sleep(0.05)
    assert stored(app)[0][-1] == 3
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("app_config", [{"SCAN_FLUSH_SECONDS": 0}])
def test_concurrent_views_are_all_counted(app):
    def worker():
        views(app, 500, "relic", 3, lang="vi", source="qr")

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    flushes = [flush_now(app) for _ in range(5)]  # flushing while counting loses nothing
    for thread in threads:
        thread.join()
    flushes.append(flush_now(app))
    assert sum(flushes) == 4000
    assert stored(app) == [("relic", 3, "vi", "qr", "mobile", 4000)]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("stamp", 1), {"lang": "vi", "source": "qr"}),
        (("relic", 1), {"lang": "vi", "source": "email"}),
        (("<script>", 1), {"lang": "vi", "source": "qr"}),
        (("relic", "not a number"), {"lang": "vi", "source": "qr"}),
    ],
)
def test_bad_arguments_are_refused(app, args, kwargs):
    with pytest.raises(ValueError):
        views(app, 1, *args, **kwargs)
    assert flush_now(app) == 0


@pytest.mark.parametrize("app_config", [{"SCAN_FLUSH_SECONDS": 0}])
def test_prefetches_and_head_requests_are_not_views(app):
    for headers in ({"X-Qrsvc-Purpose": "offline-pack"}, {"Sec-Purpose": "prefetch"}):
        with app.test_request_context("/", headers={"User-Agent": PHONE, **headers}):
            count_view("relic", 1, lang="vi", source="qr")
    with app.test_request_context("/", method="HEAD", headers={"User-Agent": PHONE}):
        count_view("relic", 1, lang="vi", source="qr")
    assert flush_now(app) == 0
    views(app, 1, "relic", 1, lang="vi", source="qr")
    assert flush_now(app) == 1


@pytest.mark.parametrize("app_config", [{"SCAN_FLUSH_SECONDS": 0}])
def test_oversized_language_is_cut(app):
    views(app, 1, "relic", 1, lang="x" * 1000, source="qr")
    flush_now(app)
    assert stored(app) == [("relic", 1, "x" * 8, "qr", "mobile", 1)]


def test_counts_survive_a_database_outage(tmp_path):
    from tests.conftest import build_app, migrate

    # A database without its tables yet: every write fails until it is migrated.
    app = build_app(tmp_path, f"sqlite:///{tmp_path}/late.sqlite3", SCAN_FLUSH_SECONDS=0)
    views(app, 3, "relic", 1, lang="vi", source="qr")
    assert flush_now(app) == 0  # the write failed ...
    migrate(app)
    assert flush_now(app) == 3  # ... and the counts waited for the next flush
    assert stored(app) == [("relic", 1, "vi", "qr", "mobile", 3)]
    with app.app_context():
        db.engine.dispose()
