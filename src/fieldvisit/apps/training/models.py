"""Training, certification and visit quality: courses and sessions, the certificates passing a
session grants, QA reviews of visit reports, complaints, and suspensions from field work.

Only certified staff (a certification valid on the visit day) are assigned to field visits, and a
suspended agent is assigned to none (:mod:`fieldvisit.apps.training.selectors`). A certification
is valid from ``passed_on`` up to the day before ``expires_on``: on ``expires_on`` it has lapsed.
Which certifications a visit purpose needs is the visit strategy's ``required_certifications``
(engines.scoring), matched to course codes (see the app's README).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.common.models import TimeStampedModel

SCORE_MAX = Decimal(100)


class Course(TimeStampedModel):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    # A pass certifies for this many months (clamped to the month's last day, as due dates are).
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"), default=12, validators=[MinValueValidator(1)]
    )
    # Scores are out of 100; a score at or above the pass mark passes.
    pass_mark = models.DecimalField(
        _("pass mark"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(60),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(SCORE_MAX)],
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SessionStatus(models.TextChoices):
    # Announced; attendees invited. Attendance and scores can be recorded.
    SCHEDULED = "scheduled", _("Scheduled")
    # Results are final; passing attendees hold certifications.
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class TrainingSession(TimeStampedModel):
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="sessions"
    )
    date = models.DateField(_("date"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        on_delete=models.PROTECT,
        related_name="training_sessions_given",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    notes = models.TextField(_("notes"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.course} {self.date}"


class SessionAttendee(models.Model):
    """An invited agent: whether they attended, their score, the certification a pass gave."""

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="attendees",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="training_attendance",
    )
    # None until the trainer records it.
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(SCORE_MAX)],
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["session", "agent_id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "agent"], name="one_attendance_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.agent_id}"


class SessionMaterial(models.Model):
    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="training/%Y/%m/")
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["session", "id"]

    def __str__(self) -> str:
        return self.title


class Certification(TimeStampedModel):
    number = models.CharField(_("certificate number"), max_length=32, unique=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="certifications",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="certifications"
    )
    passed_on = models.DateField(_("passed on"))
    expires_on = models.DateField(_("expires on"))
    # The session that granted it; None for an imported certificate.
    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certifications",
    )

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["agent", "course", "-passed_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("passed_on")),
                name="certification_expires_after_passing",
            )
        ]
        indexes = [models.Index(fields=["expires_on"], name="certification_expires_on")]

    def __str__(self) -> str:
        return self.number

    def valid_on(self, day: dt.date) -> bool:
        return self.passed_on <= day < self.expires_on


class ComplaintChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    LETTER = "letter", _("Letter or email")
    ONLINE = "online", _("App or website")
    REGULATOR = "regulator", _("Via a regulator")


class ComplaintCategory(models.TextChoices):
    RUDENESS = "rudeness", _("Rude or disrespectful")
    THREAT = "threat", _("Threats or intimidation")
    THIRD_PARTY = "third_party", _("Debt told to others")
    PRIVACY = "privacy", _("Misuse of personal data")
    MISLEADING = "misleading", _("Misleading statements")
    HOURS = "hours", _("Visit at a forbidden time")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MODERATE = "moderate", _("Moderate")
    # Suspends the agent from field visits until a manager clears it, and flags retraining.
    SERIOUS = "serious", _("Serious")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class Complaint(TimeStampedModel):
    """A borrower's complaint against an agent, about a visit or in general."""

    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("channel"), max_length=12, choices=ComplaintChannel.choices)
    category = models.CharField(_("type"), max_length=12, choices=ComplaintCategory.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    content = models.TextField(_("content"))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="complaints_against",
    )
    case = models.ForeignKey(
        "cases.CollectionCase",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    visit = models.ForeignKey(
        "visits.Visit",
        verbose_name=_("visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    # Set when QA closes the complaint: until then the borrower is not visited (EX-COMPLAINT).
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category} {self.severity}"


class AgentSuspension(TimeStampedModel):
    """The agent may not be assigned to field visits from ``started_on`` until a manager clears it
    (assignable again from ``cleared_on``). At most one open suspension per agent."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="suspensions",
    )
    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suspensions",
    )
    started_on = models.DateField(_("suspended from"))
    reason = models.TextField(_("reason"))
    cleared_on = models.DateField(_("cleared on"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cleared by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    clear_note = models.TextField(_("why cleared"), blank=True)

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent"],
                condition=models.Q(cleared_on__isnull=True),
                name="one_open_suspension_per_agent",
            ),
            models.CheckConstraint(
                condition=models.Q(cleared_on__isnull=True)
                | models.Q(cleared_on__gte=models.F("started_on")),
                name="suspension_cleared_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.started_on}"

    def active_on(self, day: dt.date) -> bool:
        return self.started_on <= day and (self.cleared_on is None or day < self.cleared_on)


class SuspensionEventKind(models.TextChoices):
    STARTED = "started", _("Suspended")
    COMPLAINT = "complaint", _("Another serious complaint")
    CLEARED = "cleared", _("Cleared")


class SuspensionEvent(models.Model):
    suspension = models.ForeignKey(
        AgentSuspension,
        verbose_name=_("suspension"),
        on_delete=models.CASCADE,
        related_name="events",
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
    kind = models.CharField(_("kind"), max_length=12, choices=SuspensionEventKind.choices)
    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("suspension event")
        verbose_name_plural = _("suspension events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.suspension_id} {self.kind}"


class Retraining(TimeStampedModel):
    """An agent must pass ``course`` again; done when they pass a session of it after
    ``raised_on``."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="retrainings",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="+"
    )
    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retrainings",
    )
    raised_on = models.DateField(_("raised on"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    certification = models.ForeignKey(
        Certification,
        verbose_name=_("certification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("retraining")
        verbose_name_plural = _("retrainings")
        ordering = ["-raised_on", "-id"]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.course_id}"


class QADraw(TimeStampedModel):
    """One monthly sample drawn by engines.quality: month, seed and policy make it reproducible."""

    month = models.DateField(_("month"))
    seed = models.BigIntegerField(_("seed"))
    policy = models.JSONField(_("policy"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reports = models.PositiveIntegerField(_("reports submitted"), default=0)
    drawn = models.PositiveIntegerField(_("reports drawn"), default=0)

    class Meta:
        verbose_name = _("QA draw")
        verbose_name_plural = _("QA draws")
        ordering = ["-month", "-id"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} seed {self.seed}"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    DONE = "done", _("Reviewed")


CHECKLIST = ("conduct", "empathy", "accuracy", "compliance")
CHECK_SCORE = [MinValueValidator(0), MaxValueValidator(5)]


class QAReview(TimeStampedModel):
    """A sampled visit report under review: a 0–5 score per checklist item and feedback the agent
    sees. ``agent`` submitted the report and is accountable for it."""

    draw = models.ForeignKey(
        QADraw, verbose_name=_("draw"), on_delete=models.PROTECT, related_name="reviews"
    )
    report = models.OneToOneField(
        "visits.VisitReport",
        verbose_name=_("visit report"),
        on_delete=models.PROTECT,
        related_name="qa_review",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="qa_reviews",
    )
    case = models.ForeignKey(
        "cases.CollectionCase",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    month = models.DateField(_("month"))
    share_reason = models.CharField(_("why sampled"), max_length=12, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    conduct = models.PositiveSmallIntegerField(
        _("conduct"), null=True, blank=True, validators=CHECK_SCORE
    )
    empathy = models.PositiveSmallIntegerField(
        _("empathy"), null=True, blank=True, validators=CHECK_SCORE
    )
    accuracy = models.PositiveSmallIntegerField(
        _("accuracy of the record"), null=True, blank=True, validators=CHECK_SCORE
    )
    compliance = models.PositiveSmallIntegerField(
        _("compliance"), null=True, blank=True, validators=CHECK_SCORE
    )
    # Sum of the four items × 5: 0–100.
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("QA review")
        verbose_name_plural = _("QA reviews")
        ordering = ["-month", "agent_id", "report_id"]
        indexes = [models.Index(fields=["agent", "month"], name="qa_review_agent_month")]

    def __str__(self) -> str:
        return f"report {self.report_id}"
