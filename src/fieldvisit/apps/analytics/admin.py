"""Admin: read-only views of the workflow records (changes go through the services)."""

from fieldvisit.apps.analytics.models import (
    CauseMonth,
    EffectCell,
    FeedbackMonth,
    PortfolioMonth,
    RollMonth,
    VintageMonth,
)
from fieldvisit.apps.common.admin import register_read_only

register_read_only(PortfolioMonth, RollMonth, VintageMonth, EffectCell, CauseMonth, FeedbackMonth)
