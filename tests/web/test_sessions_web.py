"""Session pages: scheduling form in UK time, RSVP, 404s for outsiders, calendar, CSV, host forms."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from forum import clock
from forum.extensions import db
from forum.models import PeerSession, User
from forum.services import sessions

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen(app):
    return clock.freeze(app, NOW)


def schedule_form(world, **changes):
    data = {"title": "Court skills clinic", "topic": str(world.topic.id), "authority": str(world.wigan.id),
            "starts_on": "2027-03-10", "starts_at": "14:00", "duration": "60", "capacity": "2",
            "cohosts": "", "description": "Bring questions", "agenda": "1. Intro"}
    data.update(changes)
    return data


def test_lead_schedules_through_the_form(browser, world, frozen):
    browser.sign_in(world.lead)
    response = browser.post("/sessions/new", schedule_form(world))
    assert response.status_code == 302
    session = db.session.scalar(select(PeerSession))
    assert session.starts_at == datetime(2027, 3, 10, 14, 0, tzinfo=UTC)
    page = browser.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "Court skills clinic" in page and "Wednesday 10 March 2027, 14:00" in page


@pytest.mark.parametrize(("changes", "message"), [({"title": ""}, "Enter a title"), ({"capacity": "1"}, "between 2"),
                                                  ({"starts_at": "25:99"}, "Not a valid time"),
                                                  ({"starts_on": "2027-03-28", "starts_at": "01:30"}, "does not exist"),
                                                  ({"authority": "999"}, "Choose one of the options")])
def test_bad_schedule_form_is_a_400_that_keeps_the_text(browser, world, frozen, changes, message):
    browser.sign_in(world.lead)
    response = browser.post("/sessions/new", schedule_form(world, **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page and "Bring questions" in page
    assert db.session.scalar(select(PeerSession)) is None


def test_members_cannot_open_the_scheduling_form(browser, world, frozen):
    browser.sign_in(world.member)
    assert browser.get("/sessions/new").status_code == 403


def test_rsvp_and_waiting_list_through_the_page(browser, new_browser, world, frozen):
    session = sessions.schedule(world.lead, sessions.SessionForm(
        "Court skills clinic", "", "", world.topic.id, world.wigan.id, False, datetime(2027, 3, 10, 14), 60, 2))
    statuses = []
    for user in (world.member, world.outsider, world.network_member):
        b = new_browser()
        b.sign_in(user)
        b.post(f"/sessions/{session.id}/rsvp", {"answer": "going"})
        statuses.append(sessions.my_rsvp(user, db.session.get(PeerSession, session.id)).status)
    assert statuses == ["going", "going", "waiting"]


def test_outsider_gets_404_on_every_partner_only_session_url(browser, world, frozen):
    session = sessions.schedule(world.lead, sessions.SessionForm(
        "Wigan only clinic", "", "", world.topic.id, world.wigan.id, True, datetime(2027, 3, 10, 14), 60, 5))
    browser.sign_in(world.outsider)
    for url in (f"/sessions/{session.id}", f"/sessions/{session.id}.ics", f"/sessions/{session.id}/room",
                f"/sessions/{session.id}/transcript", f"/sessions/{session.id}/edit"):
        assert browser.get(url).status_code == 404, url
    assert browser.post(f"/sessions/{session.id}/rsvp", {"answer": "going"}).status_code == 404
    assert "Wigan only clinic" not in browser.get("/sessions").get_data(as_text=True)


def test_ics_download_and_personal_feed(browser, world, frozen):
    session = sessions.schedule(world.lead, sessions.SessionForm(
        "Court skills clinic", "", "", world.topic.id, world.wigan.id, False, datetime(2027, 7, 10, 14), 60, 5))
    browser.sign_in(world.member)
    response = browser.get(f"/sessions/{session.id}.ics")
    assert response.mimetype == "text/calendar"
    event = next(c for c in Calendar.from_ical(response.data).walk() if c.name == "VEVENT")
    assert event.decoded("dtstart") == datetime(2027, 7, 10, 13, 0, tzinfo=UTC)
    browser.post(f"/sessions/{session.id}/rsvp", {"answer": "going"})
    browser.post("/account/calendar")
    token = db.session.get(User, world.member.id).calendar_token
    feed = browser.client.get(f"/calendar/{token}.ics")  # no sign-in needed: the token is the key
    assert feed.status_code == 200 and b"Court skills clinic" in feed.data
    browser.post("/account/calendar")  # reset: the old address stops working
    assert browser.client.get(f"/calendar/{token}.ics").status_code == 404
    assert browser.client.get("/calendar/not-a-token.ics").status_code == 404


def test_attendance_csv_lists_sessions_attended(browser, world, frozen):
    session = sessions.schedule(world.lead, sessions.SessionForm(
        "Court skills clinic", "", "", world.topic.id, world.wigan.id, False, datetime(2027, 3, 10, 14), 60, 5))
    frozen.set(session.starts_at)
    sessions.record_join(world.member, session, "sid-1")
    frozen.set(session.starts_at.replace(minute=45))
    sessions.record_leave("sid-1")
    browser.sign_in(world.member)
    csv_text = browser.get("/account/attendance.csv").get_data(as_text=True)
    assert "Court skills clinic,2027-03-10,14:00" in csv_text and csv_text.strip().endswith(",45")


def test_host_forms_work_without_javascript(browser, world, frozen):
    session = sessions.schedule(world.lead, sessions.SessionForm(
        "Court skills clinic", "", "1. Intro", world.topic.id, world.wigan.id, False, datetime(2027, 3, 10, 14), 60, 5))
    frozen.set(session.starts_at)
    browser.sign_in(world.lead)
    assert browser.post(f"/sessions/{session.id}/host/agenda").status_code == 302
    assert browser.post(f"/sessions/{session.id}/host/lock").status_code == 302
    page = browser.get(f"/sessions/{session.id}/room").get_data(as_text=True)
    assert "Pinned" in page and "only hosts can speak" in page
    assert browser.post(f"/sessions/{session.id}/host/end").status_code == 302
    assert db.session.get(PeerSession, session.id).phase(clock.now()) == "closed"
    response = browser.post(f"/sessions/{session.id}/summary", {"body": "Three good ideas."})
    assert response.status_code == 302 and "/threads/" in response.location


def test_notifications_page_lists_and_marks_read(browser, world, frozen):
    session = sessions.schedule(world.lead, sessions.SessionForm(
        "Court skills clinic", "", "", world.topic.id, world.wigan.id, False, datetime(2027, 3, 10, 14), 60, 5))
    sessions.rsvp(world.member, session.id, "going")
    sessions.cancel(world.lead, session.id, "Host unwell")
    browser.sign_in(world.member)
    page = browser.get("/notifications").get_data(as_text=True)
    assert "Host unwell" in page and "1<span class=\"visually-hidden\"> unread" in page
    browser.post("/notifications")
    assert "visually-hidden\"> unread" not in browser.get("/notifications").get_data(as_text=True)


def _clinic(world, partner_only=False, cohosts=""):
    return sessions.schedule(world.lead, sessions.SessionForm(
        "Court skills clinic", "", "1. Intro", world.topic.id, world.wigan.id, partner_only,
        datetime(2027, 3, 10, 14), 60, 5, cohosts))


@pytest.mark.parametrize("url", ["host/open", "host/lock", "host/end", "host/agenda", "host/extend", "summary",
                                 "cancel"])
def test_host_actions_are_404_for_outsiders_and_403_for_members_with_nothing_changed(new_browser, world, frozen,
                                                                                    url):
    session = _clinic(world, partner_only=True)
    frozen.set(session.starts_at)
    outsider, member = new_browser(), new_browser()
    outsider.sign_in(world.outsider)
    member.sign_in(world.member)
    data = {"minutes": "10", "body": "Summary", "reason": "Because"}
    assert outsider.post(f"/sessions/{session.id}/{url}", data).status_code == 404
    assert member.post(f"/sessions/{session.id}/{url}", data).status_code == 403
    fresh = db.session.get(PeerSession, session.id)
    assert (fresh.cancelled_at, fresh.ended_at, fresh.extended_minutes, fresh.room.locked) == (None, None, 0, False)


def test_refused_host_forms_come_back_with_the_text_kept(browser, world, frozen):
    session = _clinic(world)
    browser.sign_in(world.lead)
    long_reason = "We have to cancel because " + "x" * 1000
    response = browser.post(f"/sessions/{session.id}/cancel", {"reason": long_reason})
    assert response.status_code == 400 and long_reason in response.get_data(as_text=True)
    assert "1,000 characters" in response.get_data(as_text=True)
    frozen.set(session.starts_at)
    response = browser.post(f"/sessions/{session.id}/host/extend", {"minutes": "45"})
    assert response.status_code == 400 and "1 to 30 minutes" in response.get_data(as_text=True)
    frozen.set(session.starts_at + (session.ends_at - session.starts_at) * 2)
    summary = "Our summary. " + "y" * 20_000
    response = browser.post(f"/sessions/{session.id}/summary", {"body": summary})
    assert response.status_code == 400 and summary in response.get_data(as_text=True)


def test_waiting_list_member_sees_why_the_room_is_closed_to_them(new_browser, world, frozen):
    session = sessions.schedule(world.lead, sessions.SessionForm(
        "Court skills clinic", "", "", world.topic.id, world.wigan.id, False, datetime(2027, 3, 10, 14), 60, 2))
    for user in (world.member, world.network_member):
        sessions.rsvp(user, session.id, "going")
    b = new_browser()
    b.sign_in(world.outsider)
    b.post(f"/sessions/{session.id}/rsvp", {"answer": "going"})
    frozen.set(session.starts_at)
    response = b.get(f"/sessions/{session.id}/room")
    assert response.status_code == 403 and "people with a place" in response.get_data(as_text=True)


def test_member_cohost_edit_form_offers_the_sessions_authority(browser, world, frozen):
    session = _clinic(world, cohosts="member.wigan")
    browser.sign_in(world.member)
    page = browser.get(f"/sessions/{session.id}/edit").get_data(as_text=True)
    assert "Wigan Council</option>" in page
    form = {"title": "Court skills clinic, renamed", "topic": str(world.topic.id), "authority": str(world.wigan.id),
            "starts_on": "2027-03-10", "starts_at": "14:00", "duration": "60", "capacity": "5",
            "cohosts": "member.wigan", "description": "", "agenda": "1. Intro"}
    assert browser.post(f"/sessions/{session.id}/edit", form).status_code == 302
    assert db.session.get(PeerSession, session.id).title == "Court skills clinic, renamed"


def test_far_future_date_is_a_400_not_a_500(browser, world, frozen):
    browser.sign_in(world.lead)
    response = browser.post("/sessions/new", schedule_form(world, starts_on="9999-12-31", starts_at="23:59",
                                                           duration="480"))
    assert response.status_code == 400 and "two years ahead" in response.get_data(as_text=True)
