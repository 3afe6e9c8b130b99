"""Rate limits per client, on the public API of the ``limits`` package.

    limiter.limit("10 per hour", methods=["POST"])(view)   # a view's own budget
    limited_blueprint(bp, "300/minute;5000/hour")          # one budget for a whole blueprint
    hit_limits("120/minute", scope="stamp-page")           # counted inside a view, no headers

Only a request that asks for a limit pays for one: nothing is hooked into every
request, so a relic scan, which has no limit, never looks limits up. Over a limit
the client gets 429 with ``Retry-After``; the error page explains it in the visitor's
language (``description``, or the general words for 429). The decorated and blueprint
limits also send ``X-RateLimit-Limit/Remaining/Reset`` (``RATELIMIT_HEADERS_ENABLED``).

Settings (Flask-Limiter's names, which deployments already use): ``RATELIMIT_ENABLED``
(default on), ``RATELIMIT_STORAGE_URI`` (``memory://`` or ``redis://...``, shared by
every worker), ``RATELIMIT_STORAGE_OPTIONS``, ``RATELIMIT_STRATEGY`` (``fixed-window``),
``RATELIMIT_KEY_PREFIX``. Limits are written as ``limits`` parses them:
``"120/minute;3000/day"`` or ``"10 per hour"``.
"""

from __future__ import annotations

import functools
import math
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, after_this_request, current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string
from limits.strategies import STRATEGIES, RateLimiter
from werkzeug.exceptions import TooManyRequests

EXTENSION = "qrsvc.ratelimit"
#: A limit: its text, or a function giving it at request time (read from the config).
Limit = str | Callable[[], str]


class RateLimitExceeded(TooManyRequests):
    """429: this client used up a budget. ``Retry-After`` says when to come back."""

    def __init__(self, item: RateLimitItem, retry_after: int, description: Any = None) -> None:
        """``description`` (a lazy string) is what the visitor reads; None: the general words."""
        super().__init__(
            description=str(description) if description else None, retry_after=retry_after
        )
        self.limit = item


@dataclass(frozen=True)
class Budgets:
    """One application's limits: whether they apply, the strategy and its storage."""

    enabled: bool
    limiter: RateLimiter | None
    storage: Storage | None
    prefix: str
    headers: bool

    def hit(self, limits: Iterable[RateLimitItem], scope: str, client: str) -> None:
        """Count one request of ``client`` against every limit; raise the first one exceeded."""
        for item in limits:
            if not self.limiter.hit(item, self.prefix, scope, client):
                raise RateLimitExceeded(item, self.retry_after(item, scope, client))

    def retry_after(self, item: RateLimitItem, scope: str, client: str) -> int:
        """Whole seconds until ``item``'s window lets ``client`` in again (at least 1)."""
        reset = self.limiter.get_window_stats(item, self.prefix, scope, client).reset_time
        return max(1, math.ceil(reset - time.time()))

    def headers_for(self, limits: Iterable[RateLimitItem], scope: str, client: str) -> list:
        """``X-RateLimit-*`` of the limit closest to running out."""
        tightest = None
        for item in limits:
            stats = self.limiter.get_window_stats(item, self.prefix, scope, client)
            if tightest is None or stats.remaining < tightest[1].remaining:
                tightest = (item, stats)
        if tightest is None:
            return []
        item, stats = tightest
        return [
            ("X-RateLimit-Limit", str(item.amount)),
            ("X-RateLimit-Remaining", str(max(0, stats.remaining))),
            ("X-RateLimit-Reset", str(int(stats.reset_time))),
        ]


class RateLimits:
    """The limits of every application bound with :meth:`init_app` (state per app)."""

    def __init__(self) -> None:
        """Unbound; :meth:`init_app` reads an application's settings."""
        self._storages: weakref.WeakSet = weakref.WeakSet()

    def init_app(self, app: Flask) -> None:
        """Read ``app``'s ``RATELIMIT_*`` settings and make its storage."""
        config = app.config
        enabled = bool(config.setdefault("RATELIMIT_ENABLED", True))
        limiter = storage = None
        if enabled:
            strategy = config.get("RATELIMIT_STRATEGY") or "fixed-window"
            if strategy not in STRATEGIES:
                raise ValueError(f"RATELIMIT_STRATEGY must be one of {sorted(STRATEGIES)}")
            storage = storage_from_string(
                config.get("RATELIMIT_STORAGE_URI") or "memory://",
                **(config.get("RATELIMIT_STORAGE_OPTIONS") or {}),
            )
            self._storages.add(storage)
            limiter = STRATEGIES[strategy](storage)
        app.extensions[EXTENSION] = Budgets(
            enabled=enabled,
            limiter=limiter,
            storage=storage,
            prefix=config.get("RATELIMIT_KEY_PREFIX") or "",
            headers=bool(config.get("RATELIMIT_HEADERS_ENABLED", False)),
        )

    def limit(
        self, limit: Limit, *, methods: Iterable[str] | None = None, description: Any = None
    ) -> Callable:
        """Decorate a view: each client may call it ``limit`` times (per its own endpoint).

        ``methods``: only these methods count (default: all of them).
        """
        counted = None if methods is None else {m.upper() for m in methods}

        def decorator(view: Callable) -> Callable:
            @functools.wraps(view)
            def limited(*args: Any, **kwargs: Any) -> Any:
                if counted is None or request.method in counted:
                    check(limit, request.endpoint or view.__name__, description)
                return view(*args, **kwargs)

            return limited

        return decorator

    def reset(self) -> None:
        """Forget every count of every application bound here (tests start afresh)."""
        for storage in list(self._storages):
            storage.reset()


def budgets() -> Budgets:
    """The current application's limits."""
    return current_app.extensions[EXTENSION]


def client_address() -> str:
    """Who a limit is counted for: the client's address (as the proxies in front say)."""
    return request.remote_addr or "127.0.0.1"


@functools.lru_cache(maxsize=64)
def parsed(limits: str) -> tuple[RateLimitItem, ...]:
    """``"120/minute;3000/day"`` as ``limits`` items (parsed once per text)."""
    return tuple(parse_many(limits))


def check(limit: Limit, scope: str, description: Any = None) -> None:
    """Count this request against ``limit`` in ``scope`` and send the ``X-RateLimit`` headers."""
    kept = budgets()
    if not kept.enabled:
        return
    items, client = parsed(limit() if callable(limit) else limit), client_address()
    try:
        kept.hit(items, scope, client)
    except RateLimitExceeded as exc:
        if description:
            exc.description = str(description)
        raise
    finally:
        if kept.headers:
            headers = kept.headers_for(items, scope, client)

            @after_this_request
            def add_headers(response: Response) -> Response:
                for name, value in headers:
                    response.headers.setdefault(name, value)
                return response


def hit_limits(limits: str, scope: str, description: Any = None) -> None:
    """Count this request against ``limits`` per client, nothing more (the hot paths).

    No ``X-RateLimit`` headers (a stamp scan's answer stays the same for every scan);
    over a limit: 429 with ``Retry-After`` and ``description`` (a lazy string: translated
    only then). Does nothing when rate limiting is off.
    """
    kept = budgets()
    if not kept.enabled:
        return
    try:
        kept.hit(parsed(limits), scope, client_address())
    except RateLimitExceeded as exc:
        if description:
            exc.description = str(description)
        raise


def limited_blueprint(bp: Blueprint, limit: Limit) -> None:
    """One budget of ``limit`` per client for every request to ``bp`` (errors included)."""

    @bp.before_request
    def check_the_blueprint_budget() -> None:
        check(limit, scope=bp.name)
