"""A practitioner's first day, in real Chromium against the real server.

Register on the authority's email domain, confirm by the emailed link, sign in, ask a
question; a colleague elsewhere replies; the asker accepts it. And a private authority space
stays private: a member of another authority gets a plain 404, not a glimpse.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import WIGAN_ONLY_THREAD, sign_in, thread_path

pytestmark = [pytest.mark.browser, pytest.mark.live]

QUESTION_BODY = """We are setting up a peer review of case recording. What has worked for you?

- Reviewing in pairs across teams
- A short checklist agreed with practitioners

The [Centre's evidence summary](https://example.org/case-recording) was our starting point.
"""


def register(page, *, username: str, email: str, authority: str, password: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    page.get_by_label("Full name").fill("Sam Carter")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Work email address").fill(email)
    page.get_by_label("Job title").fill("Advanced practitioner")
    page.get_by_label("Authority").select_option(label=authority)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm password").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_text(email)).to_be_visible()


def post_by(page, display_name: str):
    """The post (article) written by this person."""
    return page.get_by_role("article").filter(has=page.get_by_role("heading", name=display_name))


def test_new_practitioner_registers_asks_and_accepts_an_answer_from_another_authority(live_server, new_context):
    suffix = uuid.uuid4().hex[:8]
    username, email, password = f"sam.{suffix}", f"sam.{suffix}@wigan.gov.uk", "three random words"
    title = f"How do you run peer review of case recording? ({suffix})"

    # (a) Register on Wigan's domain; the emailed link confirms the address; then sign in.
    asker = new_context().new_page()
    register(asker, username=username, email=email, authority="Wigan Council", password=password)
    message = live_server.newest_email(to=email)
    assert "Confirm your email" in message["Subject"]
    [link] = [url for url in live_server.links(message) if "/verify/" in url]
    assert link.startswith(live_server.base_url), "the link must point at the configured public URL"
    asker.goto(link)
    expect(asker).to_have_url(re.compile(r"/signin$"))
    expect(asker.get_by_role("status")).to_contain_text("Your email is confirmed")
    sign_in(asker, username, password)

    # ... and ask a network-wide question written in markdown.
    asker.get_by_role("navigation", name="Main").get_by_role("link", name="Start a thread").click()
    asker.get_by_role("radio", name="Question").check()
    asker.get_by_label("Topic").select_option(label="Supervision and reflective practice")
    asker.get_by_label("Who can see it").select_option(label="Everyone in the network")
    asker.get_by_label("Title").fill(title)
    asker.get_by_label("Your post").fill(QUESTION_BODY)
    asker.get_by_label("Tags (optional)").fill("case-recording, peer-review")
    asker.get_by_role("button", name="Post thread").click()
    expect(asker).to_have_url(re.compile(r"/threads/\d+$"))
    thread_url = asker.url
    expect(asker.get_by_role("heading", level=1)).to_have_text(title)

    body = post_by(asker, "Sam Carter").locator(".post-body")
    expect(body.locator("ul > li")).to_have_text(["Reviewing in pairs across teams", "A short checklist agreed with practitioners"])
    evidence = body.get_by_role("link", name="Centre's evidence summary")
    expect(evidence).to_have_attribute("href", "https://example.org/case-recording")
    assert "nofollow" in (evidence.get_attribute("rel") or "").split()

    # (b) A member of another authority, in their own browser, replies.
    colleague = new_context().new_page()
    sign_in(colleague, "member.birmingham", live_server.demo_password)
    colleague.goto(thread_url)
    expect(colleague.get_by_role("heading", level=1)).to_have_text(title)
    colleague.get_by_label("Your reply").fill("We pair a new worker with an experienced one for the first three audits.")
    colleague.get_by_role("button", name="Post reply").click()
    expect(colleague).to_have_url(re.compile(r"/threads/\d+(\?page=1)?#post-2$"))
    expect(post_by(colleague, "Grace Mensah")).to_contain_text("first three audits")

    # (c) The asker accepts that reply; the page says so.
    asker.reload()
    reply = post_by(asker, "Grace Mensah")
    expect(reply.get_by_text("Accepted answer")).to_have_count(0)
    reply.get_by_role("button", name="Accept as answer").click()
    expect(asker.get_by_role("status")).to_contain_text("Answer accepted.")
    reply = post_by(asker, "Grace Mensah")
    expect(reply.get_by_text("Accepted answer", exact=True)).to_be_visible()
    expect(reply.get_by_role("button", name="Unaccept answer")).to_be_visible()
    expect(post_by(asker, "Sam Carter").get_by_text("Accepted answer", exact=True)).to_have_count(0)
    expect(asker.get_by_role("link", name="Go to the accepted answer")).to_be_visible()


def test_member_of_other_authority_gets_404_on_partner_thread(live_server, new_context):
    wigan = new_context().new_page()
    sign_in(wigan, "member.wigan", live_server.demo_password)
    path = thread_path(wigan, WIGAN_ONLY_THREAD)
    response = wigan.goto(path)
    assert response.status == 200
    expect(wigan.get_by_role("heading", level=1)).to_have_text(WIGAN_ONLY_THREAD)

    outsider = new_context().new_page()
    sign_in(outsider, "member.birmingham", live_server.demo_password)
    response = outsider.goto(path)
    assert response.status == 404
    expect(outsider.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(outsider.get_by_text("self-evaluation")).to_have_count(0)
    # Nor does it show up anywhere they browse.
    outsider.goto("/latest")
    expect(outsider.get_by_role("link", name=WIGAN_ONLY_THREAD)).to_have_count(0)
