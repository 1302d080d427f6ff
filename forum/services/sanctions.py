"""Acting on people: silence, suspend, lift, private notes, and a person's moderation history.

Silencing stops posting and chat but not reading; suspending stops signing in, and cuts every
open socket and sign-in at once, on every process. The reason is shown to the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from .. import clock, policy, realtime
from ..database import begin_write
from ..errors import Invalid, NotFound
from ..extensions import db
from ..models import AuditEntry, LoginSession, ModeratorNote, QueueItem, User
from . import audit, notify
from .moderation import check_reason

NOTE_MAX = 4000
# Durations offered in the forms, in hours; None is "until lifted" (suspension only).
DURATIONS = {"1": 1, "24": 24, "72": 72, "168": 168, "720": 720, "indefinite": None}


def _person(actor: User, user_id: int) -> User:
    begin_write()
    person = db.session.get(User, user_id)
    if person is None or not policy.can_view_moderation_history(actor):
        raise NotFound()
    policy.require(policy.can_sanction(actor, person), "You cannot act on this account.")
    return person


def _hours(duration: str, allow_indefinite: bool) -> int | None:
    if duration not in DURATIONS or (DURATIONS[duration] is None and not allow_indefinite):
        raise Invalid("Choose how long it lasts.", field="duration")
    return DURATIONS[duration]


def silence(actor: User, user_id: int, duration: str, reason: str) -> User:
    """Stop a person posting and chatting for a while; they can still read."""
    person = _person(actor, user_id)
    hours = _hours(duration, allow_indefinite=False)
    reason = check_reason(reason)
    until = clock.now() + timedelta(hours=hours)
    audit.record(actor, "silence_user", "user", person.id, reason=reason,
                 before={"silenced_until": person.silenced_until if person.is_silenced else None},
                 after={"silenced_until": until}, subject_user_id=person.id)
    person.silenced_until, person.silence_reason = until, reason
    notify.add([person], "sanction", f"A moderator has paused your posting and chat for {hours} hours: {reason}")
    db.session.commit()
    return person


def unsilence(actor: User, user_id: int, reason: str = "") -> User:
    person = _person(actor, user_id)
    if not person.is_silenced:
        raise Invalid("That person is not silenced.")
    audit.record(actor, "unsilence_user", "user", person.id, reason=check_reason(reason, required=False),
                 before={"silenced_until": person.silenced_until}, after={"silenced_until": None},
                 subject_user_id=person.id)
    person.silenced_until, person.silence_reason = None, ""
    db.session.commit()
    return person


def suspend(actor: User, user_id: int, duration: str, reason: str) -> User:
    """Suspend a person for a time or until lifted: signed out everywhere, sockets cut at once."""
    person = _person(actor, user_id)
    hours = _hours(duration, allow_indefinite=True)
    reason = check_reason(reason)
    now = clock.now()
    until = now + timedelta(hours=hours) if hours is not None else None
    audit.record(actor, "suspend_user", "user", person.id, reason=reason,
                 before={"suspended": person.is_suspended}, after={"suspended_until": until or "until lifted"},
                 subject_user_id=person.id)
    person.suspended_at, person.suspended_until, person.suspend_reason = now, until, reason
    db.session.execute(update(LoginSession).where(LoginSession.user_id == person.id,
                                                  LoginSession.revoked_at.is_(None)).values(revoked_at=now))
    db.session.commit()
    realtime.disconnect_user(person.id)
    return person


def lift_suspension(actor: User, user_id: int, reason: str = "") -> User:
    person = _person(actor, user_id)
    if person.suspended_at is None:
        raise Invalid("That person is not suspended.")
    audit.record(actor, "lift_suspension", "user", person.id, reason=check_reason(reason, required=False),
                 before={"suspended_until": person.suspended_until or "until lifted"}, after={"suspended": False},
                 subject_user_id=person.id)
    person.suspended_at, person.suspended_until, person.suspend_reason = None, None, ""
    db.session.commit()
    return person


def add_note(actor: User, user_id: int, body: str) -> ModeratorNote:
    """A private note for staff about a person (never shown to them)."""
    begin_write()
    person = db.session.get(User, user_id)
    if person is None or not policy.can_view_moderation_history(actor):
        raise NotFound()
    text = (body or "").strip()
    if not text:
        raise Invalid("Write the note.", field="body")
    if len(text) > NOTE_MAX:
        raise Invalid(f"Keep notes to {NOTE_MAX:,} characters or fewer (this one is {len(text):,}).", field="body")
    note = ModeratorNote(user_id=person.id, author_id=actor.id, body=text)
    db.session.add(note)
    db.session.flush()
    audit.record(actor, "add_note", "user", person.id, after={"note": note.id}, subject_user_id=person.id)
    db.session.commit()
    return note


@dataclass
class History:
    person: User
    notes: list[ModeratorNote]
    items: list[QueueItem]
    actions: list[AuditEntry]


def history(actor: User, username: str) -> History:
    """Everything staff know about a person's moderation: reports, actions, notes."""
    from ..names import username_key
    from .queue import reports_about_user

    if not policy.can_view_moderation_history(actor):
        raise NotFound()
    person = db.session.scalar(select(User).where(User.username_key == username_key(username)))
    if person is None:
        raise NotFound()
    notes = list(db.session.scalars(select(ModeratorNote).where(ModeratorNote.user_id == person.id)
                                    .order_by(ModeratorNote.id.desc())))
    return History(person, notes, reports_about_user(person.id), audit.for_subject(person.id))
