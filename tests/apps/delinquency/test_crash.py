"""A run killed half-way (SIGKILL, after some of the day's rows are written) leaves the old day.

The run happens in a separate process, against a database both processes see: a fresh SQLite file
(migrated by the worker) or, on PostgreSQL, the test database with committed data.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connections

DAY = "2025-04-20"
ROOT = Path(__file__).resolve().parents[3]

# On PostgreSQL the worker uses the test database, so its data must be committed (and flushed
# after each test); on SQLite the worker has its own database file and this costs nothing.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(tmp_path):
    """``worker(*args)`` runs the crash worker to completion and returns its output;
    ``worker.start(*args)`` returns the running process."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="fieldvisit.config.test_settings")
    on_postgres = "postgresql" in django_settings.DATABASES["default"]["ENGINE"]
    if on_postgres:
        settings = connections["default"].settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
            f"{settings['PORT']}/{settings['NAME']}"
        )
    else:
        env.pop("DATABASE_URL", None)
        env["FIELDVISIT_VAR"] = str(tmp_path)

    def start(*args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.apps.delinquency.crash_worker", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        process = start(*args)
        out, err = process.communicate(timeout=120)
        return subprocess.CompletedProcess(process.args, process.returncode, out, err)

    def call(*args: str) -> str:
        done = run(*args)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    call.start = start
    call.run = run
    if not on_postgres:
        call("migrate")
    return call


def kill_half_way(worker, day: str) -> int:
    """Start a run of ``day``, SIGKILL it after two chunks are written; the rows it saw then."""
    process = worker.start("run", day, "2")
    line = process.stdout.readline()
    assert line.startswith("HALFWAY"), process.stderr.read()[-3000:]
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    return int(line.split()[1])


def run_day(worker, day: str) -> None:
    # PostgreSQL ends the killed run's transaction when it sees the connection drop; until then
    # the day is locked and a new run says so (exit 3) rather than waiting.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = worker.run("run", day)
        if done.returncode != 3:
            assert done.returncode == 0, done.stderr[-3000:]
            return
        time.sleep(0.2)
    pytest.fail("the killed run's lock was not released within a minute")


@pytest.mark.slow
def test_a_run_killed_half_way_leaves_the_old_day(worker):
    # given a stored day
    loans = json.loads(worker("seed"))
    run_day(worker, DAY)
    old = json.loads(worker("dump", DAY))
    assert len(old["rows"]) == 4
    # and a payment that changes that day's figures for one loan
    worker("pay", str(loans[1]), "2025-04-19", "1000.00")

    # when a re-run is killed after writing some of its rows
    seen = kill_half_way(worker, DAY)

    # then the killed run had deleted the old rows and written new ones in its transaction,
    # yet the database holds the old day, row for row, and its run record
    assert seen == 2
    assert json.loads(worker("dump", DAY)) == old

    # and a complete re-run then stores the new day
    run_day(worker, DAY)
    new = json.loads(worker("dump", DAY))
    changed = [a for a, b in zip(old["rows"], new["rows"], strict=True) if a[1:] != b[1:]]
    assert [row[1] for row in changed] == [loans[1]]
    assert new["run"]["finished_at"] != old["run"]["finished_at"]


@pytest.mark.slow
def test_a_first_run_killed_half_way_leaves_no_rows(worker):
    worker("seed")

    kill_half_way(worker, DAY)

    dump = json.loads(worker("dump", DAY))
    assert dump["rows"] == []
    assert dump["run"]["status"] == "pending"


@pytest.mark.slow
def test_a_second_run_of_the_same_day_is_refused_while_one_runs(worker):
    # given a run of the day holding its lock half-way
    worker("seed")
    first = worker.start("run", DAY, "2")
    assert first.stdout.readline().startswith("HALFWAY")

    # when another run of the same day starts (SQLite: after its 20 s busy timeout)
    second = worker.run("run", DAY)

    # then it is refused (exit 3: SnapshotRunBusy) and wrote nothing
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert second.returncode == 3, second.stderr[-3000:]
    assert json.loads(worker("dump", DAY))["rows"] == []
