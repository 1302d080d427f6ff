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
from ..content import RENDERER_VERSION, render_markdown
from ..extensions import db
from ..models import ItemKind, Post, PostRevision, Thread, User, utcnow
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
    tell_author(post.author, "held_approved", "Your post is approved",
                f"Your post in “{thread.title}” has been approved and is now visible.", _post_url(post))
    return {"before": {"held": True}, "after": {"held": False}, "subject_user_id": post.author_id}


def apply_edit(post: Post, body: str, actor: User, title: str | None = None) -> dict:
    """A moderator's correction of a held post before approving (names taken out, say). The
    author's text is kept in the post's history for moderators only: nobody else ever saw it."""
    before = {"body": post.body}
    db.session.add(PostRevision(post_id=post.id, editor_id=post.author_id, body=post.body, staff_only=True,
                                title=post.thread.title if post.is_opening else None))
    post.body, post.body_html, post.renderer_version = body, render_markdown(body), RENDERER_VERSION
    if title is not None and post.is_opening:
        before["title"], post.thread.title = post.thread.title, title
    return before


# --- an edit of a published post, waiting ------------------------------------------------------


def hold_edit(post: Post, body: str, title: str | None, reason: str) -> None:
    """Keep an edit of a published post for a moderator; readers keep the published text."""
    from .queue import Target, open_item

    post.pending_body, post.pending_title, post.pending_reason = body, title, reason
    post.pending_at, post.pending_rejected_at = utcnow(), None
    thread = post.thread
    target = Target("post", post.id, thread.authority_id, thread.topic_id,
                    f"Edit of post {post.number} in “{thread.title}”", post.author_id, post)
    open_item(ItemKind.HELD_EDIT.value, target)


def clear_pending(post: Post, actor: User, resolution: str = "superseded") -> None:
    """The author's newer edit replaces the one waiting: its queue item closes."""
    from .queue import close_open_item

    if post.pending_at is None:
        return
    post.pending_body = post.pending_title = None
    post.pending_reason, post.pending_at, post.pending_rejected_at = "", None, None
    close_open_item(ItemKind.HELD_EDIT.value, "post", post.id, actor, resolution,
                    {"superseded": "The author changed it again before review.",
                     "withdrawn": "The author went back to the published text.",
                     "deleted": "The post was deleted before review."}.get(resolution, ""))


def apply_edit_pending(post: Post, body: str, actor: User, title: str | None = None) -> dict:
    """A moderator's correction of a waiting edit; the author's version stays for moderators."""
    db.session.add(PostRevision(post_id=post.id, editor_id=post.author_id, body=post.pending_body or post.body,
                                title=post.pending_title, staff_only=True))
    before = {"body": post.pending_body}
    post.pending_body = body
    if title is not None and post.is_opening:
        post.pending_title = title
    return before


def apply_approve_edit(post: Post) -> dict:
    """Publish a waiting edit: the published text goes into the history, as with any edit."""
    thread = post.thread
    previous = post.body
    db.session.add(PostRevision(post_id=post.id, editor_id=post.author_id, body=post.body,
                                title=thread.title if post.is_opening else None))
    post.body, post.body_html, post.renderer_version = (post.pending_body, render_markdown(post.pending_body),
                                                        RENDERER_VERSION)
    if post.pending_title and post.is_opening:
        thread.title = post.pending_title
    post.edited_at, post.revision_count = utcnow(), post.revision_count + 1
    post.pending_body = post.pending_title = None
    post.pending_reason, post.pending_at, post.pending_rejected_at = "", None, None
    tell_author(post.author, "held_approved", "Your edit is approved",
                f"Your edit in “{thread.title}” has been approved and is now visible.", _post_url(post))
    return {"before": {"held": True}, "after": {"held": False}, "subject_user_id": post.author_id,
            "previous_body": previous}


def apply_reject_edit(post: Post, reason: str) -> dict:
    """Turn a waiting edit down: the published text stays; the author keeps theirs to rework."""
    post.pending_rejected_at, post.pending_reason = utcnow(), reason
    tell_author(post.author, "held_rejected", "Your edit was not approved",
                f"Your edit in “{post.thread.title}” was not approved: {reason}", _post_url(post))
    return {"before": {"held": True}, "after": {"rejected": True}, "subject_user_id": post.author_id}


def apply_reject(post: Post, reason: str) -> dict:
    """Turn a held post down: it stays unseen, and its author gets the reason and keeps the text."""
    post.rejected_at, post.held_reason = utcnow(), reason
    tell_author(post.author, "held_rejected", "Your post was not approved",
                f"Your post in “{post.thread.title}” was not approved: {reason}", _post_url(post))
    return {"before": {"held": True}, "after": {"rejected": True}, "subject_user_id": post.author_id}


def tell_author(author: User, kind: str, subject: str, text: str, url: str) -> None:
    """A moderator's decision on a held post, edit or message: in the app, and by email when
    the author chose email for moderation decisions."""
    notify.add([author], kind, text, url)
    dispatch.moderation_email(author, subject, text, url)


def _post_url(post: Post) -> str:
    return f"/posts/{post.id}"
