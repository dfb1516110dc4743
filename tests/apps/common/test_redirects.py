"""No page that reads ``next`` sends its reader off the site (issue 13, finding 9)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fieldvisit.apps.demo.services import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

OFF_SITE = [
    "//evil.example/x",
    "https://evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example",
    "javascript:alert(1)",
]


def off_site(response) -> bool:
    location = response.get("Location", "")
    return "evil.example" in location or location.startswith("javascript")


@pytest.mark.parametrize("target", OFF_SITE)
def test_logging_in_never_redirects_off_site(client, personas, target):
    response = client.post(
        reverse("accounts:login"),
        {"username": "manager", "password": DEMO_PASSWORD, "next": target},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_admin_login_never_redirects_off_site(client, personas, target):
    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": DEMO_PASSWORD, "next": target}
    )

    assert response.status_code == 302
    assert not off_site(response)


@pytest.mark.parametrize("target", OFF_SITE)
def test_logging_out_and_changing_language_never_redirect_off_site(client, personas, target):
    client.force_login(personas["agent"])
    language = client.post(reverse("set_language"), {"language": "en", "next": target})
    logout = client.post(reverse("accounts:logout"), {"next": target})

    assert not off_site(language)
    assert not off_site(logout)
