"""Live peer sessions: a scheduled hour in a chat room, with a host, RSVPs and attendance."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .chat import Room
from .spaces import Authority, Topic
from .threads import Thread
from .types import UTCDateTime, utcnow
from .users import User


class PeerSession(db.Model):
    """A session a partner lead (or centre staff) schedules and hosts.

    Times are stored in UTC and shown in UK time. Whether the room is open is worked out from
    the clock every time it matters (see services.sessions.phase), never left to a job.
    """

    __tablename__ = "peer_sessions"
    __table_args__ = (Index("ix_peer_sessions_starts", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    agenda_html: Mapped[str] = mapped_column(Text, default="")
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"))
    # The host authority (None: a network session run by the centre).
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"), index=True)
    partner_only: Mapped[bool] = mapped_column(Boolean, default=False)
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), unique=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    going_count: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # opened early by a host
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # ended early by a host
    extended_minutes: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    summary_thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"))
    # iCalendar SEQUENCE: goes up whenever the times or status change, so calendars update.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    topic: Mapped[Topic] = relationship(lazy="joined", innerjoin=True)
    authority: Mapped[Authority | None] = relationship(lazy="joined")
    host: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    room: Mapped[Room] = relationship(lazy="joined", innerjoin=True)
    cohosts: Mapped[list[User]] = relationship(secondary="session_cohosts", lazy="selectin")
    summary_thread: Mapped[Thread | None] = relationship(lazy="select")

    OPEN_EARLY = timedelta(minutes=15)
    MAX_EXTENSION_MINUTES = 30

    @property
    def opens_at(self) -> datetime:
        return min(self.starts_at, self.opened_at) if self.opened_at else self.starts_at

    @property
    def closes_at(self) -> datetime:
        planned = self.ends_at + timedelta(minutes=self.extended_minutes)
        return min(planned, self.ended_at) if self.ended_at else planned

    def phase(self, now: datetime) -> str:
        """'cancelled', 'upcoming' (lobby), 'open' or 'closed', by the clock."""
        if self.cancelled_at is not None:
            return "cancelled"
        if now >= self.closes_at:
            return "closed"
        if now >= self.opens_at:
            return "open"
        return "upcoming"


class SessionCohost(db.Model):
    __tablename__ = "session_cohosts"

    session_id: Mapped[int] = mapped_column(ForeignKey("peer_sessions.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class Rsvp(db.Model):
    """Someone's answer: going, waiting for a place, or not going."""

    __tablename__ = "rsvps"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("peer_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # going | waiting | not_going
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class SessionParticipant(db.Model):
    """What hosts decided about someone in a session: muted, removed, hand raised."""

    __tablename__ = "session_participants"

    session_id: Mapped[int] = mapped_column(ForeignKey("peer_sessions.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    muted: Mapped[bool] = mapped_column(Boolean, default=False)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    hand_raised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class AttendanceSpan(db.Model):
    """One stretch of someone's presence in a session room (join to leave)."""

    __tablename__ = "attendance_spans"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("peer_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    socket_id: Mapped[str] = mapped_column(String(64), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
