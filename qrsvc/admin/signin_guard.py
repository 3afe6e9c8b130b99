"""Sign-in floods slow the guessers down and lock nobody out.

Three counts, kept where the app keeps its rate limits (in memory, or in Redis when
``REDIS_URL`` is set), through the ``limits`` package:

- sign-in attempts per client address (``10/minute;60/hour``): one address
  hammering the form is refused (429);
- wrong passwords per account *and* address (``5/minute;20/hour``): one address
  guessing one account is stopped there, and the owner elsewhere is not;
- wrong passwords per account from anywhere, over a quarter of an hour. From
  :data:`ATTACK_FAILURES` on, the account is under attack: the admins are told
  (the caller records an alert), an address that gets its password wrong must wait
  before it tries that account again (longer as the flood grows, a minute at most),
  and every attempt on the account is held back a moment before its password is
  checked (half a second at most: a longer sleep would let a flood tie up the
  server's few workers, itself a denial of service).

The owner's right password from an address that has not failed is never refused:
it waits at most the short hold-back. Everything is off when ``RATELIMIT_ENABLED``
is false, as the app's other rate limits are; ``SIGNIN_HOLD_BACK`` (seconds) can
shorten the hold-back, never lengthen it. With several workers, only Redis gives
them one count (in memory each worker counts for itself).
"""

from __future__ import annotations

import hashlib
import math
import time
import unicodedata
from dataclasses import dataclass

from flask import Flask, current_app
from limits import RateLimitItem, parse, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

CLIENT_LIMITS = "10/minute;60/hour"
ACCOUNT_CLIENT_LIMITS = "5/minute;20/hour"
#: Wrong passwords on one account within a quarter of an hour that make it "under attack".
ATTACK_FAILURES = 10
#: Longest wait imposed on an address after a wrong password, in seconds.
LONGEST_WAIT = 60
#: Longest hold-back of an attempt on an account under attack, in seconds.
LONGEST_HOLD_BACK = 0.5

_ACCOUNT_FAILURES = parse(f"{ATTACK_FAILURES * 100}/15 minutes")
_ACCOUNT_ADDRESSES = parse("1000/hour")
_SCOPE = "qrsvc-signin"


def required_wait(failures: int) -> int:
    """Seconds an address waits after a wrong password, given the account's recent failures.

    None below :data:`ATTACK_FAILURES`; then 5 s, doubling every ten more wrong
    passwords, up to :data:`LONGEST_WAIT`.
    """
    if failures < ATTACK_FAILURES:
        return 0
    return min(LONGEST_WAIT, 5 * 2 ** min((failures - ATTACK_FAILURES) // 10, 8))


def hold_back(failures: int, longest: float = LONGEST_HOLD_BACK) -> float:
    """Seconds an attempt on an account with ``failures`` recent failures is held back."""
    if failures < ATTACK_FAILURES:
        return 0.0
    return min(longest, 0.1 * 2 ** min((failures - ATTACK_FAILURES) // 10, 8))


@dataclass(frozen=True)
class Refusal:
    """An attempt refused before its password was checked: try again in ``retry_after`` s."""

    retry_after: int
    whole_client: bool  # True: this address tried too often; False: this account from it


@dataclass(frozen=True)
class Attack:
    """An account under attack, as known after a wrong password."""

    account: str  # the email as typed, normalised
    failures: int  # wrong passwords on it in the last quarter of an hour
    addresses: int  # addresses that got its password wrong in the last hour


def account_key(email: str) -> str:
    """The account an attempt is aimed at, the same for any spelling of its email."""
    return unicodedata.normalize("NFC", email or "").strip().lower()[:254]


class SignInGuard:
    """The counts above for one application (see the module's docstring)."""

    def __init__(
        self,
        storage_uri: str,
        enabled: bool = True,
        longest_hold_back: float = LONGEST_HOLD_BACK,
        storage_options: dict | None = None,
    ):
        self.enabled = enabled
        self.longest_hold_back = min(LONGEST_HOLD_BACK, longest_hold_back)
        self.storage = storage_from_string(storage_uri, **(storage_options or {}))
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.client_limits = parse_many(CLIENT_LIMITS)
        self.account_client_limits = parse_many(ACCOUNT_CLIENT_LIMITS)

    @classmethod
    def from_config(cls, app: Flask) -> SignInGuard:
        """A guard using the app's rate-limit storage (``RATELIMIT_STORAGE_URI``)."""
        return cls(
            app.config.get("RATELIMIT_STORAGE_URI") or "memory://",
            enabled=app.config.get("RATELIMIT_ENABLED", True),
            longest_hold_back=float(app.config.get("SIGNIN_HOLD_BACK", LONGEST_HOLD_BACK)),
            storage_options=app.config.get("RATELIMIT_STORAGE_OPTIONS"),
        )

    def count_attempt(self, client: str) -> Refusal | None:
        """Count one sign-in attempt of ``client``; a refusal when it tried too often."""
        if not self.enabled:
            return None
        for item in self.client_limits:
            if not self.limiter.hit(item, _SCOPE, "client", client):
                return Refusal(self._retry_after(item, "client", client), whole_client=True)
        return None

    def check(self, email: str, client: str) -> Refusal | None:
        """A refusal when ``client`` must not try this account now, else None."""
        if not self.enabled:
            return None
        account = _digest(email)
        for item in self.account_client_limits:
            if not self.limiter.test(item, _SCOPE, "account", account, client):
                return Refusal(
                    self._retry_after(item, "account", account, client), whole_client=False
                )
        wait_key = _wait_key(account, client)
        if self.storage.get(wait_key):
            left = self.storage.get_expiry(wait_key) - time.time()
            return Refusal(max(1, math.ceil(left)), whole_client=False)
        return None

    def hold_back(self, email: str) -> float:
        """Wait a moment when the account is under attack; returns the seconds waited."""
        if not self.enabled:
            return 0.0
        delay = hold_back(self._failures(_digest(email)), self.longest_hold_back)
        if delay > 0:
            time.sleep(delay)
        return delay

    def failed(self, email: str, client: str) -> Attack | None:
        """Count a wrong password; the attack on the account, if it is under one."""
        if not self.enabled:
            return None
        account = _digest(email)
        first_from_here = True
        for item in self.account_client_limits:
            self.limiter.hit(item, _SCOPE, "account", account, client)
            stats = self.limiter.get_window_stats(item, _SCOPE, "account", account, client)
            first_from_here = first_from_here and stats.remaining >= item.amount - 1
        if first_from_here:
            self.limiter.hit(_ACCOUNT_ADDRESSES, _SCOPE, "addresses", account)
        self.limiter.hit(_ACCOUNT_FAILURES, _SCOPE, "failures", account)
        failures = self._failures(account)
        wait = required_wait(failures)
        if wait == 0:
            return None
        self.storage.incr(_wait_key(account, client), wait)
        addresses = self.limiter.get_window_stats(_ACCOUNT_ADDRESSES, _SCOPE, "addresses", account)
        return Attack(account_key(email), failures, _ACCOUNT_ADDRESSES.amount - addresses.remaining)

    def _failures(self, account: str) -> int:
        stats = self.limiter.get_window_stats(_ACCOUNT_FAILURES, _SCOPE, "failures", account)
        return _ACCOUNT_FAILURES.amount - stats.remaining

    def _retry_after(self, item: RateLimitItem, *identifiers: str) -> int:
        reset = self.limiter.get_window_stats(item, _SCOPE, *identifiers).reset_time
        return max(1, math.ceil(reset - time.time()))


def _digest(email: str) -> str:
    # Short and free of separators whatever was typed into the email field.
    return hashlib.sha256(account_key(email).encode()).hexdigest()[:32]


def _wait_key(account: str, client: str) -> str:
    return f"{_SCOPE}/wait/{account}/{client}"


def init_app(app: Flask) -> None:
    """Give ``app`` its guard (the storage is opened on first use by ``limits``)."""
    app.extensions["qrsvc.signin_guard"] = SignInGuard.from_config(app)


def guard() -> SignInGuard:
    """The guard of the current application."""
    return current_app.extensions["qrsvc.signin_guard"]
