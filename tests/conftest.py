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
def _clear_cache():
    """Every test starts with empty caches: the local-memory cache lives as long as the process,
    so login throttling counts, cached policies and the like would leak from test to test."""
    from django.conf import settings

    if not settings.configured:  # engine tests run without Django (-p no:django)
        yield
        return
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


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
