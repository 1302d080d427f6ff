"""A small JSON API over the same services as the forms: post, reply, send, and the live
privacy check. Signed-in by the session cookie, with the CSRF token in an X-CSRFToken header.

Every answer is JSON, refusals included: {"error": "...", "field": ..., "privacy": {...}}
with the service's status (400, 403, 404, 422 for a privacy warning, 429).
"""

from __future__ import annotations

import functools

from flask import Blueprint, jsonify, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ... import policy, ratelimit
from ...errors import ForumError, Invalid
from ...models.types import ID_MAX
from ...services import browse, chat, guard, threads

bp = Blueprint("api", __name__, url_prefix="/api")
NETWORK = "network"


@bp.errorhandler(ForumError)
def _forum_error(error: ForumError):
    return jsonify({"error": error.message, "field": error.field, **error.details}), error.status


@bp.errorhandler(CSRFError)
def _csrf_error(error: CSRFError):
    return jsonify({"error": "Send the page's CSRF token in an X-CSRFToken header."}), 400


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return jsonify({"error": error.description or error.name}), error.code


def _signed_in(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return jsonify({"error": "Sign in first."}), 401
        return view(*args, **kwargs)

    return wrapper


def _payload() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("Send a JSON object.")
    return data


def _text(data: dict, key: str, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        value = ""
    if not isinstance(value, str):
        raise Invalid(f"'{key}' must be text.", field=key)
    return value


def _choice(data: dict) -> dict:
    """The privacy guard's two inputs. "post anyway" must be exactly true: never inferred."""
    post_anyway = data.get("post_anyway", False)
    if not isinstance(post_anyway, bool):
        raise Invalid("'post_anyway' must be true or false.", field="post_anyway")
    return {"post_anyway": post_anyway, "warning_id": data.get("warning_id")}


def _space(raw) -> int | None:
    if raw in (None, "", NETWORK):
        return None
    if not isinstance(raw, str):
        raise Invalid("'space' must be an authority's slug or \"network\".", field="space")
    return browse.authority_by_slug(current_user, raw).id


@bp.route("/threads", methods=["POST"])
@_signed_in
def start_thread():
    data = _payload()
    topic_id = data.get("topic_id")
    if topic_id is not None and (isinstance(topic_id, bool) or not isinstance(topic_id, int)
                                 or not 0 < topic_id <= ID_MAX):
        raise Invalid("'topic_id' must be a topic's id.", field="topic")
    thread = threads.start_thread(current_user, threads.NewThread(
        topic_id=topic_id, authority_id=_space(data.get("space")), kind=_text(data, "kind"),
        title=_text(data, "title"), body=_text(data, "body"), tags=_text(data, "tags", required=False),
        **_choice(data)))
    return jsonify({"thread": {"id": thread.id, "held": thread.held,
                               "url": url_for("threads.show", thread_id=thread.id)}}), 201


@bp.route("/threads/<int:thread_id>/replies", methods=["POST"])
@_signed_in
def reply(thread_id: int):
    data = _payload()
    post = threads.reply(current_user, thread_id, _text(data, "body"), **_choice(data))
    return jsonify({"post": {"id": post.id, "number": post.number, "held": post.held_at is not None,
                             "url": url_for("threads.post", post_id=post.id)}}), 201


@bp.route("/rooms/<int:room_id>/messages", methods=["POST"])
@_signed_in
def send(room_id: int):
    data = _payload()
    reply_to = data.get("reply_to_id")
    message, created = chat.send_message(current_user, room_id, data.get("body"), data.get("client_id"),
                                         reply_to, **_choice(data))
    return jsonify({"message": chat.serialize(message, current_user), "duplicate": not created}), (
        201 if created else 200)


@bp.route("/privacy/check", methods=["POST"])
@_signed_in
def privacy_check():
    """The live check while someone types: findings and the draft's warning id; stores nothing
    of the text."""
    data = _payload()
    texts = data.get("texts")
    if not isinstance(texts, dict) or not texts or len(texts) > 4 or not all(
            isinstance(k, str) and len(k) <= 40 and isinstance(v, str) for k, v in texts.items()):
        raise Invalid("'texts' must map up to four field names to text.")
    if sum(len(v) for v in texts.values()) > threads.BODY_MAX + threads.TITLE_MAX:
        raise Invalid(f"Check up to {threads.BODY_MAX:,} characters at a time.")
    surface = data.get("surface")
    if surface not in guard.SURFACES:
        raise Invalid("'surface' must be one of: " + ", ".join(guard.SURFACES) + ".")
    authority_id = data.get("authority_id")
    if "space" in data:
        authority_id = _space(data.get("space"))
    elif authority_id is not None and (isinstance(authority_id, bool) or not isinstance(authority_id, int)
                                       or not policy.can_read_space(current_user, authority_id)):
        authority_id = None  # another authority's terms are not the writer's to probe
    ratelimit.check("privacy-check", current_user.id, "60/minute",
                    "Checking too often: wait a moment and the check will run again.")
    return jsonify({"privacy": guard.preview(current_user, texts, authority_id, surface=surface,
                                             warning_id=data.get("warning_id"), previous=_editing(data))})


def _editing(data: dict) -> dict[str, str] | None:
    """On an edit page, the text as it stands (what the edit's check compares with), if the
    writer may edit it; anything else is simply not used."""
    for key, load in (("post_id", threads.get_post), ("message_id", chat._get_message)):
        raw = data.get(key)
        if isinstance(raw, int) and not isinstance(raw, bool) and 0 < raw <= ID_MAX:
            try:
                target = load(current_user, raw)
            except ForumError:
                return None
            if key == "post_id" and policy.can_edit_post(current_user, target):
                return {"body": target.body} | ({"title": target.thread.title} if target.is_opening else {})
            if key == "message_id" and policy.can_edit_message(current_user, target):
                return {"body": target.body}
    return None
