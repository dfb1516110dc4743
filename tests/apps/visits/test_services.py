"""The visit's writes: check-in and check-out, the report and everything it sets off."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.cases.models import CaseEvent, CaseStatus, CollectionCase, ContactAttempt
from fieldvisit.apps.common.clock import local_zone
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.visits import services
from fieldvisit.apps.visits.inputs import ReportInput
from fieldvisit.apps.visits.models import (
    CheckIn,
    FollowUpTask,
    ImmutableError,
    MoneyLine,
    PromiseStatus,
    PromiseToPay,
    TaskKind,
    Visit,
    VisitEvent,
    VisitReport,
    VisitStatus,
)
from fieldvisit.apps.visits.services import CheckInNeedsReason, Position
from tests.apps.visits.conftest import DISPOSABLE, FAR, HOME, checked_in, report_data


@pytest.fixture(autouse=True)
def english():
    """The messages asserted here are read in English, whatever an earlier test activated."""
    with translation.override("en"):
        yield


def submit(visit, user, **overrides):
    form = ReportInput(data=report_data(**overrides))
    assert form.is_valid(), form.errors
    return services.visit_report_submit(visit=visit, user=user, **form.to_service())


def amend(original, user, reason="Wrong partner income", **overrides):
    form = ReportInput(data=report_data(**overrides))
    assert form.is_valid(), form.errors
    return services.visit_report_amend(
        original=original, user=user, reason=reason, **form.to_service()
    )


class TestCheckIn:
    def test_near_the_address_is_recorded_at_the_server_clock_with_the_distance(self, day):
        visit, agent = day.visits["first"], day.users["agent_a1"]

        with time_machine.travel(dt.datetime(2030, 1, 1, 2, 0, tzinfo=dt.UTC), tick=False):
            moment = dt.datetime(2030, 1, 1, 2, 0, tzinfo=dt.UTC)
            visit.date = dt.date(2030, 1, 1)
            Visit.objects.filter(pk=visit.pk).update(date=visit.date)
            check_in = services.visit_check_in(
                visit=visit, user=agent, position=Position(HOME[0] + 0.0002, HOME[1], 8.0)
            )

        assert check_in.at == moment
        assert check_in.distance_m == 22
        assert check_in.reason == ""
        visit.refresh_from_db()
        assert visit.status == VisitStatus.CHECKED_IN
        assert visit.checked_in_at == moment
        event = VisitEvent.objects.filter(visit=visit, kind="status").get()
        assert (event.from_status, event.to_status) == ("planned", "checked_in")
        assert (
            AuditEvent.objects.filter(action="visit.check_in", object_id=str(visit.pk)).count() == 1
        )

    def test_two_km_away_asks_for_a_reason_and_writes_nothing(self, day):
        visit, agent = day.visits["first"], day.users["agent_a1"]

        with pytest.raises(CheckInNeedsReason) as refused:
            services.visit_check_in(visit=visit, user=agent, position=Position(*FAR, 10.0))

        assert refused.value.code == "reason_required"
        assert refused.value.extra["distance_m"] == 2002
        assert refused.value.extra["problems"] == ["far"]
        assert "2002 m" in str(refused.value.message)
        visit.refresh_from_db()
        assert visit.status == VisitStatus.PLANNED
        assert not CheckIn.objects.exists()
        assert not VisitEvent.objects.filter(kind="status").exists()

    def test_two_km_away_with_a_reason_is_recorded_with_the_reason(self, day):
        visit, agent = day.visits["first"], day.users["agent_a1"]

        check_in = services.visit_check_in(
            visit=visit,
            user=agent,
            position=Position(*FAR, 10.0),
            reason="Borrower asked to meet at the metro station",
        )

        assert check_in.distance_m == 2002
        assert check_in.reason == "Borrower asked to meet at the metro station"
        assert Visit.objects.get(pk=visit.pk).status == VisitStatus.CHECKED_IN

    def test_a_vague_position_near_the_address_asks_for_a_reason(self, day):
        with pytest.raises(CheckInNeedsReason) as refused:
            services.visit_check_in(
                visit=day.visits["first"],
                user=day.users["agent_a1"],
                position=Position(*HOME, 150.0),
            )

        assert refused.value.extra["problems"] == ["vague"]

    def test_no_position_asks_for_a_reason(self, day):
        with pytest.raises(CheckInNeedsReason) as refused:
            services.visit_check_in(
                visit=day.visits["first"],
                user=day.users["agent_a1"],
                position=Position(None, None, None),
            )

        assert refused.value.extra["problems"] == ["no_position"]

    def test_someone_off_the_team_cannot_check_in(self, day):
        with pytest.raises(ApplicationError) as refused:
            services.visit_check_in(
                visit=day.visits["first"], user=day.users["agent_a3"], position=Position(*HOME, 5)
            )

        assert refused.value.code == "not_on_team"
        assert not CheckIn.objects.exists()

    def test_twice_is_refused(self, day):
        visit, agent = day.visits["first"], day.users["agent_a1"]
        checked_in(visit, agent)

        with pytest.raises(ApplicationError) as refused:
            services.visit_check_in(visit=visit, user=agent, position=Position(*HOME, 5))

        assert refused.value.code == "already_checked_in"
        assert CheckIn.objects.count() == 1


class TestCheckInEvidence:
    """Accuracy, both clocks, resends and movement (issue 17): what a check-in proves."""

    def test_the_accuracy_is_recorded_and_a_precise_fix_at_the_door_is_at_the_address(self, day):
        check_in = checked_in(day.visits["first"], day.users["agent_a1"]).check_in

        assert (check_in.accuracy_m, check_in.distance_m, check_in.at_address) == (12.0, 0, True)
        assert (check_in.problems, check_in.flags) == ([], [])

    def test_a_fix_worse_than_the_configured_accuracy_is_not_at_the_address(self, day, settings):
        settings.VISIT_EVIDENCE_POLICY = {"max_accuracy_m": 10}
        visit, agent = day.visits["first"], day.users["agent_a1"]

        with pytest.raises(CheckInNeedsReason) as refused:
            services.visit_check_in(visit=visit, user=agent, position=Position(*HOME, 12.0))
        check_in = services.visit_check_in(
            visit=visit, user=agent, position=Position(*HOME, 12.0), reason="Under a bridge"
        )

        assert "accurate to 12 m (at most 10 m counts)" in str(refused.value.message)
        assert (check_in.distance_m, check_in.at_address, check_in.problems) == (
            0,
            False,
            ["vague"],
        )

    def test_an_offline_check_in_keeps_the_phones_time_and_the_servers(self, day):
        visit, agent = day.visits["first"], day.users["agent_a1"]
        made = services.now() - dt.timedelta(hours=2)

        check_in = services.visit_check_in(
            visit=visit,
            user=agent,
            position=Position(*HOME, 9.0),
            device_at=made,
            client_id=uuid.uuid4(),
            queued=True,
        )

        assert check_in.device_at == made
        assert check_in.occurred_at == made
        assert check_in.at - made >= dt.timedelta(hours=2)
        assert check_in.flags == ["sent_late"]
        assert Visit.objects.get(pk=visit.pk).checked_in_at == made

    def test_a_phone_clock_ahead_of_the_server_is_not_believed(self, day):
        visit, agent = day.visits["first"], day.users["agent_a1"]
        ahead = services.now() + dt.timedelta(hours=1)

        check_in = services.visit_check_in(
            visit=visit, user=agent, position=Position(*HOME, 9.0), device_at=ahead
        )

        assert check_in.device_at == ahead
        assert check_in.occurred_at == check_in.at
        assert check_in.flags == ["device_clock_ahead"]

    def test_a_resend_with_the_same_client_id_is_the_same_check_in(self, day):
        visit, agent = day.visits["first"], day.users["agent_a1"]
        client_id = uuid.uuid4()
        first = services.visit_check_in(
            visit=visit, user=agent, position=Position(*HOME, 9.0), client_id=client_id
        )

        again = services.visit_check_in(
            visit=visit, user=agent, position=Position(*HOME, 9.0), client_id=client_id
        )

        assert again.pk == first.pk
        assert CheckIn.objects.count() == 1
        assert VisitEvent.objects.filter(visit=visit, kind="status").count() == 1

    def test_a_client_id_of_another_visit_is_refused(self, day):
        agent, client_id = day.users["agent_a1"], uuid.uuid4()
        services.visit_check_in(
            visit=day.visits["first"], user=agent, position=Position(*HOME, 9), client_id=client_id
        )

        with pytest.raises(ApplicationError) as refused:
            services.visit_check_in(
                visit=day.visits["second"],
                user=agent,
                position=Position(*HOME, 9),
                client_id=client_id,
            )

        assert refused.value.code == "client_id_reused"
        assert CheckIn.objects.count() == 1

    def test_a_queued_check_in_far_away_without_a_reason_is_kept_and_flagged(self, day):
        visit, agent = day.visits["first"], day.users["agent_a1"]

        check_in = services.visit_check_in(
            visit=visit, user=agent, position=Position(*FAR, 10.0), queued=True
        )

        assert (check_in.distance_m, check_in.at_address, check_in.problems) == (
            2002,
            False,
            ["far"],
        )
        assert check_in.flags == ["no_reason"]
        assert Visit.objects.get(pk=visit.pk).status == VisitStatus.CHECKED_IN

    def test_two_km_in_a_minute_between_consecutive_check_ins_is_flagged(self, day):
        agent = day.users["agent_a1"]
        start = services.now() - dt.timedelta(minutes=10)
        services.visit_check_in(
            visit=day.visits["first"],
            user=agent,
            position=Position(*FAR, 5.0),
            reason="Met at her shop",
            device_at=start,
        )

        second = services.visit_check_in(
            visit=day.visits["second"],
            user=agent,
            position=Position(*HOME, 5.0),
            device_at=start + dt.timedelta(minutes=1),
        )

        assert second.speed_kmh == 119.5
        assert "implausible_speed" in second.flags
        assert second.at_address
        event = VisitEvent.objects.get(visit=day.visits["second"], kind="status")
        assert "implausible_speed" in event.data["flags"]

    def test_the_same_trip_in_ten_minutes_is_not_flagged(self, day):
        agent = day.users["agent_a1"]
        start = services.now() - dt.timedelta(minutes=20)
        services.visit_check_in(
            visit=day.visits["first"],
            user=agent,
            position=Position(*FAR, 5.0),
            reason="Met at her shop",
            device_at=start,
        )

        second = services.visit_check_in(
            visit=day.visits["second"],
            user=agent,
            position=Position(*HOME, 5.0),
            device_at=start + dt.timedelta(minutes=10),
        )

        assert second.speed_kmh == 11.9
        assert "implausible_speed" not in second.flags

    def test_yesterdays_offline_check_in_sent_this_morning_counts_for_yesterday(self, day):
        visit, agent = day.visits["first"], day.users["agent_a1"]
        evening = dt.datetime.combine(day.today, dt.time(18, 30), tzinfo=local_zone())
        next_morning = evening + dt.timedelta(hours=14)

        with time_machine.travel(next_morning, tick=False):
            check_in = services.visit_check_in(
                visit=visit, user=agent, position=Position(*HOME, 9.0), device_at=evening
            )

        assert check_in.occurred_at == evening
        assert check_in.flags == ["sent_late"]


def test_check_out_records_the_duration(day):
    visit, agent = day.visits["first"], day.users["agent_a1"]
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as clock:
        checked_in(visit, agent)
        clock.shift(dt.timedelta(minutes=37, seconds=5))

        services.visit_check_out(visit=visit, user=agent)

    visit.refresh_from_db()
    assert visit.status == VisitStatus.CHECKED_OUT
    assert visit.duration_seconds == 37 * 60 + 5


class TestReport:
    def test_a_report_with_a_promise_sets_everything_off_in_one_go(self, day):
        visit, agent = day.visits["first"], day.users["agent_a1"]
        checked_in(visit, agent)
        promise_day = day.today + dt.timedelta(days=10)

        result = submit(visit, agent)

        report = result.report
        assert result.created is True
        assert result.referral is False
        assert report.outcome == "met_borrower"
        assert report.causes == ["job_loss"]
        assert report.total_income == Decimal("5000.00")
        assert report.total_fixed_costs == Decimal("2400.00")
        assert report.total_flexible_costs == Decimal("1500.00")
        assert report.total_other_debts == Decimal("400.00")
        assert report.disposable_income == DISPOSABLE == Decimal("700.00")
        assert sorted(
            MoneyLine.objects.filter(report=report).values_list("category", "amount")
        ) == [
            ("debts_lenders", Decimal("400.00")),
            ("fixed_home", Decimal("2100.00")),
            ("fixed_utilities", Decimal("300.00")),
            ("flex_food", Decimal("1500.00")),
            ("income_benefits", Decimal("800.00")),
            ("income_partner", Decimal("4200.00")),
            ("income_wages", Decimal("0.00")),
        ]
        visit.refresh_from_db()
        assert visit.status == VisitStatus.REPORTED
        assert visit.duration_seconds is not None  # checked out on the way
        case = CollectionCase.objects.get(pk=visit.case_id)
        assert case.status == CaseStatus.PROMISE_TO_PAY
        assert list(
            CaseEvent.objects.filter(case=case, kind="status")
            .order_by("id")
            .values_list("from_status", "to_status")
        ) == [("visit_planned", "visited"), ("visited", "promise_to_pay")]
        promise = PromiseToPay.objects.get(case=case)
        assert (promise.amount, promise.due_on, promise.status) == (
            Decimal("500.00"),
            promise_day,
            PromiseStatus.OPEN,
        )
        task = FollowUpTask.objects.get(case=case)
        assert (task.kind, task.due_on, task.assignee) == (TaskKind.CALL, promise_day, agent)
        attempt = ContactAttempt.objects.get(case=case)
        assert (attempt.channel, attempt.outcome, attempt.visitors) == ("visit", "met", 2)
        assert attempt.attempted_at == visit.checked_in_at
        assert not case.vulnerable
        assert AuditEvent.objects.filter(action="visit.report").count() == 1

    def test_the_same_client_id_twice_makes_one_report(self, day):
        visit, agent = day.visits["first"], day.users["agent_a1"]
        checked_in(visit, agent)
        client_id = str(uuid.uuid4())

        first = submit(visit, agent, client_id=client_id)
        again = submit(visit, agent, client_id=client_id)

        assert (first.created, again.created) == (True, False)
        assert again.report.pk == first.report.pk
        assert VisitReport.objects.count() == 1
        assert PromiseToPay.objects.count() == 1
        assert FollowUpTask.objects.count() == 1
        assert ContactAttempt.objects.count() == 1

    def test_a_second_report_with_another_id_is_refused_amend_instead(self, day):
        visit, agent = day.visits["first"], day.users["agent_a1"]
        checked_in(visit, agent)
        submit(visit, agent)

        with pytest.raises(ApplicationError) as refused:
            submit(visit, agent)

        assert refused.value.code == "already_reported"
        assert VisitReport.objects.count() == 1

    def test_a_report_before_check_in_is_refused(self, day):
        with pytest.raises(ApplicationError) as refused:
            submit(day.visits["first"], day.users["agent_a1"])

        assert refused.value.code == "not_checked_in"
        assert not VisitReport.objects.exists()

    def test_crisis_marks_the_borrower_vulnerable_and_holds_the_case(self, day):
        visit, agent = day.visits["first"], day.users["agent_a1"]
        checked_in(visit, agent)

        result = submit(
            visit,
            agent,
            state_of_mind="crisis",
            promise_amount="",
            promise_date="",
            next_step="none",
        )

        assert result.referral is True
        case = CollectionCase.objects.get(pk=visit.case_id)
        assert (case.vulnerable, case.hardship_hold) == (True, True)
        assert case.status == CaseStatus.VISITED
        flags = CaseEvent.objects.get(case=case, kind="flags")
        assert flags.data == {"vulnerable": [False, True], "hardship_hold": [False, True]}

    def test_nobody_home_with_a_revisit_makes_a_revisit_task_in_a_week(self, day):
        visit, agent = day.visits["first"], day.users["agent_a1"]
        checked_in(visit, agent)

        submit(
            visit,
            agent,
            outcome="nobody_home",
            causes=[],
            state_of_mind="",
            promise_amount="",
            promise_date="",
            next_step="revisit",
        )

        case = CollectionCase.objects.get(pk=visit.case_id)
        assert case.status == CaseStatus.VISITED
        assert not PromiseToPay.objects.exists()
        task = FollowUpTask.objects.get()
        assert (task.kind, task.due_on) == (TaskKind.REVISIT, day.today + dt.timedelta(days=7))
        assert ContactAttempt.objects.get().outcome == "not_at_home"

    def test_a_remedy_review_goes_to_the_manager_queue(self, day):
        visit, agent = day.visits["first"], day.users["agent_a1"]
        checked_in(visit, agent)

        submit(visit, agent, next_step="remedy_review", promise_amount="", promise_date="")

        task = FollowUpTask.objects.get()
        assert (task.kind, task.assignee) == (TaskKind.REMEDY_REVIEW, None)


class TestAmendment:
    def test_an_amendment_is_a_new_report_and_both_are_kept(self, day):
        visit, agent = day.visits["first"], day.users["agent_a1"]
        checked_in(visit, agent)
        original = submit(visit, agent).report

        amended = amend(original, agent, income_partner="3900.00").report

        assert amended.pk != original.pk
        assert amended.amends == original
        assert amended.amendment_reason == "Wrong partner income"
        assert amended.disposable_income == Decimal("400.00")
        original.refresh_from_db()
        assert original.disposable_income == Decimal("700.00")
        assert VisitReport.objects.count() == 2
        assert Visit.objects.get(pk=visit.pk).status == VisitStatus.AMENDED
        # A record, not a second promise.
        assert PromiseToPay.objects.count() == 1

    def test_an_amendment_of_an_amendment_points_at_the_original(self, day):
        visit, agent = day.visits["first"], day.users["agent_a1"]
        checked_in(visit, agent)
        original = submit(visit, agent).report
        first = amend(original, agent).report

        second = amend(first, agent, reason="Typo in their words").report

        assert second.amends == original
        assert original.amendments.count() == 2

    def test_a_submitted_report_cannot_be_changed_or_deleted(self, day):
        visit, agent = day.visits["first"], day.users["agent_a1"]
        checked_in(visit, agent)
        report = submit(visit, agent).report

        report.borrower_words = "changed"
        with pytest.raises(ImmutableError):
            report.save()
        with pytest.raises(ImmutableError):
            VisitReport.objects.filter(pk=report.pk).update(borrower_words="changed")
        with pytest.raises(ImmutableError):
            report.delete()
        assert VisitReport.objects.get(pk=report.pk).borrower_words.startswith("I lost my job")
