"""``{% training_panel %}``: the home-page panel of certificate reminders (30 days before expiry)
for the trainer (their agents) and the agent (their own)."""

from __future__ import annotations

from typing import Any

from django import template

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.training.selectors import (
    agents_for,
    expiring_certifications,
    may_view_training,
    suspensions_open,
)

register = template.Library()


@register.inclusion_tag("training/_home_panel.html", takes_context=True)
def training_panel(context: dict[str, Any]) -> dict[str, Any]:
    user = context["user"]
    today = business_date()
    own = user.role == Role.AGENT
    agents = agents_for(user)
    return {
        "own": own,
        "may_view": may_view_training(user),
        "expiring": expiring_certifications(agents, today),
        "suspended": 0 if own else suspensions_open(agents).count(),
    }
