"""The planner reads every fact the default strategy's rules test, from the records that hold
them: promises (followup), remedies, complaints (training), a recommended escalation (legal) and
the borrower's request for a visit (a contact attempt or a visit report).

The field day (2026-03-10, branch 福田, two certified teams) holds one case for each rule of the
default strategy; the plan built through ``plan_build`` must name every rule, each where it
belongs: the six eligibility rules on the stops (or the candidates left for want of capacity),
the seven exclusions on the cases left out.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fieldvisit.apps.cases.models import CaseStatus, CollectionCase
from fieldvisit.apps.cases.services import contact_attempt_record
from fieldvisit.apps.legal.models import LegalCase, LegalStatus
from fieldvisit.apps.planning.facts import RequestSource, case_facts, visit_requests
from fieldvisit.apps.planning.models import LeftOutReason, PlanStop
from fieldvisit.apps.planning.services import plan_build
from fieldvisit.apps.remedies.models import RemedyProposal
from fieldvisit.apps.training.services import complaint_record
from fieldvisit.engines.scoring import FollowUp, FollowUpStatus, default_strategy
from tests.apps.cases.factories import BorrowerFactory, CaseFactory, LoanFactory
from tests.apps.planning.conftest import DAY, local, team_of
from tests.apps.planning.factories import ContactAttemptFactory, SnapshotFactory
from tests.apps.visits.factories import PromiseFactory, ReportFactory, VisitFactory
from tests.factories import BranchFactory, UserFactory

pytestmark = pytest.mark.django_db

SECONDS = 0.5
HOME = (22.541, 114.055)


def ago(days: int, hour: int = 10) -> dt.datetime:
    return local(DAY - dt.timedelta(days=days), hour)


class Book:
    """Cases of one branch, each built for one rule; ``case(rule)`` gives it back."""

    def __init__(self, branch, caller):
        self.branch, self.caller = branch, caller
        self.by_rule: dict[str, CollectionCase] = {}

    def open(self, rule, *, dpd=75, bucket="M3", due="3381.00", failed_calls=3, home=HOME, **flags):
        borrower = BorrowerFactory(
            home_district="福田区",
            home_latitude=None if home is None else home[0] + 0.002 * len(self.by_rule),
            home_longitude=None if home is None else home[1],
        )
        loan = LoanFactory(branch=self.branch, borrower=borrower)
        case = CaseFactory(
            loan=loan,
            dpd=dpd,
            bucket=bucket,
            amount_due=Decimal(due),
            snapshot_as_of=DAY - dt.timedelta(days=1),
            **flags,
        )
        SnapshotFactory(loan=loan, dpd=dpd, bucket=bucket, total_due=Decimal(due))
        for days in (2, 4, 6)[:failed_calls]:
            ContactAttemptFactory(case=case, user=self.caller, attempted_at=ago(days))
        self.by_rule[rule] = case
        return case

    def visit_made(self, case, days: int, **report):
        """A visit ``days`` before the plan day, on record as a visit and its report."""
        visit = VisitFactory(case=case, date=DAY - dt.timedelta(days=days))
        ContactAttemptFactory(
            case=case,
            user=self.caller,
            channel="visit",
            outcome="met",
            visitors=2,
            attempted_at=ago(days, 10),
        )
        return ReportFactory(visit=visit, submitted_at=ago(days, 11), **report)


@pytest.fixture
def book(db, monkeypatch):
    monkeypatch.setenv("FIELDVISIT_AS_OF", (DAY - dt.timedelta(days=1)).isoformat())
    branch = BranchFactory(code="FT", name="福田支行", latitude=HOME[0], longitude=HOME[1])
    manager = UserFactory(username="manager_ft", role="manager", branch=branch)
    caller = UserFactory(username="caller", role="agent", branch=branch)
    _team_a, agents_a = team_of(branch, "A", 2)
    team_of(branch, "B", 2)
    book = Book(branch, caller)
    book.manager, book.agent = manager, agents_a[0]

    # Eligibility, in the strategy's order.
    asked = book.open("EL-ASKED", dpd=20, bucket="M1", failed_calls=0)
    contact_attempt_record(
        case=asked,
        user=caller,
        channel="call",
        target="borrower",
        outcome="connected",
        attempted_at=ago(1, 15),
        borrower_requested_visit=True,
    )
    remedy = book.open("EL-REMEDY", dpd=40, bucket="M2", failed_calls=0)
    RemedyProposal.objects.create(
        case=remedy,
        loan=remedy.loan,
        maker=caller,
        checker=manager,
        status="approved",
        decided_at=ago(12),  # 14 days to sign: the deadline is in two days
        as_of=DAY - dt.timedelta(days=13),
        base_version=1,
        amount=Decimal("9000.00"),
    )
    promised = book.open("EL-PROMISE", dpd=40, bucket="M2", failed_calls=0)
    PromiseFactory(
        report=book.visit_made(promised, 9),
        case=promised,
        due_on=DAY + dt.timedelta(days=1),
    )
    book.open("EL-FIRST-CONTACT")
    refused = book.open("EL-PRE-LEGAL", dpd=95, bucket="M4", failed_calls=0)
    ContactAttemptFactory(case=refused, user=caller, outcome="refused", attempted_at=ago(3))
    book.open("EL-LARGE-M2", dpd=45, bucket="M2", due="25000.00")

    # Exclusions: each case would otherwise be planned (EL-FIRST-CONTACT).
    recent = book.open("FV-VISIT-7D")
    ContactAttemptFactory(
        case=recent, user=caller, channel="visit", outcome="not_at_home", attempted_at=ago(3)
    )
    book.open("FV-VULN-01", vulnerable=True)
    book.open("FV-HOLD-01", hardship_hold=True)
    book.open("EX-LEGAL", status=CaseStatus.LEGAL)
    escalated = book.open("EX-ESCALATION")
    LegalCase.objects.create(case=escalated, recommended_on=DAY - dt.timedelta(days=1))
    complained = book.open("EX-COMPLAINT")
    complaint_record(
        user=manager,
        agent=agents_a[1],
        received_on=DAY - dt.timedelta(days=2),
        channel="phone",
        category="rudeness",
        severity="minor",
        content="态度生硬",
        case=complained,
    )
    book.open("EX-NO-ADDRESS", home=None)
    return book


def rules_of_the_default_strategy() -> set[str]:
    strategy = default_strategy()
    return {r.id for r in strategy.eligibility} | {r.id for r in strategy.exclusions}


def test_every_rule_of_the_default_strategy_fires_through_the_planner(book):
    plan = plan_build(date=DAY, branch=book.branch, seconds=SECONDS, user=book.manager)

    stops = {s.case_id: s for s in PlanStop.objects.filter(route__plan=plan)}
    left = {row.case_id: row for row in plan.left_out.all()}
    fired = {s.rule_id for s in stops.values()} | {row.rule_id for row in left.values()}

    assert fired == rules_of_the_default_strategy()
    for rule, case in book.by_rule.items():
        if rule.startswith("EL-"):
            # Eligible by its own rule, explained by it, and planned (capacity is ample).
            assert case.pk in stops, (rule, left.get(case.pk))
            assert stops[case.pk].rule_id == rule
            assert stops[case.pk].explanation_en.startswith(f"Rule {rule} (")
        else:
            assert case.pk not in stops, rule
            assert (left[case.pk].reason, left[case.pk].rule_id) == (LeftOutReason.EXCLUDED, rule)
    assert plan.findings == []


def test_a_borrower_with_an_open_complaint_is_never_planned_until_it_is_resolved(book):
    case = book.by_rule["EX-COMPLAINT"]

    first = plan_build(date=DAY, branch=book.branch, seconds=SECONDS, user=book.manager)
    case.complaints.update(status="resolved")
    second = plan_build(date=DAY, branch=book.branch, seconds=SECONDS, user=book.manager)

    assert not PlanStop.objects.filter(route__plan=first, case=case).exists()
    assert first.left_out.get(case=case).detail_en == (
        "The borrower has an open complaint; no visit until it is resolved."
    )
    assert PlanStop.objects.get(route__plan=second, case=case).rule_id == "EL-FIRST-CONTACT"


def test_the_brief_says_where_and_when_the_borrower_asked_for_the_visit(book):
    case = book.by_rule["EL-ASKED"]

    plan = plan_build(date=DAY, branch=book.branch, seconds=SECONDS, user=book.manager)

    stop = PlanStop.objects.get(route__plan=plan, case=case)
    attempt = case.contact_attempts.get(borrower_asked_visit=True)
    assert stop.borrower_asked is True
    assert f"asked for a visit by call at 2026-03-09 15:00 (contact attempt #{attempt.pk})" in (
        stop.brief_en
    )
    assert f"电话中要求上门（联系记录 #{attempt.pk}）" in stop.brief_zh


def test_a_request_made_in_a_visit_report_is_read_until_a_later_visit_meets_it(book):
    case = book.by_rule["EL-FIRST-CONTACT"]
    report = book.visit_made(case, 8, borrower_asked_visit=True)

    (request,) = visit_requests([case], DAY).values()
    ([facts],) = [case_facts([case], DAY)]
    book.visit_made(case, 2)  # the team came back

    assert (request.source, request.record_id) == (RequestSource.REPORT, report.pk)
    assert facts.borrower_asked_visit is True
    assert visit_requests([case], DAY) == {}
    assert case_facts([case], DAY)[0].borrower_asked_visit is False


def test_a_visit_attempt_at_the_borrowers_request_asks_for_no_further_visit(book):
    case = book.by_rule["EL-FIRST-CONTACT"]
    ContactAttemptFactory(
        case=case,
        user=book.caller,
        channel="visit",
        outcome="met",
        visitors=2,
        borrower_asked_visit=True,
        attempted_at=ago(2),
    )

    assert visit_requests([case], DAY) == {}


def test_a_request_older_than_thirty_days_has_gone_stale(book):
    case = book.by_rule["EL-FIRST-CONTACT"]
    ContactAttemptFactory(
        case=case, user=book.caller, outcome="connected", borrower_asked_visit=True,
        attempted_at=ago(31),
    )  # fmt: skip

    assert visit_requests([case], DAY) == {}


def test_promise_and_remedy_facts_follow_their_records(book):
    promised = book.by_rule["EL-PROMISE"]
    remedy = book.by_rule["EL-REMEDY"]
    promise = promised.promises.get()

    open_ = case_facts([promised, remedy], DAY)
    promise.status = "broken"
    promise.save()
    RemedyProposal.objects.filter(case=remedy).update(
        status="broken", tracked_on=DAY - dt.timedelta(days=1)
    )
    broken = case_facts([promised, remedy], DAY)

    assert open_[0].promise == FollowUp(DAY + dt.timedelta(days=1), FollowUpStatus.OPEN)
    assert open_[1].remedy == FollowUp(DAY + dt.timedelta(days=2), FollowUpStatus.OPEN)
    # Decided at the end of its 3 grace days (capped at the plan day); broken the day marked.
    assert broken[0].promise == FollowUp(
        DAY + dt.timedelta(days=1), FollowUpStatus.BROKEN, broken_on=DAY
    )
    assert broken[1].remedy == FollowUp(
        DAY - dt.timedelta(days=1), FollowUpStatus.BROKEN, broken_on=DAY - dt.timedelta(days=1)
    )


def test_an_applied_remedy_being_kept_asks_for_no_visit(book):
    remedy = book.by_rule["EL-REMEDY"]
    RemedyProposal.objects.filter(case=remedy).update(
        status="applied", applied_on=DAY - dt.timedelta(days=20), tracking="on_track"
    )

    (facts,) = case_facts([remedy], DAY)

    assert facts.remedy == FollowUp(DAY - dt.timedelta(days=20), FollowUpStatus.KEPT)


def test_the_product_fact_is_the_loans_product_code(book):
    case = book.by_rule["EL-FIRST-CONTACT"]

    (facts,) = case_facts([case], DAY)

    assert facts.product == case.loan.product.code != ""


def test_from_the_moment_escalation_is_recommended_no_more_pre_legal_visits(book):
    case = book.by_rule["EL-PRE-LEGAL"]
    before = plan_build(date=DAY, branch=book.branch, seconds=SECONDS, user=book.manager)
    legal = LegalCase.objects.create(case=case, recommended_on=DAY - dt.timedelta(days=1))

    recommended = plan_build(date=DAY, branch=book.branch, seconds=SECONDS, user=book.manager)
    LegalCase.objects.filter(pk=legal.pk).update(status=LegalStatus.DECLINED)
    declined = plan_build(date=DAY, branch=book.branch, seconds=SECONDS, user=book.manager)

    assert PlanStop.objects.get(route__plan=before, case=case).rule_id == "EL-PRE-LEGAL"
    assert not PlanStop.objects.filter(route__plan=recommended, case=case).exists()
    assert recommended.left_out.get(case=case).rule_id == "EX-ESCALATION"
    # A manager declined: the case stays with collections and is visited again.
    assert PlanStop.objects.get(route__plan=declined, case=case).rule_id == "EL-PRE-LEGAL"


def test_a_plan_built_before_the_recommendation_is_not_approved_with_that_visit(book):
    from fieldvisit.apps.planning.services import PlanCheckFailed, plan_approve

    case = book.by_rule["EL-PRE-LEGAL"]
    plan = plan_build(date=DAY, branch=book.branch, seconds=SECONDS, user=book.manager)
    LegalCase.objects.create(case=case, recommended_on=DAY - dt.timedelta(days=1))

    with pytest.raises(PlanCheckFailed) as refused:
        plan_approve(plan=plan, user=book.manager)

    assert "EX-ESCALATION" in refused.value.extra["rules"]
    plan.refresh_from_db()
    assert plan.status == "draft"
