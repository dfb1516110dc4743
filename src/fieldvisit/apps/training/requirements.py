"""Which certifications each visit purpose needs, and which course grants which certification.

The visit strategy is the one place this is configured (engines.scoring, ``[purposes.*]
required_certifications``; a manager edits it as a new strategy version in the planning app).
A course grants the certification whose name is its code (``conduct_law`` …), plus any the
active strategy version maps to it in ``certification_courses`` (the demo's ``FV-COMPLIANCE``
grants ``conduct_law``). Without the planning app, the shipped default strategy applies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps

from fieldvisit.engines.scoring import VisitStrategy, default_strategy

# The default strategy version's mapping (kept equal to planning.strategy's default).
DEFAULT_COURSES: dict[str, list[str]] = {
    "conduct_law": ["FV-COMPLIANCE"],
    "communication": ["COMM-COUNSEL"],
    "counselling": ["COMM-COUNSEL"],
}


@dataclass(frozen=True)
class Requirements:
    purposes: dict[str, frozenset[str]]  # purpose → certification names it needs
    labels: dict[str, tuple[str, str]]  # purpose → (中文, English)
    grants: dict[str, frozenset[str]]  # course code → certification names it grants

    def names(self, codes: Iterable[str]) -> set[str]:
        """The certification names a set of valid course codes amounts to."""
        out: set[str] = set()
        for code in codes:
            out |= self.grants.get(code, frozenset({code}))
        return out

    def purposes_covered(self, codes: Iterable[str]) -> list[str]:
        held = self.names(codes)
        return [p for p, needed in self.purposes.items() if needed <= held]

    @property
    def all_names(self) -> frozenset[str]:
        return frozenset().union(*self.purposes.values()) if self.purposes else frozenset()


def visit_requirements() -> Requirements:
    """The active strategy's requirements (the planning app's active version, else the default)."""
    strategy: VisitStrategy = default_strategy()
    courses = DEFAULT_COURSES
    if apps.is_installed("fieldvisit.apps.planning"):
        from fieldvisit.apps.planning.models import VisitStrategyVersion

        active = VisitStrategyVersion.objects.filter(active=True).first()
        if active is not None:
            strategy = VisitStrategy.from_mapping(active.data)
            courses = active.certification_courses or {}
    grants: dict[str, set[str]] = defaultdict(set)
    for name, codes in courses.items():
        for code in [*codes, name]:
            grants[code].add(name)
    for spec_name in {n for s in strategy.purposes.values() for n in s.required_certifications}:
        grants[spec_name].add(spec_name)
    return Requirements(
        purposes={
            str(p.value): frozenset(s.required_certifications) for p, s in strategy.purposes.items()
        },
        labels={str(p.value): (s.label_zh, s.label_en) for p, s in strategy.purposes.items()},
        grants={code: frozenset(names) for code, names in grants.items()},
    )
