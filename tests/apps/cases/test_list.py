"""The case list: each filter, sorting, pagination, bulk assignment and a query-count guard."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from fieldvisit.apps.cases.models import CaseStatus, CollectionCase
from tests.apps.cases.factories import BorrowerFactory, CaseFactory, LoanFactory, ProductFactory
from tests.apps.cases.test_page_sections import CASE_PAGE_QUERIES

pytestmark = pytest.mark.django_db


def listed(client, **params):
    response = client.get(reverse("cases:list"), params)
    assert response.status_code == 200
    return [case.pk for case in response.context["page"]]


@pytest.fixture
def book(world, client):
    """Three more open cases in branch A with distinct figures; manager_a logged in."""
    branch = world.branches["A"]
    car = ProductFactory(code="CAR", name="车贷")

    def case(district, product=None, **kwargs):
        borrower = BorrowerFactory(home_district=district)
        loan = LoanFactory(branch=branch, borrower=borrower, product=product or ProductFactory())
        return CaseFactory(loan=loan, **kwargs)

    cases = {
        "m3_futian": case("福田区", car, dpd=75, bucket="M3", amount_due=Decimal("9000.00")),
        "m1_vulnerable": case(
            "南山区", dpd=10, bucket="M1", amount_due=Decimal("300.00"), vulnerable=True
        ),
        "promise": case(
            "南山区",
            dpd=45,
            bucket="M2",
            amount_due=Decimal("2500.00"),
            status=CaseStatus.PROMISE_TO_PAY,
        ),
    }
    client.force_login(world.users["manager_a"])
    return {**{k: v.pk for k, v in world.cases.items()}, **{k: v.pk for k, v in cases.items()}}


def test_filters_narrow_the_list(client, world, book):
    assert set(listed(client, bucket="M3")) == {book["m3_futian"]}
    assert set(listed(client, bucket=["M1", "M3"])) == {book["m1_vulnerable"], book["m3_futian"]}
    assert set(listed(client, dpd_min=40, dpd_max=50)) == {
        book["mine"],
        book["team"],
        book["other_team"],
        book["promise"],
    }
    assert set(listed(client, amount_min="5000")) == {book["m3_futian"]}
    assert set(listed(client, amount_max="1000")) == {book["m1_vulnerable"]}
    assert set(listed(client, district="福田区")) == {book["m3_futian"]}
    car = CollectionCase.objects.get(pk=book["m3_futian"]).loan.product_id
    assert set(listed(client, product=car)) == {book["m3_futian"]}
    assert set(listed(client, team=world.teams["A2"].pk)) == {book["other_team"]}
    assert set(listed(client, agent=world.users["agent_a1"].pk)) == {book["mine"]}
    assert set(listed(client, status="legal")) == {book["other_team"]}
    assert set(listed(client, has_promise="yes")) == {book["promise"]}
    assert set(listed(client, vulnerable="yes")) == {book["m1_vulnerable"]}
    assert set(listed(client, unassigned="on")) == {
        book["m3_futian"],
        book["m1_vulnerable"],
        book["promise"],
    }
    combined = listed(
        client, branch=world.branches["A"].pk, bucket="M2", district="南山区", dpd_min=45
    )
    assert set(combined) == {book["promise"]}


def test_a_filter_on_another_branch_shows_nothing_of_it(client, world, book):
    # The form offers only the manager's own branch; the scope holds whatever is asked.
    response = client.get(reverse("cases:list"), {"branch": world.branches["B"].pk})

    assert response.context["form"].errors
    assert book["other_branch"] not in [c.pk for c in response.context["page"]]


def test_sorting_by_dpd_and_by_amount(client, book):
    by_dpd = listed(client, sort="-dpd")
    by_amount = listed(client, sort="amount_due")

    assert by_dpd[0] == book["m3_futian"]
    assert by_dpd[-1] == book["m1_vulnerable"]
    assert by_amount[0] == book["m1_vulnerable"]


def test_closed_cases_are_hidden_unless_asked_for(client, world, book):
    CollectionCase.objects.filter(pk=book["mine"]).update(
        status=CaseStatus.CURED, closed_on="2026-03-09"
    )

    assert book["mine"] not in listed(client)
    assert book["mine"] in listed(client, include_closed="on")


def test_bulk_assignment_from_the_list(client, world, book):
    response = client.post(
        reverse("cases:assign"),
        {
            "case": [book["m3_futian"], book["promise"], book["other_branch"]],
            "agent": world.users["agent_a2"].pk,
            "reason": "new portfolio",
            "next": "/cases/?bucket=M3",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/cases/?bucket=M3"
    assigned = CollectionCase.objects.filter(agent=world.users["agent_a2"])
    assert set(assigned.values_list("pk", flat=True)) == {
        book["team"],
        book["m3_futian"],
        book["promise"],
    }
    assert CollectionCase.objects.get(pk=book["other_branch"]).agent == world.users["agent_b1"]


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "https://evil.example/x",
        "/\\evil.example/x",
        "\\\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
    ],
)
def test_assignment_never_redirects_off_site(client, world, book, target):
    response = client.post(
        reverse("cases:assign"),
        {"case": [book["m3_futian"]], "agent": world.users["agent_a2"].pk, "next": target},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:list")


def test_an_agent_cannot_bulk_assign(client, world, book):
    client.force_login(world.users["agent_a1"])

    response = client.post(
        reverse("cases:assign"), {"case": [book["mine"]], "agent": world.users["agent_a2"].pk}
    )

    assert response.status_code == 403
    assert CollectionCase.objects.get(pk=book["mine"]).agent == world.users["agent_a1"]


def test_pagination_by_50(client, world):
    branch = world.branches["A"]
    for _ in range(52):
        CaseFactory(loan=LoanFactory(branch=branch))
    client.force_login(world.users["manager_a"])

    first = client.get(reverse("cases:list"))
    second = client.get(reverse("cases:list"), {"page": 2})

    assert first.context["page"].paginator.count == 55
    assert len(first.context["page"]) == 50
    assert len(second.context["page"]) == 5


@pytest.mark.parametrize("extra_cases", [0, 40])
def test_the_list_page_query_count_does_not_grow_with_the_cases(
    client, world, extra_cases, django_assert_max_num_queries
):
    branch = world.branches["A"]
    for _ in range(extra_cases):
        CaseFactory(loan=LoanFactory(branch=branch), team=world.teams["A1"])
    client.force_login(world.users["manager_a"])

    # session, user, led teams, count, page, the filter form's choices (product, branch, team,
    # agent) and the assignment form's (team, agent), the nav's permission check.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("cases:list"), {"bucket": "M2", "district": "南山区"})

    assert response.status_code == 200


def test_the_case_page_query_count_is_bounded(client, world, django_assert_max_num_queries):
    client.force_login(world.users["manager_a"])

    # Itemised (and shown not to grow with the visits, promises, remedies, tasks and legal
    # cases) in test_page_sections.py.
    with django_assert_max_num_queries(CASE_PAGE_QUERIES):
        response = client.get(reverse("cases:detail", args=[world.cases["mine"].pk]))

    assert response.status_code == 200
