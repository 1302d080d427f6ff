"""The privacy guard's records: local terms staff watch for, and each time the guard fired."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .spaces import Authority
from .types import UTCDateTime, utcnow
from .users import User


class TermKind(enum.StrEnum):
    SCHOOL = "school"
    PLACE = "place"
    REFERENCE = "reference"

    @property
    def label(self) -> str:
        return {"school": "School or nursery", "place": "Estate, street or other place",
                "reference": "Case-reference format"}[self.value]

    @property
    def finding_kind(self) -> str:
        """The detector kind a match of this term is reported as."""
        return {"school": "school", "place": "local_place", "reference": "case_reference"}[self.value]


class LocalTerm(db.Model):
    """A word or pattern one authority (or, with no authority, the whole network) watches for.

    In a reference format `#` stands for one digit, so "WG-######" matches WG-123456."""

    __tablename__ = "privacy_terms"
    __table_args__ = (Index("ix_privacy_terms_authority", "authority_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id", ondelete="CASCADE"))
    term: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    authority: Mapped[Authority | None] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def kind_enum(self) -> TermKind:
        return TermKind(self.kind)


class GuardOutcome(enum.StrEnum):
    WARNED = "warned"  # shown, and not (yet) sent
    CHANGED = "changed"  # sent after the author edited the text clear of findings
    POSTED_ANYWAY = "posted_anyway"  # sent as it was, held for a moderator
    PUBLISHED_BY_MODERATOR = "moderator"  # sent as it was by a moderator of the space: published


class GuardEvent(db.Model):
    """One warning shown to one author about one draft, and what they did next.

    A draft keeps its event across attempts (the form or the client carries its id), so a
    warning that is edited away counts once, as "changed". The text itself is never stored
    here: only which kinds of detail were found."""

    __tablename__ = "privacy_events"
    __table_args__ = (Index("ix_privacy_events_created", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id", ondelete="SET NULL"))
    surface: Mapped[str] = mapped_column(String(20))  # thread, reply, edit, message
    kinds: Mapped[str] = mapped_column(String(200), default="")  # comma-separated finding kinds
    finding_count: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(String(20), default=GuardOutcome.WARNED.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
