"""Typed SQLAlchemy models, one module per area; import them from here."""

from .chat import Message, Room, RoomRead
from .moderation import (
    AuditEntry,
    ItemKind,
    ModeratorNote,
    QueueItem,
    Report,
    ReportReason,
    WatchedWord,
    WordAction,
)
from .notifications import Notification
from .privacy import GuardEvent, GuardOutcome, LocalTerm, TermKind
from .sessions import AttendanceSpan, PeerSession, Rsvp, SessionCohost, SessionParticipant
from .spaces import Authority, AuthorityDomain, Topic
from .threads import Post, PostRevision, Reaction, Tag, Thread, ThreadKind, thread_tags
from .types import utcnow
from .users import LoginSession, Role, Status, User
from .watching import Channel, NotificationSetting, Watch, WatchLevel

__all__ = [
    "GuardEvent",
    "GuardOutcome",
    "LocalTerm",
    "TermKind",
    "Channel",
    "NotificationSetting",
    "Watch",
    "WatchLevel",
    "AuditEntry",
    "ItemKind",
    "ModeratorNote",
    "QueueItem",
    "Report",
    "ReportReason",
    "WatchedWord",
    "WordAction",
    "AttendanceSpan",
    "Notification",
    "PeerSession",
    "Rsvp",
    "SessionCohost",
    "SessionParticipant",
    "Authority",
    "LoginSession",
    "Message",
    "AuthorityDomain",
    "Post",
    "PostRevision",
    "Reaction",
    "Role",
    "Room",
    "RoomRead",
    "Status",
    "Tag",
    "Thread",
    "ThreadKind",
    "Topic",
    "User",
    "thread_tags",
    "utcnow",
]
