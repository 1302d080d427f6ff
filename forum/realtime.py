"""Everything that reaches open sockets: emits after commit, and cutting a user's sockets.

Services call `emit_after_commit`; the event waits on the session and goes out only when the
transaction commits, so no client hears of something the database does not hold. With
REDIS_URL set, Flask-SocketIO sends through Redis, so every server process delivers it.

The socket registry remembers which sockets belong to which user and sign-in, in Redis when
there is one (so any process can find every socket) and in memory otherwise. Cutting access
(sign-out, password change, suspension, removal) disconnects those sockets on whichever
process holds them: python-socketio forwards a disconnect for a socket it does not hold to
the others through the message queue.
"""

from __future__ import annotations

import contextvars
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db, socketio

_listeners: list[Callable[[str, Any, str], None]] = []


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def chat_room(room_id: int) -> str:
    return f"room:{room_id}"


# --- emitting ----------------------------------------------------------------------------


def emit_now(name: str, payload: Any, room: str) -> None:
    for listener in list(_listeners):
        listener(name, payload, room)
    socketio.emit(name, payload, to=room)


def emit_after_commit(name: str, payload: Any, room: str) -> None:
    """Queue an event for after the current transaction commits; drop it on rollback."""
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so a rollback, not a later unrelated commit, decides its fate
    session.info.setdefault("pending_emits", []).append((name, payload, room))


@event.listens_for(Session, "after_commit")
def _flush_emits(session) -> None:
    pending = session.info.pop("pending_emits", [])
    for name, payload, room in pending:
        emit_now(name, payload, room)


@event.listens_for(Session, "after_soft_rollback")
def _drop_emits(session, previous_transaction) -> None:
    session.info.pop("pending_emits", None)


def capture(listener: Callable[[str, Any, str], None]) -> Callable[[], None]:
    """Register a listener for every emitted event; returns a function that removes it."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener)


# --- the socket registry -----------------------------------------------------------------


class MemoryRegistry:
    """Sockets of this process only: right for the one-process embedded default."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_user: dict[int, set[str]] = defaultdict(set)
        self._by_login: dict[str, set[str]] = defaultdict(set)
        self._owner: dict[str, tuple[int, str]] = {}

    def add(self, sid: str, user_id: int, login_key: str) -> None:
        with self._lock:
            self._by_user[user_id].add(sid)
            self._by_login[login_key].add(sid)
            self._owner[sid] = (user_id, login_key)

    def remove(self, sid: str) -> None:
        with self._lock:
            owner = self._owner.pop(sid, None)
            if owner:
                self._by_user[owner[0]].discard(sid)
                self._by_login[owner[1]].discard(sid)

    def of_user(self, user_id: int) -> set[str]:
        with self._lock:
            return set(self._by_user.get(user_id, ()))

    def of_login(self, login_key: str) -> set[str]:
        with self._lock:
            return set(self._by_login.get(login_key, ()))

    def login_of(self, sid: str) -> str | None:
        with self._lock:
            owner = self._owner.get(sid)
            return owner[1] if owner else None


class RedisRegistry:
    """Sockets of every process, in Redis sets, so any process can cut any socket."""

    PREFIX = "forum:sockets:"

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, decode_responses=True)

    def add(self, sid: str, user_id: int, login_key: str) -> None:
        pipe = self._redis.pipeline()
        pipe.sadd(f"{self.PREFIX}user:{user_id}", sid)
        pipe.sadd(f"{self.PREFIX}login:{login_key}", sid)
        pipe.hset(f"{self.PREFIX}owner", sid, f"{user_id}:{login_key}")
        pipe.execute()

    def remove(self, sid: str) -> None:
        owner = self._redis.hget(f"{self.PREFIX}owner", sid)
        pipe = self._redis.pipeline()
        if owner:
            user_id, _, login_key = owner.partition(":")
            pipe.srem(f"{self.PREFIX}user:{user_id}", sid)
            pipe.srem(f"{self.PREFIX}login:{login_key}", sid)
        pipe.hdel(f"{self.PREFIX}owner", sid)
        pipe.execute()

    def of_user(self, user_id: int) -> set[str]:
        return set(self._redis.smembers(f"{self.PREFIX}user:{user_id}"))

    def of_login(self, login_key: str) -> set[str]:
        return set(self._redis.smembers(f"{self.PREFIX}login:{login_key}"))

    def login_of(self, sid: str) -> str | None:
        owner = self._redis.hget(f"{self.PREFIX}owner", sid)
        return owner.partition(":")[2] if owner else None


def registry() -> MemoryRegistry | RedisRegistry:
    app = current_app._get_current_object()
    found = app.extensions.get("forum_socket_registry")
    if found is None:
        url = app.config.get("REDIS_URL")
        found = RedisRegistry(url) if url else MemoryRegistry()
        app.extensions["forum_socket_registry"] = found
    return found


def _disconnect(sids: set[str]) -> None:
    """Disconnect sockets. A local socket's disconnect handler runs right here, inline; it gets
    an empty context so it opens its own app context and database session instead of
    committing or closing the caller's (Flask reuses an app context that is already pushed)."""
    app = current_app._get_current_object()
    found = registry()
    for sid in sids:
        contextvars.Context().run(_disconnect_one, app, sid)
        found.remove(sid)


def _disconnect_one(app, sid: str) -> None:
    with app.app_context():
        socketio.server.disconnect(sid, namespace="/")


def disconnect_user(user_id: int, except_login: str | None = None) -> None:
    """Cut every open socket of a user (on every process), except one sign-in's if given."""
    sids = registry().of_user(user_id)
    if except_login:
        sids -= registry().of_login(except_login)
    _disconnect(sids)


def disconnect_login(login_key: str) -> None:
    """Cut the sockets opened by one sign-in (one device)."""
    _disconnect(registry().of_login(login_key))
