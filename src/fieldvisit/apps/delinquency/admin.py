from django.contrib import admin

from fieldvisit.apps.delinquency.models import (
    DelinquencyPolicyRow,
    DelinquencySnapshot,
    SnapshotRun,
)


@admin.register(DelinquencySnapshot)
class DelinquencySnapshotAdmin(admin.ModelAdmin[DelinquencySnapshot]):
    # Written only by the nightly run: read-only here, and never listed without a filter on a
    # large book (the changelist counts rows).
    list_display = ["as_of", "loan", "dpd", "bucket", "classification", "total_due"]
    list_filter = ["bucket", "classification", "in_observation"]
    date_hierarchy = "as_of"
    raw_id_fields = ["loan"]
    show_full_result_count = False

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(SnapshotRun)
class SnapshotRunAdmin(admin.ModelAdmin[SnapshotRun]):
    list_display = [
        "as_of",
        "status",
        "loans_assessed",
        "rows_written",
        "full_write",
        "finished_at",
        "last_failed_at",
    ]
    list_filter = ["status", "full_write"]
    readonly_fields = [f.name for f in SnapshotRun._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(DelinquencyPolicyRow)
class DelinquencyPolicyRowAdmin(admin.ModelAdmin[DelinquencyPolicyRow]):
    list_display = ["key", "value", "effective_from", "note"]
    list_filter = ["key"]
