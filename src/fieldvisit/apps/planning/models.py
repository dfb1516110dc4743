"""The visit plan as a record: the strategy version it used, one route per team, ordered stops,
the candidates left out and why, and the plan's timeline.

Times are stored as aware datetimes (UTC in the database); the routing engine's "seconds since
midnight" are the plan day's local time (``settings.TIME_ZONE``). A route keeps a copy of what the
planner knew about its team (members, depot, shift, skills, speed, lunch) so that a manual edit is
re-timed and re-checked against the same facts, and the record says what the plan was built on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.common.models import MoneyField, TimeStampedModel


class VisitStrategyVersion(TimeStampedModel):
    """One version of the visit strategy (engines.scoring) as data. Editing makes a new version;
    exactly one is active, and each plan records the version it used."""

    name = models.CharField(_("name"), max_length=100, default="default")
    version = models.PositiveIntegerField(_("version"), unique=True)
    # VisitStrategy.to_mapping(): validated by VisitStrategy.from_mapping before it is stored.
    data = models.JSONField(_("strategy"))
    # Certification the strategy asks for (conduct_law …) → training course codes that grant it.
    certification_courses = models.JSONField(_("courses per certification"), default=dict)
    active = models.BooleanField(_("active"), default=False)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("visit strategy version")
        verbose_name_plural = _("visit strategy versions")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="one_active_strategy"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class DepotChoice(models.TextChoices):
    BRANCH = "branch", _("The branch")
    MEMBER_HOME = "member_home", _("A member's home")


class TeamPlanningSettings(models.Model):
    """How the planner routes one team; a team without a row starts and ends at its branch, at
    its travel mode's default speed, without a lunch break."""

    team = models.OneToOneField(
        "organisation.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        related_name="planning_settings",
    )
    depot = models.CharField(
        _("start and end at"), max_length=16, choices=DepotChoice.choices, default="branch"
    )
    depot_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member whose home"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    speed_kmh = models.DecimalField(
        _("speed (km/h)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    lunch_from = models.TimeField(_("lunch window from"), null=True, blank=True)
    lunch_until = models.TimeField(_("lunch window until"), null=True, blank=True)
    lunch_minutes = models.PositiveSmallIntegerField(_("lunch minutes"), null=True, blank=True)

    class Meta:
        verbose_name = _("team planning settings")
        verbose_name_plural = _("team planning settings")

    def __str__(self) -> str:
        return str(self.team)


class PlanStatus(models.TextChoices):
    # Built (or edited) and not yet approved; the manager may move and remove visits.
    DRAFT = "draft", _("Draft")
    # Approved by a manager: published to the agents, its cases are "visit planned".
    APPROVED = "approved", _("Approved")
    # Replaced by a newer plan for the same day and scope; kept as a record.
    SUPERSEDED = "superseded", _("Superseded")


class VisitPlan(TimeStampedModel):
    """The plan for one day, for one branch (or the whole organisation when ``branch`` is empty)."""

    date = models.DateField(_("date"))
    branch = models.ForeignKey(
        "organisation.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visit_plans",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    strategy = models.ForeignKey(
        VisitStrategyVersion,
        verbose_name=_("strategy version"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    seconds_limit = models.FloatField(_("solver time limit (s)"))
    # Solver statistics; kept up to date by manual edits.
    visits_planned = models.PositiveIntegerField(_("visits planned"), default=0)
    prize = MoneyField(_("expected benefit collected"), default=0)
    distance_km = models.DecimalField(
        _("distance (km)"), max_digits=10, decimal_places=1, default=0
    )
    hours = models.DecimalField(_("team hours"), max_digits=8, decimal_places=2, default=0)
    solve_seconds = models.FloatField(_("solver seconds"), default=0)
    cases_screened = models.PositiveIntegerField(_("cases screened"), default=0)
    not_eligible = models.PositiveIntegerField(_("cases not eligible"), default=0)
    # Set when every part is solved and stored (parts may run on several workers).
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    # The latest check: [{"rule", "detail_zh", "detail_en", "team", "case"}]; empty = passes.
    findings = models.JSONField(_("check findings"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["date", "status"], name="plan_date_status")]

    def __str__(self) -> str:
        return f"{self.date} {self.branch or '*'} #{self.pk}"


class PlanEventKind(models.TextChoices):
    BUILT = "built", _("Built")
    STATUS = "status", _("Status changed")
    STOP_MOVED = "stop_moved", _("Visit moved")
    STOP_REMOVED = "stop_removed", _("Visit removed")
    APPROVAL_REFUSED = "approval_refused", _("Approval refused")


class PlanEvent(models.Model):
    """One row of a plan's timeline: who did what, when, and the details."""

    plan = models.ForeignKey(
        VisitPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="events"
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
    kind = models.CharField(_("kind"), max_length=20, choices=PlanEventKind.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=PlanStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=PlanStatus.choices, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("plan event")
        verbose_name_plural = _("plan events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.kind}"


class PlanRoute(models.Model):
    """One team's day in a plan (also for a team given no visits, with the reason in ``notes``)."""

    plan = models.ForeignKey(
        VisitPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="routes"
    )
    team = models.ForeignKey(
        "organisation.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    branch = models.ForeignKey(
        "organisation.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="plan_routes"
    )
    # What the planner knew about the team on the day (see the module docstring).
    skills = models.JSONField(_("certifications held by every member"), default=list)
    # {"<user id>": [certifications valid on the day]}, for the notes and the two-person check.
    member_skills = models.JSONField(_("certifications per member"), default=dict)
    shift_start = models.PositiveIntegerField(_("shift start (s)"))
    shift_end = models.PositiveIntegerField(_("shift end (s)"))
    start_latitude = models.FloatField(_("start latitude"))
    start_longitude = models.FloatField(_("start longitude"))
    end_latitude = models.FloatField(_("end latitude"))
    end_longitude = models.FloatField(_("end longitude"))
    depot_label = models.CharField(_("start and end"), max_length=100, blank=True)
    travel_mode = models.CharField(_("travel mode"), max_length=16)
    speed_kmh = models.DecimalField(_("speed (km/h)"), max_digits=5, decimal_places=1)
    max_visits = models.PositiveSmallIntegerField(_("maximum visits"))
    lunch_from = models.PositiveIntegerField(_("lunch window from (s)"), null=True, blank=True)
    lunch_until = models.PositiveIntegerField(_("lunch window until (s)"), null=True, blank=True)
    lunch_seconds = models.PositiveIntegerField(_("lunch (s)"), null=True, blank=True)
    # False: the team was not given to the solver (fewer than two members, no certificate…).
    available = models.BooleanField(_("available"), default=True)
    notes_zh = models.TextField(_("notes (Chinese)"), blank=True)
    notes_en = models.TextField(_("notes (English)"), blank=True)
    # The timed route (empty when it has no stops).
    departure = models.DateTimeField(_("departure"), null=True, blank=True)
    return_at = models.DateTimeField(_("return"), null=True, blank=True)
    lunch_start = models.DateTimeField(_("lunch start"), null=True, blank=True)
    lunch_end = models.DateTimeField(_("lunch end"), null=True, blank=True)
    lunch_after_stops = models.PositiveSmallIntegerField(null=True, blank=True)
    distance_metres = models.PositiveIntegerField(_("distance (m)"), default=0)

    class Meta:
        verbose_name = _("plan route")
        verbose_name_plural = _("plan routes")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "team"], name="plan_route_one_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.team_id}"


class PlanStop(models.Model):
    """A visit on a route: when, where, why (rule and priority, explained) and the brief."""

    route = models.ForeignKey(
        PlanRoute, verbose_name=_("route"), on_delete=models.CASCADE, related_name="stops"
    )
    case = models.ForeignKey(
        "cases.CollectionCase",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="plan_stops",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    arrival = models.DateTimeField(_("arrival"))
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    window_start = models.DateTimeField(_("window start"))
    window_end = models.DateTimeField(_("window end"))
    # The candidate's windows in seconds since midnight, [[start, end], …], for re-timing.
    windows = models.JSONField(_("windows (s)"))
    service_seconds = models.PositiveIntegerField(_("service (s)"))
    skills = models.JSONField(_("certifications needed"), default=list)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    district = models.CharField(_("district"), max_length=50, blank=True)
    travel_seconds = models.PositiveIntegerField(_("travel (s)"), default=0)
    travel_metres = models.PositiveIntegerField(_("travel (m)"), default=0)
    purpose = models.CharField(_("purpose"), max_length=24)
    rule_id = models.CharField(_("rule"), max_length=40)
    priority = MoneyField(_("expected benefit"))
    prize = models.PositiveBigIntegerField(_("prize (fen)"))
    borrower_asked = models.BooleanField(_("the borrower asked for the visit"), default=False)
    explanation_zh = models.TextField(_("why (Chinese)"))
    explanation_en = models.TextField(_("why (English)"))
    brief_zh = models.TextField(_("brief (Chinese)"))
    brief_en = models.TextField(_("brief (English)"))

    class Meta:
        verbose_name = _("plan stop")
        verbose_name_plural = _("plan stops")
        ordering = ["route", "order"]
        indexes = [models.Index(fields=["case", "start"], name="plan_stop_case_start")]

    def __str__(self) -> str:
        return f"{self.route_id}#{self.order} case {self.case_id}"


class LeftOutReason(models.TextChoices):
    NO_CAPACITY = "capacity", _("No capacity")
    WINDOW = "window", _("Cannot be reached in its window")
    NO_CERTIFIED_TEAM = "no_qualified_team", _("No certified team")
    EXCLUDED = "excluded", _("Excluded by a rule")
    REMOVED = "removed", _("Removed by the manager")


class PlanCandidateLeftOut(models.Model):
    """A case considered and not visited: the reason and, for an exclusion, the rule."""

    plan = models.ForeignKey(
        VisitPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="left_out"
    )
    branch = models.ForeignKey(
        "organisation.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.CollectionCase", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=LeftOutReason.choices)
    rule_id = models.CharField(_("rule"), max_length=40, blank=True)
    purpose = models.CharField(_("purpose"), max_length=24, blank=True)
    priority = MoneyField(_("expected benefit"), null=True, blank=True)
    detail_zh = models.TextField(_("detail (Chinese)"), blank=True)
    detail_en = models.TextField(_("detail (English)"), blank=True)

    class Meta:
        verbose_name = _("candidate left out")
        verbose_name_plural = _("candidates left out")
        ordering = ["plan", "reason", "-priority", "case"]

    def __str__(self) -> str:
        return f"{self.plan_id} case {self.case_id}: {self.reason}"
