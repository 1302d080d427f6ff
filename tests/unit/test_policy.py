"""The permission table: every role x action x space, read straight from policy.py.

Spaces are seen from a Wigan user: their own authority (Wigan), another authority
(Birmingham), and the network. Expected answers are written out by hand, cell by cell.
"""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from forum import policy
from forum.models import Post, Role, Status, Thread, User

WIGAN, BIRMINGHAM = 1, 2
SPACES = {"own": WIGAN, "other": BIRMINGHAM, "network": None}
T, F = True, False


def person(role: str, uid: int = 10, status: str = Status.ACTIVE.value, authority_id: int | None = WIGAN) -> User:
    return User(id=uid, role=role, status=status, authority_id=authority_id)


def thread_in(space: str, author_id: int = 99, locked: bool = False, kind: str = "discussion") -> Thread:
    return Thread(id=1, authority_id=SPACES[space], author_id=author_id, locked=locked, kind=kind, deleted=False)


def post_in(thread: Thread, author_id: int, number: int = 2) -> Post:
    post = Post(id=5, thread_id=thread.id, author_id=author_id, number=number, deleted_at=None)
    post.thread = thread
    return post


def _read(u, s):
    return policy.can_read_thread(u, thread_in(s))


def _start(u, s):
    return policy.can_post_in_space(u, SPACES[s])


def _reply(u, s):
    return policy.can_reply(u, thread_in(s))


def _reply_locked(u, s):
    return policy.can_reply(u, thread_in(s, locked=True))


def _edit_own(u, s):
    return policy.can_edit_post(u, post_in(thread_in(s), author_id=u.id))


def _edit_own_locked(u, s):
    return policy.can_edit_post(u, post_in(thread_in(s, locked=True), author_id=u.id))


def _edit_others(u, s):
    return policy.can_edit_post(u, post_in(thread_in(s), author_id=99))


def _delete_others(u, s):
    return policy.can_delete_post(u, post_in(thread_in(s), author_id=99))


def _helpful_others(u, s):
    return policy.can_mark_helpful(u, post_in(thread_in(s), author_id=99))


def _helpful_own(u, s):
    return policy.can_mark_helpful(u, post_in(thread_in(s), author_id=u.id))


def _accept_own_question(u, s):
    return policy.can_accept_answer(u, thread_in(s, author_id=u.id, kind="question"))


def _accept_others_question(u, s):
    return policy.can_accept_answer(u, thread_in(s, author_id=99, kind="question"))


def _accept_on_discussion(u, s):
    return policy.can_accept_answer(u, thread_in(s, author_id=u.id, kind="discussion"))


def _pin_lock(u, s):
    return policy.can_moderate_thread(u, thread_in(s))


def _moderate_space(u, s):
    return policy.moderates_space(u, SPACES[s])


def _move_here_from_own(u, s):
    return policy.can_move_thread(u, thread_in("own"), SPACES[s])


def _see_hidden_post(u, s):
    post = post_in(thread_in(s), author_id=99)
    post.hidden_at = object()
    return policy.can_see_post_body(u, post)


def _see_others_held_post(u, s):
    post = post_in(thread_in(s), author_id=99)
    post.held_at = object()
    return policy.can_see_post(u, post)


def _see_own_held_post(u, s):
    post = post_in(thread_in(s), author_id=u.id)
    post.held_at = object()
    return policy.can_see_post(u, post)


def _act_on_report_in(u, s):
    from forum.models import QueueItem

    return policy.can_act_on_item(u, QueueItem(kind="report", target_kind="post", authority_id=SPACES[s]))


def _delete_others_message(u, s):
    from forum.models import Message, Room

    message = Message(author_id=99, deleted_at=None)
    message.room = Room(authority_id=SPACES[s], archived=False, kind="standing")
    return policy.can_delete_message(u, message)


READ_LIKE = {"member": (T, F, T), "lead": (T, F, T), "moderator": (T, T, T), "admin": (T, T, T)}
MODERATE = {"member": (F, F, F), "lead": (T, F, F), "moderator": (T, T, T), "admin": (T, T, T)}
NOBODY = {"member": (F, F, F), "lead": (F, F, F), "moderator": (F, F, F), "admin": (F, F, F)}

TABLE = {
    "read thread": (_read, READ_LIKE),
    "start thread": (_start, READ_LIKE),
    "reply": (_reply, READ_LIKE),
    "reply to locked thread": (_reply_locked, MODERATE),
    "edit own post": (_edit_own, READ_LIKE),
    "edit own post in locked thread": (_edit_own_locked, MODERATE),
    "edit someone else's post": (_edit_others, MODERATE),
    "delete someone else's post": (_delete_others, MODERATE),
    "mark someone else's post helpful": (_helpful_others, READ_LIKE),
    "mark own post helpful": (_helpful_own, NOBODY),
    "accept answer on own question": (_accept_own_question, READ_LIKE),
    "accept answer on someone else's question": (_accept_others_question, MODERATE),
    "accept answer on a discussion": (_accept_on_discussion, NOBODY),
    "pin or lock": (_pin_lock, MODERATE),
    "moderate space": (_moderate_space, MODERATE),
    "move a thread from own authority to here": (_move_here_from_own, MODERATE),
    "see a hidden post's text": (_see_hidden_post, MODERATE),
    "see someone else's held post": (_see_others_held_post, MODERATE),
    "see own held post": (_see_own_held_post, READ_LIKE),
    "resolve a report about a post here": (_act_on_report_in, MODERATE),
    "delete someone else's chat message": (_delete_others_message, MODERATE),
}

CELLS = [
    pytest.param(action, role, space, expected[role][i], id=f"{role}-{action}-{space}")
    for action, (_check, expected) in TABLE.items()
    for role in ("member", "lead", "moderator", "admin")
    for i, space in enumerate(("own", "other", "network"))
]


@pytest.mark.parametrize(("action", "role", "space", "allowed"), CELLS)
def test_role_action_space_table(action, role, space, allowed):
    check, _ = TABLE[action]
    assert check(person(role), space) is allowed


@pytest.mark.parametrize("action", list(TABLE))
@pytest.mark.parametrize("space", list(SPACES))
def test_signed_out_visitor_can_do_nothing(action, space):
    check, _ = TABLE[action]
    anonymous = AnonymousUserMixin()
    anonymous.id = None
    assert check(anonymous, space) is False


@pytest.mark.parametrize("status", [Status.PENDING_EMAIL.value, Status.PENDING_APPROVAL.value, Status.REJECTED.value])
@pytest.mark.parametrize("action", list(TABLE))
def test_inactive_account_can_do_nothing_even_as_admin(action, status):
    check, _ = TABLE[action]
    assert check(person(Role.ADMIN.value, status=status), "network") is False


@pytest.mark.parametrize(("role", "allowed"), [("member", F), ("lead", F), ("moderator", T), ("admin", T)])
def test_only_centre_staff_review_pending_accounts(role, allowed):
    assert policy.can_review_accounts(person(role)) is allowed


def test_lead_without_authority_moderates_nothing():
    lead = person(Role.LEAD.value, authority_id=None)
    assert not policy.moderates_space(lead, None)
    assert not policy.moderates_space(lead, WIGAN)


def test_network_member_reads_network_only():
    member = person(Role.MEMBER.value, authority_id=None)
    assert policy.can_read_space(member, None)
    assert not policy.can_read_space(member, WIGAN)


def test_deleted_thread_is_unreadable_to_everyone():
    thread = thread_in("network")
    thread.deleted = True
    for role in ("member", "lead", "moderator", "admin"):
        assert not policy.can_read_thread(person(role), thread)


def test_deleted_post_cannot_be_edited_or_marked():
    thread = thread_in("network")
    post = post_in(thread, author_id=10)
    post.deleted_at = object()
    assert not policy.can_edit_post(person("member"), post)
    assert not policy.can_mark_helpful(person("member", uid=11), post)


# Actions that do not depend on a space: member, lead, moderator, admin.
PEOPLE_TABLE = {
    "review the queue": (policy.can_review_queue, (F, T, T, T)),
    "manage watched words": (policy.can_manage_words, (F, F, T, T)),
    "read the audit log": (policy.can_view_audit, (F, F, T, T)),
    "read moderation history and notes": (policy.can_view_moderation_history, (F, F, T, T)),
    "manage authorities and topics": (policy.can_manage_spaces, (F, F, F, T)),
    "change roles": (policy.can_manage_people, (F, F, F, T)),
}


@pytest.mark.parametrize("role_index,role", list(enumerate(("member", "lead", "moderator", "admin"))))
@pytest.mark.parametrize("action", list(PEOPLE_TABLE))
def test_role_action_table_for_staff_tools(action, role_index, role):
    check, expected = PEOPLE_TABLE[action]
    assert check(person(role)) is expected[role_index]


@pytest.mark.parametrize(("actor", "target", "allowed"), [
    ("member", "member", F), ("lead", "member", F), ("moderator", "member", T), ("admin", "member", T),
    ("moderator", "lead", T), ("moderator", "moderator", F), ("moderator", "admin", F), ("admin", "moderator", T),
])
def test_who_may_silence_or_suspend_whom(actor, target, allowed):
    assert policy.can_sanction(person(actor, uid=1), person(target, uid=2)) is allowed


def test_nobody_sanctions_themselves():
    admin = person(Role.ADMIN.value, uid=1)
    assert not policy.can_sanction(admin, admin)


def test_silenced_member_reads_but_cannot_start_reply_or_chat():
    from datetime import timedelta

    from forum.models import Room, utcnow

    member = person(Role.MEMBER.value)
    member.silenced_until = utcnow() + timedelta(hours=1)
    assert policy.can_read_thread(member, thread_in("network"))
    assert not policy.can_reply(member, thread_in("network"))
    assert not policy.can_post_in_space(member, None)
    assert not policy.can_send_in_room(member, Room(authority_id=None, archived=False, kind="standing"))


def test_suspended_account_can_do_nothing():
    from datetime import timedelta

    from forum.models import utcnow

    admin = person(Role.ADMIN.value)
    admin.suspended_at, admin.suspended_until = utcnow(), utcnow() + timedelta(days=1)
    for action in TABLE:
        assert TABLE[action][0](admin, "network") is False
