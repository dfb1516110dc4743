"""Login throttling: after too many failures for one username from one address, refuse for a while.

Counted in the cache (``settings.CACHES``): local memory in the embedded default, Redis when
several processes serve logins (otherwise each process would count on its own). The key hashes
the username and address so neither is stored in clear in the cache.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

PREFIX = "login-failures:"


def _key(username: str, ip: str | None) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}\0{ip or ''}".encode()).hexdigest()
    return PREFIX + digest


def login_is_locked(username: str, ip: str | None) -> bool:
    return int(cache.get(_key(username, ip), 0)) >= settings.LOGIN_FAILURE_LIMIT


def login_failed(username: str, ip: str | None) -> int:
    """Count one failure; the window starts at the first failure. Returns the count."""
    key = _key(username, ip)
    if cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW)
        return 1


def login_succeeded(username: str, ip: str | None) -> None:
    cache.delete(_key(username, ip))
