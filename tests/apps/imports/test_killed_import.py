"""An import killed half-way (SIGKILL, while it is writing) leaves the database as it was."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection

from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.imports.models import ImportJob, ImportStatus
from fieldvisit.apps.imports.services import AUDIT_IMPORT, import_jobs_mark_interrupted
from fieldvisit.apps.loans.models import Borrower, Loan
from tests.apps.imports.book import write_book
from tests.apps.imports.test_bulk_load import TABLES, schema

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# Imports the book and, once borrowers, loans and schedules are written (uncommitted) and the
# payments are about to be, says so and waits to be killed. With BULK_ROWS=1 (PostgreSQL) those
# tables were loaded the big way: keys and indexes dropped and rebuilt, inside the transaction.
SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldvisit.config.settings")
    import django
    django.setup()
    from django.core.management import call_command
    if os.environ.get("MIGRATE"):
        call_command("migrate", verbosity=0)
    from fieldvisit.apps.imports import writers
    from fieldvisit.apps.imports.services import (
        import_job_create, import_job_run, import_sources_from_path,
    )
    if os.environ.get("BULK_ROWS"):
        writers.BULK_ROWS = int(os.environ["BULK_ROWS"])

    def progress(phase, name, rows):
        if phase == "write" and name.startswith("payments"):
            print("WRITING", flush=True)
            time.sleep(600)

    job = import_job_create(source="cli")
    import_job_run(job=job, sources=import_sources_from_path(Path(sys.argv[1])), progress=progress)
    print("FINISHED", flush=True)
    """
)


def _run_and_kill(book: Path, env: dict[str, str]) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(book)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.strip() == "WRITING", process.stderr.read() if process.stderr else ""
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()


def test_an_import_killed_while_writing_leaves_nothing_behind(tmp_path):
    book = write_book(tmp_path / "book")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fieldvisit.config.settings"}
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
        )
        before = {table: schema(table) for table in TABLES}
        env["BULK_ROWS"] = "1"
        _run_and_kill(book, env)

        assert Borrower.objects.count() == 0
        assert Loan.objects.count() == 0
        assert {table: schema(table) for table in TABLES} == before
        job = ImportJob.objects.get()
        assert job.status == ImportStatus.RUNNING
        assert not AuditEvent.objects.exists()
        assert import_jobs_mark_interrupted() == 1
        assert ImportJob.objects.get().status == ImportStatus.INTERRUPTED
        event = AuditEvent.objects.get()
        assert (event.action, event.object_id) == (AUDIT_IMPORT, str(job.pk))
        assert event.fields["status"] == "interrupted"
    else:
        # The test database is in memory here; the child gets its own SQLite file.
        env.pop("DATABASE_URL", None)
        env.update(FIELDVISIT_VAR=str(tmp_path / "var"), MIGRATE="1")
        _run_and_kill(book, env)

        database = sqlite3.connect(tmp_path / "var" / "fieldvisit.sqlite3")
        try:
            counted = {
                table: database.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
                for table in ("loans_borrower", "loans_loan", "loans_installment", "loans_payment")
            }
            status = database.execute("SELECT status FROM imports_importjob").fetchall()
        finally:
            database.close()
        assert counted == {
            "loans_borrower": 0,
            "loans_loan": 0,
            "loans_installment": 0,
            "loans_payment": 0,
        }
        assert status == [("running",)]
