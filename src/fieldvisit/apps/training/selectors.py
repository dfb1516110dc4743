"""Reading training, certification and quality data: the access choke points and the selectors
the visit planner calls.

Staff scope (:func:`staff_scope`, on users), by role:

- administrator: every agent;
- trainer / QA: the agents of their branch, or every agent when they have no branch (training is
  usually a head-office function);
- manager: the agents of their branch (none without a branch: fail closed);
- team lead: the members of their teams;
- agent: themselves only;
- anyone else: nobody.

Nothing here returns a borrower's name, ID number or phone: pages show case numbers only.

For the planner: :func:`certified_agents` (course codes valid on a day), :func:`suspended_agents`,
:func:`agent_is_assignable` and :func:`assignability` (why an agent cannot be assigned).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.training.models import (
    AgentSuspension,
    Certification,
    Complaint,
    QAReview,
    Retraining,
    ReviewStatus,
    TrainingSession,
)
from fieldvisit.apps.training.requirements import Requirements, visit_requirements

MANAGE = "accounts.manage_training"
REMINDER_DAYS = 30


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _is_admin(user: Any) -> bool:
    return bool(user.is_superuser or user.role == Role.ADMIN)


def may_manage_training(user: Any) -> bool:
    """Trainers and administrators: sessions, results, QA draws and reviews."""
    return _authenticated(user) and bool(user.has_perm(MANAGE))


def may_view_training(user: Any) -> bool:
    """The trainer's and the manager's views (dashboard, agents, complaints)."""
    return _authenticated(user) and (
        may_manage_training(user) or user.role == Role.MANAGER or _is_admin(user)
    )


def may_record_complaint(user: Any) -> bool:
    return may_view_training(user)


def may_clear_suspension(user: Any) -> bool:
    """Only a manager (or an administrator) lifts a suspension."""
    return _authenticated(user) and (user.role == Role.MANAGER or _is_admin(user))


def staff_scope(user: Any) -> Q | None:
    """The condition on ``User`` rows (agents) ``user`` may see; ``None`` means every row."""
    if not _authenticated(user):
        return Q(pk__in=[])
    if _is_admin(user):
        return None
    scope = Q(team__lead_id=user.pk)
    if user.role == Role.TRAINER:
        if not user.branch_id:
            return None
        scope |= Q(branch_id=user.branch_id)
    elif user.role == Role.MANAGER and user.branch_id:
        scope |= Q(branch_id=user.branch_id)
    elif user.role == Role.AGENT:
        scope |= Q(pk=user.pk)
    return scope


def agents_for(user: Any) -> QuerySet[User]:
    """The active field agents ``user`` may see, by name."""
    agents = User.objects.filter(role=Role.AGENT, is_active=True)
    scope = staff_scope(user)
    if scope is not None:
        agents = agents.filter(scope)
    return agents.select_related("team", "branch").order_by("display_name", "username")


def agent_get_for_user(user: Any, pk: object) -> User:
    """The agent ``pk`` if ``user`` may see them; 404 otherwise (also for a malformed id)."""
    try:
        return agents_for(user).get(pk=int(str(pk)))
    except (User.DoesNotExist, ValueError) as exc:
        raise Http404("No such agent") from exc


def sessions_for(user: Any) -> QuerySet[TrainingSession]:
    """Training sessions: all for trainers and administrators; managers see those with an
    attendee in their scope; others none."""
    sessions = TrainingSession.objects.select_related("course", "trainer")
    if may_manage_training(user):
        return sessions
    if may_view_training(user):
        return sessions.filter(attendees__agent__in=agents_for(user)).distinct()
    return sessions.none()


def session_get_for_user(user: Any, pk: object) -> TrainingSession:
    try:
        return sessions_for(user).get(pk=int(str(pk)))
    except (TrainingSession.DoesNotExist, ValueError) as exc:
        raise Http404("No such session") from exc


# --- the planner's selectors ------------------------------------------------------------------


def certified_agents(
    on_date: dt.date, agent_ids: Iterable[int] | None = None
) -> dict[int, set[str]]:
    """``{agent_id: course codes}`` of the certifications valid on ``on_date``
    (``passed_on ≤ on_date < expires_on``). Agents with none are absent."""
    rows = Certification.objects.filter(passed_on__lte=on_date, expires_on__gt=on_date)
    if agent_ids is not None:
        rows = rows.filter(agent_id__in=list(agent_ids))
    out: dict[int, set[str]] = defaultdict(set)
    for agent_id, code in rows.values_list("agent_id", "course__code"):
        out[agent_id].add(code)
    return dict(out)


def suspended_agents(
    on_date: dt.date, agent_ids: Iterable[int] | None = None
) -> dict[int, AgentSuspension]:
    """``{agent_id: suspension}`` for agents suspended on ``on_date`` (started on or before it,
    not cleared by then)."""
    rows = AgentSuspension.objects.filter(started_on__lte=on_date).filter(
        Q(cleared_on__isnull=True) | Q(cleared_on__gt=on_date)
    )
    if agent_ids is not None:
        rows = rows.filter(agent_id__in=list(agent_ids))
    return {s.agent_id: s for s in rows.order_by("started_on")}


def agent_is_assignable(agent: Any, on_date: dt.date) -> bool:
    """False when the agent is inactive or suspended on ``on_date``. Certificates are checked
    per visit purpose by the planner (:func:`assignability` gives both)."""
    if not getattr(agent, "is_active", True):
        return False
    return not AgentSuspension.objects.filter(
        Q(cleared_on__isnull=True) | Q(cleared_on__gt=on_date),
        agent_id=agent.pk,
        started_on__lte=on_date,
    ).exists()


@dataclass(frozen=True)
class Assignability:
    """Whether an agent may be sent on a visit on a day, and for which purposes; ``why_*`` says
    why not (suspension first, then missing or lapsed certificates)."""

    agent_id: int
    suspended_since: dt.date | None
    codes: frozenset[str]
    purposes: tuple[str, ...]
    why_zh: tuple[str, ...] = field(default=())
    why_en: tuple[str, ...] = field(default=())

    @property
    def assignable(self) -> bool:
        return self.suspended_since is None and bool(self.purposes)


def assignability(
    agent_ids: Iterable[int], on_date: dt.date, requirements: Requirements | None = None
) -> dict[int, Assignability]:
    """Per agent: suspension, valid course codes, the purposes they are certified for, and why
    they cannot be assigned (three queries whatever the number of agents)."""
    ids = list(agent_ids)
    req = requirements or visit_requirements()
    valid = certified_agents(on_date, ids)
    suspended = suspended_agents(on_date, ids)
    lapsed: dict[tuple[int, str], dt.date] = {}
    for agent_id, code, expires_on in Certification.objects.filter(
        agent_id__in=ids, expires_on__lte=on_date
    ).values_list("agent_id", "course__code", "expires_on"):
        for name in req.names([code]):
            if expires_on > lapsed.get((agent_id, name), dt.date.min):
                lapsed[(agent_id, name)] = expires_on
    out: dict[int, Assignability] = {}
    for agent_id in ids:
        codes = frozenset(valid.get(agent_id, set()))
        purposes = tuple(req.purposes_covered(codes))
        zh: list[str] = []
        en: list[str] = []
        suspension = suspended.get(agent_id)
        if suspension is not None:
            zh.append(f"自 {suspension.started_on} 起停止外访（投诉待主管处理）。")
            en.append(f"Suspended from field visits since {suspension.started_on}.")
        if not purposes:
            held = req.names(codes)
            for name in sorted(req.all_names - held):
                expired = lapsed.get((agent_id, name))
                if expired:
                    zh.append(f"「{name}」证书已于 {expired} 过期。")
                    en.append(f"The {name} certificate expired on {expired}.")
                else:
                    zh.append(f"没有「{name}」证书。")
                    en.append(f"No {name} certificate.")
        out[agent_id] = Assignability(
            agent_id=agent_id,
            suspended_since=suspension.started_on if suspension else None,
            codes=codes,
            purposes=purposes,
            why_zh=tuple(zh),
            why_en=tuple(en),
        )
    return out


# --- the trainer's and the manager's views ----------------------------------------------------


def expiring_certifications(
    agents: QuerySet[User], on_date: dt.date, days: int = REMINDER_DAYS
) -> list[Certification]:
    """Certifications valid on ``on_date`` that expire within ``days`` days and have not been
    renewed (no other certificate of the same course valid past them), soonest first."""
    horizon = on_date + dt.timedelta(days=days)
    soon = list(
        Certification.objects.filter(
            agent__in=agents,
            passed_on__lte=on_date,
            expires_on__gt=on_date,
            expires_on__lte=horizon,
        )
        .select_related("agent", "course")
        .order_by("expires_on", "agent_id")
    )
    if not soon:
        return []
    later = set(
        Certification.objects.filter(
            agent_id__in={c.agent_id for c in soon}, expires_on__gt=horizon
        ).values_list("agent_id", "course_id")
    )
    return [c for c in soon if (c.agent_id, c.course_id) not in later]


@dataclass(frozen=True)
class CertifiedShare:
    agents: int
    certified: int
    suspended: int

    @property
    def percent(self) -> Decimal:
        if not self.agents:
            return Decimal(0)
        return (Decimal(100) * self.certified / self.agents).quantize(Decimal("0.1"))


def certified_share(agents: QuerySet[User], on_date: dt.date) -> CertifiedShare:
    """Field agents certified for at least one visit purpose on ``on_date`` and not suspended."""
    ids = list(agents.values_list("pk", flat=True))
    rows = assignability(ids, on_date)
    return CertifiedShare(
        agents=len(ids),
        certified=sum(1 for a in rows.values() if a.assignable),
        suspended=sum(1 for a in rows.values() if a.suspended_since is not None),
    )


def suspensions_open(agents: QuerySet[User]) -> QuerySet[AgentSuspension]:
    return (
        AgentSuspension.objects.filter(agent__in=agents, cleared_on__isnull=True)
        .select_related("agent", "complaint")
        .order_by("started_on", "id")
    )


def retrainings_open(agents: QuerySet[User]) -> QuerySet[Retraining]:
    return (
        Retraining.objects.filter(agent__in=agents, completed_on__isnull=True)
        .select_related("agent", "course")
        .order_by("raised_on", "id")
    )


def complaints_for(user: Any) -> QuerySet[Complaint]:
    return (
        Complaint.objects.filter(agent__in=agents_for(user))
        .select_related("agent", "recorded_by")
        .order_by("-received_on", "-id")
    )


def complaints_by_type(complaints: QuerySet[Complaint], since: dt.date) -> list[dict[str, Any]]:
    """Complaints received on or after ``since``, counted per (type, severity)."""
    counts: Counter[tuple[str, str]] = Counter(
        complaints.filter(received_on__gte=since).values_list("category", "severity")
    )
    return [
        {"category": category, "severity": severity, "count": n}
        for (category, severity), n in sorted(counts.items())
    ]


def reviews_for(user: Any) -> QuerySet[QAReview]:
    return QAReview.objects.filter(agent__in=agents_for(user)).select_related("agent", "reviewer")


def review_get_for_user(user: Any, pk: object) -> QAReview:
    try:
        return reviews_for(user).get(pk=int(str(pk)))
    except (QAReview.DoesNotExist, ValueError) as exc:
        raise Http404("No such review") from exc


def qa_trend(reviews: QuerySet[QAReview]) -> list[dict[str, Any]]:
    """Average QA score (0–100) and reviews done, per agent per month, oldest month first."""
    rows = (
        reviews.filter(status=ReviewStatus.DONE)
        .values("agent_id", "agent__display_name", "agent__username", "month")
        .annotate(average=Avg("score"), reviews=Count("id"))
        .order_by("agent__display_name", "agent_id", "month")
    )
    return [
        {
            "agent_id": r["agent_id"],
            "agent": r["agent__display_name"] or r["agent__username"],
            "month": r["month"],
            "average": Decimal(str(r["average"])).quantize(Decimal("0.1")),
            "reviews": r["reviews"],
        }
        for r in rows
    ]
