"""Live peer sessions over HTTP: list, schedule, RSVP, calendar, room, transcript, summary."""
