"""Rendered pages and their HTTP caching (ETag, 304, Cache-Control).

A relic sign is scanned by many phones in a row (a tour bus arrives): rendering
the same page for each would cost a database round trip and a template render per
scan. A :class:`RenderedPage` is what :mod:`qrsvc.cache` keeps (in Redis or in
memory, fresh after any edit); only pages that exist are kept, so unknown codes
cannot fill the cache.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass

from flask import Response, request

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
        # A CDN in front must ask us every time (a cheap 304) so every scan is counted.
        ("Cache-Control", f"public, max-age={max_age}, s-maxage=0"),
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
