"""Factories for the planning tests: certificates, snapshots, contact attempts, plan settings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from fieldvisit.apps.cases.models import ContactAttempt
from fieldvisit.apps.delinquency.models import DelinquencySnapshot
from fieldvisit.apps.planning.models import TeamPlanningSettings
from fieldvisit.apps.training.models import Certification, Course


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        django_get_or_create = ("code",)

    code = "FV-COMPLIANCE"
    name = factory.LazyAttribute(lambda c: c.code)


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    number = factory.Sequence(lambda n: f"C{n:06d}")
    course = factory.SubFactory(CourseFactory)
    passed_on = dt.date(2025, 6, 1)
    expires_on = dt.date(2026, 6, 1)


class SnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DelinquencySnapshot

    as_of = dt.date(2026, 3, 9)
    dpd = 75
    bucket = "M3"
    classification = "special_mention"
    in_observation = False
    overdue_principal = Decimal("3000.00")
    overdue_interest = Decimal("360.00")
    penalty_interest = Decimal("20.00")
    compound_interest = Decimal("1.00")
    outstanding_principal = Decimal("9000.00")
    total_due = Decimal("3381.00")


class ContactAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactAttempt

    borrower = factory.SelfAttribute("case.loan.borrower")
    channel = "call"
    target = "borrower"
    outcome = "no_answer"


class TeamPlanningSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamPlanningSettings
