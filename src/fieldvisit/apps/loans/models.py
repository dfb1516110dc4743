"""The portfolio as the core lending system exports it: borrowers, products, loans, payments.

Natural keys (borrower number, product code, loan number, payment reference) come from the core
system and are what imports update by; database ids never leave this system.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.common.models import MoneyField, TimeStampedModel
from fieldvisit.apps.organisation.models import LATITUDE, LONGITUDE

NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


class RepaymentMethod(models.TextChoices):
    EQUAL_INSTALLMENT = "equal_installment", _("Equal instalments (等额本息)")
    EQUAL_PRINCIPAL = "equal_principal", _("Equal principal (等额本金)")
    INTEREST_ONLY = "interest_only", _("Interest only, principal at the end (先息后本)")


class EmploymentType(models.TextChoices):
    SALARIED = "salaried", _("Salaried")
    CIVIL_SERVANT = "civil_servant", _("Civil servant")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    BUSINESS_OWNER = "business_owner", _("Business owner")
    GIG = "gig_worker", _("Gig or informal work")
    UNEMPLOYED = "unemployed", _("Unemployed")
    RETIRED = "retired", _("Retired")
    STUDENT = "student", _("Student")


class IncomeBand(models.TextChoices):
    UNDER_5K = "lt_5k", _("Under 5,000 a month")
    FROM_5K = "5k_10k", _("5,000–10,000 a month")
    FROM_10K = "10k_20k", _("10,000–20,000 a month")
    FROM_20K = "20k_50k", _("20,000–50,000 a month")
    OVER_50K = "ge_50k", _("50,000 or more a month")


class SalesChannel(models.TextChoices):
    BRANCH = "branch", _("Branch")
    ONLINE = "online", _("Online")
    AGENT = "agent", _("Sales agent (DSA)")
    PARTNER = "partner", _("Partner")


class LoanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SETTLED = "settled", _("Settled")
    WRITTEN_OFF = "written_off", _("Written off")


class Borrower(TimeStampedModel):
    """A borrower. ID number, phone and exact addresses are personal information (PIPL):
    pages show them masked unless the user may reveal them, and every reveal is audited."""

    borrower_no = models.CharField(_("borrower number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    id_number = models.CharField(_("resident ID number"), max_length=18, unique=True)
    phone = models.CharField(_("mobile number"), max_length=20)
    gender = models.CharField(
        _("gender"), max_length=1, choices=[("M", _("Male")), ("F", _("Female"))]
    )
    birth_date = models.DateField(_("date of birth"))
    city = models.CharField(_("city"), max_length=50, blank=True)
    home_district = models.CharField(_("home district"), max_length=50, db_index=True)
    home_subdistrict = models.CharField(_("home sub-district"), max_length=50, blank=True)
    home_address = models.CharField(_("home address"), max_length=200)
    home_latitude = models.FloatField(
        _("home latitude"), null=True, blank=True, validators=LATITUDE
    )
    home_longitude = models.FloatField(
        _("home longitude"), null=True, blank=True, validators=LONGITUDE
    )
    work_district = models.CharField(_("work district"), max_length=50, blank=True)
    work_subdistrict = models.CharField(_("work sub-district"), max_length=50, blank=True)
    work_address = models.CharField(_("work address"), max_length=200, blank=True)
    work_latitude = models.FloatField(
        _("work latitude"), null=True, blank=True, validators=LATITUDE
    )
    work_longitude = models.FloatField(
        _("work longitude"), null=True, blank=True, validators=LONGITUDE
    )
    employment_type = models.CharField(
        _("employment"), max_length=20, choices=EmploymentType.choices
    )
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    income_band = models.CharField(_("income band"), max_length=10, choices=IncomeBand.choices)
    preferred_visit_start = models.TimeField(_("preferred visit from"), null=True, blank=True)
    preferred_visit_end = models.TimeField(_("preferred visit until"), null=True, blank=True)

    class Meta:
        verbose_name = _("borrower")
        verbose_name_plural = _("borrowers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(preferred_visit_start__isnull=True)
                | models.Q(preferred_visit_end__gt=models.F("preferred_visit_start")),
                name="borrower_preferred_window_is_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.borrower_no} {self.name}"


class Product(TimeStampedModel):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    # A product may offer several methods (``repayment_methods``); each loan names its own.
    method = models.CharField(
        _("repayment method"), max_length=20, choices=RepaymentMethod.choices, blank=True
    )
    repayment_methods = models.CharField(
        _("repayment methods"), max_length=100, blank=True, help_text=_("Comma-separated.")
    )
    min_amount = MoneyField(_("minimum amount"), null=True, blank=True, validators=NON_NEGATIVE)
    max_amount = MoneyField(_("maximum amount"), null=True, blank=True, validators=NON_NEGATIVE)
    min_annual_rate = models.DecimalField(
        _("minimum annual rate"), max_digits=8, decimal_places=6, null=True, blank=True
    )
    max_annual_rate = models.DecimalField(
        _("maximum annual rate"), max_digits=8, decimal_places=6, null=True, blank=True
    )
    terms_months = models.CharField(
        _("terms (months)"), max_length=100, blank=True, help_text=_("Comma-separated.")
    )
    channels = models.CharField(
        _("sales channels"), max_length=100, blank=True, help_text=_("Comma-separated.")
    )
    secured = models.BooleanField(_("secured"), default=False)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Loan(TimeStampedModel):
    loan_no = models.CharField(_("loan number"), max_length=32, unique=True)
    borrower = models.ForeignKey(
        Borrower, verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="loans"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="loans"
    )
    branch = models.ForeignKey(
        "organisation.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="loans",
    )
    principal = MoneyField(_("principal"), validators=NON_NEGATIVE)
    annual_rate = models.DecimalField(
        _("annual rate"),
        max_digits=8,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    method = models.CharField(_("repayment method"), max_length=20, choices=RepaymentMethod.choices)
    disbursed_on = models.DateField(_("disbursed on"))
    first_due_date = models.DateField(_("first due date"))
    maturity_date = models.DateField(_("maturity date"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    sales_channel = models.CharField(
        _("sales channel"), max_length=10, choices=SalesChannel.choices
    )
    status = models.CharField(
        _("status"), max_length=12, choices=LoanStatus.choices, default=LoanStatus.ACTIVE
    )
    restructured_on = models.DateField(_("restructured on"), null=True, blank=True)
    schedule_version = models.PositiveSmallIntegerField(_("schedule version"), default=1)

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(principal__gt=0), name="loan_principal_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(first_due_date__gt=models.F("disbursed_on")),
                name="loan_first_due_after_disbursement",
            ),
        ]

    def __str__(self) -> str:
        return self.loan_no


class Installment(models.Model):
    """One row of a loan's schedule. A restructuring writes a new version; old ones stay."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.CASCADE, related_name="installments"
    )
    version = models.PositiveSmallIntegerField(_("schedule version"), default=1)
    number = models.PositiveSmallIntegerField(_("number"))
    due_date = models.DateField(_("due date"))
    principal = MoneyField(_("principal"), validators=NON_NEGATIVE)
    interest = MoneyField(_("interest"), validators=NON_NEGATIVE)

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["loan", "version", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "version", "number"], name="installment_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id}#{self.number}"


class Payment(models.Model):
    """Money received from the borrower, as the core system booked it."""

    reference = models.CharField(_("payment reference"), max_length=40, unique=True)
    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="payments"
    )
    paid_on = models.DateField(_("paid on"), db_index=True)
    amount = MoneyField(_("amount"))
    channel = models.CharField(_("channel"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [models.Index(fields=["loan", "paid_on"], name="payment_loan_date")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive")
        ]

    def __str__(self) -> str:
        return self.reference
