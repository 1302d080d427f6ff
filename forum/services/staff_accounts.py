"""Centre staff's decisions on accounts: approving or rejecting registrations that need a
person to check them, and admins' changes to someone's role or authority. Each is audited."""

from __future__ import annotations

from sqlalchemy import select

from .. import policy, realtime
from ..database import begin_write
from ..errors import Invalid, NotFound
from ..extensions import db
from ..mail import mail_after_commit, public_link
from ..models import Authority, Role, Status, User, utcnow


def pending_accounts(actor: User) -> list[User]:
    policy.require(policy.can_review_accounts(actor))
    return list(
        db.session.execute(
            select(User)
            .where(User.status == Status.PENDING_APPROVAL.value)
            .order_by(User.created_at)
        ).scalars()
    )


def _pending_user(actor: User, user_id: int) -> User:
    begin_write()
    policy.require(policy.can_review_accounts(actor))
    user = db.session.get(User, user_id)
    if user is None or user.status != Status.PENDING_APPROVAL.value:
        raise NotFound("That account is not waiting for approval.")
    return user


def approve_account(actor: User, user_id: int) -> User:
    user = _pending_user(actor, user_id)
    _decide(actor, user, approve=True)
    return user


def reject_account(actor: User, user_id: int) -> User:
    user = _pending_user(actor, user_id)
    _decide(actor, user, approve=False)
    return user


def _decide(actor: User, user: User, approve: bool) -> None:
    """Approve or reject from the accounts page: the change, its audit row, the queue item."""
    from . import audit
    from .queue import close_open_item

    details = apply_decision(actor, user, approve)
    action = "approve" if approve else "reject"
    audit.record(actor, f"account:{action}", "user", user.id, before=details["before"], after=details["after"],
                 subject_user_id=user.id)
    close_open_item("account", "user", user.id, actor, action)
    db.session.commit()


def apply_decision(actor: User, user: User, approve: bool) -> dict:
    """Approve or reject a pending account in the caller's transaction; the email goes after commit."""
    if user.status != Status.PENDING_APPROVAL.value:
        raise Invalid("That account is not waiting for approval any more.")
    before = {"status": user.status}
    if approve:
        user.status = Status.ACTIVE.value
        user.approved_at = utcnow()
        mail_after_commit(
            user.email,
            "Your Practice Exchange account is ready",
            f"Hello {user.display_name},\n\nCentre staff have approved your account. Sign in at "
            f"{public_link('auth.signin')}\n",
        )
    else:
        user.status = Status.REJECTED.value
    return {"before": before, "after": {"status": user.status}, "subject_user_id": user.id}


def set_role_and_authority(actor: User, user_id: int, role: str, authority_id: int | None) -> User:
    """Change someone's role or authority (admins). Their open sockets are cut at once, so
    rooms they may no longer read stop reaching them; their pages reload with the new rights."""
    begin_write()
    policy.require(policy.can_manage_people(actor))
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    if user.id == actor.id:
        raise Invalid("You cannot change your own role or authority: ask another admin.", field="role")
    try:
        new_role = Role(role).value
    except ValueError:
        raise Invalid("Choose a role from the list.", field="role") from None
    if authority_id is not None and db.session.get(Authority, authority_id) is None:
        raise Invalid("Choose an authority from the list.", field="authority")
    if new_role == Role.LEAD.value and authority_id is None:
        raise Invalid("A partner lead must belong to an authority.", field="authority")
    changed = (user.role, user.authority_id) != (new_role, authority_id)
    if changed:
        from . import audit

        audit.record(actor, "change_role", "user", user.id, before={"role": user.role, "authority_id": user.authority_id},
                     after={"role": new_role, "authority_id": authority_id}, subject_user_id=user.id)
    user.role, user.authority_id = new_role, authority_id
    db.session.commit()
    if changed:
        realtime.disconnect_user(user.id)
    return user
