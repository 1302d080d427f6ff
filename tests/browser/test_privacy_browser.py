"""The privacy guard in real Chromium: a warning while typing with the detail marked, the
explicit "post anyway", a held chat message that another person's open room never receives
until a moderator approves it, and no serious accessibility problems on the warning."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import DEMO_THREAD, thread_path
from .test_accessibility import assert_no_serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.live]

NHS = "943 476 5919"


def test_a_reply_warns_while_typing_and_posts_only_held_after_post_anyway(new_context, axe_source):
    page = new_context(signed_in_as="member.birmingham", bypass_csp=True).new_page()
    page.goto(thread_path(page, DEMO_THREAD))
    box = page.get_by_label("Your reply")
    box.fill(f"Could someone check NHS number {NHS} for me?")
    panel = page.locator("#body-privacy")
    expect(panel).to_be_visible()
    expect(panel.get_by_text("This may identify someone")).to_be_visible()
    expect(panel.locator("mark")).to_have_text(f"{NHS} (NHS number)")
    expect(page.locator("[data-privacy-status]")).to_contain_text("1 detail that could identify someone")
    anyway = page.get_by_label(re.compile("Post anyway"))
    expect(anyway).to_be_visible()
    assert_no_serious_violations(page, axe_source, "a reply with a privacy warning")

    # Submitting without the choice: the server refuses and keeps the text.
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("alert")).to_contain_text("This may identify a child or family")
    expect(page.get_by_label("Your reply")).to_have_value(f"Could someone check NHS number {NHS} for me?")

    # Editing it clear removes the warning; putting it back and choosing "post anyway" holds it.
    page.get_by_label(re.compile("Post anyway")).check()
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("waiting for a moderator")).to_be_visible()


def test_editing_the_detail_away_clears_the_warning(new_context):
    page = new_context(signed_in_as="member.wigan").new_page()
    page.goto("/threads/new")
    title = page.get_by_label("Title")
    title.fill("Advice on Jayden Walsh aged 7")
    expect(page.locator("#title-privacy mark")).to_have_text("Jayden Walsh (A name with an age, birth date, school or case reference)")
    title.fill("Advice on Child A, aged 7")
    expect(page.locator("#title-privacy")).to_be_hidden()
    expect(page.get_by_label(re.compile("Post anyway"))).to_be_hidden()


def test_a_held_chat_message_reaches_nobody_until_approved(new_context):
    sender = new_context(signed_in_as="member.wigan").new_page()
    reader = new_context(signed_in_as="member.birmingham").new_page()
    for page in (sender, reader):
        page.goto("/rooms/supporting-social-workers")
        expect(page.locator("#connection-status")).to_have_text("Live")
    box = sender.get_by_role("textbox", name="Message")
    box.fill(f"Her NHS number is {NHS}")
    box.press("Enter")
    failed = sender.locator("li.message-failed")
    expect(failed).to_contain_text("Not sent yet: this may identify a child or family.")
    expect(failed.locator("mark")).to_have_text(f"{NHS} (NHS number)")
    failed.get_by_role("button", name=re.compile("Send anyway")).click()
    held = sender.locator("li.message-held")
    expect(held).to_contain_text("Waiting for a moderator: only you can see this message.")
    reader.wait_for_timeout(1000)
    expect(reader.get_by_text(NHS)).to_have_count(0)

    moderator = new_context(signed_in_as="moderator").new_page()
    moderator.goto("/moderation/queue?kind=held_message")
    moderator.get_by_role("link", name=re.compile("Message in")).first.click()
    expect(moderator.locator(".privacy-panel mark")).to_contain_text(NHS)
    moderator.get_by_role("button", name="Claim it").click()
    moderator.get_by_label("Approve", exact=True).check()
    moderator.get_by_role("button", name="Resolve").click()
    expect(moderator.get_by_text("Resolved.")).to_be_visible()
    expect(reader.locator("li.message", has_text=NHS)).to_have_count(1)
    expect(sender.locator("li.message-held")).to_have_count(0)  # the approval reached its author too


def test_tabbing_from_a_flagged_field_keeps_focus_on_the_warnings_guidance_link(new_context):
    page = new_context(signed_in_as="member.birmingham").new_page()
    page.goto(thread_path(page, DEMO_THREAD))
    box = page.get_by_label("Your reply")
    box.fill(f"Could someone check NHS number {NHS} for me?")
    expect(page.locator("#body-privacy mark")).to_be_visible()
    assert "body-privacy" in (box.get_attribute("aria-describedby") or "")
    box.press("Tab")  # the blur check answers while focus is already in the panel
    page.wait_for_timeout(800)
    assert page.evaluate("document.activeElement.textContent") == "How to anonymise a case (opens in a new tab)"
