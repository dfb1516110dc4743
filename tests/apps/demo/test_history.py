"""The demo's history: weeks of calls, plans, visits and reports replayed through the services,
whose recorded causes follow the generator's hidden truth, and a business day the demo agent
can walk. Built once for the module (a 700-loan book, six weeks), read by every test."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from itertools import pairwise

import polars as pl
import pytest
from django.core.management import call_command

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.cases.models import ContactAttempt, ContactChannel
from fieldvisit.apps.demo.history import QUIET_DAYS_BEFORE, history_days, truth_load
from fieldvisit.apps.demo.recording import RECORDED_CAUSE
from fieldvisit.apps.demo.services import demo_setup
from fieldvisit.apps.loans.models import Payment
from fieldvisit.apps.planning.models import PlanStatus, VisitPlan
from fieldvisit.apps.planning.selectors import approved_stops_for_agent
from fieldvisit.apps.remedies.models import RemedyProposal
from fieldvisit.apps.visits.models import PromiseToPay, Visit, VisitReport

# The module's data is made once, outside the tests' transactions; each test reads it inside its
# own transaction, rolled back afterwards.
pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 28)
WEEKS = 6


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo as ``fieldvisit demo`` leaves it; the database is emptied afterwards."""
    book = tmp_path_factory.mktemp("demo-book")
    with django_db_blocker.unblock():
        summary = demo_setup(
            as_of=AS_OF, loans=700, seed=5, book_dir=book, history_weeks=WEEKS, plan_seconds=1
        )
        yield summary, book
        call_command("flush", interactive=False, verbosity=0)


def test_the_history_covers_the_weeks_before_the_business_date(demo):
    summary, _book = demo
    start, end = history_days(AS_OF, WEEKS)

    assert (summary.history.start, summary.history.end) == (start, end)
    assert start.weekday() == 0
    assert end == AS_OF - dt.timedelta(days=1)
    assert summary.history.contacts > 100
    assert summary.history.reports > 10
    assert summary.history.plans_refused == 0


def test_calls_and_sms_are_inside_the_compliance_window_and_in_the_past(demo):
    attempts = ContactAttempt.objects.exclude(channel=ContactChannel.VISIT)
    local_times = [a.attempted_at.astimezone(dt.UTC) + dt.timedelta(hours=8) for a in attempts]

    assert attempts.count() > 100
    assert all(dt.time(8) <= t.time() < dt.time(21) for t in local_times)
    assert all(t.date() < AS_OF for t in local_times)


def test_every_past_visit_was_made_by_two_or_more_and_reported_once(demo):
    visits = Visit.objects.filter(date__lt=AS_OF)

    assert visits.exists()
    for visit in visits.prefetch_related("agents", "reports"):
        assert visit.agents.count() >= 2
        assert visit.status == "reported"
        assert len(visit.reports.all()) == 1
        report = visit.reports.all()[0]
        assert report.submitted_at.date() == visit.date
        assert report.conduct_two_staff


def test_no_case_is_visited_twice_within_seven_days(demo):
    days_by_case: dict[int, list[dt.date]] = {}
    for case_id, day in Visit.objects.order_by("date").values_list("case_id", "date"):
        days_by_case.setdefault(case_id, []).append(day)

    for days in days_by_case.values():
        assert all((b - a).days >= 7 for a, b in pairwise(days))


def test_recorded_causes_follow_the_hidden_causes(demo):
    _summary, book = demo
    truth = truth_load(book)
    pairs = [
        (truth[number].cause, causes)
        for number, causes in VisitReport.objects.exclude(causes=[]).values_list(
            "visit__case__loan__borrower__borrower_no", "causes"
        )
    ]
    true_recorded = sum(RECORDED_CAUSE[cause] in causes for cause, causes in pairs)

    assert len(pairs) >= 10
    # the recording model ticks the true cause 78 % of the time, plus second causes
    assert true_recorded / len(pairs) >= 0.6
    by_cause = Counter(cause for cause, _ in pairs)
    for cause, count in by_cause.items():
        if count >= 8:
            recorded = Counter(c for hidden, causes in pairs if hidden == cause for c in causes)
            assert recorded.most_common(1)[0][0] == RECORDED_CAUSE[cause]


def test_promises_are_decided_by_the_books_payments(demo):
    promises = PromiseToPay.objects.filter(due_on__lt=AS_OF - dt.timedelta(days=7))

    assert promises.exists()
    assert set(promises.values_list("status", flat=True)) <= {"kept", "broken", "partly_kept"}


def test_the_books_payments_and_the_visits_arrive_in_daily_payment_files(demo):
    summary, book = demo
    generated = pl.read_parquet(book / "payments.parquet")
    from_visits = Payment.objects.filter(reference__startswith="DV")
    daily = sorted((book / "daily-payments").glob("payments-2026-*.csv"))

    assert from_visits.count() == summary.history.visit_payments
    assert all(p.paid_on <= AS_OF for p in from_visits)
    # by the business date every payment of the book has come in, each exactly once
    assert Payment.objects.exclude(reference__startswith="DV").count() == generated.height
    assert len(daily) >= WEEKS * 5
    assert all(path.stem <= f"payments-{AS_OF}" for path in daily)


def test_remedies_asked_for_went_through_maker_checker(demo):
    summary, _book = demo
    applied = RemedyProposal.objects.filter(applied_on__isnull=False)

    assert applied.count() == summary.history.remedies_applied
    for proposal in applied.select_related("maker", "checker", "report"):
        assert proposal.maker_id != proposal.checker_id
        assert proposal.checker.role == "manager"
        assert proposal.report.remedy_requested != "none"
        assert proposal.applied_on > proposal.as_of


def test_the_business_date_has_an_approved_plan_with_stops_for_the_demo_agent(demo):
    summary, _book = demo
    agent = User.objects.get(username="agent")
    manager = User.objects.get(username="manager")
    stops = approved_stops_for_agent(agent, AS_OF)

    assert summary.plan is not None
    assert summary.plan.status == PlanStatus.APPROVED
    assert summary.plan.branch_id == manager.branch_id == agent.team.branch_id
    assert stops.count() > 0
    assert all(stop.route.members.count() >= 2 for stop in stops)
    # the history leaves the last days before the business date free of visits
    last_visit = Visit.objects.filter(date__lt=AS_OF).order_by("-date").first()
    assert last_visit.date <= AS_OF - dt.timedelta(days=QUIET_DAYS_BEFORE)


def test_running_the_demo_again_adds_no_history_and_no_plan(demo):
    summary, book = demo
    before = _counts()

    again = demo_setup(as_of=AS_OF, loans=700, seed=5, book_dir=book, history_weeks=WEEKS)

    assert not again.generated
    assert again.history is None
    assert again.plan.pk == summary.plan.pk
    assert _counts() == before


def _counts() -> dict[str, int]:
    return {
        "contacts": ContactAttempt.objects.count(),
        "visits": Visit.objects.count(),
        "reports": VisitReport.objects.count(),
        "promises": PromiseToPay.objects.count(),
        "plans": VisitPlan.objects.count(),
        "users": User.objects.count(),
    }
