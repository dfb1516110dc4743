"""Shared fixtures: named personas for each role (the Healthchecks / Zulip habit)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("FIELDVISIT_TESTING", "1")


@pytest.fixture
def personas(db):
    """One user per role, created the way the demo creates them."""
    from fieldvisit.apps.accounts.models import User
    from fieldvisit.apps.demo.services import demo_users_create

    demo_users_create()
    return {user.username: user for user in User.objects.all()}


@pytest.fixture(autouse=True)
def _clear_cache(request):
    """Every test starts with empty caches: the local-memory cache lives as long as the process,
    so cached policies and the like would leak from test to test. The database cache (login
    throttling) is rolled back with a test's transaction; a test that commits (a live server's)
    empties it when it ends."""
    from django.conf import settings

    if not settings.configured:  # engine tests run without Django (-p no:django)
        yield
        return
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    for cache in caches.all():
        if not isinstance(cache, DatabaseCache):
            cache.clear()
    marker = request.node.get_closest_marker("django_db")
    commits = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    blocker = request.getfixturevalue("django_db_blocker") if commits else None
    yield
    if blocker is not None:
        with blocker.unblock():
            for cache in caches.all():
                if isinstance(cache, DatabaseCache):
                    cache.clear()


@pytest.fixture(autouse=True)
def _own_media_root(tmp_path_factory):
    """Every test stores uploads in a folder of its own: the xdist workers' databases number
    their rows alike, so a shared media folder let one worker's import job delete the files of
    another's job with the same id."""
    from django.conf import settings

    if not settings.configured:
        yield
        return
    previous = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    yield
    settings.MEDIA_ROOT = previous
