"""The privacy guard on the real server with real Socket.IO clients: a flagged message is
refused, a held one reaches no other socket, and approval delivers it to each reader once."""

from __future__ import annotations

import re
import time
import uuid

import pytest

from .conftest import Person, room_id

pytestmark = pytest.mark.live

_FORM_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def test_a_held_message_reaches_no_other_socket_until_approved_then_arrives_once(live_server):
    author_person, reader_person, moderator_person = (
        Person(live_server, "member.wigan"), Person(live_server, "member.birmingham"), Person(live_server, "moderator"))
    room = room_id(author_person, "supporting-social-workers")
    author, reader = author_person.socket(), reader_person.socket()
    marker = uuid.uuid4().hex[:8]
    body = f"Her NHS number is 943 476 5919 ({marker})"
    try:
        for client in (author, reader):
            assert client.call("chat:join", {"room_id": room})["ok"]
        refused = author.call("chat:send", {"room_id": room, "body": body, "client_id": f"live-{marker}"})
        assert refused["ok"] is False and refused["privacy"]["fields"]["body"][0]["kind"] == "nhs_number"
        held = author.call("chat:send", {"room_id": room, "body": body, "client_id": f"live-{marker}",
                                         "post_anyway": True, "warning_id": refused["privacy"]["warning_id"]})
        assert held["ok"] and held["message"]["held"]
        time.sleep(1.0)  # anything broadcast would have arrived by now
        assert not [m for m in reader.received("chat:message") if marker in m["body"]]
        assert not [m for m in reader.call("chat:sync", {"room_id": room, "since_rev": 0})["messages"]
                    if m["id"] == held["message"]["id"]]

        queue_page = moderator_person.http.get(live_server.url("/moderation/queue?kind=held_message")).text
        item_path = re.search(r'href="(/moderation/items/\d+)"', queue_page).group(1)
        page = moderator_person.http.get(live_server.url(item_path)).text
        assert '<mark class="privacy-mark">943 476 5919' in page
        token = _FORM_TOKEN.search(page).group(1)
        resolved = moderator_person.http.post(live_server.url(item_path), allow_redirects=False,
                                              data={"csrf_token": token, "action": "approve", "reason": ""})
        assert resolved.status_code == 302
        delivered = [m for m in reader.wait_for("chat:message") if m["id"] == held["message"]["id"]]
        assert len(delivered) == 1 and delivered[0]["body"] == body
        time.sleep(0.5)
        assert len([m for m in reader.received("chat:message") if m["id"] == held["message"]["id"]]) == 1
    finally:
        for client in (author, reader):
            client.close()
