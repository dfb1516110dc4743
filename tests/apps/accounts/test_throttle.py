"""Login throttling: five failures for a username from one address lock it for the window."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.demo.services import DEMO_PASSWORD


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def attempt(client, password, ip="10.0.0.1", username="manager"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_after_five_failures_even_the_right_password_is_refused_and_the_lock_audited(
    client, personas
):
    for _ in range(5):
        assert "The username or password is wrong" in attempt(client, "wrong").text

    response = attempt(client, DEMO_PASSWORD)

    assert "Too many failed attempts" in response.text
    assert "_auth_user_id" not in client.session
    lock = AuditEvent.objects.get(action="auth.locked")
    assert (lock.object_id, lock.ip) == ("manager", "10.0.0.1")


def test_four_failures_then_the_right_password_logs_in_and_resets_the_count(client, personas):
    for _ in range(4):
        attempt(client, "wrong")

    response = attempt(client, DEMO_PASSWORD)

    assert response.status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, DEMO_PASSWORD).status_code == 302


def test_the_lock_is_per_username_and_address(client, personas):
    for _ in range(5):
        attempt(client, "wrong")

    assert attempt(client, DEMO_PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()
    assert attempt(client, DEMO_PASSWORD, username="agent").status_code == 302
