"""Masking of personal data, and the audited, explicit reveal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.cases.pii import mask_address, mask_id_number, mask_phone

pytestmark = pytest.mark.django_db


def test_masks_follow_the_documented_patterns():
    assert mask_id_number("110101199003071234") == "110101********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_address("深圳", "南山区") == "深圳南山区"
    assert mask_phone("12345") == "*****"


@pytest.mark.parametrize("actor", ["manager_a", "agent_a1", "admin"])
def test_the_case_page_and_api_show_only_masked_values(client, world, actor):
    case = world.cases["mine"]
    borrower = case.loan.borrower
    client.force_login(world.users[actor])

    page = client.get(reverse("cases:detail", args=[case.pk])).text
    api = client.get(reverse("api-case", args=[case.pk])).text

    for secret in (borrower.id_number, borrower.phone, borrower.home_address):
        assert secret not in page
        assert secret not in api
    assert mask_phone(borrower.phone) in page
    assert mask_id_number(borrower.id_number) in page
    assert not AuditEvent.objects.exists()


def test_a_manager_reveals_a_phone_with_a_reason_once_and_it_is_audited(client, world):
    case = world.cases["mine"]
    borrower = case.loan.borrower
    manager = world.users["manager_a"]
    client.force_login(manager)

    response = client.post(
        reverse("cases:reveal", args=[case.pk]),
        {"field": "phone", "reason": "borrower asked for a call back"},
        REMOTE_ADDR="10.1.2.3",
    )

    assert response.status_code == 200
    assert response.context["revealed"]["value"] == borrower.phone
    assert borrower.phone in response.text
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get()
    assert (event.user, event.action, event.object_type, event.object_id) == (
        manager,
        "pii.reveal",
        "borrower",
        str(borrower.pk),
    )
    assert (event.fields, event.reason, event.ip) == (
        ["phone"],
        "borrower asked for a call back",
        "10.1.2.3",
    )
    # Shown once: the next view of the page is masked again.
    assert borrower.phone not in client.get(reverse("cases:detail", args=[case.pk])).text


def test_a_reveal_without_a_reason_is_refused_and_not_audited(client, world):
    case = world.cases["mine"]
    client.force_login(world.users["manager_a"])

    response = client.post(reverse("cases:reveal", args=[case.pk]), {"field": "phone"})

    assert response.status_code == 400
    assert case.loan.borrower.phone not in response.text
    assert not AuditEvent.objects.exists()


def test_an_agent_without_the_reveal_permission_gets_403_on_their_own_case(client, world):
    case = world.cases["mine"]
    client.force_login(world.users["agent_a1"])

    page = client.get(reverse("cases:detail", args=[case.pk]))
    response = client.post(
        reverse("cases:reveal", args=[case.pk]), {"field": "phone", "reason": "curious"}
    )

    assert 'data-testid="reveal-form"' not in page.text
    assert response.status_code == 403
    assert not AuditEvent.objects.exists()


def test_a_manager_cannot_reveal_on_another_branchs_case(client, world):
    client.force_login(world.users["manager_a"])

    response = client.post(
        reverse("cases:reveal", args=[world.cases["other_branch"].pk]),
        {"field": "id_number", "reason": "looking around"},
    )

    assert response.status_code == 404
    assert not AuditEvent.objects.exists()
