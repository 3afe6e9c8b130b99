"""The per-process buffer of view counts and its background flusher."""

from __future__ import annotations

import atexit
import functools
import logging
import os
import re
import threading
import time
import weakref
from collections import Counter
from datetime import date
from typing import NamedTuple

from flask import Flask, current_app, has_request_context, request

from qrsvc.localtime import local_today
from qrsvc.scans.store import write_counts

log = logging.getLogger(__name__)

KINDS = ("relic", "product", "batch")
#: Request headers (as WSGI environ keys) of fetches made ahead of a visit: the
#: service worker's offline pack sends ``X-Qrsvc-Purpose``, browsers ``Sec-Purpose``.
PREFETCH_HEADERS = ("HTTP_X_QRSVC_PURPOSE", "HTTP_SEC_PURPOSE", "HTTP_PURPOSE")
SOURCES = ("qr", "site")
#: Distinct keys kept while the database is unreachable; beyond this, counts are dropped
#: rather than let an outage grow the memory of every worker without bound.
MAX_PENDING_KEYS = 50_000
EXTENSION = "qrsvc.scans"  # where an app keeps its buffer

_BOT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|headless|lighthouse|curl|wget|python|java/|go-http|"
    r"okhttp|httpclient|facebookexternalhit|preview|monitor|scanner",
    re.IGNORECASE,
)
# KaiOS feature phones are common in the countryside; they are phones.
_MOBILE = re.compile(r"mobi|android|iphone|ipad|ipod|kaios|opera mini|windows phone", re.I)


class ScanKey(NamedTuple):
    """What one counter adds up: a day, a target, a language, a source and a device."""

    day: date
    kind: str
    target_id: int
    lang: str
    source: str
    device: str


@functools.lru_cache(maxsize=1024)  # a few phone models make most of the scans
def device_class(user_agent: str | None) -> str:
    """``"mobile"``, ``"desktop"`` or ``"bot"`` from a User-Agent header (empty: bot)."""
    if not user_agent or _BOT.search(user_agent):
        return "bot"
    return "mobile" if _MOBILE.search(user_agent) else "desktop"


def count_view(kind: str, target_id: int, *, lang: str, source: str) -> None:
    """Count one view of a page about ``kind`` ``target_id``; never touches the database.

    ``kind`` is relic, product or batch; ``source`` is ``"qr"`` (the printed code)
    or ``"site"`` (a link inside the site). The device class is read from the
    request's User-Agent; bots are counted as ``device="bot"``, never as scans.
    Requests that are not visits are not counted: HEAD (link checkers) and pages
    fetched ahead of a visit (the offline pack, browser prefetch; see
    :data:`PREFETCH_HEADERS`).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown scan kind {kind!r}")
    if source not in SOURCES:
        raise ValueError(f"unknown scan source {source!r}")
    environ = request.environ if has_request_context() else {}
    if environ and (
        environ.get("REQUEST_METHOD") == "HEAD" or any(h in environ for h in PREFETCH_HEADERS)
    ):
        return
    user_agent = environ.get("HTTP_USER_AGENT", "")
    device = device_class(user_agent[:512])
    if device == "bot":
        source = "site"
    day = local_today()  # the district's day, not UTC's
    key = ScanKey(day, kind, int(target_id), (lang or "")[:8].lower(), source, device)
    buffer = current_app.extensions.get(EXTENSION)
    (buffer or _buffer_of(current_app.app_context().app)).add(key)


def flush_now(app: Flask | None = None) -> int:
    """Write the counts buffered for ``app`` (default: the current app); return how many."""
    # The application object itself (not the proxy): the buffer's thread keeps it.
    return _buffer_of(app or current_app.app_context().app).flush()


class ScanBuffer:
    """Counts of one application in one process, flushed by a short-lived thread.

    The thread starts with the first count and stops once a flush finds nothing
    new, so an idle worker (or a finished test) keeps no thread alive.
    """

    def __init__(self, app: Flask) -> None:
        """Buffer counts for ``app``; the flush interval is ``SCAN_FLUSH_SECONDS``."""
        self.app = app
        self.interval = float(app.config.get("SCAN_FLUSH_SECONDS", 1.0))
        self._lock = threading.Lock()
        self._counts: Counter[ScanKey] = Counter()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def add(self, key: ScanKey) -> None:
        """Add one view, starting the flusher when none is running."""
        with self._lock:
            if self._pid != os.getpid():
                # A fork (gunicorn --preload) copies the counts but not the thread:
                # the parent writes its own counts, the child starts afresh.
                self._counts, self._thread, self._pid = Counter(), None, os.getpid()
            self._counts[key] += 1
            if self._thread is None and self.interval > 0:
                self._thread = threading.Thread(
                    target=self._run, name="qrsvc-scan-flusher", daemon=True
                )
                self._thread.start()

    def flush(self) -> int:
        """Write the pending counts in one transaction; on failure keep them for later."""
        with self._lock:
            pending, self._counts = self._counts, Counter()
        if not pending:
            return 0
        try:
            with self.app.app_context():
                write_counts(pending)
        except Exception:  # noqa: BLE001 - an outage must not kill the flusher or lose counts
            log.warning("could not write %d scan counters; keeping them", len(pending))
            with self._lock:
                if len(self._counts) + len(pending) <= MAX_PENDING_KEYS:
                    self._counts.update(pending)
            return 0
        return sum(pending.values())

    def _run(self) -> None:
        while True:
            time.sleep(self.interval)
            self.flush()
            with self._lock:
                if not self._counts:
                    self._thread = None
                    return


_buffers: weakref.WeakSet[ScanBuffer] = weakref.WeakSet()
_buffers_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """Give ``app`` its buffer of counts."""
    _buffer_of(app)


def _buffer_of(app: Flask) -> ScanBuffer:
    buffer = app.extensions.get(EXTENSION)
    if buffer is None:
        with _buffers_lock:
            buffer = app.extensions.get(EXTENSION)
            if buffer is None:
                buffer = app.extensions[EXTENSION] = ScanBuffer(app)
                _buffers.add(buffer)
    return buffer


@atexit.register
def _flush_all_at_exit() -> None:
    # A worker that stops (gunicorn reload, deploy) writes what it still holds.
    for buffer in list(_buffers):
        if buffer._pid == os.getpid():
            buffer.flush()
