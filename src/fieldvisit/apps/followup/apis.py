"""/api/v1/followup: promises to pay (read) and the task list (overdue first), closing a task."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fieldvisit.apps.audit.services import request_ip
from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.followup.selectors import promises_for_user, task_get_for_user, task_list
from fieldvisit.apps.followup.services import task_set_state
from fieldvisit.apps.visits.models import TaskState


class PromiseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    report_id = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    due_on = serializers.DateField()
    status = serializers.CharField()


class TaskSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    kind = serializers.CharField()
    due_on = serializers.DateField()
    assignee = serializers.CharField(source="assignee.username", allow_null=True, default=None)
    state = serializers.CharField()
    note = serializers.CharField()
    overdue = serializers.SerializerMethodField()

    def get_overdue(self, task: object) -> bool:
        return bool(task.due_on < self.context["today"])  # type: ignore[attr-defined]


class PromiseListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("status", str), OpenApiParameter("case", int)],
        responses=PromiseSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = promises_for_user(request.user).order_by("-due_on", "-id")
        if request.query_params.get("status"):
            rows = rows.filter(status=request.query_params["status"])
        if (request.query_params.get("case") or "").isdigit():
            rows = rows.filter(case_id=int(request.query_params["case"]))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(PromiseSerializer(page, many=True).data)


class TaskListApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("mine", bool)], responses=TaskSerializer(many=True))
    def get(self, request: Request) -> Response:
        today = business_date()
        listing = task_list(
            request.user, today, mine_only=request.query_params.get("mine") in ("1", "true")
        )
        rows = [*listing.overdue, *listing.due_today, *listing.upcoming]
        return Response(TaskSerializer(rows, many=True, context={"today": today}).data)


class TaskCloseApi(APIView):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "TaskCloseInput"

        state = serializers.ChoiceField(
            choices=[TaskState.DONE.value, TaskState.CANCELLED.value], default=TaskState.DONE
        )

    @extend_schema(request=InputSerializer, responses=TaskSerializer)
    def post(self, request: Request, pk: int) -> Response:
        task = task_get_for_user(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task_set_state(
            task=task, user=request.user, state=data.validated_data["state"], ip=request_ip(request)
        )
        return Response(TaskSerializer(task, context={"today": business_date()}).data)
