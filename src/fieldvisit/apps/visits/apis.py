"""/api/v1/visits: today's visits, a visit with its brief, check-in, check-out, the report
(idempotent on the client's id), amendments, the report feed and the user's open tasks.

Every endpoint fetches through the same access helpers as the pages: a visit or report outside
the user's scope is 404. Validation errors come back per field:
``{"detail": {"promise_date": ["The promise date is in the past."]}, "code": "invalid"}``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, cast

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.audit.services import request_ip
from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.visits import services
from fieldvisit.apps.visits.brief import visit_brief
from fieldvisit.apps.visits.inputs import AmendInput, CheckInInput, ReportInput
from fieldvisit.apps.visits.models import CheckIn, FollowUpTask, HeldKind, TaskState
from fieldvisit.apps.visits.reassignment import SubmissionHeld, submission_hold
from fieldvisit.apps.visits.selectors import (
    report_feed,
    report_get_for_user,
    visit_current_report,
    visit_for_submission,
    visit_get_for_user,
    visits_on,
)
from fieldvisit.apps.visits.services import Position
from fieldvisit.apps.visits.uploads import PhotoRejected, check_photo
from fieldvisit.apps.visits.views import map_links, on_team


class VisitRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    team_id = serializers.IntegerField()
    date = serializers.DateField()
    order = serializers.IntegerField()
    window_start = serializers.DateTimeField()
    window_end = serializers.DateTimeField()
    purpose = serializers.CharField()
    rule_id = serializers.CharField()
    status = serializers.CharField()
    borrower_name = serializers.CharField(source="case.loan.borrower.name")
    district = serializers.CharField(source="case.loan.borrower.home_district")
    amount_due = serializers.DecimalField(source="case.amount_due", max_digits=14, decimal_places=2)
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    travel_metres = serializers.IntegerField()
    map_links = serializers.SerializerMethodField()

    def get_map_links(self, visit: Any) -> dict[str, str]:
        return map_links(visit)


class ReportOutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    visit_id = serializers.IntegerField()
    amends_id = serializers.IntegerField(allow_null=True)
    client_generated_id = serializers.UUIDField()
    submitted_at = serializers.DateTimeField()
    submitted_by_id = serializers.IntegerField()
    outcome = serializers.CharField()
    causes = serializers.ListField(child=serializers.CharField())
    state_of_mind = serializers.CharField()
    total_income = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_fixed_costs = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_flexible_costs = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_other_debts = serializers.DecimalField(max_digits=14, decimal_places=2)
    disposable_income = serializers.DecimalField(max_digits=14, decimal_places=2)
    promise_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    promise_date = serializers.DateField(allow_null=True)
    remedy_requested = serializers.CharField()
    next_step = serializers.CharField()
    borrower_asked_visit = serializers.BooleanField()
    borrower_words = serializers.CharField()
    amendment_reason = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, report: Any) -> str:
        return reverse("visits:report_detail", args=[report.pk])


class HeldSerializer(serializers.Serializer):  # type: ignore[type-arg]
    detail = serializers.CharField()
    code = serializers.CharField()
    held_id = serializers.IntegerField()


def _invalid(errors: Any) -> ValidationError:
    return ValidationError(errors)


class VisitsTodayApi(APIView):
    @extend_schema(responses=VisitRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        day = business_date()
        if request.user.role == Role.AGENT:  # type: ignore[union-attr]
            services.visits_from_approved_plan(user=request.user, day=day)
        return Response(VisitRowSerializer(visits_on(request.user, day), many=True).data)


class VisitDetailApi(APIView):
    class OutputSerializer(VisitRowSerializer):
        class Meta:
            ref_name = "VisitDetailOutput"

        checked_in_at = serializers.DateTimeField(allow_null=True)
        checked_out_at = serializers.DateTimeField(allow_null=True)
        duration_seconds = serializers.IntegerField(allow_null=True)
        brief = serializers.SerializerMethodField()
        report_id = serializers.SerializerMethodField()

        def get_brief(self, visit: Any) -> dict[str, Any]:
            brief = visit_brief(visit, business_date())
            owed = brief.owed
            return {
                "why": brief.why,
                "brief": brief.brief,
                "purpose": brief.purpose,
                "rule_id": brief.rule_id,
                "owed": None
                if owed is None
                else {
                    "as_of": owed.as_of.isoformat(),
                    "dpd": owed.dpd,
                    "bucket": owed.bucket,
                    "overdue_principal": str(owed.overdue_principal),
                    "overdue_interest": str(owed.overdue_interest),
                    "penalty_interest": str(owed.penalty_interest),
                    "compound_interest": str(owed.compound_interest),
                    "total_due": str(owed.total_due),
                },
                "hardship_causes": brief.hardship_causes,
                "flags": brief.flags,
                "history": {
                    "reports": [r.pk for r in brief.history["reports"]],
                    "promises": [
                        {
                            "amount": str(p.amount),
                            "due_on": p.due_on.isoformat(),
                            "status": p.status,
                        }
                        for p in brief.history["promises"]
                    ],
                    "contacts": [
                        {
                            "at": c.attempted_at.isoformat(),
                            "channel": c.channel,
                            "outcome": c.outcome,
                        }
                        for c in brief.history["contacts"]
                    ],
                },
                "guide": brief.guide,
            }

        def get_report_id(self, visit: Any) -> int | None:
            report = visit_current_report(visit)
            return report.pk if report else None

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        visit = visit_get_for_user(request.user, pk)
        return Response(self.OutputSerializer(visit).data)


class VisitCheckInApi(APIView):
    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "CheckInOutput"

        client_generated_id = serializers.UUIDField(allow_null=True)
        at = serializers.DateTimeField()
        device_at = serializers.DateTimeField(allow_null=True)
        occurred_at = serializers.DateTimeField()
        distance_m = serializers.IntegerField(allow_null=True)
        accuracy_m = serializers.FloatField(allow_null=True)
        at_address = serializers.BooleanField()
        problems = serializers.ListField(child=serializers.CharField())
        flags = serializers.ListField(child=serializers.CharField())
        speed_kmh = serializers.FloatField(allow_null=True)
        reason = serializers.CharField()

    @extend_schema(
        request=CheckInInput,
        responses={201: OutputSerializer, 200: OutputSerializer, 409: HeldSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        """201 with the check-in; 200 with the same one when its client id was seen before;
        409 when the visit was reassigned away from the sender's team meanwhile (kept)."""
        visit, reassigned = visit_for_submission(request.user, pk)
        form = CheckInInput(data=request.data)
        if not form.is_valid():
            raise _invalid(form.errors)
        data = form.validated_data
        client_id = data.get("client_id")
        if reassigned:
            return _held(
                submission_hold(
                    visit=visit,
                    user=request.user,
                    kind=HeldKind.CHECK_IN,
                    client_id=client_id or uuid.uuid4(),
                    data=cast("Mapping[str, Any]", request.data),
                    device_at=data.get("device_at"),
                    ip=request_ip(request),
                )
            )
        seen = (
            client_id is not None and CheckIn.objects.filter(client_generated_id=client_id).exists()
        )
        check_in = services.visit_check_in(
            visit=visit,
            user=request.user,
            position=Position(data.get("latitude"), data.get("longitude"), data.get("accuracy")),
            reason=data.get("reason", ""),
            device_at=data.get("device_at"),
            client_id=client_id,
            queued=data.get("queued", False),
            ip=request_ip(request),
        )
        return Response(
            self.OutputSerializer(check_in).data,
            status=status.HTTP_200_OK if seen else status.HTTP_201_CREATED,
        )


class VisitCheckOutApi(APIView):
    @extend_schema(request=None, responses=VisitRowSerializer)
    def post(self, request: Request, pk: int) -> Response:
        visit = visit_get_for_user(request.user, pk)
        services.visit_check_out(visit=visit, user=request.user, ip=request_ip(request))
        return Response(VisitRowSerializer(visit).data)


def _held(held: SubmissionHeld) -> Response:
    return Response(
        {"detail": str(held.message), "code": held.code, **held.extra},
        status=status.HTTP_409_CONFLICT,
    )


def _client_id(data: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(data.get("client_id", "")))
    except ValueError:
        return None


def _submitted(result: services.Submitted) -> Response:
    data = dict(ReportOutputSerializer(result.report).data)
    data["referrals"] = services.crisis_referrals() if result.referral else []
    return Response(data, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class VisitReportSubmitApi(APIView):
    """201 with the new report; 200 with the same report when its client id was seen before
    (whatever the fields say now: a resend after a lost answer is answered, not re-judged);
    409 when the visit was reassigned away from the sender's team meanwhile (kept for the
    manager, not filed)."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request=ReportInput,
        responses={201: ReportOutputSerializer, 200: ReportOutputSerializer, 409: HeldSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        visit, reassigned = visit_for_submission(request.user, pk)
        client_id = _client_id(request.data)
        if client_id is not None:
            filed = services.report_by_client_id(visit=visit, client_id=client_id)
            if filed is not None:
                return _submitted(services.Submitted(filed, False, False))
        if reassigned:
            if client_id is None:
                raise _invalid({"client_id": [_("Missing client id.")]})
            photos = []
            for upload in request.FILES.getlist("photos"):
                try:
                    photos.append(check_photo(upload))
                except PhotoRejected:
                    continue
            return _held(
                submission_hold(
                    visit=visit,
                    user=request.user,
                    kind=HeldKind.REPORT,
                    client_id=client_id,
                    data=cast("Mapping[str, Any]", request.data),
                    photos=photos,
                    ip=request_ip(request),
                )
            )
        form = ReportInput(data=request.data)
        if not form.is_valid():
            raise _invalid(form.errors)
        result = services.visit_report_submit(
            visit=visit, user=request.user, ip=request_ip(request), **form.to_service()
        )
        return _submitted(result)


class ReportAmendApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request=AmendInput, responses={201: ReportOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        report = report_get_for_user(request.user, pk)
        if not on_team(request.user, report.visit):
            raise PermissionDenied
        form = AmendInput(data=request.data, context={"visit_date": report.visit.date})
        if not form.is_valid():
            raise _invalid(form.errors)
        data = form.to_service()
        reason = data["fields"].pop("amendment_reason")
        result = services.visit_report_amend(
            original=report, user=request.user, reason=reason, ip=request_ip(request), **data
        )
        return _submitted(result)


class ReportDetailApi(APIView):
    @extend_schema(responses=ReportOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ReportOutputSerializer(report_get_for_user(request.user, pk)).data)


class ReportFeedApi(APIView):
    @extend_schema(responses=ReportOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(ReportOutputSerializer(report_feed(request.user), many=True).data)


class MyTasksApi(APIView):
    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "MyTaskOutput"

        id = serializers.IntegerField()
        case_id = serializers.IntegerField()
        report_id = serializers.IntegerField(allow_null=True)
        kind = serializers.CharField()
        due_on = serializers.DateField()
        state = serializers.CharField()
        note = serializers.CharField()

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        tasks = FollowUpTask.objects.filter(
            assignee_id=request.user.pk, state=TaskState.OPEN
        ).order_by("due_on", "id")
        return Response(self.OutputSerializer(tasks, many=True).data)
