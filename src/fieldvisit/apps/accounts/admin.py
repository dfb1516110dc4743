from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ["username", "display_name", "role", "branch", "team", "is_active"]
    list_filter = ["role", "branch", "is_active"]
    search_fields = ["username", "display_name", "employee_no"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Work"), {"fields": ("display_name", "role", "employee_no", "phone", "branch", "team")}),
    )
