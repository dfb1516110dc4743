"""Factories for the training tests: courses, sessions, certificates, visits and their reports."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import factory

from fieldvisit.apps.training.models import Certification, Complaint, Course, TrainingSession
from fieldvisit.apps.training.services import courses_ensure_defaults
from fieldvisit.apps.visits.models import Visit, VisitReport
from tests.apps.cases.factories import CaseFactory
from tests.factories import TeamFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def course(code: str) -> Course:
    """One of the five default courses (communication, counselling, conduct_law, pipl,
    field_safety); a transactional test's flush removes the migration's rows, so make sure."""
    courses_ensure_defaults()
    return Course.objects.get(code=code)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    course = factory.LazyFunction(lambda: course("conduct_law"))
    date = dt.date(2026, 3, 2)
    location = "福田支行三楼培训室"


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    number = factory.Sequence(lambda n: f"T{n:07d}")
    course = factory.LazyFunction(lambda: course("conduct_law"))
    passed_on = dt.date(2025, 6, 1)
    expires_on = dt.date(2026, 6, 1)


def certify_for_visits(agent, *, expires_on=dt.date(2026, 6, 1), passed_on=dt.date(2025, 6, 1)):
    """Valid in the three courses every default visit purpose needs."""
    for code in ("communication", "counselling", "conduct_law"):
        CertificationFactory(
            agent=agent, course=course(code), passed_on=passed_on, expires_on=expires_on
        )


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    case = factory.SubFactory(CaseFactory)
    team = factory.SubFactory(TeamFactory)
    date = dt.date(2026, 3, 10)
    window_start = factory.LazyAttribute(
        lambda v: dt.datetime.combine(v.date, dt.time(9), tzinfo=SHANGHAI)
    )
    window_end = factory.LazyAttribute(
        lambda v: dt.datetime.combine(v.date, dt.time(12), tzinfo=SHANGHAI)
    )
    latitude = 22.54
    longitude = 114.05
    purpose = "first_contact"
    status = "reported"


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitReport

    visit = factory.SubFactory(VisitFactory)
    client_generated_id = factory.LazyFunction(uuid.uuid4)
    submitted_at = factory.LazyAttribute(
        lambda r: dt.datetime.combine(r.visit.date, dt.time(11), tzinfo=SHANGHAI)
    )
    outcome = "met_borrower"
    notes = "借款人说明失业原因，同意下周还款。"


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    received_on = dt.date(2026, 3, 5)
    channel = "phone"
    category = "rudeness"
    severity = "minor"
    content = "语气生硬"
