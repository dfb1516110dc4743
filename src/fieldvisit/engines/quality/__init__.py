"""Visit quality review: which submitted visit reports QA reviews each month (pure, no Django)."""

from fieldvisit.engines.quality.sampling import (
    AgentQuota,
    AgentStanding,
    InvalidPolicy,
    Pick,
    QualitySample,
    SamplingPolicy,
    ShareReason,
    SubmittedReport,
    agent_share,
    default_policy,
    draw_sample,
    month_end,
    month_of,
    quota,
)

__all__ = [
    "AgentQuota",
    "AgentStanding",
    "InvalidPolicy",
    "Pick",
    "QualitySample",
    "SamplingPolicy",
    "ShareReason",
    "SubmittedReport",
    "agent_share",
    "default_policy",
    "draw_sample",
    "month_end",
    "month_of",
    "quota",
]
