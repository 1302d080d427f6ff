"""People and their roles."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db
from .spaces import Authority
from .types import UTCDateTime, utcnow


class Role(enum.StrEnum):
    MEMBER = "member"
    LEAD = "lead"
    MODERATOR = "moderator"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"member": "Member", "lead": "Partner lead", "moderator": "Moderator",
                "admin": "Administrator"}[self.value]


class Status(enum.StrEnum):
    PENDING_EMAIL = "pending_email"  # waiting for the verification link to be followed
    PENDING_APPROVAL = "pending_approval"  # off-domain email: waiting for centre staff
    ACTIVE = "active"
    REJECTED = "rejected"


def new_login_key() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    """A practitioner or member of centre staff."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32))
    # The username folded for case and look-alike characters: the unique key.
    username_key: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    job_title: Mapped[str] = mapped_column(String(100), default="")
    authority_id: Mapped[int | None] = mapped_column(
        ForeignKey("authorities.id", ondelete="SET NULL"), index=True
    )
    role: Mapped[str] = mapped_column(String(20), default=Role.MEMBER.value)
    status: Mapped[str] = mapped_column(String(20), default=Status.PENDING_EMAIL.value, index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Secret part of the personal calendar feed URL; reset to revoke an old one.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Sanctions by centre staff. Silenced: may read, may not post or chat. Suspended: may not
    # sign in at all; suspended_until None with suspended_at set means until lifted.
    silenced_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    silence_reason: Mapped[str] = mapped_column(Text, default="")
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspend_reason: Mapped[str] = mapped_column(Text, default="")
    # Starting or replying to a thread watches it (a setting on the notifications page).
    auto_watch: Mapped[bool] = mapped_column(Boolean, default=True)
    # Where the last daily digest stopped: the next one covers what came after.
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    authority: Mapped[Authority | None] = relationship(lazy="joined")

    # The LoginSession this request was authenticated by; set by the user loader and at sign-in.
    current_login = None  # a LoginSession, not a column

    def get_id(self) -> str:
        """What Flask-Login keeps in the session cookie: the user and which sign-in it was."""
        if self.current_login is None:
            raise RuntimeError("get_id() needs the user's current LoginSession")
        return f"{self.id}:{self.current_login.key}"

    @property
    def is_active(self) -> bool:
        """Signed-in use is allowed: an active account that is not suspended right now."""
        return self.status == Status.ACTIVE.value and not self.is_suspended

    @property
    def is_suspended(self) -> bool:
        if self.suspended_at is None:
            return False
        return self.suspended_until is None or self.suspended_until > clock.now()

    @property
    def is_silenced(self) -> bool:
        return self.silenced_until is not None and self.silenced_until > clock.now()

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.MODERATOR.value, Role.ADMIN.value)

    @property
    def badge(self) -> str | None:
        """The role readers should know about beside a name: who speaks for the centre or a partner."""
        if self.is_staff:
            return "Centre staff"
        if self.role == Role.LEAD.value:
            return "Partner lead"
        return None

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class LoginSession(db.Model):
    """One sign-in on one device. Revoking it signs that device out, sockets included.

    Session cookies are signed, not stored, so a copied cookie would outlive a sign-out; the
    cookie carries this row's key instead, and the user loader accepts only live rows.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True, default=new_login_key)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
