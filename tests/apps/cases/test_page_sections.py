"""The case page shows what the other apps hold about the case (visits and their reports,
promises, remedies, tasks, legal), each with its link, and its query count does not grow with
them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from fieldvisit.apps.cases.models import CaseStatus, CollectionCase
from fieldvisit.apps.legal.models import LegalCase
from fieldvisit.apps.remedies.models import RemedyProposal
from tests.apps.visits.factories import PromiseFactory, ReportFactory, TaskFactory, VisitFactory

pytestmark = pytest.mark.django_db


def furnish(world, case, count=1):
    """``count`` reported visits with a promise each, remedy proposals and tasks; one legal case."""
    made = {"reports": [], "promises": [], "proposals": [], "tasks": []}
    for i in range(count):
        report = ReportFactory(
            visit=VisitFactory(case=case, date=dt.date(2026, 3, 1) + dt.timedelta(days=i)),
            outcome="met_borrower",
        )
        made["reports"].append(report)
        made["promises"].append(PromiseFactory(report=report))
        made["proposals"].append(
            RemedyProposal.objects.create(
                case=case,
                loan=case.loan,
                maker=world.users["agent_a1"],
                as_of=dt.date(2026, 3, 2),
                base_version=1,
                amount=Decimal("9000.00"),
                status="lapsed",
            )
        )
        made["tasks"].append(
            TaskFactory(case=case, assignee=world.users["agent_a1"], due_on=dt.date(2026, 3, 1))
        )
    made["legal"] = LegalCase.objects.create(case=case, recommended_on=dt.date(2026, 3, 5))
    return made


def page(client, user, case):
    client.force_login(user)
    response = client.get(reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def section(html, testid):
    match = re.search(rf'<section class="card" data-testid="{testid}">(.*?)</section>', html, re.S)
    assert match, testid
    return match.group(1)


def test_an_empty_case_says_none_yet_and_offers_a_remedy_and_the_escalation_check(client, world):
    html = page(client, world.users["manager_a"], world.cases["mine"])

    for testid in ("visits", "promises", "remedies", "tasks"):
        assert "None yet." in section(html, testid)
    assert reverse("remedies:new", args=[world.cases["mine"].pk]) in section(html, "remedies")
    legal = section(html, "legal")
    assert "Not escalated." in legal
    assert f'action="{reverse("legal:check", args=[world.cases["mine"].pk])}"' in legal
    assert 'method="post"' in legal


def test_each_section_shows_the_cases_rows_with_their_links(client, world):
    case = world.cases["mine"]
    made = furnish(world, case)
    report, promise = made["reports"][0], made["promises"][0]

    html = page(client, world.users["manager_a"], case)

    visits = section(html, "visits")
    assert reverse("visits:detail", args=[report.visit_id]) in visits
    assert reverse("visits:report_detail", args=[report.pk]) in visits
    assert "Met the borrower" in visits
    promises = section(html, "promises")
    assert 'data-status="open"' in promises
    assert "1,000.00" in promises
    assert promise.due_on.isoformat() in promises
    remedies = section(html, "remedies")
    assert reverse("remedies:detail", args=[made["proposals"][0].pk]) in remedies
    assert 'data-status="lapsed"' in remedies
    tasks = section(html, "tasks")
    assert 'data-state="open"' in tasks
    assert "Overdue" in tasks
    legal = section(html, "legal")
    assert reverse("legal:detail", args=[made["legal"].pk]) in legal
    assert "legal-check-form" not in legal  # already escalated: nothing to check


def test_an_open_promise_keeps_contacting_and_visit_planned_out_of_the_status_choices(
    client, world
):
    case = world.cases["mine"]
    CollectionCase.objects.filter(pk=case.pk).update(status=CaseStatus.PROMISE_TO_PAY)
    furnish(world, case)

    html = page(client, world.users["manager_a"], case)

    choices = set(re.findall(r'<option value="([a-z_]+)">', section(html, "work")))
    assert CaseStatus.REMEDY_PROPOSED in choices
    assert CaseStatus.PROMISE_BROKEN in choices
    assert not choices & {CaseStatus.CONTACTING, CaseStatus.VISIT_PLANNED}


def test_an_agent_sees_only_their_own_tasks_and_their_teams_visits(client, world):
    case = world.cases["mine"]
    furnish(world, case)
    TaskFactory(case=case, assignee=world.users["agent_a2"], note="someone else's call")

    html = page(client, world.users["agent_a1"], case)

    assert len(re.findall('data-testid="task-row"', html)) == 1
    assert "someone else" not in html


# session, user, led teams, case; visits (latest report as a subquery), promises, remedies,
# tasks, legal; schedule, payments, policy; permissions (user, groups); contact attempts, notes,
# the assignment form's teams and agents, events.
CASE_PAGE_QUERIES = 19


@pytest.mark.parametrize("rows", [0, 1, 6])
def test_the_case_page_query_count_does_not_grow_with_its_sections(
    client, world, rows, django_assert_max_num_queries
):
    case = world.cases["mine"]
    if rows:
        furnish(world, case, rows)
    client.force_login(world.users["manager_a"])

    with django_assert_max_num_queries(CASE_PAGE_QUERIES):
        response = client.get(reverse("cases:detail", args=[case.pk]))

    assert response.status_code == 200
    assert response.content.decode().count('data-testid="visit-row"') == rows


def test_the_loan_status_shows_the_five_category_class_by_its_label(client, world):
    html = page(client, world.users["manager_a"], world.cases["mine"])

    shown = re.search(r'data-testid="loan-class">([^<]*)<', html)

    assert shown is not None
    assert shown.group(1) in {
        "Normal (正常)",
        "Special mention (关注)",
        "Substandard (次级)",
        "Doubtful (可疑)",
        "Loss (损失)",
    }
