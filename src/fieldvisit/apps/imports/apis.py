"""/api/v1/imports: upload files as a new import job, list jobs, one job with its errors.

The same access helper as the pages (:mod:`.selectors`): without the import permission, 403.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fieldvisit.apps.audit.services import request_ip
from fieldvisit.apps.imports.models import ImportSource
from fieldvisit.apps.imports.selectors import IMPORT_PERMISSION, import_job_get, import_jobs_for
from fieldvisit.apps.imports.services import import_job_from_uploads


class MayImport(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perm(IMPORT_PERMISSION))


class FileResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField()
    kind = serializers.CharField()
    rows = serializers.IntegerField(required=False)
    created = serializers.IntegerField(required=False)
    updated = serializers.IntegerField(required=False)
    unchanged = serializers.IntegerField(required=False)
    error_count = serializers.IntegerField(source="errors", required=False)
    skipped = serializers.BooleanField(required=False)


class RowErrorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    value = serializers.CharField()
    code = serializers.CharField()
    reason = serializers.CharField(help_text="In the request's language.")


class StaffChangeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    employee_no = serializers.CharField()
    role = serializers.ListField(
        child=serializers.CharField(allow_null=True),
        allow_null=True,
        help_text="[now, in the file], or null when the same.",
    )
    branch = serializers.ListField(child=serializers.CharField(allow_null=True), allow_null=True)
    team = serializers.ListField(child=serializers.CharField(allow_null=True), allow_null=True)
    applied_by = serializers.CharField(required=False)
    applied_at = serializers.CharField(required=False)


class JobSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    status = serializers.CharField()
    origin = serializers.CharField(source="source", help_text="cli, web or api.")
    created_by = serializers.CharField(source="created_by.username", allow_null=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    error_count = serializers.IntegerField()
    files = FileResultSerializer(many=True)
    staff_changes = StaffChangeSerializer(
        many=True,
        help_text="People the files would move to another role or branch: not applied; an "
        "administrator applies each.",
    )


class JobDetailSerializer(JobSerializer):
    row_errors = RowErrorSerializer(many=True, source="row_errors.all")


class ImportJobListApi(APIView):
    permission_classes = [IsAuthenticated, MayImport]
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        files = serializers.ListField(
            child=serializers.FileField(), help_text="CSV, XLSX or Parquet files."
        )

    @extend_schema(responses=JobSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(import_jobs_for(request.user), request, view=self)
        return paginator.get_paginated_response(JobSerializer(page, many=True).data)

    @extend_schema(request={"multipart/form-data": InputSerializer}, responses=JobDetailSerializer)
    def post(self, request: Request) -> Response:
        """Import the uploaded files as one job; answers the job (run inline without a broker)."""
        data = self.InputSerializer(data={"files": request.FILES.getlist("files")})
        data.is_valid(raise_exception=True)
        job = import_job_from_uploads(
            user=request.user,
            files=data.validated_data["files"],
            source=ImportSource.API,
            ip=request_ip(request),
        )
        job = import_job_get(request.user, job.pk)
        return Response(JobDetailSerializer(job).data, status=status.HTTP_201_CREATED)


class ImportJobDetailApi(APIView):
    permission_classes = [IsAuthenticated, MayImport]

    @extend_schema(responses=JobDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(JobDetailSerializer(import_job_get(request.user, pk)).data)
