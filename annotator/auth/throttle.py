"""Per-account login throttling that slows, never locks out.

Failed logins are counted per account name (hashed) in the rate limiter's storage — Redis when
``ANNOTATOR_REDIS_URL`` is set, so every worker sees the same count. After ``FREE_FAILURES``
failures within ``WINDOW`` seconds each further attempt on that account waits before its
password is checked: 0.5 s, 1 s, 2 s, ... up to ``MAX_DELAY``. A correct password still gets
in (after the wait) from any address, so nobody can lock a user out by guessing on their
account; a guesser is held to a few attempts per ``MAX_DELAY`` per connection, and the per-IP
limit (failures only) answers 429 after ``LOGIN_RATE_LIMIT``. A success clears the count.
"""

from __future__ import annotations

import hashlib
import time

from flask import current_app

from annotator.extensions import limiter

WINDOW = 15 * 60
FREE_FAILURES = 5
MAX_DELAY = 8.0


def _key(username: str) -> str:
    digest = hashlib.sha256(username.strip().lower().encode("utf-8", "replace")).hexdigest()
    return "annotator-login-failures/" + digest[:32]


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def delay_for(failures: int) -> float:
    if failures < FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY, 0.5 * 2 ** (failures - FREE_FAILURES))


def wait_before_check(username: str) -> float:
    """Sleep as long as the account's recent failures ask (cooperative under gevent)."""
    if not _enabled():
        return 0.0
    delay = delay_for(limiter.storage.get(_key(username)))
    if delay:
        time.sleep(delay)
    return delay


def record_failure(username: str) -> None:
    if _enabled():
        limiter.storage.incr(_key(username), WINDOW)


def record_success(username: str) -> None:
    if _enabled():
        limiter.storage.clear(_key(username))
