"""Reading remedy proposals: the one access choke point for them.

A user sees a proposal when they see its case (:func:`cases_for_user`); anything else is a 404.
Checkers find what waits for them with :func:`proposals_awaiting`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from fieldvisit.apps.cases.selectors import case_scope, cases_for_user
from fieldvisit.apps.remedies.models import RemedyEvent, RemedyProposal, RemedyStatus


def proposals_for_user(user: Any) -> QuerySet[RemedyProposal]:
    proposals = RemedyProposal.objects.all()
    if case_scope(user) is None:
        return proposals
    return proposals.filter(case__in=cases_for_user(user).values("pk"))


def proposal_get_for_user(user: Any, pk: object) -> RemedyProposal:
    """The proposal ``pk`` if ``user`` may see its case, with case, loan, borrower, maker and
    checker loaded; :class:`~django.http.Http404` otherwise (also for a malformed id)."""
    try:
        return (
            proposals_for_user(user)
            .select_related("case__loan__borrower", "loan", "maker", "checker", "report")
            .get(pk=int(str(pk)))
        )
    except (RemedyProposal.DoesNotExist, ValueError) as exc:
        raise Http404("No such proposal") from exc


def proposals_awaiting(user: Any) -> QuerySet[RemedyProposal]:
    """Proposals waiting for a checker, in ``user``'s scope, not made by ``user``, oldest first."""
    return (
        proposals_for_user(user)
        .filter(status=RemedyStatus.PROPOSED)
        .exclude(maker=user)
        .select_related("case__loan__borrower", "maker")
        .order_by("updated_at", "id")
    )


def proposals_of_case(case: Any) -> QuerySet[RemedyProposal]:
    return (
        RemedyProposal.objects.filter(case=case)
        .select_related("maker", "checker")
        .order_by("-created_at", "-id")
    )


def proposal_events(proposal: RemedyProposal) -> QuerySet[RemedyEvent]:
    return proposal.events.select_related("user").order_by("at", "id")
