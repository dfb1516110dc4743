"""A manager compares three remedy options for one case side by side and proposes one; another
manager (maker ≠ checker) finds it in the queue and approves it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.cases.models import CaseStatus
from fieldvisit.apps.remedies.models import RemedyProposal, RemedyStatus
from tests.apps.cases.factories import CaseFactory
from tests.apps.remedies.conftest import illness_loan
from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, BranchFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def branch_case(db, monkeypatch):
    cache.clear()
    monkeypatch.setenv("FIELDVISIT_AS_OF", "2025-05-01")
    branch = BranchFactory(code="SZ-FT", name="福田支行")
    team = TeamFactory(code="FT1", branch=branch)
    maker = UserFactory(username="manager_maker", role=Role.MANAGER, branch=branch)
    checker = UserFactory(username="manager_checker", role=Role.MANAGER, branch=branch)
    case = CaseFactory(
        loan=illness_loan(branch),
        team=team,
        status=CaseStatus.VISITED,
        opened_on=dt.date(2025, 3, 16),
        snapshot_as_of=dt.date(2025, 5, 1),
        dpd=47,
        bucket="M2",
    )
    return {"case": case, "maker": maker, "checker": checker}


def test_a_manager_compares_three_options_and_another_approves(
    browser_page, live_server, branch_case
):
    case = branch_case["case"]
    page = browser_page()
    log_in(page, live_server, "manager_maker", PASSWORD)

    page.goto(f"{live_server.url}/remedies/case/{case.pk}/new/")
    page.fill("#id_income", "9000")
    page.fill("#id_fixed_costs", "2400")
    page.fill("#id_flexible_costs", "1600")
    page.click("[data-testid=remedy-compute]")
    page.wait_for_selector("[data-testid=options]")
    options = page.locator("[data-testid=option]")
    assert options.count() == 3
    payments = [
        p.strip() for p in options.locator("[data-testid=option-payment] strong").all_inner_texts()
    ]
    explanations = options.locator("[data-testid=option-explanation]").all_inner_texts()
    assert all(text.startswith("推荐第") for text in explanations)
    # Side by side on a desktop: the three cards share one row.
    tops = {round(box["y"]) for box in (options.nth(i).bounding_box() for i in range(3))}
    assert len(tops) == 1
    screenshot(page, "remedies-three-options")

    second = options.nth(1)
    chosen_key = second.get_attribute("data-key")
    second.locator("[data-testid=option-radio]").check()
    page.fill("#propose-note", "选第二个方案，月供更低")
    page.click("[data-testid=propose-submit]")
    page.wait_for_selector("[data-testid=remedy-status]")
    assert page.get_attribute("[data-testid=remedy-status]", "data-status") == "proposed"
    proposal = RemedyProposal.objects.get(case=case)
    assert (proposal.status, proposal.chosen_key) == (RemedyStatus.PROPOSED, chosen_key)
    # The maker is not offered the approval.
    assert page.locator("[data-testid=approve]").count() == 0

    checker_page = browser_page()
    log_in(checker_page, live_server, "manager_checker", PASSWORD)
    checker_page.click("[data-testid=nav-remedies]")
    checker_page.click("[data-testid=queue-proposal]")
    checker_page.wait_for_selector("[data-testid=options]")
    assert checker_page.locator("[data-testid=option]").count() == 3
    chosen = checker_page.locator(".option.chosen [data-testid=option-payment] strong")
    assert chosen.inner_text().strip() == payments[1]
    checker_page.fill("[data-testid=decide-reason]", "可承受，同意")
    checker_page.click("[data-testid=approve]")
    checker_page.wait_for_selector("[data-testid=remedy-checker]")
    assert checker_page.get_attribute("[data-testid=remedy-status]", "data-status") == "approved"
    assert checker_page.inner_text("[data-testid=remedy-maker]") == str(branch_case["maker"])
    assert checker_page.inner_text("[data-testid=remedy-checker]") == str(branch_case["checker"])
    screenshot(checker_page, "remedies-approved")

    proposal.refresh_from_db()
    assert (proposal.status, proposal.maker, proposal.checker) == (
        RemedyStatus.APPROVED,
        branch_case["maker"],
        branch_case["checker"],
    )
