from django.contrib import admin

from fieldvisit.apps.common.admin import register_read_only
from fieldvisit.apps.training.models import (
    AgentSuspension,
    Certification,
    Complaint,
    Course,
    QADraw,
    QAReview,
    Retraining,
    SessionAttendee,
    SessionMaterial,
    SuspensionEvent,
    TrainingSession,
)


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin[Course]):
    list_display = ["code", "name", "name_en", "validity_months", "pass_mark", "active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin[Certification]):
    list_display = ["number", "agent", "course", "passed_on", "expires_on", "session"]
    list_filter = ["course"]
    search_fields = ["number", "agent__username", "agent__employee_no"]
    raw_id_fields = ["agent", "session"]


class AttendeeInline(admin.TabularInline[SessionAttendee, TrainingSession]):
    model = SessionAttendee
    raw_id_fields = ["agent"]
    extra = 0


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin[TrainingSession]):
    list_display = ["date", "course", "trainer", "status"]
    list_filter = ["status", "course"]
    raw_id_fields = ["trainer"]
    inlines = [AttendeeInline]


# Complaints, suspensions and reviews change only through the services (events and audit rows):
# the admin shows them read-only.
class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["received_on", "agent", "category", "severity", "status"]
    list_filter = ["severity", "category", "status"]


@admin.register(AgentSuspension)
class AgentSuspensionAdmin(ReadOnlyAdmin):
    list_display = ["agent", "started_on", "cleared_on", "cleared_by"]


@admin.register(Retraining)
class RetrainingAdmin(ReadOnlyAdmin):
    list_display = ["agent", "course", "raised_on", "completed_on"]


@admin.register(QADraw)
class QADrawAdmin(ReadOnlyAdmin):
    list_display = ["month", "seed", "reports", "drawn", "drawn_by"]


@admin.register(QAReview)
class QAReviewAdmin(ReadOnlyAdmin):
    list_display = ["report", "agent", "month", "status", "score"]
    list_filter = ["status", "month"]


register_read_only(SessionAttendee, SessionMaterial, SuspensionEvent)
