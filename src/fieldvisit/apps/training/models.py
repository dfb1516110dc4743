"""Courses and the certifications agents hold (imported today; the training issue extends it).

Only certified staff (a certification valid on the visit day) are assigned to field visits.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.common.models import TimeStampedModel


class Course(TimeStampedModel):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


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

    def __str__(self) -> str:
        return self.number

    def valid_on(self, day: dt.date) -> bool:
        return self.passed_on <= day < self.expires_on
