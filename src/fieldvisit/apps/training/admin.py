from django.contrib import admin

from fieldvisit.apps.training.models import Certification, Course


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin[Course]):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin[Certification]):
    list_display = ["number", "agent", "course", "passed_on", "expires_on"]
    list_filter = ["course"]
    search_fields = ["number", "agent__username", "agent__employee_no"]
    raw_id_fields = ["agent"]
