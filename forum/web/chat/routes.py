"""Room list, room page, and the no-JavaScript send/edit/delete forms."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ... import policy
from ...errors import ForumError
from ...models.types import ID_MAX
from ...services import chat
from ..threads.forms import ActionForm
from ..viewhelpers import attach_error, form_status
from .forms import EditMessageForm, MessageForm

bp = Blueprint("chat", __name__)


@bp.route("/rooms")
@login_required
def rooms():
    return render_template("chat/rooms.html", rooms=chat.rooms_for(current_user))


def _room_page(room, form, status=200):
    before = request.args.get("before", type=int)
    if before is not None and not 0 < before <= ID_MAX:
        before = None
    # The page's catch-up point, read in the same snapshot as the messages: marking them read
    # below commits, and a counter read after that could skip events that landed in between.
    rev = room.event_seq
    messages, has_more = chat.recent(current_user, room.id, before_seq=before)
    last_read = chat.last_read_seq(current_user, room.id)
    if messages and before is None:
        chat.mark_read(current_user, room.id, messages[-1].seq)
    return render_template(
        "chat/room.html", room=room, messages=messages, has_more=has_more, form=form,
        last_read=last_read, before=before, action=ActionForm(), serialize=chat.serialize, rev=rev,
    ), status


@bp.route("/rooms/<slug>")
@login_required
def room(slug: str):
    return _room_page(chat.room_by_slug(current_user, slug), MessageForm())


@bp.route("/rooms/<slug>/messages", methods=["POST"])
@login_required
def send(slug: str):
    room = chat.room_by_slug(current_user, slug)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            message, _ = chat.send_message(current_user, room.id, form.body.data, form.client_id.data or None,
                                           post_anyway=form.post_anyway.data, warning_id=form.privacy_warning.data)
        except ForumError as error:
            attach_error(form, error)
        else:
            if message.held_at is not None:
                flash("Your message is waiting for a moderator. Only you can see it until it is approved.", "info")
            return redirect(url_for("chat.room", slug=room.slug, _anchor=f"m-{message.seq}"))
    return _room_page(room, form, status=form_status(form))


@bp.route("/messages/<int:message_id>/edit", methods=["GET", "POST"])
@login_required
def edit(message_id: int):
    message = chat._get_message(current_user, message_id)
    policy.require(policy.can_edit_message(current_user, message), "You can only edit your own messages.")
    form = EditMessageForm()
    if request.method == "GET":
        form.body.data = message.body
    if form.validate_on_submit():
        try:
            chat.edit_message(current_user, message.id, form.body.data, post_anyway=form.post_anyway.data,
                              warning_id=form.privacy_warning.data)
        except ForumError as error:
            attach_error(form, error)
        else:
            return redirect(url_for("chat.room", slug=message.room.slug, _anchor=f"m-{message.seq}"))
    return render_template("chat/edit.html", message=message, form=form), form_status(form)


@bp.route("/messages/<int:message_id>/delete", methods=["POST"])
@login_required
def delete(message_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    message = chat.delete_message(current_user, message_id)
    return redirect(url_for("chat.room", slug=message.room.slug))
