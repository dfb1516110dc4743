"""Branches, field teams and agents' working profiles: who can go where, and when."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.common.models import TimeStampedModel

LATITUDE = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE = [MinValueValidator(-180), MaxValueValidator(180)]


class TravelMode(models.TextChoices):
    CAR = "car", _("Car")
    SCOOTER = "scooter", _("E-scooter")
    EBIKE = "ebike", _("E-bike")
    TRANSIT = "transit", _("Public transport")
    WALK = "walk", _("On foot")


class Branch(TimeStampedModel):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    city = models.CharField(_("city"), max_length=50, blank=True)
    district = models.CharField(_("district"), max_length=50)
    subdistrict = models.CharField(_("sub-district"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), validators=LATITUDE)
    longitude = models.FloatField(_("longitude"), validators=LONGITUDE)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Team(TimeStampedModel):
    """A field team: two or more agents who visit together (the two-person rule)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="teams"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
    )
    travel_mode = models.CharField(
        _("travel mode"), max_length=16, choices=TravelMode.choices, default=TravelMode.CAR
    )
    max_visits_per_day = models.PositiveSmallIntegerField(_("maximum visits a day"), default=8)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class AgentProfile(TimeStampedModel):
    """What the planner needs to know about a field agent: home, shift, how they travel."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="agent_profile",
    )
    home_latitude = models.FloatField(_("home latitude"), validators=LATITUDE)
    home_longitude = models.FloatField(_("home longitude"), validators=LONGITUDE)
    home_district = models.CharField(_("home district"), max_length=50, blank=True)
    travel_mode = models.CharField(
        _("travel mode"), max_length=16, choices=TravelMode.choices, default=TravelMode.CAR
    )
    shift_start = models.TimeField(_("shift start"), default=dt.time(9, 0))
    shift_end = models.TimeField(_("shift end"), default=dt.time(18, 0))
    hired_on = models.DateField(_("hired on"), null=True, blank=True)

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(shift_end__gt=models.F("shift_start")),
                name="agent_shift_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return str(self.user)
