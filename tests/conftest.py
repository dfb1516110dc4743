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
