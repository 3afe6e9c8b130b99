"""The public page cache, shared by every process, and its invalidation.

Pages are kept in Redis when ``REDIS_URL`` is set (one copy for every worker and
host), else in a small LRU inside each process. Invalidation never has to find
the entries of a page: every key carries the *content generation*, a number that
goes up after any commit that inserted, updated or deleted a content record
(relics, producers, products, batches, events, media...). Once it moves, every
process asks for new keys and the old entries simply age out.

The generation lives in Redis when there is one (``INCR``), else in a small file
of the instance folder that each commit appends a byte to: its size is the number,
one ``stat()`` reads it, and every process on the host sees it at once (SQLite
means one host). Entries also expire after ``PAGE_CACHE_SECONDS`` (default 300),
which bounds how long a page can lag behind what a commit cannot announce: raw SQL,
or a date passing (an OCOP certificate expiring, this year's festival dates).

Never cached: other methods than GET/HEAD, admin and stamp pages (a stamp's scan
count must be exact on every scan), requests with a session cookie or credentials,
answers with ``Set-Cookie``, a CSP nonce or ``private``/``no-store``, and errors
other than 404.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import Flask, Response, current_app, g, has_app_context, request
from flask.cli import with_appcontext
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Tables whose rows appear on public pages: a commit touching one bumps the generation.
#: Stamp runs and their activations are kept by the stamp pages (:mod:`qrsvc.stamps.facts`);
#: a stamp's counts (stamp_states, stamp_scans) change with every scan and are never kept.
CONTENT_TABLES = frozenset({
    "relics", "relic_translations", "relic_slugs", "related_relics", "festivals", "steles",
    "relic_media", "media", "producers", "products", "trace_links", "batches", "batch_inputs",
    "trace_events", "trace_event_evidence", "stamp_runs", "stamp_run_changes",
})  # fmt: skip
NEVER_CACHED_BLUEPRINTS = frozenset({"admin", "stamps"})
CACHED_STATUSES = frozenset({200, 404})
#: Answers a client can ask for on one URL; the key holds the one it gets.
FLAVOURS = ("text/html", "application/json", "application/ld+json", "application/linkset+json")
MAX_BODY = 512 * 1024  # a page bigger than this is not a page a phone should get twice
MAX_QUERY = 512  # longer query strings are junk or attacks: served, never stored
PAUSE_AFTER_FAILURE = 10.0  # seconds
_CHANGED = "qrsvc.cache.content_changed"


@dataclasses.dataclass(frozen=True)
class CachedResponse:
    """A whole answer as :func:`cached_page` keeps it."""

    status: int
    headers: list[list[str]]
    body: bytes

    def to_response(self) -> Response:
        """A fresh :class:`Response` (after-request hooks still run on it)."""
        return Response(self.body, status=self.status, headers=[tuple(h) for h in self.headers])


class LocalStore:
    """A bounded, time-limited LRU shared by the threads of one process."""

    def __init__(self, entries: int) -> None:
        """Keep at most ``entries`` values."""
        self.entries = entries
        self._lock = threading.Lock()
        self._values: OrderedDict[str, tuple[float, Any]] = OrderedDict()

    def get(self, key: str, kind: type) -> Any | None:
        """The live value under ``key``, or None."""
        with self._lock:
            hit = self._values.get(key)
            if hit is None or hit[0] < time.monotonic():
                return None
            self._values.move_to_end(key)
            return hit[1]

    def set(self, key: str, value: Any, seconds: float) -> None:
        """Keep ``value`` for ``seconds``, dropping the least recently used beyond the bound."""
        with self._lock:
            self._values[key] = (time.monotonic() + seconds, value)
            self._values.move_to_end(key)
            while len(self._values) > self.entries:
                self._values.popitem(last=False)


class RedisStore:
    """Values in Redis, encoded by :func:`encode` (plain data, never pickle)."""

    def __init__(self, client) -> None:
        """Use the ``redis.Redis`` ``client``."""
        self.client = client

    def get(self, key: str, kind: type) -> Any | None:
        """The value under ``key`` decoded as ``kind``, or None."""
        data = self.client.get(key)
        return None if data is None else decode(kind, data)

    def set(self, key: str, value: Any, seconds: float) -> None:
        """Keep ``value`` for ``seconds``."""
        self.client.set(key, encode(value), ex=max(1, int(seconds)))


class FileGeneration:
    """The generation as the size of a file in the instance folder (one host)."""

    def __init__(self, path: Path) -> None:
        """Count in ``path`` (created when missing)."""
        self.path = path
        self.path.touch(exist_ok=True)

    def current(self) -> str:
        """The current generation."""
        return str(os.stat(self.path).st_size)

    def bump(self) -> None:
        """Move the generation on; appends are atomic, so no bump is ever lost."""
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, b".")
        finally:
            os.close(fd)


class RedisGeneration:
    """The generation as a Redis counter shared by every host."""

    def __init__(self, client, key: str) -> None:
        """Count in ``key``."""
        self.client, self.key = client, key

    def current(self) -> str:
        """The current generation."""
        return (self.client.get(self.key) or b"0").decode()

    def bump(self) -> None:
        """Move the generation on."""
        self.client.incr(self.key)


@dataclasses.dataclass
class PageCache:
    """One application's cache: where values live and where the generation is counted."""

    store: LocalStore | RedisStore
    generation: FileGeneration | RedisGeneration
    prefix: str
    seconds: float

    paused_until: float = 0.0

    def key(self, *parts: Hashable) -> str:
        """The storage key of ``parts`` under the current generation."""
        digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
        return f"{self.prefix}page:{self.generation.current()}:{digest}"

    def usable(self) -> bool:
        """False for a while after the store failed: a dead Redis must not slow every page."""
        return time.monotonic() >= self.paused_until

    def failed(self) -> None:
        """Note a failure of the store and leave it alone for a few seconds."""
        log.warning("page cache unavailable; pages are served uncached", exc_info=True)
        self.paused_until = time.monotonic() + PAUSE_AFTER_FAILURE


def init_app(app: Flask) -> None:
    """Set up ``app``'s cache and make content commits move the generation."""
    config = app.config
    prefix = config.get("CACHE_KEY_PREFIX", "qrsvc:")
    seconds = float(
        config["PAGE_CACHE_SECONDS"]
        if "PAGE_CACHE_SECONDS" in config
        else os.environ.get("QRSVC_PAGE_CACHE_SECONDS") or 300
    )
    if config.get("REDIS_URL"):
        from redis import Redis

        client = Redis.from_url(config["REDIS_URL"], socket_timeout=2, socket_connect_timeout=2)
        store, generation = RedisStore(client), RedisGeneration(client, f"{prefix}generation")
    else:
        store = LocalStore(int(config.get("PAGE_CACHE_ENTRIES", 1024)))
        generation = FileGeneration(Path(app.instance_path) / "content-generation")
    app.extensions["qrsvc.cache"] = PageCache(store, generation, prefix, seconds)
    _listen_once()
    if "cache" not in app.cli.commands:
        app.cli.add_command(cache_command)


@click.group("cache", help="The public page cache.")
def cache_command() -> None:
    """``qrsvc cache ...``."""


@cache_command.command("clear")
@with_appcontext
def clear_command() -> None:
    """Make every cached page stale on every server (after editing the database by hand)."""
    # Not bump_generation(), which logs and goes on: here a dead Redis must be told,
    # in one line (the command group's), since nothing was cleared.
    page_cache().generation.bump()
    click.echo(f"page cache cleared (generation {content_generation()})")


def page_cache(app: Flask | None = None) -> PageCache:
    """The cache of ``app`` (the current application by default)."""
    return (app or current_app).extensions["qrsvc.cache"]


def content_generation() -> str:
    """The current content generation of the current application."""
    return page_cache().generation.current()


def bump_generation(app: Flask | None = None) -> None:
    """Make every cached page stale, in every process; call it after a raw SQL change."""
    try:
        page_cache(app).generation.bump()
    except Exception:  # noqa: BLE001 - the commit stands; pages lag at most PAGE_CACHE_SECONDS
        log.exception("could not move the page cache generation")


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
        from qrsvc.i18n import requested_language

        lang = requested_language()
    flavour = request.accept_mimetypes.best_match(FLAVOURS, default="text/html")
    query = request.query_string.decode("latin-1")
    return (request.host.lower(), request.path, query, lang, flavour)


def _cacheable_response(response: Response) -> bool:
    from flask import session

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


def encode(value: Any) -> bytes:
    """Encode a dataclass of plain fields: a JSON line, then its bytes fields in a row."""
    fields, blobs = {}, []
    for field in dataclasses.fields(value):
        item = getattr(value, field.name)
        if isinstance(item, bytes):
            blobs.append((field.name, item))
        else:
            fields[field.name] = item
    head = {"fields": fields, "blobs": [[name, len(blob)] for name, blob in blobs]}
    return json.dumps(head, ensure_ascii=False).encode() + b"\n" + b"".join(b for _, b in blobs)


def decode(kind: type[T], data: bytes) -> T:
    """The ``kind`` that :func:`encode` turned into ``data``."""
    head, _, rest = data.partition(b"\n")
    meta = json.loads(head)
    fields, offset = dict(meta["fields"]), 0
    for name, length in meta["blobs"]:
        fields[name] = rest[offset : offset + length]
        offset += length
    return kind(**fields)


def _listen_once() -> None:
    if event.contains(Session, "after_commit", _after_commit):
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _after_execute)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)


def _after_flush(session: Session, _context) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in CONTENT_TABLES:
            session.info[_CHANGED] = True
            return


def _after_execute(state) -> None:
    # Bulk UPDATE/DELETE/INSERT statements never pass through the flush.
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in CONTENT_TABLES:
            state.session.info[_CHANGED] = True


def _after_commit(session: Session) -> None:
    changed = session.info.pop(_CHANGED, False)
    if changed and has_app_context() and "qrsvc.cache" in current_app.extensions:
        bump_generation()


def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)
