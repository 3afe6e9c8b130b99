"""Rendered pages kept briefly in memory, and HTTP caching (ETag, 304, Cache-Control).

A relic sign is scanned by many phones in a row (a tour bus arrives): rendering
the same page for each would cost a database round trip and a template render
per scan. Rendered pages are kept per process for ``PUBLIC_PAGE_CACHE_SECONDS``
(default 30), so a staff edit shows within that time, and the hot path is a
dictionary look-up. Only pages that exist are kept, so unknown codes cannot fill
the cache, and the number of entries is bounded.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from flask import Response, current_app, request

MAX_ENTRIES = 2048


@dataclass(frozen=True)
class RenderedPage:
    """A page's bytes (plain and gzipped) and validator, and what the scan counter needs."""

    body: bytes
    gzipped: bytes
    etag: str
    target_id: int | None = None
    lang: str = "vi"

    @classmethod
    def of(cls, html: str, target_id: int | None = None, lang: str = "vi") -> RenderedPage:
        """Encode ``html``, compress it once, and compute its strong ETag.

        Compressed here, once per cache fill, because the embedded set-up serves
        phones without nginx in front: on weak 3G 19 KB become about 5 KB.
        """
        body = html.encode()
        etag = hashlib.blake2b(body, digest_size=12).hexdigest()
        return cls(body, gzip.compress(body, 9, mtime=0), etag, target_id, lang)


class PageCache:
    """A small time-limited LRU of rendered pages, shared by the threads of a worker."""

    def __init__(self, seconds: float) -> None:
        """Keep pages for ``seconds`` (0 disables the cache)."""
        self.seconds = seconds
        self._lock = threading.Lock()
        self._pages: OrderedDict[Hashable, tuple[float, RenderedPage]] = OrderedDict()

    def get_or_build(
        self, key: Hashable, build: Callable[[], RenderedPage | None]
    ) -> RenderedPage | None:
        """The cached page for ``key``, or ``build()`` stored when it is not None."""
        now = time.monotonic()
        with self._lock:
            hit = self._pages.get(key)
            if hit is not None and hit[0] > now:
                self._pages.move_to_end(key)
                return hit[1]
        page = build()
        if page is not None and self.seconds > 0:
            with self._lock:
                self._pages[key] = (now + self.seconds, page)
                self._pages.move_to_end(key)
                while len(self._pages) > MAX_ENTRIES:
                    self._pages.popitem(last=False)
        return page


def page_cache() -> PageCache:
    """The current application's page cache."""
    cache = current_app.extensions.get("qrsvc.pages")
    if cache is None:
        seconds = float(current_app.config.get("PUBLIC_PAGE_CACHE_SECONDS", 30))
        cache = current_app.extensions.setdefault("qrsvc.pages", PageCache(seconds))
    return cache


def page_response(page: RenderedPage, max_age: int = 60) -> Response:
    """An HTML response for ``page``: ETag, Cache-Control, and 304 when revalidated.

    The language comes from ``?lang=``, the cookie or Accept-Language, so caches
    must keep one copy per cookie and Accept-Language (``Vary``). Built by hand
    rather than with ``make_conditional``: this is the hot path of every scan, and
    a page has no ranges or dates to negotiate, only its ETag.
    """
    environ = request.environ
    compressed = "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")
    etag = f"{page.etag}-gz" if compressed else page.etag  # one ETag per representation
    headers = [
        ("ETag", f'"{etag}"'),
        ("Cache-Control", f"public, max-age={max_age}"),
        ("Vary", "Accept-Language, Cookie, Accept-Encoding"),
    ]
    if _matches(environ.get("HTTP_IF_NONE_MATCH"), etag):
        return Response(status=304, headers=headers)
    if compressed:
        headers.append(("Content-Encoding", "gzip"))
    body = page.gzipped if compressed else page.body
    return Response(body, headers=headers, content_type="text/html; charset=utf-8")


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    tags = (tag.strip().removeprefix("W/").strip('"') for tag in if_none_match.split(","))
    return etag in tags
