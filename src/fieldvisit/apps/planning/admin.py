from django.contrib import admin

from fieldvisit.apps.common.admin import register_read_only
from fieldvisit.apps.planning.models import (
    PlanCandidateLeftOut,
    PlanEvent,
    PlanRoute,
    PlanStop,
    TeamPlanningSettings,
    VisitPlan,
    VisitStrategyVersion,
)


@admin.register(VisitStrategyVersion)
class VisitStrategyVersionAdmin(admin.ModelAdmin[VisitStrategyVersion]):
    """Read-only: an edit is a new version, made on the strategy page (planning:strategy)."""

    list_display = ["version", "name", "active", "note", "created_by", "created_at"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(TeamPlanningSettings)
class TeamPlanningSettingsAdmin(admin.ModelAdmin[TeamPlanningSettings]):
    list_display = ["team", "depot", "depot_member", "speed_kmh", "lunch_from", "lunch_minutes"]
    raw_id_fields = ["depot_member"]


class PlanEventInline(admin.TabularInline[PlanEvent, VisitPlan]):
    model = PlanEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "user", "kind", "from_status", "to_status", "data"]


@admin.register(VisitPlan)
class VisitPlanAdmin(admin.ModelAdmin[VisitPlan]):
    """Plans are changed through the plan page only (services check every edit)."""

    list_display = ["date", "branch", "status", "visits_planned", "prize", "approved_by"]
    list_filter = ["status", "branch"]
    inlines = [PlanEventInline]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


register_read_only(PlanEvent, PlanRoute, PlanStop, PlanCandidateLeftOut)
