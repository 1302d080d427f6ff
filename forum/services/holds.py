"""Held posts: what waits for a moderator before anyone else sees it, and its approval.

A post is held when its author is new (their first FORUM_HOLD_FIRST_POSTS posts), it uses
a watched word set to "hold", or its author chose "post anyway" past the privacy guard. The author sees it with a note and keeps their text; nobody
else does, and nothing about it goes out, until a moderator approves it. Moderators of the
space are never held.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select, update

from .. import policy
from ..extensions import db
from ..models import ItemKind, Post, Thread, User, utcnow
from . import dispatch, notify, watchwords

NEW_MEMBER_REASON = "A new member's first posts are read by a moderator before they appear."


def screen_post(actor: User, text: str, authority_id: int | None, field: str = "body") -> tuple[str, str | None]:
    """Apply watched words to a post's text: (text to store, reason to hold it or None).

    Raises Invalid for a blocked word, so the form shows the message with the text kept.
    """
    screened = watchwords.screen(text)
    watchwords.refuse_blocked(screened, field=field)
    if policy.moderates_space(actor, authority_id):
        return screened.text, None
    if screened.held:
        found = ", ".join(sorted({f"“{h.found}”" for h in screened.held}))
        return screened.text, f"Uses a watched word ({found}): a moderator will read it first."
    first_n = current_app.config.get("HOLD_FIRST_POSTS", 0)
    if first_n:
        # Only published posts count: held ones do not earn the next post a free pass.
        written = db.session.scalar(select(func.count(Post.id)).where(
            Post.author_id == actor.id, Post.held_at.is_(None))) or 0
        if written < first_n:
            return screened.text, NEW_MEMBER_REASON
    return screened.text, None


def hold(post: Post, reason: str) -> None:
    """Mark a post held and put it in the queue (the caller has flushed the post)."""
    from .queue import Target, open_item

    post.held_at, post.held_reason = utcnow(), reason
    thread = post.thread
    if post.is_opening:
        thread.held = True
    target = Target("post", post.id, thread.authority_id, thread.topic_id,
                    f"Post {post.number} in “{thread.title}”", post.author_id, post)
    open_item(ItemKind.HELD_POST.value, target)


def apply_approve(post: Post) -> dict:
    """Publish a held post; the counters move as if it had just been posted."""
    thread = post.thread
    post.held_at, post.held_reason, post.rejected_at = None, "", None
    if post.is_opening:
        thread.held = False
    elif post.deleted_at is None and post.hidden_at is None:
        values = {"reply_count": Thread.reply_count + 1}
        if post.created_at >= thread.last_post_at:
            values.update(last_post_at=post.created_at, last_post_id=post.id, last_poster_id=post.author_id)
        db.session.execute(update(Thread).where(Thread.id == thread.id).values(**values))
    text = f"Your post in “{thread.title}” has been approved and is now visible."
    notify.add([post.author], "held_approved", text, _post_url(post))
    dispatch.moderation_email(post.author, "Your post is approved", text, _post_url(post))
    return {"before": {"held": True}, "after": {"held": False}, "subject_user_id": post.author_id}


def apply_edit(post: Post, body: str, actor: User) -> dict:
    """A moderator's correction before approving (names taken out, say): the earlier text is
    kept in the post's history, visible to moderators, as with any edit."""
    from ..content import RENDERER_VERSION, render_markdown
    from ..models import PostRevision

    before = post.body
    db.session.add(PostRevision(post_id=post.id, editor_id=actor.id, body=before,
                                title=post.thread.title if post.is_opening else None))
    post.body, post.body_html, post.renderer_version = body, render_markdown(body), RENDERER_VERSION
    post.edited_at, post.revision_count = utcnow(), post.revision_count + 1
    return {"body": before}


def apply_reject(post: Post, reason: str) -> dict:
    """Turn a held post down: it stays unseen, and its author gets the reason and keeps the text."""
    post.rejected_at, post.held_reason = utcnow(), reason
    text = f"Your post in “{post.thread.title}” was not approved: {reason}"
    notify.add([post.author], "held_rejected", text, _post_url(post))
    dispatch.moderation_email(post.author, "Your post was not approved", text, _post_url(post))
    return {"before": {"held": True}, "after": {"rejected": True}, "subject_user_id": post.author_id}


def _post_url(post: Post) -> str:
    return f"/posts/{post.id}"
