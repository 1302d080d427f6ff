"""Moderating threads and posts: hide and restore, lock, pin, retitle, move, merge, slow mode.

Each public function is one staff action: it checks policy, changes state, writes exactly one
audit row in the same transaction, and commits. Partner leads may do these in their own
authority's spaces; centre staff anywhere (policy.can_moderate_thread).
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from .. import policy
from ..database import begin_write
from ..errors import Invalid
from ..extensions import db
from ..models import Authority, Post, Room, Thread, Topic, User, utcnow
from . import audit
from .threads import check_title, get_post, get_thread

REASON_MAX = 1000
SLOW_MODE_MAX = 24 * 60 * 60


def check_reason(reason: str | None, required: bool = True) -> str:
    text = " ".join((reason or "").split())
    if required and not text:
        raise Invalid("Give a reason: the person affected and other staff will see it.", field="reason")
    if len(text) > REASON_MAX:
        raise Invalid(f"Keep the reason to {REASON_MAX:,} characters or fewer.", field="reason")
    return text


def _moderated_thread(actor: User, thread_id: int) -> Thread:
    begin_write()
    thread = get_thread(actor, thread_id)
    policy.require(policy.can_moderate_thread(actor, thread), "Only moderators of this space can do that.")
    return thread


def _moderated_post(actor: User, post_id: int) -> Post:
    begin_write()
    post = get_post(actor, post_id)
    policy.require(policy.can_moderate_thread(actor, post.thread), "Only moderators of this space can do that.")
    return post


def _post_audit(actor: User, action: str, post: Post, reason: str, before: dict, after: dict) -> None:
    audit.record(actor, action, "post", post.id, reason=reason, before=before, after=after,
                 subject_user_id=post.author_id, authority_id=post.thread.authority_id)


# --- posts -------------------------------------------------------------------------------


def apply_hide(actor: User, post: Post, reason: str) -> None:
    """Hide a visible post in the caller's transaction (also used when resolving a report)."""
    if post.hidden_at is not None or post.deleted_at is not None:
        raise Invalid("That post is already hidden or deleted.")
    post.hidden_at, post.hidden_by_id, post.hidden_reason = utcnow(), actor.id, reason
    if not post.is_opening and post.held_at is None:
        db.session.execute(update(Thread).where(Thread.id == post.thread_id)
                           .values(reply_count=Thread.reply_count - 1))


def hide_post(actor: User, post_id: int, reason: str) -> Post:
    """Hide a post: members see a placeholder; moderators see the text and why."""
    post = _moderated_post(actor, post_id)
    reason = check_reason(reason)
    apply_hide(actor, post, reason)
    _post_audit(actor, "hide_post", post, reason, {"hidden": False}, {"hidden": True})
    db.session.commit()
    return post


def restore_post(actor: User, post_id: int, reason: str = "") -> Post:
    post = _moderated_post(actor, post_id)
    reason = check_reason(reason, required=False)
    if post.hidden_at is None:
        raise Invalid("That post is not hidden.")
    before = {"hidden": True, "hidden_reason": post.hidden_reason}
    post.hidden_at, post.hidden_by_id, post.hidden_reason = None, None, ""
    if not post.is_opening and post.deleted_at is None and post.held_at is None:
        db.session.execute(update(Thread).where(Thread.id == post.thread_id)
                           .values(reply_count=Thread.reply_count + 1))
    _post_audit(actor, "restore_post", post, reason, before, {"hidden": False})
    db.session.commit()
    return post


# --- threads -----------------------------------------------------------------------------


def set_flags(actor: User, thread_id: int, *, pinned: bool | None = None, locked: bool | None = None,
              reason: str = "") -> Thread:
    """Pin or unpin, lock or unlock a thread."""
    thread = _moderated_thread(actor, thread_id)
    reason = check_reason(reason, required=False)
    before = {"pinned": thread.pinned, "locked": thread.locked}
    if pinned is not None:
        thread.pinned = pinned
    if locked is not None:
        thread.locked = locked
    after = {"pinned": thread.pinned, "locked": thread.locked}
    if after == before:
        return thread
    if locked is not None and locked != before["locked"]:
        action = "lock_thread" if locked else "unlock_thread"
    else:
        action = "pin_thread" if pinned else "unpin_thread"
    audit.record(actor, action, "thread", thread.id, reason=reason, before=before, after=after,
                 subject_user_id=thread.author_id, authority_id=thread.authority_id)
    db.session.commit()
    return thread


def retitle_thread(actor: User, thread_id: int, title: str, reason: str = "") -> Thread:
    thread = _moderated_thread(actor, thread_id)
    new_title = check_title(title)
    reason = check_reason(reason, required=False)
    if new_title == thread.title:
        return thread
    audit.record(actor, "retitle_thread", "thread", thread.id, reason=reason, before={"title": thread.title},
                 after={"title": new_title}, subject_user_id=thread.author_id, authority_id=thread.authority_id)
    thread.title = new_title
    db.session.commit()
    return thread


def move_thread(actor: User, thread_id: int, topic_id: int | None, authority_id: int | None,
                reason: str = "") -> Thread:
    """Move a thread to another topic or space; the mover must moderate both ends."""
    thread = _moderated_thread(actor, thread_id)
    topic = db.session.get(Topic, topic_id) if topic_id else None
    if topic is None:
        raise Invalid("Choose a topic.", field="topic")
    if authority_id is not None and db.session.get(Authority, authority_id) is None:
        raise Invalid("Choose a space.", field="space")
    policy.require(policy.can_move_thread(actor, thread, authority_id),
                   "You can only move threads into spaces you moderate.")
    reason = check_reason(reason, required=False)
    before = {"topic_id": thread.topic_id, "authority_id": thread.authority_id}
    after = {"topic_id": topic.id, "authority_id": authority_id}
    if before == after:
        raise Invalid("The thread is already there.", field="topic")
    thread.topic_id, thread.authority_id = topic.id, authority_id
    from .queue import follow_thread

    follow_thread(thread)
    audit.record(actor, "move_thread", "thread", thread.id, reason=reason, before=before, after=after,
                 subject_user_id=thread.author_id, authority_id=before["authority_id"])
    db.session.commit()
    db.session.refresh(thread)
    return thread


def merge_threads(actor: User, source_id: int, target_id: int, reason: str = "") -> Thread:
    """Move every post of `source` to the end of `target`, in order; old links lead to target."""
    source = _moderated_thread(actor, source_id)
    if target_id == source.id:
        raise Invalid("Choose a different thread to merge into.", field="target")
    target = db.session.get(Thread, target_id)
    if target is None or not policy.can_read_thread(actor, target):
        raise Invalid("We could not find the thread to merge into. Check its number.", field="target")
    policy.require(policy.can_moderate_thread(actor, target), "You can only merge into threads you moderate.")
    if target.authority_id != source.authority_id:
        raise Invalid("Both threads must be in the same space: move one first.", field="target")
    reason = check_reason(reason, required=False)
    posts = list(db.session.scalars(select(Post).where(Post.thread_id == source.id).order_by(Post.number)))
    # Renumber past the end of the target in two steps so (thread_id, number) stays unique.
    offset = target.post_count
    for post in posts:
        post.number = -post.number
    db.session.flush()
    for post in posts:
        post.thread_id, post.number = target.id, offset - post.number
    db.session.flush()
    visible = sum(1 for p in posts if p.deleted_at is None and p.hidden_at is None and p.held_at is None)
    newest = max(posts, key=lambda p: p.created_at) if posts else None
    values = {"post_count": Thread.post_count + len(posts), "reply_count": Thread.reply_count + visible}
    if newest is not None and newest.created_at > target.last_post_at:
        values.update(last_post_at=newest.created_at, last_post_id=newest.id, last_poster_id=newest.author_id)
    db.session.execute(update(Thread).where(Thread.id == target.id).values(**values))
    source.deleted, source.merged_into_id, source.post_count, source.reply_count = True, target.id, 0, 0
    from .queue import follow_thread

    follow_thread(target)
    source.accepted_post_id = None
    audit.record(actor, "merge_thread", "thread", source.id, reason=reason,
                 before={"title": source.title, "posts": len(posts)}, after={"merged_into": target.id},
                 subject_user_id=source.author_id, authority_id=source.authority_id)
    db.session.commit()
    db.session.refresh(target)
    return target


def check_slow_mode(seconds) -> int:
    try:
        value = int(seconds)
    except (TypeError, ValueError):
        raise Invalid("Slow mode is a number of seconds (0 turns it off).", field="seconds") from None
    if not 0 <= value <= SLOW_MODE_MAX:
        raise Invalid(f"Slow mode is between 0 and {SLOW_MODE_MAX:,} seconds.", field="seconds")
    return value


def set_thread_slow_mode(actor: User, thread_id: int, seconds) -> Thread:
    """One post per person per `seconds` in this thread (0 turns it off); staff are exempt."""
    return _set_slow_mode(actor, _moderated_thread(actor, thread_id), "thread", seconds)


def set_room_slow_mode(actor: User, room_id: int, seconds) -> Room:
    """One message per person per `seconds` in this room (0 turns it off); staff are exempt."""
    from .chat import get_room

    begin_write()
    room = get_room(actor, room_id)
    policy.require(policy.moderates_room(actor, room), "Only moderators of this room can do that.")
    return _set_slow_mode(actor, room, "room", seconds)


def _set_slow_mode(actor: User, target, kind: str, seconds):
    value = check_slow_mode(seconds)
    if value != target.slow_mode_seconds:
        audit.record(actor, f"slow_mode_{kind}", kind, target.id, before={"seconds": target.slow_mode_seconds},
                     after={"seconds": value}, authority_id=target.authority_id)
        target.slow_mode_seconds = value
    db.session.commit()
    return target


def slow_mode_wait(actor: User, seconds: int, last_at) -> int:
    """Seconds the actor must still wait under slow mode (0: may post now)."""
    if not seconds or last_at is None:
        return 0
    waited = (utcnow() - last_at).total_seconds()
    return max(0, int(seconds - waited + 0.999))


def last_post_at(actor: User, thread_id: int):
    return db.session.scalar(select(func.max(Post.created_at)).where(
        Post.thread_id == thread_id, Post.author_id == actor.id))


def merged_target_for(actor: User, thread_id: int) -> int | None:
    """Where a merged thread's links lead now, if the actor may read it there."""
    thread = db.session.get(Thread, thread_id)
    if thread is None or thread.merged_into_id is None:
        return None
    target = db.session.get(Thread, thread.merged_into_id)
    return target.id if target is not None and policy.can_read_thread(actor, target) else None
