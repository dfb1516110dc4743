"""Complaints: a serious one suspends the agent until a manager clears it, flags retraining, and
every step leaves an event and an audit row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.training import services
from fieldvisit.apps.training.models import AgentSuspension, Retraining, SuspensionEventKind
from fieldvisit.apps.training.selectors import agent_is_assignable, suspended_agents
from tests.apps.training.factories import course

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 5)


def complain(staff, agent, severity, user=None):
    return services.complaint_record(
        user=user or staff.trainer,
        agent=agent,
        received_on=DAY,
        channel="phone",
        category="threat",
        severity=severity,
        content="威胁要告诉单位同事",
    )


@pytest.mark.parametrize("severity", ["minor", "moderate"])
def test_a_minor_or_moderate_complaint_suspends_nobody(staff, severity):
    complain(staff, staff.agents[0], severity)

    assert AgentSuspension.objects.count() == 0
    assert Retraining.objects.count() == 0
    assert agent_is_assignable(staff.agents[0], DAY) is True


def test_a_serious_complaint_suspends_from_its_day_and_flags_retraining(staff):
    agent = staff.agents[0]

    complaint = complain(staff, agent, "serious")

    suspension = AgentSuspension.objects.get()
    assert (suspension.agent_id, suspension.started_on, suspension.complaint_id) == (
        agent.pk,
        DAY,
        complaint.pk,
    )
    assert list(suspension.events.values_list("kind", flat=True)) == [SuspensionEventKind.STARTED]
    assert agent_is_assignable(agent, DAY - dt.timedelta(days=1)) is True
    assert agent_is_assignable(agent, DAY) is False
    assert agent_is_assignable(agent, DAY + dt.timedelta(days=365)) is False
    retraining = Retraining.objects.get()
    assert (retraining.agent_id, retraining.course.code, retraining.completed_on) == (
        agent.pk,
        "conduct_law",
        None,
    )
    assert set(
        AuditEvent.objects.filter(action__startswith="training.").values_list("action", flat=True)
    ) == {"training.complaint", "training.suspend"}


def test_a_second_serious_complaint_joins_the_open_suspension(staff):
    agent = staff.agents[0]
    complain(staff, agent, "serious")

    complain(staff, agent, "serious")

    suspension = AgentSuspension.objects.get()
    assert sorted(suspension.events.values_list("kind", flat=True)) == [
        SuspensionEventKind.COMPLAINT,
        SuspensionEventKind.STARTED,
    ]


def test_only_a_manager_clears_a_suspension_and_the_agent_is_assignable_from_that_day(staff):
    agent = staff.agents[0]
    complain(staff, agent, "serious")
    suspension = AgentSuspension.objects.get()

    with pytest.raises(ApplicationError) as refused:
        services.suspension_clear(
            user=staff.trainer, suspension=suspension, on_date=DAY, note="已复训"
        )
    assert refused.value.code == "forbidden"

    services.suspension_clear(
        user=staff.manager, suspension=suspension, on_date=DAY + dt.timedelta(days=3), note="已复训"
    )

    assert agent_is_assignable(agent, DAY + dt.timedelta(days=2)) is False
    assert agent_is_assignable(agent, DAY + dt.timedelta(days=3)) is True
    assert suspended_agents(DAY + dt.timedelta(days=3)) == {}
    assert AuditEvent.objects.filter(action="training.clear", object_id=agent.pk).count() == 1


def test_a_manager_of_another_branch_cannot_clear_it(staff):
    from tests.factories import UserFactory

    complain(staff, staff.agents[0], "serious")
    other = UserFactory(role="manager", branch=staff.other_branch)

    with pytest.raises(ApplicationError) as refused:
        services.suspension_clear(
            user=other, suspension=AgentSuspension.objects.get(), on_date=DAY, note="x"
        )

    assert refused.value.code == "invalid_agent"
    assert AgentSuspension.objects.get().cleared_on is None


def test_passing_the_course_again_completes_the_retraining(staff):
    agent = staff.agents[0]
    complain(staff, agent, "serious")
    session = services.session_schedule(
        user=staff.trainer,
        course=course("conduct_law"),
        date=DAY + dt.timedelta(days=7),
        agents=[agent],
    )
    services.session_record_results(
        user=staff.trainer, session=session, results={agent.pk: (True, Decimal(88))}
    )

    services.session_complete(user=staff.trainer, session=session)

    assert Retraining.objects.get().completed_on == DAY + dt.timedelta(days=7)


def test_a_complaint_against_an_agent_outside_the_scope_is_refused(staff):
    with pytest.raises(ApplicationError) as refused:
        complain(staff, staff.outsider, "serious", user=staff.manager)

    assert refused.value.code == "invalid_agent"
    assert AgentSuspension.objects.count() == 0


def test_qa_resolves_an_open_complaint_once_with_its_day_and_words(staff):
    # given an open complaint
    complaint = complain(staff, staff.agents[0], "moderate")
    # when QA resolves it a week later
    resolved = services.complaint_resolve(
        complaint=complaint,
        user=staff.trainer,
        on=DAY + dt.timedelta(days=7),
        resolution="已致电借款人道歉，并对外访人员进行了沟通辅导",
    )
    # then it is closed on that day, audited, and cannot be resolved again
    assert (resolved.status, resolved.resolved_on) == ("resolved", DAY + dt.timedelta(days=7))
    assert AuditEvent.objects.filter(action="training.complaint_resolve").count() == 1
    with pytest.raises(ApplicationError) as again:
        services.complaint_resolve(
            complaint=complaint, user=staff.trainer, on=DAY + dt.timedelta(days=8), resolution="x"
        )
    assert again.value.code == "resolved"


def test_a_complaint_is_not_resolved_without_words_or_before_it_came(staff):
    complaint = complain(staff, staff.agents[0], "minor")
    for on, words, code in (
        (DAY, "  ", "invalid_content"),
        (DAY - dt.timedelta(days=1), "处理完毕", "invalid_date"),
    ):
        with pytest.raises(ApplicationError) as refused:
            services.complaint_resolve(
                complaint=complaint, user=staff.trainer, on=on, resolution=words
            )
        assert refused.value.code == code
    complaint.refresh_from_db()
    assert (complaint.status, complaint.resolved_on) == ("open", None)
