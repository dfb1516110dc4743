"""The seed's success story (5.1), end to end through the services, the nightly batch and the pages.

A borrower whose income fell after an illness is 47 days past due (M2). The nightly batch opens
the case; the agent visits and records the cause and the household's income and spending; from
the report the engine recommends a term extension that fits; another person, a manager,
approves; the borrower signs; the new schedule applies. The batch that night finds the loan at
DPD 0 (the arrears are in the new schedule) and leaves the case in "remedy active". The borrower
then pays on time: after two on-time instalments the batch cures the case, tracks the remedy on
track, and keeps the loan at least 关注 until two on-time periods and a year have passed, when it
leaves observation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.cases.models import CaseStatus, CollectionCase
from fieldvisit.apps.cases.services import case_assign
from fieldvisit.apps.delinquency.models import DelinquencySnapshot
from fieldvisit.apps.loans.models import Installment, Loan
from fieldvisit.apps.remedies.models import RemedyProposal, RemedyStatus
from tests.apps.remedies.conftest import illness_loan
from tests.apps.remedies.story import HOME, nightly, on, visit
from tests.factories import (
    AgentFactory,
    BranchFactory,
    PaymentFactory,
    TeamFactory,
    UserFactory,
)

ILLNESS_REPORT = {
    "outcome": "met_borrower",
    "causes": ["illness"],
    "household_size": 3,
    "dependants": 1,
    "employment": "ill_or_disabled",
    "housing": "tenant_private",
    "state_of_mind": "anxious",
    "understood_terms": "yes",
    "borrower_words": "我去年生病住院，现在只有病假工资和爱人的工资。",
    "remedy_requested": "longer_term",
    "next_step": "remedy_review",
}
ILLNESS_MONEY = {
    "income_benefits": "3200.00",  # sick pay
    "income_partner": "2800.00",
    "fixed_home": "1500.00",
    "fixed_care_health": "600.00",
    "fixed_utilities": "300.00",
    "flex_food": "1300.00",
    "flex_personal": "300.00",
}


def pay_new_schedule(loan: Loan, numbers: range) -> None:
    for row in Installment.objects.filter(loan=loan, version=2, number__in=list(numbers)):
        PaymentFactory(loan=loan, paid_on=row.due_date, amount=row.principal + row.interest)


@pytest.mark.django_db
def test_illness_story(monkeypatch):
    branch = BranchFactory(code="SZ-FT", name="福田支行")
    lead = UserFactory(username="lead", role=Role.AGENT, branch=branch)
    team = TeamFactory(code="FT1", branch=branch, lead=lead)
    agent = AgentFactory(username="agent_li", team=team)
    partner = AgentFactory(username="agent_wang", team=team)
    manager = UserFactory(username="manager_zhao", role=Role.MANAGER, branch=branch)
    loan = illness_loan(branch)
    loan.borrower.home_latitude, loan.borrower.home_longitude = HOME
    loan.borrower.save()

    # The nightly batch of 2025-05-01 opens the case: 47 days past due, M2.
    nightly(dt.date(2025, 5, 1), monkeypatch)
    case = CollectionCase.objects.get(loan=loan)
    assert (case.status, case.dpd, case.bucket) == (CaseStatus.NEW, 47, "M2")
    case_assign(actor=manager, case_ids=[case.pk], agent=agent)

    # The visit: the cause and the income and spending.
    report = visit(
        case,
        team,
        [agent, partner],
        dt.date(2025, 5, 2),
        monkeypatch,
        fields=ILLNESS_REPORT,
        amounts=ILLNESS_MONEY,
    )
    assert report.disposable_income == Decimal("2000.00")
    case.refresh_from_db()
    assert case.status == CaseStatus.VISITED

    agent_client, manager_client = Client(), Client()
    agent_client.force_login(agent)
    manager_client.force_login(manager)
    with on(dt.date(2025, 5, 2), monkeypatch):
        # From the report, the engine compares the remedies; a term extension that fits leads.
        response = agent_client.post(reverse("remedies:new_from_report", args=[report.pk]))
        proposal = RemedyProposal.objects.get(case=case)
        assert response.status_code == 302
        assert response["Location"] == reverse("remedies:detail", args=[proposal.pk])
        page = agent_client.get(response["Location"]).content.decode()
        best = proposal.options[0]
        assert (best["remedy"], best["months"], best["payment"], best["limit"]) == (
            "term_extension",
            36,
            "931.11",
            "1000.00",
        )
        assert "延长期限36个月" in page
        assert "最高月供931.11元在借款人可承受额度1,000.00元以内" in page
        agent_client.post(
            reverse("remedies:action", args=[proposal.pk, "propose"]), {"option": best["key"]}
        )
        # The agent cannot approve; the manager can, and is recorded as the checker.
        page = agent_client.get(reverse("remedies:detail", args=[proposal.pk])).content.decode()
        assert 'data-testid="approve"' not in page
        queue = manager_client.get(reverse("remedies:queue")).content.decode()
        assert f"#{proposal.pk}" in queue
        manager_client.post(
            reverse("remedies:action", args=[proposal.pk, "decide"]),
            {"decision": "approve", "reason": "病后收入下降，延期后月供可承受"},
        )
        proposal.refresh_from_db()
        assert (proposal.status, proposal.maker, proposal.checker) == (
            RemedyStatus.APPROVED,
            agent,
            manager,
        )
        letter = agent_client.get(reverse("remedies:letter", args=[proposal.pk]))
        assert letter["Content-Type"] == "application/pdf"

    with on(dt.date(2025, 5, 3), monkeypatch):
        agent_client.post(
            reverse("remedies:action", args=[proposal.pk, "accept"]),
            {
                "accepted_on": "2025-05-03",
                "channel": "in_person",
                "signed_letter": SimpleUploadedFile(
                    "signed.pdf", b"%PDF-1.4 signed", "application/pdf"
                ),
            },
        )
        agent_client.post(reverse("remedies:action", args=[proposal.pk, "apply"]))
    proposal.refresh_from_db()
    loan.refresh_from_db()
    case.refresh_from_db()
    assert proposal.status == RemedyStatus.APPLIED
    assert (loan.schedule_version, loan.restructured_on) == (2, dt.date(2025, 5, 3))
    assert case.status == CaseStatus.REMEDY_ACTIVE
    assert Installment.objects.filter(loan=loan, version=1).count() == 36  # the old one stays

    # That night the arrears are in the new schedule: DPD 0, but nothing is paid yet, so the
    # case is not cured; it waits in "remedy active".
    nightly(dt.date(2025, 5, 3), monkeypatch)
    case.refresh_from_db()
    assert (case.status, case.closed_on, case.dpd, case.bucket) == (
        CaseStatus.REMEDY_ACTIVE,
        None,
        0,
        "M0",
    )

    # The borrower pays the first two instalments of the new schedule on their due dates.
    pay_new_schedule(loan, range(1, 3))
    nightly(dt.date(2025, 5, 15), monkeypatch)
    case.refresh_from_db()
    assert (case.status, case.closed_on) == (CaseStatus.REMEDY_ACTIVE, None)  # one is not two
    nightly(dt.date(2025, 6, 15), monkeypatch)
    case.refresh_from_db()
    proposal.refresh_from_db()
    # Two consecutive instalments on time: the case is cured that night.
    assert (case.status, case.closed_on) == (CaseStatus.CURED, dt.date(2025, 6, 15))
    assert (proposal.tracking, proposal.tracked_on) == ("on_track", dt.date(2025, 6, 15))
    june = DelinquencySnapshot.objects.filter(loan=loan, as_of__lte="2025-06-15").latest("as_of")
    # Two on-time periods, but not yet a year: still in observation, at least 关注.
    assert (june.dpd, june.in_observation, june.classification) == (0, True, "special_mention")

    # A year on, every instalment paid on time: the loan leaves its observation period.
    # (restructured on 2025-05-03: the year is up on 2026-05-03, not a day before).
    pay_new_schedule(loan, range(3, 14))
    nightly(dt.date(2026, 5, 2), monkeypatch)
    nightly(dt.date(2026, 5, 3), monkeypatch)
    eve, day = DelinquencySnapshot.objects.filter(loan=loan, as_of__gte="2026-05-02").order_by(
        "as_of"
    )
    assert (eve.as_of, eve.in_observation, eve.classification) == (
        dt.date(2026, 5, 2),
        True,
        "special_mention",
    )
    assert (day.as_of, day.dpd, day.in_observation, day.classification) == (
        dt.date(2026, 5, 3),
        0,
        False,
        "normal",
    )
    assert not CollectionCase.objects.filter(loan=loan, closed_on__isnull=True).exists()
    proposal.refresh_from_db()
    assert proposal.status == RemedyStatus.APPLIED
