"""The agent's phone without a signal (issue 17), in Chromium at phone size (360 × 740).

The route opened with a signal is saved on the phone by the service worker; with the network
cut (Playwright's offline mode, which the worker obeys too) the agent reloads it, opens two
briefs, checks in twice and files two reports; they wait in the phone's outbox and are sent when
the connection returns, each once, with the times the phone recorded. A report tapped twice and
sent again after a lost answer is filed once. A report for a visit the manager gave to another
team meanwhile is kept for the manager with a clear message, not lost.
"""

from __future__ import annotations

import re

import pytest

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.common.clock import business_date, now
from fieldvisit.apps.visits import reassignment
from fieldvisit.apps.visits.models import (
    CheckIn,
    HeldStatus,
    HeldSubmission,
    Visit,
    VisitReport,
    VisitStatus,
)
from tests.apps.visits.conftest import HOME, make_case
from tests.apps.visits.factories import PlanFactory, RouteFactory, StopFactory
from tests.browser.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD, AgentFactory, BranchFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def field_day():
    """Today's approved plan: team 外访1组 (小王, 老李) with three stops; team 外访2组 (小陈)."""
    today = business_date()
    branch = BranchFactory(code="FT", name="福田分行")
    team = TeamFactory(code="FT1", name="外访1组", branch=branch)
    other = TeamFactory(code="FT2", name="外访2组", branch=branch)
    agent = AgentFactory(username="xiaowang", display_name="小王", team=team)
    partner = AgentFactory(username="laoli", display_name="老李", team=team)
    AgentFactory(username="xiaochen", display_name="小陈", team=other)
    manager = UserFactory(
        username="zhuguan", display_name="张主管", role=Role.MANAGER, branch=branch
    )
    route = RouteFactory(
        plan=PlanFactory(date=today, branch=branch), team=team, members=[agent, partner]
    )
    for order in (1, 2, 3):
        StopFactory(route=route, order=order, case=make_case(branch, team, agent))
    return {"agent": agent, "manager": manager, "other_team": other}


def phone(browser_page, live_server, locale="en-US"):
    page = browser_page(
        viewport=PHONE,
        locale=locale,
        permissions=["geolocation"],
        geolocation={"latitude": HOME[0], "longitude": HOME[1], "accuracy": 8},
        service_workers="allow",
    )
    log_in(page, live_server, "xiaowang", PASSWORD)
    return page


def save_the_day(page, live_server):
    """Open today's route with a signal and wait until the phone has saved it."""
    page.goto(f"{live_server.url}/visits/today/")
    page.wait_for_selector("[data-testid=offline-ready][data-saved]")


def visit_at(order: int) -> Visit:
    return Visit.objects.get(plan_stop__order=order)


def check_in_and_report(page, order: int, words: str) -> None:
    """From the route: open stop ``order``'s brief, check in, file a short report."""
    page.click(f"[data-testid=stop-link] >> nth={order - 1}")
    page.wait_for_selector("[data-testid=brief]")
    page.click("[data-testid=check-in]")
    page.wait_for_selector("[data-testid=checked-in-offline]")
    page.click("[data-testid=report-link]")
    page.wait_for_selector("[data-testid=report-title]")
    page.check("input[name=outcome][value=met_borrower]")
    page.check("input[name=causes][value=illness]")
    page.fill("#borrower_words", words)
    page.check("input[name=conduct_no_cash]")
    page.click("[data-testid=submit-report]")
    page.wait_for_selector("[data-testid=report-status].queued")


def outbox_states(page) -> list[str]:
    return page.eval_on_selector_all(
        "[data-testid=outbox-item]",
        "items => items.map(i => i.dataset.kind + ':' + i.dataset.state)",
    )


def test_a_day_without_a_signal_reaches_the_server_once_with_the_phones_times(
    browser_page, live_server, field_day
):
    page = phone(browser_page, live_server)

    # With a signal: the route is saved on the phone, with every stop's brief and report form.
    save_the_day(page, live_server)
    assert "the route and 3 stops" in page.inner_text("[data-testid=offline-ready]")

    # The signal goes; a reload still shows the route, from the phone.
    page.context.set_offline(True)
    before = now()
    page.reload()
    page.wait_for_selector("[data-testid=route-title]")
    assert page.locator("[data-testid=stop]").count() == 3
    screenshot(page, "offline-route-phone")

    # Two briefs, two check-ins, two reports, all on the phone.
    check_in_and_report(page, 1, "I was in hospital in March; I can pay next month.")
    screenshot(page, "offline-report-queued-phone")
    page.goto(f"{live_server.url}/visits/today/")
    page.wait_for_selector("[data-testid=route-title]")
    check_in_and_report(page, 2, "My shop closed; my wife works now.")
    after = now()
    page.goto(f"{live_server.url}/visits/today/")
    page.wait_for_selector("[data-testid=outbox-item]")
    assert sorted(outbox_states(page)) == [
        "check_in:waiting",
        "check_in:waiting",
        "report:waiting",
        "report:waiting",
    ]
    assert "4 waiting to be sent" in page.inner_text("[data-testid=outbox-summary]")
    screenshot(page, "offline-outbox-waiting-phone")
    assert not CheckIn.objects.exists()
    assert not VisitReport.objects.exists()

    # The signal returns: everything is sent once, check-ins first, and the phone says so.
    page.context.set_offline(False)
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=outbox-item][data-state=sent]').length === 4"
    )
    screenshot(page, "offline-outbox-sent-phone")
    reports = VisitReport.objects.order_by("visit__order")
    assert [r.visit.order for r in reports] == [1, 2]
    assert [r.borrower_words for r in reports] == [
        "I was in hospital in March; I can pay next month.",
        "My shop closed; my wife works now.",
    ]
    assert all(r.conduct_no_cash for r in reports)
    for order in (1, 2):
        visit = visit_at(order)
        check_in = visit.check_in
        # The phone's clock is the record of when; the server's says when it arrived.
        assert before <= check_in.device_at <= after
        assert check_in.occurred_at == check_in.device_at == visit.checked_in_at
        assert check_in.at > check_in.device_at
        assert (check_in.distance_m, check_in.at_address) == (0, True)
        assert visit.status == VisitStatus.REPORTED
    assert visit_at(3).status == VisitStatus.PLANNED
    assert CheckIn.objects.count() == 2

    # Online again, the brief shows the check-in the server recorded.
    page.goto(f"{live_server.url}/visits/{visit_at(1).pk}/")
    assert "0 m from the address" in page.inner_text("[data-testid=checked-in]")


def test_a_report_tapped_twice_and_sent_again_is_filed_once(browser_page, live_server, field_day):
    page = phone(browser_page, live_server)
    save_the_day(page, live_server)
    visit = visit_at(1)
    page.goto(f"{live_server.url}/visits/{visit.pk}/")
    page.click("[data-testid=check-in]")
    page.wait_for_selector("[data-testid=checked-in]")
    page.click("[data-testid=report-link] >> visible=true")
    page.wait_for_selector("[data-testid=report-title]")
    page.check("input[name=outcome][value=nobody_home]")

    # The first answer is lost on the way back: the server filed the report, the phone never
    # heard, so the report waits on the phone to be sent again.
    posts = []

    def lose_the_answer(route):
        posts.append(route.request.post_data_buffer)
        route.fetch()
        route.abort("internetdisconnected")

    page.route(re.compile(r"/api/v1/visits/\d+/report/$"), lose_the_answer)
    page.dblclick("[data-testid=submit-report]")
    page.wait_for_selector("[data-testid=report-status].queued")
    assert len(posts) == 1
    assert VisitReport.objects.filter(visit=visit).count() == 1

    # Sent again (the connection "returns"): the server answers with the same report.
    page.unroute(re.compile(r"/api/v1/visits/\d+/report/$"))
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_url(re.compile(r"/visits/reports/\d+/$"))
    report = VisitReport.objects.get(visit=visit)
    assert page.url.endswith(f"/visits/reports/{report.pk}/")
    assert VisitReport.objects.count() == 1


def test_a_report_for_a_visit_reassigned_meanwhile_is_kept_for_the_manager(
    browser_page, live_server, field_day
):
    page = phone(browser_page, live_server, locale="zh-CN")
    save_the_day(page, live_server)
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("[data-testid=route-title]")
    check_in_and_report(page, 1, "在外地打工，下月回来。")

    # While the phone has no signal, the manager gives the visit to 外访2组.
    visit = visit_at(1)
    reassignment.visit_reassign(
        visit=visit,
        team=field_day["other_team"],
        user=field_day["manager"],
        reason="小王 is off sick this afternoon",
    )

    page.context.set_offline(False)
    page.goto(f"{live_server.url}/visits/today/")
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=outbox-item][data-state=kept]').length === 2"
    )
    message = page.inner_text(
        "[data-testid=outbox-item][data-kind=report] [data-testid=outbox-message]"
    )
    assert "这次外访已改派给 外访2组" in message
    assert "已为你的主管保留" in message
    screenshot(page, "offline-kept-for-manager-phone")
    # Nothing was filed on the visit, and nothing was lost.
    assert not CheckIn.objects.filter(visit=visit).exists()
    assert not VisitReport.objects.filter(visit=visit).exists()
    kept = HeldSubmission.objects.filter(visit=visit).order_by("kind")
    assert [h.kind for h in kept] == ["check_in", "report"]
    assert kept[1].data["borrower_words"] == "在外地打工，下月回来。"
    assert kept[0].data["distance_m"] == 0

    # The manager finds them in the report feed and marks them reviewed.
    desk = browser_page(viewport=DESKTOP, locale="zh-CN")
    log_in(desk, live_server, "zhuguan", PASSWORD)
    desk.goto(f"{live_server.url}/visits/feed/")
    assert desk.locator("[data-testid=held-item]").count() == 2
    screenshot(desk, "offline-kept-feed-manager")
    desk.fill(
        "[data-testid=held-item] >> nth=0 >> input[name=note]", "已电话核实，由外访2组明日再访"
    )
    desk.click("[data-testid=held-review] >> nth=0")
    desk.wait_for_selector("[data-testid=held-item] >> nth=0")
    assert HeldSubmission.objects.filter(status=HeldStatus.REVIEWED).count() == 1
