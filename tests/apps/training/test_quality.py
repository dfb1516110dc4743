"""QA: the month's reports are drawn at each agent's share, reproducibly for a seed; reviews score
the checklist and the agent sees the feedback."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.training import services
from fieldvisit.apps.training.models import QAReview, ReviewStatus
from fieldvisit.apps.training.selectors import qa_trend
from tests.apps.training.factories import ComplaintFactory, ReportFactory, VisitFactory

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)


def reports(agent, count, day=dt.date(2026, 3, 10)):
    return [
        ReportFactory(submitted_by=agent, visit=VisitFactory(date=day + dt.timedelta(days=i % 15)))
        for i in range(count)
    ]


def test_the_draw_respects_the_shares_and_is_reproducible_for_a_seed(staff):
    veteran, complained = staff.agents[:2]
    reports(veteran, 20)
    reports(complained, 10)
    reports(veteran, 5, day=dt.date(2026, 4, 2))  # another month: not drawn
    ComplaintFactory(agent=complained, recorded_by=staff.trainer, received_on=dt.date(2026, 2, 1))

    draw = services.qa_sample_draw(user=staff.trainer, month=MARCH, seed=42)

    drawn = {
        agent.pk: set(QAReview.objects.filter(agent=agent).values_list("report_id", flat=True))
        for agent in (veteran, complained)
    }
    assert (draw.reports, draw.drawn) == (30, 2 + 5)  # 10 % of 20, 50 % of 10
    assert {a: len(ids) for a, ids in drawn.items()} == {veteran.pk: 2, complained.pk: 5}
    assert set(QAReview.objects.values_list("share_reason", flat=True)) == {"base", "complaints"}

    QAReview.objects.all().delete()
    services.qa_sample_draw(user=staff.trainer, month=MARCH, seed=42)
    again = {
        agent.pk: set(QAReview.objects.filter(agent=agent).values_list("report_id", flat=True))
        for agent in (veteran, complained)
    }
    assert again == drawn


def test_drawing_again_never_puts_a_report_under_review_twice(staff):
    reports(staff.agents[0], 3)
    services.qa_sample_draw(user=staff.trainer, month=MARCH, seed=1)

    services.qa_sample_draw(user=staff.trainer, month=MARCH, seed=1)

    assert QAReview.objects.count() == 1


def review(staff, **scores):
    reports(staff.agents[0], 1)
    services.qa_sample_draw(user=staff.trainer, month=MARCH, seed=1)
    item = QAReview.objects.get()
    return services.qa_review_submit(
        user=staff.trainer,
        review=item,
        scores={"conduct": 5, "empathy": 4, "accuracy": 3, "compliance": 5, **scores},
        feedback="开场说明身份与来意做得好；记录中收入部分不完整。",
    )


def test_a_review_scores_the_checklist_out_of_100(staff):
    done = review(staff)

    assert (done.status, done.score, done.reviewer_id) == (ReviewStatus.DONE, 85, staff.trainer.pk)
    assert qa_trend(QAReview.objects.all()) == [
        {
            "agent_id": staff.agents[0].pk,
            "agent": "外访员0",
            "month": MARCH,
            "average": 85,
            "reviews": 1,
        }
    ]


def test_a_checklist_score_above_5_is_refused(staff):
    with pytest.raises(ApplicationError) as refused:
        review(staff, empathy=6)

    assert refused.value.code == "invalid_score"
    assert QAReview.objects.get().status == ReviewStatus.PENDING
