"""What chat clients receive: one shape for history, sync, acks and live events.

A held message's text goes only to its author. Everyone else gets a placeholder (for an edit
that was held after the message had been seen) or, for a message held as it was sent, never
hears of it at all: `recent` and `changes_since` leave those out for them.
"""

from __future__ import annotations

from .. import policy
from ..models import Message, User


def visible_text(message: Message, viewer: User | None) -> bool:
    """May this viewer (None: everyone in the room) see the message's words?"""
    return policy.can_read_message_text(viewer, message)


def serialize(message: Message, viewer: User | None = None) -> dict:
    """The message as `viewer` may see it; with no viewer, as a broadcast to the whole room."""
    deleted = message.deleted_at is not None
    shown = visible_text(message, viewer)
    reply = None
    if message.reply_to is not None and shown:
        original = message.reply_to
        reply = {
            "id": original.id,
            "seq": original.seq,
            "author": original.author.display_name,
            "excerpt": original.body[:120] if visible_text(original, viewer) else "",
        }
    held = message.held_at is not None and not deleted
    data = {
        "id": message.id,
        "room_id": message.room_id,
        "seq": message.seq,
        "rev": message.rev,
        "client_id": message.client_id,
        "author": {
            "id": message.author.id,
            "username": message.author.username,
            "name": message.author.display_name,
            "badge": message.author.badge,
        },
        "body": message.body if shown else "",
        "html": message.body_html if shown else "",
        "created_at": message.created_at.isoformat(),
        "edited": message.edited_at is not None,
        "deleted": deleted,
        "held": held,
        "reply_to": reply,
    }
    if held and shown:  # the author: why it waits, and whether it was turned down
        data["held_reason"] = message.held_reason
        data["rejected"] = message.rejected_at is not None
    return data
