"""Factories for borrowers, loans, schedules and cases (the case tests' portfolio)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from fieldvisit.apps.cases.models import CaseStatus, CollectionCase
from fieldvisit.apps.loans.models import Borrower, Installment, Loan, Product
from tests.factories import BranchFactory

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(n: int, region: str = "440304", birth: str = "19900307") -> str:
    """A valid 18-digit resident ID number (GB 11643 check digit)."""
    body = f"{region}{birth}{n % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("code",)

    code = "CONSUMER"
    name = "消费贷"
    name_en = "Consumer loan"
    method = "equal_installment"


class BorrowerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Borrower

    borrower_no = factory.Sequence(lambda n: f"B{n:06d}")
    name = factory.Sequence(lambda n: f"借款人{n}")
    id_number = factory.Sequence(id_number)
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    gender = "M"
    birth_date = dt.date(1990, 3, 7)
    city = "深圳"
    home_district = "南山区"
    home_address = factory.Sequence(lambda n: f"深圳市南山区科技园路{n}号")
    employment_type = "salaried"
    income_band = "5k-10k"


class LoanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Loan

    loan_no = factory.Sequence(lambda n: f"L{n:07d}")
    borrower = factory.SubFactory(BorrowerFactory)
    product = factory.SubFactory(ProductFactory)
    branch = factory.SubFactory(BranchFactory)
    principal = Decimal("12000.00")
    annual_rate = Decimal("0.120000")
    term_months = 12
    method = "equal_installment"
    disbursed_on = dt.date(2025, 1, 5)
    first_due_date = dt.date(2025, 2, 5)
    sales_channel = "branch"


def schedule(loan: Loan, months: int = 12) -> list[Installment]:
    """A flat schedule: 1,000.00 principal and 120.00 interest a month from the first due date."""
    from fieldvisit.engines.delinquency import add_months

    return Installment.objects.bulk_create(
        Installment(
            loan=loan,
            number=i + 1,
            due_date=add_months(loan.first_due_date, i),
            principal=Decimal("1000.00"),
            interest=Decimal("120.00"),
        )
        for i in range(months)
    )


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollectionCase

    loan = factory.SubFactory(LoanFactory)
    branch = factory.SelfAttribute("loan.branch")
    district = factory.SelfAttribute("loan.borrower.home_district")
    status = CaseStatus.NEW
    opened_on = dt.date(2026, 3, 1)
    snapshot_as_of = dt.date(2026, 3, 9)
    dpd = 40
    bucket = "M2"
    amount_due = Decimal("2300.00")
