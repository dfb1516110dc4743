"""/api/v1/legal: legal cases (list, detail with the debt statement), a manager's decision, the
legal officer's stages. Same access helpers as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fieldvisit.apps.audit.services import request_ip
from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.legal import services
from fieldvisit.apps.legal.models import LegalCase
from fieldvisit.apps.legal.pack import debt_statement
from fieldvisit.apps.legal.selectors import legal_case_get_for_user, legal_cases_for_user
from fieldvisit.apps.legal.transitions import STAGES


class LegalRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    status = serializers.CharField()
    recommended_on = serializers.DateField()
    reasons_zh = serializers.CharField()
    reasons_en = serializers.CharField()
    court = serializers.CharField()
    docket_no = serializers.CharField()


class LegalDetailSerializer(LegalRowSerializer):
    facts = serializers.JSONField()
    decision_reason = serializers.CharField()
    entries = serializers.SerializerMethodField()
    debt = serializers.SerializerMethodField()

    def get_entries(self, legal: LegalCase) -> list[dict[str, Any]]:
        return [
            {
                "on": e.on.isoformat(),
                "to_status": e.to_status,
                "note": e.note,
                "document_sha256": e.document_sha256,
            }
            for e in legal.entries.order_by("on", "at", "id")
        ]

    def get_debt(self, legal: LegalCase) -> dict[str, str]:
        statement = debt_statement(legal.case.loan, self.context["as_of"])
        return {
            "as_of": statement.as_of.isoformat(),
            "overdue_principal": str(statement.overdue_principal),
            "overdue_interest": str(statement.overdue_interest),
            "penalty": str(statement.penalty),
            "compound": str(statement.compound),
            "total_due": str(statement.total_due),
            "principal_not_due": str(statement.principal_not_due),
            "total_claim": str(statement.total_claim),
        }


def _detail(legal: LegalCase) -> Response:
    return Response(LegalDetailSerializer(legal, context={"as_of": business_date()}).data)


class LegalListApi(APIView):
    @extend_schema(responses=LegalRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = legal_cases_for_user(request.user).order_by("-recommended_on", "-id")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(LegalRowSerializer(page, many=True).data)


class LegalDetailApi(APIView):
    @extend_schema(responses=LegalDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return _detail(legal_case_get_for_user(request.user, pk))


class LegalDecideApi(APIView):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "LegalDecideInput"

        approve = serializers.BooleanField()
        reason = serializers.CharField(max_length=2000)

    @extend_schema(request=InputSerializer, responses=LegalDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        legal = legal_case_get_for_user(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.legal_decide(
            legal=legal,
            user=request.user,
            approve=data.validated_data["approve"],
            reason=data.validated_data["reason"],
            on=business_date(),
            ip=request_ip(request),
        )
        return _detail(legal)


class LegalStageApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "LegalStageInput"

        to_status = serializers.ChoiceField(choices=[s.value for s in STAGES])
        on = serializers.DateField()
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
        court = serializers.CharField(required=False, allow_blank=True, max_length=100)
        docket_no = serializers.CharField(required=False, allow_blank=True, max_length=60)
        document = serializers.FileField(required=False, allow_null=True)

    @extend_schema(request=InputSerializer, responses=LegalDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        legal = legal_case_get_for_user(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.legal_advance(
            legal=legal,
            user=request.user,
            to_status=values["to_status"],
            on=values["on"],
            note=values.get("note", ""),
            document=values.get("document"),
            court=values.get("court", ""),
            docket_no=values.get("docket_no", ""),
            ip=request_ip(request),
        )
        return _detail(legal)
