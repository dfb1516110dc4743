"""/api/v1/cases: the case list (same filters as the page), detail, assign, events, attempts.

Each endpoint fetches through the same access helpers as the pages: another user's case is 404.
Personal data leaves only masked; there is no reveal through the API.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fieldvisit.apps.audit.services import request_ip
from fieldvisit.apps.cases import services
from fieldvisit.apps.cases.forms import CaseFilterForm, agents_for, teams_for
from fieldvisit.apps.cases.models import ContactChannel, ContactOutcome, ContactTarget
from fieldvisit.apps.cases.pii import borrower_masked
from fieldvisit.apps.cases.selectors import (
    case_contact_attempts,
    case_events,
    case_get_for_user,
    case_list_rows,
    case_may_assign,
    cases_filter,
    cases_for_user,
    led_team_ids,
)
from fieldvisit.apps.cases.views import NO_CASE_ROLES


def _refuse_roles_without_cases(user: Any) -> None:
    if user.role in NO_CASE_ROLES and not led_team_ids(user):
        raise PermissionDenied


class CaseRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    loan_no = serializers.CharField(source="loan.loan_no")
    borrower_name = serializers.CharField(source="loan.borrower.name")
    district = serializers.CharField(source="loan.borrower.home_district")
    product = serializers.CharField(source="loan.product.name")
    branch = serializers.CharField(source="branch.name")
    status = serializers.CharField()
    dpd = serializers.IntegerField()
    bucket = serializers.CharField()
    amount_due = serializers.DecimalField(max_digits=14, decimal_places=2)
    team_id = serializers.IntegerField(allow_null=True)
    agent_id = serializers.IntegerField(allow_null=True)
    opened_on = serializers.DateField()
    closed_on = serializers.DateField(allow_null=True)
    vulnerable = serializers.BooleanField()
    hardship_hold = serializers.BooleanField()


CASE_FILTER_PARAMETERS = [
    OpenApiParameter("status", str, many=True),
    OpenApiParameter("bucket", str, many=True),
    OpenApiParameter("dpd_min", int),
    OpenApiParameter("dpd_max", int),
    OpenApiParameter("amount_min", str, description="yuan"),
    OpenApiParameter("amount_max", str, description="yuan"),
    OpenApiParameter("product", int),
    OpenApiParameter("branch", int),
    OpenApiParameter("team", int),
    OpenApiParameter("agent", int),
    OpenApiParameter("unassigned", bool),
    OpenApiParameter("district", str),
    OpenApiParameter("has_promise", str, enum=["yes", "no"]),
    OpenApiParameter("vulnerable", str, enum=["yes", "no"]),
    OpenApiParameter("include_closed", bool),
    OpenApiParameter("sort", str),
    OpenApiParameter("page", int),
]


class CaseListApi(APIView):
    @extend_schema(parameters=CASE_FILTER_PARAMETERS, responses=CaseRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        _refuse_roles_without_cases(request.user)
        form = CaseFilterForm(request.query_params, user=request.user)
        if request.query_params and not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        cases = case_list_rows(cases_filter(cases_for_user(request.user), form.filters()))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(cases, request, view=self)
        return paginator.get_paginated_response(CaseRowSerializer(page, many=True).data)


class CaseDetailApi(APIView):
    class OutputSerializer(CaseRowSerializer):
        class Meta:
            ref_name = "CaseDetailOutput"

        borrower_no = serializers.CharField(source="loan.borrower.borrower_no")
        id_number_masked = serializers.SerializerMethodField()
        phone_masked = serializers.SerializerMethodField()
        home_masked = serializers.SerializerMethodField()
        snapshot_as_of = serializers.DateField()

        def get_id_number_masked(self, case: Any) -> str:
            return borrower_masked(case.loan.borrower).id_number

        def get_phone_masked(self, case: Any) -> str:
            return borrower_masked(case.loan.borrower).phone

        def get_home_masked(self, case: Any) -> str:
            return borrower_masked(case.loan.borrower).home_address

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        case = case_get_for_user(request.user, pk)
        return Response(self.OutputSerializer(case).data)


class CaseAssignApi(APIView):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "CaseAssignInput"

        case_ids = serializers.ListField(child=serializers.IntegerField(), min_length=1)
        team = serializers.IntegerField(required=False, allow_null=True)
        agent = serializers.IntegerField(required=False, allow_null=True)
        reason = serializers.CharField(required=False, allow_blank=True, max_length=500)

    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "CaseAssignOutput"

        assigned = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        team = agent = None
        # Assignees outside the user's own choices are "not found", like cases.
        if values.get("team") is not None:
            team = teams_for(request.user).filter(pk=values["team"]).first()
            if team is None:
                raise ValidationError({"team": ["unknown team"]})
        if values.get("agent") is not None:
            agent = agents_for(request.user).filter(pk=values["agent"]).first()
            if agent is None:
                raise ValidationError({"agent": ["unknown agent"]})
        if not case_may_assign(request.user):
            raise PermissionDenied
        count = services.case_assign(
            actor=request.user,
            case_ids=values["case_ids"],
            team=team,
            agent=agent,
            reason=values.get("reason", ""),
            ip=request_ip(request),
        )
        return Response({"assigned": count})


class CaseEventsApi(APIView):
    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "CaseEventsOutput"

        id = serializers.IntegerField()
        at = serializers.DateTimeField()
        user = serializers.CharField(source="user.username", allow_null=True, default=None)
        kind = serializers.CharField()
        from_status = serializers.CharField()
        to_status = serializers.CharField()
        reason = serializers.CharField()

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        case = case_get_for_user(request.user, pk)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(case_events(case), request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)


class ContactAttemptOutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    attempted_at = serializers.DateTimeField()
    user = serializers.CharField(source="user.username")
    channel = serializers.CharField()
    target = serializers.CharField()
    outcome = serializers.CharField()
    visitors = serializers.IntegerField(allow_null=True)
    borrower_asked_visit = serializers.BooleanField()
    note = serializers.CharField()
    overridden_rules = serializers.ListField(child=serializers.CharField())
    override_reason = serializers.CharField()


class CaseContactAttemptsApi(APIView):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "CaseContactAttemptsInput"

        channel = serializers.ChoiceField(choices=ContactChannel.choices)
        target = serializers.ChoiceField(
            choices=ContactTarget.choices, default=ContactTarget.BORROWER
        )
        outcome = serializers.ChoiceField(choices=ContactOutcome.choices)
        attempted_at = serializers.DateTimeField(required=False, allow_null=True)
        contact_number = serializers.CharField(required=False, allow_blank=True, max_length=20)
        visitors = serializers.IntegerField(required=False, allow_null=True, min_value=1)
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
        borrower_requested_visit = serializers.BooleanField(default=False)
        override_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)

    @extend_schema(responses=ContactAttemptOutputSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        case = case_get_for_user(request.user, pk)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(case_contact_attempts(case), request, view=self)
        return paginator.get_paginated_response(
            ContactAttemptOutputSerializer(page, many=True).data
        )

    @extend_schema(request=InputSerializer, responses={201: ContactAttemptOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = case_get_for_user(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # ComplianceBlocked is an ApplicationError: 400 with code "compliance_blocked" and the
        # rule ids in "rules" (see fieldvisit.api.exceptions).
        attempt = services.contact_attempt_record(
            case=case, user=request.user, ip=request_ip(request), **data.validated_data
        )
        return Response(
            ContactAttemptOutputSerializer(attempt).data, status=status.HTTP_201_CREATED
        )
