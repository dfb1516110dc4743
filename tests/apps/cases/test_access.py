"""The access matrix: each role × each page and endpoint × each case.

Exactly the cells in ``VISIBLE`` succeed; every other cell answers 404 (the case is not
confirmed to exist), and the list pages of roles without cases answer 403.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from fieldvisit.apps.cases.models import CaseEvent, CaseNote, CollectionCase
from fieldvisit.apps.cases.selectors import cases_for_user
from fieldvisit.apps.loans.selectors import borrowers_for_user, loans_for_user
from tests.apps.cases.conftest import VISIBLE

ACTORS = list(VISIBLE)
CASES = ["mine", "team", "other_team", "other_branch"]

READS = [
    ("page detail", lambda pk: reverse("cases:detail", args=[pk])),
    ("page contact form", lambda pk: reverse("cases:contact", args=[pk])),
    ("api detail", lambda pk: reverse("api-case", args=[pk])),
    ("api events", lambda pk: reverse("api-case-events", args=[pk])),
    ("api contact attempts", lambda pk: reverse("api-case-contact-attempts", args=[pk])),
]
WRITES = [
    ("page note", "cases:note", {"body": "called, no answer"}),
    ("page transition", "cases:transition", {"to_status": "contacting", "reason": "first call"}),
    ("page flags", "cases:flags", {"vulnerable": "on", "reason": "illness"}),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("case_name", CASES)
@pytest.mark.parametrize(("endpoint", "url"), READS, ids=[r[0] for r in READS])
def test_reads_succeed_exactly_for_visible_cases(client, world, actor, case_name, endpoint, url):
    client.force_login(world.users[actor])

    response = client.get(url(world.cases[case_name].pk))

    expected = 200 if case_name in VISIBLE[actor] else 404
    assert response.status_code == expected, (actor, case_name, endpoint)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("case_name", CASES)
@pytest.mark.parametrize(("endpoint", "name", "data"), WRITES, ids=[w[0] for w in WRITES])
def test_writes_succeed_exactly_for_visible_cases(
    client, world, actor, case_name, endpoint, name, data
):
    case = world.cases[case_name]
    if case.status == "legal" and name == "cases:transition":
        data = {"to_status": "closed", "reason": "settled in court"}
    client.force_login(world.users[actor])
    events_before = CaseEvent.objects.filter(case=case).count()

    response = client.post(reverse(name, args=[case.pk]), data)

    if case_name in VISIBLE[actor]:
        assert response.status_code == 302
        assert CaseEvent.objects.filter(case=case).count() == events_before + 1
    else:
        assert response.status_code == 404
        assert CaseEvent.objects.filter(case=case).count() == events_before
        assert not CaseNote.objects.filter(case=case).exists()
        assert CollectionCase.objects.get(pk=case.pk).vulnerable is False


@pytest.mark.parametrize("actor", ACTORS)
def test_the_list_page_and_api_list_show_exactly_the_visible_cases(client, world, actor):
    client.force_login(world.users[actor])
    expected = {world.cases[name].pk for name in VISIBLE[actor]}

    page = client.get(reverse("cases:list"))
    api = client.get(reverse("api-cases"))

    if actor in ("trainer", "analyst"):
        assert (page.status_code, api.status_code) == (403, 403)
        return
    assert page.status_code == 200
    assert {case.pk for case in page.context["page"]} == expected
    assert api.status_code == 200
    assert {row["id"] for row in api.json()["results"]} == expected


@pytest.mark.parametrize("actor", ACTORS)
def test_loans_and_borrowers_follow_the_cases_and_the_managers_branch(world, actor):
    user = world.users[actor]
    visible_loans = {world.cases[name].loan_id for name in VISIBLE[actor]}

    assert set(cases_for_user(user).values_list("pk", flat=True)) == {
        world.cases[name].pk for name in VISIBLE[actor]
    }
    assert set(loans_for_user(user).values_list("pk", flat=True)) == visible_loans
    assert set(borrowers_for_user(user).values_list("pk", flat=True)) == {
        world.cases[name].loan.borrower_id for name in VISIBLE[actor]
    }


def test_a_manager_also_sees_branch_loans_without_a_case(world):
    from tests.apps.cases.factories import LoanFactory

    quiet = LoanFactory(branch=world.branches["A"])

    assert loans_for_user(world.users["manager_a"]).filter(pk=quiet.pk).exists()
    assert not loans_for_user(world.users["agent_a1"]).filter(pk=quiet.pk).exists()
    assert not loans_for_user(world.users["manager_b"]).filter(pk=quiet.pk).exists()


def test_an_anonymous_visitor_gets_the_login_page_and_the_api_refuses(client, world):
    pk = world.cases["mine"].pk

    assert client.get(reverse("cases:detail", args=[pk])).status_code == 302
    assert client.get(reverse("api-case", args=[pk])).status_code in (401, 403)


def test_a_manager_without_a_branch_sees_no_case(world):
    from fieldvisit.apps.accounts.roles import Role
    from tests.factories import UserFactory

    assert not cases_for_user(UserFactory(role=Role.MANAGER)).exists()


def test_a_malformed_or_unknown_id_is_404(client, world):
    client.force_login(world.users["admin"])

    assert client.get("/cases/999999/").status_code == 404
    assert client.get("/api/v1/cases/999999/").status_code == 404
