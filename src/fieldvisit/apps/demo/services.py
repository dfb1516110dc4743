"""The demo: one set of users per role, so a visitor can see every page of the product.

Demo logins are printed by ``make demo``; their password is public, so the demo users exist
only where ``demo_users_create`` is called (the demo and the tests), never in a deployment.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.accounts.services import user_create

DEMO_PASSWORD = "fieldvisit-demo"  # noqa: S105 - printed on screen by design, demo only


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    display_name: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", Role.ADMIN, "系统管理员"),
    DemoLogin("manager", Role.MANAGER, "陈经理"),
    DemoLogin("agent", Role.AGENT, "李外访"),
    DemoLogin("trainer", Role.TRAINER, "王培训"),
    DemoLogin("legal", Role.LEGAL, "赵法务"),
    DemoLogin("analyst", Role.ANALYST, "孙分析"),
)


@transaction.atomic
def demo_users_create() -> list[DemoLogin]:
    """Create (or leave as they are) one demo user per role; returns the logins."""
    for login in DEMO_LOGINS:
        if not User.objects.filter(username=login.username).exists():
            user_create(
                username=login.username,
                password=DEMO_PASSWORD,
                role=login.role,
                display_name=login.display_name,
            )
    return list(DEMO_LOGINS)
