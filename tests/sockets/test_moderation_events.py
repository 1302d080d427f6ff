"""Moderation reaching open sockets: deleted messages vanish, silenced sends are refused,
suspension cuts every socket, slow mode holds per person. (Two processes: tests/live.)"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import AuditEntry, Message
from forum.services import moderation, sanctions

from ..factories import room


@pytest.fixture
def rooms(world):
    return {"network": room(world.topic.id), "wigan": room(world.topic.id, world.wigan.id)}


def test_message_deleted_by_a_moderator_vanishes_from_other_clients_and_is_audited(app, world, rooms, socket_for):
    author, reader, mod = socket_for(world.outsider), socket_for(world.member), socket_for(world.moderator)
    for client in (author, reader, mod):
        assert client.call("chat:join", {"room_id": rooms["network"].id})["ok"]
    sent = author.call("chat:send", {"room_id": rooms["network"].id, "body": "Something unkind"})["message"]
    reader.received()
    assert mod.call("chat:delete", {"message_id": sent["id"]})["ok"]
    [update] = reader.received("chat:update")
    assert update["id"] == sent["id"] and update["deleted"] and update["body"] == ""
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.target_id, entry.subject_user_id) == ("delete_message", sent["id"], world.outsider.id)


def test_member_cannot_delete_someone_elses_message(app, world, rooms, socket_for):
    author, other = socket_for(world.lead), socket_for(world.member)
    sent = author.call("chat:send", {"room_id": rooms["network"].id, "body": "Mine"})["message"]
    ack = other.call("chat:delete", {"message_id": sent["id"]})
    assert not ack["ok"] and "cannot delete" in ack["error"]
    assert db.session.get(Message, sent["id"]).deleted_at is None


def test_lead_deletes_messages_in_their_authoritys_room_only(app, world, rooms, socket_for):
    member, lead = socket_for(world.member), socket_for(world.lead)
    own = member.call("chat:send", {"room_id": rooms["wigan"].id, "body": "Wigan room"})["message"]
    net = member.call("chat:send", {"room_id": rooms["network"].id, "body": "Network room"})["message"]
    assert lead.call("chat:delete", {"message_id": own["id"]})["ok"]
    assert not lead.call("chat:delete", {"message_id": net["id"]})["ok"]


def test_silenced_users_send_is_refused_with_the_reason(app, world, rooms, socket_for):
    client = socket_for(world.outsider)
    assert client.call("chat:join", {"room_id": rooms["network"].id})["ok"]
    sanctions.silence(world.moderator, world.outsider.id, "24", "Cooling off")
    ack = client.call("chat:send", {"room_id": rooms["network"].id, "body": "Still here"})
    assert not ack["ok"] and "paused your posting" in ack["error"] and "Cooling off" in ack["error"]
    assert client.call("chat:sync", {"room_id": rooms["network"].id, "since_rev": 0})["ok"]  # reading goes on
    assert db.session.scalar(select(func.count(Message.id))) == 0


def test_suspension_cuts_every_open_socket_of_that_person_at_once(app, world, rooms, socket_for):
    first, second, bystander = socket_for(world.outsider), socket_for(world.outsider), socket_for(world.member)
    assert first.connected and second.connected
    sanctions.suspend(world.moderator, world.outsider.id, "24", "Repeated attacks")
    assert not first.connected and not second.connected
    assert bystander.connected


def test_room_slow_mode_refuses_a_second_message_but_not_a_moderators(app, world, rooms, socket_for):
    moderation.set_room_slow_mode(world.moderator, rooms["network"].id, 60)
    member, mod = socket_for(world.member), socket_for(world.moderator)
    assert member.call("chat:send", {"room_id": rooms["network"].id, "body": "one"})["ok"]
    ack = member.call("chat:send", {"room_id": rooms["network"].id, "body": "two"})
    assert not ack["ok"] and "Slow mode" in ack["error"]
    assert all(mod.call("chat:send", {"room_id": rooms["network"].id, "body": f"staff {i}"})["ok"] for i in range(2))


def test_watched_words_apply_to_chat(app, world, rooms, socket_for):
    from forum.services import watchwords

    watchwords.add_word(world.moderator, "idiot", "block")
    watchwords.add_word(world.moderator, "dept", "replace", "department")
    client = socket_for(world.member)
    ack = client.call("chat:send", {"room_id": rooms["network"].id, "body": "what an idiot"})
    assert not ack["ok"] and "not allowed" in ack["error"]
    ack = client.call("chat:send", {"room_id": rooms["network"].id, "body": "ask the dept"})
    assert ack["ok"] and ack["message"]["body"] == "ask the department"
