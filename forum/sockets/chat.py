"""Chat events. Senders and receivers are named on each handler; all rules are in services."""

from __future__ import annotations

from flask import request
from flask_socketio import join_room, leave_room

from ..extensions import socketio
from ..presence import presence
from ..ratelimit import check as check_rate
from ..realtime import chat_room
from ..services import chat, sessions
from .events import handler, int_field


def _person(user) -> dict:
    return {"id": user.id, "name": user.display_name, "username": user.username}


def _announce_presence(room_id: int) -> None:
    socketio.emit("chat:presence", {"room_id": room_id, "people": presence().people(room_id)},
                  to=chat_room(room_id))


@handler("chat:join")
def join(user, data):
    """Sent by: a member opening a room. The server checks access, then joins the socket.

    With `since_rev`, answers with every change after it (a reconnect catching up); without,
    with the latest page of history. Others in the room receive the new presence list.
    """
    room = chat.get_room(user, int_field(data, "room_id"))
    since = int_field(data, "since_rev", required=False)
    # Subscribe before reading: a change committed in between then arrives live as well as
    # in the answer (the client drops the repeat by id and rev), and is never missed.
    join_room(chat_room(room.id))
    if since is None:
        messages, has_more = chat.recent(user, room.id)
        more_changes = False
    else:
        messages, more_changes, _ = chat.changes_since(user, room.id, since)
        has_more = None
    presence().join(room.id, request.sid, _person(user))
    _announce_presence(room.id)
    if room.kind == "session":
        sessions.record_join(user, sessions.session_for_room(room), request.sid)
    return {
        "room": {"id": room.id, "name": room.name, "rev": room.event_seq, "last_seq": room.last_seq},
        "messages": [chat.serialize(m, user) for m in messages],
        "has_more": has_more,
        "more_changes": more_changes,
        "last_read_seq": chat.last_read_seq(user, room.id),
        "people": presence().people(room.id),
    }


@handler("chat:leave")
def leave(user, data):
    """Sent by: a member closing a room. Others receive the new presence list."""
    room_id = int_field(data, "room_id")
    leave_room(chat_room(room_id))
    presence().leave(room_id, request.sid)
    sessions.record_leave(request.sid)
    _announce_presence(room_id)
    return {}


@handler("chat:send")
def send(user, data):
    """Sent by: a member. Everyone in the room (sender included) receives chat:message once.

    A message the privacy guard flags is refused (ok false, with `privacy` findings) unless it
    carries `post_anyway: true`; then it is held, and only the sender's ack carries it."""
    message, created = chat.send_message(
        user, int_field(data, "room_id"), data.get("body"), data.get("client_id"), data.get("reply_to_id"),
        post_anyway=data.get("post_anyway") is True, warning_id=data.get("warning_id"),
    )
    return {"message": chat.serialize(message, user), "duplicate": not created}


@handler("chat:edit")
def edit(user, data):
    """Sent by: a message's author. The room receives chat:update."""
    message = chat.edit_message(user, int_field(data, "message_id"), data.get("body"),
                                post_anyway=data.get("post_anyway") is True, warning_id=data.get("warning_id"))
    return {"message": chat.serialize(message, user)}


@handler("chat:delete")
def delete(user, data):
    """Sent by: the author or a moderator. The room receives chat:update with deleted=true."""
    message = chat.delete_message(user, int_field(data, "message_id"))
    return {"message": chat.serialize(message, user)}


@handler("chat:history")
def history(user, data):
    """Sent by: a member scrolling back. Answers the page of messages before `before_seq`."""
    messages, has_more = chat.recent(user, int_field(data, "room_id"), int_field(data, "before_seq"))
    return {"messages": [chat.serialize(m, user) for m in messages], "has_more": has_more}


@handler("chat:sync")
def sync(user, data):
    """Sent by: a client catching up. Answers every change after `since_rev`, in order."""
    messages, more, rev = chat.changes_since(user, int_field(data, "room_id"), int_field(data, "since_rev"))
    return {"messages": [chat.serialize(m, user) for m in messages], "more_changes": more, "rev": rev}


@handler("chat:read")
def read(user, data):
    """Sent by: a member who has seen messages up to `seq`. Nobody else hears of it."""
    return {"last_read_seq": chat.mark_read(user, int_field(data, "room_id"), int_field(data, "seq"))}


@handler("chat:typing")
def typing(user, data):
    """Sent by: a member typing. Others in the room (not the sender) receive chat:typing."""
    room = chat.get_room(user, int_field(data, "room_id"))
    check_rate("chat-typing", user.id, "30/10 seconds", "Slow down.")
    socketio.emit(
        "chat:typing",
        {"room_id": room.id, "person": _person(user), "typing": bool(data.get("typing"))},
        to=chat_room(room.id),
        skip_sid=request.sid,
    )
    return {}
