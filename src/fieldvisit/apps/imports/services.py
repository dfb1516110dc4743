"""Import jobs: create one, run it, record its outcome and its row-level error report.

The job row lives outside the import's transaction: it is marked running (with the process id)
before the data transaction starts and gets its outcome after it ends, so a rejected import still
has its report and a killed one is found and marked interrupted
(:func:`import_jobs_mark_interrupted`).
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import socket
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.accounts.services import user_placement_set
from fieldvisit.apps.audit.models import AuditAction
from fieldvisit.apps.audit.services import audit_record
from fieldvisit.apps.common.clock import now
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.common.spreadsheets import csv_text
from fieldvisit.apps.imports.models import ImportJob, ImportRowError, ImportSource, ImportStatus
from fieldvisit.apps.imports.pipeline import Outcome, Progress, Source, import_files
from fieldvisit.apps.imports.readers import FORMATS
from fieldvisit.apps.imports.selectors import IMPORT_PERMISSION
from fieldvisit.apps.imports.specs import KIND_PERMISSIONS
from fieldvisit.apps.organisation.models import Branch, Team

#: The audit action of an import (a change to the portfolio, whatever its outcome).
AUDIT_IMPORT = "import.run"
AUDIT_OBJECT = "import_job"
#: The columns of the error report, named in the audit row of its download.
REPORT_COLUMNS = ("file", "line", "column", "value", "reason")

#: When one folder holds the same table in several formats, the first of these is imported.
FORMAT_PREFERENCE = (".parquet", ".pq", ".xlsx", ".csv", ".txt")
MAX_UPLOAD_FILES = 20


def import_sources_from_path(path: Path, *, kind: str | None = None) -> list[Source]:
    """The files to import from a file or a folder (its importable files, not recursive).

    A folder that holds ``loans.csv`` and ``loans.parquet`` imports the Parquet one only.
    """
    if not path.exists():
        raise ApplicationError(_("No such file or folder: %(path)s") % {"path": path})
    if path.is_file():
        return [Source(path=path, name=path.name, kind=kind)]
    by_stem: dict[str, Path] = {}
    for candidate in sorted(path.iterdir()):
        if not candidate.is_file() or candidate.suffix.lower() not in FORMATS:
            continue
        chosen = by_stem.get(candidate.stem)
        rank = FORMAT_PREFERENCE.index(candidate.suffix.lower())
        if chosen is None or rank < FORMAT_PREFERENCE.index(chosen.suffix.lower()):
            by_stem[candidate.stem] = candidate
    if not by_stem:
        raise ApplicationError(_("No CSV, XLSX or Parquet files in %(path)s") % {"path": path})
    return [Source(path=p, name=p.name, kind=kind) for _stem, p in sorted(by_stem.items())]


def import_job_create(
    *,
    source: ImportSource,
    created_by: Any = None,
    upload_dir: str = "",
    ip: str | None = None,
) -> ImportJob:
    return ImportJob.objects.create(
        source=source, created_by=created_by, upload_dir=upload_dir, ip=ip
    )


def import_job_from_uploads(
    *,
    user: Any,
    files: Iterable[UploadedFile[Any]],
    source: ImportSource,
    ip: str | None = None,
) -> ImportJob:
    """Keep the uploaded files with a new job and run it (inline, or on a worker)."""
    uploads = list(files)
    if not uploads:
        raise ApplicationError(_("Choose at least one file."), code="no_files")
    if len(uploads) > MAX_UPLOAD_FILES:
        raise ApplicationError(
            _("At most %(n)s files at a time.") % {"n": MAX_UPLOAD_FILES}, code="too_many_files"
        )
    job = import_job_create(source=source, created_by=user, ip=ip)
    folder = Path(settings.MEDIA_ROOT) / "imports" / str(job.pk)
    folder.mkdir(parents=True, exist_ok=True)
    for upload in uploads:
        name = get_valid_filename(Path(upload.name or "upload").name)
        with (folder / name).open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    job.upload_dir = str(folder)
    job.save(update_fields=["upload_dir"])

    from fieldvisit.apps.imports.tasks import import_job_run_task

    transaction.on_commit(lambda: import_job_run_task.delay(job.pk))
    return job


def import_job_run_uploaded(*, job_id: int) -> ImportJob:
    """Run a job on the files uploaded with it (the task calls this)."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportStatus.PENDING:
        return job  # a retried task: the job already ran or is running
    folder = Path(job.upload_dir)
    sources = [Source(path=p, name=p.name) for p in sorted(folder.iterdir()) if p.is_file()]
    job = import_job_run(job=job, sources=sources)
    shutil.rmtree(folder, ignore_errors=True)
    return job


def import_kind_permitted(user: Any, kind: str) -> bool:
    """Whether ``user`` may import files of ``kind`` (:data:`~.specs.KIND_PERMISSIONS`)."""
    extra = KIND_PERMISSIONS.get(kind)
    return bool(user.has_perm(IMPORT_PERMISSION) and (extra is None or user.has_perm(extra)))


def import_job_run(
    *, job: ImportJob, sources: list[Source], progress: Progress | None = None
) -> ImportJob:
    """Run the import and record its outcome on ``job`` (outside the import's transaction)."""
    import_jobs_mark_interrupted()
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, started_at=now(), pid=os.getpid(), host=socket.gethostname()
    )
    if not claimed:
        raise ApplicationError(_("This import has already run."), code="already_run")
    job.refresh_from_db()
    importer = job.created_by
    try:
        outcome = import_files(
            sources,
            progress=progress,
            before_commit=lambda accepted: _audit(job, ImportStatus.SUCCEEDED, accepted),
            # The command line (no user) is the server's operator: every kind.
            may_import=None
            if importer is None
            else lambda kind: import_kind_permitted(importer, kind),
        )
    except BaseException:
        with transaction.atomic():
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.INTERRUPTED, finished_at=now()
            )
            _audit(job, ImportStatus.INTERRUPTED, None, sources=sources)
        raise
    _record(job, outcome)
    return job


def _audit(
    job: ImportJob,
    status: ImportStatus,
    outcome: Outcome | None,
    *,
    sources: list[Source] | None = None,
) -> None:
    """The audit row of an import: who, from where, which files, the counts, the outcome.

    An accepted import writes it inside the import's transaction (:func:`import_job_run`), so
    the change and its audit row commit together; a rejected, failed or killed one (nothing
    changed) writes it with the job's outcome.
    """
    if outcome is not None:
        files: list[dict[str, Any]] = [f.as_dict() for f in outcome.files]
        files += [{"name": name, "skipped": True} for name in outcome.skipped]
    else:
        files = [{"name": s.name} for s in sources or []]
    fields: dict[str, Any] = {
        "status": str(status),
        "origin": job.source,
        "files": files,
        "errors": outcome.error_count if outcome is not None else None,
    }
    if job.created_by_id is None:
        # The command line runs as nobody the application knows: say which account and machine.
        fields["os_user"] = _os_user()
        fields["host"] = job.host or socket.gethostname()
    audit_record(
        user=job.created_by,
        action=AUDIT_IMPORT,
        object_type=AUDIT_OBJECT,
        object_id=job.pk,
        fields=fields,
        ip=job.ip,
    )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


@transaction.atomic
def _record(job: ImportJob, outcome: Outcome) -> None:
    if not outcome.ok:
        _audit(job, ImportStatus.FAILED, outcome)
    job.status = ImportStatus.SUCCEEDED if outcome.ok else ImportStatus.FAILED
    job.finished_at = now()
    job.files = [f.as_dict() for f in outcome.files] + [
        {"name": name, "kind": "", "skipped": True} for name in outcome.skipped
    ]
    job.error_count = outcome.error_count
    job.staff_changes = outcome.staff_changes
    job.save(update_fields=["status", "finished_at", "files", "error_count", "staff_changes"])
    ImportRowError.objects.bulk_create(
        (
            ImportRowError(
                job=job,
                file=row["file"],
                line=row["line"],
                column=row["column"] or "",
                value=row["value"] or "",
                code=row["code"],
                params=_params(row["params"]),
            )
            for row in outcome.errors.iter_rows(named=True)
        ),
        batch_size=1000,
    )


def _params(text: str | None) -> dict[str, Any]:
    return json.loads(text) if text else {}


def import_jobs_mark_interrupted() -> int:
    """Mark jobs left running by a process of this host that no longer exists (killed)."""
    host = socket.gethostname()
    stale = [
        job
        for job in ImportJob.objects.filter(status=ImportStatus.RUNNING, host=host)
        if job.pid and not _alive(job.pid)
    ]
    marked = 0
    for job in stale:
        with transaction.atomic():
            claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
                status=ImportStatus.INTERRUPTED, finished_at=now()
            )
            if claimed:
                _audit(job, ImportStatus.INTERRUPTED, None)
            marked += claimed
    return marked


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@transaction.atomic
def import_staff_change_apply(
    *, job: ImportJob, employee_no: str, user: Any, ip: str | None = None
) -> dict[str, list[Any]]:
    """Apply one staff change an import reported (role, branch, team), as ``user``.

    Only whoever may manage users applies it (``accounts.services.user_placement_set`` checks and
    audits). Applying one already applied changes nothing. A person who is no longer where the
    report found them is refused: the report is stale, the administrator decides anew.
    """
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    entries = [e for e in job.staff_changes if e.get("employee_no") == employee_no]
    if not entries:
        raise ApplicationError(_("This import reported no change for that person."), code="none")
    entry = entries[0]
    if entry.get("applied_by"):
        return {}
    person = User.objects.select_related("branch", "team").get(employee_no=employee_no)
    current: dict[str, str | None] = {
        "role": person.role,
        "branch": person.branch.code if person.branch is not None else None,
        "team": person.team.code if person.team is not None else None,
    }
    wanted = dict(current)
    for name in ("role", "branch", "team"):
        if entry.get(name):
            was, becomes = entry[name]
            if current[name] != was:
                raise ApplicationError(
                    _("%(employee_no)s has changed since the import; change them in the admin.")
                    % {"employee_no": employee_no},
                    code="stale",
                )
            wanted[name] = becomes
    branch = Branch.objects.get(code=wanted["branch"]) if wanted["branch"] else None
    team = Team.objects.get(code=wanted["team"]) if wanted["team"] else None
    changes = user_placement_set(
        user=person,
        role=Role(wanted["role"] or person.role),
        branch=branch,
        team=team,
        by=user,
        reason=f"import #{job.pk}",
        ip=ip,
    )
    entry["applied_by"] = user.get_username()
    entry["applied_at"] = now().isoformat()
    job.save(update_fields=["staff_changes"])
    return changes


@transaction.atomic
def import_errors_csv(job: ImportJob, *, user: Any, ip: str | None = None) -> str:
    """The error report as CSV text, reasons in the active language (with a BOM for Excel).

    A download is an export of what the files said about people (masked values, borrower and
    loan numbers): it is audited as a sensitive read.
    """
    audit_record(
        user=user,
        action=AuditAction.EXPORT,
        object_type=AUDIT_OBJECT,
        object_id=job.pk,
        fields=REPORT_COLUMNS,
        reason="import error report (CSV)",
        ip=ip,
    )
    header = [_("File"), _("Line"), _("Column"), _("Value"), _("Reason")]
    rows = (
        [error.file, error.line or "", error.column, error.value, error.reason]
        for error in job.row_errors.all()
    )
    # Cell values come from the uploaded files: escaped so none runs as a formula.
    return csv_text([header, *rows])


def import_report(job: ImportJob) -> dict[str, Any]:
    """The job as data (the CLI's ``--json`` and the API): files, counts, errors."""
    return {
        "id": job.pk,
        "status": job.status,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "files": job.files,
        "error_count": job.error_count,
        "errors": [error.as_dict() for error in job.row_errors.all()],
        "staff_changes": job.staff_changes,
    }
