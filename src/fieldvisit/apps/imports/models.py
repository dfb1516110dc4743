"""Import jobs and their row-level error reports.

The job row is written outside the import's transaction, so it records the outcome (succeeded,
failed, interrupted) even when the data itself was rolled back.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.imports.reasons import reason_text


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Rejected")
    INTERRUPTED = "interrupted", _("Interrupted")


class ImportSource(models.TextChoices):
    CLI = "cli", _("Command line")
    WEB = "web", _("Upload page")
    API = "api", _("API")


class ImportJob(models.Model):
    """One import of a set of files, all or nothing.

    ``files`` holds one entry per file: ``{"name", "kind", "rows", "created", "updated",
    "unchanged"}``; the counts are those of the committed import (zero when it was rejected).
    """

    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    source = models.CharField(_("source"), max_length=8, choices=ImportSource.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_jobs",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    upload_dir = models.CharField(_("upload folder"), max_length=255, blank=True)
    files = models.JSONField(_("files"), default=list)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # People the files would move to another role or branch, not moved (an administrator
    # applies each): {"employee_no", "role", "branch", "team"} with [current, in the file] or
    # null per field, and "applied_by" / "applied_at" once applied.
    staff_changes = models.JSONField(_("staff changes not applied"), default=list, blank=True)
    pid = models.PositiveIntegerField(_("process id"), null=True, blank=True)
    host = models.CharField(_("host"), max_length=255, blank=True)
    # Where an upload came from, for the audit row written when the job runs (later, on a worker).
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"

    @property
    def stored_error_count(self) -> int:
        return self.row_errors.count()


class ImportRowError(models.Model):
    """One problem in one cell (or one file, when ``line`` is null) of an import.

    ``code`` and ``params`` are stored, not the message, so the report reads in the language of
    whoever looks at it.
    """

    job = models.ForeignKey(
        ImportJob, verbose_name=_("import job"), on_delete=models.CASCADE, related_name="row_errors"
    )
    file = models.CharField(_("file"), max_length=255)
    line = models.PositiveIntegerField(_("line"), null=True, blank=True)
    column = models.CharField(_("column"), max_length=100, blank=True)
    value = models.CharField(_("value"), max_length=200, blank=True)
    code = models.CharField(_("reason code"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict)

    class Meta:
        verbose_name = _("import error")
        verbose_name_plural = _("import errors")
        ordering = ["job", "id"]

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.column} {self.code}"

    @property
    def reason(self) -> str:
        return reason_text(self.code, self.params)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "code": self.code,
            "reason": self.reason,
        }
