from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.accounts.services import user_placement_set


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ["username", "display_name", "role", "branch", "team", "is_active"]
    list_filter = ["role", "branch", "is_active"]
    search_fields = ["username", "display_name", "employee_no"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Work"), {"fields": ("display_name", "role", "employee_no", "phone", "branch", "team")}),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """A change of role, branch or team goes through the service that moves the person into
        the role's group (the permissions) and audits it, as an applied import change does: it
        is kept aside here and made in :meth:`save_related`, after the form's groups are set."""
        if change and {"role", "branch", "team"} & set(form.changed_data):
            form.placement = (Role(obj.role), obj.branch, obj.team)
            before = User.objects.get(pk=obj.pk)
            obj.role, obj.branch, obj.team = before.role, before.branch, before.team
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        placement = getattr(form, "placement", None)
        if placement is None:
            return
        role, branch, team = placement
        user_placement_set(
            user=form.instance,
            role=role,
            branch=branch,
            team=team,
            by=request.user,
            reason="admin",
            ip=request.META.get("REMOTE_ADDR"),
        )
