"""Login throttling, on the product's login page and the admin's alike: five failures for a
username from one address lock that pair for the window; failures for a username from any
address lock the username for a short time that doubles with each new lock, except in a browser
that has logged in as that user before (a stranger cannot keep a user out)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.test import Client
from django.urls import reverse

from fieldvisit.apps.accounts.throttle import DEVICE_COOKIE, login_failed
from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.demo.services import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache(db):
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


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


# Issue 13, finding 3: the admin login, one shared count, and a per-username lock with backoff.


def admin_attempt(client, password, ip="10.0.0.1", username="admin"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_admin_login_is_throttled_like_the_product_login(client, personas):
    for _ in range(5):
        admin_attempt(client, "wrong")

    response = admin_attempt(client, DEMO_PASSWORD)

    assert "_auth_user_id" not in client.session
    assert "Too many failed attempts" in response.text
    assert AuditEvent.objects.filter(action="auth.locked", object_id="admin").count() == 1


def test_failures_on_either_login_page_count_together(client, personas):
    for _ in range(3):
        attempt(client, "wrong", username="admin")
    for _ in range(2):
        admin_attempt(client, "wrong")

    assert "Too many failed attempts" in attempt(client, DEMO_PASSWORD, username="admin").text
    assert "_auth_user_id" not in client.session


def test_the_admin_login_still_refuses_a_non_staff_user(client, personas):
    response = admin_attempt(client, DEMO_PASSWORD, username="manager")

    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_guessing_one_username_from_many_addresses_locks_the_username(client, personas):
    for n in range(settings.LOGIN_USERNAME_FAILURE_LIMIT):
        attempt(client, "wrong", ip=f"10.0.1.{n}")

    response = attempt(client, DEMO_PASSWORD, ip="10.0.2.1")

    assert "Too many failed attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_a_username_lock_is_short_and_grows_with_each_new_lock(client, personas):
    base = settings.LOGIN_LOCK_BASE_SECONDS
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        for lock in (1, 2):
            for n in range(settings.LOGIN_USERNAME_FAILURE_LIMIT):
                attempt(client, "wrong", ip=f"10.{lock}.1.{n}")
            clock.shift(base * 2 ** (lock - 1) - 1)
            assert "Too many" in attempt(client, DEMO_PASSWORD, ip="10.9.9.9").text
            clock.shift(2)
        response = attempt(client, DEMO_PASSWORD, ip="10.9.9.9")

    assert response.status_code == 302


def test_a_stranger_cannot_lock_a_user_out_of_a_browser_they_logged_in_from(client, personas):
    assert attempt(client, DEMO_PASSWORD, ip="10.0.0.7").status_code == 302
    device = client.cookies[DEVICE_COOKIE]
    client.logout()  # the test client forgets every cookie; a browser keeps the device cookie
    client.cookies[DEVICE_COOKIE] = device.value
    stranger = Client()
    for n in range(settings.LOGIN_USERNAME_FAILURE_LIMIT * 3):
        attempt(stranger, "wrong", ip=f"10.0.3.{n}")
    assert "Too many" in attempt(stranger, DEMO_PASSWORD, ip="10.0.4.1").text

    response = attempt(client, DEMO_PASSWORD, ip="10.0.0.8")

    assert response.status_code == 302


def test_a_device_cookie_of_another_user_or_forged_does_not_lift_the_lock(client, personas):
    assert attempt(client, DEMO_PASSWORD, username="agent").status_code == 302
    device = client.cookies[DEVICE_COOKIE]
    client.logout()
    client.cookies[DEVICE_COOKIE] = device.value
    for n in range(settings.LOGIN_USERNAME_FAILURE_LIMIT):
        attempt(Client(), "wrong", ip=f"10.0.5.{n}")
    forged = Client()
    forged.cookies[DEVICE_COOKIE] = "manager"

    assert "Too many" in attempt(client, DEMO_PASSWORD).text
    assert "Too many" in attempt(forged, DEMO_PASSWORD).text


def test_throttling_is_counted_in_the_database_shared_by_every_process(personas):
    cache = caches["throttle"]
    assert isinstance(cache, DatabaseCache)

    login_failed("someone", "10.0.0.1")

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {cache._table}")  # noqa: S608
        assert cursor.fetchone()[0] >= 1


def test_the_admin_login_page_is_the_admins_and_logs_staff_in(client, personas):
    page = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="en")
    assert reverse("admin:login") == "/admin/login/"
    assert page.status_code == 200
    assert "admin/login.html" in [t.name for t in page.templates]

    response = admin_attempt(client, DEMO_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
