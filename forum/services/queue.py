"""Reports and the one review queue: open reports, held posts and pending accounts.

Members report what they can read; reports of the same thing fold into one open item. Staff
(and partner leads, for their own authority's content) claim an item so two people do not
act on it at once, then resolve it with an action and a reason. Resolving writes one audit
row, and reporters hear the outcome (not the details).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from .. import policy
from ..database import begin_write
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..models import (
    ItemKind,
    Message,
    Post,
    QueueItem,
    Report,
    ReportReason,
    Status,
    Thread,
    User,
    utcnow,
)
from . import audit, notify

NOTE_MAX = 1000
QUEUE_PAGE = 50
TARGET_KINDS = ("post", "thread", "message", "user")

# What a resolution may do, by the kind of item and what it is about.
ACTIONS = {
    ("report", "post"): ("dismiss", "hide", "delete"),
    ("report", "thread"): ("dismiss", "hide", "lock", "delete"),
    ("report", "message"): ("dismiss", "delete"),
    ("report", "user"): ("dismiss", "actioned"),
    ("held_post", "post"): ("approve", "edit_approve", "reject"),
    ("held_message", "message"): ("approve", "edit_approve", "reject"),
    ("held_edit", "post"): ("approve", "edit_approve", "reject"),
    ("account", "user"): ("approve", "reject"),
}
ACTION_LABELS = {
    "dismiss": "No action needed", "hide": "Hide the post", "delete": "Delete it", "lock": "Lock the thread",
    "actioned": "Action taken on the person (see their history)", "approve": "Approve", "reject": "Reject",
    "edit_approve": "Approve with my edits",
}


# --- finding what is reported ------------------------------------------------------------


@dataclass
class Target:
    kind: str
    id: int
    authority_id: int | None
    topic_id: int | None
    summary: str
    author_id: int | None
    obj: object


def load_target(actor: User, kind: str, target_id: int) -> Target:
    """The reported thing, if the actor may read it; anything else is NotFound."""
    from . import browse, chat, threads

    if kind == "post":
        post = threads.get_post(actor, target_id)
        if not policy.can_see_post(actor, post):
            raise NotFound()
        return Target("post", post.id, post.thread.authority_id, post.thread.topic_id,
                      f"Post {post.number} in “{post.thread.title}”", post.author_id, post)
    if kind == "thread":
        thread = threads.get_thread(actor, target_id)
        return Target("thread", thread.id, thread.authority_id, thread.topic_id, f"Thread “{thread.title}”",
                      thread.author_id, thread)
    if kind == "message":
        message = db.session.get(Message, target_id)
        if message is None or message.deleted_at is not None:
            raise NotFound("We could not find that message.")
        room = chat.get_room(actor, message.room_id)
        if not chat.visible_text(message, actor):
            raise NotFound("We could not find that message.")  # held: only its author sees it
        return Target("message", message.id, room.authority_id, room.topic_id,
                      f"Message in {room.name}: “{message.body[:60]}”", message.author_id, message)
    if kind == "user":
        person = db.session.get(User, target_id)
        if person is None:
            raise NotFound()
        browse.user_by_username(actor, person.username)  # the same visibility as a profile
        return Target("user", person.id, None, None, f"{person.display_name} (@{person.username})", person.id, person)
    raise NotFound()


def _open_key(kind: str, target_kind: str, target_id: int) -> str:
    return f"{kind}:{target_kind}:{target_id}"


def open_item(kind: str, target: Target) -> QueueItem:
    """The open queue item for this thing, created if there is none (race-safe)."""
    key = _open_key(kind, target.kind, target.id)
    item = db.session.scalar(select(QueueItem).where(QueueItem.open_key == key))
    if item is not None:
        return item
    item = QueueItem(kind=kind, target_kind=target.kind, target_id=target.id, authority_id=target.authority_id,
                     topic_id=target.topic_id, summary=target.summary[:200], open_key=key)
    try:
        with db.session.begin_nested():
            db.session.add(item)
    except IntegrityError:  # another report opened it a moment ago: fold into that one
        item = db.session.scalar(select(QueueItem).where(QueueItem.open_key == key))
    return item


def report(actor: User, target_kind: str, target_id: int, reason: str, note: str = "") -> QueueItem:
    """Report something the actor can read; several reports of one thing fold into one item."""
    begin_write()
    policy.require(policy.can_report(actor), "Sign in to report.")
    if target_kind not in TARGET_KINDS:
        raise NotFound()
    target = load_target(actor, target_kind, target_id)
    if target.author_id == actor.id:
        raise Invalid("You cannot report your own words or yourself. You can edit or delete them instead.")
    try:
        reason = ReportReason(reason).value
    except ValueError:
        raise Invalid("Choose a reason for the report.", field="reason") from None
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        raise Invalid(f"Keep the note to {NOTE_MAX:,} characters or fewer (it has {len(note):,}).", field="note")
    item = open_item(ItemKind.REPORT.value, target)
    already = db.session.scalar(select(Report.id).where(Report.item_id == item.id, Report.reporter_id == actor.id))
    if already:
        raise Invalid("You have already reported this. Staff will look at it soon.")
    db.session.add(Report(item_id=item.id, reporter_id=actor.id, reason=reason, note=note))
    db.session.execute(update(QueueItem).where(QueueItem.id == item.id)
                       .values(report_count=QueueItem.report_count + 1))
    db.session.commit()
    return item


# --- the queue ---------------------------------------------------------------------------


@dataclass
class QueueFilter:
    kind: str = ""
    reason: str = ""
    authority: str = ""  # an authority slug, or "network"
    topic: str = ""  # a topic slug
    age: str = ""  # "day", "week", "older"
    status: str = "open"


def _scope(actor: User):
    """Which items the actor may see: all for staff; a lead's own authority's content items."""
    policy.require(policy.can_review_queue(actor))
    if policy.is_staff(actor):
        return QueueItem.id.is_not(None)
    return (QueueItem.authority_id == actor.authority_id) & (QueueItem.kind != ItemKind.ACCOUNT.value) & (
        QueueItem.target_kind != "user")


def items(actor: User, flt: QueueFilter, page: int = 1) -> tuple[list[QueueItem], bool]:
    from ..models import Authority, Topic

    query = select(QueueItem).where(_scope(actor))
    query = query.where(QueueItem.status == ("resolved" if flt.status == "resolved" else "open"))
    if flt.kind in {k.value for k in ItemKind}:
        query = query.where(QueueItem.kind == flt.kind)
    if flt.reason in {r.value for r in ReportReason}:
        query = query.where(QueueItem.id.in_(select(Report.item_id).where(Report.reason == flt.reason)))
    if flt.authority == "network":
        query = query.where(QueueItem.authority_id.is_(None))
    elif flt.authority:
        query = query.where(QueueItem.authority_id == select(Authority.id).where(
            Authority.slug == flt.authority[:60]).scalar_subquery())
    if flt.topic:
        query = query.where(QueueItem.topic_id == select(Topic.id).where(
            Topic.slug == flt.topic[:60]).scalar_subquery())
    now = utcnow()
    if flt.age == "day":
        query = query.where(QueueItem.created_at >= now - timedelta(days=1))
    elif flt.age == "week":
        query = query.where(QueueItem.created_at >= now - timedelta(days=7))
    elif flt.age == "older":
        query = query.where(QueueItem.created_at < now - timedelta(days=7))
    page = max(1, min(page, 10_000))
    order = QueueItem.created_at if flt.status != "resolved" else QueueItem.resolved_at.desc()
    rows = list(db.session.scalars(query.order_by(order, QueueItem.id).offset((page - 1) * QUEUE_PAGE)
                                   .limit(QUEUE_PAGE + 1)))
    return rows[:QUEUE_PAGE], len(rows) > QUEUE_PAGE


def open_counts(actor: User) -> dict[str, int]:
    """Open items by kind, for the navigation badge."""
    if not policy.can_review_queue(actor):
        return {}
    rows = db.session.execute(select(QueueItem.kind, func.count(QueueItem.id))
                              .where(_scope(actor), QueueItem.status == "open").group_by(QueueItem.kind)).all()
    return dict(rows)


def get_item(actor: User, item_id: int) -> QueueItem:
    """An item the actor may act on, judged by where its target is now (threads move)."""
    item = db.session.get(QueueItem, item_id)
    if item is None or not policy.can_review_queue(actor):
        raise NotFound("We could not find that item in the queue.")
    item.authority_id, item.topic_id = current_space(item, item.authority_id, item.topic_id)
    if not policy.can_act_on_item(actor, item):
        raise NotFound("We could not find that item in the queue.")
    return item


def current_space(item: QueueItem, authority_id, topic_id):
    """(authority, topic) of the item's target today; the stored values if it is gone."""
    target = target_of(item)
    if isinstance(target, Post):
        return target.thread.authority_id, target.thread.topic_id
    if isinstance(target, Thread):
        return target.authority_id, target.topic_id
    if isinstance(target, Message):
        return target.room.authority_id, target.room.topic_id
    return authority_id, topic_id


def follow_thread(thread: Thread) -> None:
    """Open items about a thread or its posts move with it (called when it moves or merges)."""
    post_ids = select(Post.id).where(Post.thread_id == thread.id)
    db.session.execute(
        update(QueueItem)
        .where(QueueItem.status == "open", or_(
            (QueueItem.target_kind == "thread") & (QueueItem.target_id == thread.id),
            (QueueItem.target_kind == "post") & QueueItem.target_id.in_(post_ids)))
        .values(authority_id=thread.authority_id, topic_id=thread.topic_id)
        .execution_options(synchronize_session=False)
    )


def target_of(item: QueueItem):
    """The thing an item is about, loaded without the reader's checks (staff see it all)."""
    model = {"post": Post, "thread": Thread, "message": Message, "user": User}[item.target_kind]
    return db.session.get(model, item.target_id)


def claim(actor: User, item_id: int, take_over: bool = False) -> QueueItem:
    """Claim an open item. Someone else's claim stands unless the actor takes over."""
    begin_write()
    item = get_item(actor, item_id)
    if not item.is_open:
        raise Invalid("That item has already been resolved.")
    if item.claimed_by_id == actor.id:
        return item
    if item.claimed_by_id is not None and not take_over:
        raise Invalid(f"{item.claimed_by.display_name} is working on this. Take it over to act on it.")
    before = {"claimed_by": item.claimed_by_id}
    # Conditional update: of two moderators claiming at once, one wins.
    won = db.session.execute(
        update(QueueItem).where(QueueItem.id == item.id, QueueItem.status == "open",
                                or_(QueueItem.claimed_by_id.is_(None), QueueItem.claimed_by_id == before["claimed_by"]))
        .values(claimed_by_id=actor.id, claimed_at=utcnow())
    ).rowcount
    if not won:
        db.session.rollback()
        raise Invalid("Someone else claimed this a moment ago. Reload the queue.")
    if take_over and before["claimed_by"] is not None:
        audit.record(actor, "take_over_item", "queue_item", item.id, before=before, after={"claimed_by": actor.id},
                     authority_id=item.authority_id)
    db.session.commit()
    db.session.refresh(item)
    return item


def release(actor: User, item_id: int) -> QueueItem:
    begin_write()
    item = get_item(actor, item_id)
    if item.claimed_by_id != actor.id:
        raise Invalid("You have not claimed this item.")
    item.claimed_by_id, item.claimed_at = None, None
    db.session.commit()
    return item


def resolve(actor: User, item_id: int, action: str, reason: str, body: str | None = None,
            title: str | None = None, seen_version: str | None = None) -> QueueItem:
    """Act on an item and close it, with one audit row; reporters are told the outcome.

    `body` (and, for an opening post, `title`) is the moderator's corrected text for
    "edit_approve" on a held post, edit or message."""
    from . import resolutions
    from .moderation import check_reason

    begin_write()
    item = get_item(actor, item_id)
    if not item.is_open:
        raise Invalid("That item has already been resolved.")
    if item.claimed_by_id is not None and item.claimed_by_id != actor.id:
        raise Forbidden(f"{item.claimed_by.display_name} has claimed this. Take it over first.")
    allowed = ACTIONS.get((item.kind, item.target_kind), ())
    if action not in allowed:
        raise Invalid("Choose one of the actions offered.", field="action")
    needs_reason = action not in ("dismiss", "approve", "edit_approve")
    reason = check_reason(reason, required=needs_reason)
    target = target_of(item)
    if seen_version is not None and seen_version != resolutions.review_version(item, target):
        raise Invalid("The author changed this after you opened it. The page now shows the new version: read "
                      "it before you decide.")
    details = resolutions.carry_out(actor, item, target, action, reason, body, title)
    if action == "edit_approve" and item.target_kind == "post":  # the old title may be what was wrong
        what = "Edit of post" if item.kind == ItemKind.HELD_EDIT.value else "Post"
        item.summary = f"{what} {target.number} in “{target.thread.title}”"[:200]
    item.status, item.open_key = "resolved", None
    item.resolved_by_id, item.resolved_at = actor.id, utcnow()
    item.resolution, item.resolution_reason = action, reason
    if item.claimed_by_id is None:
        item.claimed_by_id, item.claimed_at = actor.id, item.resolved_at
    audit.record(actor, f"{item.kind}:{action}", item.target_kind, item.target_id, reason=reason,
                 before=details.get("before"), after={"item": item.id, **(details.get("after") or {})},
                 subject_user_id=details.get("subject_user_id"), authority_id=item.authority_id)
    if item.kind == ItemKind.REPORT.value:
        _tell_reporters(item, action)
    db.session.commit()
    if action in ("approve", "edit_approve"):  # only now does anyone hear of it
        from . import dispatch

        if item.kind == ItemKind.HELD_POST.value:
            dispatch.after(dispatch.new_post, item.target_id)
        elif item.kind == ItemKind.HELD_EDIT.value:  # a published post: only new mentions are news
            dispatch.after(dispatch.mentions_added, item.target_id, details.get("previous_body", ""))
        elif item.kind == ItemKind.HELD_MESSAGE.value and details.get("announce"):
            dispatch.after(dispatch.new_message, item.target_id)
    return item


def _tell_reporters(item: QueueItem, action: str) -> None:
    reporters = list(db.session.scalars(select(User).join(Report, Report.reporter_id == User.id)
                                        .where(Report.item_id == item.id)))
    outcome = "no action was needed" if action == "dismiss" else "they have taken action"
    when = item.created_at.strftime("%-d %b")
    text = f"Thank you for your report of {when}. A moderator has reviewed it and {outcome}."
    notify.add(reporters, "report_outcome", text, "/notifications")
    from .dispatch import moderation_email

    for reporter in reporters:
        moderation_email(reporter, "Your report has been reviewed", text, "/notifications")


def account_item_for(user: User) -> None:
    """Put a registration that needs approval in the queue (called by accounts.register)."""
    if user.status == Status.PENDING_APPROVAL.value:
        target = Target("user", user.id, None, None, f"{user.display_name} ({user.email})", user.id, user)
        open_item(ItemKind.ACCOUNT.value, target)


def close_open_item(kind: str, target_kind: str, target_id: int, actor: User, resolution: str, reason: str = "") -> None:
    """Close the open item for a thing acted on outside the queue (approved from another page)."""
    item = db.session.scalar(select(QueueItem).where(QueueItem.open_key == _open_key(kind, target_kind, target_id)))
    if item is not None:
        item.status, item.open_key = "resolved", None
        item.resolved_by_id, item.resolved_at = actor.id, utcnow()
        item.resolution, item.resolution_reason = resolution, reason


def reports_about_user(user_id: int) -> list[QueueItem]:
    """Items about a person or their words, for their moderation history."""
    post_ids = select(Post.id).where(Post.author_id == user_id)
    message_ids = select(Message.id).where(Message.author_id == user_id)
    thread_ids = select(Thread.id).where(Thread.author_id == user_id)
    return list(db.session.scalars(select(QueueItem).where(or_(
        (QueueItem.target_kind == "user") & (QueueItem.target_id == user_id),
        (QueueItem.target_kind == "post") & QueueItem.target_id.in_(post_ids),
        (QueueItem.target_kind == "message") & QueueItem.target_id.in_(message_ids),
        (QueueItem.target_kind == "thread") & QueueItem.target_id.in_(thread_ids),
    )).order_by(QueueItem.id.desc()).limit(200)))
