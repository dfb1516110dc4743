"""What QA reads from the visits app: the visit reports submitted in a period, and one report's
content without the borrower's identity. Only this module knows the visits app's models."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from fieldvisit.apps.common.clock import local_zone
from fieldvisit.apps.visits.models import VisitReport

# Long digit runs in free text are ID or phone numbers a borrower may have dictated: never shown.
_DIGITS = re.compile(r"\d[\d\s-]{5,}\d|\d{7,}")


@dataclass(frozen=True)
class ReportRow:
    report_id: int
    agent_id: int  # who submitted it, and so is accountable for the record
    case_id: int | None
    submitted_on: dt.date  # local date


def submitted_reports(first_day: dt.date, last_day: dt.date) -> list[ReportRow]:
    """Reports submitted from ``first_day`` to ``last_day`` (local dates, inclusive); an amended
    report counts once, as its original."""
    zone = local_zone()
    start = dt.datetime.combine(first_day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    rows = VisitReport.objects.filter(
        submitted_at__gte=start, submitted_at__lt=end, amends__isnull=True
    ).values_list("pk", "submitted_by_id", "visit__case_id", "submitted_at")
    return [
        ReportRow(pk, agent_id, case_id, submitted_at.astimezone(zone).date())
        for pk, agent_id, case_id, submitted_at in rows
    ]


def redact(text: str) -> str:
    """Free text with long digit runs (ID, phone numbers) replaced by ``***``."""
    return _DIGITS.sub("***", text)


# Report fields a reviewer reads: the visit's facts and the agent's record, no identity.
REVIEW_FIELDS = (
    "outcome",
    "met_relation",
    "cause_other",
    "state_of_mind",
    "understood_terms",
    "mis_explained",
    "borrower_words",
    "remedy_requested",
    "next_step",
    "next_step_note",
    "conduct_introduced",
    "conduct_two_staff",
    "conduct_no_third_party",
    "conduct_consent_asked",
    "notes",
)


def report_for_review(report_id: int) -> dict[str, Any] | None:
    """The report's fields for the QA page (free text redacted), or None if it is not found."""
    report = VisitReport.objects.select_related("visit").filter(pk=report_id).first()
    if report is None:
        return None
    out: dict[str, Any] = {
        "case_id": report.visit.case_id,
        "visit_date": report.visit.date,
        "purpose": report.visit.purpose,
        "submitted_at": report.submitted_at,
    }
    for name in REVIEW_FIELDS:
        value = getattr(report, name, None)
        out[name] = redact(value) if isinstance(value, str) else value
    return out
