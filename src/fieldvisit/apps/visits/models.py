"""Field visits as records: the visit, its check-in, the report (immutable), promises, tasks.

A :class:`Visit` is made from an approved plan stop the first time the team's route is opened;
it copies what the stop said (window, purpose, rule, explanation, brief, address point) so the
record stands even if the plan is later superseded. Its status follows
:mod:`fieldvisit.apps.visits.transitions` and every change writes a :class:`VisitEvent` in the
same transaction. A :class:`VisitReport` is never changed once written: a correction is a new
report that ``amends`` the original, and both are kept (records are evidence, kept ≥ 5 years).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.common.models import MoneyField, TimeStampedModel


class VisitStatus(models.TextChoices):
    # On an approved plan; nobody has arrived yet.
    PLANNED = "planned", _("Planned")
    # The team is at the door: the server recorded the time and the distance to the address.
    CHECKED_IN = "checked_in", _("Checked in")
    # The team left; the visit's duration is known. The report is still to be filed.
    CHECKED_OUT = "checked_out", _("Checked out")
    # The report is filed; it can no longer be edited.
    REPORTED = "reported", _("Reported")
    # The report was corrected by an amendment (a new report row; the original is kept).
    AMENDED = "amended", _("Amended")


class VisitEventKind(models.TextChoices):
    CREATED = "created", _("Created from the plan")
    STATUS = "status", _("Status changed")
    # A manager gave the planned visit to another team (data: from_team, to_team, reason).
    REASSIGNED = "reassigned", _("Reassigned to another team")
    # Something arrived for it from a team it was taken from, and was kept (data: held).
    HELD = "held", _("Submission kept for the manager")


class Outcome(models.TextChoices):
    MET_BORROWER = "met_borrower", _("Met the borrower")
    MET_FAMILY = "met_family", _("Met a family member")
    NOBODY_HOME = "nobody_home", _("Nobody home")
    ADDRESS_WRONG = "address_wrong", _("Address wrong")
    MOVED = "moved", _("Moved away")
    REFUSED = "refused", _("Refused to talk")
    HOSPITAL = "hospital", _("Borrower in hospital")
    DECEASED = "deceased", _("Borrower deceased")


# Outcomes where someone was spoken to: the situation and the agreement sections apply.
TALKED_OUTCOMES = frozenset({Outcome.MET_BORROWER, Outcome.MET_FAMILY})


class Cause(models.TextChoices):
    JOB_LOSS = "job_loss", _("Job loss or income cut")
    ILLNESS = "illness", _("Illness or injury (self or family)")
    BUSINESS_FAILURE = "business_failure", _("Business failure")
    OVER_INDEBTED = "over_indebted", _("Over-indebtedness")
    MONEY_MANAGEMENT = "money_management", _("Weak money management")
    MISSOLD = "missold", _("Did not understand the product or was mis-sold")
    DISPUTE = "dispute", _("Dispute with the lender")
    FRAUD = "fraud", _("Fraud or identity theft")
    DISASTER = "disaster", _("Disaster")
    UNWILLING = "unwilling", _("Unwilling to pay")
    OTHER = "other", _("Other")


# Causes that are a hardship (as opposed to a dispute or unwillingness): the brief lists them.
HARDSHIP_CAUSES = frozenset(
    {Cause.JOB_LOSS, Cause.ILLNESS, Cause.BUSINESS_FAILURE, Cause.OVER_INDEBTED, Cause.DISASTER}
)


class Employment(models.TextChoices):
    """The SFS employment statuses (compliance-rules.md §3.3)."""

    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    UNEMPLOYED = "unemployed", _("Unemployed")
    ILL_OR_DISABLED = "ill_or_disabled", _("Not working: illness or disability")
    RETIRED = "retired", _("Retired")
    CARER = "carer", _("Carer")
    STUDENT = "student", _("Student")
    OTHER = "other", _("Other")


class Housing(models.TextChoices):
    """The SFS housing tenures."""

    OWNER = "owner", _("Owner")
    MORTGAGE = "mortgage", _("Owner with a mortgage")
    WITH_PARENTS = "with_parents", _("Living with parents")
    TENANT_PRIVATE = "tenant_private", _("Tenant (private)")
    TENANT_SOCIAL = "tenant_social", _("Tenant (public housing)")
    OTHER = "other", _("Other")


class StateOfMind(models.TextChoices):
    CALM = "calm", _("Calm")
    ANXIOUS = "anxious", _("Anxious")
    DISTRESSED = "distressed", _("Distressed")
    # Marks the borrower vulnerable, puts the case on hold and shows where to refer them.
    CRISIS = "crisis", _("In crisis")


class Understood(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    NOT_ASKED = "not_asked", _("Not asked")


class Remedy(models.TextChoices):
    NONE = "none", _("None")
    DEFERRAL = "deferral", _("Pause payments for a while")
    LOWER_INSTALMENT = "lower_instalment", _("Lower instalments")
    LONGER_TERM = "longer_term", _("Longer term")
    INTEREST_WAIVER = "interest_waiver", _("Waive penalty interest")
    SETTLEMENT = "settlement", _("Settle for less")
    OTHER = "other", _("Other")


class NextStep(models.TextChoices):
    NONE = "none", _("Nothing more")
    CALL = "call", _("Call on the promise date")
    REVISIT = "revisit", _("Visit again")
    DOCUMENTS = "documents", _("Collect documents")
    REMEDY_REVIEW = "remedy_review", _("Review the remedy asked for")
    LEGAL_REVIEW = "legal_review", _("Refer to legal review")


class Visit(TimeStampedModel):
    plan_stop = models.OneToOneField(
        "planning.PlanStop",
        verbose_name=_("plan stop"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visit",
    )
    case = models.ForeignKey(
        "cases.CollectionCase",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    team = models.ForeignKey(
        "organisation.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="visits"
    )
    agents = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("agents"), related_name="field_visits"
    )
    date = models.DateField(_("date"))
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    arrival = models.DateTimeField(_("planned arrival"), null=True, blank=True)
    window_start = models.DateTimeField(_("window start"))
    window_end = models.DateTimeField(_("window end"))
    # The address point the plan routed to (the borrower's home unless the plan said otherwise).
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    travel_metres = models.PositiveIntegerField(_("travel from the previous stop (m)"), default=0)
    purpose = models.CharField(_("purpose"), max_length=24)
    rule_id = models.CharField(_("rule"), max_length=40, blank=True)
    explanation_zh = models.TextField(_("why (Chinese)"), blank=True)
    explanation_en = models.TextField(_("why (English)"), blank=True)
    brief_zh = models.TextField(_("brief (Chinese)"), blank=True)
    brief_en = models.TextField(_("brief (English)"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (s)"), null=True, blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["date", "team", "order", "id"]
        indexes = [
            models.Index(fields=["team", "date"], name="visit_team_date"),
            models.Index(fields=["case", "date"], name="visit_case_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} #{self.order} case {self.case_id}"

    @property
    def duration_minutes(self) -> int | None:
        return None if self.duration_seconds is None else round(self.duration_seconds / 60)


class VisitEvent(models.Model):
    """One row of a visit's timeline: who, when, from which status to which, and details."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("time"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=VisitEventKind.choices)
    from_status = models.CharField(
        _("from"), max_length=12, choices=VisitStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=VisitStatus.choices, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("visit event")
        verbose_name_plural = _("visit events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.kind}"


class CheckInFlag(models.TextChoices):
    """What the manager should look at on a check-in (``engines.evidence``)."""

    IMPLAUSIBLE_SPEED = "implausible_speed", _("Implausible movement since the previous check-in")
    DEVICE_CLOCK_AHEAD = "device_clock_ahead", _("Phone clock ahead of the server")
    DEVICE_CLOCK_STALE = "device_clock_stale", _("Phone time days old")
    SENT_LATE = "sent_late", _("Made offline and sent later")
    NO_REASON = "no_reason", _("Not at the address, sent offline without a reason")


class CheckInProblem(models.TextChoices):
    """Why a check-in does not count as at the address."""

    NO_POSITION = "no_position", _("No position")
    FAR = "far", _("Far from the address")
    VAGUE = "vague", _("Position too vague")
    NO_ACCURACY = "no_accuracy", _("Accuracy unknown")


class CheckIn(models.Model):
    """The team's arrival: where the phone said it was and how precisely, how far that is from
    the address (computed on the server, great-circle), and both clocks: the server's receipt
    and the phone's, which is the event time when it is plausible (a check-in made without a
    signal waits on the phone and arrives later)."""

    visit = models.OneToOneField(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="check_in"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    # Made by the phone: a resend of a queued check-in is the same check-in.
    client_generated_id = models.UUIDField(_("client id"), unique=True, null=True, blank=True)
    at = models.DateTimeField(_("time (server)"))
    device_at = models.DateTimeField(_("time (phone)"), null=True, blank=True)
    # The phone's time when believed (engines.evidence.event_time), else the server's.
    occurred_at = models.DateTimeField(_("time (recorded)"))
    at_address = models.BooleanField(_("at the address"), default=False)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    speed_kmh = models.FloatField(
        _("speed from the previous check-in (km/h)"), null=True, blank=True
    )
    # None: the phone gave no position (permission refused, no fix); a reason is then required.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(
        _("distance to the address (m)"), null=True, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        indexes = [models.Index(fields=["user", "occurred_at"], name="check_in_user_time")]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.at:%H:%M}"

    @property
    def flag_labels(self) -> list[str]:
        return [str(CheckInFlag(flag).label) for flag in self.flags if flag in CheckInFlag.values]

    @property
    def problem_labels(self) -> list[str]:
        return [str(CheckInProblem(p).label) for p in self.problems if p in CheckInProblem.values]


class ImmutableError(Exception):
    """An attempt to change or delete a submitted visit report."""


def _refuse(what: str) -> NoReturn:
    raise ImmutableError(f"visit reports cannot be changed once submitted: {what} refused")


class ReportQuerySet(models.QuerySet["VisitReport"]):
    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("update")

    def delete(self) -> NoReturn:
        _refuse("delete")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("bulk_update")


class VisitReport(models.Model):
    """What the team learned and agreed, as submitted. Never changed: amend with a new row."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="reports"
    )
    amends = models.ForeignKey(
        "self",
        verbose_name=_("amends"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
    )
    # Made by the phone before the first attempt: a retry or a double tap sends the same id.
    client_generated_id = models.UUIDField(_("client id"), unique=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    amendment_reason = models.TextField(_("why amended"), blank=True)

    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    met_relation = models.CharField(_("relation to the borrower"), max_length=50, blank=True)
    causes = models.JSONField(_("causes"), default=list, blank=True)
    cause_other = models.CharField(_("other cause"), max_length=200, blank=True)

    household_size = models.PositiveSmallIntegerField(
        _("people in the household"), null=True, blank=True
    )
    dependants = models.PositiveSmallIntegerField(_("dependants"), null=True, blank=True)
    employment = models.CharField(
        _("employment"), max_length=16, choices=Employment.choices, blank=True
    )
    housing = models.CharField(_("housing"), max_length=16, choices=Housing.choices, blank=True)
    living_conditions = models.TextField(_("living conditions"), blank=True)
    state_of_mind = models.CharField(
        _("state of mind"), max_length=12, choices=StateOfMind.choices, blank=True
    )

    # Totals of the money lines, as the restructuring engine adds them (monthly yuan).
    total_income = MoneyField(_("monthly income"), default=0)
    total_fixed_costs = MoneyField(_("fixed costs"), default=0)
    total_flexible_costs = MoneyField(_("flexible costs"), default=0)
    total_other_debts = MoneyField(_("other debts' payments"), default=0)
    disposable_income = MoneyField(_("disposable income"), default=0)

    understood_terms = models.CharField(
        _("understood the terms"), max_length=10, choices=Understood.choices, blank=True
    )
    mis_explained = models.TextField(_("what was mis-explained"), blank=True)
    rating_clarity = models.PositiveSmallIntegerField(_("clarity (1–5)"), null=True, blank=True)
    rating_fairness = models.PositiveSmallIntegerField(_("fairness (1–5)"), null=True, blank=True)
    rating_service = models.PositiveSmallIntegerField(_("service (1–5)"), null=True, blank=True)
    borrower_words = models.TextField(_("in their words"), blank=True)

    promise_amount = MoneyField(_("promised amount"), null=True, blank=True)
    promise_date = models.DateField(_("promised date"), null=True, blank=True)
    remedy_requested = models.CharField(
        _("remedy asked for"), max_length=20, choices=Remedy.choices, default=Remedy.NONE
    )
    next_step = models.CharField(
        _("next step"), max_length=16, choices=NextStep.choices, default=NextStep.NONE
    )
    next_step_date = models.DateField(_("next step on"), null=True, blank=True)
    next_step_note = models.TextField(_("next step note"), blank=True)
    # The borrower asked the team to come back (the planner reads it: EL-ASKED, and the 7-day
    # rule yields to it) until a later visit is made.
    borrower_asked_visit = models.BooleanField(
        _("the borrower asked to be visited again"), default=False
    )

    conduct_introduced = models.BooleanField(
        _("introduced ourselves and the purpose"), default=False
    )
    conduct_two_staff = models.BooleanField(_("two staff present"), default=False)
    conduct_no_third_party = models.BooleanField(
        _("no third party told of the debt"), default=False
    )
    conduct_consent_asked = models.BooleanField(
        _("consent asked before photos or recording"), default=False
    )
    # The team never takes money: payment goes through the lender's official channel only.
    conduct_no_cash = models.BooleanField(_("no cash collected"), default=False)
    photo_consent = models.BooleanField(_("consent to photos"), default=False)
    recording_consent = models.BooleanField(_("consent to recording"), default=False)
    audio_reference = models.CharField(_("audio recording reference"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit report")
        verbose_name_plural = _("visit reports")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(promise_amount__isnull=True, promise_date__isnull=True)
                    | models.Q(promise_amount__gt=0, promise_date__isnull=False)
                ),
                name="report_promise_amount_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"report {self.pk} visit {self.visit_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse("save")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("delete")


class MoneySection(models.TextChoices):
    INCOME = "income", _("Monthly income")
    FIXED = "fixed", _("Fixed costs")
    FLEXIBLE = "flexible", _("Flexible costs")
    DEBTS = "debts", _("Other debts' payments")


class MoneyLine(models.Model):
    """One monthly amount of a report's income and spending (categories: ``sfs.py``)."""

    report = models.ForeignKey(
        VisitReport, verbose_name=_("report"), on_delete=models.PROTECT, related_name="money_lines"
    )
    section = models.CharField(_("section"), max_length=10, choices=MoneySection.choices)
    category = models.CharField(_("category"), max_length=32)
    amount = MoneyField(_("amount a month"))

    class Meta:
        verbose_name = _("income or spending line")
        verbose_name_plural = _("income and spending lines")
        ordering = ["report", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="money_line_not_negative"
            ),
            models.UniqueConstraint(
                fields=["report", "category"], name="money_line_one_per_category"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.category} {self.amount}"


class ReportPhoto(models.Model):
    """A photo taken with the borrower's recorded consent, stored through Django's storage.

    ``file`` is what the phone sent, kept unchanged as evidence (``sha256`` is its hash) and
    never shown; ``display_file`` is the copy people see: upright, smaller, without any
    metadata (no EXIF position), watermarked when shown (``photos.py``).
    """

    report = models.ForeignKey(
        VisitReport, verbose_name=_("report"), on_delete=models.PROTECT, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to="visit-photos/%Y/%m/")
    display_file = models.FileField(
        _("display copy"), upload_to="visit-photos/display/%Y/%m/", blank=True
    )
    content_type = models.CharField(_("type"), max_length=32)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")

    def __str__(self) -> str:
        return self.file.name or ""


class HeldKind(models.TextChoices):
    CHECK_IN = "check_in", _("Check-in")
    REPORT = "report", _("Report")


class HeldStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the manager")
    REVIEWED = "reviewed", _("Seen by the manager")


class HeldSubmission(TimeStampedModel):
    """A check-in or report that arrived for a visit no longer its sender's: a phone without a
    signal saved the day's route, and a manager reassigned the visit before what was recorded
    there reached the server. It is not filed on the visit (the new team's record is the
    visit's), and not lost either: it is kept as it came, with both clocks, for the manager.
    """

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="held_submissions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=HeldKind.choices)
    # The phone's id for it: a resend is the same submission.
    client_generated_id = models.UUIDField(_("client id"), unique=True)
    received_at = models.DateTimeField(_("received at"))
    device_at = models.DateTimeField(_("made at (phone)"), null=True, blank=True)
    reason = models.CharField(_("why kept"), max_length=24, default="visit_reassigned")
    # What the phone sent, field by field as it came (and, for a check-in, the distance).
    data = models.JSONField(_("as sent"), default=dict)
    # Photos stored through the storage API: [{"name", "sha256", "content_type", "size"}].
    photos = models.JSONField(_("photos"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=HeldStatus.choices, default=HeldStatus.OPEN
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        verbose_name = _("kept submission")
        verbose_name_plural = _("kept submissions")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "received_at"], name="held_status_received")]

    def __str__(self) -> str:
        return f"{self.kind} for visit {self.visit_id} by {self.user_id}"


class PromiseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    PARTLY_KEPT = "partly_kept", _("Partly kept")
    BROKEN = "broken", _("Broken")


class PromiseToPay(TimeStampedModel):
    case = models.ForeignKey(
        "cases.CollectionCase",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="promises",
    )
    report = models.ForeignKey(
        VisitReport, verbose_name=_("report"), on_delete=models.PROTECT, related_name="promises"
    )
    amount = MoneyField(_("amount"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=PromiseStatus.choices, default=PromiseStatus.OPEN
    )

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        ordering = ["-due_on", "-id"]
        indexes = [models.Index(fields=["status", "due_on"], name="promise_status_due")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="promise_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.amount} by {self.due_on}"


class TaskKind(models.TextChoices):
    CALL = "call", _("Call on the promise date")
    REVISIT = "revisit", _("Visit again")
    DOCUMENTS = "documents", _("Collect documents")
    REMEDY_REVIEW = "remedy_review", _("Review the remedy asked for")
    LEGAL_REVIEW = "legal_review", _("Legal review")


class TaskState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class FollowUpTask(TimeStampedModel):
    case = models.ForeignKey(
        "cases.CollectionCase",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    report = models.ForeignKey(
        VisitReport,
        verbose_name=_("report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=TaskKind.choices)
    due_on = models.DateField(_("due on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up_tasks",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=TaskState.choices, default=TaskState.OPEN
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["assignee", "state", "due_on"], name="task_assignee_due")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.due_on}"
