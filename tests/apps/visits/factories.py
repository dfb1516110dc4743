"""Factories for the visit tests: an approved plan with routes and stops, built from the
planning app's models (the solver is not needed to put a stop on a route); and, for the pages
that show them, visits, reports, promises and tasks as rows."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory

from fieldvisit.apps.planning.models import (
    PlanRoute,
    PlanStatus,
    PlanStop,
    VisitPlan,
    VisitStrategyVersion,
)
from fieldvisit.apps.visits.models import FollowUpTask, PromiseToPay, Visit, VisitReport
from tests.apps.cases.factories import CaseFactory
from tests.factories import AgentFactory, TeamFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


class StrategyVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitStrategyVersion
        django_get_or_create = ("version",)

    version = 1
    data = factory.LazyFunction(dict)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitPlan

    status = PlanStatus.APPROVED
    strategy = factory.SubFactory(StrategyVersionFactory)
    seconds_limit = 5.0


class RouteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanRoute
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    branch = factory.SelfAttribute("team.branch")
    order = 1
    shift_start = 9 * 3600
    shift_end = 18 * 3600
    start_latitude = 22.5410
    start_longitude = 114.0550
    end_latitude = 22.5410
    end_longitude = 114.0550
    travel_mode = "car"
    speed_kmh = Decimal("25.0")
    max_visits = 8

    @factory.post_generation
    def members(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted:
            self.members.set(extracted)


class StopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanStop

    order = 1
    arrival = factory.LazyAttribute(lambda s: local(s.route.plan.date, 9 + s.order, 0))
    start = factory.SelfAttribute("arrival")
    end = factory.LazyAttribute(lambda s: s.arrival + dt.timedelta(minutes=45))
    window_start = factory.LazyAttribute(lambda s: local(s.route.plan.date, 9 + s.order, 0))
    window_end = factory.LazyAttribute(lambda s: local(s.route.plan.date, 10 + s.order, 30))
    windows = factory.LazyFunction(lambda: [[9 * 3600, 18 * 3600]])
    service_seconds = 2700
    latitude = factory.LazyAttribute(lambda s: s.case.loan.borrower.home_latitude)
    longitude = factory.LazyAttribute(lambda s: s.case.loan.borrower.home_longitude)
    district = factory.LazyAttribute(lambda s: s.case.loan.borrower.home_district)
    travel_seconds = 900
    travel_metres = 4200
    purpose = "hardship_assessment"
    rule_id = "EL-HARDSHIP"
    priority = Decimal("812.50")
    prize = 81250
    explanation_zh = "逾期 75 天，三次电话未接通；预期收益 812.50 元。"
    explanation_en = "75 days past due, three calls unanswered; expected benefit 812.50 yuan."
    brief_zh = "了解困难原因与收支情况。"
    brief_en = "Learn the cause of the difficulty and the household's income and spending."


class VisitFactory(factory.django.DjangoModelFactory):
    """A visit already reported (the row only: no plan, no check-in)."""

    class Meta:
        model = Visit

    case = factory.SubFactory(CaseFactory)
    team = factory.LazyAttribute(lambda v: v.case.team or TeamFactory(branch=v.case.branch))
    date = dt.date(2026, 3, 10)
    window_start = factory.LazyAttribute(lambda v: local(v.date, 9))
    window_end = factory.LazyAttribute(lambda v: local(v.date, 12))
    latitude = 22.54
    longitude = 114.05
    purpose = "first_contact"
    status = "reported"


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitReport

    visit = factory.SubFactory(VisitFactory)
    client_generated_id = factory.LazyFunction(uuid.uuid4)
    submitted_by = factory.SubFactory(AgentFactory, team=factory.SelfAttribute("..visit.team"))
    submitted_at = factory.LazyAttribute(lambda r: local(r.visit.date, 11))
    outcome = "met_borrower"


class PromiseFactory(factory.django.DjangoModelFactory):
    """An open promise of 1,000.00 made at ``report``'s visit, on that visit's case."""

    class Meta:
        model = PromiseToPay

    report = factory.SubFactory(ReportFactory)
    case = factory.SelfAttribute("report.visit.case")
    amount = Decimal("1000.00")
    due_on = factory.LazyAttribute(lambda p: p.report.visit.date + dt.timedelta(days=7))


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpTask

    case = factory.SubFactory(CaseFactory)
    kind = "call"
    due_on = dt.date(2026, 3, 12)
