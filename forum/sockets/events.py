"""The one wrapper every socket event goes through: re-check the user, parse, map errors to acks."""

from __future__ import annotations

import functools

from flask import current_app
from flask_login import current_user
from flask_socketio import disconnect

from ..errors import ForumError
from ..extensions import db, socketio
from ..models.types import ID_MAX


def handler(name: str):
    """Register a socket event whose function returns the ack payload.

    The signed-in user is loaded again from the database for every event (Flask-Login runs
    the user loader in each event's request context), so a revoked sign-in, a suspension or a
    role change is obeyed by the very next event even before the socket is cut. Every event
    answers {ok: true, ...} or {ok: false, error: "..."}.
    """

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(data=None):
            try:
                if not current_user.is_authenticated or not current_user.is_active:
                    disconnect()
                    return {"ok": False, "error": "You have been signed out. Sign in again."}
                if data is None:
                    data = {}
                if not isinstance(data, dict):
                    return {"ok": False, "error": "That request was not understood."}
                result = fn(current_user._get_current_object(), data)
                return {"ok": True, **(result or {})}
            except ForumError as error:
                db.session.rollback()
                return {"ok": False, "error": error.message or "That cannot be done.", **error.details}
            except Exception:  # never a 500-equivalent: log it and tell the client plainly
                db.session.rollback()
                current_app.logger.exception("socket event %s failed", name)
                return {"ok": False, "error": "Something went wrong. Please try again."}
            finally:
                db.session.remove()

        socketio.on_event(name, wrapper)
        return wrapper

    return decorate


def int_field(data: dict, key: str, required: bool = True) -> int | None:
    """An integer from the payload, or Invalid with a plain message."""
    from ..errors import Invalid

    value = data.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"'{key}' must be a whole number.")
    if not -ID_MAX <= value <= ID_MAX:
        raise Invalid(f"'{key}' is out of range.")
    return value
