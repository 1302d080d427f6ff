"""The daily digest: one email per person of the day's notifications they chose to get that way,
built when it is sent, so anything hidden, held, deleted or moved out of their reach since is
left out. `flask forum send-digest` runs it; safe to run more than once a day."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from .. import clock, policy
from ..database import begin_write
from ..extensions import db
from ..mail import public_link, send_mail
from ..models import Channel, Notification, NotificationSetting, Post, User
from . import dispatch

PERIOD = timedelta(hours=23)  # "daily", with room for a cron job that drifts a little


def still_visible(user: User, note: Notification) -> bool:
    if note.post_id is None:
        return True
    post = db.session.get(Post, note.post_id)
    return post is not None and policy.can_read_thread(user, post.thread) and policy.can_see_post(user, post) \
        and post.hidden_at is None and post.deleted_at is None


def send_digests() -> int:
    """Send each digest that is due; returns how many went out."""
    now = clock.now()
    people = db.session.scalars(select(User).where(User.id.in_(
        select(NotificationSetting.user_id).where(NotificationSetting.channel == Channel.DIGEST.value))))
    sent = 0
    for user in list(people):
        if not user.is_active or (user.digest_sent_at and now - user.digest_sent_at < PERIOD):
            continue
        settings = [k for k in dispatch.KINDS if dispatch.channel_for(user, k) == Channel.DIGEST]
        # Stored notification kinds: the setting's own name, or those that follow it.
        kinds = settings + [kind for kind, setting in dispatch.SETTING_FOR.items() if setting in settings]
        since = user.digest_sent_at or now - timedelta(days=1)
        notes = [n for n in db.session.scalars(
            select(Notification).where(Notification.user_id == user.id, Notification.kind.in_(kinds),
                                       Notification.created_at > since, Notification.created_at <= now)
            .order_by(Notification.id)) if still_visible(user, n)]
        begin_write()
        db.session.get(User, user.id).digest_sent_at = now
        db.session.commit()
        if not notes:
            continue
        base = public_link("main.latest").rsplit("/latest", 1)[0]
        lines = [f"- {n.text}\n  {base}{n.url}" for n in notes]
        kind = "digest"  # its unsubscribe link stops the digest as a whole
        send_mail(user.email, f"Your Practice Exchange digest: {len(notes)} new",
                  f"Hello {user.display_name},\n\nSince your last digest:\n\n" + "\n".join(lines)
                  + f"\n\n--\nStop these emails: {dispatch.unsubscribe_link(user, kind)}\n",
                  dispatch.unsubscribe_headers(user, kind))
        sent += 1
    return sent
