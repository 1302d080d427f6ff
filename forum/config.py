"""Settings, read from the environment so one build serves a laptop and a cluster."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("FORUM_INSTANCE_PATH", ROOT / "instance"))


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE.mkdir(parents=True, exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    """Production defaults; every value can be overridden from the environment."""

    def __init__(self) -> None:
        self.SECRET_KEY = _secret_key()
        self.INSTANCE_PATH = str(INSTANCE)
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE / 'forum.db'}"
        )
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        # Set explicitly, never auto-detected: gunicorn's gevent worker runs "gevent",
        # the test client and `flask run` run "threading".
        self.SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "threading")
        self.SERVER_ORIGINS = [
            o.strip() for o in os.environ.get("FORUM_ORIGINS", "").split(",") if o.strip()
        ]
        self.SESSION_COOKIE_SECURE = _flag("FORUM_SECURE_COOKIES", True)
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.SESSION_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
        self.WTF_CSRF_TIME_LIMIT = None  # tied to the session, which already expires
        self.RATELIMIT_ENABLED = _flag("FORUM_RATELIMIT", True)
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        self.RATELIMIT_HEADERS_ENABLED = True
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
        self.MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
        self.MAIL_USE_TLS = _flag("MAIL_USE_TLS", False)
        self.MAIL_SENDER = os.environ.get("MAIL_SENDER", "Practice Exchange <no-reply@localhost>")
        self.OUTBOX_PATH = os.environ.get("FORUM_OUTBOX", str(INSTANCE / "outbox"))
        self.PUBLIC_URL = os.environ.get("FORUM_PUBLIC_URL", "http://127.0.0.1:5000")
        self.PROXY_COUNT = int(os.environ.get("FORUM_PROXY_COUNT", "0"))
        self.CHAT_RATE_LIMIT = os.environ.get("FORUM_CHAT_RATE_LIMIT", "10/10 seconds")
        self.POSTS_PER_PAGE = 20
        # A new member's first N posts wait for a moderator (0: none are held for newness).
        self.HOLD_FIRST_POSTS = int(os.environ.get("FORUM_HOLD_FIRST_POSTS", "0"))
        # The longest post is 20,000 characters (at most 240 kB form-encoded): 1 MB is ample,
        # and anything larger is refused with a 413 before it is read.
        self.MAX_CONTENT_LENGTH = 1024 * 1024
        self.THREADS_PER_PAGE = 30
        self.VERIFY_TOKEN_MAX_AGE = 60 * 60 * 48
        self.RESET_TOKEN_MAX_AGE = 60 * 60
        self.SQL_ECHO_COUNT = False


class TestConfig(Config):
    """Fast, deterministic settings for pytest; the database URL is given by the fixture."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    def __init__(self, database_url: str, instance_path: str) -> None:
        super().__init__()
        self.TESTING = True
        self.SECRET_KEY = "test-secret-key"
        self.SQLALCHEMY_DATABASE_URI = database_url
        self.INSTANCE_PATH = instance_path
        self.OUTBOX_PATH = str(Path(instance_path) / "outbox")
        self.SESSION_COOKIE_SECURE = False
        self.REMEMBER_COOKIE_SECURE = False
        self.RATELIMIT_ENABLED = False
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.REDIS_URL = None
        self.MAIL_SERVER = None
        self.SOCKETIO_ASYNC_MODE = "threading"
        self.PUBLIC_URL = "http://localhost"
