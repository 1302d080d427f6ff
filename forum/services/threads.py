"""Starting, reading and replying to threads; editing and deleting posts; helpful and accepted."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from .. import policy
from ..content import RENDERER_VERSION, render_markdown, storable_text
from ..database import begin_write
from ..errors import Forbidden, Invalid, NotFound, RateLimited
from ..extensions import db
from ..models import (
    Authority,
    Post,
    PostRevision,
    Reaction,
    Tag,
    Thread,
    ThreadKind,
    Topic,
    User,
    utcnow,
)
from ..names import clean_text_line
from . import audit, dispatch, guard, holds, watching

TITLE_MIN, TITLE_MAX = 5, 150
BODY_MAX = 20_000
TAGS_MAX = 5
TAG_MAX = 30
_TAG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class NewThread:
    topic_id: int | None
    authority_id: int | None  # None: network-wide
    kind: str
    title: str
    body: str
    tags: str = ""
    post_anyway: bool = False  # past the privacy guard: held for a moderator
    warning_id: int | str | None = None


def check_title(title: str) -> str:
    return clean_text_line(
        title, label="Title", max_length=TITLE_MAX, min_length=TITLE_MIN, field="title"
    )


def check_body(body: str) -> str:
    text = storable_text(body or "")
    if not text.strip():
        raise Invalid("Write something in the post.", field="body")
    if len(text) > BODY_MAX:
        raise Invalid(
            f"Posts must be {BODY_MAX:,} characters or fewer (this one is {len(text):,}).",
            field="body",
        )
    return text


def parse_tags(raw: str) -> list[str]:
    """'Early help, court-work' -> ['early-help', 'court-work']; raises Invalid on bad tags."""
    names: list[str] = []
    for part in re.split(r"[,\n]", raw or ""):
        name = "-".join(part.strip().lower().split())
        if not name:
            continue
        if len(name) > TAG_MAX or not _TAG.match(name):
            raise Invalid(
                f"Tags use lower-case letters, numbers and hyphens, up to {TAG_MAX} characters "
                f"each. Check “{part.strip()[:40]}”.",
                field="tags",
            )
        if name not in names:
            names.append(name)
    if len(names) > TAGS_MAX:
        raise Invalid(f"Use at most {TAGS_MAX} tags.", field="tags")
    return names


def _tag_rows(names: list[str]) -> list[Tag]:
    if not names:
        return []
    existing = {
        t.name: t for t in db.session.execute(select(Tag).where(Tag.name.in_(names))).scalars()
    }
    rows = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(name=name)
            db.session.add(tag)
        rows.append(tag)
    return rows


def _render(body: str) -> dict:
    return {"body": body, "body_html": render_markdown(body), "renderer_version": RENDERER_VERSION}


def start_thread(actor: User, data: NewThread) -> Thread:
    """Open a thread in a topic, network-wide or in the actor's own authority's space."""
    begin_write()
    topic = db.session.get(Topic, data.topic_id) if data.topic_id else None
    if topic is None:
        raise Invalid("Choose a topic.", field="topic")
    if data.authority_id is not None and db.session.get(Authority, data.authority_id) is None:
        raise Invalid("Choose where to post.", field="space")
    policy.require(
        policy.can_post_in_space(actor, data.authority_id),
        "You can only post in the network or your own authority's space.",
    )
    try:
        kind = ThreadKind(data.kind).value
    except ValueError:
        raise Invalid("Choose what kind of thread this is.", field="kind") from None
    title, title_hold = holds.screen_post(actor, check_title(data.title), data.authority_id, field="title")
    body, hold_reason = holds.screen_post(actor, check_body(data.body), data.authority_id)
    tags = parse_tags(data.tags)
    # Tags are checked as typed, hyphens read as spaces ("wn1-2ab" is a postcode), so the
    # findings' positions still fit the author's text.
    typed_tags = (data.tags or "").replace("-", " ").replace("_", " ")
    privacy = guard.check(actor, {"title": title, "body": body, "tags": typed_tags}, data.authority_id,
                          surface="thread",
                          post_anyway=data.post_anyway, warning_id=data.warning_id)
    hold_reason = privacy or hold_reason or title_hold

    now = utcnow()
    thread = Thread(
        topic_id=topic.id,
        authority_id=data.authority_id,
        kind=kind,
        title=title,
        author_id=actor.id,
        created_at=now,
        last_post_at=now,
        last_poster_id=actor.id,
        post_count=1,
        reply_count=0,
    )
    thread.tags = _tag_rows(tags)
    db.session.add(thread)
    db.session.flush()
    post = Post(thread_id=thread.id, number=1, author_id=actor.id, created_at=now, **_render(body))
    db.session.add(post)
    db.session.flush()
    thread.last_post_id = post.id
    if hold_reason:
        post.thread = thread
        holds.hold(post, hold_reason)
    watching.auto_watch(actor, thread.id)
    db.session.commit()
    if not hold_reason:
        dispatch.after(dispatch.new_post, post.id)
    return thread


def get_thread(actor: User, thread_id: int) -> Thread:
    """Fetch a thread the actor may read; anything else is NotFound."""
    return policy.require_read_thread(actor, db.session.get(Thread, thread_id))


def get_post(actor: User, post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if post is None:
        raise NotFound()
    policy.require_read_thread(actor, post.thread)
    if not policy.can_see_post(actor, post):
        raise NotFound()
    return post


def reply(actor: User, thread_id: int, body: str, *, post_anyway: bool = False, warning_id=None) -> Post:
    """Add a reply; the thread's counters move in SQL in the same transaction.

    A held reply takes its number but counts for nothing until a moderator approves it.
    """
    from .moderation import last_post_at, slow_mode_wait

    begin_write()
    thread = get_thread(actor, thread_id)
    if policy.is_silenced(actor):
        raise Forbidden(silenced_message(actor))
    policy.require(policy.can_reply(actor, thread), "This thread is locked: it takes no new replies.")
    text, hold_reason = holds.screen_post(actor, check_body(body), thread.authority_id)
    if thread.held and not policy.moderates_space(actor, thread.authority_id):
        hold_reason = hold_reason or "The thread is waiting for a moderator, so its replies wait too."
    if thread.slow_mode_seconds and not policy.moderates_space(actor, thread.authority_id):
        wait = slow_mode_wait(actor, thread.slow_mode_seconds, last_post_at(actor, thread.id))
        if wait:
            raise RateLimited(f"Slow mode is on in this thread: you can post again in {wait} seconds. "
                              "Your reply is still in the box.", field="body")
    hold_reason = guard.check(actor, {"body": text}, thread.authority_id, surface="reply",
                              post_anyway=post_anyway, warning_id=warning_id) or hold_reason
    now = utcnow()
    counters = {"post_count": Thread.post_count + 1}
    if not hold_reason:
        counters.update(reply_count=Thread.reply_count + 1, last_post_at=now, last_poster_id=actor.id)
    # One UPDATE both takes the row lock and hands out the next post number, so two
    # concurrent replies can never get the same number.
    number = db.session.execute(
        update(Thread).where(Thread.id == thread.id).values(**counters).returning(Thread.post_count)
    ).scalar_one()
    post = Post(thread_id=thread.id, number=number, author_id=actor.id, created_at=now, **_render(text))
    db.session.add(post)
    db.session.flush()
    if hold_reason:
        holds.hold(post, hold_reason)
    else:
        db.session.execute(update(Thread).where(Thread.id == thread.id).values(last_post_id=post.id))
    watching.auto_watch(actor, thread.id)
    db.session.commit()
    if not hold_reason:
        dispatch.after(dispatch.new_post, post.id)
    return post


def silenced_message(actor: User) -> str:
    from ..web.viewhelpers import uk_time

    reason = f" The reason given: {actor.silence_reason}" if actor.silence_reason else ""
    return f"A moderator has paused your posting until {uk_time(actor.silenced_until)}. You can still read.{reason}"


def edit_post(actor: User, post_id: int, body: str, title: str | None = None, *,
              post_anyway: bool = False, warning_id=None) -> Post:
    """Change a post's text (and, on the opening post, the thread's title), keeping history.

    The privacy guard looks only at what the edit adds: details already in the published text
    were seen (or approved) already."""
    begin_write()
    post = get_post(actor, post_id)
    policy.require(policy.can_edit_post(actor, post), "You cannot edit this post.")
    thread = post.thread
    text, hold_reason = holds.screen_post(actor, check_body(body), thread.authority_id)
    new_title = check_title(title) if (title is not None and post.is_opening) else None
    title_hold = None
    if new_title is not None:
        new_title, title_hold = holds.screen_post(actor, new_title, thread.authority_id, field="title")
    body_changed = text != post.body
    title_changed = new_title is not None and new_title != thread.title
    author = actor.id == post.author_id
    if not body_changed and not title_changed:
        if post.pending_at is not None and author:  # back to the published text: the edit is withdrawn
            holds.clear_pending(post, actor, "withdrawn")
            db.session.commit()
        return post
    # On an edit only watched words hold a post; being new holds first posts, not their edits.
    reasons = [r for r, changed in ((hold_reason, body_changed), (title_hold, title_changed))
               if r and changed and r != holds.NEW_MEMBER_REASON]
    hold_reason = reasons[0] if reasons else None
    texts = {"body": text} | ({"title": new_title} if title_changed else {})
    previous = {"body": post.body} | ({"title": thread.title} if title_changed else {})
    hold_reason = guard.check(actor, texts, thread.authority_id, surface="edit", post_anyway=post_anyway,
                              warning_id=warning_id, previous=previous) or hold_reason
    published = post.held_at is None
    if published and hold_reason:
        # Readers keep the published text; the edit waits for a moderator.
        holds.hold_edit(post, text, new_title if title_changed else None, hold_reason)
        db.session.commit()
        return post
    if author:  # the author's clean edit supersedes theirs still waiting; a moderator's does not
        holds.clear_pending(post, actor)
    previous_body = post.body
    if actor.id != post.author_id:
        audit.record(actor, "edit_post", "post", post.id, before={"body": post.body, "title": thread.title},
                     after={"body": text, "title": new_title or thread.title},
                     subject_user_id=post.author_id, authority_id=thread.authority_id)
    # A held post's versions were never seen by readers: its history is for moderators. So is
    # a version whose identifying details this edit takes out: the fix must not stay a click away.
    removed = guard.removes_details(actor, previous, texts, thread.authority_id)
    db.session.add(PostRevision(post_id=post.id, editor_id=actor.id, body=post.body,
                                staff_only=not published or removed,
                                title=thread.title if post.is_opening else None))
    for key, value in _render(text).items():
        setattr(post, key, value)
    if published:
        post.edited_at = utcnow()
        post.revision_count = post.revision_count + 1
    if new_title is not None:
        thread.title = new_title
    if post.rejected_at is not None:
        # A rejected post that its author has put right goes back to the queue, not out.
        post.rejected_at = None
        db.session.flush()
        holds.hold(post, hold_reason or "Edited after it was not approved.")
    db.session.commit()
    if "@" in text and post.held_at is None:
        dispatch.after(dispatch.mentions_added, post.id, previous_body)
    return post


def revisions(actor: User, post_id: int) -> tuple[Post, list[PostRevision]]:
    """A post's earlier versions, for whoever may read its text (not a hidden post's readers).
    Versions nobody else saw (written while held) are for moderators of the space only."""
    post = get_post(actor, post_id)
    if not policy.can_see_post_body(actor, post):
        raise NotFound()
    query = select(PostRevision).where(PostRevision.post_id == post.id)
    if not policy.moderates_space(actor, post.thread.authority_id):
        query = query.where(PostRevision.staff_only.is_(False))
    return post, list(db.session.scalars(query.order_by(PostRevision.id.desc())))


def delete_post(actor: User, post_id: int, reason: str = "") -> Post:
    """Delete a post: a reply leaves a placeholder; the opening post removes the thread."""
    begin_write()
    post = get_post(actor, post_id)
    policy.require(policy.can_delete_post(actor, post), "You cannot delete this post.")
    if actor.id != post.author_id:
        audit.record(actor, "delete_post", "post", post.id, reason=" ".join((reason or "").split())[:1000],
                     before={"deleted": False}, after={"deleted": True},
                     subject_user_id=post.author_id, authority_id=post.thread.authority_id)
    holds.clear_pending(post, actor, "deleted")  # nothing left to approve
    if post.held_at is not None:
        from .queue import close_open_item

        close_open_item("held_post", "post", post.id, actor, "deleted", "Deleted before review.")
    apply_delete(post)
    db.session.commit()
    return post


def apply_delete(post: Post) -> None:
    """Mark a post deleted and fix the counters, in the caller's transaction."""
    thread = post.thread
    post.deleted_at = utcnow()
    if post.is_opening:
        thread.deleted = True
    else:
        if post.hidden_at is None and post.held_at is None:
            db.session.execute(
                update(Thread).where(Thread.id == thread.id).values(reply_count=Thread.reply_count - 1)
            )
        if thread.accepted_post_id == post.id:
            thread.accepted_post_id = None


def opening_post(thread: Thread) -> Post:
    return thread.opening_post


def toggle_helpful(actor: User, post_id: int) -> tuple[Post, bool]:
    """Mark or unmark a post as helpful; returns (post, now_marked)."""
    begin_write()
    post = get_post(actor, post_id)
    policy.require(policy.can_mark_helpful(actor, post), "You cannot mark your own post helpful.")
    removed = db.session.execute(
        delete(Reaction).where(
            Reaction.post_id == post.id, Reaction.user_id == actor.id, Reaction.kind == "helpful"
        )
    ).rowcount
    if removed:
        delta, marked = -1, False
    else:
        try:
            with db.session.begin_nested():
                db.session.execute(
                    insert(Reaction).values(
                        post_id=post.id, user_id=actor.id, kind="helpful", created_at=utcnow()
                    )
                )
        except IntegrityError:
            # A double click raced us: the mark is already there.
            db.session.rollback()
            return post, True
        delta, marked = 1, True
    db.session.execute(
        update(Post).where(Post.id == post.id).values(helpful_count=Post.helpful_count + delta)
    )
    db.session.commit()
    db.session.refresh(post)
    return post, marked


def accept_answer(actor: User, post_id: int) -> Thread:
    """The asker accepts a reply as the answer to their question (again: un-accept)."""
    begin_write()
    post = get_post(actor, post_id)
    thread = post.thread
    policy.require(policy.can_accept_answer(actor, thread), "Only the person who asked can accept an answer.")
    if post.is_opening or post.deleted_at is not None or post.held_at is not None or post.hidden_at is not None:
        raise Invalid("Choose a visible reply as the answer.")
    thread.accepted_post_id = None if thread.accepted_post_id == post.id else post.id
    db.session.commit()
    if thread.accepted_post_id == post.id:
        dispatch.after(dispatch.accepted, post.id)
    return thread


def posts_per_page() -> int:
    return current_app.config["POSTS_PER_PAGE"]
