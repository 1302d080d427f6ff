"""Creating in-app notifications and telling open pages about them, after commit.

Callers decide who may know about the thing (they check policy for each recipient when they
call); this module stores the rows in the caller's transaction and emits the new unread count
to each recipient's own Socket.IO room once it commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update

from .. import realtime
from ..extensions import db
from ..models import Notification, User, utcnow


def add(recipients: Iterable[User], kind: str, text: str, url: str = "", post_id: int | None = None) -> None:
    """Queue one notification per recipient in the current transaction; emitted on commit."""
    from ..models import Channel
    from .dispatch import SETTING_FOR, channel_for

    for user in recipients:
        setting = SETTING_FOR.get(kind, kind)
        if channel_for(user, setting) == Channel.OFF:
            continue
        db.session.add(Notification(user_id=user.id, kind=kind, text=text[:500], url=url[:500], post_id=post_id))
        realtime.emit_after_commit("notify", {"kind": kind, "text": text[:500], "url": url},
                                   realtime.user_room(user.id))


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def recent(user: User, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc()).limit(limit)
    ))


def open_one(user: User, notification_id: int) -> Notification | None:
    """Mark one of the user's notifications read and return it (None if it is not theirs)."""
    row = db.session.get(Notification, notification_id)
    if row is None or row.user_id != user.id:
        return None
    if row.read_at is None:
        row.read_at = utcnow()
        db.session.commit()
    return row


def mark_all_read(user: User) -> None:
    db.session.execute(
        update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
