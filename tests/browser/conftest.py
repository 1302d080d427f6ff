"""Browser fixtures: the real server (gunicorn, gevent) on a free port, and headless Chromium.

The system Chromium is used (no browser download). Without it, or without axe-core for the
accessibility checks, these tests skip with the reason, unless FORUM_REQUIRE_BROWSER=1 (set in
CI), which turns the skip into a failure so a broken runner cannot pass silently.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.live_server import LiveServer, running_server

CHROMIUM = Path(os.environ.get("FORUM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
DEMO_THREAD = "How do you protect time for group supervision when caseloads spike?"
WIGAN_ONLY_THREAD = "Wigan: planning our self-evaluation for the spring"


def missing(reason: str) -> None:
    """Skip, or fail when the environment promises a browser (FORUM_REQUIRE_BROWSER=1)."""
    if os.environ.get("FORUM_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (FORUM_REQUIRE_BROWSER=1, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """One production server, demo data loaded, for the whole browser session."""
    with running_server() as server:
        yield server


@pytest.fixture(scope="session", autouse=True)
def playwright_driver():
    """Playwright, once Chromium is known to be there; autouse, so a missing browser skips
    (or fails) these tests before the server is started for nothing."""
    if not CHROMIUM.exists():
        missing(f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) to run browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the playwright Python package is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium(playwright_driver):
    """Headless system Chromium, shared by every browser test."""
    browser = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def context_with_history(playwright_driver, live_server, tmp_path):
    """A context on a real (temporary) profile. The usual contexts are incognito-like and keep
    no history, so links never look visited there; this one does, for checking :visited styles."""
    context = playwright_driver.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
        base_url=live_server.base_url,
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The axe-core script, installed by `npm install --prefix tests/browser` (see the Makefile)."""
    if not AXE.exists():
        missing(f"axe-core not found at {AXE}: run `npm install --prefix tests/browser`")
    return AXE.read_text()


@pytest.fixture(scope="session")
def signed_in_state(chromium, live_server) -> Callable[[str], dict]:
    """A demo person's cookies after signing in through the real form: once per person per
    session, so tests about something else do not each pay for a password hash."""
    cache: dict[str, dict] = {}

    def state(username: str) -> dict:
        if username not in cache:
            context = chromium.new_context(base_url=live_server.base_url)
            try:
                sign_in(context.new_page(), username, live_server.demo_password)
                cache[username] = context.storage_state()
            finally:
                context.close()
        return cache[username]

    return state


@pytest.fixture
def new_context(chromium, live_server, signed_in_state) -> Iterator[Callable]:
    """Make browser contexts (separate people, separate cookies) aimed at the live server.

    `signed_in_as="member.wigan"` starts the context already signed in as that demo person;
    other keyword arguments go to Playwright. All are closed at the end of the test.
    """
    contexts = []

    def make(signed_in_as: str | None = None, **options):
        options.setdefault("base_url", live_server.base_url)
        if signed_in_as:
            options["storage_state"] = signed_in_state(signed_in_as)
        context = chromium.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh, signed-out context."""
    return new_context().new_page()


def sign_in(page, login: str, password: str) -> None:
    """Sign in through the real form, the way a person does, and check it worked."""
    page.goto("/signin")
    page.get_by_label("Username or email").fill(login)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/latest$"))


def thread_path(page, title: str) -> str:
    """The path of a thread, found the way a member finds it: by its title on Latest."""
    page.goto("/latest")
    href = page.get_by_role("link", name=title, exact=True).get_attribute("href")
    assert href, f"no link to {title!r} on /latest"
    return href
