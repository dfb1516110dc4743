"""Factories for the test suite (factory_boy). Each app's tests import what they need from here."""

from __future__ import annotations

import datetime
import decimal

import factory

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.accounts.services import user_set_role
from fieldvisit.apps.loans.models import EmploymentType, IncomeBand
from fieldvisit.apps.organisation.models import AgentProfile, Branch, Team

PASSWORD = "correct horse battery staple"


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SZ{n:02d}")
    name = factory.Sequence(lambda n: f"深圳第{n}分行")
    city = "深圳"
    district = "福田区"
    latitude = 22.5410
    longitude = 114.0550


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"外访{n}组")
    branch = factory.SubFactory(BranchFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"员工{n}")
    role = Role.AGENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def in_role_group(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()
            user_set_role(user=self, role=Role(self.role))


class AgentFactory(UserFactory):
    role = Role.AGENT
    branch = factory.SelfAttribute("team.branch")
    team = factory.SubFactory(TeamFactory)
    profile = factory.RelatedFactory(
        "tests.factories.AgentProfileFactory", factory_related_name="user"
    )


class AgentProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentProfile

    home_latitude = 22.55
    home_longitude = 114.06


# --- Portfolio: borrowers, products, loans with their engine-built schedule, payments ---


class BorrowerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "loans.Borrower"

    borrower_no = factory.Sequence(lambda n: f"B{n:08d}")
    name = factory.Sequence(lambda n: f"借款人{n}")
    id_number = factory.Sequence(lambda n: f"110101199001{n:06d}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    gender = "F"
    birth_date = datetime.date(1990, 1, 1)
    city = "深圳"
    home_district = "福田区"
    home_address = "福田区深南大道1号"
    employment_type = EmploymentType.SALARIED
    income_band = IncomeBand.FROM_5K


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "loans.Product"
        django_get_or_create = ("code",)

    code = "CONSUMER"
    name = "消费贷"
    method = "equal_installment"


class LoanFactory(factory.django.DjangoModelFactory):
    """A loan with its schedule (version 1) built by the engine's ``build_schedule``."""

    class Meta:
        model = "loans.Loan"
        skip_postgeneration_save = True

    loan_no = factory.Sequence(lambda n: f"L{n:010d}")
    borrower = factory.SubFactory(BorrowerFactory)
    product = factory.SubFactory(ProductFactory)
    branch = factory.SubFactory(BranchFactory)
    principal = decimal.Decimal("12000.00")
    annual_rate = decimal.Decimal("0.120000")
    term_months = 12
    method = "equal_installment"
    first_due_date = datetime.date(2025, 1, 15)
    disbursed_on = factory.LazyAttribute(
        lambda loan: loan.first_due_date - datetime.timedelta(days=30)
    )
    sales_channel = "branch"

    @factory.post_generation
    def schedule(self, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        from fieldvisit.apps.loans.models import Installment
        from fieldvisit.engines.delinquency.schedule import LoanTerms, Method, build_schedule

        terms = LoanTerms(
            principal=decimal.Decimal(self.principal),
            annual_rate=decimal.Decimal(self.annual_rate),
            months=self.term_months,
            method=Method(self.method),
            first_due=self.first_due_date,
        )
        Installment.objects.bulk_create(
            Installment(
                loan=self,
                version=self.schedule_version,
                number=row.number,
                due_date=row.due_date,
                principal=row.principal,
                interest=row.interest,
            )
            for row in build_schedule(terms)
        )


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "loans.Payment"

    reference = factory.Sequence(lambda n: f"P{n:012d}")
    loan = factory.SubFactory(LoanFactory)
    paid_on = datetime.date(2025, 1, 15)
    amount = decimal.Decimal("100.00")
