"""A manager opens the day's plan, moves a visit to another team, sees the times change, and
approves the plan (no map tiles are reachable: the routes are drawn as vectors)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from fieldvisit.apps.cases.models import CaseStatus, CollectionCase
from fieldvisit.apps.organisation.models import Team
from fieldvisit.apps.planning.models import PlanStatus, PlanStop, VisitPlan
from fieldvisit.apps.planning.services import plan_build
from tests.apps.planning.conftest import DAY, field_day  # noqa: F401 - the fixture
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def plan(field_day):  # noqa: F811
    cache.clear()
    # Room for every candidate, so a visit can move without breaking the visit limit.
    Team.objects.filter(pk__in=[field_day.teams["A"].pk, field_day.teams["B"].pk]).update(
        max_visits_per_day=10
    )
    return plan_build(date=DAY, branch=field_day.branch, seconds=0.5, user=field_day.manager)


def times(page, team_code):
    return page.locator(f"[data-team={team_code}] [data-testid=stop-time]").all_inner_texts()


def test_manager_moves_a_visit_to_another_team_sees_new_times_and_approves(
    browser_page,
    live_server,
    field_day,  # noqa: F811 - the fixture imported above
    plan,
):
    routes = {r.team.code: r for r in plan.routes.select_related("team")}
    source, target = sorted(("A", "B"), key=lambda code: -routes[code].stops.count())
    stop = routes[source].stops.order_by("order").first()
    page = browser_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", field_day.manager.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=home-title]")

    page.click("[data-testid=nav-plans]")
    page.click(f"a[href='/planning/{plan.pk}/']")
    page.wait_for_selector(
        "[data-testid=plan-map] path.leaflet-interactive, [data-testid=plan-map] canvas"
    )
    assert errors == []
    assert page.locator("[data-testid=check-passed]").count() == 1
    assert page.locator("[data-team=X] [data-testid=team-notes]").inner_text().count("2026-03-01")
    before = times(page, target)
    screenshot(page, "plan-before-move")

    row = page.locator(f"[data-testid=stop][data-case='{stop.case_id}']")
    row.locator("[data-testid=move-select]").select_option(str(routes[target].pk))
    row.locator("[data-testid=move]").click()
    page.wait_for_selector(f"[data-team={target}] [data-testid=stop][data-case='{stop.case_id}']")

    after = times(page, target)
    assert len(after) == len(before) + 1
    assert after != before
    assert PlanStop.objects.get(pk=stop.pk).route == routes[target]
    screenshot(page, "plan-after-move")

    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=plan-status][data-status=approved]")

    assert VisitPlan.objects.get(pk=plan.pk).status == PlanStatus.APPROVED
    planned = PlanStop.objects.filter(route__plan=plan).values_list("case_id", flat=True)
    assert set(
        CollectionCase.objects.filter(status=CaseStatus.VISIT_PLANNED).values_list("pk", flat=True)
    ) == set(planned)
    assert page.locator("[data-testid=move]").count() == 0
    screenshot(page, "plan-approved")
