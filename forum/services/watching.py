"""Watching and muting threads, topics and rooms: who hears about new posts where."""

from __future__ import annotations

from sqlalchemy import delete, select

from .. import policy
from ..database import begin_write
from ..errors import Invalid, NotFound
from ..extensions import db
from ..models import Room, Thread, Topic, User, Watch, WatchLevel

KINDS = ("thread", "topic", "room")


def _target(actor: User, kind: str, target_id: int):
    """The thing to watch, if the actor may read it (NotFound otherwise)."""
    if kind == "thread":
        return policy.require_read_thread(actor, db.session.get(Thread, target_id))
    if kind == "room":
        return policy.require_read_room(actor, db.session.get(Room, target_id))
    if kind == "topic":
        topic = db.session.get(Topic, target_id)
        if topic is None or not policy.can_read_space(actor, None):
            raise NotFound()
        return topic
    raise NotFound()


def level_of(user: User, kind: str, target_id: int) -> str | None:
    row = db.session.get(Watch, (user.id, kind, target_id))
    return row.level if row else None


def set_level(actor: User, kind: str, target_id: int, level: str | None) -> str | None:
    """Watch, mute, or (None) go back to the default for one thread, topic or room."""
    if level not in (None, WatchLevel.WATCHING.value, WatchLevel.MUTED.value):
        raise Invalid("Choose watch, mute or neither.")
    begin_write()
    _target(actor, kind, target_id)
    db.session.execute(delete(Watch).where(Watch.user_id == actor.id, Watch.target_kind == kind,
                                           Watch.target_id == target_id))
    if level is not None:
        db.session.add(Watch(user_id=actor.id, target_kind=kind, target_id=target_id, level=level))
    db.session.commit()
    return level


def auto_watch(user: User, thread_id: int) -> None:
    """Starting or replying watches the thread, unless the person chose otherwise (in the
    caller's transaction)."""
    if not user.auto_watch or db.session.get(Watch, (user.id, "thread", thread_id)) is not None:
        return
    db.session.add(Watch(user_id=user.id, target_kind="thread", target_id=thread_id,
                         level=WatchLevel.WATCHING.value))


def watchers_of_thread(thread: Thread) -> list[User]:
    """Everyone watching the thread or its topic, less anyone who muted the thread."""
    watching = select(Watch.user_id).where(Watch.level == WatchLevel.WATCHING.value, (
        ((Watch.target_kind == "thread") & (Watch.target_id == thread.id))
        | ((Watch.target_kind == "topic") & (Watch.target_id == thread.topic_id))))
    muted = select(Watch.user_id).where(Watch.target_kind == "thread", Watch.target_id == thread.id,
                                        Watch.level == WatchLevel.MUTED.value)
    return list(db.session.scalars(select(User).where(User.id.in_(watching), User.id.not_in(muted))))
