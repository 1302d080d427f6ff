"""Domain errors raised by services, and their mapping to HTTP responses.

Services raise these; views and socket handlers map them to their own channel, so a
refusal reads the same whichever way the request came in.
"""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError


class ForumError(Exception):
    """Base of every error a service raises on purpose."""

    status = 400

    def __init__(self, message: str = "", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def details(self) -> dict:
        """Extra, machine-readable facts for JSON and socket answers (a privacy warning's findings)."""
        return {}


class NotFound(ForumError):
    """The thing does not exist or the actor may not know it exists."""

    status = 404

    def __init__(self, message: str = "We could not find that page.") -> None:
        super().__init__(message)


class Forbidden(ForumError):
    """The actor may see the thing but not do this to it."""

    status = 403

    def __init__(self, message: str = "You do not have permission to do that.") -> None:
        super().__init__(message)


class Invalid(ForumError):
    """Input that cannot be accepted; the message says how to put it right."""

    status = 400


class RateLimited(ForumError):
    status = 429


def _render_error(status: int, title: str, message: str):
    return render_template("errors/error.html", status=status, title=title, message=message), status


TITLES = {
    400: "There is a problem with your request",
    403: "You do not have permission",
    404: "Page not found",
    405: "That action is not allowed here",
    413: "That is too large",
    429: "Too many attempts",
    500: "Sorry, something went wrong",
}


def register_error_handlers(app: Flask) -> None:
    """Every error becomes a plain, accessible page with the right status."""

    @app.errorhandler(ForumError)
    def forum_error(error: ForumError):
        return _render_error(error.status, TITLES.get(error.status, "Error"), error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = (
            "Your form had expired or came from another site. Go back, reload the page "
            "and try again: what you typed is still in the page you came from."
        )
        return _render_error(400, "Your form could not be sent", message)

    for status in (400, 403, 404, 405, 413, 429, 500):

        def handler(error, status=status):
            description = getattr(error, "description", "") if status < 500 else ""
            if status == 429:
                description = "Too many attempts. Please wait a minute and try again."
            if status == 404:
                description = "We could not find that page."
            return _render_error(status, TITLES[status], description or "")

        app.register_error_handler(status, handler)

    @app.after_request
    def no_store_for_errors(response):
        if response.status_code >= 400 and request.method == "GET":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
