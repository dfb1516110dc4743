"""engines.scoring: who is a candidate for a field visit, why, when, and what it is worth.

Start with :func:`evaluate` / :func:`evaluate_all` and :func:`expected_benefit`; the strategy
they run on is :class:`VisitStrategy` (see ``README.md``).
"""

from fieldvisit.engines.scoring.evaluate import (
    Candidate,
    Exclusion,
    PriorityFunction,
    Screening,
    WindowSource,
    evaluate,
    evaluate_all,
    exclusion_applies,
    failed_contacts,
    follow_up_due,
    rule_matches,
    visit_windows,
)
from fieldvisit.engines.scoring.facts import (
    CaseFacts,
    ContactResult,
    FollowUp,
    FollowUpStatus,
    InvalidFacts,
    PastOutcome,
    PreferredWindow,
    RemoteContact,
    past_outcome,
)
from fieldvisit.engines.scoring.priority import Adjustment, Priority, expected_benefit
from fieldvisit.engines.scoring.strategy import (
    NOT_ELIGIBLE,
    REQUIRED_EXCLUSIONS,
    EligibilityRule,
    ExclusionKind,
    ExclusionRule,
    InvalidStrategy,
    PriorityWeights,
    Purpose,
    PurposeSpec,
    VisitStrategy,
    default_strategy,
)

__all__ = [
    "NOT_ELIGIBLE",
    "REQUIRED_EXCLUSIONS",
    "Adjustment",
    "Candidate",
    "CaseFacts",
    "ContactResult",
    "EligibilityRule",
    "Exclusion",
    "ExclusionKind",
    "ExclusionRule",
    "FollowUp",
    "FollowUpStatus",
    "InvalidFacts",
    "InvalidStrategy",
    "PastOutcome",
    "PreferredWindow",
    "Priority",
    "PriorityFunction",
    "PriorityWeights",
    "Purpose",
    "PurposeSpec",
    "RemoteContact",
    "Screening",
    "VisitStrategy",
    "WindowSource",
    "default_strategy",
    "evaluate",
    "evaluate_all",
    "exclusion_applies",
    "expected_benefit",
    "failed_contacts",
    "follow_up_due",
    "past_outcome",
    "rule_matches",
    "visit_windows",
]
