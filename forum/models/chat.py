"""Live chat: standing rooms, their messages, and where each reader has read up to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .spaces import Authority, Topic
from .types import UTCDateTime, utcnow
from .users import User


class Room(db.Model):
    """A chat room in a topic, network-wide or for one authority's members and centre staff.

    `event_seq` counts every change in the room (a message sent, edited or deleted). Each
    message records the count at its last change, so a client that saw up to N can ask for
    everything after N and miss nothing, in order. The count is moved by an UPDATE that also
    locks the row, so changes to one room commit in the order they are numbered.
    """

    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), index=True)
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # "standing" rooms are always there; a "session" room belongs to one live peer session.
    kind: Mapped[str] = mapped_column(String(20), default="standing")
    locked: Mapped[bool] = mapped_column(Boolean, default=False)  # only hosts may speak
    pinned_message_id: Mapped[int | None] = mapped_column(Integer)
    slow_mode_seconds: Mapped[int] = mapped_column(Integer, default=0)  # 0: off; staff exempt
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    event_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)  # seq of the newest message
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    topic: Mapped[Topic] = relationship(lazy="joined", innerjoin=True)
    authority: Mapped[Authority | None] = relationship(lazy="joined")


class Message(db.Model):
    """One chat message. `seq` orders the room's messages; `rev` is the room's event_seq at
    the message's last change (creation, edit or deletion)."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("room_id", "seq"),
        UniqueConstraint("author_id", "client_id"),
        Index("ix_messages_room_rev", "room_id", "rev"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    rev: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Chosen by the sending client: a resend after a dropped connection stores nothing new.
    client_id: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    renderer_version: Mapped[int] = mapped_column(Integer)
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Held for a moderator (the privacy guard's "send anyway", or a watched word): only its
    # author sees the text until it is approved. `published` is False for a message held as it
    # was sent, which nobody else has ever seen; an edit that is held leaves it True, and
    # readers see a placeholder in place of the earlier text.
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    held_reason: Mapped[str] = mapped_column(Text, default="")
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published: Mapped[bool] = mapped_column(Boolean, default=True)

    room: Mapped[Room] = relationship()
    author: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    reply_to: Mapped[Message | None] = relationship(remote_side=[id], lazy="joined")


class RoomRead(db.Model):
    """How far a member has read in a room: drives unread counts and the 'new' marker."""

    __tablename__ = "room_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True)
    last_read_seq: Mapped[int] = mapped_column(Integer, default=0)
