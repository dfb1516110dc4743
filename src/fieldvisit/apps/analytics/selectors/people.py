"""Dashboards 6 (people: agents and teams) and 7 (compliance report)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import ExtractHour, ExtractMinute
from django.utils.translation import gettext as _

from fieldvisit.apps.analytics.selectors.base import (
    Chart,
    Dashboard,
    Filters,
    Table,
    moments,
    pct,
    rate,
)
from fieldvisit.apps.audit.models import AuditAction, AuditEvent
from fieldvisit.apps.cases.models import CaseStatus, ContactAttempt
from fieldvisit.apps.cases.services import compliance_policy
from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.planning.models import (
    LeftOutReason,
    PlanCandidateLeftOut,
    PlanEvent,
    PlanEventKind,
)
from fieldvisit.apps.training.models import QAReview, ReviewStatus
from fieldvisit.apps.visits.models import (
    TALKED_OUTCOMES,
    CheckIn,
    PromiseStatus,
    PromiseToPay,
    Visit,
    VisitReport,
    VisitStatus,
)
from fieldvisit.engines.analytics.svg import Series

DONE = (VisitStatus.CHECKED_IN, VisitStatus.CHECKED_OUT, VisitStatus.REPORTED, VisitStatus.AMENDED)
CURE_DAYS = 30


def period(filters: Filters) -> tuple[dt.date, dt.date]:
    """The filter's month, or the calendar month of the latest visit (this month if none)."""
    if filters.month is not None and filters.month_end is not None:
        return filters.month, filters.month_end
    latest = Visit.objects.order_by("-date").values_list("date", flat=True).first()
    first = (latest or business_date()).replace(day=1)
    return first, Filters(month=first).month_end or first


def _visits(filters: Filters, start: dt.date, end: dt.date):  # type: ignore[no-untyped-def]
    return filters.apply(
        Visit.objects.filter(date__gte=start, date__lte=end, status__in=DONE),
        product="case__loan__product_id",
        branch="case__branch_id",
        district="case__district",
    )


def people_dashboard(filters: Filters) -> Dashboard:
    start, end = period(filters)
    since, until = moments(start, end)
    board = Dashboard("people", _("People"))
    board.notes.append(_("Period: %(start)s to %(end)s.") % {"start": start, "end": end})
    visits = _visits(filters, start, end)
    cured = Q(
        case__status=CaseStatus.CURED,
        case__closed_on__gte=F("date"),
        case__closed_on__lte=F("date") + dt.timedelta(days=CURE_DAYS),
    )
    reports = filters.apply(
        # The report as filed (an amendment corrects the record, not what happened at the door);
        # a plain column test, where "has no amendment" would be an anti-join on every report.
        VisitReport.objects.filter(
            amends__isnull=True, submitted_at__gte=since, submitted_at__lt=until
        ),
        product="visit__case__loan__product_id",
        branch="visit__case__branch_id",
        district="visit__case__district",
    )
    promises = filters.apply(
        PromiseToPay.objects.filter(
            report__submitted_at__gte=since, report__submitted_at__lt=until
        ),
        product="case__loan__product_id",
        branch="case__branch_id",
        district="case__district",
    )

    def table(level: str) -> list[list[object]]:
        if level == "agent":
            visit_key, report_key, promise_key = "agents", "submitted_by", "report__submitted_by"
        else:
            visit_key, report_key, promise_key = "team", "visit__team", "report__visit__team"
        names: dict[int, str] = {}
        by_visit = {}
        for r in (
            visits.values(visit_key)
            .annotate(
                n=Count("id", distinct=True),
                days=Count("date", distinct=True),
                metres=Sum("travel_metres"),
                cures=Count("id", filter=cured, distinct=True),
            )
            .order_by()
        ):
            by_visit[r[visit_key]] = r
        by_report = {
            r[report_key]: r
            for r in reports.values(report_key)
            .annotate(n=Count("id"), talked=Count("id", filter=Q(outcome__in=TALKED_OUTCOMES)))
            .order_by()
        }
        by_promise = {
            r[promise_key]: r
            for r in promises.values(promise_key)
            .annotate(
                n=Count("id"),
                kept=Count("id", filter=Q(status=PromiseStatus.KEPT)),
                due=Count("id", filter=~Q(status=PromiseStatus.OPEN)),
            )
            .order_by()
        }
        qa: dict[int, float] = {}
        if level == "agent":
            from fieldvisit.apps.accounts.models import User

            ids = set(by_visit) | set(by_report)
            for user_id, display, username in User.objects.filter(pk__in=ids).values_list(
                "id", "display_name", "username"
            ):
                names[user_id] = display or username
            for r in (
                QAReview.objects.filter(agent_id__in=ids, month=start, status=ReviewStatus.DONE)
                .values("agent_id")
                .annotate(score=Avg("score"))
                .order_by()
            ):
                qa[r["agent_id"]] = round(float(r["score"]), 1)
        else:
            from fieldvisit.apps.organisation.models import Team

            ids = set(by_visit) | set(by_report)
            names = dict(Team.objects.filter(pk__in=ids).values_list("id", "name"))
        rows = []
        for key in sorted(k for k in ids if k is not None):
            v = by_visit.get(key, {})
            r = by_report.get(key, {})
            p = by_promise.get(key, {})
            n = v.get("n", 0)
            rows.append(
                [
                    names.get(key, str(key)),
                    n,
                    round(n / v["days"], 2) if v.get("days") else None,
                    pct(rate(r.get("talked", 0), r.get("n", 0))),
                    p.get("n", 0),
                    p.get("kept", 0),
                    pct(rate(p.get("kept", 0), p.get("due", 0))),
                    v.get("cures", 0),
                    qa.get(key),
                    round((v.get("metres") or 0) / 1000 / n, 1) if n else None,
                ]
            )
        return rows

    columns = [
        _("Visits"),
        _("Visits per day"),
        _("Contact rate"),
        _("Promises made"),
        _("Promises kept"),
        _("Kept of due"),
        _("Cures within 30 days"),
        _("QA score"),
        _("km per visit"),
    ]
    agents = table("agent")
    teams = table("team")
    board.charts.append(
        Chart(
            _("Visits per day by team"),
            "bar",
            [str(r[0]) for r in teams],
            [Series(_("Visits per day"), [r[2] for r in teams])],  # type: ignore[misc]
        )
    )
    board.charts.append(
        Chart(
            _("km per visit by team"),
            "bar",
            [str(r[0]) for r in teams],
            [Series(_("km per visit"), [r[9] for r in teams])],  # type: ignore[misc]
        )
    )
    board.tables.append(Table("teams", _("Teams"), [_("Team"), *columns], teams))
    board.tables.append(Table("agents", _("Agents"), [_("Agent"), *columns], agents))
    return board


def compliance_dashboard(filters: Filters) -> Dashboard:
    start, end = period(filters)
    since, until = moments(start, end)
    board = Dashboard("compliance", _("Compliance report"))
    board.notes.append(_("Period: %(start)s to %(end)s.") % {"start": start, "end": end})
    blocked: Counter[str] = Counter()
    for rule in (
        filters.apply(
            PlanCandidateLeftOut.objects.filter(
                reason=LeftOutReason.EXCLUDED, plan__date__gte=start, plan__date__lte=end
            ),
            product="case__loan__product_id",
            branch="branch_id",
            district="case__district",
        )
        .values_list("rule_id", flat=True)
        .iterator(chunk_size=5000)
    ):
        blocked[rule or "—"] += 1
    refused: Counter[str] = Counter()
    for data in PlanEvent.objects.filter(
        kind=PlanEventKind.APPROVAL_REFUSED, at__gte=since, at__lt=until
    ).values_list("data", flat=True):
        for rule in (data or {}).get("rules", []):
            refused[str(rule)] += 1
    rules = sorted(set(blocked) | set(refused))
    board.charts.append(
        Chart(
            _("Actions blocked by rule"),
            "bar",
            rules,
            [
                Series(_("Visits not planned"), [blocked[r] for r in rules]),
                Series(_("Plan approvals refused"), [refused[r] for r in rules]),
            ],
        )
    )
    board.tables.append(
        Table(
            "blocked",
            _("Blocked actions by rule"),
            [_("Rule"), _("Visits not planned"), _("Plan approvals refused")],
            [[r, blocked[r], refused[r]] for r in rules],
        )
    )
    overrides: Counter[tuple[str, str]] = Counter()
    for who, username, overridden in (
        filters.apply(
            ContactAttempt.objects.filter(
                override_by__isnull=False,
                attempted_at__gte=since,
                attempted_at__lt=until,
            ),
            product="case__loan__product_id",
            branch="case__branch_id",
            district="case__district",
        )
        .values_list("override_by__display_name", "override_by__username", "overridden_rules")
        .iterator(chunk_size=5000)
    ):
        for rule in overridden or []:
            overrides[(who or username, str(rule))] += 1
    audited = dict(
        AuditEvent.objects.filter(
            action=AuditAction.COMPLIANCE_OVERRIDE, at__gte=since, at__lt=until
        )
        .values_list("username")
        .annotate(n=Count("id"))
        .order_by()
    )
    board.tables.append(
        Table(
            "overrides",
            _("Overrides and who made them"),
            [_("By"), _("Rule"), _("Overrides")],
            [[who, rule, n] for (who, rule), n in sorted(overrides.items())],
        )
    )
    board.tables.append(
        Table(
            "override_audit",
            _("Overrides in the audit log, by user"),
            [_("User"), _("Overrides")],
            sorted(audited.items()),
        )
    )
    visits = _visits(filters, start, end)
    policy = compliance_policy()
    staffed = visits.annotate(staff=Count("agents")).values_list("staff", flat=True)
    staff_counts = Counter(staffed)
    total = sum(staff_counts.values())
    two = sum(n for staff, n in staff_counts.items() if staff >= policy.min_visitors)
    reported_two = VisitReport.objects.filter(visit__in=visits, amends__isnull=True).aggregate(
        n=Count("id"), two=Count("id", filter=Q(conduct_two_staff=True))
    )
    zone = ZoneInfo(policy.time_zone)
    start_min = policy.allowed_from.hour * 60 + policy.allowed_from.minute
    end_min = policy.allowed_until.hour * 60 + policy.allowed_until.minute
    outside = (
        CheckIn.objects.filter(visit__in=visits)
        .annotate(minute=ExtractHour("at", tzinfo=zone) * 60 + ExtractMinute("at", tzinfo=zone))
        .filter(Q(minute__lt=start_min) | Q(minute__gte=end_min))
        .count()
    )
    late_out = (
        visits.filter(checked_out_at__isnull=False)
        .annotate(
            minute=ExtractHour("checked_out_at", tzinfo=zone) * 60
            + ExtractMinute("checked_out_at", tzinfo=zone)
        )
        .filter(Q(minute__lt=start_min) | Q(minute__gt=end_min))
        .count()
    )
    summary: list[list[Any]] = [
        [_("Visits made"), total],
        [_("Visits with two or more certified staff"), two],
        [_("Two-person rate"), pct(rate(two, total))],
        [
            _("Reports confirming two staff present"),
            pct(rate(reported_two["two"], reported_two["n"])),
        ],
        [_("Check-ins outside allowed hours (must be 0)"), outside],
        [_("Check-outs outside allowed hours (must be 0)"), late_out],
    ]
    board.tables.insert(0, Table("summary", _("Summary"), [_("Measure"), _("Value")], summary))
    if outside or late_out:
        board.notes.append(_("Visits outside the allowed hours were recorded: investigate."))
    board.charts.append(
        Chart(
            _("Visits by number of staff present"),
            "bar",
            [str(k) for k in sorted(staff_counts)],
            [Series(_("Visits"), [staff_counts[k] for k in sorted(staff_counts)])],
        )
    )
    return board
