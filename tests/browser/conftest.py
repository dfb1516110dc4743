"""Headless Chromium (Debian's package) driven by Playwright, against pytest-django's live server.

No browser is downloaded: Playwright is pointed at ``/usr/bin/chromium``. Where Chromium is
missing the browser tests are skipped with the reason, except in CI
(``FIELDVISIT_REQUIRE_BROWSER``), where a missing browser is a failure.
Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 860}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_context_factory() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("FIELDVISIT_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install Debian's chromium")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="fieldvisit-chromium-")
    with sync_playwright() as playwright:
        context_args: dict[str, object] = {}

        def new_context(**kwargs: object) -> object:
            return playwright.chromium.launch_persistent_context(
                tempfile.mkdtemp(dir=profile),
                executable_path=CHROMIUM,
                args=CHROMIUM_ARGS,
                headless=True,
                **{**context_args, **kwargs},
            )

        yield new_context
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser_page(browser_context_factory, live_server):
    """A fresh desktop browser profile; ``page.goto(path)`` is relative to the live server."""
    contexts = []

    def open_page(*, viewport: dict[str, int] = DESKTOP, locale: str = "zh-CN", **kwargs: object):
        context = browser_context_factory(viewport=viewport, locale=locale, **kwargs)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as a test artefact and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=home-title]")
