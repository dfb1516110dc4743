"""Reading promises and tasks: the access choke point for both, and the task lists.

Scopes (tasks): an agent sees the tasks assigned to them; a team lead also every task on their
teams' cases; a manager every task on their branch's cases (the review tasks nobody holds
included); an administrator all. Promises are seen through their case (:func:`cases_for_user`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.cases.selectors import case_scope, cases_for_user, led_team_ids
from fieldvisit.apps.visits.models import FollowUpTask, PromiseToPay, TaskState


def tasks_for_user(user: Any) -> QuerySet[FollowUpTask]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return FollowUpTask.objects.none()
    if case_scope(user) is None:
        return FollowUpTask.objects.all()
    scope = Q(assignee_id=user.pk)
    led = led_team_ids(user)
    if led:
        scope |= Q(case__team_id__in=led)
    if user.role == Role.MANAGER and user.branch_id:
        scope |= Q(case__branch_id=user.branch_id)
    return FollowUpTask.objects.filter(scope)


def task_get_for_user(user: Any, pk: object) -> FollowUpTask:
    try:
        return tasks_for_user(user).select_related("case", "assignee").get(pk=int(str(pk)))
    except (FollowUpTask.DoesNotExist, ValueError) as exc:
        raise Http404("No such task") from exc


def may_manage_task(user: Any, task: FollowUpTask) -> bool:
    """The assignee closes their task; a lead or manager who sees it closes any."""
    if task.assignee_id == user.pk:
        return True
    if user.role == Role.AGENT and not led_team_ids(user):
        return False
    return tasks_for_user(user).filter(pk=task.pk).exists()


@dataclass(frozen=True)
class TaskList:
    """Open tasks split for the list: overdue (oldest first), due today, upcoming."""

    today: dt.date
    overdue: list[FollowUpTask]
    due_today: list[FollowUpTask]
    upcoming: list[FollowUpTask]

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.due_today) + len(self.upcoming)


def task_list(user: Any, today: dt.date, *, mine_only: bool = False, limit: int = 500) -> TaskList:
    """``user``'s open tasks, overdue first (one query)."""
    tasks = tasks_for_user(user).filter(state=TaskState.OPEN)
    if mine_only:
        tasks = tasks.filter(assignee_id=user.pk)
    rows = list(
        tasks.select_related("case__loan__borrower", "assignee").order_by("due_on", "id")[:limit]
    )
    return TaskList(
        today=today,
        overdue=[t for t in rows if t.due_on < today],
        due_today=[t for t in rows if t.due_on == today],
        upcoming=[t for t in rows if t.due_on > today],
    )


def promises_for_user(user: Any) -> QuerySet[PromiseToPay]:
    promises = PromiseToPay.objects.all()
    if case_scope(user) is None:
        return promises
    return promises.filter(case__in=cases_for_user(user).values("pk"))
