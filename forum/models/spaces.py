"""Partner authorities and practice topics: the two axes every space is cut along."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class Authority(db.Model):
    """A partner local authority or children's trust."""

    __tablename__ = "authorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    wave: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    domains: Mapped[list[AuthorityDomain]] = relationship(
        back_populates="authority", cascade="all, delete-orphan", order_by="AuthorityDomain.domain"
    )

    def __repr__(self) -> str:
        return f"<Authority {self.slug}>"


class AuthorityDomain(db.Model):
    """An email domain owned by an authority: addresses on it are verified by link."""

    __tablename__ = "authority_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(
        ForeignKey("authorities.id", ondelete="CASCADE"), index=True
    )
    domain: Mapped[str] = mapped_column(String(253), unique=True)

    authority: Mapped[Authority] = relationship(back_populates="domains")


class Topic(db.Model):
    """A practice topic; every thread and room belongs to one."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<Topic {self.slug}>"
