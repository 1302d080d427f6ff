"""Emits to Socket.IO rooms, always after the database commit.

Services call `emit_after_commit`; the event is queued on the session and sent only when the
transaction commits, so no client ever hears of something the database does not hold.
Tests capture events by subscribing with `capture()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db, socketio

_listeners: list[Callable[[str, Any, str], None]] = []


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def emit_now(name: str, payload: Any, room: str) -> None:
    for listener in list(_listeners):
        listener(name, payload, room)
    socketio.emit(name, payload, to=room)


def emit_after_commit(name: str, payload: Any, room: str) -> None:
    """Queue an event for after the current transaction commits; drop it on rollback."""
    session = db.session()
    pending = session.info.setdefault("pending_emits", [])
    pending.append((name, payload, room))


@event.listens_for(Session, "after_commit")
def _flush_emits(session) -> None:
    pending = session.info.pop("pending_emits", [])
    for name, payload, room in pending:
        emit_now(name, payload, room)


@event.listens_for(Session, "after_rollback")
def _drop_emits(session) -> None:
    session.info.pop("pending_emits", None)


def capture(listener: Callable[[str, Any, str], None]) -> Callable[[], None]:
    """Register a listener for every emitted event; returns a function that removes it."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener)
