"""The bell in real Chromium: a reply in a watched thread raises the count live, on any page."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import DEMO_THREAD, thread_path

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_reply_to_a_watched_thread_raises_the_bell_live_and_is_announced(new_context):
    asker = new_context(signed_in_as="member.wigan").new_page()  # started the demo thread: watching it
    asker.goto("/topics")
    bell = asker.locator("#bell")
    before = bell.inner_text()
    count_before = int(re.search(r"(\d+)", before).group(1)) if re.search(r"\d+", before) else 0
    asker.wait_for_function("() => window.practiceExchangeSocket && window.practiceExchangeSocket.connected")

    replier = new_context(signed_in_as="lead.wigan").new_page()
    replier.goto(thread_path(replier, DEMO_THREAD))
    words = f"We block the time in everyone's calendar ({uuid.uuid4().hex[:6]})"
    replier.get_by_label("Your reply").fill(words)
    replier.get_by_role("button", name="Post reply").click()
    expect(replier.get_by_text(words)).to_be_visible()

    expect(bell.locator(".badge-unread")).to_contain_text(str(count_before + 1))
    expect(asker.locator("#bell-announcer")).to_contain_text("Priya Shah replied in")
