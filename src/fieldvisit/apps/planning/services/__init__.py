"""Writes on visit plans, in three modules:

- :mod:`.build`: :func:`plan_build` (start here), the per-branch solve and the finish;
- :mod:`.edit`: moving and removing visits on a draft, re-timed and re-checked at once;
- :mod:`.approve`: approval (re-checked; refused naming the rules) and replanning.

The public names are importable from here as before.
"""

from fieldvisit.apps.planning.services.approve import PlanCheckFailed, plan_approve, plan_replan
from fieldvisit.apps.planning.services.build import (
    DEFAULT_SECONDS,
    DROP_REASONS,
    plan_build,
    plan_build_branch,
    plan_finish,
    stop_brief,
)
from fieldvisit.apps.planning.services.edit import plan_move_stop, plan_remove_stop

__all__ = [
    "DEFAULT_SECONDS",
    "DROP_REASONS",
    "PlanCheckFailed",
    "plan_approve",
    "plan_build",
    "plan_build_branch",
    "plan_finish",
    "plan_move_stop",
    "plan_remove_stop",
    "plan_replan",
    "stop_brief",
]
