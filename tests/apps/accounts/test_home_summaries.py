"""Each role's home page summarises its own work, scoped like every other page, with links; and
costs the same number of queries however much there is to summarise.

The world, on 2026-03-10: branch A (manager_a, legal_a, team A1 with agent_a1 and agent_a2) and
branch B (manager_b, team B1). The nightly batch stored 2026-03-09 and, for A, three loans in
arrears (two M1, one M3); B has one.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.delinquency.models import DelinquencySnapshot, SnapshotRun
from fieldvisit.apps.legal.models import LegalCase
from fieldvisit.apps.remedies.models import RemedyProposal
from tests.apps.cases.factories import CaseFactory, LoanFactory
from tests.apps.visits.factories import (
    PlanFactory,
    ReportFactory,
    TaskFactory,
    VisitFactory,
    local,
)
from tests.factories import AgentFactory, BranchFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)
BATCH_DAY = dt.date(2026, 3, 9)


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setenv("FIELDVISIT_AS_OF", TODAY.isoformat())
    a, b = BranchFactory(code="A"), BranchFactory(code="B")
    team_a1, team_b1 = TeamFactory(code="A1", branch=a), TeamFactory(code="B1", branch=b)
    users = {
        "manager_a": UserFactory(username="manager_a", role=Role.MANAGER, branch=a),
        "manager_b": UserFactory(username="manager_b", role=Role.MANAGER, branch=b),
        "legal_a": UserFactory(username="legal_a", role=Role.LEGAL, branch=a),
        "agent_a1": AgentFactory(username="agent_a1", team=team_a1),
        "agent_a2": AgentFactory(username="agent_a2", team=team_a1),
        "trainer": UserFactory(username="trainer", role=Role.TRAINER, branch=a),
        "analyst": UserFactory(username="analyst", role=Role.ANALYST, branch=a),
        "admin": UserFactory(username="admin", role=Role.ADMIN, is_superuser=True, is_staff=True),
    }
    return {"A": a, "B": b, "A1": team_a1, "B1": team_b1, "users": users}


def snapshot(loan, dpd, bucket, total_due, day=BATCH_DAY):
    zero = Decimal("0.00")
    return DelinquencySnapshot.objects.create(
        as_of=day,
        loan=loan,
        dpd=dpd,
        bucket=bucket,
        classification="special_mention" if dpd else "normal",
        in_observation=False,
        overdue_principal=Decimal(total_due),
        overdue_interest=zero,
        penalty_interest=zero,
        compound_interest=zero,
        outstanding_principal=Decimal("10000.00"),
        total_due=Decimal(total_due),
    )


def furnish(world, n=1):
    """``n`` of everything each home page summarises, in branch A (and a little in B)."""
    a, users = world["A"], world["users"]
    SnapshotRun.objects.get_or_create(as_of=BATCH_DAY, defaults={"status": "done"})
    for i in range(n):
        snapshot(LoanFactory(branch=a), 12 + i, "M1", "1000.00")
        snapshot(LoanFactory(branch=a), 20, "M1", "500.00")
        snapshot(LoanFactory(branch=a), 75, "M3", "3000.00")
        snapshot(LoanFactory(branch=a), 0, "M0", "0.00")  # cured that day: not in the book
        snapshot(LoanFactory(branch=world["B"]), 40, "M2", "9999.00")
        case = CaseFactory(loan=LoanFactory(branch=a), team=world["A1"], agent=users["agent_a1"])
        CaseFactory(loan=LoanFactory(branch=a))  # unassigned
        CaseFactory(loan=LoanFactory(branch=world["B"]))
        for order, status in ((1, "reported"), (2, "planned"), (3, "planned")):
            VisitFactory(
                case=case,
                team=world["A1"],
                date=TODAY,
                order=order + 3 * i,
                status=status,
                window_start=local(TODAY, 8 + order),
                window_end=local(TODAY, 9 + order),
            )
        TaskFactory(case=case, assignee=users["agent_a1"], due_on=TODAY + dt.timedelta(days=2))
        TaskFactory(case=case, assignee=users["agent_a1"], due_on=TODAY - dt.timedelta(days=3))
        TaskFactory(case=case, assignee=users["agent_a2"], due_on=TODAY, note="not mine")
        ReportFactory(visit=VisitFactory(case=case, team=world["A1"], date=BATCH_DAY))
        RemedyProposal.objects.create(
            case=case,
            loan=case.loan,
            maker=users["agent_a1"],
            as_of=TODAY,
            base_version=1,
            amount=Decimal("9000.00"),
            status="proposed",
        )
        LegalCase.objects.create(case=case, recommended_on=TODAY, status="filed")
        LegalCase.objects.create(
            case=CaseFactory(loan=LoanFactory(branch=a)), recommended_on=TODAY, status="approved"
        )
    PlanFactory(date=TODAY, branch=a, status="approved", visits_planned=6)
    PlanFactory(date=TODAY + dt.timedelta(days=1), branch=a, status="draft", visits_planned=4)
    PlanFactory(date=TODAY + dt.timedelta(days=1), branch=world["B"], status="draft")


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


def by_testid(html, name):
    return re.findall(rf'data-testid="{name}"[^>]*>(.*?)<', html, re.S)


def test_the_agent_sees_todays_route_their_tasks_overdue_first_and_links(client, world):
    furnish(world)

    response = home(client, world["users"]["agent_a1"])
    html = response.text

    assert by_testid(html, "home-route-count") == ["1 of 3 stops done"]
    route = response.context["route"]
    assert route["next"].status == "planned"
    assert route["next"].order == 2
    assert reverse("visits:detail", args=[route["next"].pk]) in html
    assert 'href="/visits/today/"' in html
    tasks = [t.due_on for t in response.context["tasks_shown"]]
    assert tasks == [TODAY - dt.timedelta(days=3), TODAY + dt.timedelta(days=2)]
    assert "not mine" not in html
    assert html.count('data-testid="home-task"') == 2
    assert "Overdue" in html.split('data-testid="home-tasks"')[1].split("</ul>")[0]
    assert html.count('data-testid="panel"') == 3  # route, tasks, certificates


def test_an_agent_without_visits_today_is_told_so(client, world):
    html = home(client, world["users"]["agent_a1"]).text

    assert by_testid(html, "home-route-count") == ["No visits on an approved plan today."]
    assert "No open tasks." in html


def test_the_manager_sees_their_branchs_book_cases_plans_remedies_and_reports(client, world):
    furnish(world)

    response = home(client, world["users"]["manager_a"])
    html = response.text

    book = {line.bucket: (line.loans, line.total_due) for line in response.context["book"]}
    assert book == {"M1": (2, Decimal("1500.00")), "M3": (1, Decimal("3000.00"))}
    assert response.context["book_day"] == BATCH_DAY
    assert by_testid(html, "home-book-loans") == ["3"]
    assert response.context["cases"] == {"open": 3, "unassigned": 2}
    assert by_testid(html, "home-open-cases") == ["3 open cases"]
    plans = response.context["plans"]
    assert [p.status for p in plans["today"]] == ["approved"]
    assert [p.status for p in plans["tomorrow"]] == ["draft"]  # not branch B's
    assert by_testid(html, "home-awaiting") == ["1 proposal waits for your decision"]
    assert len(response.context["reports"]) == 1
    for name in ("cases:list", "planning:list", "remedies:queue", "visits:feed"):
        assert f'href="{reverse(name)}"' in html


def test_the_other_branchs_manager_sees_none_of_it(client, world):
    furnish(world)

    response = home(client, world["users"]["manager_b"])

    assert [(line.bucket, line.loans) for line in response.context["book"]] == [("M2", 1)]
    assert response.context["cases"] == {"open": 1, "unassigned": 1}
    assert response.context["awaiting"] == 0
    assert response.context["reports"] == []


def test_before_the_first_nightly_batch_the_manager_is_told_so(client, world):
    html = home(client, world["users"]["manager_a"]).text

    assert "The nightly batch has not run yet." in html


def test_the_legal_officer_sees_their_branchs_legal_cases_by_stage(client, world):
    furnish(world)

    response = home(client, world["users"]["legal_a"])

    stages = {s["status"]: s["count"] for s in response.context["stages"] if s["count"]}
    assert stages == {"approved": 1, "filed": 1}
    assert f'href="{reverse("legal:list")}"' in response.text


def test_the_administrator_sees_imports_the_audit_log_and_the_admin_site(client, world):
    furnish(world)

    html = home(client, world["users"]["admin"]).text

    for name in ("imports:upload", "audit:search", "admin:index"):
        assert f'href="{reverse(name)}"' in html
    assert by_testid(html, "home-last-run") == ["Nightly batch: 2026-03-09 · Done"]


def test_the_trainer_has_the_training_dashboard_and_the_analyst_the_dashboards(client, world):
    trainer = home(client, world["users"]["trainer"]).text
    analyst = home(client, world["users"]["analyst"]).text

    assert f'href="{reverse("training:dashboard")}"' in trainer
    assert f'href="{reverse("analytics:dashboard", args=["portfolio"])}"' in analyst


# The queries of each home page, after the session and the user (2); "nav" is the navigation's
# permission checks (user and group permissions, led teams). None grows with the data.
HOME_QUERIES = {
    "admin": 2 + 2,  # imports, last batch (a superuser's permissions need no query)
    "agent_a1": 2 + 3 + 3 + 1,  # route, led teams + tasks; nav; certificates
    "analyst": 2 + 5,  # nav only: the page is links
    "legal_a": 2 + 2 + 4,  # led teams + stages; nav
    # batch day, book, plans, led teams + cases, remedies, escalations (count, list), reports; nav
    "manager_a": 2 + 9 + 2,
    "trainer": 2 + 5 + 2,  # nav; certificates, suspensions
}


@pytest.mark.parametrize("username", sorted(HOME_QUERIES))
@pytest.mark.parametrize("size", [1, 4])
def test_a_home_page_costs_the_same_queries_however_much_it_summarises(
    client, world, username, size, django_assert_max_num_queries
):
    furnish(world, size)
    client.force_login(world["users"][username])

    with django_assert_max_num_queries(HOME_QUERIES[username]):
        response = client.get(reverse("home"))

    assert response.status_code == 200
