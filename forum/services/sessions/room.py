"""The room's life by the clock and the hosts' controls: open early, end, extend, pin, lock,
mute, remove, raised hands."""

from __future__ import annotations

from sqlalchemy import select

from ... import clock, policy, realtime
from ...database import begin_write
from ...errors import Forbidden, Invalid, NotFound
from ...extensions import db
from ...models import (
    PeerSession,
    SessionParticipant,
    User,
)
from .. import audit
from .access import GOING, NOT_GOING, _announce_state, get_session, may_enter, my_rsvp
from .records import _close_attendance
from .scheduling import _mail_place, _promote

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
    from ...models import Message

    session = _host(actor, session_id)
    if message_id is not None:
        message = db.session.get(Message, message_id) if isinstance(message_id, int) else None
        if message is None or message.room_id != session.room_id or message.deleted_at is not None:
            raise Invalid("Pin a message from this session's room.")
        if message.held_at is not None:
            raise Invalid("That message is waiting for a moderator: it can be pinned once it is approved.")
    session.room.pinned_message_id = message_id
    db.session.commit()
    _announce_state(session)
    return session


def post_agenda(actor: User, session_id: int):
    """Post the agenda into the room as a message and pin it."""
    from .. import chat

    session = _host(actor, session_id)
    if not session.agenda.strip():
        raise Invalid("This session has no agenda to pin. Add one by editing the session.")
    db.session.commit()
    message, _ = chat.send_message(actor, session.room_id, "**Agenda**\n\n" + session.agenda)
    if message.held_at is not None:  # a watched word held it: pin it when it is approved
        raise Invalid("The agenda is waiting for a moderator (it uses a watched word), so it is not pinned yet.")
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
