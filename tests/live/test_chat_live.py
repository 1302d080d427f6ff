"""Live chat against the real server (gunicorn, gevent) with real Socket.IO clients over websocket."""

from __future__ import annotations

import time
import uuid

import pytest
import socketio

from .conftest import Person, room_id

pytestmark = pytest.mark.live


def test_anonymous_connection_is_refused(live_server):
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(live_server.base_url, transports=["websocket"], wait_timeout=5)


def test_connection_with_a_wrong_csrf_token_is_refused(live_server):
    person = Person(live_server, "member.wigan")
    with pytest.raises(socketio.exceptions.ConnectionError):
        person.socket(token="not-the-page-token")


def test_connection_from_a_foreign_origin_is_refused(live_server):
    person = Person(live_server, "member.wigan")
    with pytest.raises(socketio.exceptions.ConnectionError):
        person.socket(origin="http://evil.example")
    same_site = person.socket()  # the client's own Origin header is this server's
    assert same_site.connected
    same_site.close()


def test_message_reaches_every_member_once_and_nobody_else(live_server):
    sender_person, reader_person, outsider_person = (
        Person(live_server, "member.wigan"), Person(live_server, "lead.wigan"), Person(live_server, "member.birmingham"))
    wigan = room_id(sender_person, "wigan-team")
    network = room_id(sender_person, "supporting-social-workers")
    sender, reader, outsider = sender_person.socket(), reader_person.socket(), outsider_person.socket()
    try:
        assert sender.call("chat:join", {"room_id": wigan})["ok"]
        assert reader.call("chat:join", {"room_id": wigan})["ok"]
        assert outsider.call("chat:join", {"room_id": network})["ok"]
        body = f"Team huddle moved {uuid.uuid4().hex[:6]}"
        ack = sender.call("chat:send", {"room_id": wigan, "body": body, "client_id": uuid.uuid4().hex})
        assert ack["ok"]
        got = reader.wait_for("chat:message")
        assert [m["body"] for m in got] == [body]
        time.sleep(0.5)  # anything that was going to arrive twice, or leak, has had time to
        assert [m["body"] for m in reader.received("chat:message")] == [body]
        assert [m["body"] for m in sender.received("chat:message")] == [body]
        assert outsider.received("chat:message") == []
    finally:
        for client in (sender, reader, outsider):
            client.close()


def test_other_authority_cannot_join_read_or_send_to_partner_room_by_any_route(live_server):
    outsider_person = Person(live_server, "member.birmingham")
    wigan = room_id(Person(live_server, "member.wigan"), "wigan-team")
    outsider = outsider_person.socket()
    try:
        for event, payload in [("chat:join", {"room_id": wigan}), ("chat:join", {"room_id": wigan, "since_rev": 0}),
                               ("chat:history", {"room_id": wigan, "before_seq": 1000}),
                               ("chat:sync", {"room_id": wigan, "since_rev": 0}),
                               ("chat:send", {"room_id": wigan, "body": "let me in"}),
                               ("chat:typing", {"room_id": wigan, "typing": True}),
                               ("chat:read", {"room_id": wigan, "seq": 1})]:
            ack = outsider.call(event, payload)
            assert ack["ok"] is False, (event, ack)
        assert outsider.received("chat:message") == []
    finally:
        outsider.close()
    assert outsider_person.http.get(live_server.url("/rooms/wigan-team")).status_code == 404
    token = outsider_person.page_token()
    response = outsider_person.http.post(live_server.url("/rooms/wigan-team/messages"),
                                         data={"csrf_token": token, "body": "let me in"})
    assert response.status_code == 404


def test_signed_out_users_open_socket_stops_receiving_at_once(live_server):
    leaver_person, writer_person = Person(live_server, "member.wigan"), Person(live_server, "lead.wigan")
    wigan = room_id(writer_person, "wigan-team")
    leaver, writer = leaver_person.socket(), writer_person.socket()
    try:
        assert leaver.call("chat:join", {"room_id": wigan})["ok"]
        leaver_person.sign_out()
        assert leaver.wait_disconnected(timeout=5)
        writer.call("chat:send", {"room_id": wigan, "body": "after you left"})
        time.sleep(0.5)
        assert all(m["body"] != "after you left" for m in leaver.received("chat:message"))
    finally:
        writer.close()
        leaver.close()


def test_reconnect_with_last_seen_rev_catches_up_without_loss_or_duplicates(live_server):
    reader_person, writer_person = Person(live_server, "member.birmingham"), Person(live_server, "moderator")
    network = room_id(reader_person, "using-evidence")
    reader, writer = reader_person.socket(), writer_person.socket()
    seen: dict[int, dict] = {}
    try:
        joined = reader.call("chat:join", {"room_id": network})
        rev = joined["room"]["rev"]
        first = writer.call("chat:send", {"room_id": network, "body": "before the tunnel"})["message"]
        for message in reader.wait_for("chat:message"):
            seen[message["id"]] = message
            rev = max(rev, message["rev"])
        reader.close()  # the train goes into a tunnel

        sent = [writer.call("chat:send", {"room_id": network, "body": f"while away {i}"})["message"] for i in range(5)]
        writer.call("chat:edit", {"message_id": first["id"], "body": "before the tunnel (edited)"})
        writer.call("chat:delete", {"message_id": sent[2]["id"]})

        back = reader_person.socket()
        caught_up = back.call("chat:join", {"room_id": network, "since_rev": rev})
        assert caught_up["ok"] and caught_up["more_changes"] is False
        ids = [m["id"] for m in caught_up["messages"]]
        assert len(ids) == len(set(ids)), "a change was delivered twice"
        for message in caught_up["messages"]:
            seen[message["id"]] = message
        assert [seen[m["id"]]["body"] for m in sent if m["id"] != sent[2]["id"]] == [
            "while away 0", "while away 1", "while away 3", "while away 4"]
        assert seen[sent[2]["id"]]["deleted"] is True
        assert seen[first["id"]]["body"] == "before the tunnel (edited)"
        back.close()
    finally:
        writer.close()


def test_resend_with_the_same_client_id_stores_one_message(live_server):
    person = Person(live_server, "member.wigan")
    network = room_id(person, "supervision")
    client = person.socket()
    try:
        client.call("chat:join", {"room_id": network})
        payload = {"room_id": network, "body": "sent twice over a flaky line", "client_id": uuid.uuid4().hex}
        first = client.call("chat:send", payload)
        client.close()
        again = person.socket()  # the ack was lost; the page resends from its outbox
        again.call("chat:join", {"room_id": network})
        second = again.call("chat:send", payload)
        assert first["message"]["id"] == second["message"]["id"] and second["duplicate"] is True
        history = again.call("chat:history", {"room_id": network, "before_seq": 10_000})
        assert [m["body"] for m in history["messages"]].count("sent twice over a flaky line") == 1
        again.close()
    finally:
        client.close()


def test_bad_payloads_over_the_wire_get_error_acks_and_the_socket_survives(live_server):
    person = Person(live_server, "member.wigan")
    client = person.socket()
    try:
        for payload in ([1, 2, 3], "text", {"room_id": "x"}, {"room_id": 10**12}, {"room_id": -1}):
            ack = client.call("chat:join", payload)
            assert ack["ok"] is False and ack["error"]
        big = client.call("chat:send", {"room_id": 1, "body": "x" * 5000})
        assert big["ok"] is False and "4,000" in big["error"]
        assert client.connected
    finally:
        client.close()
