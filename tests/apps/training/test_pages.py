"""Training pages: who may open them, what the trainer sees (never a borrower's identity), the
agent's reminders and feedback, and a manager clearing a suspension."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.training import services
from fieldvisit.apps.training.models import AgentSuspension, QAReview, TrainingSession
from tests.apps.training.factories import (
    CertificationFactory,
    ReportFactory,
    VisitFactory,
    certify_for_visits,
    course,
)
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    client.cookies.load({"django_language": "en"})


def test_the_trainer_sees_the_certified_share_and_who_is_assignable(client, staff):
    today = business_date()
    for agent in staff.agents[:2]:
        certify_for_visits(
            agent,
            passed_on=today - dt.timedelta(days=10),
            expires_on=today + dt.timedelta(days=300),
        )
    login(client, staff.trainer)

    page = client.get(reverse("training:dashboard"))

    assert page.status_code == 200
    assert page.context["share"].certified == 2
    assert page.context["share"].agents == 5  # four in 福田, one in 南山: no branch, sees all
    assert page.text.count('data-testid="assignable-row"') == 2


@pytest.mark.parametrize("name", ["agent0", "agent_ns"])
def test_an_agent_cannot_open_the_trainers_pages(client, staff, name):
    agent = next(a for a in [*staff.agents, staff.outsider] if a.username == name)
    login(client, agent)

    for url in (
        reverse("training:dashboard"),
        reverse("training:qa"),
        reverse("training:complaints"),
        reverse("training:session_new"),
    ):
        assert client.get(url).status_code == 403


def test_a_manager_sees_only_the_agents_of_their_branch(client, staff):
    login(client, staff.manager)

    assert client.get(reverse("training:agent", args=[staff.agents[0].pk])).status_code == 200
    assert client.get(reverse("training:agent", args=[staff.outsider.pk])).status_code == 404


def test_a_trainer_never_sees_a_borrowers_name_id_or_phone(client, staff):
    agent = staff.agents[0]
    report = ReportFactory(
        submitted_by=agent,
        visit=VisitFactory(date=dt.date(2026, 3, 10)),
        notes="她说可以打 13812345678 或报身份证 440304199003071234 核实。",
    )
    borrower = report.visit.case.loan.borrower
    services.qa_sample_draw(user=staff.trainer, month=dt.date(2026, 3, 1), seed=1)
    services.complaint_record(
        user=staff.trainer,
        agent=agent,
        received_on=dt.date(2026, 3, 11),
        channel="phone",
        category="privacy",
        severity="moderate",
        content="把欠款告诉了邻居",
        case=report.visit.case,
    )
    login(client, staff.trainer)
    review = QAReview.objects.get()

    pages = [
        client.get(reverse("training:review", args=[review.pk])),
        client.get(reverse("training:qa")),
        client.get(reverse("training:complaints")),
        client.get(reverse("training:agent", args=[agent.pk])),
        client.get(reverse("training:dashboard")),
        client.get(reverse("home")),
    ]

    assert [p.status_code for p in pages] == [200] * 6
    for page in pages:
        for secret in (
            borrower.name,
            borrower.id_number,
            borrower.phone,
            "13812345678",
            "440304199003071234",
            borrower.home_address,
        ):
            assert secret not in page.text
    assert f"#{report.visit.case_id}" in pages[0].text
    assert "她说可以打 *** 或报身份证 *** 核实。" in pages[0].text
    assert client.get(reverse("cases:detail", args=[report.visit.case_id])).status_code == 404


def test_the_agent_sees_a_reminder_30_days_before_expiry_and_their_feedback(client, staff):
    agent = staff.agents[0]
    today = business_date()
    CertificationFactory(
        agent=agent,
        course=course("pipl"),
        passed_on=today - dt.timedelta(days=340),
        expires_on=today + dt.timedelta(days=20),
    )
    login(client, agent)

    home = client.get(reverse("home"))
    mine = client.get(reverse("training:me"))

    assert home.text.count('data-testid="reminder"') == 1
    assert mine.text.count('data-testid="expiring-row"') == 1


def test_the_trainers_home_lists_the_certificates_expiring_soon(client, staff):
    today = business_date()
    CertificationFactory(
        agent=staff.agents[1],
        passed_on=today - dt.timedelta(days=340),
        expires_on=today + dt.timedelta(days=30),
    )
    CertificationFactory(
        agent=staff.agents[2],
        passed_on=today - dt.timedelta(days=300),
        expires_on=today + dt.timedelta(days=31),
    )
    login(client, staff.trainer)

    home = client.get(reverse("home"))

    assert home.text.count('data-testid="reminder"') == 1
    assert "外访员1" in home.text


def test_a_manager_clears_a_suspension_on_the_agents_page(client, staff):
    agent = staff.agents[0]
    services.complaint_record(
        user=staff.manager,
        agent=agent,
        received_on=business_date(),
        channel="phone",
        category="threat",
        severity="serious",
        content="威胁",
    )
    suspension = AgentSuspension.objects.get()
    login(client, staff.manager)

    response = client.post(
        reverse("training:clear", args=[suspension.pk]),
        {"on_date": business_date().isoformat(), "note": "调查后不成立"},
    )

    assert response.status_code == 302
    suspension.refresh_from_db()
    assert suspension.cleared_by_id == staff.manager.pk


def test_the_trainer_schedules_and_completes_a_session_through_the_pages(client, staff):
    login(client, staff.trainer)
    a, b = staff.agents[:2]
    response = client.post(
        reverse("training:session_new"),
        {
            "course": course("communication").pk,
            "date": "2026-03-02",
            "location": "三楼",
            "agents": [a.pk, b.pk],
        },
    )
    session_url = response["Location"]

    client.post(
        session_url + "results/",
        {
            f"attended_{a.pk}": "on",
            f"score_{a.pk}": "75",
            f"attended_{b.pk}": "on",
            f"score_{b.pk}": "40",
            "complete": "1",
        },
    )

    page = client.get(session_url)
    assert page.context["session"].status == "completed"
    assert [r.passed for r in page.context["attendees"]] == [True, False]
    assert a.certifications.get().expires_on == dt.date(2027, 3, 2)
    assert b.certifications.count() == 0
    assert Decimal(75) == page.context["attendees"][0].score


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_session_forms_default_date_is_one_the_date_field_accepts(client, staff, language):
    """The form offers today in the one format a date picker shows (ISO, whatever the
    language); posting the form as offered schedules the session on that day."""
    login(client, staff.trainer)
    client.cookies.load({"django_language": language})

    form = client.get(reverse("training:session_new"))
    offered = form.context["form"]["date"].value()
    rendered = re.search(r'<input type="date" name="date" value="([^"]*)"', form.text)

    assert rendered is not None
    assert rendered.group(1) == business_date().isoformat()
    response = client.post(
        reverse("training:session_new"),
        {
            "course": course("communication").pk,
            "date": rendered.group(1),
            "agents": [staff.agents[0].pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert TrainingSession.objects.get().date == offered == business_date()


def test_a_future_session_offers_no_results_form_and_refuses_a_completion(
    client, staff, monkeypatch
):
    monkeypatch.setenv("FIELDVISIT_AS_OF", "2026-03-01")
    login(client, staff.trainer)
    a = staff.agents[0]
    session = services.session_schedule(
        user=staff.trainer, course=course("communication"), date=dt.date(2026, 3, 2), agents=[a]
    )
    url = reverse("training:session", args=[session.pk])

    page = client.get(url)
    response = client.post(
        reverse("training:results", args=[session.pk]),
        {f"attended_{a.pk}": "on", f"score_{a.pk}": "90", "complete": "1"},
        follow=True,
    )

    assert 'data-testid="session-not-held"' in page.text
    assert 'data-testid="complete-session"' not in page.text
    assert "record its results on or after that day" in response.text
    session.refresh_from_db()
    assert session.status == "scheduled"
    assert a.certifications.count() == 0


def test_materials_are_stored_and_only_the_invited_and_the_trainers_download_them(
    client, staff, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    session = services.session_schedule(
        user=staff.trainer, course=course("pipl"), date=dt.date(2026, 3, 2), agents=staff.agents[:1]
    )
    login(client, staff.trainer)
    client.post(
        reverse("training:material_upload", args=[session.pk]),
        {"title": "讲义", "file": SimpleUploadedFile("pipl.pdf", b"%PDF-1.4 handout")},
    )
    material = session.materials.get()
    url = reverse("training:material", args=[material.pk])

    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 handout"
    login(client, staff.agents[0])
    assert client.get(url).status_code == 200
    login(client, staff.agents[1])
    assert client.get(url).status_code == 404


def test_a_material_of_another_type_is_refused(client, staff, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    session = services.session_schedule(
        user=staff.trainer, course=course("pipl"), date=dt.date(2026, 3, 2), agents=staff.agents[:1]
    )
    login(client, staff.trainer)

    client.post(
        reverse("training:material_upload", args=[session.pk]),
        {"file": SimpleUploadedFile("run.exe", b"MZ")},
    )

    assert session.materials.count() == 0
