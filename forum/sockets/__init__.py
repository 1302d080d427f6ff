"""Socket.IO event handlers, one module per area; the connection gate lives here.

Every connection must come from a signed-in, active user and carry the page's CSRF token in
its auth payload (a page on another site cannot read it); engine.io refuses cross-origin
handshakes. The server joins each socket to its user's room and records it in the socket
registry, so cutting someone's access can find every socket they hold.
"""

from flask import request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room
from flask_wtf.csrf import ValidationError, validate_csrf

from ..extensions import db, socketio
from ..presence import presence
from ..realtime import chat_room, registry, user_room
from ..services import sessions


@socketio.on("connect")
def on_connect(auth=None):
    """Sent by: a browser opening a page with live features. Refuses anyone else."""
    if not current_user.is_authenticated or not current_user.is_active:
        raise ConnectionRefusedError("Sign in to use live features.")
    token = auth.get("csrf_token") if isinstance(auth, dict) else None
    try:
        validate_csrf(token)
    except ValidationError:
        raise ConnectionRefusedError("This page has expired. Reload it to reconnect.") from None
    registry().add(request.sid, current_user.id, current_user.current_login.key)
    join_room(user_room(current_user.id))


@socketio.on("disconnect")
def on_disconnect(reason=None):
    """Sent by: the server when a socket closes. Clears its registry, presence and attendance."""
    try:
        registry().remove(request.sid)
        sessions.record_leave(request.sid)
        for room_id in presence().rooms_of(request.sid):
            presence().leave(room_id, request.sid)
            socketio.emit(
                "chat:presence", {"room_id": room_id, "people": presence().people(room_id)},
                to=chat_room(room_id),
            )
    finally:
        db.session.remove()


# Importing these registers their handlers.
from . import chat, session_events  # noqa: E402,F401
