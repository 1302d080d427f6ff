"""What every view shares: mapping service errors onto forms, and template globals."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup, escape

from .. import policy
from ..errors import ForumError

UK = ZoneInfo("Europe/London")


def attach_error(form: FlaskForm, error: ForumError) -> None:
    """Show a service's refusal beside the field it concerns, or above the form.

    A privacy warning also leaves its findings on the form (`form.privacy`), for the page to
    highlight, and its id in the form's hidden field for the next attempt."""
    from ..services.guard import PrivacyWarning

    if isinstance(error, PrivacyWarning):
        form.privacy = error.details["privacy"]
        if hasattr(form, "privacy_warning"):
            form.privacy_warning.data = str(error.warning_id or "")
            form.post_anyway.data = False
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        if not isinstance(field.errors, list):
            field.errors = list(field.errors)
        field.errors.append(error.message)
    else:
        form.form_errors.append(error.message)


def form_status(form: FlaskForm) -> int:
    """400 when a submitted form is being shown again with errors (422 for a privacy warning,
    which needs the author's decision rather than a correction), else 200."""
    if form.is_submitted() and getattr(form, "privacy", None):
        return 422
    has_errors = bool(form.form_errors) or any(field.errors for field in form)
    return 400 if form.is_submitted() and has_errors else 200


def uk_time(value: datetime | None, fmt: str = "%-d %b %Y, %H:%M") -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UK).strftime(fmt)


def _watch_level(kind: str, target_id: int) -> str | None:
    from ..services.watching import level_of

    return level_of(current_user, kind, target_id) if current_user.is_authenticated else None


def privacy_marks(text: str, findings) -> Markup:
    """The text, escaped, with each finding wrapped in <mark> and its kind for screen readers."""
    out, at = [], 0
    text = text or ""
    for f in sorted(findings, key=lambda f: _get(f, "start")):
        start, end = _get(f, "start"), _get(f, "end")
        if start < at or end > len(text):
            continue
        out.append(escape(text[at:start]))
        out.append(Markup('<mark class="privacy-mark">{}<span class="visually-hidden"> ({})</span></mark>').format(
            text[start:end], _get(f, "label")))
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def _get(finding, key: str):
    return finding[key] if isinstance(finding, dict) else getattr(finding, key)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["uk_time"] = uk_time
    app.jinja_env.filters["privacy_marks"] = privacy_marks
    app.jinja_env.filters["reject_page"] = lambda args: {k: v for k, v in args.items() if k != "page"}
    app.jinja_env.globals["policy"] = policy
    app.jinja_env.globals["watch_level"] = _watch_level
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def nav_context():
        from ..services.notify import unread_count
        from ..services.queue import open_counts

        signed_in = current_user.is_authenticated
        unread = unread_count(current_user) if signed_in else 0
        queue_open = sum(open_counts(current_user).values()) if signed_in else 0
        return {"is_staff": policy.is_staff(current_user), "unread_notifications": unread,
                "can_review_queue": policy.can_review_queue(current_user), "queue_open": queue_open}
