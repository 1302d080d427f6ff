"""Every permission rule in the forum, and nowhere else.

`can_*` answer a question for templates and services; `require(...)` turns a "no" into the
right error. Reading is refused as NotFound, so a member of one authority cannot even learn
that another authority's thread exists; acting on something the user can see is Forbidden.
Anonymous users are the AnonymousUserMixin; every rule treats them as "no".
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, or_
from sqlalchemy.sql import ColumnElement

from .errors import Forbidden, NotFound
from .models import Message, PeerSession, Post, Role, Room, Thread, ThreadKind, User


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def is_staff(user: Any) -> bool:
    """Centre staff: moderators and admins."""
    return _active(user) and user.role in (Role.MODERATOR.value, Role.ADMIN.value)


def is_admin(user: Any) -> bool:
    return _active(user) and user.role == Role.ADMIN.value


# --- spaces ------------------------------------------------------------------------------


def can_read_space(user: Any, authority_id: int | None) -> bool:
    """Network spaces: every active member. An authority's: its members and centre staff."""
    if not _active(user):
        return False
    if authority_id is None or is_staff(user):
        return True
    return user.authority_id == authority_id


def can_post_in_space(user: Any, authority_id: int | None) -> bool:
    """Start a thread: in the network, or in one's own authority (staff: any); not while silenced."""
    return can_read_space(user, authority_id) and not is_silenced(user)


def is_silenced(user: Any) -> bool:
    return bool(getattr(user, "is_silenced", False))


def moderates_space(user: Any, authority_id: int | None) -> bool:
    """Staff moderate everywhere; a partner lead moderates their own authority's spaces."""
    if is_staff(user):
        return True
    return (
        _active(user)
        and user.role == Role.LEAD.value
        and authority_id is not None
        and user.authority_id == authority_id
    )


def readable_threads(user: Any) -> ColumnElement[bool]:
    """SQL filter for the threads a user may list: the same rule as can_read_thread."""
    if not _active(user):
        return false()
    if is_staff(user):
        return Thread.deleted.is_(False)
    clauses = [Thread.authority_id.is_(None)]
    if user.authority_id is not None:
        clauses.append(Thread.authority_id == user.authority_id)
    # A held thread is listed for its author and for the lead who moderates its space.
    seen_held = Thread.author_id == user.id
    if user.role == Role.LEAD.value and user.authority_id is not None:
        seen_held = seen_held | (Thread.authority_id == user.authority_id)
    return Thread.deleted.is_(False) & or_(*clauses) & (Thread.held.is_(False) | seen_held)


# --- threads and posts -------------------------------------------------------------------


def can_read_thread(user: Any, thread: Thread) -> bool:
    if thread.deleted or not can_read_space(user, thread.authority_id):
        return False
    return not thread.held or thread.author_id == user.id or moderates_space(user, thread.authority_id)


def can_see_post_body(user: Any, post: Post) -> bool:
    """A hidden post's text is for moderators of its space; a held one for them and its author."""
    if not can_read_thread(user, post.thread):
        return False
    moderator = moderates_space(user, post.thread.authority_id)
    if post.held_at is not None:
        return moderator or post.author_id == user.id
    return post.hidden_at is None or moderator


def can_see_post(user: Any, post: Post) -> bool:
    """Whether the post appears at all: held posts are invisible to other readers."""
    return can_read_thread(user, post.thread) and (post.held_at is None or can_see_post_body(user, post))


def can_reply(user: Any, thread: Thread) -> bool:
    """Reply while the thread is open; a locked thread takes replies from its moderators only.
    A silenced member reads but does not post."""
    if not can_read_thread(user, thread) or is_silenced(user):
        return False
    return not thread.locked or moderates_space(user, thread.authority_id)


def can_edit_post(user: Any, post: Post) -> bool:
    """Authors edit their own posts unless the thread is locked; moderators any in their space."""
    thread = post.thread
    if not can_read_thread(user, thread) or post.deleted_at is not None:
        return False
    if moderates_space(user, thread.authority_id):
        return True
    return post.author_id == user.id and not thread.locked and post.hidden_at is None and not is_silenced(user)


def can_delete_post(user: Any, post: Post) -> bool:
    """As editing, except that a silenced member may still take their own words down."""
    thread = post.thread
    if not can_read_thread(user, thread) or post.deleted_at is not None:
        return False
    if moderates_space(user, thread.authority_id):
        return True
    return post.author_id == user.id and not thread.locked and post.hidden_at is None


def can_mark_helpful(user: Any, post: Post) -> bool:
    """Anyone who can read a post may find it helpful, except its author."""
    return (
        can_read_thread(user, post.thread)
        and post.deleted_at is None
        and post.hidden_at is None
        and post.held_at is None
        and post.author_id != user.id
    )


def can_accept_answer(user: Any, thread: Thread) -> bool:
    """The asker chooses the answer to their own question; moderators may too."""
    if thread.kind != ThreadKind.QUESTION.value or not can_read_thread(user, thread):
        return False
    return thread.author_id == user.id or moderates_space(user, thread.authority_id)


# --- live peer sessions ------------------------------------------------------------------


def can_view_session(user: Any, session: PeerSession) -> bool:
    """Network sessions: every active member. Partner-only: the authority's members and staff."""
    if not _active(user):
        return False
    return can_read_space(user, session.authority_id) if session.partner_only else True


def can_schedule_session(user: Any, authority_id: int | None) -> bool:
    """Partner leads schedule for their own authority; centre staff for any, or network-wide."""
    if is_staff(user):
        return True
    return (
        _active(user)
        and user.role == Role.LEAD.value
        and authority_id is not None
        and user.authority_id == authority_id
    )


def is_session_host(user: Any, session: PeerSession) -> bool:
    if not _active(user):
        return False
    return user.id == session.host_id or any(c.id == user.id for c in session.cohosts)


def can_host_session(user: Any, session: PeerSession) -> bool:
    """Hosts and co-hosts run a session; so may whoever moderates its authority's spaces."""
    return can_view_session(user, session) and (
        is_session_host(user, session) or moderates_space(user, session.authority_id)
    )


def can_edit_session(user: Any, session: PeerSession) -> bool:
    return can_host_session(user, session) and session.cancelled_at is None


def can_attend_session(user: Any, session: PeerSession, removed: bool = False, has_place: bool = True) -> bool:
    """Be in the session's room: hosts (and moderators of its space) always; anyone else who can
    see the session while they hold a place and were not removed. Afterwards the transcript is
    for everyone who could have attended, so callers pass has_place=True once it has closed."""
    if not can_view_session(user, session):
        return False
    return can_host_session(user, session) or (not removed and has_place)


def can_speak_in_session(user: Any, session: PeerSession, room: Room, *, is_open: bool,
                         muted: bool, removed: bool, has_place: bool = True) -> bool:
    """Send in a session room: only while it is open; hosts always, others unless muted,
    removed, without a place, or the room is locked to hosts."""
    if not is_open or not can_attend_session(user, session, removed, has_place):
        return False
    if can_host_session(user, session):
        return True
    return not muted and not room.locked


def can_export_transcript(user: Any, session: PeerSession) -> bool:
    return can_host_session(user, session) or is_staff(user)


# --- chat rooms --------------------------------------------------------------------------


def can_read_room(user: Any, room: Room) -> bool:
    """A room is read by whoever may read its space; archived rooms are gone for everyone."""
    return not room.archived and can_read_space(user, room.authority_id)


def can_send_in_room(user: Any, room: Room) -> bool:
    return can_read_room(user, room) and not is_silenced(user)


def moderates_room(user: Any, room: Room) -> bool:
    return can_read_room(user, room) and moderates_space(user, room.authority_id)


def readable_rooms(user: Any) -> ColumnElement[bool]:
    """SQL filter for the rooms a user may list: the same rule as can_read_room."""
    if not _active(user):
        return false()
    standing = Room.archived.is_(False) & (Room.kind == "standing")
    if is_staff(user):
        return standing
    clauses = [Room.authority_id.is_(None)]
    if user.authority_id is not None:
        clauses.append(Room.authority_id == user.authority_id)
    return standing & or_(*clauses)


def can_read_message_text(user: Any, message: Message) -> bool:
    """A message's words: everyone in the room, unless deleted or held. A held message is its
    author's alone until approved (moderators read it in the review queue). `user` None is a
    broadcast to the whole room."""
    if message.deleted_at is not None:
        return False
    return message.held_at is None or (_active(user) and message.author_id == user.id)


def can_reach_message(user: Any, message: Message, room: Room) -> bool:
    """Find a message by its id (to edit, delete or report it): a held one exists only for its
    author and the room's moderators."""
    return message.held_at is None or message.author_id == user.id or moderates_room(user, room)


def can_edit_message(user: Any, message: Message) -> bool:
    """Authors edit their own messages; nobody edits anyone else's words in chat."""
    return (
        can_send_in_room(user, message.room)
        and message.deleted_at is None
        and message.author_id == user.id
    )


def can_delete_message(user: Any, message: Message) -> bool:
    """Authors delete their own; moderators of the room's space delete any."""
    if message.deleted_at is not None or not can_read_room(user, message.room):
        return False
    return message.author_id == user.id or moderates_space(user, message.room.authority_id)


def require_read_room(user: Any, room: Room | None) -> Room:
    if room is None or not can_read_room(user, room):
        raise NotFound("We could not find that room.")
    return room


# --- moderation ------------------------------------------------------------------------


def can_moderate_thread(user: Any, thread: Thread) -> bool:
    """Hide, restore, lock, pin, retitle, slow down: staff anywhere, a lead in their authority."""
    return can_read_thread(user, thread) and moderates_space(user, thread.authority_id)


def can_move_thread(user: Any, thread: Thread, authority_id: int | None) -> bool:
    """Moving needs moderation rights where the thread is and where it goes."""
    return can_moderate_thread(user, thread) and moderates_space(user, authority_id)


def can_report(user: Any) -> bool:
    """Any active member may report what they can read (services check the reading)."""
    return _active(user)


def can_review_queue(user: Any) -> bool:
    """Staff see the whole queue; a partner lead sees their authority's reports and held posts."""
    return is_staff(user) or (_active(user) and user.role == Role.LEAD.value and user.authority_id is not None)


def can_act_on_item(user: Any, item: Any) -> bool:
    """Pending accounts and reports of people are staff business; content items follow the space."""
    if item.kind == "account" or item.target_kind == "user":
        return is_staff(user)
    return moderates_space(user, item.authority_id)


def can_sanction(user: Any, target: User) -> bool:
    """Silence or suspend: centre staff, never themselves, and only admins act on staff."""
    if not is_staff(user) or target.id == user.id:
        return False
    return not target.is_staff or is_admin(user)


def can_manage_words(user: Any) -> bool:
    return is_staff(user)


def can_view_audit(user: Any) -> bool:
    return is_staff(user)


def can_view_moderation_history(user: Any) -> bool:
    """Notes and a person's moderation history are for centre staff only."""
    return is_staff(user)


def can_manage_local_terms(user: Any, authority_id: int | None) -> bool:
    """The privacy guard's local terms: staff for any authority or the whole network (None);
    a partner lead for their own authority only, since they know its schools and estates."""
    if authority_id is None:
        return is_staff(user)
    return moderates_space(user, authority_id)


def can_view_privacy_report(user: Any) -> bool:
    """How often the guard fires: staff for the network, partner leads for their authority."""
    return can_review_queue(user)


def can_manage_spaces(user: Any) -> bool:
    """Authorities and topics are set up by admins."""
    return is_admin(user)


# --- accounts ----------------------------------------------------------------------------


def can_review_accounts(user: Any) -> bool:
    """Approving pending accounts is centre staff's job."""
    return is_staff(user)


def can_manage_people(user: Any) -> bool:
    """Roles and authorities are changed by admins only."""
    return is_admin(user)


def can_view_profile(user: Any, other: User) -> bool:
    return _active(user) and (other.is_active or is_staff(user) or other.id == user.id)


# --- enforcement -------------------------------------------------------------------------


def require_read_thread(user: Any, thread: Thread | None) -> Thread:
    """Fetch-and-check: a thread the user may not read is reported as not found."""
    if thread is None or not can_read_thread(user, thread):
        raise NotFound()
    return thread


def require(allowed: bool, message: str | None = None) -> None:
    """Raise Forbidden unless allowed; the message tells the user why."""
    if not allowed:
        raise Forbidden(message) if message else Forbidden()
