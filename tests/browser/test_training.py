"""A new trainer schedules a session, records attendance and scores, sees the two agents certified
and assignable; the manager then builds the plan and the planner sends them out.

The planning app's field day (visit day 2026-03-10): team A's two agents have lost their conduct
certificate, so the planner cannot use team A until they pass the conduct course again.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.planning.models import PlanRoute
from fieldvisit.apps.training.models import Certification
from tests.apps.planning.conftest import field_day  # noqa: F401 - the fixture
from tests.apps.training.factories import course
from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_trainer_certifies_two_agents_and_the_planner_sends_them(
    browser_page,
    live_server,
    field_day,  # noqa: F811
    monkeypatch,
):
    cache.clear()
    monkeypatch.setenv("FIELDVISIT_AS_OF", "2026-03-09")
    a0, a1 = field_day.agents["A"]
    Certification.objects.filter(agent__in=[a0, a1], course__code="FV-COMPLIANCE").delete()
    trainer = UserFactory(username="new_trainer", role=Role.TRAINER, display_name="新培训师")
    conduct = course("conduct_law")

    page = browser_page(locale="en-US")
    log_in(page, live_server, trainer.username, PASSWORD)
    page.select_option("#language-select", "en")
    page.wait_for_selector("html[lang=en]")
    page.click("[data-testid=home-session-new]")
    page.select_option("#id_course", str(conduct.pk))
    page.fill("#id_date", "2026-03-09")
    page.fill("#id_location", "Futian branch, room 3")
    page.check(f"input[name=agents][value='{a0.pk}']")
    page.check(f"input[name=agents][value='{a1.pk}']")
    page.click("[data-testid=session-form] button[type=submit]")

    page.wait_for_selector("[data-testid=results-form]")
    assert page.locator("[data-testid=attendee-row]").count() == 2
    page.check(f"input[name=attended_{a0.pk}]")
    page.fill(f"input[name=score_{a0.pk}]", "85")
    page.check(f"input[name=attended_{a1.pk}]")
    page.fill(f"input[name=score_{a1.pk}]", "72")
    page.click("[data-testid=complete-session]")

    page.wait_for_selector("[data-testid=session-status][data-status=completed]")
    assert page.locator("[data-testid=attendee-result]").all_inner_texts() == ["Passed", "Passed"]
    screenshot(page, "training-session-completed-en")

    page.click("[data-testid=nav-training]")
    rows = page.locator("[data-testid=assignable-row]")
    names = {row.locator("td").first.inner_text() for row in rows.all()}
    assert {str(a0), str(a1)} <= names
    assert "Assignable on 2026-03-10" in page.inner_text("[data-testid=assignable] h2")
    screenshot(page, "training-dashboard-en")

    manager = browser_page(locale="en-US")
    log_in(manager, live_server, field_day.manager.username, PASSWORD)
    manager.click("[data-testid=nav-plans]")
    manager.fill("#id_date", "2026-03-10")
    manager.fill("#id_seconds", "1")
    manager.click("[data-testid=build]")
    manager.wait_for_selector("[data-testid=plan-title]")

    route_a = PlanRoute.objects.get(plan__date="2026-03-10", team=field_day.teams["A"])
    assert route_a.available is True
    assert set(route_a.members.values_list("pk", flat=True)) == {a0.pk, a1.pk}
    assert manager.locator("[data-team=A] [data-testid=stop]").count() == route_a.stops.count() > 0
    screenshot(manager, "training-plan-uses-certified-team")
