"""Signed, expiring tokens for links sent by email."""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .errors import Invalid


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"forum.{purpose}")


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def make_token(purpose: str, user_id: int, bound_to: str) -> str:
    """A token for one user and purpose; it stops working once `bound_to` changes.

    Binding a reset link to the password hash makes it single use: once the password
    changes, the old link no longer matches.
    """
    return _serializer(purpose).dumps({"u": user_id, "f": _fingerprint(bound_to)})


def read_token(purpose: str, token: str, max_age: int) -> tuple[int, str]:
    """Return (user_id, fingerprint) or raise Invalid with a message a person can act on."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise Invalid("That link has expired. Ask for a new one.") from None
    except BadSignature:
        raise Invalid("That link is not valid. Check you copied all of it.") from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise Invalid("That link is not valid.")
    return data["u"], str(data.get("f", ""))


def matches(fingerprint: str, bound_to: str) -> bool:
    return fingerprint == _fingerprint(bound_to)
