"""Live fixtures: the real server in a subprocess, and real python-socketio clients over websocket."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

import pytest
import requests
import socketio

from tests.live_server import LiveServer, running_server

_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
_CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture(scope="module")
def live_server() -> Iterator[LiveServer]:
    with running_server(env={"FORUM_CHAT_RATE_LIMIT": "1000/10 seconds"}) as server:
        yield server


class Person:
    """A signed-in browser session (requests) that can open Socket.IO clients like a page does."""

    def __init__(self, server: LiveServer, username: str, password: str | None = None):
        self.server = server
        self.username = username
        self.http = requests.Session()
        page = self.http.get(server.url("/signin")).text
        token = _CSRF_FIELD.search(page).group(1)
        response = self.http.post(server.url("/signin"), allow_redirects=False, data={
            "csrf_token": token, "login": username, "password": password or server.demo_password})
        assert response.status_code == 302, response.text[:500]

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)

    def page_token(self, room_slug: str = "supporting-social-workers") -> str:
        return _CSRF_META.search(self.http.get(self.server.url(f"/rooms/{room_slug}")).text).group(1)

    def socket(self, token: str | None = None, origin: str | None = None, connect: bool = True) -> LiveSocket:
        client = LiveSocket(self.server.base_url)
        if token is None:
            token = self.page_token()  # first: rendering the page may update the session cookie
        headers = {"Cookie": self.cookie_header}
        if origin:
            headers["Origin"] = origin
        if connect:
            client.connect(headers, {"csrf_token": token})
        return client

    def sign_out(self) -> None:
        page = self.http.get(self.server.url("/account")).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert self.http.post(self.server.url("/signout"), data={"csrf_token": token},
                              allow_redirects=False).status_code == 302


class LiveSocket:
    """A python-socketio client over websocket that records every event it receives."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.client = socketio.Client(reconnection=False)
        self.events: list[tuple[str, dict]] = []
        self._lock = threading.Lock()
        self.client.on("*", self._record)

    def _record(self, event, data=None):
        with self._lock:
            self.events.append((event, data))

    def connect(self, headers: dict, auth: dict) -> None:
        self.client.connect(self.base_url, headers=headers, auth=auth, transports=["websocket"], wait_timeout=10)

    @property
    def connected(self) -> bool:
        return self.client.connected

    def call(self, event: str, data=None, timeout: float = 10) -> dict:
        return self.client.call(event, data, timeout=timeout)

    def received(self, name: str) -> list[dict]:
        with self._lock:
            return [data for event, data in self.events if event == name]

    def wait_for(self, name: str, count: int = 1, timeout: float = 5.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.received(name)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        return self.received(name)

    def wait_disconnected(self, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.client.connected:
                return True
            time.sleep(0.02)
        return not self.client.connected

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()


def room_id(person: Person, slug: str) -> int:
    html = person.http.get(person.server.url(f"/rooms/{slug}")).text
    return int(re.search(r'data-room-id="(\d+)"', html).group(1))
