"""/api/v1/remedies: proposals (list, open from a case or a report, detail), the maker's choice,
approval and rejection, the borrower's acceptance, applying, withdrawing.

Every endpoint fetches through the same access helpers as the pages: another user's case or
proposal is 404. Refusals are ``{"detail", "code"}`` with status 400 (ApplicationError).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fieldvisit.apps.audit.services import request_ip
from fieldvisit.apps.cases.selectors import case_get_for_user
from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.remedies import services
from fieldvisit.apps.remedies.engine_io import (
    MonthlyTotals,
    affordability_from_report,
    affordability_from_totals,
)
from fieldvisit.apps.remedies.models import AcceptanceChannel, RemedyProposal
from fieldvisit.apps.remedies.selectors import proposal_get_for_user, proposals_for_user
from fieldvisit.apps.visits.selectors import report_get_for_user


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), **kwargs
    )


class ProposalRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    loan_no = serializers.CharField(source="loan.loan_no")
    report_id = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    as_of = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    maker = serializers.CharField(source="maker.username")
    checker = serializers.CharField(source="checker.username", allow_null=True, default=None)
    chosen_key = serializers.CharField()
    tracking = serializers.CharField()


class ProposalDetailSerializer(ProposalRowSerializer):
    claim = serializers.JSONField()
    affordability = serializers.JSONField()
    summary_zh = serializers.CharField()
    summary_en = serializers.CharField()
    legal_value = serializers.DecimalField(max_digits=14, decimal_places=2)
    options = serializers.JSONField()
    decision_reason = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    accepted_on = serializers.DateField(allow_null=True)
    acceptance_channel = serializers.CharField()
    signed_letter_sha256 = serializers.CharField()
    applied_on = serializers.DateField(allow_null=True)
    new_version = serializers.IntegerField(allow_null=True)


def _detail(proposal: RemedyProposal) -> Response:
    return Response(ProposalDetailSerializer(proposal).data)


class ProposalListApi(APIView):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "RemedyProposalCreateInput"

        case = serializers.IntegerField(required=False)
        report = serializers.IntegerField(required=False)
        income = _money(required=False)
        fixed_costs = _money(required=False, default=Decimal("0"))
        flexible_costs = _money(required=False, default=Decimal("0"))
        other_debts = _money(required=False, default=Decimal("0"))
        lump_sum = _money(required=False, default=Decimal("0"))

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if "report" not in attrs and "case" not in attrs:
                raise serializers.ValidationError("give a case or a visit report")
            if "report" not in attrs and "income" not in attrs:
                raise serializers.ValidationError({"income": "required without a visit report"})
            return attrs

    @extend_schema(responses=ProposalRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = (
            proposals_for_user(request.user)
            .select_related("loan", "maker", "checker")
            .order_by("-created_at", "-id")
        )
        status_filter = request.query_params.get("status")
        if status_filter:
            rows = rows.filter(status=status_filter)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(ProposalRowSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: ProposalDetailSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        lump_sum = values["lump_sum"].quantize(Decimal("0.01"))
        report = None
        if "report" in values:
            report = report_get_for_user(request.user, values["report"])
            case = case_get_for_user(request.user, report.visit.case_id)
            affordability = affordability_from_report(report, lump_sum)
        else:
            case = case_get_for_user(request.user, values["case"])
            affordability = affordability_from_totals(
                MonthlyTotals(
                    income=values["income"],
                    fixed_costs=values["fixed_costs"],
                    flexible_costs=values["flexible_costs"],
                    other_debts=values["other_debts"],
                ),
                lump_sum,
            )
        proposal = services.remedy_proposal_create(
            case=case,
            user=request.user,
            as_of=business_date(),
            affordability=affordability,
            report=report,
            ip=request_ip(request),
        )
        return Response(ProposalDetailSerializer(proposal).data, status=status.HTTP_201_CREATED)


class ProposalDetailApi(APIView):
    @extend_schema(responses=ProposalDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return _detail(proposal_get_for_user(request.user, pk))


class ProposalProposeApi(APIView):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "RemedyProposeInput"

        option = serializers.CharField(max_length=80)
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    @extend_schema(request=InputSerializer, responses=ProposalDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        proposal = proposal_get_for_user(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.remedy_propose(
            proposal=proposal,
            user=request.user,
            option_key=data.validated_data["option"],
            note=data.validated_data.get("note", ""),
            ip=request_ip(request),
        )
        return _detail(proposal)


class ProposalDecisionApi(APIView):
    """POST /approve/ or /reject/ (the URL names the decision)."""

    approve = True

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "RemedyDecisionInput"

        reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    @extend_schema(request=InputSerializer, responses=ProposalDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        proposal = proposal_get_for_user(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data.get("reason", "")
        decide = services.remedy_approve if self.approve else services.remedy_reject
        decide(proposal=proposal, user=request.user, reason=reason, ip=request_ip(request))
        return _detail(proposal)


class ProposalRejectApi(ProposalDecisionApi):
    approve = False


class ProposalAcceptApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "RemedyAcceptInput"

        accepted_on = serializers.DateField()
        channel = serializers.ChoiceField(choices=AcceptanceChannel.choices)
        signed_letter = serializers.FileField(required=False, allow_null=True)

    @extend_schema(request=InputSerializer, responses=ProposalDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        proposal = proposal_get_for_user(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.remedy_accept(
            proposal=proposal,
            user=request.user,
            accepted_on=values["accepted_on"],
            channel=values["channel"],
            signed_letter=values.get("signed_letter"),
            ip=request_ip(request),
        )
        return _detail(proposal)


class ProposalApplyApi(APIView):
    @extend_schema(request=None, responses=ProposalDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        proposal = proposal_get_for_user(request.user, pk)
        services.remedy_apply(
            proposal=proposal, user=request.user, on=business_date(), ip=request_ip(request)
        )
        return _detail(proposal)


class ProposalWithdrawApi(APIView):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "RemedyWithdrawInput"

        reason = serializers.CharField(max_length=2000)

    @extend_schema(request=InputSerializer, responses=ProposalDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        proposal = proposal_get_for_user(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.remedy_withdraw(
            proposal=proposal,
            user=request.user,
            reason=data.validated_data["reason"],
            ip=request_ip(request),
        )
        return _detail(proposal)
