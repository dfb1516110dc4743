"""Writes about users and roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _t

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.accounts.roles import ROLE_PERMISSIONS, Role
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.organisation.models import Branch, Team

MANAGE_USERS = "accounts.manage_users"
#: The audit action of a change of a person's role, branch or team.
AUDIT_PLACEMENT = "user.placement"


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
def user_placement_set(
    *,
    user: User,
    role: Role,
    branch: Branch | None,
    team: Team | None,
    by: Any,
    reason: str = "",
    ip: str | None = None,
) -> dict[str, list[Any]]:
    """Put a person in a role, branch and team: only whoever may manage users does this.

    Audited as ``user.placement`` with ``{field: [old, new]}`` (codes, not names). Returns what
    changed (empty: nothing did, and nothing is recorded).
    """
    if not getattr(by, "has_perm", None) or not by.has_perm(MANAGE_USERS):
        raise PermissionDenied
    if team is not None and team.branch_id != (branch.pk if branch is not None else None):
        raise ApplicationError(_t("The team belongs to another branch."), code="team_branch")
    changes: dict[str, list[Any]] = {}
    if user.role != role:
        changes["role"] = [user.role, str(role)]
    if user.branch_id != (branch.pk if branch is not None else None):
        changes["branch"] = [_code(user.branch), _code(branch)]
    if user.team_id != (team.pk if team is not None else None):
        changes["team"] = [_code(user.team), _code(team)]
    if not changes:
        return changes
    user.branch = branch
    user.team = team
    user.save(update_fields=["branch", "team"])
    user_set_role(user=user, role=role)
    # Imported here: the audit app's models refer to the user model this app defines.
    from fieldvisit.apps.audit.services import audit_record

    audit_record(
        user=by,
        action=AUDIT_PLACEMENT,
        object_type="user",
        object_id=user.pk,
        fields=changes,
        reason=reason,
        ip=ip,
    )
    return changes


def _code(place: Branch | Team | None) -> str | None:
    return place.code if place is not None else None


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
