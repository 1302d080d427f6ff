"""Chat rooms: list, read, send, edit, delete and mark read. Shared by the HTTP views and the
Socket.IO handlers, which only parse input and map errors to their channel."""

from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from .. import policy, ratelimit, realtime
from ..content import RENDERER_VERSION, render_markdown, storable_text
from ..database import begin_write
from ..errors import Invalid, NotFound, RateLimited
from ..extensions import db
from ..models import Message, Room, RoomRead, User, utcnow
from ..models.types import ID_MAX
from . import guard
from .chat_reading import (  # noqa: F401  (callers use chat.<name>)
    HISTORY_PAGE,
    SYNC_PAGE,
    RoomSummary,
    changes_since,
    get_room,
    last_read_seq,
    recent,
    room_by_slug,
    rooms_for,
)
from .chat_wire import serialize, visible_text  # noqa: F401  (callers use chat.serialize)

MESSAGE_MAX = 4000
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def require_speak(actor: User, room: Room) -> None:
    """Refuse, with the reason, a send or edit the room does not allow right now."""
    if policy.is_silenced(actor):
        from .threads import silenced_message

        raise Invalid(silenced_message(actor))
    if room.kind != "session":
        policy.require(policy.can_send_in_room(actor, room), "You cannot send messages in this room.")
        return
    from .. import clock
    from . import sessions

    session = sessions.session_for_room(room)
    row = sessions.participant(session, actor)
    phase = session.phase(clock.now())
    muted, removed = bool(row and row.muted), bool(row and row.removed)
    place = sessions.has_place(session, actor)
    if policy.can_speak_in_session(actor, session, room, is_open=phase == "open", muted=muted, removed=removed,
                                   has_place=place):
        return
    if phase == "upcoming":
        raise Invalid(f"The room opens at {clock.to_uk(session.opens_at):%H:%M}. Messages can be sent then.")
    if phase in ("closed", "cancelled"):
        raise Invalid("This session has ended: its room is read-only now.")
    if muted:
        raise Invalid("A host has muted you for the rest of this session. You can still read along.")
    if not place and not policy.can_host_session(actor, session):
        raise Invalid("The session is full: only people with a place can speak.")
    raise Invalid("The host has locked the room: only hosts can speak just now.")


# --- writing -----------------------------------------------------------------------------


def check_body(body) -> str:
    if not isinstance(body, str):
        raise Invalid("Write a message.", field="body")
    text = storable_text(body)
    if not text.strip():
        raise Invalid("Write a message: it cannot be empty.", field="body")
    if len(text) > MESSAGE_MAX:
        raise Invalid(
            f"Messages must be {MESSAGE_MAX:,} characters or fewer (this one is {len(text):,}).",
            field="body",
        )
    return text


def check_client_id(client_id) -> str | None:
    if client_id is None or client_id == "":
        return None
    if not isinstance(client_id, str) or not _CLIENT_ID.match(client_id):
        raise Invalid("That message could not be sent: its id is not valid. Reload the page.")
    return client_id


def _bump(room_id: int, new_place: bool = False) -> tuple[int, int]:
    """Advance the room's change number (and, with `new_place`, its message order too);
    returns (event_seq, last_seq). Locks the room row."""
    values = {"event_seq": Room.event_seq + 1}
    if new_place:
        values["last_seq"] = Room.last_seq + 1
    row = db.session.execute(
        update(Room).where(Room.id == room_id).values(**values).returning(Room.event_seq, Room.last_seq)
    ).one()
    return row[0], row[1]


def send_message(actor: User, room_id: int, body, client_id=None, reply_to_id=None, *,
                 post_anyway: bool = False, warning_id=None) -> tuple[Message, bool]:
    """Store a message and broadcast it after commit. Returns (message, created).

    A resend with the same client id (after a dropped connection) returns the stored message
    and broadcasts nothing, so every reader sees it once. A message the privacy guard flags is
    refused unless `post_anyway`; then, like one with a watched "hold" word, it is held: stored,
    shown to its author, and broadcast to nobody until a moderator approves it.
    """
    # Everything that can be decided without the write lock is decided before taking it:
    # the rate limiter may wait on Redis or start a timer, and on SQLite under gevent nothing
    # that yields may run while this request holds the database's only write lock.
    client_id = check_client_id(client_id)
    room = get_room(actor, room_id)
    if client_id:
        existing = _sent_before(actor, client_id)
        if existing is not None:
            if existing.room_id != room.id:
                raise Invalid("That message id was already used in another room.")
            return existing, False
    require_speak(actor, room)
    text, hold_reason = screen_message(actor, room, check_body(body))
    if reply_to_id == "":
        reply_to_id = None
    if reply_to_id is not None and (isinstance(reply_to_id, bool) or not isinstance(reply_to_id, int)
                                    or not 0 < reply_to_id <= ID_MAX):
        raise Invalid("That reply is not to a message in this room.")
    hold_reason = guard.check(actor, {"body": text}, room.authority_id, surface="message",
                              post_anyway=post_anyway, warning_id=warning_id) or hold_reason
    ratelimit.check(
        "chat-send", actor.id, current_app.config.get("CHAT_RATE_LIMIT", "10/10 seconds"),
        "You are sending messages too quickly. Wait a few seconds and try again.",
    )
    begin_write()
    room = get_room(actor, room_id)  # again, inside the transaction: access may have changed
    require_speak(actor, room)
    _check_slow_mode(actor, room)
    reply_to = None
    if reply_to_id is not None:
        reply_to = db.session.get(Message, reply_to_id)
        if reply_to is None or reply_to.room_id != room.id or not visible_text(reply_to, actor):
            raise Invalid("That reply is not to a message in this room.")
        if reply_to.held_at is not None:  # even its author's: a reply would point others at it
            raise Invalid("That message is waiting for a moderator: you can reply to it once it is approved.")
    now = utcnow()
    if hold_reason:
        # A held message takes its place in the room's order but no change number: nobody
        # else's client may see a gap for it, and approval gives it one then.
        counters = {"last_seq": Room.last_seq + 1}
    else:
        counters = {"event_seq": Room.event_seq + 1, "last_seq": Room.last_seq + 1, "last_message_at": now}
    row = db.session.execute(
        update(Room).where(Room.id == room.id).values(**counters).returning(Room.event_seq, Room.last_seq)
    ).one()
    message = Message(
        room_id=room.id, seq=row[1], rev=row[0], author_id=actor.id, client_id=client_id,
        body=text, body_html=render_markdown(text), renderer_version=RENDERER_VERSION,
        reply_to_id=reply_to.id if reply_to else None, created_at=now,
    )
    if hold_reason:
        message.held_at, message.held_reason, message.published = now, hold_reason, False
    db.session.add(message)
    try:
        db.session.flush()
    except IntegrityError:
        # The same client id raced in from a second connection: the first one stands.
        db.session.rollback()
        existing = _sent_before(actor, client_id)
        if existing is None:
            raise
        return existing, False
    _mark_read(actor.id, room.id, message.seq)
    if hold_reason:
        from .chat_holds import queue_message

        queue_message(message)
        # The author's other tabs hear of it on their own channel; the room hears nothing.
        realtime.emit_after_commit("chat:message", serialize(message, actor), realtime.user_room(actor.id))
        db.session.commit()
        return message, True
    realtime.emit_after_commit("chat:message", serialize(message), realtime.chat_room(room.id))
    db.session.commit()
    from . import dispatch

    dispatch.after(dispatch.new_message, message.id)  # mentions, and people watching the room
    return message, True


def screen_message(actor: User, room: Room, text: str) -> tuple[str, str | None]:
    """Watched words in chat: (text to send, reason to hold it or None).

    Blocked words refuse the send (the composer keeps the text), replacements are made, and a
    "hold" word holds the message for a moderator. Moderators of the room are never held.
    """
    from . import watchwords

    screened = watchwords.screen(text)
    watchwords.refuse_blocked(screened)
    if screened.held and not policy.moderates_room(actor, room):
        found = ", ".join(sorted({f"“{h.found}”" for h in screened.held}))
        return screened.text, f"Uses a watched word ({found}): a moderator will read it first."
    return screened.text, None


def _check_slow_mode(actor: User, room: Room) -> None:
    if not room.slow_mode_seconds or policy.moderates_room(actor, room):
        return
    from .moderation import slow_mode_wait

    last = db.session.scalar(select(func.max(Message.created_at)).where(
        Message.room_id == room.id, Message.author_id == actor.id))
    wait = slow_mode_wait(actor, room.slow_mode_seconds, last)
    if wait:
        raise RateLimited(f"Slow mode is on in this room: you can send again in {wait} seconds.")


def _sent_before(actor: User, client_id: str) -> Message | None:
    return db.session.scalar(
        select(Message).where(Message.author_id == actor.id, Message.client_id == client_id)
    )


def edit_message(actor: User, message_id, body, *, post_anyway: bool = False, warning_id=None) -> Message:
    """Change a message's text. Only details new to this edit warn (what a moderator already
    approved is not flagged again); an edit held for review leaves the room a placeholder."""
    begin_write()
    message = _get_message(actor, message_id)
    if policy.is_silenced(actor):
        from .threads import silenced_message

        raise Invalid(silenced_message(actor))
    policy.require(policy.can_edit_message(actor, message), "You can only edit your own messages.")
    require_speak(actor, message.room)
    text, hold_reason = screen_message(actor, message.room, check_body(body))
    if text == message.body:
        return message
    # A message others have read cannot be swapped for words a moderator has not: its edit
    # cannot wait for review, so findings refuse it, and so does a watched "hold" word.
    hold_reason = guard.check(actor, {"body": text}, message.room.authority_id, surface="edit",
                              post_anyway=post_anyway, warning_id=warning_id,
                              previous={"body": message.body}, can_hold=not message.published,
                              why_not="People have read this message, so an edit to it cannot wait for a "
                                      "moderator: delete it and send a new one if you need to.") or hold_reason
    if hold_reason and message.published:
        raise Invalid("This edit uses a word staff review first, and a message people have read cannot wait "
                      "for review. Reword it, or delete the message and send a new one.")
    if message.held_at is not None and message.rejected_at is None:
        hold_reason = hold_reason or message.held_reason  # still waiting: it stays held
    if message.published:  # one nobody else has seen changes without a trace for them
        rev, _ = _bump(message.room_id)
        message.rev = rev
    message.body = text
    message.body_html = render_markdown(text)
    message.renderer_version = RENDERER_VERSION
    message.edited_at = utcnow()
    if hold_reason:
        from .chat_holds import queue_message

        message.held_at, message.held_reason, message.rejected_at = utcnow(), hold_reason, None
        queue_message(message)
    elif message.held_at is not None:
        # Put right after it was turned down: back to the queue, not out.
        from .chat_holds import queue_message

        message.held_at, message.rejected_at = utcnow(), None
        message.held_reason = "Edited after it was not approved."
        queue_message(message)
    db.session.flush()
    if message.published:
        realtime.emit_after_commit("chat:update", serialize(message), realtime.chat_room(message.room_id))
    db.session.commit()
    return message


def delete_message(actor: User, message_id) -> Message:
    """Delete a message: it vanishes from every open client at once."""
    begin_write()
    message = _get_message(actor, message_id)
    policy.require(policy.can_delete_message(actor, message), "You cannot delete this message.")
    if actor.id != message.author_id:
        from . import audit

        audit.record(actor, "delete_message", "message", message.id, before={"body": message.body},
                     after={"deleted": True}, subject_user_id=message.author_id,
                     authority_id=message.room.authority_id)
    apply_delete(message, actor)
    db.session.commit()
    return message


def apply_delete(message: Message, actor: User | None = None) -> None:
    """Delete in the caller's transaction; every open client drops it once that commits.

    A message held as it was sent was never seen by anyone else: it goes without a trace."""
    message.deleted_at = utcnow()
    if message.held_at is not None:
        from .queue import close_open_item

        close_open_item("held_message", "message", message.id, actor or message.author, "deleted",
                        "Deleted before review.")
    if not message.published:
        db.session.flush()
        return
    rev, _ = _bump(message.room_id)
    message.rev = rev
    if message.room.kind == "session":
        from .sessions import unpin_deleted

        unpin_deleted(message.room, message.id)
    db.session.flush()
    realtime.emit_after_commit("chat:update", serialize(message), realtime.chat_room(message.room_id))


def mark_read(actor: User, room_id: int, seq) -> int:
    """Move the actor's read marker forward (never back); returns the marker."""
    if not isinstance(seq, int) or seq < 0:
        raise Invalid("That is not a message in this room.")
    begin_write()
    room = get_room(actor, room_id)
    marker = _mark_read(actor.id, room.id, min(seq, room.last_seq))
    db.session.commit()
    return marker


def _mark_read(user_id: int, room_id: int, seq: int) -> int:
    row = db.session.get(RoomRead, (user_id, room_id))
    if row is None:
        row = RoomRead(user_id=user_id, room_id=room_id, last_read_seq=seq)
        db.session.add(row)
    elif seq > row.last_read_seq:
        row.last_read_seq = seq
    return row.last_read_seq


def _get_message(actor: User, message_id) -> Message:
    if not isinstance(message_id, int):
        raise NotFound("We could not find that message.")
    message = db.session.get(Message, message_id)
    if message is None:
        raise NotFound("We could not find that message.")
    room = get_room(actor, message.room_id)
    if not policy.can_reach_message(actor, message, room):
        raise NotFound("We could not find that message.")  # held: it does not exist for them yet
    return message
