from __future__ import annotations

from django.contrib import admin

from fieldvisit.apps.common.admin import register_read_only
from fieldvisit.apps.remedies.models import ApprovalLimit, RemedyEvent, RemedyProposal


@admin.register(ApprovalLimit)
class ApprovalLimitAdmin(admin.ModelAdmin[ApprovalLimit]):
    list_display = ("role", "user", "max_amount", "updated_at")
    raw_id_fields = ("user",)


@admin.register(RemedyProposal)
class RemedyProposalAdmin(admin.ModelAdmin[RemedyProposal]):
    """Read only: proposals change through their services (maker-checker, events, audit)."""

    list_display = ("id", "case", "status", "amount", "maker", "checker", "as_of")
    list_filter = ("status",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


register_read_only(RemedyEvent)
