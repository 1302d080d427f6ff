"""Reading chat rooms: the rooms a member may join, a room's history, and the changes a
reconnecting client catches up on. Held messages exist here for their author alone."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from .. import policy
from ..extensions import db
from ..models import Message, Room, RoomRead, User

HISTORY_PAGE = 50
SYNC_PAGE = 200


@dataclass
class RoomSummary:
    room: Room
    unread: int


def rooms_for(actor: User) -> list[RoomSummary]:
    """Rooms the actor may join, each with how many messages they have not read."""
    last_read = (
        select(RoomRead.room_id, RoomRead.last_read_seq)
        .where(RoomRead.user_id == actor.id)
        .subquery()
    )
    rows = db.session.execute(
        select(Room, func.coalesce(last_read.c.last_read_seq, 0))
        .outerjoin(last_read, last_read.c.room_id == Room.id)
        .where(policy.readable_rooms(actor))
        .order_by(Room.authority_id.is_not(None), Room.position, Room.name)
    ).all()
    unread_by_room = dict(
        db.session.execute(
            select(Message.room_id, func.count(Message.id))
            .outerjoin(
                RoomRead, (RoomRead.room_id == Message.room_id) & (RoomRead.user_id == actor.id)
            )
            .where(
                Message.room_id.in_([room.id for room, _ in rows] or [0]),
                Message.deleted_at.is_(None),
                Message.held_at.is_(None),
                Message.author_id != actor.id,
                Message.seq > func.coalesce(RoomRead.last_read_seq, 0),
            )
            .group_by(Message.room_id)
        ).all()
    )
    return [RoomSummary(room, unread_by_room.get(room.id, 0)) for room, _ in rows]


def get_room(actor: User, room_id: int) -> Room:
    """Fetch a room the actor may read; anything else is NotFound.

    A session's room is read by whoever may attend the session, unless a host removed them.
    """
    room = policy.require_read_room(actor, db.session.get(Room, room_id))
    if room.kind == "session":
        from . import sessions

        sessions.require_entry(actor, sessions.session_for_room(room))
    return room


def room_by_slug(actor: User, slug: str) -> Room:
    room = db.session.execute(select(Room).where(Room.slug == slug)).scalar_one_or_none()
    return policy.require_read_room(actor, room)


def recent(actor: User, room_id: int, before_seq: int | None = None, limit: int = HISTORY_PAGE
           ) -> tuple[list[Message], bool]:
    """The newest messages (or those before `before_seq`), oldest first, and whether more exist."""
    room = get_room(actor, room_id)
    limit = max(1, min(limit, HISTORY_PAGE))
    query = select(Message).where(Message.room_id == room.id, _seen_by(actor))
    if before_seq is not None:
        query = query.where(Message.seq < before_seq)
    rows = list(db.session.scalars(query.order_by(Message.seq.desc()).limit(limit + 1)))
    has_more = len(rows) > limit
    return list(reversed(rows[:limit])), has_more


def changes_since(actor: User, room_id: int, since_rev: int) -> tuple[list[Message], bool, int]:
    """Every message created, edited or deleted after the room's event `since_rev`, in order.

    Returns (messages, has_more, room_rev). A reconnecting client asks again with the rev of
    the last message until has_more is False; nothing is skipped and nothing repeats.
    """
    room = get_room(actor, room_id)
    rows = list(
        db.session.scalars(
            select(Message)
            .where(Message.room_id == room.id, Message.rev > max(0, since_rev), _seen_by(actor))
            .order_by(Message.rev)
            .limit(SYNC_PAGE + 1)
        )
    )
    return rows[:SYNC_PAGE], len(rows) > SYNC_PAGE, room.event_seq


def _seen_by(actor: User):
    """A message held as it was sent exists, until approved, for its author alone."""
    return Message.published.is_(True) | (Message.author_id == actor.id)


def last_read_seq(actor: User, room_id: int) -> int:
    row = db.session.get(RoomRead, (actor.id, room_id))
    return row.last_read_seq if row else 0
