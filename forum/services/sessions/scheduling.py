"""Scheduling, changing and cancelling sessions, and RSVPs with a waiting list that promotes
in order when places free up."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select, update

from ... import clock, policy
from ...content import render_markdown, storable_text
from ...database import begin_write
from ...errors import Invalid
from ...extensions import db
from ...mail import public_link
from ...models import (
    PeerSession,
    Room,
    Rsvp,
    Topic,
    User,
)
from ...names import clean_text_line
from .. import dispatch, notify
from .access import (
    CAPACITY_MAX,
    GOING,
    NOT_GOING,
    TEXT_MAX,
    TITLE_MAX,
    WAITING,
    SessionForm,
    _announce_state,
    get_session,
    my_rsvp,
    participant,
    waiting_list,
)

# --- scheduling --------------------------------------------------------------------------


SCHEDULE_AHEAD = timedelta(days=2 * 366)
SUMMARY_FOOTER = "\n\n---\nFrom the live peer session “{title}”."


def _check_form(actor: User, form: SessionForm, editing: PeerSession | None = None) -> dict:
    title = clean_text_line(form.title, label="Title", max_length=TITLE_MAX, min_length=5, field="title")
    for name, value in (("description", form.description), ("agenda", form.agenda)):
        if len(value or "") > TEXT_MAX:
            raise Invalid(f"The {name} must be {TEXT_MAX:,} characters or fewer.", field=name)
    topic = db.session.get(Topic, form.topic_id) if form.topic_id else None
    if topic is None:
        raise Invalid("Choose a topic.", field="topic")
    if form.partner_only and form.authority_id is None:
        raise Invalid("A partner-only session needs an authority.", field="authority")
    # A host editing their own session keeps its authority even if they could not schedule
    # for it themselves (a co-host who is a member); moving it elsewhere needs scheduling rights.
    keeps_authority = editing is not None and form.authority_id == editing.authority_id
    if not keeps_authority:
        policy.require(
            policy.can_schedule_session(actor, form.authority_id),
            "You can schedule sessions for your own authority only.",
        )
    if form.starts_local is None:
        raise Invalid("Enter the date and start time.", field="starts_on")
    try:
        starts_at = clock.uk_to_utc(form.starts_local)
    except clock.NonexistentTime:
        raise Invalid("That time does not exist in the UK: the clocks go forward then. Choose another.",
                      field="starts_at") from None
    except clock.AmbiguousTime:
        raise Invalid("That time happens twice in the UK: the clocks go back then. Choose another.",
                      field="starts_at") from None
    if starts_at > clock.now() + SCHEDULE_AHEAD:
        raise Invalid("Sessions can be scheduled up to two years ahead.", field="starts_on")
    if not form.duration_minutes or not 15 <= form.duration_minutes <= 480:
        raise Invalid("A session lasts from 15 minutes to 8 hours.", field="duration")
    if not form.capacity or not 2 <= form.capacity <= CAPACITY_MAX:
        raise Invalid(f"Capacity must be between 2 and {CAPACITY_MAX}.", field="capacity")
    cohosts = []
    for name in re.split(r"[,\s]+", form.cohost_usernames or ""):
        name = name.strip().lstrip("@")
        if not name:
            continue
        from ...names import username_key

        user = db.session.scalar(select(User).where(User.username_key == username_key(name)))
        if user is None or not user.is_active:
            raise Invalid(f"We could not find a member called @{name[:40]}.", field="cohosts")
        if form.partner_only and not policy.can_read_space(user, form.authority_id):
            raise Invalid(f"@{user.username} cannot see a partner-only session of this authority.", field="cohosts")
        if user.id != actor.id and user not in cohosts:
            cohosts.append(user)
    from .. import guard

    texts = {"title": title, "description": storable_text(form.description or ""),
             "agenda": storable_text(form.agenda or "")}
    # Shown to everyone invited, in emails and calendars: no "post anyway" for these.
    guard.check(actor, texts, form.authority_id, surface="session", can_hold=False, warning_id=form.warning_id,
                previous={"title": editing.title, "description": editing.description,
                          "agenda": editing.agenda} if editing else None)
    return {
        "title": title, "description": texts["description"], "agenda": texts["agenda"],
        "topic_id": topic.id, "authority_id": form.authority_id, "partner_only": bool(form.partner_only),
        "starts_at": starts_at, "ends_at": starts_at + timedelta(minutes=form.duration_minutes),
        "capacity": form.capacity, "cohosts": cohosts,
    }


def schedule(actor: User, form: SessionForm) -> PeerSession:
    """Create a session and its room (closed until the start)."""
    begin_write()
    data = _check_form(actor, form)
    if data["starts_at"] < clock.now():
        raise Invalid("The start time has passed. Choose a time in the future.", field="starts_at")
    room = Room(
        slug=f"session-{clock.now().strftime('%Y%m%d%H%M%S')}-{actor.id}-{db.session.scalar(select(func.count(Room.id))) + 1}",
        name=data["title"][:100], topic_id=data["topic_id"], kind="session",
        authority_id=data["authority_id"] if data["partner_only"] else None,
    )
    db.session.add(room)
    db.session.flush()
    session = PeerSession(
        title=data["title"], description=data["description"], description_html=render_markdown(data["description"]),
        agenda=data["agenda"], agenda_html=render_markdown(data["agenda"]), topic_id=data["topic_id"],
        authority_id=data["authority_id"], partner_only=data["partner_only"], host_id=actor.id, room_id=room.id,
        starts_at=data["starts_at"], ends_at=data["ends_at"], capacity=data["capacity"],
    )
    session.cohosts = data["cohosts"]
    db.session.add(session)
    db.session.commit()
    return session


def update_session(actor: User, session_id: int, form: SessionForm) -> PeerSession:
    """Edit a session; everyone who RSVPed is told."""
    begin_write()
    session = get_session(actor, session_id)
    _refuse_if_cancelled(session)
    policy.require(policy.can_edit_session(actor, session), "Only the session's hosts can change it.")
    data = _check_form(actor, form, editing=session)
    now = clock.now()
    moved = data["starts_at"] != session.starts_at or data["ends_at"] != session.ends_at
    if moved and session.phase(now) != "upcoming":
        raise Invalid("The session has started, so its times can no longer change. A host can extend it "
                      "or end it from the room.", field="starts_at")
    if moved and data["starts_at"] < now:
        raise Invalid("The start time has passed. Choose a time in the future.", field="starts_at")
    if data["capacity"] < session.going_count:
        raise Invalid(f"{session.going_count} people are already going, so there must be at least that many "
                      "places.", field="capacity")
    session.title, session.description, session.agenda = data["title"], data["description"], data["agenda"]
    session.description_html = render_markdown(data["description"])
    session.agenda_html = render_markdown(data["agenda"])
    session.topic_id, session.authority_id, session.partner_only = data["topic_id"], data["authority_id"], data["partner_only"]
    session.starts_at, session.ends_at, session.capacity = data["starts_at"], data["ends_at"], data["capacity"]
    session.cohosts = data["cohosts"]
    session.room.name = data["title"][:100]
    session.room.authority_id = data["authority_id"] if data["partner_only"] else None
    session.sequence += 1  # calendar apps apply an update only when this goes up
    if moved:
        db.session.execute(update(Rsvp).where(Rsvp.session_id == session.id).values(reminded_at=None))
    promoted = _fill_places(session)
    recipients = _tell_rsvps(session, "session-changed", f"“{session.title}” has changed: check the new details.")
    db.session.commit()
    for row in promoted:
        _mail_place(session, row)
    for user in recipients:
        dispatch.session_email(user, f"Changed: {session.title}",
                  f"Hello {user.display_name},\n\nThe details of “{session.title}” have changed. It now starts "
                  f"{clock.to_uk(session.starts_at):%A %-d %B %Y at %H:%M} (UK time).\n\n"
                  f"{public_link('sessions.show', session_id=session.id)}\n")
    _announce_state(session)
    return session


def cancel(actor: User, session_id: int, reason: str) -> PeerSession:
    begin_write()
    session = get_session(actor, session_id)
    _refuse_if_cancelled(session)
    policy.require(policy.can_edit_session(actor, session), "Only the session's hosts can cancel it.")
    if session.phase(clock.now()) == "closed":
        raise Invalid("This session has already ended, so it cannot be cancelled.")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Say why the session is cancelled: people who signed up will see it.", field="reason")
    if len(reason) > 1000:
        raise Invalid("Keep the reason to 1,000 characters or fewer.", field="reason")
    from .. import guard

    # Sent at once to everyone who signed up, by email too: it cannot wait for a moderator.
    guard.check(actor, {"reason": reason}, session.authority_id, surface="session", can_hold=False)
    session.cancelled_at = clock.now()
    session.cancel_reason = reason
    session.sequence += 1
    recipients = _tell_rsvps(session, "session-cancelled", f"“{session.title}” is cancelled: {reason}")
    db.session.commit()
    for user in recipients:
        dispatch.session_email(user, f"Cancelled: {session.title}",
                  f"Hello {user.display_name},\n\n“{session.title}” has been cancelled.\n\nReason: {reason}\n\n"
                  f"{public_link('sessions.show', session_id=session.id)}\n")
    _announce_state(session)
    return session


def _refuse_if_cancelled(session: PeerSession) -> None:
    if session.cancelled_at is not None:
        raise Invalid("This session has already been cancelled.")


def _tell_rsvps(session: PeerSession, kind: str, text: str) -> list[User]:
    """Notify everyone who answered going or waiting and may still see the session."""
    rows = db.session.scalars(
        select(Rsvp).where(Rsvp.session_id == session.id, Rsvp.status.in_([GOING, WAITING]))
    )
    recipients = [r.user for r in rows if policy.can_view_session(r.user, session)]
    notify.add(recipients, kind, text, f"/sessions/{session.id}")
    return recipients


# --- RSVPs -------------------------------------------------------------------------------


def rsvp(actor: User, session_id: int, answer: str) -> Rsvp:
    """Going (a place if one is free, else the waiting list) or not going (which frees a place
    for the first person waiting). The session row is locked, so two people can never both
    take the last place."""
    if answer not in (GOING, NOT_GOING):
        raise Invalid("Answer going or not going.")
    begin_write()
    session = get_session(actor, session_id)
    if answer == GOING and session.phase(clock.now()) in ("closed", "cancelled"):
        raise Invalid("This session has finished or been cancelled.")
    row = participant(session, actor)
    if answer == GOING and row is not None and row.removed:
        raise Invalid("A host removed you from this session, so you cannot sign up again.")
    db.session.execute(select(PeerSession.id).where(PeerSession.id == session.id).with_for_update())
    db.session.refresh(session)
    mine = my_rsvp(actor, session)
    now = clock.now()
    if mine is None:
        mine = Rsvp(session_id=session.id, user_id=actor.id, status=NOT_GOING, updated_at=now)
        db.session.add(mine)
    promoted = None
    if answer == GOING and mine.status == NOT_GOING:
        if session.going_count < session.capacity:
            mine.status = GOING
            session.going_count += 1
        else:
            mine.status = WAITING
        mine.updated_at = now
    elif answer == NOT_GOING and mine.status != NOT_GOING:
        if mine.status == GOING:
            session.going_count -= 1
            promoted = _promote(session)
        mine.status = NOT_GOING
        mine.updated_at = now
    db.session.commit()
    if promoted is not None:
        _mail_place(session, promoted)
    return mine


def _mail_place(session: PeerSession, row: Rsvp) -> None:
    dispatch.session_email(row.user, f"You have a place: {session.title}",
              f"Hello {row.user.display_name},\n\nA place came free and it is yours: "
              f"“{session.title}”.\n\n{public_link('sessions.show', session_id=session.id)}\n")


def _fill_places(session: PeerSession) -> list[Rsvp]:
    """Promote from the waiting list while places are free (after capacity goes up)."""
    promoted = []
    while session.going_count < session.capacity:
        row = _promote(session)
        if row is None:
            break
        promoted.append(row)
    return promoted


def _promote(session: PeerSession) -> Rsvp | None:
    """Give the freed place to the first person waiting who can still see the session."""
    for candidate in waiting_list(session):
        if policy.can_view_session(candidate.user, session):
            candidate.status = GOING
            candidate.updated_at = clock.now()
            session.going_count += 1
            notify.add([candidate.user], "session-place", f"A place came free: you are going to “{session.title}”.",
                       f"/sessions/{session.id}")
            return candidate
    return None
