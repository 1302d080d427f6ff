"""Held chat messages: waiting for a moderator, then approved into the room or turned down.

The chat counterpart of `holds` for posts. A message held as it was sent has never been seen
by anyone but its author; approving it gives it a change number and broadcasts it then, so
every reader receives it once, at that moment, as if it had just been sent.
"""

from __future__ import annotations

from .. import realtime
from ..extensions import db
from ..models import ItemKind, Message, Room, utcnow
from .chat_wire import serialize
from .holds import tell_author


def queue_message(message: Message) -> None:
    """Open (or keep) the queue item for a held message, in the caller's transaction."""
    from .queue import Target, open_item

    room = message.room or db.session.get(Room, message.room_id)
    target = Target("message", message.id, room.authority_id, room.topic_id,
                    f"Message in {room.name}", message.author_id, message)
    open_item(ItemKind.HELD_MESSAGE.value, target)


def apply_approve(message: Message) -> dict:
    """Publish a held message to the room (after commit) and tell its author."""
    first_time = not message.published
    message.held_at, message.held_reason, message.rejected_at = None, "", None
    message.published = True
    # A new change number; a first publication also takes a new place at the end of the room,
    # so readers find it where new messages are (and counted unread), not buried above them.
    from .chat import _bump

    message.rev, last_seq = _bump(message.room_id, new_place=first_time)
    if first_time:
        message.seq = last_seq
    room = message.room
    if first_time:
        room.last_message_at = utcnow()
    event = "chat:message" if first_time else "chat:update"
    db.session.flush()
    realtime.emit_after_commit(event, serialize(message), realtime.chat_room(message.room_id))
    tell_author(message.author, "held_approved", "Your message is approved",
                f"Your message in {message.room.name} has been approved and is now in the room.", _url(message))
    return {"before": {"held": True}, "after": {"held": False}, "subject_user_id": message.author_id,
            "announce": first_time}


def apply_reject(message: Message, reason: str) -> dict:
    """Turn a held message down: nobody else sees it; its author keeps the text and the reason."""
    message.rejected_at, message.held_reason = utcnow(), reason
    db.session.flush()
    realtime.emit_after_commit("chat:update", serialize(message, message.author), realtime.user_room(message.author_id))
    tell_author(message.author, "held_rejected", "Your message was not approved",
                f"Your message in {message.room.name} was not approved: {reason}", _url(message))
    return {"before": {"held": True}, "after": {"rejected": True}, "subject_user_id": message.author_id}


def apply_edit(message: Message, body: str, actor) -> dict:
    """A moderator's correction before approving: the text as it will be published."""
    from ..content import RENDERER_VERSION, render_markdown

    before = message.body
    # Not marked "(edited)": it is first published as the moderator leaves it.
    message.body, message.body_html, message.renderer_version = body, render_markdown(body), RENDERER_VERSION
    return {"body": before}


def _url(message: Message) -> str:
    return f"/rooms/{message.room.slug}#m-{message.seq}"
