"""A new manager and a new agent log in and see their home pages, in Chinese and in English."""

from __future__ import annotations

import pytest

from fieldvisit.apps.demo.services import DEMO_PASSWORD
from tests.browser.conftest import PHONE, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_sees_the_home_page_in_chinese_then_switches_to_english(
    browser_page, live_server, personas
):
    page = browser_page()

    log_in(page, live_server, "manager", DEMO_PASSWORD)

    assert page.inner_text("[data-testid=home-title]") == "催收主管"
    assert page.get_attribute("html", "lang") == "zh-hans"
    screenshot(page, "home-manager-zh")

    page.select_option("#language-select", "en")
    page.wait_for_selector("html[lang=en]")

    assert page.inner_text("[data-testid=home-title]") == "Collections manager"
    assert "陈经理" in page.inner_text("[data-testid=current-user]")
    screenshot(page, "home-manager-en")


def test_agent_sees_the_field_day_on_a_phone_in_both_languages(browser_page, live_server, personas):
    page = browser_page(viewport=PHONE)

    log_in(page, live_server, "agent", DEMO_PASSWORD)

    assert page.inner_text("[data-testid=home-title]") == "我的外访日"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "home-agent-zh-phone")

    page.select_option("#language-select", "en")
    page.wait_for_selector("html[lang=en]")

    assert page.inner_text("[data-testid=home-title]") == "My field day"
    assert page.locator("[data-testid=panel]").count() == 3
    screenshot(page, "home-agent-en-phone")
