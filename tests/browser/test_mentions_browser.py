"""@mention autocomplete in real Chromium, by keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import DEMO_THREAD, thread_path

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_typing_at_and_a_few_letters_offers_people_and_enter_picks_one(new_context):
    page = new_context(signed_in_as="member.birmingham").new_page()
    page.goto(thread_path(page, DEMO_THREAD))
    box = page.get_by_label("Your reply")
    box.click()
    box.press_sequentially("Thanks @lea")
    option = page.get_by_role("option", name="@lead.wigan (Priya Shah)")
    expect(option).to_be_visible()
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    box.press("Enter")
    expect(box).to_have_value("Thanks @lead.wigan ")
    expect(page.get_by_role("listbox", name="People to mention")).to_be_hidden()
