"""The real production server, started as a subprocess for tests that need a live HTTP port.

`start_live_server()` does what an operator does on a fresh host: migrate the database, load
the demo data, then run gunicorn (gevent worker, gunicorn.conf.py) on a free local port, each
with the project's own virtualenv Python. Browser tests drive it with Chromium; live Socket.IO
tests connect to it. Everything lives in a temporary instance directory that is removed at
the end, and email goes to <instance>/outbox as .eml files, which `newest_email` reads.

    with running_server() as server:
        requests.get(server.url("/signin"))
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"

# Settings a developer's shell might carry that would make the server talk to real services.
_SCRUBBED = ("MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "FORUM_OUTBOX", "REDIS_URL", "SECRET_KEY",
             "FORUM_PROXY_COUNT", "FORUM_ORIGINS", "SOCKETIO_ASYNC_MODE")
_LINK = re.compile(r"https?://\S+")


class LiveServerError(RuntimeError):
    """The server could not be prepared or did not come up; the message carries its log."""


def python() -> str:
    """The project's virtualenv Python, falling back to the one running the tests."""
    return str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    base_url: str
    port: int
    instance_path: Path
    database_url: str
    log_path: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    @property
    def outbox(self) -> Path:
        return self.instance_path / "outbox"

    @property
    def demo_password(self) -> str:
        return (self.instance_path / "demo-password").read_text().strip()

    def log(self, tail: int = 60) -> str:
        """The last lines of the server's combined stdout and stderr."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return ""
        return "\n".join(lines[-tail:])

    def emails(self, to: str | None = None) -> list[EmailMessage]:
        """Every email written to the outbox so far, oldest first; only those to `to` if given."""
        if not self.outbox.exists():
            return []
        messages = []
        for path in sorted(self.outbox.glob("*.eml")):  # names start with time.time_ns()
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if to is None or message["To"].strip().lower() == to.strip().lower():
                messages.append(message)
        return messages

    def newest_email(self, to: str | None = None, timeout: float = 5.0) -> EmailMessage:
        """The most recent email (to `to`, if given), waiting briefly for it to be written."""
        deadline = time.monotonic() + timeout
        while True:
            messages = self.emails(to)
            if messages:
                return messages[-1]
            if time.monotonic() > deadline:
                raise AssertionError(f"no email{' to ' + to if to else ''} in {self.outbox}")
            time.sleep(0.05)

    @staticmethod
    def links(message: EmailMessage) -> list[str]:
        """The http(s) links in an email's plain-text body."""
        return _LINK.findall(message.get_content())

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """Graceful stop (SIGTERM to gunicorn's master), then SIGKILL to its process group."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # its own group: master and workers
            process.wait(timeout)


def _environment(instance: Path, database_url: str, port: int, extra: Mapping[str, str] | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env.update(
        DATABASE_URL=database_url,
        FORUM_INSTANCE_PATH=str(instance),
        FORUM_SECURE_COOKIES="0",
        FORUM_RATELIMIT="0",
        FORUM_PUBLIC_URL=f"http://127.0.0.1:{port}",
        FORUM_BIND=f"127.0.0.1:{port}",
        FLASK_APP="wsgi.py",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra or {})
    return env


def _prepare(env: dict, log_path: Path) -> None:
    """`flask db upgrade` then `flask forum seed-demo`, as an operator would run them."""
    for args in (["db", "upgrade"], ["forum", "seed-demo"]):
        result = subprocess.run(
            [python(), "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        with log_path.open("a") as log:
            log.write(f"$ flask {' '.join(args)}\n{result.stdout}{result.stderr}\n")
        if result.returncode != 0:
            raise LiveServerError(
                f"`flask {' '.join(args)}` failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
            )


def _wait_until_up(server: LiveServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.running():
            raise LiveServerError(f"gunicorn exited early:\n{server.log()}")
        try:
            with urllib.request.urlopen(server.url("/signin"), timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise LiveServerError(f"the server did not answer within {timeout:.0f}s:\n{server.log()}")


def start_live_server(
    database_url: str | None = None,
    env: Mapping[str, str] | None = None,
    seed_demo: bool = True,
    startup_timeout: float = 30.0,
) -> LiveServer:
    """Migrate, seed and serve; return the running server. Call `.stop()` when done.

    `database_url` defaults to a fresh SQLite file in the temporary instance directory. A
    given URL (PostgreSQL, say) must point at an empty database for the demo data to load.
    `env` adds or overrides environment variables (REDIS_URL for a two-process test, say).
    """
    instance = Path(tempfile.mkdtemp(prefix="forum-live-"))
    database_url = database_url or f"sqlite:///{instance / 'forum.db'}"
    log_path = instance / "server.log"
    port = free_port()
    environment = _environment(instance, database_url, port, env)
    server = LiveServer(f"http://127.0.0.1:{port}", port, instance, database_url, log_path)
    try:
        if seed_demo:
            _prepare(environment, log_path)
        with log_path.open("a") as log:
            server.process = subprocess.Popen(
                [python(), "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_until_up(server, startup_timeout)
    except BaseException:
        server.stop()
        shutil.rmtree(instance, ignore_errors=True)  # the error message carries the log
        raise
    return server


@contextlib.contextmanager
def running_server(database_url: str | None = None, env: Mapping[str, str] | None = None,
                   keep_instance: bool = False, **kwargs) -> Iterator[LiveServer]:
    """A started server for the `with` block; stopped, and its instance removed, afterwards."""
    server = start_live_server(database_url, env, **kwargs)
    try:
        yield server
    finally:
        server.stop()
        if not keep_instance:
            shutil.rmtree(server.instance_path, ignore_errors=True)
