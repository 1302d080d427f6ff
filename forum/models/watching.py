"""What people follow (watch or mute a thread, topic or room) and how they want to be told."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class WatchLevel(enum.StrEnum):
    WATCHING = "watching"
    MUTED = "muted"


class Watch(db.Model):
    """One person's choice about one thread, topic or room. A muted thread stays quiet even
    inside a watched topic."""

    __tablename__ = "watches"
    __table_args__ = (Index("ix_watches_target", "target_kind", "target_id", "level"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # thread | topic | room
    target_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[str] = mapped_column(String(20), default=WatchLevel.WATCHING.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Channel(enum.StrEnum):
    APP = "app"
    EMAIL = "email"  # in-app and an email each time
    DIGEST = "digest"  # in-app and once a day in the digest email
    OFF = "off"

    @property
    def label(self) -> str:
        return {"app": "In the app only", "email": "In the app and by email each time",
                "digest": "In the app and in a daily digest email", "off": "Off"}[self.value]


class NotificationSetting(db.Model):
    """How one person wants one kind of notification; no row means the kind's default."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), default=Channel.APP.value)
