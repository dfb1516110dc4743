"""Admin: read-only views of the workflow records (changes go through the services)."""

from fieldvisit.apps.common.admin import register_read_only
from fieldvisit.apps.visits.models import (
    CheckIn,
    FollowUpTask,
    HeldSubmission,
    MoneyLine,
    PromiseToPay,
    ReportPhoto,
    Visit,
    VisitEvent,
    VisitReport,
)

register_read_only(
    Visit,
    VisitEvent,
    CheckIn,
    VisitReport,
    MoneyLine,
    ReportPhoto,
    PromiseToPay,
    FollowUpTask,
    HeldSubmission,
)
