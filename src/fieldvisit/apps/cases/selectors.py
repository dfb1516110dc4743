"""Reading cases: the one access choke point for cases, and the case list's filters.

``cases_for_user`` is the only way pages, the API and exports fetch cases; a case outside it is
answered with 404 (never 403, which would confirm it exists). Scopes, by role:

- administrator: every case;
- manager: the cases of their branch (a manager without a branch sees none: fail closed);
- team lead (whoever is ``Team.lead``, whatever the role): the cases assigned to their teams;
- agent: the cases assigned to them;
- legal officer: the cases of their branch in the ``legal`` status;
- trainer, analyst: no cases (analysts get aggregates without personal data elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.cases.models import CaseEvent, CaseStatus, CollectionCase, ContactAttempt
from fieldvisit.apps.organisation.models import Team


def led_team_ids(user: Any) -> list[int]:
    """The teams ``user`` leads (one query, remembered on the user object for the request)."""
    cached: list[int] | None = getattr(user, "_led_team_ids", None)
    if cached is None:
        cached = list(Team.objects.filter(lead_id=user.pk).values_list("pk", flat=True))
        user._led_team_ids = cached
    return cached


def case_scope(user: Any) -> Q | None:
    """The condition on ``CollectionCase`` rows ``user`` may see; ``None`` means every row.

    Conditions are on the case's own columns (no join), so the branch and agent indexes serve
    the list on a large book.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    role = user.role
    if user.is_superuser or role == Role.ADMIN:
        return None
    parts = []
    if role == Role.MANAGER and user.branch_id:
        parts.append(Q(branch_id=user.branch_id))
    elif role == Role.AGENT:
        parts.append(Q(agent_id=user.pk))
    elif role == Role.LEGAL and user.branch_id:
        parts.append(Q(branch_id=user.branch_id, status=CaseStatus.LEGAL))
    led = led_team_ids(user)
    if led:
        parts.append(Q(team_id__in=led))
    if not parts:
        return Q(pk__in=[])
    scope = parts[0]
    for part in parts[1:]:
        scope |= part
    return scope


def cases_for_user(user: Any) -> QuerySet[CollectionCase]:
    """Every case ``user`` may see (open and closed)."""
    scope = case_scope(user)
    cases = CollectionCase.objects.all()
    return cases if scope is None else cases.filter(scope)


def case_get_for_user(user: Any, pk: object) -> CollectionCase:
    """The case ``pk`` if ``user`` may see it, with loan, borrower, product, team and agent;
    :class:`~django.http.Http404` otherwise (also for a malformed id)."""
    try:
        return (
            cases_for_user(user)
            .select_related("loan__borrower", "loan__product", "branch", "team", "agent")
            .get(pk=int(str(pk)))
        )
    except (CollectionCase.DoesNotExist, ValueError) as exc:
        raise Http404("No such case") from exc


def case_may_assign(user: Any) -> bool:
    """Managers and administrators assign within their scope; team leads within their teams."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role in (Role.ADMIN, Role.MANAGER) or user.is_superuser or bool(led_team_ids(user))


def case_events(case: CollectionCase) -> QuerySet[CaseEvent]:
    return case.events.select_related("user").order_by("-at", "-id")


def case_contact_attempts(case: CollectionCase) -> QuerySet[ContactAttempt]:
    return case.contact_attempts.select_related("user", "override_by").order_by(
        "-attempted_at", "-id"
    )


@dataclass(frozen=True)
class CaseFilters:
    """The case list's filters; ``None`` / empty means "any". Amounts in yuan, DPD in days."""

    status: tuple[str, ...] = ()
    bucket: tuple[str, ...] = ()
    dpd_min: int | None = None
    dpd_max: int | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    product_id: int | None = None
    branch_id: int | None = None
    team_id: int | None = None
    agent_id: int | None = None
    unassigned: bool = False
    district: str = ""
    has_promise: bool | None = None
    vulnerable: bool | None = None
    open_only: bool = True
    sort: str = "-dpd"


# Sort keys the list offers; the id tie-break keeps pages stable.
SORTS: dict[str, tuple[str, ...]] = {
    "-dpd": ("-dpd", "id"),
    "dpd": ("dpd", "id"),
    "-amount_due": ("-amount_due", "id"),
    "amount_due": ("amount_due", "id"),
    "-opened_on": ("-opened_on", "-id"),
    "opened_on": ("opened_on", "id"),
    "status": ("status", "-dpd", "id"),
}


def cases_filter(cases: QuerySet[CollectionCase], filters: CaseFilters) -> QuerySet[CollectionCase]:
    """``cases`` narrowed by ``filters`` and sorted. "Has promise" means the case is in the
    promise-to-pay status (promise tracking arrives with the visits feature)."""
    conditions = Q()
    if filters.open_only:
        conditions &= Q(closed_on__isnull=True)
    if filters.status:
        conditions &= Q(status__in=filters.status)
    if filters.bucket:
        conditions &= Q(bucket__in=filters.bucket)
    if filters.dpd_min is not None:
        conditions &= Q(dpd__gte=filters.dpd_min)
    if filters.dpd_max is not None:
        conditions &= Q(dpd__lte=filters.dpd_max)
    if filters.amount_min is not None:
        conditions &= Q(amount_due__gte=filters.amount_min)
    if filters.amount_max is not None:
        conditions &= Q(amount_due__lte=filters.amount_max)
    if filters.product_id is not None:
        conditions &= Q(loan__product_id=filters.product_id)
    if filters.branch_id is not None:
        conditions &= Q(branch_id=filters.branch_id)
    if filters.team_id is not None:
        conditions &= Q(team_id=filters.team_id)
    if filters.agent_id is not None:
        conditions &= Q(agent_id=filters.agent_id)
    if filters.unassigned:
        conditions &= Q(agent__isnull=True)
    if filters.district:
        conditions &= Q(district=filters.district)
    if filters.has_promise is not None:
        promise = Q(status=CaseStatus.PROMISE_TO_PAY)
        conditions &= promise if filters.has_promise else ~promise
    if filters.vulnerable is not None:
        conditions &= Q(vulnerable=filters.vulnerable)
    order = SORTS.get(filters.sort, SORTS["-dpd"])
    return cases.filter(conditions).order_by(*order)


def case_list_rows(cases: QuerySet[CollectionCase]) -> QuerySet[CollectionCase]:
    """What one row of the list shows, joined in the same query (no query per row)."""
    return cases.select_related("loan__borrower", "loan__product", "branch", "team", "agent").only(
        "id",
        "status",
        "dpd",
        "bucket",
        "amount_due",
        "opened_on",
        "closed_on",
        "vulnerable",
        "hardship_hold",
        "district",
        "loan__loan_no",
        "loan__product__name",
        "loan__product__name_en",
        "loan__borrower__name",
        "loan__borrower__city",
        "loan__borrower__home_district",
        "branch__name",
        "team__name",
        "agent__username",
        "agent__display_name",
        "agent__first_name",
        "agent__last_name",
    )
