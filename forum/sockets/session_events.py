"""Live peer session events: watching a session's state, and the host's controls.

Every page of a session (its details page and its room) joins `session:<id>` through
session:watch and receives session:state whenever a host changes something. Clock-driven
changes (opening at the start, closing at the end) are enforced by the server whatever the
page does; the pages ask for the state again at those moments to show it.
"""

from __future__ import annotations

from flask_socketio import join_room

from ..services import sessions
from .events import handler, int_field


@handler("session:watch")
def watch(user, data):
    """Sent by: a session page. Answers the state and subscribes the socket to its changes."""
    session = sessions.watch_session(user, int_field(data, "session_id"))
    join_room(sessions.session_room_name(session.id))
    return {"state": sessions.state(session)}


@handler("session:state")
def current_state(user, data):
    """Sent by: a session page at the start or end time. Answers the state by the clock."""
    return {"state": sessions.state(sessions.get_session(user, int_field(data, "session_id")))}


def _state_after(action):
    def run(user, data):
        session = action(user, data)
        return {"state": sessions.state(session)}

    return run


handler("session:open")(_state_after(lambda u, d: sessions.open_early(u, int_field(d, "session_id"))))
handler("session:end")(_state_after(lambda u, d: sessions.end_now(u, int_field(d, "session_id"))))
handler("session:extend")(_state_after(
    lambda u, d: sessions.extend(u, int_field(d, "session_id"), int_field(d, "minutes"))))
handler("session:lock")(_state_after(
    lambda u, d: sessions.set_locked(u, int_field(d, "session_id"), bool(d.get("locked")))))


@handler("session:pin")
def pin(user, data):
    """Sent by: a host. Pins a message (or unpins with message_id null); everyone sees it."""
    session = sessions.pin_message(user, int_field(data, "session_id"), int_field(data, "message_id", required=False))
    return {"state": sessions.state(session)}


@handler("session:agenda")
def agenda(user, data):
    """Sent by: a host. Posts the agenda into the room and pins it."""
    message = sessions.post_agenda(user, int_field(data, "session_id"))
    return {"message_id": message.id}


@handler("session:mute")
def mute(user, data):
    """Sent by: a host. The participant can read but no longer send, for the rest of the session."""
    sessions.mute(user, int_field(data, "session_id"), int_field(data, "user_id"))
    return {}


@handler("session:remove")
def remove(user, data):
    """Sent by: a host. The participant's sockets are cut at once and they cannot come back."""
    sessions.remove(user, int_field(data, "session_id"), int_field(data, "user_id"))
    return {}


@handler("session:hand")
def hand(user, data):
    """Sent by: a participant raising or lowering a hand. Hosts see the queue in order."""
    sessions.raise_hand(user, int_field(data, "session_id"), bool(data.get("raised")))
    return {}


@handler("session:take-hand")
def take_hand(user, data):
    """Sent by: a host taking (lowering) someone's raised hand."""
    sessions.lower_hand(user, int_field(data, "session_id"), int_field(data, "user_id"))
    return {}
