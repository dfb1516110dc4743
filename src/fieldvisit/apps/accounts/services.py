"""Writes about users and roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.accounts.roles import ROLE_PERMISSIONS, Role


@transaction.atomic
def roles_sync() -> None:
    """Create one group per role and give it exactly the permissions of ``ROLE_PERMISSIONS``."""
    for role, codes in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = []
        for code in sorted(codes):
            app_label, codename = code.split(".")
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


def roles_sync_after_migrate(**_kwargs: Any) -> None:
    roles_sync()


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: Role,
    display_name: str = "",
    **fields: Any,
) -> User:
    """Create a user in exactly one role group. ``password=None`` makes an unusable password."""
    user = User(username=username, role=role, display_name=display_name, **fields)
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user_set_role(user=user, role=role)
    return user


@transaction.atomic
def user_set_role(*, user: User, role: Role) -> None:
    """Move the user into the group of ``role`` and out of every other role group.

    The groups exist from the post-migrate sync (:func:`roles_sync`).
    """
    role_groups = Group.objects.filter(name__in=[r.value for r in Role])
    user.groups.remove(*role_groups)
    user.groups.add(Group.objects.get(name=role.value))
    if user.role != role:
        user.role = role
        user.save(update_fields=["role"])
