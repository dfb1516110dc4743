"""Helpers for the seed's two stories: a day's clock, the nightly batch, a visit with its report."""

from __future__ import annotations

import datetime as dt
import uuid
from contextlib import contextmanager
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

from fieldvisit.apps.delinquency.services import snapshot_run
from fieldvisit.apps.visits import services as visit_services
from fieldvisit.apps.visits.services import Position
from tests.apps.visits.factories import PlanFactory, RouteFactory, StopFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOME = (22.5431, 114.0579)


@contextmanager
def on(day: dt.date, monkeypatch, hour: int = 10):
    """Business date ``day`` and the server clock at ``hour``:30 that day (Shanghai)."""
    monkeypatch.setenv("FIELDVISIT_AS_OF", day.isoformat())
    with time_machine.travel(
        dt.datetime.combine(day, dt.time(hour, 30), tzinfo=SHANGHAI), tick=False
    ):
        yield


def nightly(day: dt.date, monkeypatch) -> None:
    """The nightly batch for ``day`` (snapshot, then every app's hook), run at 23:30."""
    with on(day, monkeypatch, hour=23):
        snapshot_run(day)


def visit(case, team, agents, day: dt.date, monkeypatch, *, fields, amounts=None):
    """A planned visit to ``case`` on ``day``: check in at the door, file the report."""
    plan = PlanFactory(date=day, branch=case.branch)
    route = RouteFactory(plan=plan, team=team, members=agents)
    StopFactory(route=route, case=case)
    with on(day, monkeypatch):
        made = visit_services.visits_from_approved_plan(user=agents[0], day=day)
        the_visit = next(v for v in made if v.case_id == case.pk)
        visit_services.visit_check_in(
            visit=the_visit, user=agents[0], position=Position(*HOME, 10.0)
        )
        base = {
            "conduct_introduced": True,
            "conduct_two_staff": True,
            "conduct_no_third_party": True,
            "conduct_consent_asked": True,
        }
        submitted = visit_services.visit_report_submit(
            visit=the_visit,
            user=agents[0],
            client_id=uuid.uuid4(),
            fields={**base, **fields},
            amounts={k: Decimal(v) for k, v in (amounts or {}).items()},
        )
    return submitted.report
