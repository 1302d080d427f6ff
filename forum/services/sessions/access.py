"""Who may see a session and be in its room; the forms' shared shape; the live state every
open page of a session shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from ... import clock, policy, realtime
from ...errors import Forbidden, NotFound
from ...extensions import db
from ...models import (
    PeerSession,
    Room,
    Rsvp,
    SessionParticipant,
    User,
)

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
    warning_id: str | None = None  # the privacy warning this draft was shown, if any



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
