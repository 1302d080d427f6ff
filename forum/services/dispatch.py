"""Telling people about new posts, mentions and accepted answers: after commit, each recipient
checked against policy at the moment of sending, in-app always and by email if they chose it.

Nothing here runs for held content: a held post is dispatched when a moderator approves it.
"""

from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import select

from .. import policy, tokens
from ..database import begin_write
from ..extensions import db
from ..mail import mail_after_commit, public_link
from ..models import Channel, Message, NotificationSetting, Post, Room, Thread, User
from ..names import username_key
from . import notify, watching

# Each kind people can choose for, with its default and how it reads on the settings page.
KINDS = {
    "reply": (Channel.APP, "Replies in threads and topics you watch"),
    "mention": (Channel.EMAIL, "Someone mentions you (@username)"),
    "accepted": (Channel.APP, "Your reply is accepted as the answer"),
    "room": (Channel.APP, "New messages in chat rooms you watch"),
    "sessions": (Channel.EMAIL, "Sessions you signed up for: changes, places and reminders"),
    "moderation": (Channel.APP, "Decisions on your reports and on your posts held for review"),
}
# Notification kinds that follow one of the choices above; any other kind (a sanction, an
# account waiting for staff) always reaches the person in the app.
SETTING_FOR = {
    "session-changed": "sessions", "session-cancelled": "sessions", "session-place": "sessions",
    "session-reminder": "sessions", "held_approved": "moderation", "held_rejected": "moderation",
    "report_outcome": "moderation",
}
_MENTION = re.compile(r"(?<![\w@/.])@([\w][\w.-]{1,31})")
MENTIONS_MAX = 20
UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 365


def channel_for(user: User, kind: str) -> Channel:
    row = db.session.get(NotificationSetting, (user.id, kind))
    if row is not None:
        return Channel(row.channel)
    return KINDS[kind][0] if kind in KINDS else Channel.APP


def mentioned_users(text: str) -> list[User]:
    """The people an @username in the text names (at most MENTIONS_MAX), active ones only."""
    keys = []
    for name in _MENTION.findall(text or ""):
        try:
            key = username_key(name.rstrip(".-"))
        except Exception:  # not a possible username: not a mention
            continue
        if key not in keys:
            keys.append(key)
    if not keys:
        return []
    found = db.session.scalars(select(User).where(User.username_key.in_(keys[:MENTIONS_MAX])))
    return [u for u in found if u.is_active]


def _post_url(post: Post) -> str:
    return f"/posts/{post.id}"


def _send(recipients: list[User], kind: str, text: str, url: str, subject: str, body: str,
          post_id: int | None = None) -> None:
    """Notify in-app (and by email where chosen), in the current transaction; the caller commits."""
    wanted = [u for u in recipients if channel_for(u, kind) != Channel.OFF]
    notify.add(wanted, kind, text, url, post_id=post_id)
    for user in wanted:
        if channel_for(user, kind) == Channel.EMAIL:
            mail_after_commit(user.email, subject, _email_body(user, body, url, kind), unsubscribe_headers(user, kind))


def _email_body(user: User, body: str, url: str, kind: str) -> str:
    link = current_app.config["PUBLIC_URL"].rstrip("/") + url
    return (f"Hello {user.display_name},\n\n{body}\n\n{link}\n\n--\nYou get these emails because of your "
            f"notification settings. Stop emails like this one: {unsubscribe_link(user, kind)}\n")


def unsubscribe_link(user: User, kind: str) -> str:
    return public_link("notifications.unsubscribe", kind=kind, token=tokens.make_token("unsubscribe", user.id, kind))


def unsubscribe_headers(user: User, kind: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: mail programs POST to the link, no sign-in needed."""
    return {"List-Unsubscribe": f"<{unsubscribe_link(user, kind)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def after(fn, *args) -> None:
    """Run a dispatch after the change it reports has committed. A failure here is logged and
    never undoes or fails the change itself: the post is stored whatever happens to the news."""
    try:
        fn(*args)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("notifying about %s%r failed", fn.__name__, args)


def new_post(post_id: int) -> None:
    """A post was published (posted, or approved after being held): mentions, then watchers."""
    begin_write()
    post = db.session.get(Post, post_id)
    if post is None or post.held_at is not None or post.hidden_at is not None or post.deleted_at is not None:
        db.session.rollback()  # never keep the write lock for nothing
        return
    thread = post.thread
    author = post.author

    def may_see(user: User) -> bool:
        return user.id != author.id and policy.can_read_thread(user, thread) and policy.can_see_post(user, post)

    mentioned = [u for u in mentioned_users(post.body) if may_see(u)]
    title = thread.title
    if mentioned:
        _send(mentioned, "mention", f"{author.display_name} mentioned you in “{title}”.", _post_url(post),
              f"{author.display_name} mentioned you: {title}",
              f"{author.display_name} mentioned you in “{title}”:\n\n{post.body[:500]}", post.id)
    already = {u.id for u in mentioned}
    watchers = [u for u in watching.watchers_of_thread(thread) if u.id not in already and may_see(u)]
    if watchers:
        verb = "started" if post.is_opening else "replied in"
        _send(watchers, "reply", f"{author.display_name} {verb} “{title}”.", _post_url(post),
              f"New in {title}", f"{author.display_name} {verb} “{title}”:\n\n{post.body[:500]}", post.id)
    db.session.commit()


def mentions_added(post_id: int, old_body: str) -> None:
    """An edit that adds @mentions tells only the people newly mentioned (who may read it)."""
    begin_write()
    post = db.session.get(Post, post_id)
    if post is None or post.held_at is not None or post.hidden_at is not None or post.deleted_at is not None:
        db.session.rollback()
        return
    before = {u.id for u in mentioned_users(old_body)}
    thread = post.thread
    new = [u for u in mentioned_users(post.body) if u.id not in before and u.id != post.author_id
           and policy.can_read_thread(u, thread) and policy.can_see_post(u, post)]
    if new:
        name = post.author.display_name
        _send(new, "mention", f"{name} mentioned you in “{thread.title}”.", _post_url(post),
              f"{name} mentioned you: {thread.title}", f"{name} mentioned you in “{thread.title}”:\n\n{post.body[:500]}",
              post.id)
    db.session.commit()


def accepted(post_id: int) -> None:
    begin_write()
    post = db.session.get(Post, post_id)
    thread = post.thread if post else None
    if post is None or thread.accepted_post_id != post.id or not policy.can_read_thread(post.author, thread):
        db.session.rollback()
        return
    if post.author_id != thread.author_id:
        _send([post.author], "accepted", f"Your reply to “{thread.title}” was accepted as the answer.",
              _post_url(post), f"Your answer was accepted: {thread.title}",
              f"Your reply to “{thread.title}” was accepted as the answer.", post.id)
    db.session.commit()


def new_message(message_id: int) -> None:
    """Mentions in chat, and people watching the room: only those who may read it hear of it.

    Runs after every chat message, so it decides by reading alone whether there is anyone to
    tell, and takes the write lock only when there is."""
    from . import chat

    message = db.session.get(Message, message_id)
    if message is None or message.deleted_at is not None or message.held_at is not None:
        db.session.rollback()
        return
    room: Room = message.room
    recipients = []
    for user in mentioned_users(message.body):
        if user.id == message.author_id:
            continue
        try:
            chat.get_room(user, room.id)
        except Exception:  # cannot read the room: not told, and nothing about it leaks
            continue
        recipients.append(user)
    url = f"/rooms/{room.slug}#m-{message.seq}"
    mentioned = {u.id for u in recipients}
    watchers = []
    for user in _room_watchers(room, message.author_id):
        if user.id in mentioned:
            continue
        try:
            chat.get_room(user, room.id)
        except Exception:  # no longer allowed in the room: not told
            continue
        watchers.append(user)
    if not recipients and not watchers:
        db.session.rollback()
        return
    author, body, name = message.author.display_name, message.body[:500], room.name
    begin_write()
    recipients = [db.session.get(User, u.id) for u in recipients]
    watchers = [db.session.get(User, u.id) for u in watchers]
    if recipients:
        _send(recipients, "mention", f"{author} mentioned you in {name}.", url, f"{author} mentioned you in {name}",
              f"{author} mentioned you in {name}:\n\n{body}")
    if watchers:
        _send(watchers, "room", f"New messages in {name}.", url, f"New messages in {name}",
              f"{author} wrote in {name}:\n\n{body}")
    db.session.commit()


def mention_suggestions(actor: User, prefix: str, thread_id: int | None = None, room_id: int | None = None,
                        space: str | None = None, limit: int = 8) -> list[User]:
    """People whose username starts with the prefix and who can read where the actor writes:
    suggesting anyone else would tempt a mention that notifies nobody."""
    from sqlalchemy import or_

    from ..models import Role

    if not policy.can_report(actor):  # any active member
        return []
    authority_id = None
    if thread_id is not None:
        authority_id = policy.require_read_thread(actor, db.session.get(Thread, thread_id)).authority_id
    elif room_id is not None:
        authority_id = policy.require_read_room(actor, db.session.get(Room, room_id)).authority_id
    elif space and space != "network":  # a new thread: the space chosen on the form
        from .browse import authority_by_slug

        authority_id = authority_by_slug(actor, space[:60]).id
    text = "".join(ch for ch in (prefix or "").lower() if ch.isalnum() or ch in "._-")[:32]
    if not text:
        return []
    query = select(User).where(User.username.ilike(text.replace("_", r"\_") + "%", escape="\\"),
                               User.status == "active", User.id != actor.id)
    if authority_id is not None:
        query = query.where(or_(User.authority_id == authority_id,
                                User.role.in_((Role.MODERATOR.value, Role.ADMIN.value))))
    return [u for u in db.session.scalars(query.order_by(User.username).limit(limit * 2)) if u.is_active][:limit]


def session_email(user: User, subject: str, body: str) -> None:
    """An email about a session someone signed up for, if they want those by email; always with
    a one-click unsubscribe. (The in-app notification is made by the sessions service.)"""
    from ..mail import send_mail

    if channel_for(user, "sessions") != Channel.EMAIL:
        return
    send_mail(user.email, subject, f"{body}\n--\nStop emails about sessions: {unsubscribe_link(user, 'sessions')}\n",
              unsubscribe_headers(user, "sessions"))


def moderation_email(user: User, subject: str, body: str, url: str) -> None:
    """An email about a moderation decision, for people who chose those by email (after commit)."""
    if channel_for(user, "moderation") == Channel.EMAIL:
        mail_after_commit(user.email, subject, _email_body(user, body, url, "moderation"),
                          unsubscribe_headers(user, "moderation"))


def _room_watchers(room: Room, author_id: int) -> list[User]:
    """People watching the room who have not yet an unread notice about it (one is enough)."""
    from ..models import Notification, Watch, WatchLevel

    url = f"/rooms/{room.slug}"
    told = select(Notification.user_id).where(Notification.kind == "room", Notification.read_at.is_(None),
                                              Notification.url.startswith(url + "#", autoescape=True))
    ids = select(Watch.user_id).where(Watch.target_kind == "room", Watch.target_id == room.id,
                                      Watch.level == WatchLevel.WATCHING.value)
    return list(db.session.scalars(select(User).where(User.id.in_(ids), User.id.not_in(told), User.id != author_id)))


def thread_of(post_id: int) -> Thread | None:
    post = db.session.get(Post, post_id)
    return post.thread if post else None
