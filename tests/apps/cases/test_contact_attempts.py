"""Contact attempts go through the compliance engine: refused naming the rule, or recorded."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.cases.models import CaseEvent, CaseStatus, CollectionCase, ContactAttempt
from fieldvisit.apps.cases.services import (
    ComplianceBlocked,
    contact_attempt_check,
    contact_attempt_record,
)
from fieldvisit.apps.common.errors import ApplicationError

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = dt.datetime(2026, 3, 10, 12, 0, tzinfo=SHANGHAI)
LATE = dt.datetime(2026, 3, 10, 21, 30, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(dt.datetime(2026, 3, 10, 22, 0, tzinfo=SHANGHAI), tick=False):
        yield


def record(case, user, **kwargs):
    defaults = {
        "channel": "call",
        "target": "borrower",
        "outcome": "no_answer",
        "attempted_at": NOON,
    }
    return contact_attempt_record(case=case, user=user, **{**defaults, **kwargs})


def test_an_allowed_call_is_recorded_with_the_borrowers_number_event_and_audit(world):
    case = world.cases["mine"]

    attempt = record(case, world.users["agent_a1"], outcome="connected")

    assert attempt.contact_number == case.loan.borrower.phone
    assert attempt.borrower_id == case.loan.borrower_id
    assert CollectionCase.objects.get(pk=case.pk).status == CaseStatus.CONTACTING
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == [
        "status",
        "contact",
    ]
    assert AuditEvent.objects.filter(action="contact.attempt").count() == 1


def test_a_call_at_21_30_is_refused_naming_quiet_hours_and_nothing_is_written(world):
    case = world.cases["mine"]

    with pytest.raises(ComplianceBlocked) as refused:
        record(case, world.users["agent_a1"], attempted_at=LATE)

    assert refused.value.extra == {"rules": ["CN-TIME-01"]}
    assert "CN-TIME-01" in str(refused.value.message)
    assert not ContactAttempt.objects.exists()
    assert not CaseEvent.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_seventh_unanswered_call_of_the_day_is_refused(world):
    case, agent = world.cases["mine"], world.users["agent_a1"]
    for minute in range(6):
        record(case, agent, attempted_at=NOON + dt.timedelta(minutes=minute))

    with pytest.raises(ComplianceBlocked) as refused:
        record(case, agent, attempted_at=NOON + dt.timedelta(hours=1))

    assert refused.value.extra == {"rules": ["CN-FREQ-01"]}
    assert ContactAttempt.objects.count() == 6


def test_a_dialler_can_ask_before_dialling_and_nothing_is_written(world):
    # given six unanswered calls today
    case, agent = world.cases["mine"], world.users["agent_a1"]
    for minute in range(6):
        record(case, agent, attempted_at=NOON + dt.timedelta(minutes=minute))
    events = CaseEvent.objects.count()
    # when the dialler asks about a seventh, and about one tomorrow
    seventh = contact_attempt_check(
        case=case, channel="call", target="borrower", at=NOON + dt.timedelta(hours=1)
    )
    # then the answer is the rule that would refuse it, the same the recording gives
    assert not seventh.allowed
    assert [str(f.rule_id) for f in seventh.blocked] == ["CN-FREQ-01"]
    assert ContactAttempt.objects.count() == 6
    assert CaseEvent.objects.count() == events


def test_a_call_to_a_third_party_is_refused(world):
    with pytest.raises(ComplianceBlocked) as refused:
        record(world.cases["mine"], world.users["agent_a1"], target="third_party")

    assert refused.value.extra == {"rules": ["CN-3P-01"]}


def test_a_vulnerable_borrower_needs_a_managers_override_which_is_recorded_and_audited(world):
    case = world.cases["mine"]
    case.vulnerable = True
    case.save()

    with pytest.raises(ComplianceBlocked):
        record(case, world.users["agent_a1"])
    with pytest.raises(ApplicationError) as agent_override:
        record(case, world.users["agent_a1"], override_reason="I think it is fine")
    attempt = record(case, world.users["manager_a"], override_reason="borrower asked us to call")

    assert agent_override.value.code == "forbidden"
    assert attempt.overridden_rules == ["FV-VULN-01"]
    assert attempt.override_by == world.users["manager_a"]
    override = AuditEvent.objects.get(action="compliance.override")
    assert (override.fields, override.reason, override.object_id) == (
        {"rules": ["FV-VULN-01"]},
        "borrower asked us to call",
        str(attempt.pk),
    )


def test_a_manager_override_does_not_lift_quiet_hours(world):
    with pytest.raises(ComplianceBlocked) as refused:
        record(
            world.cases["mine"], world.users["manager_a"], attempted_at=LATE, override_reason="x"
        )

    assert refused.value.extra == {"rules": ["CN-TIME-01"]}


def test_a_visit_attempt_alone_is_refused_and_with_two_people_recorded(world):
    case, agent = world.cases["mine"], world.users["agent_a1"]

    with pytest.raises(ComplianceBlocked) as refused:
        record(case, agent, channel="visit", outcome="not_at_home", visitors=1)
    attempt = record(case, agent, channel="visit", outcome="not_at_home", visitors=2)

    assert refused.value.extra == {"rules": ["CN-VISIT-01"]}
    assert attempt.contact_number == ""


def test_a_future_attempt_is_refused(world):
    with pytest.raises(ApplicationError) as refused:
        record(
            world.cases["mine"],
            world.users["agent_a1"],
            attempted_at=dt.datetime(2026, 3, 11, 10, 0, tzinfo=SHANGHAI),
        )

    assert refused.value.code == "future"


def test_the_form_shows_the_blocked_rule_and_the_api_answers_400_with_the_rule(client, world):
    case = world.cases["mine"]
    client.force_login(world.users["agent_a1"])

    page = client.post(
        reverse("cases:contact", args=[case.pk]),
        {
            "channel": "call",
            "target": "third_party",
            "outcome": "connected",
            "attempted_at": "2026-03-10T12:00",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    api = client.post(
        reverse("api-case-contact-attempts", args=[case.pk]),
        {
            "channel": "call",
            "target": "borrower",
            "outcome": "connected",
            "attempted_at": LATE.isoformat(),
        },
        content_type="application/json",
    )

    assert page.status_code == 422
    assert 'data-rule="CN-3P-01"' in page.text
    assert api.status_code == 400
    assert api.json()["code"] == "compliance_blocked"
    assert api.json()["rules"] == ["CN-TIME-01"]
    assert not ContactAttempt.objects.exists()


def test_the_form_records_an_allowed_attempt_and_returns_to_the_case(client, world):
    case = world.cases["mine"]
    client.force_login(world.users["agent_a1"])

    response = client.post(
        reverse("cases:contact", args=[case.pk]),
        {
            "channel": "sms",
            "target": "borrower",
            "outcome": "message_sent",
            "attempted_at": "2026-03-10T12:00",
        },
    )

    assert response.status_code == 302
    assert ContactAttempt.objects.get().channel == "sms"
