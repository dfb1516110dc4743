"""/api/v1/plans: list, detail, approve; a plan's stops moved and removed.

Each endpoint fetches through the same access helpers as the pages: a plan outside the user's
scope is 404. Refusals use the API's one error shape, with the rule ids in ``rules``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fieldvisit.apps.audit.services import request_ip
from fieldvisit.apps.planning import services
from fieldvisit.apps.planning.checks import plan_routes
from fieldvisit.apps.planning.models import PlanRoute
from fieldvisit.apps.planning.selectors import (
    may_plan,
    plan_get_for_user,
    plans_for_user,
    stop_get_for_user,
)


def _require_planner(user: Any) -> None:
    if not may_plan(user):
        raise PermissionDenied


class PlanRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    date = serializers.DateField()
    branch = serializers.CharField(source="branch.code", allow_null=True, default=None)
    status = serializers.CharField()
    strategy_version = serializers.IntegerField(source="strategy.version")
    visits_planned = serializers.IntegerField()
    prize = serializers.DecimalField(max_digits=14, decimal_places=2)
    distance_km = serializers.DecimalField(max_digits=10, decimal_places=1)
    hours = serializers.DecimalField(max_digits=8, decimal_places=2)
    solve_seconds = serializers.FloatField()
    solved_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    findings = serializers.ListField(child=serializers.DictField())


class StopSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    order = serializers.IntegerField()
    arrival = serializers.DateTimeField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    window_start = serializers.DateTimeField()
    window_end = serializers.DateTimeField()
    purpose = serializers.CharField()
    rule_id = serializers.CharField()
    priority = serializers.DecimalField(max_digits=14, decimal_places=2)
    explanation_zh = serializers.CharField()
    explanation_en = serializers.CharField()
    brief_zh = serializers.CharField()
    brief_en = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()


class RouteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    team = serializers.CharField(source="team.code")
    available = serializers.BooleanField()
    notes_zh = serializers.CharField()
    notes_en = serializers.CharField()
    departure = serializers.DateTimeField(allow_null=True)
    return_at = serializers.DateTimeField(allow_null=True)
    distance_metres = serializers.IntegerField()
    members = serializers.SerializerMethodField()
    stops = serializers.SerializerMethodField()

    def get_members(self, route: PlanRoute) -> list[int]:
        return [m.pk for m in route.members.all()]

    @extend_schema(responses=StopSerializer(many=True))
    def get_stops(self, route: PlanRoute) -> Any:
        return StopSerializer(route.stops.all(), many=True).data


class LeftOutSerializer(serializers.Serializer):  # type: ignore[type-arg]
    case = serializers.IntegerField(source="case_id")
    reason = serializers.CharField()
    rule_id = serializers.CharField()
    purpose = serializers.CharField()
    priority = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    detail_zh = serializers.CharField()
    detail_en = serializers.CharField()


class PlanDetailSerializer(PlanRowSerializer):
    routes = RouteSerializer(many=True)
    left_out = LeftOutSerializer(many=True)


def _detail(plan: Any) -> Any:
    data = PlanRowSerializer(plan).data
    data["routes"] = RouteSerializer(plan_routes(plan), many=True).data
    data["left_out"] = LeftOutSerializer(plan.left_out.all(), many=True).data
    return data


class PlanListApi(APIView):
    @extend_schema(responses=PlanRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        _require_planner(request.user)
        plans = plans_for_user(request.user).order_by("-date", "-id")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(plans, request, view=self)
        return paginator.get_paginated_response(PlanRowSerializer(page, many=True).data)


class PlanDetailApi(APIView):
    @extend_schema(responses=PlanDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        _require_planner(request.user)
        return Response(_detail(plan_get_for_user(request.user, pk)))


class PlanApproveApi(APIView):
    @extend_schema(request=None, responses=PlanRowSerializer)
    def post(self, request: Request, pk: int) -> Response:
        _require_planner(request.user)
        plan = plan_get_for_user(request.user, pk)
        plan = services.plan_approve(plan=plan, user=request.user, ip=request_ip(request))
        return Response(PlanRowSerializer(plan).data)


class StopMoveApi(APIView):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        team = serializers.CharField(help_text="The code of the team to move the visit to.")

        class Meta:
            ref_name = "PlanStopMoveInput"

    @extend_schema(request=InputSerializer, responses=PlanRowSerializer)
    def post(self, request: Request, pk: int) -> Response:
        _require_planner(request.user)
        stop = stop_get_for_user(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = PlanRoute.objects.filter(
            plan_id=stop.route.plan_id, team__code=data.validated_data["team"]
        ).first()
        if target is None:
            raise ValidationError({"team": ["no route of this team in the plan"]})
        plan = services.plan_move_stop(
            stop=stop, to_route=target, user=request.user, ip=request_ip(request)
        )
        return Response(PlanRowSerializer(plan).data)


class StopRemoveApi(APIView):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        reason = serializers.CharField(required=False, allow_blank=True, max_length=300)

        class Meta:
            ref_name = "PlanStopRemoveInput"

    @extend_schema(request=InputSerializer, responses=PlanRowSerializer)
    def post(self, request: Request, pk: int) -> Response:
        _require_planner(request.user)
        stop = stop_get_for_user(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_remove_stop(
            stop=stop,
            user=request.user,
            reason=data.validated_data.get("reason", ""),
            ip=request_ip(request),
        )
        return Response(PlanRowSerializer(plan).data)
