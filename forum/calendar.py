"""iCalendar output for sessions: one event to download, or a personal feed to subscribe to."""

from __future__ import annotations

from collections.abc import Iterable

from icalendar import Calendar, Event, vText

from . import clock
from .mail import public_link
from .models import PeerSession


def _event(session: PeerSession) -> Event:
    event = Event()
    event.add("uid", f"peer-session-{session.id}@practice-exchange")
    event.add("dtstamp", clock.now())
    event.add("sequence", session.sequence)
    event.add("dtstart", session.starts_at)  # aware UTC datetimes are written with a Z
    event.add("dtend", session.closes_at if session.cancelled_at is None else session.ends_at)
    event.add("summary", session.title)
    event.add("description", (session.description or "") + f"\n\n{public_link('sessions.show', session_id=session.id)}")
    event.add("url", public_link("sessions.show", session_id=session.id))
    event.add("location", vText("Practice Exchange (online)"))
    event.add("status", "CANCELLED" if session.cancelled_at else "CONFIRMED")
    return event


def calendar_for(sessions: Iterable[PeerSession], name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Practice Exchange//Live peer sessions//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for session in sessions:
        cal.add_component(_event(session))
    return cal.to_ical()
