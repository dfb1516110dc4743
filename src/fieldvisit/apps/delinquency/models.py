"""The stored delinquency snapshot, the record of each nightly run, and the policy as rows.

A snapshot row is the one-loan engine's figures for one loan at the end of day ``as_of``. Rows are
written sparsely (delinquent loans, loans whose figures changed, every loan at month end): read
``README.md`` beside this file for the rule and how to get "the state of loan X on day D".
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.common.models import MoneyField, TimeStampedModel
from fieldvisit.engines.delinquency.errors import InvalidField
from fieldvisit.engines.delinquency.policy import DelinquencyPolicy, LoanClass


class Classification(models.TextChoices):
    NORMAL = LoanClass.NORMAL.value, _("Normal (正常)")
    SPECIAL_MENTION = LoanClass.SPECIAL_MENTION.value, _("Special mention (关注)")
    SUBSTANDARD = LoanClass.SUBSTANDARD.value, _("Substandard (次级)")
    DOUBTFUL = LoanClass.DOUBTFUL.value, _("Doubtful (可疑)")
    LOSS = LoanClass.LOSS.value, _("Loss (损失)")


class DelinquencySnapshot(models.Model):
    """One loan's delinquency at the end of ``as_of``; money in yuan, rounded to the cent.

    Written by :func:`fieldvisit.apps.delinquency.services.snapshot_run` only, in bulk.
    """

    as_of = models.DateField(_("as of"))
    # No single-column index: the (loan, as_of) index below serves every lookup by loan.
    loan = models.ForeignKey(
        "loans.Loan",
        verbose_name=_("loan"),
        on_delete=models.PROTECT,
        related_name="delinquency_snapshots",
        db_index=False,
    )
    dpd = models.PositiveIntegerField(_("days past due"))
    bucket = models.CharField(_("bucket"), max_length=8)
    classification = models.CharField(
        _("five-category class"), max_length=16, choices=Classification.choices
    )
    in_observation = models.BooleanField(_("restructured, in observation"))
    overdue_principal = MoneyField(_("overdue principal"))
    overdue_interest = MoneyField(_("overdue interest"))
    penalty_interest = MoneyField(_("penalty interest (罚息)"))
    compound_interest = MoneyField(_("compound interest (复利)"))
    outstanding_principal = MoneyField(_("outstanding principal"))
    total_due = MoneyField(_("total due"))

    class Meta:
        verbose_name = _("delinquency snapshot")
        verbose_name_plural = _("delinquency snapshots")
        constraints = [
            models.UniqueConstraint(fields=["as_of", "loan"], name="snapshot_unique_day_loan"),
        ]
        indexes = [
            models.Index(fields=["as_of", "bucket"], name="snapshot_day_bucket"),
            models.Index(fields=["loan", "as_of"], name="snapshot_loan_day"),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id}@{self.as_of} {self.bucket}"


#: The figures a snapshot row stores, in the order COPY writes them (after as_of and loan_id).
SNAPSHOT_FIGURES: tuple[str, ...] = (
    "dpd",
    "bucket",
    "classification",
    "in_observation",
    "overdue_principal",
    "overdue_interest",
    "penalty_interest",
    "compound_interest",
    "outstanding_principal",
    "total_due",
)
SNAPSHOT_MONEY: tuple[str, ...] = SNAPSHOT_FIGURES[4:]


class SnapshotRunStatus(models.TextChoices):
    # The row exists (it is what concurrent runs lock) but no run of this day has committed.
    PENDING = "pending", _("Pending")
    # The day's snapshot rows are those of the run recorded here.
    DONE = "done", _("Done")


class SnapshotRun(TimeStampedModel):
    """The record of the nightly run for one ``as_of``: one row per day, locked while it runs.

    A failed attempt rolls back everything it wrote and leaves the previous run's figures here;
    only ``last_error`` and ``last_failed_at`` tell of it.
    """

    as_of = models.DateField(_("as of"), unique=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SnapshotRunStatus.choices,
        default=SnapshotRunStatus.PENDING,
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    loans_assessed = models.PositiveIntegerField(_("loans assessed"), default=0)
    loans_skipped = models.PositiveIntegerField(_("loans skipped (no schedule)"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    full_write = models.BooleanField(
        _("every loan written"),
        default=False,
        help_text=_("Month end, or the first run: a row for every loan of the book."),
    )
    by_bucket = models.JSONField(
        _("summary by bucket"),
        default=dict,
        help_text=_("Per bucket: loans, outstanding principal and overdue amount (yuan)."),
    )
    policy = models.JSONField(_("policy used"), default=dict)
    timings = models.JSONField(_("seconds per step"), default=dict)
    last_error = models.TextField(_("last error"), blank=True)
    last_failed_at = models.DateTimeField(_("last failed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("snapshot run")
        verbose_name_plural = _("snapshot runs")
        ordering = ["-as_of"]

    def __str__(self) -> str:
        return f"{self.as_of} {self.status}"


class PolicyKey(models.TextChoices):
    PENALTY_MARKUP = "penalty_markup", _("Penalty markup (fraction, 0.5 = +50 %)")
    CAP_ANNUAL_RATE = "cap_annual_rate", _("Penalty rate cap (annual fraction)")
    BUCKET_EDGES = "bucket_edges", _("Bucket edges (highest DPD of M0, M1, …)")
    ALLOCATION_ORDER = "allocation_order", _("Allocation order within an instalment")
    CASE_OPEN_DPD = "case_open_dpd", _("DPD that opens a case")
    CLASSIFICATION_EDGES = "classification_edges", _("Five-category class edges (DPD)")


class DelinquencyPolicyRow(TimeStampedModel):
    """One setting of the delinquency policy, in force from ``effective_from``.

    The policy for a day D takes, for every key, the row with the latest ``effective_from`` ≤ D;
    keys without a row keep the engine's default. So a past day is always re-run with the policy
    it had. Values are JSON: rates as strings (``"0.5"``, never a float), edges as lists of
    integers, the allocation order as a list of component names.
    """

    key = models.CharField(_("setting"), max_length=32, choices=PolicyKey.choices)
    value = models.JSONField(_("value"))
    effective_from = models.DateField(_("effective from"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("delinquency policy setting")
        verbose_name_plural = _("delinquency policy settings")
        ordering = ["key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "effective_from"], name="policy_row_unique_key_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} from {self.effective_from}"

    def clean(self) -> None:
        """Reject a value the engine's policy would refuse, naming the setting."""
        try:
            DelinquencyPolicy.from_mapping({self.key: self.value})
        except InvalidField as exc:
            raise ValidationError({"value": str(exc)}) from None
