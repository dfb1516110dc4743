"""Case services: the transitions table, one open case per loan, the snapshot sync, assignment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.cases.models import (
    CLOSED_STATUSES,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    CollectionCase,
)
from fieldvisit.apps.cases.services import (
    CaseSnapshotRow,
    SyncResult,
    case_assign,
    case_close,
    case_may_move,
    case_open_or_update_from_snapshot,
    case_transition,
    cases_sync_from_snapshot,
)
from fieldvisit.apps.cases.transitions import TRANSITIONS, allowed_next, is_allowed
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.loans.models import LoanStatus
from fieldvisit.apps.visits.models import PromiseStatus
from tests.apps.cases.factories import CaseFactory, LoanFactory
from tests.apps.visits.factories import PromiseFactory, ReportFactory, VisitFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 3, 10)


def row(loan, dpd, bucket="M1", due="500.00"):
    return CaseSnapshotRow(loan_id=loan.pk, dpd=dpd, bucket=bucket, total_due=Decimal(due))


# Transitions --------------------------------------------------------------------------------------


def test_every_status_has_a_row_and_closed_statuses_lead_nowhere():
    assert set(TRANSITIONS) == set(CaseStatus)
    for status in CLOSED_STATUSES:
        assert TRANSITIONS[status] == frozenset()
    for status in set(CaseStatus) - CLOSED_STATUSES:
        assert TRANSITIONS[status] >= CLOSED_STATUSES


S = CaseStatus
CLOSING = CLOSED_STATUSES


@pytest.mark.parametrize(
    ("status", "nexts"),
    [
        (S.NEW, {S.CONTACTING, S.VISIT_PLANNED, S.PROMISE_TO_PAY, S.REMEDY_PROPOSED, S.LEGAL}),
        (S.CONTACTING, {S.VISIT_PLANNED, S.PROMISE_TO_PAY, S.REMEDY_PROPOSED, S.LEGAL}),
        (S.VISIT_PLANNED, {S.VISITED, S.CONTACTING, S.REMEDY_PROPOSED}),
        (S.VISITED, {S.PROMISE_TO_PAY, S.REMEDY_PROPOSED, S.VISIT_PLANNED, S.CONTACTING, S.LEGAL}),
        (S.PROMISE_TO_PAY, {S.PROMISE_BROKEN, S.REMEDY_PROPOSED, S.CONTACTING, S.VISIT_PLANNED}),
        (
            S.PROMISE_BROKEN,
            {S.CONTACTING, S.VISIT_PLANNED, S.PROMISE_TO_PAY, S.REMEDY_PROPOSED, S.LEGAL},
        ),
        (S.REMEDY_PROPOSED, {S.REMEDY_ACTIVE, S.CONTACTING, S.VISIT_PLANNED, S.LEGAL}),
        (S.REMEDY_ACTIVE, {S.PROMISE_BROKEN}),
        (S.LEGAL, set()),
    ],
)
def test_the_table_row_of_each_open_status(status, nexts):
    assert allowed_next(status) == frozenset(nexts) | CLOSING


def _open_promise(case, status=PromiseStatus.OPEN):
    report = ReportFactory(visit=VisitFactory(case=case))
    return PromiseFactory(report=report, status=status)


@pytest.mark.parametrize("to_status", [CaseStatus.CONTACTING, CaseStatus.VISIT_PLANNED])
def test_while_a_promise_is_open_the_case_waits_in_promise_to_pay(world, to_status):
    case = world.cases["mine"]
    CollectionCase.objects.filter(pk=case.pk).update(status=CaseStatus.PROMISE_TO_PAY)
    case.refresh_from_db()
    _open_promise(case)

    assert not case_may_move(case, to_status)
    with pytest.raises(ApplicationError) as refused:
        case_transition(case=case, to_status=to_status, user=world.users["manager_a"], reason="x")

    assert refused.value.code == "promise_open"
    assert CollectionCase.objects.get(pk=case.pk).status == CaseStatus.PROMISE_TO_PAY
    assert not CaseEvent.objects.filter(case=case).exists()


@pytest.mark.parametrize("to_status", [CaseStatus.CONTACTING, CaseStatus.VISIT_PLANNED])
def test_once_its_promise_is_decided_a_case_leaves_promise_to_pay(world, to_status):
    case = world.cases["mine"]
    CollectionCase.objects.filter(pk=case.pk).update(status=CaseStatus.PROMISE_TO_PAY)
    case.refresh_from_db()
    _open_promise(case, status=PromiseStatus.KEPT)

    assert case_may_move(case, to_status)
    case_transition(case=case, to_status=to_status, user=world.users["manager_a"], reason="kept")

    assert CollectionCase.objects.get(pk=case.pk).status == to_status


@pytest.mark.parametrize("from_status", [CaseStatus.PROMISE_TO_PAY, CaseStatus.VISIT_PLANNED])
def test_a_remedy_may_be_proposed_from_promise_to_pay_and_visit_planned(world, from_status):
    case = world.cases["mine"]
    CollectionCase.objects.filter(pk=case.pk).update(status=from_status)
    case.refresh_from_db()
    _open_promise(case)  # an open promise does not stop a remedy

    case_transition(case=case, to_status=CaseStatus.REMEDY_PROPOSED, user=None, reason="remedy")

    assert CollectionCase.objects.get(pk=case.pk).status == CaseStatus.REMEDY_PROPOSED


def test_an_allowed_transition_changes_the_status_and_writes_event_and_audit(world):
    case = world.cases["mine"]
    manager = world.users["manager_a"]

    case_transition(case=case, to_status=CaseStatus.CONTACTING, user=manager, reason="call")

    assert CollectionCase.objects.get(pk=case.pk).status == CaseStatus.CONTACTING
    event = CaseEvent.objects.get(case=case)
    assert (event.kind, event.from_status, event.to_status, event.user, event.reason) == (
        CaseEventKind.STATUS,
        CaseStatus.NEW,
        CaseStatus.CONTACTING,
        manager,
        "call",
    )
    audit = AuditEvent.objects.get(action="case.transition")
    assert audit.fields == {"status": ["new", "contacting"]}


def test_a_transition_outside_the_table_is_refused_and_nothing_is_written(world):
    case = world.cases["mine"]
    assert not is_allowed(CaseStatus.NEW, CaseStatus.REMEDY_ACTIVE)

    with pytest.raises(ApplicationError) as refused:
        case_transition(
            case=case, to_status=CaseStatus.REMEDY_ACTIVE, user=world.users["manager_a"], reason="x"
        )

    assert refused.value.code == "transition_not_allowed"
    assert CollectionCase.objects.get(pk=case.pk).status == CaseStatus.NEW
    assert not CaseEvent.objects.filter(case=case).exists()
    assert not AuditEvent.objects.exists()


def test_closing_sets_closed_on_and_a_closed_case_cannot_move(world):
    case = world.cases["mine"]

    case_close(case=case, status=CaseStatus.CURED, as_of=AS_OF, reason="paid")

    stored = CollectionCase.objects.get(pk=case.pk)
    assert (stored.status, stored.closed_on) == (CaseStatus.CURED, AS_OF)
    with pytest.raises(ApplicationError):
        case_transition(case=stored, to_status=CaseStatus.CONTACTING, user=None, reason="x")


# One open case per loan ------------------------------------------------------------------------


def test_the_database_refuses_a_second_open_case_for_a_loan(world):
    loan = world.cases["mine"].loan

    with pytest.raises(IntegrityError), transaction.atomic():
        CaseFactory(loan=loan)

    assert CollectionCase.objects.filter(loan=loan).count() == 1


def test_a_loan_may_have_a_closed_case_and_a_new_open_one(world):
    case = world.cases["mine"]
    case_close(case=case, status=CaseStatus.CURED, as_of=AS_OF, reason="paid")

    CaseFactory(loan=case.loan)

    assert CollectionCase.objects.filter(loan=case.loan).count() == 2


def test_the_database_refuses_a_closed_status_without_closed_on(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseFactory(status=CaseStatus.CURED, closed_on=None)


# Snapshot sync ----------------------------------------------------------------------------------


def test_a_loan_reaching_the_threshold_gets_one_new_case_with_the_snapshot_figures(db):
    loan = LoanFactory()

    result = cases_sync_from_snapshot(AS_OF, [row(loan, 1, "M1", "1120.00")])

    assert result == SyncResult(opened=1)
    case = CollectionCase.objects.get(loan=loan)
    assert (case.status, case.opened_on, case.dpd, case.bucket, case.amount_due) == (
        CaseStatus.NEW,
        AS_OF,
        1,
        "M1",
        Decimal("1120.00"),
    )
    assert case.branch_id == loan.branch_id
    assert CaseEvent.objects.get(case=case).kind == CaseEventKind.OPENED
    assert AuditEvent.objects.get(action="case.sync").fields == {
        "opened": 1,
        "updated": 0,
        "closed": 0,
    }


def test_running_the_same_day_twice_changes_nothing_the_second_time(db):
    loans = [LoanFactory() for _ in range(3)]
    rows = [row(loan, 35, "M2") for loan in loans]
    cases_sync_from_snapshot(AS_OF, rows)

    again = cases_sync_from_snapshot(AS_OF, rows)

    assert again == SyncResult()
    assert CollectionCase.objects.count() == 3
    assert CaseEvent.objects.count() == 3


def test_below_the_threshold_no_case_opens(db):
    loan = LoanFactory()

    assert cases_sync_from_snapshot(AS_OF, [row(loan, 3)], threshold=5) == SyncResult()
    assert not CollectionCase.objects.exists()


def test_a_later_day_updates_the_figures_of_the_open_case(db):
    loan = LoanFactory()
    cases_sync_from_snapshot(AS_OF, [row(loan, 30, "M1", "1000.00")])

    result = cases_sync_from_snapshot(
        AS_OF + dt.timedelta(days=1), [row(loan, 31, "M2", "1001.50")]
    )

    assert result == SyncResult(updated=1)
    case = CollectionCase.objects.get(loan=loan)
    assert (case.dpd, case.bucket, case.amount_due, case.snapshot_as_of) == (
        31,
        "M2",
        Decimal("1001.50"),
        AS_OF + dt.timedelta(days=1),
    )


def test_rerunning_an_older_day_does_not_move_a_case_back(db):
    loan = LoanFactory()
    cases_sync_from_snapshot(AS_OF, [row(loan, 31, "M2")])

    cases_sync_from_snapshot(AS_OF - dt.timedelta(days=1), [row(loan, 0, "M0")])

    case = CollectionCase.objects.get(loan=loan)
    assert (case.dpd, case.closed_on) == (31, None)


@pytest.mark.parametrize(
    ("loan_status", "dpd", "closed_as"),
    [
        (LoanStatus.ACTIVE, 0, CaseStatus.CURED),
        (LoanStatus.SETTLED, 0, CaseStatus.CLOSED),
        (LoanStatus.WRITTEN_OFF, 200, CaseStatus.WRITTEN_OFF),
    ],
)
def test_a_cured_settled_or_written_off_loan_closes_its_case(db, loan_status, dpd, closed_as):
    loan = LoanFactory()
    cases_sync_from_snapshot(AS_OF, [row(loan, 40)])
    loan.status = loan_status
    loan.save()

    result = cases_sync_from_snapshot(AS_OF + dt.timedelta(days=1), [row(loan, dpd)])

    assert result == SyncResult(closed=1)
    case = CollectionCase.objects.get(loan=loan)
    assert (case.status, case.closed_on) == (closed_as, AS_OF + dt.timedelta(days=1))
    last = CaseEvent.objects.filter(case=case).order_by("-id").first()
    assert (last.from_status, last.to_status) == (CaseStatus.NEW, closed_as)


def test_dpd_0_does_not_cure_a_case_with_a_remedy_active(db):
    """Applying a remedy puts the arrears in the new schedule: DPD 0 before anything is paid."""
    loan = LoanFactory()
    cases_sync_from_snapshot(AS_OF, [row(loan, 40)])
    CollectionCase.objects.filter(loan=loan).update(status=CaseStatus.REMEDY_ACTIVE)

    result = cases_sync_from_snapshot(AS_OF + dt.timedelta(days=1), [row(loan, 0, "M0", "0.00")])

    assert result == SyncResult(updated=1)
    case = CollectionCase.objects.get(loan=loan)
    assert (case.status, case.closed_on, case.dpd, case.bucket) == (
        CaseStatus.REMEDY_ACTIVE,
        None,
        0,
        "M0",
    )
    assert not CaseEvent.objects.filter(case=case, kind=CaseEventKind.STATUS).exists()


@pytest.mark.parametrize(
    ("promise_status", "cured"), [(PromiseStatus.OPEN, False), (PromiseStatus.KEPT, True)]
)
def test_dpd_0_cures_a_promise_to_pay_case_only_once_no_promise_is_open(db, promise_status, cured):
    loan = LoanFactory()
    cases_sync_from_snapshot(AS_OF, [row(loan, 40)])
    case = CollectionCase.objects.get(loan=loan)
    CollectionCase.objects.filter(pk=case.pk).update(status=CaseStatus.PROMISE_TO_PAY)
    _open_promise(case, status=promise_status)

    cases_sync_from_snapshot(AS_OF + dt.timedelta(days=1), [row(loan, 0, "M0", "0.00")])

    case.refresh_from_db()
    expected = (
        (CaseStatus.CURED, AS_OF + dt.timedelta(days=1))
        if cured
        else (CaseStatus.PROMISE_TO_PAY, None)
    )
    assert (case.status, case.closed_on, case.dpd) == (*expected, 0)


def test_a_settled_loan_past_due_gets_no_new_case(db):
    loan = LoanFactory(status=LoanStatus.SETTLED)

    assert cases_sync_from_snapshot(AS_OF, [row(loan, 40)]) == SyncResult()


def test_the_sync_is_bulk_a_few_queries_per_batch_not_one_per_loan(
    db, django_assert_max_num_queries
):
    loans = [LoanFactory() for _ in range(40)]
    cases_sync_from_snapshot(AS_OF, [row(loan, 5) for loan in loans[:20]])
    rows = [row(loan, 0 if i < 10 else 6) for i, loan in enumerate(loans)]

    with django_assert_max_num_queries(12):
        result = cases_sync_from_snapshot(AS_OF + dt.timedelta(days=1), rows)

    assert result == SyncResult(opened=20, updated=10, closed=10)


def test_the_one_row_helper_returns_the_open_case(db):
    loan = LoanFactory()

    case = case_open_or_update_from_snapshot(as_of=AS_OF, row=row(loan, 12))

    assert case is not None
    assert case.dpd == 12


def test_the_sync_takes_its_threshold_from_the_rows_policy(db):
    from dataclasses import dataclass

    from fieldvisit.engines.delinquency import DelinquencyPolicy

    @dataclass
    class Rows:
        policy: DelinquencyPolicy
        items: list

        def __iter__(self):
            return iter(self.items)

    loan = LoanFactory()
    rows = Rows(DelinquencyPolicy(case_open_dpd=10), [row(loan, 9)])

    assert cases_sync_from_snapshot(AS_OF, rows) == SyncResult()


# Assignment --------------------------------------------------------------------------------------


def test_a_manager_assigns_cases_in_bulk_to_an_agent_with_events_and_audit(world):
    manager, agent = world.users["manager_a"], world.users["agent_a3"]
    ids = [world.cases["mine"].pk, world.cases["team"].pk]

    count = case_assign(actor=manager, case_ids=ids, agent=agent, reason="rebalance")

    assert count == 2
    assert set(CollectionCase.objects.filter(pk__in=ids).values_list("agent", "team")) == {
        (agent.pk, world.teams["A2"].pk)
    }
    assert CaseEvent.objects.filter(case_id__in=ids, kind=CaseEventKind.ASSIGNED).count() == 2
    assert AuditEvent.objects.filter(action="case.assign", reason="rebalance").count() == 2


def test_cases_outside_the_actors_scope_are_ignored_and_unchanged(world):
    other = world.cases["other_branch"]

    count = case_assign(actor=world.users["manager_a"], case_ids=[other.pk], team=world.teams["A1"])

    assert count == 0
    assert CollectionCase.objects.get(pk=other.pk).team == world.teams["B1"]
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("actor", "assignee", "code"),
    [
        ("agent_a1", {"agent": "agent_a2"}, "forbidden"),
        ("manager_a", {"team": "B1"}, "team_out_of_scope"),
        ("manager_a", {"agent": "manager_b"}, "not_agent"),
        ("manager_a", {}, "no_assignee"),
        ("lead_a1", {"team": "A2"}, "team_out_of_scope"),
    ],
)
def test_assignment_is_refused_outside_the_rules(world, actor, assignee, code):
    kwargs = {}
    if "agent" in assignee:
        kwargs["agent"] = world.users[assignee["agent"]]
    if "team" in assignee:
        kwargs["team"] = world.teams[assignee["team"]]

    with pytest.raises(ApplicationError) as refused:
        case_assign(actor=world.users[actor], case_ids=[world.cases["mine"].pk], **kwargs)

    assert refused.value.code == code
    assert CollectionCase.objects.get(pk=world.cases["mine"].pk).agent == world.users["agent_a1"]


def test_a_team_lead_reassigns_within_the_team(world):
    count = case_assign(
        actor=world.users["lead_a1"],
        case_ids=[world.cases["mine"].pk],
        agent=world.users["agent_a2"],
    )

    assert count == 1
    assert CollectionCase.objects.get(pk=world.cases["mine"].pk).agent == world.users["agent_a2"]


def test_the_sync_is_registered_as_the_delinquency_snapshot_hook(db):
    from fieldvisit.apps.cases.services import cases_snapshot_hook
    from fieldvisit.apps.delinquency import hooks

    loan = LoanFactory()
    assert cases_snapshot_hook in hooks._hooks

    cases_snapshot_hook(AS_OF, [row(loan, 33, "M2")])

    assert CollectionCase.objects.get(loan=loan).bucket == "M2"
