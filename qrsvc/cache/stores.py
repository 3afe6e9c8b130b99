"""Where the page cache keeps values and counts the content generation (no Flask here).

Values live in Redis (:class:`RedisStore`, plain data encoded by :func:`encode`, never
pickle) or in a bounded LRU of the process (:class:`LocalStore`). The generation is a
Redis counter (:class:`RedisGeneration`) or the size of a file in the instance folder
(:class:`FileGeneration`). :class:`PageCache` holds one of each for an application.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger("qrsvc.cache")
T = TypeVar("T")

PAUSE_AFTER_FAILURE = 10.0  # seconds


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


def page_cache_from_config(config: Mapping[str, Any], instance_path: str) -> PageCache:
    """The cache ``config`` asks for: Redis when ``REDIS_URL`` is set, else this process.

    ``PAGE_CACHE_SECONDS`` (or ``QRSVC_PAGE_CACHE_SECONDS``, default 300) bounds how long
    an entry lives; ``PAGE_CACHE_ENTRIES`` bounds the local LRU.
    """
    prefix = config.get("CACHE_KEY_PREFIX", "qrsvc:")
    seconds = float(
        config["PAGE_CACHE_SECONDS"]
        if "PAGE_CACHE_SECONDS" in config
        else os.environ.get("QRSVC_PAGE_CACHE_SECONDS") or 300
    )
    if config.get("REDIS_URL"):
        from redis import Redis  # only a server with Redis pays for importing it

        client = Redis.from_url(config["REDIS_URL"], socket_timeout=2, socket_connect_timeout=2)
        store, generation = RedisStore(client), RedisGeneration(client, f"{prefix}generation")
    else:
        store = LocalStore(int(config.get("PAGE_CACHE_ENTRIES", 1024)))
        generation = FileGeneration(Path(instance_path) / "content-generation")
    return PageCache(store, generation, prefix, seconds)


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
