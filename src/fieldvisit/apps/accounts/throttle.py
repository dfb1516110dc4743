"""Login throttling, for the product's login page and the admin's (one form mixin, one count).

Two locks, counted in the ``throttle`` cache (``settings.CACHES``), which every process shares:
the database (Django's database cache) unless Redis is configured.

1. **Username and address.** ``LOGIN_FAILURE_LIMIT`` failures for one username from one address
   within ``LOGIN_FAILURE_WINDOW`` seconds lock that pair for the rest of the window.
2. **Username, any address.** ``LOGIN_USERNAME_FAILURE_LIMIT`` failures for one username from
   anywhere lock the username for ``LOGIN_LOCK_BASE_SECONDS``, doubled for each further lock
   within a day, at most ``LOGIN_LOCK_MAX_SECONDS``: guessing one password from many addresses
   is slowed down. So that a stranger cannot use this to keep a person out, a browser that has
   logged in as that username before carries a signed device cookie (:data:`DEVICE_COOKIE`) and
   is not held by the username lock (only by the lock of its own address).

Keys hash the username (and address) so neither is stored in clear in the cache.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse

PREFIX = "login-failures:"
DEVICE_COOKIE = "fieldvisit_device"
_DEVICE_SALT = "fieldvisit.accounts.throttle.device"
_DEVICE_MAX_AGE = 180 * 24 * 3600
_LOCK_MEMORY = 24 * 3600  # how long earlier username locks make the next one longer


def _cache() -> Any:
    return caches["throttle"]


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _norm(username: str) -> str:
    return username.strip().lower()


def _pair_key(username: str, ip: str | None) -> str:
    return PREFIX + _digest(_norm(username), ip or "")


def _user_key(username: str, what: str) -> str:
    return f"login-{what}:" + _digest(_norm(username))


def _count(key: str, timeout: int) -> int:
    """Add one to the counter at ``key`` (created with ``timeout``); returns the new count."""
    cache = _cache()
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def login_is_locked(username: str, ip: str | None, *, trusted_device: bool = False) -> bool:
    """Whether a login for ``username`` from ``ip`` is refused now, whatever the password."""
    cache = _cache()
    if int(cache.get(_pair_key(username, ip), 0)) >= settings.LOGIN_FAILURE_LIMIT:
        return True
    return not trusted_device and cache.get(_user_key(username, "lock")) is not None


def login_failed(username: str, ip: str | None) -> bool:
    """Count one failure; returns whether it has just locked the pair or the username."""
    pair = _count(_pair_key(username, ip), settings.LOGIN_FAILURE_WINDOW)
    failures = _count(_user_key(username, "count"), settings.LOGIN_FAILURE_WINDOW)
    locked = pair == settings.LOGIN_FAILURE_LIMIT
    if failures >= settings.LOGIN_USERNAME_FAILURE_LIMIT:
        cache = _cache()
        cache.delete(_user_key(username, "count"))
        earlier = _count(_user_key(username, "locks"), _LOCK_MEMORY) - 1
        seconds = min(
            settings.LOGIN_LOCK_BASE_SECONDS * 2**earlier, settings.LOGIN_LOCK_MAX_SECONDS
        )
        cache.set(_user_key(username, "lock"), 1, timeout=seconds)
        locked = True
    return locked


def login_succeeded(username: str, ip: str | None) -> None:
    _cache().delete_many([_pair_key(username, ip), _user_key(username, "count")])


def device_is_trusted(request: HttpRequest | None, username: str) -> bool:
    """Whether this browser has logged in as ``username`` before (its signed device cookie)."""
    if request is None:
        return False
    signed = request.get_signed_cookie(
        DEVICE_COOKIE, default=None, salt=_DEVICE_SALT, max_age=_DEVICE_MAX_AGE
    )
    return signed is not None and signed == _digest(_norm(username))


def device_remember(response: HttpResponse, username: str) -> None:
    """Mark this browser as one ``username`` logs in from (after a successful login)."""
    response.set_signed_cookie(
        DEVICE_COOKIE,
        _digest(_norm(username)),
        salt=_DEVICE_SALT,
        max_age=_DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
