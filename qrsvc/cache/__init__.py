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

The package, one module a concern:

* :mod:`~qrsvc.cache.stores`: where values and the generation live (Redis, a process
  LRU, a file), with no Flask;
* :mod:`~qrsvc.cache.invalidation`: which commits move the generation, and
  :func:`bump_generation` for what a commit cannot announce;
* :mod:`~qrsvc.cache.responses`: :func:`cached_page` and :func:`get_or_build`, and the
  rules above;
* :mod:`~qrsvc.cache.commands`: ``qrsvc cache clear``.

Callers use the names this package offers (``from qrsvc import cache``).
"""

from __future__ import annotations

from flask import Flask

from qrsvc.cache.commands import cache_command
from qrsvc.cache.invalidation import (
    CONTENT_TABLES,
    EXTENSION,
    bump_generation,
    content_generation,
    listen_for_content_changes,
    page_cache,
)
from qrsvc.cache.responses import CachedResponse, cached_page, get_or_build
from qrsvc.cache.stores import (
    FileGeneration,
    LocalStore,
    PageCache,
    RedisGeneration,
    RedisStore,
    decode,
    encode,
    page_cache_from_config,
)

__all__ = [
    "CONTENT_TABLES", "CachedResponse", "FileGeneration", "LocalStore", "PageCache",
    "RedisGeneration", "RedisStore", "bump_generation", "cache_command", "cached_page",
    "content_generation", "decode", "encode", "get_or_build", "init_app", "page_cache",
]  # fmt: skip


def init_app(app: Flask) -> None:
    """Set up ``app``'s cache and make content commits move the generation."""
    app.extensions[EXTENSION] = page_cache_from_config(app.config, app.instance_path)
    listen_for_content_changes()
    if "cache" not in app.cli.commands:
        app.cli.add_command(cache_command)
