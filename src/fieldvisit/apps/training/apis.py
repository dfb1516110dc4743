"""/api/v1/training: courses, sessions and results, certifications and assignability, complaints
and suspensions, QA draws and reviews, the dashboard summary.

Same access rules as the pages (:mod:`.selectors`): out-of-scope objects are 404, forbidden
actions 403. No borrower identity leaves: cases appear by number only.
"""

from __future__ import annotations

import datetime as dt
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
from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.training import services
from fieldvisit.apps.training.forms import ComplaintForm
from fieldvisit.apps.training.models import (
    AgentSuspension,
    Certification,
    Course,
    QAReview,
    ReviewStatus,
)
from fieldvisit.apps.training.selectors import (
    agents_for,
    assignability,
    certified_share,
    complaints_by_type,
    complaints_for,
    expiring_certifications,
    may_clear_suspension,
    may_manage_training,
    may_view_training,
    review_get_for_user,
    reviews_for,
    session_get_for_user,
    sessions_for,
    suspensions_open,
)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _page(request: Request, view: APIView, rows: Any, serializer: Any) -> Response:
    paginator = PageNumberPagination()
    page: Any = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


class CourseSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Course
        fields = ["id", "code", "name", "name_en", "validity_months", "pass_mark", "active"]


class CourseListApi(APIView):
    @extend_schema(responses=CourseSerializer(many=True))
    def get(self, request: Request) -> Response:
        _require(may_view_training(request.user) or getattr(request.user, "role", "") == "agent")
        return Response(CourseSerializer(Course.objects.all(), many=True).data)


class AttendeeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    agent = serializers.IntegerField(source="agent_id")
    agent_name = serializers.CharField(source="agent.__str__")
    attended = serializers.BooleanField(allow_null=True)
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    passed = serializers.BooleanField(allow_null=True)


class SessionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    course = serializers.CharField(source="course.code")
    date = serializers.DateField()
    location = serializers.CharField()
    trainer = serializers.IntegerField(source="trainer_id")
    status = serializers.CharField()


class SessionDetailSerializer(SessionSerializer):
    attendees = AttendeeSerializer(many=True, source="attendees.all")
    materials = serializers.SerializerMethodField()

    def get_materials(self, session: Any) -> list[dict[str, Any]]:
        return [{"id": m.pk, "title": m.title, "size": m.size} for m in session.materials.all()]


class SessionListApi(APIView):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "TrainingSessionListInput"

        course = serializers.SlugRelatedField(
            slug_field="code", queryset=Course.objects.filter(active=True)
        )
        date = serializers.DateField()
        location = serializers.CharField(required=False, allow_blank=True, default="")
        agents = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)

    @extend_schema(responses=SessionSerializer(many=True))
    def get(self, request: Request) -> Response:
        _require(may_view_training(request.user))
        return _page(request, self, sessions_for(request.user), SessionSerializer)

    @extend_schema(request=InputSerializer, responses={201: SessionDetailSerializer})
    def post(self, request: Request) -> Response:
        _require(may_manage_training(request.user))
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agents = list(agents_for(request.user).filter(pk__in=data.validated_data["agents"]))
        if len(agents) != len(set(data.validated_data["agents"])):
            raise ValidationError({"agents": ["Unknown agent."]})
        session = services.session_schedule(
            user=request.user,
            course=data.validated_data["course"],
            date=data.validated_data["date"],
            agents=agents,
            location=data.validated_data["location"],
            ip=request_ip(request),
        )
        return Response(SessionDetailSerializer(session).data, status=status.HTTP_201_CREATED)


class SessionDetailApi(APIView):
    @extend_schema(responses=SessionDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        _require(may_view_training(request.user))
        return Response(SessionDetailSerializer(session_get_for_user(request.user, pk)).data)


class SessionResultsApi(APIView):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "TrainingSessionResultsInput"

        class Row(serializers.Serializer):  # type: ignore[type-arg]
            class Meta:
                ref_name = "TrainingResultRow"

            agent = serializers.IntegerField()
            attended = serializers.BooleanField()
            score = serializers.DecimalField(
                max_digits=5, decimal_places=2, required=False, allow_null=True
            )

        results = Row(many=True)
        complete = serializers.BooleanField(default=False)

    @extend_schema(request=InputSerializer, responses=SessionDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        _require(may_manage_training(request.user))
        session = session_get_for_user(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.session_record_results(
            user=request.user,
            session=session,
            results={
                r["agent"]: (r["attended"], r.get("score")) for r in data.validated_data["results"]
            },
            ip=request_ip(request),
        )
        if data.validated_data["complete"]:
            services.session_complete(user=request.user, session=session, ip=request_ip(request))
        session.refresh_from_db()
        return Response(SessionDetailSerializer(session).data)


class CertificationSerializer(serializers.Serializer):  # type: ignore[type-arg]
    number = serializers.CharField()
    agent = serializers.IntegerField(source="agent_id")
    course = serializers.CharField(source="course.code")
    passed_on = serializers.DateField()
    expires_on = serializers.DateField()
    session = serializers.IntegerField(source="session_id", allow_null=True)


class CertificationListApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "expiring", bool, description="only those expiring within 30 days, not renewed"
            )
        ],
        responses=CertificationSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        agents = agents_for(request.user)
        if request.query_params.get("expiring") in ("1", "true", "yes"):
            return Response(
                CertificationSerializer(
                    expiring_certifications(agents, business_date()), many=True
                ).data
            )
        rows = (
            Certification.objects.filter(agent__in=agents)
            .select_related("course")
            .order_by("agent_id", "course__code", "-passed_on")
        )
        return _page(request, self, rows, CertificationSerializer)


class AssignabilitySerializer(serializers.Serializer):  # type: ignore[type-arg]
    agent = serializers.IntegerField(source="agent_id")
    assignable = serializers.BooleanField()
    suspended_since = serializers.DateField(allow_null=True)
    courses = serializers.SerializerMethodField()
    purposes = serializers.ListField(child=serializers.CharField())
    why_zh = serializers.ListField(child=serializers.CharField())
    why_en = serializers.ListField(child=serializers.CharField())

    def get_courses(self, row: Any) -> list[str]:
        return sorted(row.codes)


class AssignabilityApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("date", dt.date)], responses=AssignabilitySerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        _require(may_view_training(request.user))
        raw = request.query_params.get("date")
        try:
            day = dt.date.fromisoformat(raw) if raw else business_date()
        except ValueError:
            raise ValidationError({"date": ["Use YYYY-MM-DD."]}) from None
        ids = list(agents_for(request.user).values_list("pk", flat=True))
        rows = sorted(assignability(ids, day).values(), key=lambda a: a.agent_id)
        return Response(AssignabilitySerializer(rows, many=True).data)


class SummaryApi(APIView):
    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "TrainingSummaryOutput"

        date = serializers.DateField()
        agents = serializers.IntegerField()
        certified = serializers.IntegerField()
        certified_percent = serializers.DecimalField(max_digits=5, decimal_places=1)
        suspended = serializers.ListField(child=serializers.DictField())
        expiring = CertificationSerializer(many=True)
        complaints_by_type = serializers.ListField(child=serializers.DictField())

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        _require(may_view_training(request.user))
        today = business_date()
        agents = agents_for(request.user)
        share = certified_share(agents, today)
        return Response(
            self.OutputSerializer(
                {
                    "date": today,
                    "agents": share.agents,
                    "certified": share.certified,
                    "certified_percent": share.percent,
                    "suspended": [
                        {"agent": s.agent_id, "since": s.started_on.isoformat(), "suspension": s.pk}
                        for s in suspensions_open(agents)
                    ],
                    "expiring": expiring_certifications(agents, today),
                    "complaints_by_type": complaints_by_type(
                        complaints_for(request.user), today - dt.timedelta(days=90)
                    ),
                }
            ).data
        )


class ComplaintSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    agent = serializers.IntegerField(source="agent_id")
    case = serializers.IntegerField(source="case_id", allow_null=True)
    received_on = serializers.DateField()
    channel = serializers.CharField()
    category = serializers.CharField()
    severity = serializers.CharField()
    content = serializers.CharField()
    status = serializers.CharField()


class ComplaintListApi(APIView):
    @extend_schema(responses=ComplaintSerializer(many=True))
    def get(self, request: Request) -> Response:
        _require(may_view_training(request.user))
        return _page(request, self, complaints_for(request.user), ComplaintSerializer)

    @extend_schema(request=ComplaintSerializer, responses={201: ComplaintSerializer})
    def post(self, request: Request) -> Response:
        _require(may_view_training(request.user))
        form = ComplaintForm(request.data, user=request.user)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        data = form.cleaned_data
        complaint = services.complaint_record(
            user=request.user,
            agent=data["agent"],
            received_on=data["received_on"],
            channel=data["channel"],
            category=data["category"],
            severity=data["severity"],
            content=data["content"],
            case=data["case"],
            ip=request_ip(request),
        )
        return Response(ComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)


class SuspensionClearApi(APIView):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "TrainingSuspensionClearInput"

        on_date = serializers.DateField()
        note = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: None})
    def post(self, request: Request, pk: int) -> Response:
        _require(may_clear_suspension(request.user))
        suspension = AgentSuspension.objects.filter(
            agent__in=agents_for(request.user), pk=pk
        ).first()
        if suspension is None:
            return Response(
                {"detail": "Not found.", "code": "not_found"}, status=status.HTTP_404_NOT_FOUND
            )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.suspension_clear(
            user=request.user, suspension=suspension, ip=request_ip(request), **data.validated_data
        )
        return Response({"suspension": suspension.pk, "cleared_on": data.validated_data["on_date"]})


class ReviewSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    report = serializers.IntegerField(source="report_id")
    agent = serializers.IntegerField(source="agent_id")
    case = serializers.IntegerField(source="case_id", allow_null=True)
    month = serializers.DateField()
    share_reason = serializers.CharField()
    status = serializers.CharField()
    conduct = serializers.IntegerField(allow_null=True)
    empathy = serializers.IntegerField(allow_null=True)
    accuracy = serializers.IntegerField(allow_null=True)
    compliance = serializers.IntegerField(allow_null=True)
    score = serializers.IntegerField(allow_null=True)
    feedback = serializers.CharField()


class QADrawApi(APIView):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "TrainingQADrawInput"

        month = serializers.DateField(input_formats=["%Y-%m"])
        seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1)

    @extend_schema(request=InputSerializer, responses={201: None})
    def post(self, request: Request) -> Response:
        _require(may_manage_training(request.user))
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draw = services.qa_sample_draw(
            user=request.user, ip=request_ip(request), **data.validated_data
        )
        return Response(
            {
                "draw": draw.pk,
                "month": f"{draw.month:%Y-%m}",
                "seed": draw.seed,
                "reports": draw.reports,
                "drawn": draw.drawn,
                "policy": draw.policy,
            },
            status=status.HTTP_201_CREATED,
        )


class QAReviewListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=list(ReviewStatus.values))],
        responses=ReviewSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = reviews_for(request.user)
        if getattr(request.user, "role", "") == "agent":
            rows = rows.filter(status=ReviewStatus.DONE)
        elif not may_view_training(request.user):
            raise PermissionDenied
        if request.query_params.get("status"):
            rows = rows.filter(status=request.query_params["status"])
        return _page(
            request, self, rows.order_by("-month", "agent_id", "report_id"), ReviewSerializer
        )


class QAReviewSubmitApi(APIView):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        class Meta:
            ref_name = "TrainingQAReviewSubmitInput"

        conduct = serializers.IntegerField()
        empathy = serializers.IntegerField()
        accuracy = serializers.IntegerField()
        compliance = serializers.IntegerField()
        feedback = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=ReviewSerializer)
    def post(self, request: Request, pk: int) -> Response:
        _require(may_manage_training(request.user))
        review: QAReview = review_get_for_user(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feedback = data.validated_data.pop("feedback")
        review = services.qa_review_submit(
            user=request.user,
            review=review,
            scores=data.validated_data,
            feedback=feedback,
            ip=request_ip(request),
        )
        return Response(ReviewSerializer(review).data)
