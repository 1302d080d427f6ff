"""Shared fixtures: a real database file (and PostgreSQL when TEST_DATABASE_URL is set), the app,
a signed-in test client, and a small world of authorities, topics and people in every role."""

from __future__ import annotations

import contextvars
import os
import re
from dataclasses import dataclass

import pytest
from flask import has_app_context
from sqlalchemy import text
from werkzeug.security import generate_password_hash

from forum import create_app
from forum.config import TestConfig
from forum.extensions import db
from forum.models import Authority, AuthorityDomain, Role, Status, Topic, User
from forum.names import username_key

PASSWORD = "correct horse battery"
# A cheap hash for fixtures: scrypt's cost is right for production, not for thousands of tests.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def _pg_schema():
    """Create the schema once on PostgreSQL; each test then truncates."""
    app = create_app(TestConfig(PG_URL, "/tmp/forum-test-pg-instance"))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return True


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path):
    backend = request.param
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'forum.db'}"
    else:
        if not PG_URL:
            pytest.skip("PostgreSQL run needs TEST_DATABASE_URL")
        request.getfixturevalue("_pg_schema")
        url = PG_URL
    application = create_app(TestConfig(url, str(tmp_path / "instance")))
    with application.app_context():
        if backend == "sqlite":
            db.create_all()
        else:
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.session.commit()
        yield application
        db.session.remove()
        db.engine.dispose()


@dataclass
class World:
    wigan: Authority
    birmingham: Authority
    topic: Topic
    other_topic: Topic
    member: User  # Wigan
    lead: User  # Wigan
    moderator: User
    admin: User
    outsider: User  # Birmingham member
    network_member: User  # no authority


def make_user(username: str, authority: Authority | None = None, role: Role = Role.MEMBER,
              status: Status = Status.ACTIVE, email: str | None = None) -> User:
    user = User(
        username=username,
        username_key=username_key(username),
        email=email or f"{username.lower()}@example.org",
        display_name=username.replace(".", " ").title(),
        job_title="Social worker",
        authority_id=authority.id if authority else None,
        role=role.value,
        status=status.value,
        password_hash=PASSWORD_HASH,
    )
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def world(app) -> World:
    wigan = Authority(name="Wigan Council", slug="wigan", domains=[AuthorityDomain(domain="wigan.gov.uk")])
    birmingham = Authority(
        name="Birmingham Children's Trust",
        slug="birmingham",
        domains=[AuthorityDomain(domain="birminghamchildrenstrust.co.uk")],
    )
    topic = Topic(name="Supervision and reflective practice", slug="supervision", description="", position=1)
    other = Topic(name="Early help", slug="early-help", description="", position=2)
    db.session.add_all([wigan, birmingham, topic, other])
    db.session.commit()
    return World(
        wigan=wigan,
        birmingham=birmingham,
        topic=topic,
        other_topic=other,
        member=make_user("member.wigan", wigan),
        lead=make_user("lead.wigan", wigan, Role.LEAD),
        moderator=make_user("moderator", None, Role.MODERATOR),
        admin=make_user("admin", None, Role.ADMIN),
        outsider=make_user("member.birmingham", birmingham),
        network_member=make_user("network.member", None),
    )


_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def _isolated(call, *args, **kwargs):
    """Run a request outside the test's app context, as a real request would be: its own
    `g`, its own database session. (Flask reuses an app context that is already pushed.)"""
    return contextvars.Context().run(call, *args, **kwargs)


def _see_fresh_data() -> None:
    """End the test's own transaction so it sees what the request wrote (SQLite snapshots)."""
    if has_app_context():
        db.session.commit()
        db.session.expire_all()


class Browser:
    """A test client that signs in through the real form and sends CSRF tokens like a browser."""

    def __init__(self, client):
        self.client = client
        self.token: str | None = None

    def refresh_token(self, url: str = "/signin") -> str:
        page = _isolated(self.client.get, url).get_data(as_text=True)
        match = _CSRF.search(page)
        assert match, f"no CSRF token on {url}"
        self.token = match.group(1) or match.group(2)
        return self.token

    def get(self, url: str, **kwargs):
        response = _isolated(self.client.get, url, **kwargs)
        _see_fresh_data()
        return response

    def post(self, url: str, data: dict | None = None, csrf: bool = True, **kwargs):
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.refresh_token()
            data.setdefault("csrf_token", self.token)
        response = _isolated(self.client.post, url, data=data, **kwargs)
        _see_fresh_data()
        return response

    def sign_in(self, user: User, password: str = PASSWORD, remember: bool = False):
        self.refresh_token("/signin")
        response = self.post("/signin", {"login": user.username, "password": password, "remember": "y" if remember else ""})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        self.refresh_token("/account")
        return response


@pytest.fixture
def browser(app) -> Browser:
    return Browser(app.test_client())


@pytest.fixture
def new_browser(app):
    """Make extra independent browsers (two devices, two people)."""
    return lambda: Browser(app.test_client())


def body_text(response) -> str:
    return response.get_data(as_text=True)


class SocketUser:
    """A Flask-SocketIO test client for a signed-in browser, run outside the test's app context."""

    def __init__(self, app, browser: Browser, auth: dict | None = None):
        from forum.extensions import socketio

        self.browser = browser
        auth = {"csrf_token": browser.token} if auth is None else auth
        self.client = _isolated(socketio.test_client, app, flask_test_client=browser.client, auth=auth)

    @property
    def connected(self) -> bool:
        return self.client.is_connected()

    def call(self, event: str, payload=None) -> dict:
        """Emit an event and return its ack."""
        ack = _isolated(self.client.emit, event, payload, callback=True)
        _see_fresh_data()
        return ack

    def received(self, name: str | None = None) -> list:
        if self.client.is_connected():
            events = _isolated(self.client.get_received)
        else:  # what arrived before the server cut us off is still worth asserting on
            events, self.client.queue = self.client.queue, []
        return [e["args"][0] if e["args"] else None for e in events if name is None or e["name"] == name]

    def disconnect(self) -> None:
        _isolated(self.client.disconnect)


@pytest.fixture
def socket_for(app, new_browser):
    """socket_for(user) -> a connected SocketUser signed in as that user."""

    def make(user: User, **kwargs) -> SocketUser:
        b = new_browser()
        b.sign_in(user)
        return SocketUser(app, b, **kwargs)

    return make


@pytest.fixture
def smtp(app):
    """A real SMTP server in this process; the app sends to it."""
    import email
    from email import policy as email_policy

    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages, self.raw = [], []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            self.raw.append(envelope.content)
            self.messages.append(email.message_from_bytes(envelope.content, policy=email_policy.default))
            return "250 OK"

    import socket

    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield inbox
    controller.stop()


def wait_for(inbox, count: int) -> list:
    import time

    for _ in range(100):
        if len(inbox.messages) >= count:
            break
        time.sleep(0.02)
    return inbox.messages
