"""Live peer sessions: scheduling, RSVPs with a waiting list, opening and closing by the clock,
host controls, attendance, transcript and summary. HTTP views and socket handlers share these."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update

from .. import clock, policy, realtime
from ..content import render_markdown, storable_text
from ..database import begin_write
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..mail import public_link
from ..models import (
    AttendanceSpan,
    PeerSession,
    Room,
    Rsvp,
    SessionParticipant,
    Topic,
    User,
)
from ..names import clean_text_line
from . import audit, dispatch, notify

TITLE_MAX = 150
TEXT_MAX = 10_000
CAPACITY_MAX = 500
GOING, WAITING, NOT_GOING = "going", "waiting", "not_going"


@dataclass
class SessionForm:
    title: str
    description: str
    agenda: str
    topic_id: int | None
    authority_id: int | None
    partner_only: bool
    starts_local: datetime | None  # UK wall-clock time
    duration_minutes: int | None
    capacity: int | None
    cohost_usernames: str = ""


def session_room_name(session_id: int) -> str:
    return f"session:{session_id}"


# --- reading -----------------------------------------------------------------------------


def get_session(actor: User, session_id: int) -> PeerSession:
    """Fetch a session the actor may see; anything else (partner-only elsewhere) is NotFound."""
    session = db.session.get(PeerSession, session_id) if isinstance(session_id, int) else None
    if session is None or not policy.can_view_session(actor, session):
        raise NotFound("We could not find that session.")
    return session


def session_for_room(room: Room) -> PeerSession | None:
    if room.kind != "session":
        return None
    return db.session.scalar(select(PeerSession).where(PeerSession.room_id == room.id))


def participant(session: PeerSession, user: User) -> SessionParticipant | None:
    return db.session.get(SessionParticipant, (session.id, user.id))


def has_place(session: PeerSession, user: User) -> bool:
    """A place in the room: going. Before and during the session it is what capacity counts;
    once it has closed, anyone who could have come may read what was said."""
    if session.phase(clock.now()) == "closed":
        return True
    mine = my_rsvp(user, session)
    return mine is not None and mine.status == GOING


def may_enter(actor: User, session: PeerSession) -> bool:
    """Whether the actor may be in the session's room now (or read it afterwards)."""
    row = participant(session, actor)
    return policy.can_attend_session(actor, session, removed=bool(row and row.removed),
                                     has_place=has_place(session, actor))


def require_entry(actor: User, session: PeerSession) -> None:
    """Refuse the room plainly: not found to those who may not know of it or were removed,
    and a reason to members who can see the session but hold no place."""
    if may_enter(actor, session):
        return
    row = participant(session, actor)
    if not policy.can_view_session(actor, session) or (row is not None and row.removed):
        raise NotFound("We could not find that room.")
    raise Forbidden("The room is for people with a place. Sign up on the session's page: if it is full, "
                    "you join the waiting list.")


def watch_session(actor: User, session_id: int) -> PeerSession:
    """A session page subscribing to live state: anyone who can see it, except the removed."""
    session = get_session(actor, session_id)
    row = participant(session, actor)
    if row is not None and row.removed and not policy.can_host_session(actor, session):
        raise NotFound("We could not find that session.")
    return session


def visible_sessions(actor: User, upcoming: bool = True, limit: int = 50, topic_id: int | None = None,
                     authority_id: int | None = None) -> list[PeerSession]:
    """Sessions the actor may attend, soonest first (or most recent first for past ones),
    optionally only those of one topic or one host authority."""
    now = clock.now()
    query = select(PeerSession)
    if topic_id is not None:
        query = query.where(PeerSession.topic_id == topic_id)
    if authority_id is not None:
        query = query.where(PeerSession.authority_id == authority_id)
    if not policy.is_staff(actor):
        allowed = [PeerSession.partner_only.is_(False)]
        if actor.authority_id is not None:
            allowed.append(PeerSession.authority_id == actor.authority_id)
        query = query.where(or_(*allowed))
    # Extensions add at most 30 minutes, so "not ended" is ends_at within that margin, refined
    # by the clock below.
    if upcoming:
        margin = timedelta(minutes=PeerSession.MAX_EXTENSION_MINUTES)
        query = query.where(PeerSession.ends_at >= now - margin).order_by(PeerSession.starts_at)
    else:
        query = query.where(PeerSession.ends_at < now).order_by(PeerSession.starts_at.desc())
    rows = list(db.session.scalars(query.limit(limit)))
    if upcoming:
        rows = [s for s in rows if s.phase(now) in ("upcoming", "open", "cancelled")]
    return rows


def my_rsvp(actor: User, session: PeerSession) -> Rsvp | None:
    return db.session.scalar(select(Rsvp).where(Rsvp.session_id == session.id, Rsvp.user_id == actor.id))


def going(session: PeerSession) -> list[Rsvp]:
    return list(db.session.scalars(
        select(Rsvp).where(Rsvp.session_id == session.id, Rsvp.status == GOING).order_by(Rsvp.updated_at)
    ))


def waiting_list(session: PeerSession) -> list[Rsvp]:
    return list(db.session.scalars(
        select(Rsvp).where(Rsvp.session_id == session.id, Rsvp.status == WAITING).order_by(Rsvp.updated_at, Rsvp.id)
    ))


def raised_hands(session: PeerSession) -> list[SessionParticipant]:
    return list(db.session.scalars(
        select(SessionParticipant)
        .where(SessionParticipant.session_id == session.id, SessionParticipant.hand_raised_at.is_not(None))
        .order_by(SessionParticipant.hand_raised_at)
    ))


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
        from ..names import username_key

        user = db.session.scalar(select(User).where(User.username_key == username_key(name)))
        if user is None or not user.is_active:
            raise Invalid(f"We could not find a member called @{name[:40]}.", field="cohosts")
        if form.partner_only and not policy.can_read_space(user, form.authority_id):
            raise Invalid(f"@{user.username} cannot see a partner-only session of this authority.", field="cohosts")
        if user.id != actor.id and user not in cohosts:
            cohosts.append(user)
    return {
        "title": title, "description": storable_text(form.description or ""),
        "agenda": storable_text(form.agenda or ""),
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


# --- the room's life ---------------------------------------------------------------------


def _host(actor: User, session_id: int) -> PeerSession:
    begin_write()
    session = get_session(actor, session_id)
    if not policy.can_host_session(actor, session):
        raise Forbidden("Only the session's hosts can do that.")
    if session.cancelled_at is not None:
        raise Invalid("This session has been cancelled.")
    return session


def open_early(actor: User, session_id: int) -> PeerSession:
    session = _host(actor, session_id)
    now = clock.now()
    phase = session.phase(now)
    if phase == "open":
        return session
    if phase == "closed":
        raise Invalid("This session has ended.")
    if now < session.starts_at - PeerSession.OPEN_EARLY:
        raise Invalid("You can open the room up to 15 minutes before the start.")
    session.opened_at = now
    db.session.commit()
    _announce_state(session)
    return session


def end_now(actor: User, session_id: int) -> PeerSession:
    session = _host(actor, session_id)
    now = clock.now()
    if session.phase(now) == "closed":
        return session
    session.ended_at = now
    session.sequence += 1
    _close_attendance(session, now)
    db.session.commit()
    _announce_state(session)
    return session


def extend(actor: User, session_id: int, minutes: int) -> PeerSession:
    session = _host(actor, session_id)
    if not isinstance(minutes, int) or minutes <= 0:
        raise Invalid("Extend by a number of minutes.")
    if session.phase(clock.now()) == "closed":
        raise Invalid("This session has ended: it can no longer be extended.")
    if session.extended_minutes + minutes > PeerSession.MAX_EXTENSION_MINUTES:
        left = PeerSession.MAX_EXTENSION_MINUTES - session.extended_minutes
        raise Invalid(f"A session can be extended by 30 minutes in all ({left} left).")
    session.extended_minutes += minutes
    session.sequence += 1
    db.session.commit()
    _announce_state(session)
    return session


def pin_message(actor: User, session_id: int, message_id: int | None) -> PeerSession:
    """Pin a message (or the agenda, when message_id is None and the agenda is posted as one)."""
    from ..models import Message

    session = _host(actor, session_id)
    if message_id is not None:
        message = db.session.get(Message, message_id) if isinstance(message_id, int) else None
        if message is None or message.room_id != session.room_id or message.deleted_at is not None:
            raise Invalid("Pin a message from this session's room.")
    session.room.pinned_message_id = message_id
    db.session.commit()
    _announce_state(session)
    return session


def post_agenda(actor: User, session_id: int):
    """Post the agenda into the room as a message and pin it."""
    from . import chat

    session = _host(actor, session_id)
    if not session.agenda.strip():
        raise Invalid("This session has no agenda to pin. Add one by editing the session.")
    db.session.commit()
    message, _ = chat.send_message(actor, session.room_id, "**Agenda**\n\n" + session.agenda)
    pin_message(actor, session_id, message.id)
    return message


def set_locked(actor: User, session_id: int, locked: bool) -> PeerSession:
    session = _host(actor, session_id)
    session.room.locked = bool(locked)
    db.session.commit()
    _announce_state(session)
    return session


def _participant_row(session: PeerSession, user_id: int) -> SessionParticipant:
    row = db.session.get(SessionParticipant, (session.id, user_id))
    if row is None:
        row = SessionParticipant(session_id=session.id, user_id=user_id)
        db.session.add(row)
    return row


def _target(session: PeerSession, user_id) -> User:
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not policy.can_view_session(user, session):
        raise NotFound("That person is not in this session.")
    if policy.can_host_session(user, session):
        raise Invalid("Hosts cannot be muted or removed.")
    return user


def mute(actor: User, session_id: int, user_id: int) -> SessionParticipant:
    """Mute someone for the rest of the session: they can read but not send."""
    session = _host(actor, session_id)
    user = _target(session, user_id)
    row = _participant_row(session, user.id)
    row.muted = True
    row.hand_raised_at = None
    audit.record(actor, "session_mute", "session", session.id, after={"muted": user.id}, subject_user_id=user.id,
                 authority_id=session.authority_id)
    db.session.commit()
    _announce_state(session)
    realtime.emit_now("session:you", {"session_id": session.id, "muted": True}, realtime.user_room(user.id))
    return row


def remove(actor: User, session_id: int, user_id: int) -> SessionParticipant:
    """Remove someone: they lose the room at once, on every socket."""
    session = _host(actor, session_id)
    user = _target(session, user_id)
    row = _participant_row(session, user.id)
    row.removed = True
    row.hand_raised_at = None
    audit.record(actor, "session_remove", "session", session.id, after={"removed": user.id},
                 subject_user_id=user.id, authority_id=session.authority_id)
    _close_attendance(session, clock.now(), user_id=user.id)
    db.session.execute(select(PeerSession.id).where(PeerSession.id == session.id).with_for_update())
    theirs = my_rsvp(user, session)
    promoted = None
    if theirs is not None and theirs.status != NOT_GOING:
        if theirs.status == GOING:
            session.going_count -= 1
            promoted = _promote(session)
        theirs.status, theirs.updated_at = NOT_GOING, clock.now()
    db.session.commit()
    if promoted is not None:
        _mail_place(session, promoted)
    realtime.disconnect_user(user.id)
    _announce_state(session)
    return row


def raise_hand(actor: User, session_id: int, raised: bool) -> SessionParticipant:
    begin_write()
    session = get_session(actor, session_id)
    row = _participant_row(session, actor.id)
    if row.removed or not may_enter(actor, session):
        raise NotFound("We could not find that session.")
    if session.phase(clock.now()) != "open":
        raise Invalid("Hands go up while the session is open.")
    if raised and row.muted:
        raise Invalid("A host has muted you for the rest of this session, so you cannot raise your hand.")
    row.hand_raised_at = clock.now() if raised else None
    db.session.commit()
    _announce_state(session)
    return row


def lower_hand(actor: User, session_id: int, user_id: int) -> None:
    """A host takes a raised hand (lowers it)."""
    session = _host(actor, session_id)
    row = db.session.get(SessionParticipant, (session.id, user_id))
    if row is not None:
        row.hand_raised_at = None
    db.session.commit()
    _announce_state(session)


def state(session: PeerSession) -> dict:
    """What every open page of the session needs to show: phase, times, pin, lock, hands."""
    now = clock.now()
    return {
        "session_id": session.id,
        "phase": session.phase(now),
        "opens_at": session.opens_at.isoformat(),
        "closes_at": session.closes_at.isoformat(),
        "locked": session.room.locked,
        "pinned_message_id": session.room.pinned_message_id,
        "hands": [{"id": p.user.id, "name": p.user.display_name} for p in raised_hands(session)],
        "muted": [p.user_id for p in db.session.scalars(
            select(SessionParticipant).where(SessionParticipant.session_id == session.id,
                                             SessionParticipant.muted.is_(True)))],
    }


def _announce_state(session: PeerSession) -> None:
    payload = state(session)
    realtime.emit_now("session:state", payload, session_room_name(session.id))
    realtime.emit_now("session:state", payload, realtime.chat_room(session.room_id))


def unpin_deleted(room: Room, message_id: int) -> None:
    """A deleted message cannot stay pinned; pages hear of it once the deletion commits."""
    if room.pinned_message_id != message_id:
        return
    room.pinned_message_id = None
    session = session_for_room(room)
    if session is not None:
        payload = state(session)
        realtime.emit_after_commit("session:state", payload, session_room_name(session.id))
        realtime.emit_after_commit("session:state", payload, realtime.chat_room(session.room_id))


# --- attendance --------------------------------------------------------------------------


def record_join(user: User, session: PeerSession, socket_id: str) -> None:
    """Note that someone is in the room; only the part inside the open hours counts later."""
    if session.phase(clock.now()) == "closed":
        return
    db.session.add(AttendanceSpan(session_id=session.id, user_id=user.id, socket_id=socket_id[:64],
                                  joined_at=clock.now()))
    db.session.commit()


def record_leave(socket_id: str) -> None:
    """Close any open spans of this socket (it left or disconnected)."""
    now = clock.now()
    spans = db.session.scalars(
        select(AttendanceSpan).where(AttendanceSpan.socket_id == socket_id[:64], AttendanceSpan.left_at.is_(None))
    )
    for span in spans:
        session = db.session.get(PeerSession, span.session_id)
        span.left_at = min(now, session.closes_at)
    db.session.commit()


def _close_attendance(session: PeerSession, at: datetime, user_id: int | None = None) -> None:
    query = update(AttendanceSpan).where(AttendanceSpan.session_id == session.id, AttendanceSpan.left_at.is_(None))
    if user_id is not None:
        query = query.where(AttendanceSpan.user_id == user_id)
    db.session.execute(query.values(left_at=at))


def minutes_present(session: PeerSession, user_id: int) -> int:
    """Minutes someone was in the room, counting overlapping tabs once."""
    window_start, window_end = session.opens_at, min(clock.now(), session.closes_at)
    spans = sorted(
        (max(s.joined_at, window_start), min(s.left_at or window_end, window_end))
        for s in db.session.scalars(
            select(AttendanceSpan).where(AttendanceSpan.session_id == session.id, AttendanceSpan.user_id == user_id)
        )
    )
    spans = [(start, end) for start, end in spans if end > start]
    total, current_start, current_end = timedelta(), None, None
    for start, end in spans:
        if current_end is None or start > current_end:
            if current_end is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += current_end - current_start
    return int(total.total_seconds() // 60)


def attendance(session: PeerSession) -> list[dict]:
    rows = db.session.execute(
        select(AttendanceSpan.user_id, func.min(AttendanceSpan.joined_at), func.max(AttendanceSpan.left_at))
        .where(AttendanceSpan.session_id == session.id).group_by(AttendanceSpan.user_id)
    ).all()
    result = []
    for user_id, joined, left in rows:
        user = db.session.get(User, user_id)
        result.append({"user": user, "joined": joined, "left": left, "minutes": minutes_present(session, user_id)})
    return sorted(result, key=lambda r: r["user"].display_name.lower())


def attended_by(user: User) -> list[tuple[PeerSession, int]]:
    """Sessions the user was present in, with minutes present: their CPD record."""
    ids = db.session.scalars(
        select(AttendanceSpan.session_id).where(AttendanceSpan.user_id == user.id).distinct()
    ).all()
    sessions = db.session.scalars(select(PeerSession).where(PeerSession.id.in_(ids)).order_by(PeerSession.starts_at))
    attended = [(s, minutes_present(s, user.id)) for s in sessions]
    return [(s, minutes) for s, minutes in attended if minutes > 0]


# --- afterwards --------------------------------------------------------------------------


def transcript(actor: User, session_id: int):
    from ..models import Message

    session = get_session(actor, session_id)
    if not may_enter(actor, session):
        raise NotFound("We could not find that session.")
    messages = list(db.session.scalars(
        select(Message).where(Message.room_id == session.room_id).order_by(Message.seq)
    ))
    return session, messages


def transcript_markdown(actor: User, session_id: int) -> str:
    session, messages = transcript(actor, session_id)
    if not policy.can_export_transcript(actor, session):
        raise Forbidden("Only hosts and centre staff can export the transcript.")
    lines = [f"# {session.title}", "", f"{clock.to_uk(session.starts_at):%-d %B %Y, %H:%M} (UK time)", ""]
    for message in messages:
        when = clock.to_uk(message.created_at).strftime("%H:%M")
        text = "_(deleted)_" if message.deleted_at else message.body
        lines.append(f"**{message.author.display_name}** ({when}):")
        lines.append("")
        lines.append(text)
        lines.append("")
    return "\n".join(lines)


def publish_summary(actor: User, session_id: int, body: str):
    """The host publishes a summary as a practice-share thread linked to the session."""
    from . import threads

    session = _host_after(actor, session_id)
    if session.summary_thread_id is not None:
        raise Invalid("A summary has already been published for this session.")
    room_left = threads.BODY_MAX - len(SUMMARY_FOOTER.format(title=session.title))
    if len(storable_text(body or "")) > room_left:
        raise Invalid(f"Keep the summary to {room_left:,} characters or fewer (it has {len(body):,}).", field="body")
    thread = threads.start_thread(actor, threads.NewThread(
        topic_id=session.topic_id,
        authority_id=session.authority_id if session.partner_only else None,
        kind="practice", title=f"Session summary: {session.title}"[:TITLE_MAX],
        body=(body or "") + SUMMARY_FOOTER.format(title=session.title), tags="peer-session",
    ))
    begin_write()
    session = db.session.get(PeerSession, session.id)
    session.summary_thread_id = thread.id
    db.session.commit()
    return thread


def _host_after(actor: User, session_id: int) -> PeerSession:
    session = get_session(actor, session_id)
    if not policy.can_host_session(actor, session):
        raise Forbidden("Only the session's hosts can do that.")
    if session.phase(clock.now()) != "closed":
        raise Invalid("Publish the summary after the session has ended.")
    return session


# --- calendars ---------------------------------------------------------------------------


def feed_for_token(token: str) -> list[PeerSession] | None:
    """The sessions in someone's personal feed (going or waiting, still visible to them)."""
    if not token or len(token) > 64:
        return None
    user = db.session.scalar(select(User).where(User.calendar_token == token))
    if user is None or not user.is_active:
        return None
    rows = db.session.scalars(
        select(Rsvp).where(Rsvp.user_id == user.id, Rsvp.status.in_([GOING, WAITING]))
    )
    found = [db.session.get(PeerSession, r.session_id) for r in rows]
    return [s for s in found if policy.can_view_session(user, s)]


def reset_calendar_token(actor: User) -> str:
    """A new secret feed address; the old one stops working."""
    import secrets

    begin_write()
    user = db.session.get(User, actor.id)
    user.calendar_token = secrets.token_urlsafe(32)
    db.session.commit()
    return user.calendar_token


# --- reminders ---------------------------------------------------------------------------


def send_reminders() -> int:
    """Remind everyone going, about an hour before the start; safe to run every minute."""
    begin_write()
    now = clock.now()
    rows = list(db.session.scalars(
        select(Rsvp).join(PeerSession, PeerSession.id == Rsvp.session_id).where(
            Rsvp.status == GOING, Rsvp.reminded_at.is_(None), PeerSession.cancelled_at.is_(None),
            PeerSession.starts_at > now, PeerSession.starts_at <= now + timedelta(hours=1),
        )
    ))
    emails = []
    for row in rows:
        session = db.session.get(PeerSession, row.session_id)
        if not policy.can_view_session(row.user, session):
            continue
        row.reminded_at = now
        text = f"“{session.title}” starts at {clock.to_uk(session.starts_at):%H:%M}."
        notify.add([row.user], "session-reminder", text, f"/sessions/{session.id}")
        emails.append((row.user, session, text))
    db.session.commit()
    for user, session, text in emails:
        dispatch.session_email(user, f"Starting soon: {session.title}",
                  f"Hello {user.display_name},\n\n{text}\n\n{public_link('sessions.show', session_id=session.id)}\n")
    return len(emails)
