"""Every role logs in and lands on its own home page, in either language."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fieldvisit.apps.accounts.roles import ROLE_PERMISSIONS, Role
from fieldvisit.apps.demo.services import DEMO_PASSWORD

HEADINGS = {
    Role.ADMIN: ("Administration", "系统管理"),
    Role.MANAGER: ("Collections manager", "催收主管"),
    Role.AGENT: ("My field day", "我的外访日"),
    Role.TRAINER: ("Training and quality", "培训与质检"),
    Role.LEGAL: ("Legal cases", "法务案件"),
    Role.ANALYST: ("Analytics", "数据分析"),
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_own_home_page_in_chinese_by_default(client, personas, role):
    assert client.login(username=role.value, password=DEMO_PASSWORD)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert f'data-testid="home-title">{HEADINGS[role][1]}<' in response.text
    assert '<html lang="zh-hans">' in response.text


@pytest.mark.parametrize("role", list(Role))
def test_each_role_home_page_is_in_english_after_switching(client, personas, role):
    client.login(username=role.value, password=DEMO_PASSWORD)

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"))

    assert f'data-testid="home-title">{HEADINGS[role][0]}<' in response.text
    assert '<html lang="en">' in response.text


def test_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_wrong_password_is_refused_with_a_clear_message(client, personas):
    response = client.post(
        reverse("accounts:login"),
        {"username": "manager", "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "The username or password is wrong" in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", list(Role))
def test_role_groups_carry_exactly_the_declared_permissions(personas, role):
    user = personas[role.value]

    granted = {p for p in user.get_all_permissions() if p.startswith("accounts.")}

    if role == Role.ADMIN:  # the administrator is a superuser: every permission
        assert ROLE_PERMISSIONS[role] <= granted
    else:
        assert granted == set(ROLE_PERMISSIONS[role])


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
