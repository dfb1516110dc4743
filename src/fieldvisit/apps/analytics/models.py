"""Summary tables the nightly batch writes (``refresh.py``) and the dashboards read.

No personal data: every row is a count or a sum over loans or cases, keyed by product, branch,
district (the borrower's home district, as on the case) and a date. Ids of products and branches
are plain integers (no foreign key): the tables are derived, rebuilt by the batch, and must not
block the deletion of a product or branch nobody uses any more.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimensions(models.Model):
    product_id = models.IntegerField(_("product"))
    branch_id = models.IntegerField(_("branch"))
    district = models.CharField(_("district"), max_length=50)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class PortfolioMonth(Dimensions):
    """Loans and balances on a full-write day (month end) per bucket and five-category class."""

    as_of = models.DateField(_("as of"))
    bucket = models.CharField(_("bucket"), max_length=8)
    classification = models.CharField(_("class"), max_length=16)
    loans = models.PositiveIntegerField(_("loans"))
    outstanding = models.DecimalField(
        _("outstanding principal"), max_digits=18, decimal_places=2, default=0
    )
    overdue = models.DecimalField(
        _("overdue principal and interest"), max_digits=18, decimal_places=2, default=0
    )
    penalty = models.DecimalField(
        _("penalty and compound interest"), max_digits=18, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = _("portfolio by month")
        verbose_name_plural = _("portfolio by month")
        indexes = [models.Index(fields=["as_of", "product_id"], name="an_portfolio_day")]


class RollMonth(Dimensions):
    """Loans in ``from_bucket`` on the previous full-write day found in ``to_bucket`` on
    ``as_of`` ("" = no row any more: left the book)."""

    as_of = models.DateField(_("as of"))
    previous = models.DateField(_("previous month end"))
    from_bucket = models.CharField(_("from"), max_length=8)
    to_bucket = models.CharField(_("to"), max_length=8, blank=True)
    loans = models.PositiveIntegerField(_("loans"))

    class Meta:
        verbose_name = _("roll by month")
        verbose_name_plural = _("rolls by month")
        indexes = [models.Index(fields=["as_of", "product_id"], name="an_roll_day")]


class VintageMonth(Dimensions):
    """Loans of an origination month on a full-write day, and how many were 30+ DPD."""

    as_of = models.DateField(_("as of"))
    vintage = models.DateField(_("origination month"))
    months_on_book = models.PositiveSmallIntegerField(_("months on book"))
    loans = models.PositiveIntegerField(_("loans"))
    bad = models.PositiveIntegerField(_("30+ days past due"))

    class Meta:
        verbose_name = _("vintage by month")
        verbose_name_plural = _("vintages by month")
        indexes = [models.Index(fields=["as_of", "product_id"], name="an_vintage_day")]


class UnitKind(models.TextChoices):
    # Open at the month end, not visited and without a remedy in the window: a comparison case.
    CONTROL = "control", _("Not visited")
    VISIT = "visit", _("Visited")
    REMEDY = "remedy", _("Remedy applied")


class EffectCell(Dimensions):
    """Cases open at ``month_end`` in one stratum, and how many cured within 30 and 60 days.

    For a visited case the clock starts on its first visit in the 30 days after the month end
    (``label`` = the visit's purpose, ``cause`` = the first cause its report recorded); for a
    remedy, on the day it was applied (``label`` = the remedy kind); for a comparison case, 15
    days after the month end (the middle of the window), if it is still open then. ``n30`` /
    ``n60`` count only the cases whose whole window has passed.
    """

    month_end = models.DateField(_("month end"))
    bucket = models.CharField(_("bucket"), max_length=8)
    amount_band = models.CharField(_("amount band"), max_length=16)
    kind = models.CharField(_("kind"), max_length=8, choices=UnitKind.choices)
    label = models.CharField(_("purpose or remedy"), max_length=40, blank=True)
    cause = models.CharField(_("cause"), max_length=24, blank=True)
    n30 = models.PositiveIntegerField(default=0)
    cured30 = models.PositiveIntegerField(default=0)
    n60 = models.PositiveIntegerField(default=0)
    cured60 = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("visit effect cell")
        verbose_name_plural = _("visit effect cells")
        indexes = [models.Index(fields=["month_end", "kind"], name="an_effect_month")]


class CauseMonth(Dimensions):
    """Visit reports (their current version) submitted in ``month``, per income band and cause
    recorded; the row with ``cause`` "" counts the reports themselves (a report may give
    several causes)."""

    month = models.DateField(_("month"))
    income_band = models.CharField(_("income band"), max_length=10, blank=True)
    cause = models.CharField(_("cause"), max_length=24, blank=True)
    reports = models.PositiveIntegerField(_("reports"))

    class Meta:
        verbose_name = _("causes by month")
        verbose_name_plural = _("causes by month")
        indexes = [models.Index(fields=["month", "product_id"], name="an_cause_month")]


class FeedbackMonth(Dimensions):
    """Visit reports (current versions) of ``month`` per sales channel: ratings (sums and how
    many gave each) and mis-selling signals (did not understand, mis-explained, or mis-sold)."""

    month = models.DateField(_("month"))
    sales_channel = models.CharField(_("sales channel"), max_length=10, blank=True)
    reports = models.PositiveIntegerField(_("reports"))
    signals = models.PositiveIntegerField(_("mis-selling signals"))
    clarity_sum = models.PositiveIntegerField(default=0)
    clarity_n = models.PositiveIntegerField(default=0)
    fairness_sum = models.PositiveIntegerField(default=0)
    fairness_n = models.PositiveIntegerField(default=0)
    service_sum = models.PositiveIntegerField(default=0)
    service_n = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("feedback by month")
        verbose_name_plural = _("feedback by month")
        indexes = [models.Index(fields=["month", "product_id"], name="an_feedback_month")]
