from django.contrib import admin

from fieldvisit.apps.organisation.models import AgentProfile, Branch, Team


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin[Branch]):
    list_display = ["code", "name", "city", "district"]
    search_fields = ["code", "name", "district"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["code", "name", "branch", "lead", "travel_mode", "active"]
    list_filter = ["branch", "travel_mode", "active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["lead"]


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin[AgentProfile]):
    list_display = ["user", "shift_start", "shift_end", "hired_on"]
    raw_id_fields = ["user"]
