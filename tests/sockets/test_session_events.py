"""Session events over Socket.IO: acks for the room's hours, host-only controls, removal cuts sockets."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from forum import clock
from forum.services import sessions

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen(app):
    return clock.freeze(app, NOW)


@pytest.fixture
def session(app, world, frozen):
    """A Wigan session with a Wigan member going (holding a place in the room)."""
    created = sessions.schedule(world.lead, sessions.SessionForm(
        "Reflective drop-in", "", "1. Welcome", world.topic.id, world.wigan.id, False,
        datetime(2027, 3, 10, 14, 0), 60, 10))
    sessions.rsvp(world.member, created.id, "going")
    return created


def test_sending_before_the_room_opens_gets_a_clear_error_ack(app, world, session, socket_for):
    member = socket_for(world.member)
    assert member.call("chat:join", {"room_id": session.room_id})["ok"]
    ack = member.call("chat:send", {"room_id": session.room_id, "body": "Hello?"})
    assert ack["ok"] is False and "opens at 14:00" in ack["error"]


def test_host_controls_refuse_participants_and_work_for_hosts(app, world, session, socket_for, frozen):
    frozen.set(session.starts_at)
    member, host = socket_for(world.member), socket_for(world.lead)
    for event, payload in [("session:end", {}), ("session:lock", {"locked": True}), ("session:extend", {"minutes": 5}),
                           ("session:mute", {"user_id": world.outsider.id}), ("session:agenda", {})]:
        ack = member.call(event, {"session_id": session.id, **payload})
        assert ack["ok"] is False and "hosts" in ack["error"], event
    ack = host.call("session:lock", {"session_id": session.id, "locked": True})
    assert ack["ok"] and ack["state"]["locked"] is True


def test_watchers_receive_state_changes_live(app, world, session, socket_for, frozen):
    frozen.set(session.starts_at.replace(hour=13, minute=50))
    watcher, host = socket_for(world.member), socket_for(world.lead)
    assert watcher.call("session:watch", {"session_id": session.id})["state"]["phase"] == "upcoming"
    host.call("session:open", {"session_id": session.id})
    states = watcher.received("session:state")
    assert states and states[-1]["phase"] == "open"


def test_muted_participants_send_is_refused(app, world, session, socket_for, frozen):
    frozen.set(session.starts_at)
    member, host = socket_for(world.member), socket_for(world.lead)
    member.call("chat:join", {"room_id": session.room_id})
    assert host.call("session:mute", {"session_id": session.id, "user_id": world.member.id})["ok"]
    ack = member.call("chat:send", {"room_id": session.room_id, "body": "Let me speak"})
    assert ack["ok"] is False and "muted" in ack["error"]


def test_removed_participants_socket_stops_receiving_at_once(app, world, session, socket_for, frozen):
    frozen.set(session.starts_at)
    member, host = socket_for(world.member), socket_for(world.lead)
    assert member.call("chat:join", {"room_id": session.room_id})["ok"]
    assert host.call("session:remove", {"session_id": session.id, "user_id": world.member.id})["ok"]
    assert not member.connected
    host.call("chat:send", {"room_id": session.room_id, "body": "After removal"})
    assert all(m["body"] != "After removal" for m in member.received("chat:message"))
    again = socket_for(world.member)
    assert again.call("chat:join", {"room_id": session.room_id})["ok"] is False


def test_hands_reach_hosts_in_order(app, world, session, socket_for, frozen):
    sessions.rsvp(world.network_member, session.id, "going")
    frozen.set(session.starts_at)
    host, first, second = socket_for(world.lead), socket_for(world.member), socket_for(world.network_member)
    host.call("session:watch", {"session_id": session.id})
    first.call("session:hand", {"session_id": session.id, "raised": True})
    frozen.advance(seconds=3)
    second.call("session:hand", {"session_id": session.id, "raised": True})
    hands = host.received("session:state")[-1]["hands"]
    assert [h["id"] for h in hands] == [world.member.id, world.network_member.id]
