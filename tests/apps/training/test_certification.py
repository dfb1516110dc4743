"""Sessions certify: attendance and scores recorded, a pass at or above the mark certifies for the
course's validity, and the certificate lapses on its expiry day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.training import services
from fieldvisit.apps.training.models import Certification, Course, SessionStatus
from fieldvisit.apps.training.selectors import (
    agent_is_assignable,
    assignability,
    certified_agents,
    expiring_certifications,
)
from tests.apps.training.factories import CertificationFactory, certify_for_visits, course

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


def test_the_five_courses_exist_with_twelve_months_validity_and_a_pass_mark_of_60(db):
    rows = Course.objects.filter(
        code__in=["communication", "counselling", "conduct_law", "pipl", "field_safety"]
    ).values_list("code", "validity_months", "pass_mark")

    assert sorted(rows) == [
        ("communication", 12, Decimal("60.00")),
        ("conduct_law", 12, Decimal("60.00")),
        ("counselling", 12, Decimal("60.00")),
        ("field_safety", 12, Decimal("60.00")),
        ("pipl", 12, Decimal("60.00")),
    ]


def schedule(staff, code="conduct_law"):
    return services.session_schedule(
        user=staff.trainer, course=course(code), date=DAY, agents=staff.agents[:3]
    )


def test_passing_certifies_until_the_same_day_a_validity_later(staff):
    session = schedule(staff)
    a, b, c = staff.agents[:3]
    services.session_record_results(
        user=staff.trainer,
        session=session,
        results={a.pk: (True, Decimal("60")), b.pk: (True, Decimal("59.5")), c.pk: (False, None)},
    )

    certificates = services.session_complete(user=staff.trainer, session=session)

    assert [(x.agent_id, x.passed_on, x.expires_on) for x in certificates] == [
        (a.pk, DAY, dt.date(2027, 3, 2))
    ]
    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED
    assert {r.agent_id: r.passed for r in session.attendees.all()} == {
        a.pk: True,
        b.pk: False,
        c.pk: False,
    }
    assert certified_agents(dt.date(2027, 3, 1)) == {a.pk: {"conduct_law"}}
    assert certified_agents(dt.date(2027, 3, 2)) == {}
    assert AuditEvent.objects.filter(action="training.complete", object_id=session.pk).count() == 1


def test_a_session_is_completed_only_once_every_result_is_in(staff):
    session = schedule(staff)
    services.session_record_results(
        user=staff.trainer, session=session, results={staff.agents[0].pk: (True, Decimal(90))}
    )

    with pytest.raises(ApplicationError) as refused:
        services.session_complete(user=staff.trainer, session=session)

    assert refused.value.code == "results_missing"
    assert Certification.objects.count() == 0


def test_a_session_dated_in_the_future_takes_no_results_and_cannot_be_completed(staff, monkeypatch):
    monkeypatch.setenv("FIELDVISIT_AS_OF", (DAY - dt.timedelta(days=1)).isoformat())
    session = schedule(staff)

    with pytest.raises(ApplicationError) as early_results:
        services.session_record_results(
            user=staff.trainer,
            session=session,
            results={a.pk: (True, Decimal(80)) for a in staff.agents[:3]},
        )
    with pytest.raises(ApplicationError) as early_completion:
        services.session_complete(user=staff.trainer, session=session)

    assert early_results.value.code == early_completion.value.code == "session_in_future"
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert {r.attended for r in session.attendees.all()} == {None}
    assert Certification.objects.count() == 0
    assert not AuditEvent.objects.filter(
        action__in=["training.results", "training.complete"], object_id=session.pk
    ).exists()

    # On the day itself the session is held: results and completion are taken.
    monkeypatch.setenv("FIELDVISIT_AS_OF", DAY.isoformat())
    services.session_record_results(
        user=staff.trainer,
        session=session,
        results={a.pk: (True, Decimal(80)) for a in staff.agents[:3]},
    )
    assert len(services.session_complete(user=staff.trainer, session=session)) == 3


def test_a_completed_session_takes_no_more_results(staff):
    session = schedule(staff)
    services.session_record_results(
        user=staff.trainer,
        session=session,
        results={a.pk: (True, Decimal(80)) for a in staff.agents[:3]},
    )
    services.session_complete(user=staff.trainer, session=session)

    with pytest.raises(ApplicationError) as refused:
        services.session_record_results(
            user=staff.trainer, session=session, results={staff.agents[0].pk: (False, None)}
        )

    assert refused.value.code == "session_closed"
    assert Certification.objects.filter(session=session).count() == 3


@pytest.mark.parametrize("score", [Decimal("-1"), Decimal("100.01")])
def test_a_score_outside_0_to_100_is_refused(staff, score):
    session = schedule(staff)

    with pytest.raises(ApplicationError) as refused:
        services.session_record_results(
            user=staff.trainer, session=session, results={staff.agents[0].pk: (True, score)}
        )

    assert refused.value.code == "invalid_score"


def test_only_a_trainer_schedules_sessions(staff):
    with pytest.raises(ApplicationError) as refused:
        services.session_schedule(
            user=staff.manager, course=course("pipl"), date=DAY, agents=staff.agents[:2]
        )

    assert refused.value.code == "forbidden"


def test_an_agent_outside_the_trainers_branch_cannot_be_invited(staff):
    staff.trainer.branch = staff.branch
    staff.trainer.save()

    with pytest.raises(ApplicationError) as refused:
        services.session_schedule(
            user=staff.trainer, course=course("pipl"), date=DAY, agents=[staff.outsider]
        )

    assert refused.value.code == "invalid_attendees"


def test_the_certificate_lapses_on_its_expiry_day_and_the_reason_names_it(staff):
    agent = staff.agents[0]
    certify_for_visits(agent, expires_on=dt.date(2026, 3, 10))

    before = assignability([agent.pk], dt.date(2026, 3, 9))[agent.pk]
    on_the_day = assignability([agent.pk], dt.date(2026, 3, 10))[agent.pk]

    assert before.assignable is True
    assert "first_contact" in before.purposes
    assert on_the_day.assignable is False
    assert on_the_day.purposes == ()
    assert "The conduct_law certificate expired on 2026-03-10." in on_the_day.why_en
    assert "「conduct_law」证书已于 2026-03-10 过期。" in on_the_day.why_zh
    # Assignability is about suspension; certificates are per purpose.
    assert agent_is_assignable(agent, dt.date(2026, 3, 10)) is True


def test_a_demo_course_grants_the_certification_the_strategy_maps_to_it(staff):
    agent = staff.agents[0]
    legacy = Course.objects.create(code="FV-COMPLIANCE", name="外访合规")
    CertificationFactory(agent=agent, course=legacy)
    CertificationFactory(agent=agent, course=course("communication"))

    row = assignability([agent.pk], DAY)[agent.pk]

    assert row.codes == {"FV-COMPLIANCE", "communication"}
    assert row.purposes == ("first_contact", "promise_follow_up", "pre_legal_notice")


def test_reminders_list_certificates_expiring_within_30_days_not_yet_renewed(staff):
    a, b, c = staff.agents[:3]
    CertificationFactory(agent=a, expires_on=DAY + dt.timedelta(days=30))
    CertificationFactory(agent=b, expires_on=DAY + dt.timedelta(days=31))
    CertificationFactory(agent=c, expires_on=DAY + dt.timedelta(days=5))
    CertificationFactory(agent=c, passed_on=DAY, expires_on=dt.date(2027, 3, 2))

    soon = expiring_certifications(staff.agents[0].__class__.objects.all(), DAY)

    assert [(x.agent_id, x.expires_on) for x in soon] == [(a.pk, dt.date(2026, 4, 1))]
