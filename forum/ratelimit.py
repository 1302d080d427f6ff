"""Per-user rate limits for actions that are not HTTP routes (chat sends, typing).

Flask-Limiter guards routes; socket events need the same counters, so this uses the same
`limits` library and the same storage: Redis when REDIS_URL is set (shared by every
process), memory otherwise.
"""

from __future__ import annotations

from flask import current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from .errors import RateLimited


def _limiter() -> MovingWindowRateLimiter:
    app = current_app._get_current_object()
    found = app.extensions.get("forum_action_limiter")
    if found is None:
        uri = app.config.get("REDIS_URL") or "memory://"
        found = MovingWindowRateLimiter(storage_from_string(uri))
        app.extensions["forum_action_limiter"] = found
    return found


def check(action: str, user_id: int, rule: str, message: str) -> None:
    """Count one `action` by the user against `rule` ("10/10 seconds"); refuse when over."""
    if not current_app.config.get("ACTION_LIMITS_ENABLED", True):
        return
    if not _limiter().hit(parse(rule), "forum-action", action, str(user_id)):
        raise RateLimited(message)
