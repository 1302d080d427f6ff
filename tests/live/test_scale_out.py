"""Two server processes, one forum: PostgreSQL for data, Redis for the Socket.IO queue and state.

Runs when TEST_DATABASE_URL and TEST_REDIS_URL are set (CI sets both); skips otherwise.
"""

from __future__ import annotations

import os
import secrets
import time
import uuid

import pytest
import sqlalchemy as sa

from tests.live_server import running_server

from .conftest import Person, room_id

pytestmark = [pytest.mark.live, pytest.mark.postgres, pytest.mark.redis]

PG_URL = os.environ.get("TEST_DATABASE_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.fixture(scope="module")
def two_processes():
    if not (PG_URL and REDIS_URL):
        pytest.skip("the scale-out test needs TEST_DATABASE_URL and TEST_REDIS_URL")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    name = f"forum_scale_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    database = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    shared = {"REDIS_URL": REDIS_URL, "SECRET_KEY": secrets.token_hex(16),
              "FORUM_CHAT_RATE_LIMIT": "5/30 seconds"}
    try:
        with running_server(database, env=shared) as a, running_server(database, env=shared, seed_demo=False) as b:
            yield a, b
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_message_sent_through_one_process_reaches_clients_on_the_other(two_processes):
    a, b = two_processes
    writer_person = Person(a, "lead.wigan")
    reader_person = Person(b, "member.wigan", password=a.demo_password)
    wigan = room_id(writer_person, "wigan-team")
    writer, reader = writer_person.socket(), reader_person.socket()
    try:
        assert reader.call("chat:join", {"room_id": wigan})["ok"]
        assert writer.call("chat:join", {"room_id": wigan})["ok"]
        body = f"across processes {uuid.uuid4().hex[:6]}"
        assert writer.call("chat:send", {"room_id": wigan, "body": body})["ok"]
        got = reader.wait_for("chat:message")
        time.sleep(0.5)
        assert [m["body"] for m in reader.received("chat:message")] == [body]
        assert [m["body"] for m in got] == [body]
        presence = reader.wait_for("chat:presence", count=2)
        assert {p["username"] for p in presence[-1]["people"]} == {"member.wigan", "lead.wigan"}
    finally:
        writer.close()
        reader.close()


def socket_on_other_process(person: Person, other):
    """A socket to process `other` for someone signed in through the first process."""
    token = person.page_token()
    socket = person.socket(token=token, connect=False)
    socket.base_url = other.base_url
    socket.connect({"Cookie": person.cookie_header}, {"csrf_token": token})
    return socket


def test_signing_out_through_one_process_cuts_the_socket_on_the_other(two_processes):
    a, b = two_processes
    person = Person(a, "member.birmingham")
    on_b = socket_on_other_process(person, b)
    assert on_b.connected
    person.sign_out()  # through process A
    assert on_b.wait_disconnected(timeout=5), "the socket held by process B was not cut"


def test_sending_rate_limit_is_counted_across_both_processes(two_processes):
    a, b = two_processes
    on_a = Person(a, "admin").socket()  # admin sent nothing while the demo data loaded
    on_b = Person(b, "admin", password=a.demo_password).socket()
    try:
        network = room_id(Person(a, "moderator"), "supervision")
        acks = [on_a.call("chat:send", {"room_id": network, "body": f"from a {i}"}) for i in range(3)]
        acks += [on_b.call("chat:send", {"room_id": network, "body": f"from b {i}"}) for i in range(3)]
        assert [ack["ok"] for ack in acks] == [True] * 5 + [False]  # 5 per 30 s, wherever sent
        assert "too quickly" in acks[-1]["error"]
    finally:
        on_a.close()
        on_b.close()


def test_suspension_through_one_process_cuts_the_persons_sockets_on_the_other(two_processes):
    """Runs last in this module: it leaves member.birmingham suspended."""
    import re

    a, b = two_processes
    member = Person(a, "member.birmingham")
    on_b = socket_on_other_process(member, b)
    assert on_b.connected
    moderator = Person(a, "moderator")
    page = moderator.http.get(a.url("/moderation/people/member.birmingham")).text
    csrf = re.search(r'name="[\w-]*csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = moderator.http.post(a.url("/moderation/people/member.birmingham"), allow_redirects=False, data={
        "csrf_token": csrf, "which": "suspend", "suspend-csrf_token": csrf, "suspend-duration": "24",
        "suspend-reason": "Scale-out check"})
    assert response.status_code == 302, response.text[:500]
    assert on_b.wait_disconnected(timeout=5), "the suspended person's socket on process B was not cut"
