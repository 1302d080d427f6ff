"""Discussion threads, their posts, revisions, reactions and tags."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .spaces import Authority, Topic
from .types import UTCDateTime, utcnow
from .users import User


class ThreadKind(enum.StrEnum):
    QUESTION = "question"
    PRACTICE = "practice"
    DISCUSSION = "discussion"

    @property
    def label(self) -> str:
        return {"question": "Question", "practice": "Practice share",
                "discussion": "Discussion"}[self.value]


thread_tags = Table(
    "thread_tags",
    db.metadata,
    Column("thread_id", ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)


class Thread(db.Model):
    """A conversation in one space: a topic, network-wide or one authority's."""

    __tablename__ = "threads"
    __table_args__ = (
        Index("ix_threads_latest", "deleted", "last_post_at"),
        Index("ix_threads_topic_latest", "topic_id", "deleted", "pinned", "last_post_at"),
        Index("ix_threads_authority_latest", "authority_id", "deleted", "last_post_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"))
    # None: network-wide. Otherwise visible to that authority's members and staff only.
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"))
    kind: Mapped[str] = mapped_column(String(20), default=ThreadKind.DISCUSSION.value)
    title: Mapped[str] = mapped_column(String(150))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_post_id: Mapped[int | None] = mapped_column(Integer)
    last_poster_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Counters, updated in SQL in the same transaction as the post they count.
    post_count: Mapped[int] = mapped_column(Integer, default=0)  # numbers posts, never falls
    reply_count: Mapped[int] = mapped_column(Integer, default=0)  # visible replies
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    accepted_post_id: Mapped[int | None] = mapped_column(Integer)
    # The opening post waits for review: only its author and moderators see the thread.
    held: Mapped[bool] = mapped_column(Boolean, default=False)
    # Slow mode: one post per person per this many seconds (staff exempt); 0 is off.
    slow_mode_seconds: Mapped[int] = mapped_column(Integer, default=0)
    # Set when a moderator merged this thread into another: its old links lead there.
    merged_into_id: Mapped[int | None] = mapped_column(Integer)

    topic: Mapped[Topic] = relationship(lazy="joined", innerjoin=True)
    authority: Mapped[Authority | None] = relationship(lazy="joined")
    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined", innerjoin=True)
    last_poster: Mapped[User | None] = relationship(foreign_keys=[last_poster_id], lazy="joined")
    tags: Mapped[list[Tag]] = relationship(secondary=thread_tags, order_by=Tag.name)

    @property
    def opening_post(self) -> Post | None:
        """Post number 1 (one query; for pages that show a single thread's state)."""
        from sqlalchemy import select

        return db.session.scalar(select(Post).where(Post.thread_id == self.id, Post.number == 1))

    @property
    def kind_enum(self) -> ThreadKind:
        return ThreadKind(self.kind)

    @property
    def is_question(self) -> bool:
        return self.kind == ThreadKind.QUESTION.value


class Post(db.Model):
    """One contribution to a thread; number 1 opens it."""

    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("thread_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    renderer_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    helpful_count: Mapped[int] = mapped_column(Integer, default=0)
    revision_count: Mapped[int] = mapped_column(Integer, default=0)
    # Hidden by a moderator: readers see a placeholder, moderators the text and the reason.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    # Held for review (a new account's first posts, a watched word): seen by its author and
    # moderators only until approved; rejected posts stay held, with the reason, for the author.
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    held_reason: Mapped[str] = mapped_column(Text, default="")
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An edit of a published post that waits for a moderator (privacy guard, watched word):
    # readers keep seeing the published text; the author sees theirs is pending.
    pending_body: Mapped[str | None] = mapped_column(Text)
    pending_title: Mapped[str | None] = mapped_column(String(150))
    pending_reason: Mapped[str] = mapped_column(Text, default="")
    pending_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pending_rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    thread: Mapped[Thread] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined", innerjoin=True)

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_held(self) -> bool:
        return self.held_at is not None

    @property
    def is_opening(self) -> bool:
        return self.number == 1


class PostRevision(db.Model):
    """The text a post had before an edit, kept so readers can see what changed."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(String(150))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A version nobody but its author and moderators ever saw (written while held, or an
    # author's text a moderator corrected before approving): kept for moderators only.
    staff_only: Mapped[bool] = mapped_column(Boolean, default=False)

    editor: Mapped[User] = relationship(lazy="joined")


class Reaction(db.Model):
    """A member found a post helpful."""

    __tablename__ = "reactions"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True, default="helpful")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
