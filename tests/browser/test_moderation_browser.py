"""Moderation end to end in real Chromium: a report reaches the queue, the moderator hides the
post and suspends its author, the author is signed out and told why, the audit log shows both."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import DEMO_THREAD, sign_in, thread_path
from .test_first_day import post_by, register

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_report_hide_suspend_and_audit(live_server, new_context):
    # A new practitioner (their own account: suspending a shared demo person would spoil other tests).
    suffix = uuid.uuid4().hex[:8]
    username, email, password = f"alex.{suffix}", f"alex.{suffix}@wigan.gov.uk", "four random words here"
    author = new_context().new_page()
    register(author, username=username, email=email, authority="Wigan Council", password=password)
    [link] = [u for u in live_server.links(live_server.newest_email(to=email)) if "/verify/" in u]
    author.goto(link)
    sign_in(author, username, password)
    author.goto(thread_path(author, DEMO_THREAD))
    words = f"Honestly anyone who struggles with this is useless ({suffix})"
    author.get_by_label("Your reply").fill(words)
    author.get_by_role("button", name="Post reply").click()
    expect(author.get_by_text(words)).to_be_visible()
    thread_url = author.url.split("#")[0]

    # A member reports the post, with a reason.
    reporter = new_context(signed_in_as="member.birmingham").new_page()
    reporter.goto(thread_url)
    post = post_by(reporter, "Sam Carter").filter(has_text=suffix)
    post.get_by_role("link", name=re.compile("^Report")).click()
    reporter.get_by_role("radio", name="Inappropriate").check()
    reporter.get_by_label("Anything else staff should know (optional)").fill("Belittling colleagues")
    reporter.get_by_role("button", name="Send report").click()
    expect(reporter.get_by_role("status")).to_contain_text("Your report has gone to the moderators")

    # The moderator finds it in the queue, claims it and hides the post with a reason.
    moderator = new_context(signed_in_as="moderator").new_page()
    moderator.goto("/latest")
    moderator.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("Review queue")).click()
    item_link = moderator.get_by_role("link", name=re.compile(re.escape(DEMO_THREAD)))
    expect(item_link.first).to_be_visible()
    item_link.first.click()
    expect(moderator.get_by_text("Belittling colleagues")).to_be_visible()
    moderator.get_by_role("button", name="Claim it").click()
    expect(moderator.get_by_text("You have claimed this item.")).to_be_visible()
    moderator.get_by_role("radio", name="Hide the post").check()
    moderator.get_by_label("Reason").fill("Belittles colleagues: please keep it kind")
    moderator.get_by_role("button", name="Resolve").click()
    expect(moderator.get_by_role("status")).to_contain_text("Resolved")

    # Members now see a placeholder.
    reporter.reload()
    expect(reporter.get_by_text(words)).to_have_count(0)
    expect(reporter.get_by_text("This post has been hidden by a moderator.")).to_be_visible()

    # The moderator suspends the author for a day, from the author's moderation page.
    moderator.goto(f"/moderation/people/{username}")
    suspend = moderator.get_by_role("region", name="Suspend (cannot sign in)")
    suspend.get_by_label("How long").select_option(label="1 day")
    suspend.get_by_label("Reason (shown to the person)").fill("Repeated unkind posts about colleagues")
    suspend.get_by_role("button", name="Suspend").click()
    expect(moderator.get_by_role("status")).to_contain_text("is suspended")

    # The author is signed out at once, and signing in again tells them why.
    author.goto("/latest")
    expect(author).to_have_url(re.compile(r"/signin"))
    author.get_by_label("Username or email").fill(username)
    author.get_by_label("Password", exact=True).fill(password)
    author.get_by_role("button", name="Sign in").click()
    expect(author.get_by_role("alert")).to_contain_text("suspended until")
    expect(author.get_by_role("alert")).to_contain_text("Repeated unkind posts about colleagues")

    # The audit log shows both actions, with their reasons.
    moderator.goto("/moderation/audit?actor=moderator")
    rows = moderator.get_by_role("row")
    expect(rows.filter(has_text="report:hide").filter(has_text="please keep it kind")).to_have_count(1)
    expect(rows.filter(has_text="suspend_user").filter(has_text="Repeated unkind posts")).to_have_count(1)
