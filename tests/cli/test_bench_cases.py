"""``fieldvisit bench cases`` seeds a branch and times every filter of the case list."""

from __future__ import annotations

import pytest

from fieldvisit.apps.cases.bench import bench_cases_seed, bench_cases_time
from fieldvisit.apps.cases.models import CollectionCase


@pytest.mark.django_db
def test_the_bench_seeds_open_cases_once_and_times_each_scenario():
    manager, teams = bench_cases_seed(300)
    again, _ = bench_cases_seed(300)

    timings = bench_cases_time(manager, teams, cases=300, runs=1)

    assert again == manager
    assert CollectionCase.objects.filter(branch__code="BENCH").count() == 300
    assert [t.scenario for t in timings][-1] == "last page (deep OFFSET)"
    assert len(timings) == 5
    assert all(t.page_ms > 0 and t.queries_ms > 0 for t in timings)
