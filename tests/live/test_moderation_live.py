"""Moderation reaching real sockets on the real server: deletions vanish, silence refuses, suspension cuts."""

from __future__ import annotations

import re
import uuid

import pytest

from .conftest import Person, room_id

pytestmark = pytest.mark.live

_FORM_TOKEN = re.compile(r'name="[\w-]*csrf_token"[^>]*value="([^"]+)"')


def staff_post(person: Person, page: str, data: dict) -> int:
    """Submit a staff form the way the page does: its CSRF token, its fields."""
    token = _FORM_TOKEN.search(person.http.get(person.server.url(page)).text).group(1)
    response = person.http.post(person.server.url(page), data={"csrf_token": token, **data}, allow_redirects=False)
    return response.status_code


def test_message_deleted_by_a_moderator_vanishes_from_other_clients(live_server):
    author_person, reader_person, moderator_person = (
        Person(live_server, "member.wigan"), Person(live_server, "lead.wigan"), Person(live_server, "moderator"))
    room = room_id(author_person, "supporting-social-workers")
    author, reader, moderator = author_person.socket(), reader_person.socket(), moderator_person.socket()
    try:
        for client in (author, reader, moderator):
            assert client.call("chat:join", {"room_id": room})["ok"]
        sent = author.call("chat:send", {"room_id": room, "body": f"Regrettable {uuid.uuid4().hex[:6]}"})["message"]
        assert reader.wait_for("chat:message")
        assert moderator.call("chat:delete", {"message_id": sent["id"]})["ok"]
        [update] = [u for u in reader.wait_for("chat:update") if u["id"] == sent["id"]]
        assert update["deleted"] and update["body"] == "" and update["html"] == ""
    finally:
        for client in (author, reader, moderator):
            client.close()


def test_silenced_persons_open_socket_can_read_but_not_send(live_server):
    member, moderator = Person(live_server, "member.birmingham"), Person(live_server, "moderator")
    room = room_id(member, "supporting-social-workers")
    client = member.socket()
    try:
        assert client.call("chat:join", {"room_id": room})["ok"]
        assert staff_post(moderator, "/moderation/people/member.birmingham",
                          {"which": "silence", "silence-duration": "1", "silence-reason": "Cooling off"}) == 302
        ack = client.call("chat:send", {"room_id": room, "body": "Still talking"})
        assert ack["ok"] is False and "Cooling off" in ack["error"]
        assert client.call("chat:sync", {"room_id": room, "since_rev": 0})["ok"]
    finally:
        client.close()


def test_suspension_cuts_the_persons_open_sockets(live_server):
    """Runs last in this module: it leaves lead.wigan suspended on this module's server."""
    member, moderator = Person(live_server, "lead.wigan"), Person(live_server, "admin")
    first, second = member.socket(), member.socket()
    assert first.connected and second.connected
    assert staff_post(moderator, "/moderation/people/lead.wigan",
                      {"which": "suspend", "suspend-duration": "24", "suspend-reason": "Live check"}) == 302
    assert first.wait_disconnected(timeout=5) and second.wait_disconnected(timeout=5)
