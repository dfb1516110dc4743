"""The pre-visit brief: why this visit, what is owed today, what happened before, what to say.

One function builds it for the page and the API. What is owed comes from the delinquency engine
at today's business date (never the snapshot, which is yesterday's).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language

from fieldvisit.apps.cases.loan_status import loan_status
from fieldvisit.apps.visits import guide
from fieldvisit.apps.visits.models import HARDSHIP_CAUSES, Cause, Visit
from fieldvisit.apps.visits.selectors import case_history
from fieldvisit.engines.scoring import default_strategy
from fieldvisit.engines.scoring.strategy import Purpose


def is_chinese() -> bool:
    return (get_language() or "").startswith("zh")


def purpose_label(purpose: str, *, chinese: bool) -> str:
    """The purpose's label from the visit strategy (bilingual, owned by the strategy)."""
    try:
        spec = default_strategy().purposes[Purpose(purpose)]
    except (ValueError, KeyError):
        return purpose
    return spec.label_zh if chinese else spec.label_en


@dataclass(frozen=True)
class OwedLine:
    number: int
    due_date: dt.date
    principal: Decimal
    interest: Decimal
    penalty: Decimal
    compound: Decimal

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.penalty + self.compound


@dataclass(frozen=True)
class Owed:
    as_of: dt.date
    dpd: int
    bucket: str
    overdue_principal: Decimal
    overdue_interest: Decimal
    penalty_interest: Decimal
    compound_interest: Decimal
    total_due: Decimal
    outstanding_principal: Decimal
    lines: tuple[OwedLine, ...]


@dataclass(frozen=True)
class Brief:
    why: str
    brief: str
    purpose: str
    rule_id: str
    owed: Owed | None
    owed_error: str
    history: dict[str, Any]
    hardship_causes: list[str]
    flags: dict[str, bool]
    guide: list[dict[str, object]] = field(default_factory=list)


def owed_today(visit: Visit, as_of: dt.date) -> tuple[Owed | None, str]:
    """What is owed at the end of ``as_of``, itemised by overdue instalment (yuan)."""
    status = loan_status(visit.case.loan, as_of)
    assessment = status.assessment
    if assessment is None:
        return None, status.error
    lines = tuple(
        OwedLine(
            p.number,
            p.due_date,
            p.unpaid_principal,
            p.unpaid_interest,
            p.unpaid_penalty,
            p.unpaid_compound,
        )
        for p in assessment.installments
        if p.due_date < as_of and p.settled_on is None
    )
    return (
        Owed(
            as_of=as_of,
            dpd=assessment.dpd,
            bucket=assessment.bucket,
            overdue_principal=assessment.overdue_principal,
            overdue_interest=assessment.overdue_interest,
            penalty_interest=assessment.penalty_interest,
            compound_interest=assessment.compound_interest,
            total_due=assessment.total_due,
            outstanding_principal=assessment.outstanding_principal,
            lines=lines,
        ),
        "",
    )


def visit_brief(visit: Visit, as_of: dt.date) -> Brief:
    chinese = is_chinese()
    history = case_history(visit.case, exclude_visit=visit.pk)
    known = [cause for report in history["reports"] for cause in report.causes]
    hardship = sorted({Cause(c).label for c in known if c in HARDSHIP_CAUSES}, key=str)
    owed, error = owed_today(visit, as_of)
    return Brief(
        why=visit.explanation_zh if chinese else visit.explanation_en,
        brief=visit.brief_zh if chinese else visit.brief_en,
        purpose=purpose_label(visit.purpose, chinese=chinese),
        rule_id=visit.rule_id,
        owed=owed,
        owed_error=error,
        history=history,
        hardship_causes=[str(label) for label in hardship],
        flags={"vulnerable": visit.case.vulnerable, "hardship_hold": visit.case.hardship_hold},
        guide=guide.guide_for(visit.purpose, known, chinese=chinese),
    )
