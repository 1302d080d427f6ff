"""What each queue resolution does to the thing it is about, in the resolver's transaction."""

from __future__ import annotations

from ..errors import Invalid
from ..models import Message, Post, QueueItem, Thread, User
from . import holds

HELD_KINDS = ("held_post", "held_message", "held_edit")


def review_version(item: QueueItem, target) -> str:
    """A short fingerprint of the words a moderator is deciding on. The item page sends back
    the one it showed; if the author has changed the text since, the decision is refused, so
    nobody approves words they never read."""
    import hashlib

    if item.kind not in HELD_KINDS or target is None:
        return ""
    if item.kind == "held_edit":
        words = [target.pending_body or "", target.pending_title or ""]
    elif item.kind == "held_post":
        words = [target.body, target.thread.title if target.is_opening else ""]
    else:
        words = [target.body]
    return hashlib.sha256("\x00".join(words).encode()).hexdigest()[:16]


def carry_out(actor: User, item: QueueItem, target, action: str, reason: str, body: str | None = None,
              title: str | None = None) -> dict:
    """Do `action` to `target`; returns audit details. Nothing is committed here."""
    from . import chat, chat_holds, moderation, staff_accounts, threads

    if target is None:
        if action in ("dismiss", "actioned", "reject"):
            return {}
        raise Invalid("That has been removed already. Dismiss the item instead.")
    if action in ("dismiss", "actioned"):
        return {"subject_user_id": getattr(target, "author_id", None) or getattr(target, "id", None)}
    if item.kind in HELD_KINDS and getattr(target, "deleted_at", None):
        if action == "reject":
            return {"subject_user_id": target.author_id}
        raise Invalid("Its author deleted it before review: reject it to close the item.")
    if item.kind == "held_edit":
        if action == "reject":
            return holds.apply_reject_edit(target, reason)
        edited = {}
        if action == "edit_approve":
            edited = holds.apply_edit_pending(target, threads.check_body(body or ""), actor, _title(target, title))
        return _with_edit(holds.apply_approve_edit(target), edited, target)
    if item.kind in ("held_post", "held_message"):
        service = holds if item.kind == "held_post" else chat_holds
        if action == "reject":
            return service.apply_reject(target, reason)
        edited = {}
        if action == "edit_approve":
            if item.kind == "held_post":
                edited = holds.apply_edit(target, threads.check_body(body or ""), actor, _title(target, title))
            else:
                edited = chat_holds.apply_edit(target, chat.check_body(body or ""), actor)
        return _with_edit(service.apply_approve(target), edited, target)
    if item.kind == "account":
        return staff_accounts.apply_decision(actor, target, approve=action == "approve")
    if isinstance(target, Thread):
        opening = threads.opening_post(target)
        if action == "lock":
            target.locked = True
            return {"before": {"locked": False}, "after": {"locked": True}, "subject_user_id": target.author_id}
        target = opening
    if isinstance(target, Post):
        if action == "hide":
            moderation.apply_hide(actor, target, reason)
            return {"before": {"hidden": False}, "after": {"hidden": True}, "subject_user_id": target.author_id}
        holds.clear_pending(target, actor, "deleted")
        threads.apply_delete(target)
        return {"before": {"deleted": False}, "after": {"deleted": True}, "subject_user_id": target.author_id}
    if isinstance(target, Message):
        chat.apply_delete(target, actor)
        return {"before": {"body": target.body}, "after": {"deleted": True}, "subject_user_id": target.author_id}
    raise Invalid("That action does not apply here.")


def _title(post, title: str | None) -> str | None:
    """A moderator's corrected title for an opening post, checked as any title is."""
    from . import threads

    if title is None or not post.is_opening:
        return None
    return threads.check_title(title)


def _with_edit(details: dict, edited: dict, target) -> dict:
    """Audit what a moderator changed before approving: the author's text and theirs."""
    if edited:
        details["before"] = {**details["before"], **edited}
        details["after"] = {**details["after"], "body": target.body}
    return details
