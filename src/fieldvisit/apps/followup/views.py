"""The task list (overdue first) for agents, team leads and managers, and closing a task."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_POST

from fieldvisit.apps.audit.services import request_ip
from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.followup.selectors import task_get_for_user, task_list
from fieldvisit.apps.followup.services import task_set_state
from fieldvisit.apps.visits.models import TaskState


@login_required
@require_GET
def tasks(request: HttpRequest) -> HttpResponse:
    mine = request.GET.get("mine") == "1"
    listing = task_list(request.user, business_date(), mine_only=mine)
    return render(request, "followup/tasks.html", {"tasks": listing, "mine": mine})


@login_required
@require_POST
def task_close(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_get_for_user(request.user, pk)
    state = TaskState.CANCELLED if request.POST.get("state") == "cancelled" else TaskState.DONE
    try:
        task_set_state(task=task, user=request.user, state=state, ip=request_ip(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _t("Task closed."))
    return redirect("followup:tasks")
