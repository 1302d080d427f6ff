"""A live peer session from end to end in real Chromium: schedule, RSVP, open early, agenda,
hands, mute, end, and the summary thread."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
expect.set_options(timeout=15_000)


def test_partner_lead_runs_a_session_from_schedule_to_summary(new_context):
    lead = new_context(signed_in_as="lead.wigan").new_page()
    starts = datetime.now(ZoneInfo("Europe/London")) + timedelta(minutes=10)
    title = f"Working with fathers {uuid.uuid4().hex[:5]}"

    lead.goto("/sessions/new")
    lead.get_by_label("Title").fill(title)
    lead.get_by_label("Topic").select_option(label="Supporting social workers")
    lead.get_by_label("Date").fill(starts.strftime("%Y-%m-%d"))
    lead.get_by_label("Start time (UK time)").fill(starts.strftime("%H:%M"))
    lead.get_by_label("Places").fill("10")
    lead.get_by_label("Agenda").fill("1. Welcome\n2. What helps fathers engage")
    lead.get_by_role("button", name="Schedule session").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text(title)
    session_url = lead.url

    members = {}
    for username in ("member.wigan", "member.birmingham"):
        page = new_context(signed_in_as=username).new_page()
        page.goto(session_url)
        page.get_by_role("button", name="Going").click()
        expect(page.locator("main strong", has_text="You are going.")).to_be_visible()
        members[username] = page

    lead.get_by_role("button", name="Open the room now").click()
    expect(lead).to_have_url(re.compile(r"/sessions/\d+/room$"))
    expect(lead.locator("#connection-status")).to_have_text("Live")
    for page in members.values():
        page.goto(session_url + "/room")
        expect(page.locator("#connection-status")).to_have_text("Live")
        expect(page.locator("#session-phase")).to_contain_text("The session is on")

    lead.get_by_role("button", name="Pin the agenda").click()
    for page in members.values():
        expect(page.locator("#pinned")).to_contain_text("What helps fathers engage")

    dan, grace = members["member.wigan"], members["member.birmingham"]
    dan.get_by_role("button", name="Raise your hand").click()
    expect(lead.locator("#hands")).to_contain_text("Dan Hughes")

    expect(lead.locator("#people")).to_contain_text("Grace Mensah")
    lead.locator("#people li", has_text="Grace Mensah").get_by_role("button", name="Mute").click()
    expect(grace.locator("#session-phase")).to_contain_text("muted")
    box = grace.get_by_label("Message", exact=True)
    box.fill("Can I still speak?")
    box.press("Enter")
    expect(grace.locator(".message-failed")).to_contain_text("muted")

    lead.once("dialog", lambda dialog: dialog.accept())
    lead.get_by_role("button", name="End the session").click()
    expect(lead.locator("#session-phase")).to_contain_text("ended")
    lead.get_by_label("Summary").fill("We shared what helps fathers engage: evening visits, direct invitations.")
    lead.get_by_role("button", name="Publish the summary as a thread").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text(f"Session summary: {title}")
    expect(lead.locator(".post-body").first).to_contain_text("evening visits")
