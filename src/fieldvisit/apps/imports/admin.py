from django.contrib import admin

from fieldvisit.apps.common.admin import register_read_only
from fieldvisit.apps.imports.models import ImportJob, ImportRowError


class ImportRowErrorInline(admin.TabularInline[ImportRowError, ImportJob]):
    model = ImportRowError
    extra = 0
    can_delete = False
    fields = ("file", "line", "column", "value", "reason")
    readonly_fields = ("file", "line", "column", "value", "reason")


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin[ImportJob]):
    """Read-only: a job is the record of what an import did."""

    list_display = ["id", "status", "source", "created_by", "created_at", "error_count"]
    list_filter = ["status", "source"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]
    inlines = [ImportRowErrorInline]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


register_read_only(ImportRowError)
