"""Held chat messages: waiting for a moderator, then approved into the room or turned down.

The chat counterpart of `holds` for posts. A message held as it was sent has never been seen
by anyone but its author; approving it gives it a change number and broadcasts it then, so
every reader receives it once, at that moment, as if it had just been sent.
"""

from __future__ import annotations

from .. import realtime
from ..extensions import db
from ..models import ItemKind, Message, Room, utcnow
from . import dispatch, notify
from .chat_wire import serialize


def queue_message(message: Message) -> None:
    """Open (or keep) the queue item for a held message, in the caller's transaction."""
    from .queue import Target, open_item

    room = message.room or db.session.get(Room, message.room_id)
    target = Target("message", message.id, room.authority_id, room.topic_id,
                    f"Message in {room.name}", message.author_id, message)
    open_item(ItemKind.HELD_MESSAGE.value, target)


def _bump(message: Message, new_place: bool) -> None:
    """A new change number; for a first publication also a new place at the end of the room,
    so readers find it where new messages are (and counted unread), not buried above them."""
    from sqlalchemy import update

    values = {"event_seq": Room.event_seq + 1}
    if new_place:
        values["last_seq"] = Room.last_seq + 1
    row = db.session.execute(update(Room).where(Room.id == message.room_id).values(**values)
                             .returning(Room.event_seq, Room.last_seq)).one()
    message.rev = row[0]
    if new_place:
        message.seq = row[1]


def apply_approve(message: Message) -> dict:
    """Publish a held message to the room (after commit) and tell its author."""
    first_time = not message.published
    message.held_at, message.held_reason, message.rejected_at = None, "", None
    message.published = True
    _bump(message, new_place=first_time)
    room = message.room
    if first_time:
        room.last_message_at = utcnow()
    event = "chat:message" if first_time else "chat:update"
    db.session.flush()
    realtime.emit_after_commit(event, serialize(message), realtime.chat_room(message.room_id))
    text = f"Your message in {message.room.name} has been approved and is now in the room."
    url = _url(message)
    notify.add([message.author], "held_approved", text, url)
    dispatch.moderation_email(message.author, "Your message is approved", text, url)
    return {"before": {"held": True}, "after": {"held": False}, "subject_user_id": message.author_id,
            "announce": first_time}


def apply_reject(message: Message, reason: str) -> dict:
    """Turn a held message down: nobody else sees it; its author keeps the text and the reason."""
    message.rejected_at, message.held_reason = utcnow(), reason
    db.session.flush()
    realtime.emit_after_commit("chat:update", serialize(message, message.author), realtime.user_room(message.author_id))
    text = f"Your message in {message.room.name} was not approved: {reason}"
    notify.add([message.author], "held_rejected", text, _url(message))
    dispatch.moderation_email(message.author, "Your message was not approved", text, _url(message))
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
