"""What a session leaves behind: attendance, transcript, the published summary, calendar
feeds and reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from ... import clock, policy
from ...content import storable_text
from ...database import begin_write
from ...errors import Forbidden, Invalid, NotFound
from ...extensions import db
from ...mail import public_link
from ...models import (
    AttendanceSpan,
    PeerSession,
    Rsvp,
    User,
)
from .. import dispatch, notify
from .access import GOING, TITLE_MAX, WAITING, get_session, may_enter
from .scheduling import SUMMARY_FOOTER

# --- attendance --------------------------------------------------------------------------


def record_join(user: User, session: PeerSession, socket_id: str) -> None:
    """Note that someone is in the room; only the part inside the open hours counts later."""
    if session.phase(clock.now()) == "closed":
        return
    db.session.add(AttendanceSpan(session_id=session.id, user_id=user.id, socket_id=socket_id[:64],
                                  joined_at=clock.now()))
    db.session.commit()


def record_leave(socket_id: str) -> None:
    """Close any open spans of this socket (it left or disconnected)."""
    now = clock.now()
    spans = db.session.scalars(
        select(AttendanceSpan).where(AttendanceSpan.socket_id == socket_id[:64], AttendanceSpan.left_at.is_(None))
    )
    for span in spans:
        session = db.session.get(PeerSession, span.session_id)
        span.left_at = min(now, session.closes_at)
    db.session.commit()


def _close_attendance(session: PeerSession, at: datetime, user_id: int | None = None) -> None:
    query = update(AttendanceSpan).where(AttendanceSpan.session_id == session.id, AttendanceSpan.left_at.is_(None))
    if user_id is not None:
        query = query.where(AttendanceSpan.user_id == user_id)
    db.session.execute(query.values(left_at=at))


def minutes_present(session: PeerSession, user_id: int) -> int:
    """Minutes someone was in the room, counting overlapping tabs once."""
    window_start, window_end = session.opens_at, min(clock.now(), session.closes_at)
    spans = sorted(
        (max(s.joined_at, window_start), min(s.left_at or window_end, window_end))
        for s in db.session.scalars(
            select(AttendanceSpan).where(AttendanceSpan.session_id == session.id, AttendanceSpan.user_id == user_id)
        )
    )
    spans = [(start, end) for start, end in spans if end > start]
    total, current_start, current_end = timedelta(), None, None
    for start, end in spans:
        if current_end is None or start > current_end:
            if current_end is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += current_end - current_start
    return int(total.total_seconds() // 60)


def attendance(session: PeerSession) -> list[dict]:
    rows = db.session.execute(
        select(AttendanceSpan.user_id, func.min(AttendanceSpan.joined_at), func.max(AttendanceSpan.left_at))
        .where(AttendanceSpan.session_id == session.id).group_by(AttendanceSpan.user_id)
    ).all()
    result = []
    for user_id, joined, left in rows:
        user = db.session.get(User, user_id)
        result.append({"user": user, "joined": joined, "left": left, "minutes": minutes_present(session, user_id)})
    return sorted(result, key=lambda r: r["user"].display_name.lower())


def attended_by(user: User) -> list[tuple[PeerSession, int]]:
    """Sessions the user was present in, with minutes present: their CPD record."""
    ids = db.session.scalars(
        select(AttendanceSpan.session_id).where(AttendanceSpan.user_id == user.id).distinct()
    ).all()
    sessions = db.session.scalars(select(PeerSession).where(PeerSession.id.in_(ids)).order_by(PeerSession.starts_at))
    attended = [(s, minutes_present(s, user.id)) for s in sessions]
    return [(s, minutes) for s, minutes in attended if minutes > 0]


# --- afterwards --------------------------------------------------------------------------


def transcript(actor: User, session_id: int):
    from ...models import Message

    session = get_session(actor, session_id)
    if not may_enter(actor, session):
        raise NotFound("We could not find that session.")
    # Held messages are not part of the record until approved (a held edit: its earlier text
    # was seen, but the record shows neither until a moderator decides).
    messages = list(db.session.scalars(
        select(Message).where(Message.room_id == session.room_id, Message.held_at.is_(None)).order_by(Message.seq)
    ))
    return session, messages


def transcript_markdown(actor: User, session_id: int) -> str:
    session, messages = transcript(actor, session_id)
    if not policy.can_export_transcript(actor, session):
        raise Forbidden("Only hosts and centre staff can export the transcript.")
    lines = [f"# {session.title}", "", f"{clock.to_uk(session.starts_at):%-d %B %Y, %H:%M} (UK time)", ""]
    for message in messages:
        when = clock.to_uk(message.created_at).strftime("%H:%M")
        text = "_(deleted)_" if message.deleted_at else message.body
        lines.append(f"**{message.author.display_name}** ({when}):")
        lines.append("")
        lines.append(text)
        lines.append("")
    return "\n".join(lines)


def publish_summary(actor: User, session_id: int, body: str, *, post_anyway: bool = False, warning_id=None):
    """The host publishes a summary as a practice-share thread linked to the session."""
    from .. import threads

    session = _host_after(actor, session_id)
    if session.summary_thread_id is not None and not _summary_turned_down(session.summary_thread_id):
        raise Invalid("A summary has already been published for this session.")
    room_left = threads.BODY_MAX - len(SUMMARY_FOOTER.format(title=session.title))
    if len(storable_text(body or "")) > room_left:
        raise Invalid(f"Keep the summary to {room_left:,} characters or fewer (it has {len(body):,}).", field="body")
    thread = threads.start_thread(actor, threads.NewThread(
        topic_id=session.topic_id,
        authority_id=session.authority_id if session.partner_only else None,
        kind="practice", title=f"Session summary: {session.title}"[:TITLE_MAX],
        body=(body or "") + SUMMARY_FOOTER.format(title=session.title), tags="peer-session",
        post_anyway=post_anyway, warning_id=warning_id,
    ))
    begin_write()
    session = db.session.get(PeerSession, session.id)
    session.summary_thread_id = thread.id
    db.session.commit()
    return thread


def _summary_turned_down(thread_id: int) -> bool:
    """A summary held for review and then rejected (or deleted) leaves room for another."""
    from .. import threads

    thread = db.session.get(threads.Thread, thread_id)
    if thread is None or thread.deleted:
        return True
    opening = threads.opening_post(thread)
    return opening is not None and opening.rejected_at is not None


def _host_after(actor: User, session_id: int) -> PeerSession:
    session = get_session(actor, session_id)
    if not policy.can_host_session(actor, session):
        raise Forbidden("Only the session's hosts can do that.")
    if session.phase(clock.now()) != "closed":
        raise Invalid("Publish the summary after the session has ended.")
    return session


# --- calendars ---------------------------------------------------------------------------


def feed_for_token(token: str) -> list[PeerSession] | None:
    """The sessions in someone's personal feed (going or waiting, still visible to them)."""
    if not token or len(token) > 64:
        return None
    user = db.session.scalar(select(User).where(User.calendar_token == token))
    if user is None or not user.is_active:
        return None
    rows = db.session.scalars(
        select(Rsvp).where(Rsvp.user_id == user.id, Rsvp.status.in_([GOING, WAITING]))
    )
    found = [db.session.get(PeerSession, r.session_id) for r in rows]
    return [s for s in found if policy.can_view_session(user, s)]


def reset_calendar_token(actor: User) -> str:
    """A new secret feed address; the old one stops working."""
    import secrets

    begin_write()
    user = db.session.get(User, actor.id)
    user.calendar_token = secrets.token_urlsafe(32)
    db.session.commit()
    return user.calendar_token


# --- reminders ---------------------------------------------------------------------------


def send_reminders() -> int:
    """Remind everyone going, about an hour before the start; safe to run every minute."""
    begin_write()
    now = clock.now()
    rows = list(db.session.scalars(
        select(Rsvp).join(PeerSession, PeerSession.id == Rsvp.session_id).where(
            Rsvp.status == GOING, Rsvp.reminded_at.is_(None), PeerSession.cancelled_at.is_(None),
            PeerSession.starts_at > now, PeerSession.starts_at <= now + timedelta(hours=1),
        )
    ))
    emails = []
    for row in rows:
        session = db.session.get(PeerSession, row.session_id)
        if not policy.can_view_session(row.user, session):
            continue
        row.reminded_at = now
        text = f"“{session.title}” starts at {clock.to_uk(session.starts_at):%H:%M}."
        notify.add([row.user], "session-reminder", text, f"/sessions/{session.id}")
        emails.append((row.user, session, text))
    db.session.commit()
    for user, session, text in emails:
        dispatch.session_email(user, f"Starting soon: {session.title}",
                  f"Hello {user.display_name},\n\n{text}\n\n{public_link('sessions.show', session_id=session.id)}\n")
    return len(emails)
