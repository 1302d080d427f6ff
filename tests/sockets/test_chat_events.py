"""Chat socket handlers through Flask-SocketIO's test client: wiring, acks, access and revocation."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Message

from ..conftest import PASSWORD, SocketUser
from ..factories import room


@pytest.fixture
def rooms(world):
    return {"network": room(world.topic.id), "own": room(world.topic.id, world.wigan.id),
            "other": room(world.topic.id, world.birmingham.id)}


def test_anonymous_socket_is_refused(app, browser, world):
    browser.refresh_token()
    client = SocketUser(app, browser)
    assert not client.connected


def test_socket_without_the_pages_csrf_token_is_refused(app, new_browser, world):
    b = new_browser()
    b.sign_in(world.member)
    assert not SocketUser(app, b, auth={}).connected
    assert not SocketUser(app, b, auth={"csrf_token": "forged"}).connected
    assert SocketUser(app, b).connected


# Which room kinds each role may join: own authority, other authority, network.
ACCESS = {"member": (True, False, True), "lead": (True, False, True), "moderator": (True, True, True),
          "admin": (True, True, True), "network_member": (False, False, True)}


@pytest.mark.parametrize("role", list(ACCESS))
@pytest.mark.parametrize("kind", ["own", "other", "network"])
def test_role_by_room_kind_join_and_send(app, world, rooms, socket_for, role, kind):
    allowed = ACCESS[role][("own", "other", "network").index(kind)]
    user = getattr(world, role)
    client = socket_for(user)
    target = rooms[kind].id
    join = client.call("chat:join", {"room_id": target})
    send = client.call("chat:send", {"room_id": target, "body": "hello"})
    history = client.call("chat:history", {"room_id": target, "before_seq": 10})
    sync = client.call("chat:sync", {"room_id": target, "since_rev": 0})
    typing = client.call("chat:typing", {"room_id": target, "typing": True})
    results = [join["ok"], send["ok"], history["ok"], sync["ok"], typing["ok"]]
    assert results == [allowed] * 5, results
    if not allowed:
        assert join["error"] == "We could not find that room."
        assert db.session.scalar(select(func.count(Message.id))) == 0


def test_message_reaches_every_member_in_the_room_once_and_nobody_else(app, world, rooms, socket_for):
    sender, reader, outsider = socket_for(world.member), socket_for(world.lead), socket_for(world.outsider)
    for client in (sender, reader):
        assert client.call("chat:join", {"room_id": rooms["own"].id})["ok"]
    assert outsider.call("chat:join", {"room_id": rooms["network"].id})["ok"]
    for client in (sender, reader, outsider):
        client.received()
    ack = sender.call("chat:send", {"room_id": rooms["own"].id, "body": "Team only", "client_id": "c-000000001"})
    assert ack["ok"] and ack["message"]["body"] == "Team only"
    assert [m["id"] for m in reader.received("chat:message")] == [ack["message"]["id"]]
    assert [m["id"] for m in sender.received("chat:message")] == [ack["message"]["id"]]
    assert outsider.received("chat:message") == []


def test_resend_with_same_client_id_is_acknowledged_as_duplicate_and_not_rebroadcast(app, world, rooms, socket_for):
    sender, reader = socket_for(world.member), socket_for(world.lead)
    for client in (sender, reader):
        client.call("chat:join", {"room_id": rooms["own"].id})
        client.received()
    payload = {"room_id": rooms["own"].id, "body": "Once", "client_id": "resend-0001"}
    first, second = sender.call("chat:send", payload), sender.call("chat:send", payload)
    assert first["message"]["id"] == second["message"]["id"] and second["duplicate"]
    assert len(reader.received("chat:message")) == 1


def test_join_with_since_rev_returns_everything_missed_in_order(app, world, rooms, socket_for):
    writer, reader = socket_for(world.lead), socket_for(world.member)
    first = writer.call("chat:send", {"room_id": rooms["own"].id, "body": "one"})["message"]
    writer.call("chat:send", {"room_id": rooms["own"].id, "body": "two"})
    writer.call("chat:edit", {"message_id": first["id"], "body": "one, edited"})
    writer.call("chat:send", {"room_id": rooms["own"].id, "body": "three"})
    ack = reader.call("chat:join", {"room_id": rooms["own"].id, "since_rev": 1})
    assert [(m["body"], m["rev"]) for m in ack["messages"]] == [("two", 2), ("one, edited", 3), ("three", 4)]
    assert ack["room"]["rev"] == 4 and ack["more_changes"] is False


def test_deleted_message_is_removed_from_every_open_client(app, world, rooms, socket_for):
    author, reader = socket_for(world.member), socket_for(world.outsider)
    for client in (author, reader):
        client.call("chat:join", {"room_id": rooms["network"].id})
    message = author.call("chat:send", {"room_id": rooms["network"].id, "body": "Oops"})["message"]
    reader.received()
    assert author.call("chat:delete", {"message_id": message["id"]})["ok"]
    updates = reader.received("chat:update")
    assert updates and updates[0]["deleted"] and updates[0]["html"] == "" and updates[0]["body"] == ""


@pytest.mark.parametrize(
    ("event", "payload", "error"),
    [
        ("chat:join", None, "room_id"),
        ("chat:join", "not a dict", "not understood"),
        ("chat:join", {"room_id": "1"}, "whole number"),
        ("chat:join", {"room_id": 99999}, "could not find"),
        ("chat:send", {"room_id": None, "body": "x"}, "whole number"),
        ("chat:send", {"body": "x"}, "whole number"),
        ("chat:edit", {"message_id": 99999, "body": "x"}, "could not find"),
        ("chat:delete", {"message_id": True}, "whole number"),
        ("chat:read", {"room_id": 1, "seq": -1}, "not a message"),
        ("chat:history", {"room_id": 1, "before_seq": "x"}, "whole number"),
        ("chat:join", {"room_id": 2**70}, "out of range"),
        ("chat:delete", {"message_id": -(2**64)}, "out of range"),
        ("chat:send", {"room_id": 1, "body": "x", "reply_to_id": 2**80}, "not to a message"),
    ],
)
def test_malformed_events_get_a_clear_error_ack(app, world, rooms, socket_for, event, payload, error):
    ack = socket_for(world.member).call(event, payload)
    assert ack["ok"] is False and error in ack["error"]


def test_empty_and_oversized_messages_get_error_acks(app, world, rooms, socket_for):
    client = socket_for(world.member)
    for body, error in (("   ", "cannot be empty"), ("x" * 4001, "4,000")):
        ack = client.call("chat:send", {"room_id": rooms["network"].id, "body": body})
        assert ack == {"ok": False, "error": ack["error"]} and error in ack["error"]


def test_sending_too_fast_gets_an_error_ack(app, world, rooms, socket_for):
    app.config["CHAT_RATE_LIMIT"] = "2/10 seconds"
    client = socket_for(world.member)
    acks = [client.call("chat:send", {"room_id": rooms["network"].id, "body": f"m{i}"}) for i in range(3)]
    assert [a["ok"] for a in acks] == [True, True, False] and "too quickly" in acks[2]["error"]


def test_typing_reaches_others_but_not_the_typist(app, world, rooms, socket_for):
    typist, other = socket_for(world.member), socket_for(world.lead)
    for client in (typist, other):
        client.call("chat:join", {"room_id": rooms["own"].id})
        client.received()
    typist.call("chat:typing", {"room_id": rooms["own"].id, "typing": True})
    assert other.received("chat:typing")[0]["person"]["id"] == world.member.id
    assert typist.received("chat:typing") == []


def test_presence_lists_people_in_the_room(app, world, rooms, socket_for):
    first, second = socket_for(world.member), socket_for(world.lead)
    first.call("chat:join", {"room_id": rooms["own"].id})
    ack = second.call("chat:join", {"room_id": rooms["own"].id})
    assert {p["id"] for p in ack["people"]} == {world.member.id, world.lead.id}
    second.disconnect()
    people = first.received("chat:presence")[-1]["people"]
    assert {p["id"] for p in people} == {world.member.id}


def test_signing_out_cuts_that_browsers_socket_at_once(app, world, rooms, new_browser):
    b = new_browser()
    b.sign_in(world.member)
    client = SocketUser(app, b)
    client.call("chat:join", {"room_id": rooms["network"].id})
    b.post("/signout")
    assert not client.connected


def test_password_change_cuts_other_devices_sockets_but_not_this_one(app, world, rooms, new_browser):
    laptop, phone = new_browser(), new_browser()
    laptop.sign_in(world.member)
    phone.sign_in(world.member)
    laptop_socket, phone_socket = SocketUser(app, laptop), SocketUser(app, phone)
    laptop.post("/account/password", {"current_password": PASSWORD, "new_password": "another long password",
                                      "confirm": "another long password"})
    assert laptop_socket.connected and not phone_socket.connected


def test_a_revoked_sign_in_cannot_act_even_before_its_socket_is_cut(app, world, rooms, socket_for):
    from forum.models import LoginSession, utcnow

    client = socket_for(world.member)
    db.session.execute(LoginSession.__table__.update().values(revoked_at=utcnow()))
    db.session.commit()
    ack = client.call("chat:send", {"room_id": rooms["network"].id, "body": "still here?"})
    assert ack["ok"] is False and "signed out" in ack["error"]
    assert db.session.scalar(select(func.count(Message.id))) == 0


def test_moving_someone_to_another_authority_cuts_their_sockets_and_the_old_room(app, world, rooms, socket_for):
    from forum.services import staff_accounts

    mover, stayer = socket_for(world.member), socket_for(world.lead)
    assert mover.call("chat:join", {"room_id": rooms["own"].id})["ok"]
    stayer.call("chat:join", {"room_id": rooms["own"].id})
    staff_accounts.set_role_and_authority(world.admin, world.member.id, "member", world.birmingham.id)
    assert not mover.connected
    stayer.call("chat:send", {"room_id": rooms["own"].id, "body": "Wigan only now"})
    assert all(m["body"] != "Wigan only now" for m in mover.received("chat:message"))
    again = socket_for(world.member)
    assert again.call("chat:join", {"room_id": rooms["own"].id})["ok"] is False
    assert again.call("chat:join", {"room_id": rooms["other"].id})["ok"] is True


def test_only_admins_change_roles(app, world):
    from forum.errors import Forbidden
    from forum.services import staff_accounts

    with pytest.raises(Forbidden):
        staff_accounts.set_role_and_authority(world.moderator, world.member.id, "admin", None)
    db.session.refresh(world.member)
    assert world.member.role == "member"


# --- the privacy guard ------------------------------------------------------------------------

NHS_TEXT = "Her NHS number is 943 476 5919."


def test_a_flagged_socket_send_is_refused_with_findings_unless_post_anyway_is_true(app, world, rooms, socket_for):
    sender, reader = socket_for(world.member), socket_for(world.outsider)
    room_id = rooms["network"].id
    for client in (sender, reader):
        assert client.call("chat:join", {"room_id": room_id})["ok"]
    reader.received()
    ack = sender.call("chat:send", {"room_id": room_id, "body": NHS_TEXT, "client_id": "sock-client-0001"})
    assert not ack["ok"] and ack["privacy"]["fields"]["body"][0]["kind"] == "nhs_number"
    not_explicit = sender.call("chat:send", {"room_id": room_id, "body": NHS_TEXT, "client_id": "sock-client-0001",
                                             "post_anyway": "true"})
    assert not not_explicit["ok"] and "privacy" in not_explicit
    held = sender.call("chat:send", {"room_id": room_id, "body": NHS_TEXT, "client_id": "sock-client-0001",
                                     "post_anyway": True, "warning_id": ack["privacy"]["warning_id"]})
    assert held["ok"] and held["message"]["held"] and held["message"]["body"] == NHS_TEXT
    assert reader.received("chat:message") == []
    # The author's own channel carries it to their other tabs, with the text and the note.
    [mine] = sender.received("chat:message")
    assert mine["held"] and mine["body"] == NHS_TEXT
    assert reader.call("chat:sync", {"room_id": room_id, "since_rev": 0})["messages"] == []
    history = sender.call("chat:history", {"room_id": room_id, "before_seq": 100})
    assert [m["id"] for m in history["messages"]] == [held["message"]["id"]]


def test_approving_a_held_message_delivers_it_live_once(app, world, rooms, socket_for):
    from forum.models import QueueItem
    from forum.services import queue

    sender, reader = socket_for(world.member), socket_for(world.outsider)
    room_id = rooms["network"].id
    for client in (sender, reader):
        client.call("chat:join", {"room_id": room_id})
    held = sender.call("chat:send", {"room_id": room_id, "body": NHS_TEXT, "client_id": "sock-client-0002",
                                     "post_anyway": True})
    reader.received()
    item = db.session.scalar(select(QueueItem).where(QueueItem.kind == "held_message"))
    queue.resolve(world.moderator, item.id, "approve", "")
    delivered = reader.received("chat:message")
    assert [m["id"] for m in delivered] == [held["message"]["id"]]
    assert delivered[0]["body"] == NHS_TEXT and not delivered[0]["held"]
