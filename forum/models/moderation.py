"""Moderation: reports and the review queue, watched words, notes on people, the audit log."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DDL, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow
from .users import User


class ReportReason(enum.StrEnum):
    SAFEGUARDING = "safeguarding"
    IDENTIFIABLE = "identifiable"
    INAPPROPRIATE = "inappropriate"
    SPAM = "spam"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "safeguarding": "Safeguarding concern",
            "identifiable": "Identifiable information about a child or family",
            "inappropriate": "Inappropriate",
            "spam": "Spam",
            "other": "Something else",
        }[self.value]


class ItemKind(enum.StrEnum):
    REPORT = "report"
    HELD_POST = "held_post"
    HELD_MESSAGE = "held_message"
    HELD_EDIT = "held_edit"
    ACCOUNT = "account"

    @property
    def label(self) -> str:
        return {"report": "Report", "held_post": "Held post", "held_message": "Held chat message",
                "held_edit": "Held edit",
                "account": "Pending account"}[self.value]


class QueueItem(db.Model):
    """One thing for staff to decide: a reported item, a held post or a pending account.

    `open_key` is unique while the item is open and NULL once resolved, so every report of
    the same post folds into one open item even when two arrive at once, and a later report
    after resolution opens a fresh item.
    """

    __tablename__ = "queue_items"
    __table_args__ = (Index("ix_queue_items_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    target_kind: Mapped[str] = mapped_column(String(20))  # post, thread, message, user
    target_id: Mapped[int] = mapped_column(Integer)
    # The space the target lives in (None: network-wide or a person): scopes partner leads.
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"), index=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"))
    summary: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    open_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    report_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str] = mapped_column(String(40), default="")
    resolution_reason: Mapped[str] = mapped_column(Text, default="")

    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id], lazy="joined")
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id], lazy="joined")
    reports: Mapped[list[Report]] = relationship(back_populates="item", order_by="Report.id")

    @property
    def kind_enum(self) -> ItemKind:
        return ItemKind(self.kind)

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class Report(db.Model):
    """One member's report of a post, thread, chat message or person."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("queue_items.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[QueueItem] = relationship(back_populates="reports")
    reporter: Mapped[User] = relationship(lazy="joined")

    @property
    def reason_enum(self) -> ReportReason:
        return ReportReason(self.reason)


class WordAction(enum.StrEnum):
    BLOCK = "block"
    HOLD = "hold"
    REPLACE = "replace"

    @property
    def label(self) -> str:
        return {"block": "Block the post", "hold": "Hold for review", "replace": "Replace the word"}[self.value]


class WatchedWord(db.Model):
    """A word or wildcard pattern ("scam*") that blocks, holds or is replaced in new text."""

    __tablename__ = "watched_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    pattern: Mapped[str] = mapped_column(String(100), unique=True)
    action: Mapped[str] = mapped_column(String(20))
    replacement: Mapped[str] = mapped_column(String(100), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ModeratorNote(db.Model):
    """A private note about a person, for centre staff only."""

    __tablename__ = "moderator_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")


class AuditEntry(db.Model):
    """One staff action: who did what to what, why, when, and what changed. Append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_target", "target_kind", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    # The person the action concerns (the author of a hidden post, a suspended member).
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[str] = mapped_column(Text, default="")  # JSON
    after: Mapped[str] = mapped_column(Text, default="")  # JSON

    actor: Mapped[User] = relationship(foreign_keys=[actor_id], lazy="joined")


# On PostgreSQL the database itself refuses to change or remove an audit row. The same SQL is
# run by migration 0004 and, for schemas made with create_all (tests), by these listeners.
AUDIT_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING MESSAGE = 'audit_log is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql
"""
AUDIT_TRIGGER = """
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
"""

event.listen(AuditEntry.__table__, "after_create",
             DDL(AUDIT_TRIGGER_FUNCTION).execute_if(dialect="postgresql"))
event.listen(AuditEntry.__table__, "after_create", DDL(AUDIT_TRIGGER).execute_if(dialect="postgresql"))
