"""Socket.IO event handlers, one module per area; the connection gate lives here."""

from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room

from ..extensions import socketio
from ..realtime import user_room


@socketio.on("connect")
def on_connect(auth=None):
    """Sent by: any browser. Refuses anyone not signed in and active; joins their own room."""
    if not current_user.is_authenticated or not current_user.is_active:
        raise ConnectionRefusedError("Sign in to use live features.")
    join_room(user_room(current_user.id))
