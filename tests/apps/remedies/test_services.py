"""Remedy proposals through their services: the engine's options kept as a snapshot, the maker's
choice, maker-checker with approval limits, the borrower's acceptance, and the new schedule."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.cases.models import CaseStatus, CollectionCase
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.loans.engine_io import engine_loan
from fieldvisit.apps.loans.models import Installment, Loan
from fieldvisit.apps.remedies import services
from fieldvisit.apps.remedies.models import (
    AcceptanceChannel,
    ApprovalLimit,
    RemedyEvent,
    RemedyProposal,
    RemedyStatus,
)
from fieldvisit.apps.visits.models import FollowUpTask, TaskKind
from fieldvisit.engines import delinquency
from fieldvisit.engines.restructuring import Affordability, Line
from tests.apps.remedies.conftest import AFTER_ILLNESS, AS_OF
from tests.factories import PaymentFactory

D = Decimal
SIGNED = b"%PDF-1.4\n% signed letter scan\n"
BEST = "term_extension:36:0.120000:-:-"


def draft(world, maker="agent_a1") -> RemedyProposal:
    return services.remedy_proposal_create(
        case=world.case, user=world.users[maker], as_of=AS_OF, affordability=AFTER_ILLNESS
    )


def proposed(world, maker="agent_a1") -> RemedyProposal:
    proposal = draft(world, maker)
    return services.remedy_propose(
        proposal=proposal, user=world.users[maker], option_key=proposal.options[0]["key"]
    )


def accepted(world) -> RemedyProposal:
    proposal = proposed(world)
    services.remedy_approve(proposal=proposal, user=world.users["manager_a"], reason="fits")
    return services.remedy_accept(
        proposal=proposal,
        user=world.users["agent_a1"],
        accepted_on=dt.date(2025, 5, 3),
        channel=AcceptanceChannel.IN_PERSON,
        signed_letter=SimpleUploadedFile("signed.pdf", SIGNED, "application/pdf"),
    )


class TestDraft:
    def test_the_engine_options_are_kept_with_the_term_extension_recommended_first(self, world):
        proposal = draft(world)

        best = proposal.options[0]
        assert proposal.status == RemedyStatus.DRAFT
        assert (best["key"], best["rank"], best["payment"]) == (BEST, 1, "931.11")
        assert best["title_zh"] == "延长期限36个月"
        assert best["reconciliation"]["balanced"] is True
        assert proposal.amount == D(proposal.claim["total"])
        assert proposal.claim["penalty"] == "50.56"
        assert proposal.base_version == 1
        assert all(o["rank"] is None for o in proposal.options if not o["affordable"])
        assert list(proposal.events.values_list("to_status", flat=True)) == ["draft"]

    def test_a_closed_case_takes_no_proposal(self, world):
        CollectionCase.objects.filter(pk=world.case.pk).update(
            status=CaseStatus.CURED, closed_on=AS_OF
        )
        world.case.refresh_from_db()

        with pytest.raises(ApplicationError) as error:
            draft(world)

        assert error.value.code == "case_closed"
        assert not RemedyProposal.objects.exists()


class TestPropose:
    def test_the_maker_chooses_an_option_and_the_case_moves_to_remedy_proposed(self, world):
        proposal = proposed(world)

        world.case.refresh_from_db()
        assert (proposal.status, proposal.chosen_key) == (RemedyStatus.PROPOSED, BEST)
        assert world.case.status == CaseStatus.REMEDY_PROPOSED
        assert AuditEvent.objects.filter(action="remedy.propose", object_id=proposal.pk).exists()

    def test_an_option_not_recommended_needs_a_written_justification(self, world):
        proposal = draft(world)
        unaffordable = next(o for o in proposal.options if not o["affordable"])

        with pytest.raises(ApplicationError) as error:
            services.remedy_propose(
                proposal=proposal, user=world.users["agent_a1"], option_key=unaffordable["key"]
            )

        assert error.value.code == "justification_required"
        proposal.refresh_from_db()
        assert proposal.status == RemedyStatus.DRAFT

    def test_with_a_justification_any_option_within_the_cap_may_be_proposed(self, world):
        proposal = draft(world)
        unaffordable = next(o for o in proposal.options if not o["affordable"])

        services.remedy_propose(
            proposal=proposal,
            user=world.users["agent_a1"],
            option_key=unaffordable["key"],
            note="  她弟弟每月资助800元，下月起生效  ",
        )

        proposal.refresh_from_db()
        assert (proposal.status, proposal.chosen_key) == (
            RemedyStatus.PROPOSED,
            unaffordable["key"],
        )
        assert proposal.maker_note == "她弟弟每月资助800元，下月起生效"
        event = proposal.events.get(to_status=RemedyStatus.PROPOSED)
        assert event.reason == "她弟弟每月资助800元，下月起生效"

    def test_an_option_over_the_cost_cap_is_never_proposed(self, world):
        proposal = draft(world)
        over = dict(proposal.options[-1], key="catch_up:99:x:-:-", within_cap=False, rank=None)
        RemedyProposal.objects.filter(pk=proposal.pk).update(options=[*proposal.options, over])
        proposal.refresh_from_db()

        with pytest.raises(ApplicationError) as error:
            services.remedy_propose(
                proposal=proposal,
                user=world.users["agent_a1"],
                option_key=over["key"],
                note="the borrower insists",
            )

        assert error.value.code == "over_cap"
        proposal.refresh_from_db()
        assert proposal.status == RemedyStatus.DRAFT

    def test_a_second_pending_remedy_for_the_loan_is_refused(self, world):
        proposed(world)
        second = draft(world, "agent_a2")

        with pytest.raises(ApplicationError) as error:
            services.remedy_propose(proposal=second, user=world.users["agent_a2"], option_key=BEST)

        assert error.value.code == "pending_exists"
        second.refresh_from_db()
        assert second.status == RemedyStatus.DRAFT


class TestMakerChecker:
    def test_another_manager_approves_and_both_are_recorded(self, world):
        proposal = proposed(world, maker="manager_a2")

        services.remedy_approve(proposal=proposal, user=world.users["manager_a"], reason="fits")

        proposal.refresh_from_db()
        assert proposal.status == RemedyStatus.APPROVED
        assert (proposal.maker, proposal.checker) == (
            world.users["manager_a2"],
            world.users["manager_a"],
        )
        assert proposal.decision_reason == "fits"
        assert AuditEvent.objects.filter(action="remedy.approve", user=world.users["manager_a"])

    def test_the_maker_cannot_check_their_own_proposal(self, world):
        proposal = proposed(world, maker="manager_a")

        with pytest.raises(ApplicationError) as error:
            services.remedy_approve(proposal=proposal, user=world.users["manager_a"])

        assert error.value.code == "maker_is_checker"
        proposal.refresh_from_db()
        assert (proposal.status, proposal.checker) == (RemedyStatus.PROPOSED, None)

    def test_an_agent_may_not_approve(self, world):
        proposal = proposed(world)

        with pytest.raises(ApplicationError) as error:
            services.remedy_approve(proposal=proposal, user=world.users["agent_a2"])

        assert error.value.code == "forbidden"

    def test_a_checker_whose_limit_is_below_the_amount_is_refused(self, world):
        ApprovalLimit.objects.create(user=world.users["manager_a"], max_amount=D("40000.00"))
        proposal = proposed(world)

        with pytest.raises(ApplicationError) as error:
            services.remedy_approve(proposal=proposal, user=world.users["manager_a"])

        assert error.value.code == "over_limit"
        proposal.refresh_from_db()
        assert proposal.status == RemedyStatus.PROPOSED

    def test_a_personal_limit_wins_over_the_role_limit(self, world):
        ApprovalLimit.objects.create(role="manager", max_amount=D("1000.00"))
        ApprovalLimit.objects.create(user=world.users["manager_a"], max_amount=None)

        assert services.approval_limit(world.users["manager_a"]) is services.NO_LIMIT
        assert services.approval_limit(world.users["manager_a2"]) == D("1000.00")
        assert services.approval_limit(world.users["agent_a1"]) is None

    def test_a_rejection_needs_a_reason_and_is_final(self, world):
        proposal = proposed(world)

        with pytest.raises(ApplicationError):
            services.remedy_reject(proposal=proposal, user=world.users["manager_a"], reason=" ")
        services.remedy_reject(proposal=proposal, user=world.users["manager_a"], reason="no")

        with pytest.raises(ApplicationError) as error:
            services.remedy_approve(proposal=proposal, user=world.users["manager_a2"])
        assert error.value.code == "transition_not_allowed"
        assert RemedyEvent.objects.filter(proposal=proposal, to_status="approved").count() == 0

    def test_a_stale_copy_loses_to_the_first_decision(self, world):
        proposal = proposed(world)
        stale = RemedyProposal.objects.get(pk=proposal.pk)
        services.remedy_approve(proposal=proposal, user=world.users["manager_a"])

        with pytest.raises(ApplicationError) as error:
            services.remedy_reject(proposal=stale, user=world.users["manager_a2"], reason="no")

        assert error.value.code == "conflict"
        proposal.refresh_from_db()
        assert (proposal.status, proposal.checker) == (
            RemedyStatus.APPROVED,
            world.users["manager_a"],
        )


class TestAcceptAndApply:
    def test_in_person_acceptance_needs_the_signed_letter(self, world):
        proposal = proposed(world)
        services.remedy_approve(proposal=proposal, user=world.users["manager_a"])

        with pytest.raises(ApplicationError) as error:
            services.remedy_accept(
                proposal=proposal,
                user=world.users["agent_a1"],
                accepted_on=dt.date(2025, 5, 3),
                channel=AcceptanceChannel.IN_PERSON,
            )

        assert error.value.code == "letter_required"

    def test_a_letter_that_is_not_a_pdf_or_image_is_refused(self, world):
        proposal = proposed(world)
        services.remedy_approve(proposal=proposal, user=world.users["manager_a"])

        with pytest.raises(ApplicationError) as error:
            services.remedy_accept(
                proposal=proposal,
                user=world.users["agent_a1"],
                accepted_on=dt.date(2025, 5, 3),
                channel=AcceptanceChannel.POST,
                signed_letter=SimpleUploadedFile("x.pdf", b"MZ\x90\x00", "application/pdf"),
            )

        assert error.value.code == "letter_type"

    def test_applying_writes_a_new_version_and_keeps_the_old_one(self, world):
        proposal = accepted(world)
        option = proposal.chosen

        services.remedy_apply(
            proposal=proposal, user=world.users["agent_a1"], on=dt.date(2025, 5, 3)
        )

        loan = Loan.objects.get(pk=world.loan.pk)
        assert (loan.schedule_version, loan.restructured_on) == (2, dt.date(2025, 5, 2))
        assert Installment.objects.filter(loan=loan, version=1).count() == 36
        new = list(Installment.objects.filter(loan=loan, version=2).order_by("number"))
        assert len(new) == option["installments"] == 56
        assert [r.principal + r.interest for r in new] == [
            D(row["payment"]) for row in option["schedule"]
        ]
        assert sum(r.principal for r in new) == D("39180.33")
        world.case.refresh_from_db()
        assert world.case.status == CaseStatus.REMEDY_ACTIVE
        proposal.refresh_from_db()
        assert (proposal.status, proposal.new_version, proposal.tracking) == (
            RemedyStatus.APPLIED,
            2,
            "on_track",
        )
        assert proposal.signed_letter.read() == SIGNED

    def test_the_restructured_loan_is_current_and_at_least_special_mention(self, world):
        proposal = accepted(world)
        services.remedy_apply(
            proposal=proposal, user=world.users["agent_a1"], on=dt.date(2025, 5, 3)
        )

        loan = Loan.objects.get(pk=world.loan.pk)
        assessment = delinquency.assess(engine_loan(loan), dt.date(2025, 5, 10))

        assert (assessment.dpd, assessment.total_due) == (0, D("0.00"))
        assert assessment.in_observation is True
        assert assessment.classification == delinquency.LoanClass.SPECIAL_MENTION
        assert assessment.outstanding_principal == D("39180.33")

    def test_a_payment_of_the_proposal_day_that_arrived_later_makes_it_stale(self, world):
        # Options computed on 2025-05-01; that day's payment file arrives that night. The payment
        # is in the old schedule's days but not in the claim the options restructure: applying
        # would leave it in neither balance.
        proposal = accepted(world)
        PaymentFactory(loan=world.loan, paid_on=AS_OF, amount=D("500.00"))

        with pytest.raises(ApplicationError) as error:
            services.remedy_apply(
                proposal=proposal, user=world.users["agent_a1"], on=dt.date(2025, 5, 3)
            )

        assert error.value.code == "stale"
        assert "500.00" in str(error.value.message)
        assert "2025-05-01" in str(error.value.message)
        loan = Loan.objects.get(pk=world.loan.pk)
        assert (loan.schedule_version, loan.restructured_on) == (1, None)
        assert not Installment.objects.filter(loan=loan, version=2).exists()

    def test_a_payment_after_approval_counts_against_the_new_schedule(self, world):
        # Approved on the proposal day; the borrower pays 500.00 the next day, before the
        # acceptance is recorded and the schedule applied: the new schedule takes effect the day
        # after the proposal's date, so the payment is its first, early.
        proposal = accepted(world)
        PaymentFactory(loan=world.loan, paid_on=dt.date(2025, 5, 2), amount=D("500.00"))

        services.remedy_apply(
            proposal=proposal, user=world.users["agent_a1"], on=dt.date(2025, 5, 3)
        )

        loan = Loan.objects.get(pk=world.loan.pk)
        assessment = delinquency.assess(engine_loan(loan), dt.date(2025, 5, 10))
        first = assessment.installments[0]
        assert (loan.schedule_version, loan.restructured_on) == (2, dt.date(2025, 5, 2))
        assert first.unpaid_principal + first.unpaid_interest == D(
            proposal.chosen["schedule"][0]["payment"]
        ) - D("500.00")

    def test_the_case_page_labels_each_payment_with_the_schedule_it_paid(self, world):
        proposal = accepted(world)
        early = PaymentFactory(loan=world.loan, paid_on=dt.date(2025, 5, 2), amount=D("500.00"))
        services.remedy_apply(
            proposal=proposal, user=world.users["agent_a1"], on=dt.date(2025, 5, 3)
        )
        client = Client()
        client.force_login(world.users["agent_a1"])

        html = client.get(
            reverse("cases:detail", args=[world.case.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()

        # the 14 payments of the first schedule, and the one made after the remedy was agreed
        assert html.count('data-testid="payment-superseded"') == 14
        assert html.count('data-testid="payment-early"') == 1
        assert re.search(
            rf"2025-05-02 · 500.00 <span class=\"muted\">{early.channel}</span> "
            r'<span class="badge" data-testid="payment-early"',
            html,
        )


class TestReferral:
    """Income below spending and no recovery in sight: nothing fits, the borrower is referred."""

    def referral(self, world) -> RemedyProposal:
        broke = Affordability(
            income=(Line("income_benefits", D("5300.00")),),
            fixed_costs=(Line("fixed_home", D("6750.00")),),
        )
        return services.remedy_proposal_create(
            case=world.case, user=world.users["agent_a1"], as_of=AS_OF, affordability=broke
        )

    def test_the_referral_is_the_recommended_option_and_changes_no_schedule(self, world):
        proposal = self.referral(world)

        best = proposal.options[0]
        assert (best["remedy"], best["rank"], best["months"]) == ("referral", 1, 3)
        assert (best["schedule"], best["first_due"], best["installments"]) == ([], None, 0)
        assert best["title_zh"] == "转介困难帮扶，暂停催收3个月"

    def test_applying_it_pauses_collection_and_books_the_review(self, world):
        proposal = self.referral(world)
        services.remedy_propose(
            proposal=proposal, user=world.users["agent_a1"], option_key=proposal.options[0]["key"]
        )
        services.remedy_approve(proposal=proposal, user=world.users["manager_a"], reason="病中")
        services.remedy_accept(
            proposal=proposal,
            user=world.users["agent_a1"],
            accepted_on=dt.date(2025, 5, 2),
            channel=AcceptanceChannel.PHONE,
        )

        services.remedy_apply(
            proposal=proposal, user=world.users["agent_a1"], on=dt.date(2025, 5, 2)
        )

        proposal.refresh_from_db()
        world.case.refresh_from_db()
        world.loan.refresh_from_db()
        assert (proposal.status, proposal.new_version, proposal.tracking) == ("applied", None, "")
        assert (world.loan.schedule_version, world.loan.restructured_on) == (1, None)
        assert (world.case.status, world.case.hardship_hold) == (CaseStatus.REMEDY_ACTIVE, True)
        review = FollowUpTask.objects.get(case=world.case, kind=TaskKind.REMEDY_REVIEW)
        assert (review.due_on, review.assignee) == (dt.date(2025, 8, 2), world.users["agent_a1"])
