"""When a remedy's case is cured: not at DPD 0 (the arrears are in the new schedule), but once two
consecutive instalments of the new schedule are paid on time and the loan is current."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fieldvisit.apps.cases.loan_status import loan_status
from fieldvisit.apps.cases.models import CaseEvent, CaseStatus
from fieldvisit.apps.delinquency.models import DelinquencySnapshot
from fieldvisit.apps.loans.engine_io import engine_loan
from fieldvisit.apps.loans.models import Installment
from fieldvisit.apps.remedies import services
from fieldvisit.apps.remedies.models import AcceptanceChannel
from fieldvisit.apps.remedies.tracking import kept_on_time, remedies_cure
from fieldvisit.engines import delinquency
from tests.apps.remedies.conftest import AFTER_ILLNESS, AS_OF
from tests.apps.remedies.story import nightly
from tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def applied(world):
    maker, checker = world.users["agent_a1"], world.users["manager_a"]
    proposal = services.remedy_proposal_create(
        case=world.case, user=maker, as_of=AS_OF, affordability=AFTER_ILLNESS
    )
    services.remedy_propose(proposal=proposal, user=maker, option_key=proposal.options[0]["key"])
    services.remedy_approve(proposal=proposal, user=checker)
    services.remedy_accept(
        proposal=proposal, user=maker, accepted_on=AS_OF, channel=AcceptanceChannel.PHONE
    )
    return services.remedy_apply(proposal=proposal, user=maker, on=AS_OF)


def new_schedule(world):
    world.loan.refresh_from_db()
    return list(
        Installment.objects.filter(loan=world.loan, version=world.loan.schedule_version).order_by(
            "number"
        )
    )


def pay(world, row, late_days=0, extra="0.00"):
    PaymentFactory(
        loan=world.loan,
        paid_on=row.due_date + dt.timedelta(days=late_days),
        amount=row.principal + row.interest + Decimal(extra),
    )


def status(world):
    world.case.refresh_from_db()
    return world.case.status, world.case.closed_on


def test_nothing_paid_yet_the_case_stays_active(world):
    applied(world)
    first = new_schedule(world)[0]

    assert remedies_cure(first.due_date - dt.timedelta(days=1)) == 0
    assert status(world) == (CaseStatus.REMEDY_ACTIVE, None)


def test_two_consecutive_on_time_instalments_cure_the_case_on_the_second_due_date(world):
    applied(world)
    rows = new_schedule(world)
    pay(world, rows[0])
    pay(world, rows[1])

    assert remedies_cure(rows[0].due_date) == 0  # one is not two
    assert remedies_cure(rows[1].due_date - dt.timedelta(days=1)) == 0  # the second not yet due
    assert remedies_cure(rows[1].due_date) == 1

    assert status(world) == (CaseStatus.CURED, rows[1].due_date)
    event = CaseEvent.objects.filter(case=world.case, to_status=CaseStatus.CURED).get()
    assert (event.from_status, event.user) == (CaseStatus.REMEDY_ACTIVE, None)
    assert remedies_cure(rows[2].due_date) == 0  # idempotent: nothing left to cure


def test_a_late_instalment_breaks_the_run_and_two_more_on_time_are_needed(world):
    applied(world)
    rows = new_schedule(world)
    pay(world, rows[0])
    # Two days late (within the grace days: the remedy is not broken), with the penalty.
    pay(world, rows[1], late_days=2, extra="5.00")
    pay(world, rows[2])

    assert remedies_cure(rows[2].due_date) == 0
    assert status(world) == (CaseStatus.REMEDY_ACTIVE, None)

    pay(world, rows[3])
    assert remedies_cure(rows[3].due_date) == 1
    assert status(world) == (CaseStatus.CURED, rows[3].due_date)


def test_kept_on_time_counts_only_instalments_due_since_the_restructuring(world):
    applied(world)
    rows = new_schedule(world)
    pay(world, rows[0])
    pay(world, rows[1])
    assessment = delinquency.assess(engine_loan(world.loan), rows[1].due_date)

    assert kept_on_time(assessment, world.loan.restructured_on)
    assert not kept_on_time(assessment, rows[1].due_date)  # only one instalment since that day


def test_the_class_right_after_a_same_day_restructuring_is_no_better_than_special_mention(
    world, monkeypatch
):
    # Options computed, approved, accepted and applied on 2025-05-01: the new schedule takes
    # effect on 05-02 and nothing of it is due (DPD 0). That night's batch and the case page that
    # day both show 关注 (in observation), never 正常.
    applied(world)

    nightly(AS_OF, monkeypatch)

    stored = DelinquencySnapshot.objects.get(loan=world.loan, as_of=AS_OF)
    assert (stored.dpd, stored.in_observation, stored.classification) == (
        0,
        True,
        "special_mention",
    )
    world.loan.refresh_from_db()
    page = loan_status(world.loan, AS_OF).assessment
    assert page is not None
    assert (page.in_observation, page.classification) == (True, "special_mention")
