"""What the page cache keeps: whole answers (:func:`cached_page`) and values (:func:`get_or_build`).

The rules of what is never kept are in :mod:`qrsvc.cache`'s docstring; they are
checked here, on the request (:func:`_cacheable_request`) and on the answer
(:func:`_cacheable_response`). A store that fails only costs the build.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import Response, current_app, g, request, session

from qrsvc.cache.invalidation import page_cache
from qrsvc.cache.stores import PageCache
from qrsvc.i18n import requested_language

T = TypeVar("T")

NEVER_CACHED_BLUEPRINTS = frozenset({"admin", "stamps"})
CACHED_STATUSES = frozenset({200, 404})
#: Answers a client can ask for on one URL; the key holds the one it gets.
FLAVOURS = ("text/html", "application/json", "application/ld+json", "application/linkset+json")
MAX_BODY = 512 * 1024  # a page bigger than this is not a page a phone should get twice
MAX_QUERY = 512  # longer query strings are junk or attacks: served, never stored


@dataclasses.dataclass(frozen=True)
class CachedResponse:
    """A whole answer as :func:`cached_page` keeps it."""

    status: int
    headers: list[list[str]]
    body: bytes

    def to_response(self) -> Response:
        """A fresh :class:`Response` (after-request hooks still run on it)."""
        return Response(self.body, status=self.status, headers=[tuple(h) for h in self.headers])


def get_or_build(
    key: tuple[Hashable, ...],
    build: Callable[[], T | None],
    *,
    kind: type[T],
    seconds: float | None = None,
) -> T | None:
    """The cached value for ``key``, or ``build()`` kept when it is not None.

    ``kind`` is a dataclass of bytes, text, numbers and None (what a rendered page
    is); it is how a value comes back out of Redis. A cache that fails (Redis
    down) only costs the build.
    """
    cache = page_cache()
    seconds = cache.seconds if seconds is None else seconds
    if seconds <= 0 or not cache.usable():
        return build()
    try:
        storage_key = cache.key("value", *key)
        value = cache.store.get(storage_key, kind)
    except Exception:  # noqa: BLE001 - serve the page uncached rather than fail it
        cache.failed()
        return build()
    if value is not None:
        return value
    nonce_before = "csp_nonce" in g
    value = build()
    # A value that holds this request's CSP nonce would break the policy of the next.
    if value is not None and ("csp_nonce" in g) == nonce_before:
        _store(cache, storage_key, value, seconds)
    return value


def cached_page(seconds: float | None = None) -> Callable:
    """Decorate a public view so its whole answer is cached (see the module's rules)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            cache = page_cache()
            ttl = cache.seconds if seconds is None else seconds
            if ttl <= 0 or not cache.usable() or not _cacheable_request():
                return view(*args, **kwargs)
            try:
                storage_key = cache.key("response", *_request_parts())
                hit = cache.store.get(storage_key, CachedResponse)
            except Exception:  # noqa: BLE001 - serve the page uncached rather than fail it
                cache.failed()
                return view(*args, **kwargs)
            if hit is not None:
                response = hit.to_response()
                # A phone that kept the page asks with its ETag: send 304, not the bytes.
                return response.make_conditional(request) if hit.status == 200 else response
            response = current_app.make_response(view(*args, **kwargs))
            if _cacheable_response(response):
                headers = [[k, v] for k, v in response.headers.items() if k != "Content-Length"]
                entry = CachedResponse(response.status_code, headers, response.get_data())
                _store(cache, storage_key, entry, ttl)
            return response

        return wrapper

    return decorator


def _store(cache: PageCache, key: str, value: Any, seconds: float) -> None:
    try:
        cache.store.set(key, value, seconds)
    except Exception:  # noqa: BLE001 - the visitor has the page; only the copy is lost
        cache.failed()


def _cacheable_request() -> bool:
    if request.method not in ("GET", "HEAD") or request.blueprint in NEVER_CACHED_BLUEPRINTS:
        return False
    if len(request.query_string) > MAX_QUERY or "Authorization" in request.headers:
        return False
    # Someone logged in (or holding a CSRF token) may see a page of their own.
    return current_app.config.get("SESSION_COOKIE_NAME", "session") not in request.cookies


def _request_parts() -> tuple[str, ...]:
    lang = g.get("lang")
    if lang is None:
        lang = requested_language()
    flavour = request.accept_mimetypes.best_match(FLAVOURS, default="text/html")
    query = request.query_string.decode("latin-1")
    return (request.host.lower(), request.path, query, lang, flavour)


def _cacheable_response(response: Response) -> bool:
    cache_control = response.headers.get("Cache-Control", "")
    return (
        response.status_code in CACHED_STATUSES
        and not response.is_streamed
        and "Set-Cookie" not in response.headers
        and "private" not in cache_control
        and "no-store" not in cache_control
        and "csp_nonce" not in g  # the body holds this request's nonce
        # A new session (a CSRF token on a form) is this visitor's own; who asks with a
        # session cookie never reaches here (see _cacheable_request).
        and not session.modified
        and response.content_length is not None
        and response.content_length <= MAX_BODY
    )
