"""Chat through the services: access by space, idempotent sends, ordering, edits, unread."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum import realtime
from forum.errors import Forbidden, Invalid, NotFound, RateLimited
from forum.extensions import db
from forum.models import Message
from forum.services import chat

from ..factories import room


@pytest.fixture
def events():
    captured: list[tuple[str, dict, str]] = []
    stop = realtime.capture(lambda name, payload, to: captured.append((name, payload, to)))
    yield captured
    stop()


@pytest.fixture
def rooms(world):
    return {"network": room(world.topic.id), "wigan": room(world.topic.id, world.wigan.id),
            "birmingham": room(world.topic.id, world.birmingham.id)}


def test_member_sees_network_and_own_authority_rooms_only(app, world, rooms):
    ids = {summary.room.id for summary in chat.rooms_for(world.member)}
    assert ids == {rooms["network"].id, rooms["wigan"].id}
    assert {s.room.id for s in chat.rooms_for(world.moderator)} == {r.id for r in rooms.values()}
    assert {s.room.id for s in chat.rooms_for(world.network_member)} == {rooms["network"].id}


@pytest.mark.parametrize("action", ["read", "send", "history", "sync", "mark_read"])
def test_member_of_other_authority_cannot_touch_partner_room(app, world, rooms, action):
    target = rooms["wigan"].id
    calls = {
        "read": lambda: chat.get_room(world.outsider, target),
        "send": lambda: chat.send_message(world.outsider, target, "let me in"),
        "history": lambda: chat.recent(world.outsider, target),
        "sync": lambda: chat.changes_since(world.outsider, target, 0),
        "mark_read": lambda: chat.mark_read(world.outsider, target, 0),
    }
    with pytest.raises(NotFound):
        calls[action]()
    assert db.session.scalar(select(func.count(Message.id))) == 0


def test_message_is_stored_numbered_and_broadcast_after_commit(app, world, rooms, events):
    message, created = chat.send_message(world.member, rooms["network"].id, "Hello **all**")
    assert created and message.seq == 1 and message.rev == 1
    assert "<strong>all</strong>" in message.body_html
    assert [(name, to) for name, _, to in events] == [("chat:message", f"room:{rooms['network'].id}")]
    assert events[0][1]["id"] == message.id


def test_resend_with_same_client_id_stores_and_broadcasts_once(app, world, rooms, events):
    first, created = chat.send_message(world.member, rooms["network"].id, "Hi", client_id="abc12345-xyz")
    again, created_again = chat.send_message(world.member, rooms["network"].id, "Hi", client_id="abc12345-xyz")
    assert created and not created_again and first.id == again.id
    assert db.session.scalar(select(func.count(Message.id))) == 1
    assert len(events) == 1


def test_same_client_id_from_two_people_are_two_messages(app, world, rooms):
    chat.send_message(world.member, rooms["network"].id, "Hi", client_id="abc12345-xyz")
    chat.send_message(world.outsider, rooms["network"].id, "Hi", client_id="abc12345-xyz")
    assert db.session.scalar(select(func.count(Message.id))) == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "cannot be empty"), ("   \n\t ", "cannot be empty"), ("x" * 4001, "4,000"), (None, "Write a message"),
     (["list"], "Write a message"), ({"a": 1}, "Write a message")],
)
def test_bad_messages_are_refused_clearly(app, world, rooms, body, message, events):
    with pytest.raises(Invalid, match=message):
        chat.send_message(world.member, rooms["network"].id, body)
    assert events == []


@pytest.mark.parametrize("client_id", ["short", "x" * 65, "has space!", 12345, "../../etc"])
def test_bad_client_ids_are_refused(app, world, rooms, client_id):
    with pytest.raises(Invalid):
        chat.send_message(world.member, rooms["network"].id, "Hi", client_id=client_id)


def test_sending_too_fast_is_refused_with_a_message_not_dropped(app, world, rooms):
    app.config["CHAT_RATE_LIMIT"] = "3/10 seconds"
    for i in range(3):
        chat.send_message(world.member, rooms["network"].id, f"Message {i}")
    with pytest.raises(RateLimited, match="too quickly"):
        chat.send_message(world.member, rooms["network"].id, "One too many")
    assert db.session.scalar(select(func.count(Message.id))) == 3


def test_reply_must_be_to_a_message_in_the_same_room(app, world, rooms):
    other, _ = chat.send_message(world.member, rooms["wigan"].id, "Elsewhere")
    with pytest.raises(Invalid, match="not to a message in this room"):
        chat.send_message(world.member, rooms["network"].id, "Re", reply_to_id=other.id)
    original, _ = chat.send_message(world.member, rooms["network"].id, "Original")
    reply, _ = chat.send_message(world.outsider, rooms["network"].id, "Re", reply_to_id=original.id)
    assert chat.serialize(reply)["reply_to"]["excerpt"] == "Original"


def test_edit_and_delete_move_the_rooms_revision_and_sync_returns_them(app, world, rooms, events):
    first, _ = chat.send_message(world.member, rooms["network"].id, "One")
    second, _ = chat.send_message(world.outsider, rooms["network"].id, "Two")
    chat.edit_message(world.member, first.id, "One, edited")
    chat.delete_message(world.outsider, second.id)
    changes, more, rev = chat.changes_since(world.member, rooms["network"].id, 2)
    assert rev == 4 and not more
    assert [(m.id, m.rev) for m in changes] == [(first.id, 3), (second.id, 4)]
    payloads = [p for name, p, _ in events if name == "chat:update"]
    assert payloads[0]["body"] == "One, edited" and payloads[0]["edited"]
    assert payloads[1]["deleted"] and payloads[1]["body"] == "" and payloads[1]["html"] == ""


def test_only_the_author_edits_and_moderators_may_delete(app, world, rooms):
    message, _ = chat.send_message(world.member, rooms["wigan"].id, "Mine")
    with pytest.raises(Forbidden):
        chat.edit_message(world.lead, message.id, "Changed")
    with pytest.raises(Forbidden):
        chat.edit_message(world.moderator, message.id, "Changed by staff")
    chat.delete_message(world.lead, message.id)
    assert db.session.get(Message, message.id).deleted_at is not None


def test_member_cannot_delete_someone_elses_message(app, world, rooms):
    message, _ = chat.send_message(world.outsider, rooms["network"].id, "Theirs")
    with pytest.raises(Forbidden):
        chat.delete_message(world.member, message.id)


def test_history_pages_backwards(app, world, rooms):
    app.config["CHAT_RATE_LIMIT"] = "100/10 seconds"
    for i in range(60):
        chat.send_message(world.moderator, rooms["network"].id, f"Message {i}")
    latest, more = chat.recent(world.member, rooms["network"].id)
    assert [m.seq for m in latest] == list(range(11, 61)) and more
    older, more = chat.recent(world.member, rooms["network"].id, before_seq=11)
    assert [m.seq for m in older] == list(range(1, 11)) and not more


def test_unread_counts_others_messages_after_the_read_marker(app, world, rooms):
    app.config["CHAT_RATE_LIMIT"] = "100/10 seconds"
    for i in range(3):
        chat.send_message(world.outsider, rooms["network"].id, f"Hi {i}")
    chat.send_message(world.member, rooms["network"].id, "My own")  # sending marks read
    chat.send_message(world.outsider, rooms["network"].id, "After mine")
    unread = {s.room.id: s.unread for s in chat.rooms_for(world.member)}
    assert unread[rooms["network"].id] == 1
    chat.mark_read(world.member, rooms["network"].id, 5)
    assert {s.room.id: s.unread for s in chat.rooms_for(world.member)}[rooms["network"].id] == 0
    chat.mark_read(world.member, rooms["network"].id, 1)  # never moves back
    assert chat.last_read_seq(world.member, rooms["network"].id) == 5


def test_nothing_is_broadcast_when_the_transaction_rolls_back(app, world, rooms, events):
    realtime.emit_after_commit("chat:message", {"x": 1}, "room:1")
    db.session.rollback()
    db.session.commit()
    assert events == []


def test_nul_and_lone_surrogates_are_stored_as_replacement_characters(app, world):
    network = room(world.topic.id)
    message, _ = chat.send_message(world.member, network.id, "a\x00b \ud800 c")
    db.session.expire_all()
    assert db.session.get(Message, message.id).body == "a\ufffdb \ufffd c"
