"""Reading legal cases: the one access choke point.

- administrator: every legal case;
- legal officer: the legal cases of their branch, recommendations included (their queue shows
  what is coming; only a manager decides one); not the declined ones;
- manager: every legal case of their branch (recommendations included: they decide them);
- team lead, agent: the legal cases of the collection cases they see (read only);
- others: none.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.cases.selectors import case_scope, cases_for_user
from fieldvisit.apps.legal.models import LegalCase, LegalEntry, LegalStatus


def legal_cases_for_user(user: Any) -> QuerySet[LegalCase]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return LegalCase.objects.none()
    if case_scope(user) is None:
        return LegalCase.objects.all()
    if user.role == Role.LEGAL:
        if not user.branch_id:
            return LegalCase.objects.none()
        return LegalCase.objects.filter(case__branch_id=user.branch_id).exclude(
            status=LegalStatus.DECLINED
        )
    scope = Q(case__in=cases_for_user(user).values("pk"))
    if user.role == Role.MANAGER and user.branch_id:
        scope |= Q(case__branch_id=user.branch_id)
    return LegalCase.objects.filter(scope)


def legal_case_get_for_user(user: Any, pk: object) -> LegalCase:
    try:
        return (
            legal_cases_for_user(user)
            .select_related("case__loan__borrower", "case__loan__branch", "decided_by")
            .get(pk=int(str(pk)))
        )
    except (LegalCase.DoesNotExist, ValueError) as exc:
        raise Http404("No such legal case") from exc


def legal_entries(legal: LegalCase) -> QuerySet[LegalEntry]:
    return legal.entries.select_related("user").order_by("on", "at", "id")


def escalations_to_decide(user: Any) -> QuerySet[LegalCase]:
    """Recommendations waiting for a manager's decision, in ``user``'s scope, oldest first, with
    the case's loan and borrower."""
    return (
        legal_cases_for_user(user)
        .filter(status=LegalStatus.RECOMMENDED)
        .select_related("case__loan__borrower")
        .order_by("recommended_on", "id")
    )
