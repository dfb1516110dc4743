"""An existing database's active strategy learns EX-ESCALATION as a new version (migration
planning 0002); a strategy that has it, or none at all, is left alone."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from fieldvisit.apps.planning.models import VisitStrategyVersion
from fieldvisit.apps.planning.strategy import strategy_active, strategy_of
from fieldvisit.engines.scoring import default_strategy

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "fieldvisit.apps.planning.migrations.0002_strategy_escalation_exclusion"
)


def test_a_strategy_without_the_escalation_exclusion_gets_a_new_version_with_it(db):
    old = default_strategy().to_mapping()
    old["exclusions"] = [r for r in old["exclusions"] if r["id"] != "EX-ESCALATION"]
    VisitStrategyVersion.objects.create(version=1, data=old, active=True, note="before")

    migration.add_exclusion(apps, None)

    active = strategy_active()
    assert (active.version, VisitStrategyVersion.objects.count()) == (2, 2)
    assert "EX-ESCALATION" in active.note
    strategy = strategy_of(active)  # valid
    assert [r.id for r in strategy.exclusions] == [r.id for r in default_strategy().exclusions]
    assert VisitStrategyVersion.objects.get(version=1).data == old  # never edited


def test_a_strategy_that_has_it_and_a_database_without_one_are_left_alone(db):
    migration.add_exclusion(apps, None)
    assert not VisitStrategyVersion.objects.exists()

    strategy_active()
    migration.add_exclusion(apps, None)

    assert list(VisitStrategyVersion.objects.values_list("version", flat=True)) == [1]
