"""A recommended escalation is visible where it is decided and where it is coming: in the legal
officer's queue (read only) and on the branch manager's home with the way to approve it; and
"recommended" is never worded as "submitted" (提请)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.legal.models import LegalCase, LegalStatus
from tests.apps.cases.factories import CaseFactory
from tests.factories import BranchFactory, LoanFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 13)
CATALOGUE = (
    Path(__file__).resolve().parents[3] / "src/fieldvisit/locale/zh_Hans/LC_MESSAGES/django.po"
)


@pytest.fixture
def branch_with_a_recommendation(monkeypatch):
    monkeypatch.setenv("FIELDVISIT_AS_OF", TODAY.isoformat())
    branch, other = BranchFactory(code="NS"), BranchFactory(code="FT")
    case = CaseFactory(loan=LoanFactory(branch=branch), dpd=90, bucket="M3")
    legal = LegalCase.objects.create(
        case=case,
        recommended_on=TODAY,
        reasons_zh="2次外访中借款人拒绝沟通或无法联系，逾期90天（≥90天）",
        reasons_en="refused or not reached at 2 visits; 90 days past due (≥ 90)",
    )
    return {
        "legal": legal,
        "case": case,
        "manager": UserFactory(username="manager_ns", role=Role.MANAGER, branch=branch),
        "officer": UserFactory(username="legal_ns", role=Role.LEGAL, branch=branch),
        "other_manager": UserFactory(username="manager_ft", role=Role.MANAGER, branch=other),
        "other_officer": UserFactory(username="legal_ft", role=Role.LEGAL, branch=other),
    }


def get(client, user, name, *args, language="en"):
    client.force_login(user)
    client.cookies.load({"django_language": language})
    return client.get(reverse(name, args=args))


def test_the_legal_officer_sees_the_recommendation_in_their_queue_read_only(
    client, branch_with_a_recommendation
):
    world = branch_with_a_recommendation
    legal = world["legal"]

    queue = get(client, world["officer"], "legal:list")
    page = get(client, world["officer"], "legal:detail", legal.pk)
    home = get(client, world["officer"], "home")

    assert [row.pk for row in queue.context["awaiting"]] == [legal.pk]
    assert queue.text.count('data-testid="legal-queue-row"') == 1
    assert page.status_code == 200
    assert 'data-testid="legal-awaiting-decision"' in page.text
    assert 'data-testid="legal-decide"' not in page.text  # a manager decides
    assert 'data-testid="legal-stage"' not in page.text
    assert 'data-testid="legal-pack"' not in page.text
    # The collection case is not theirs until it is in legal: named, not linked.
    assert reverse("cases:detail", args=[world["case"].pk]) not in page.text
    stages = {s["status"]: s["count"] for s in home.context["stages"]}
    assert stages[LegalStatus.RECOMMENDED] == 1


def test_the_legal_officer_may_not_decide_a_recommendation(client, branch_with_a_recommendation):
    world = branch_with_a_recommendation
    client.force_login(world["officer"])

    client.post(
        reverse("legal:decide", args=[world["legal"].pk]),
        {"decision": "approve", "reason": "可以起诉"},
    )

    world["legal"].refresh_from_db()
    assert world["legal"].status == LegalStatus.RECOMMENDED
    assert world["legal"].entries.count() == 0


def test_the_manager_sees_the_recommendation_on_their_home_with_the_way_to_approve_it(
    client, branch_with_a_recommendation
):
    world = branch_with_a_recommendation
    legal = world["legal"]

    home = get(client, world["manager"], "home")
    decide_url = reverse("legal:detail", args=[legal.pk]) + "#decide"
    page = get(client, world["manager"], "legal:detail", legal.pk)

    assert home.context["escalations"]["count"] == 1
    assert [row.pk for row in home.context["escalations"]["oldest"]] == [legal.pk]
    assert "1 recommended escalation waits for your decision" in home.text
    assert f'href="{decide_url}" data-testid="home-escalation-decide"' in home.text
    assert "refused or not reached at 2 visits" in home.text
    assert 'id="decide" data-testid="legal-decide"' in page.text
    assert 'data-testid="legal-approve"' in page.text


def test_another_branch_sees_none_of_it(client, branch_with_a_recommendation):
    world = branch_with_a_recommendation

    home = get(client, world["other_manager"], "home")
    queue = get(client, world["other_officer"], "legal:list")
    page = get(client, world["other_officer"], "legal:detail", world["legal"].pk)

    assert home.context["escalations"]["count"] == 0
    assert list(queue.context["awaiting"]) == []
    assert page.status_code == 404


def test_a_declined_recommendation_leaves_the_queues(client, branch_with_a_recommendation):
    world = branch_with_a_recommendation
    LegalCase.objects.filter(pk=world["legal"].pk).update(status=LegalStatus.DECLINED)

    home = get(client, world["manager"], "home")
    queue = get(client, world["officer"], "legal:list")

    assert home.context["escalations"]["count"] == 0
    assert list(queue.context["awaiting"]) == []


def test_recommended_reads_as_recommended_in_chinese_never_as_submitted(
    client, branch_with_a_recommendation
):
    world = branch_with_a_recommendation

    with translation.override("zh-hans"):
        label = str(LegalStatus.RECOMMENDED.label)
    home = get(client, world["manager"], "home", language="zh-hans")
    queue = get(client, world["officer"], "legal:list", language="zh-hans")

    assert label == "建议移交"
    assert "建议移交" in queue.text
    assert "待决定的法务移交建议" in home.text
    for html in (home.text, queue.text):
        assert "提请" not in html
    # 提请 says it was formally put before someone: no message may use it for a recommendation.
    offending = [e.msgid for e in polib.pofile(str(CATALOGUE)) if "提请" in e.msgstr]
    assert offending == []
