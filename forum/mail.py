"""Outgoing email through one adapter: SMTP when MAIL_SERVER is set, else files in the outbox.

Services call `send_mail` only after their transaction commits, so an email never announces
something the database does not hold. Without a mail server each message is written to
instance/outbox/ as an .eml file and logged, so a local user can follow the link.
"""

from __future__ import annotations

import re
import smtplib
import time
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app


def public_link(endpoint: str, **values) -> str:
    """An absolute link for an email, built without a request (services run outside one)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def build_message(to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> EmailMessage:
    # Long header values (List-Unsubscribe) stay plain ASCII on one line instead of being
    # RFC 2047-encoded, which mail programs would not act on.
    message = EmailMessage(policy=email_policy.default.clone(max_line_length=998))
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="practice-exchange.local")
    for name, value in (headers or {}).items():
        message[name] = value
    # 8bit keeps links whole in the outbox files a local user opens by hand.
    message.set_content(body, cte="8bit")
    return message


def send_mail(to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
    """Send one plain-text email, or write it to the outbox when no server is configured."""
    message = build_message(to, subject, body, headers)
    config = current_app.config
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        current_app.logger.info("Email sent to %s: %s", to, subject)
        return
    outbox = Path(config["OUTBOX_PATH"])
    outbox.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", subject.lower()).strip("-")[:40]
    path = outbox / f"{time.time_ns()}-{slug}.eml"
    path.write_bytes(bytes(message))
    current_app.logger.warning("Email to %s written to %s", to, path)
    # Also say it on the console, where a person running `make run` is looking.
    print(f"[outbox] To: {to} | {subject}\n{body}\n", flush=True)


def mail_after_commit(to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
    """Send once the current transaction commits; dropped if it rolls back."""
    from .extensions import db

    session = db.session()
    if not session.in_transaction():
        session.begin()
    session.info.setdefault("pending_mail", []).append((to, subject, body, headers))


def _register_listeners() -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    @event.listens_for(Session, "after_commit")
    def _send_pending(session) -> None:
        for args in session.info.pop("pending_mail", []):
            try:
                send_mail(*args)
            except OSError:  # the change stands; a lost email is logged, not a failed request
                current_app.logger.exception("Email to %s could not be sent", args[0])

    @event.listens_for(Session, "after_soft_rollback")
    def _drop_pending(session, previous_transaction) -> None:
        session.info.pop("pending_mail", None)


_register_listeners()
