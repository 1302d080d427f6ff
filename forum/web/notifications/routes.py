"""Notification views: thin wrappers over services.watching, services.dispatch and notify."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ... import tokens
from ...database import begin_write
from ...errors import Invalid
from ...extensions import csrf, db
from ...models import Channel, NotificationSetting, User
from ...services import dispatch, notify, watching
from ..auth.routes import _safe_next
from ..threads.forms import ActionForm

bp = Blueprint("notifications", __name__)


@bp.route("/watch/<any(thread, topic, room):kind>/<int:target_id>", methods=["POST"])
@login_required
def watch(kind: str, target_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    level = request.form.get("level") or None
    watching.set_level(current_user, kind, target_id, level)
    flash({"watching": "You are watching it: new posts will notify you.", "muted": "Muted: it will not notify you.",
           None: "Back to the default."}[level], "success")
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/people/suggest")
@login_required
def suggest_people():
    """JSON for @mention autocomplete: people who can read the thread or room being written in."""
    from flask import jsonify

    def number(name):
        raw = request.args.get(name, "")
        return int(raw) if raw.isdigit() and len(raw) < 10 else None

    people = dispatch.mention_suggestions(current_user, request.args.get("q", ""), number("thread"), number("room"),
                                          request.args.get("space") or None)
    return jsonify([{"username": p.username, "name": p.display_name} for p in people])


@bp.route("/notifications/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Mark one read and go where it points."""
    row = notify.open_one(current_user, notification_id)
    if row is None:
        abort(404)
    return redirect(_safe_next(row.url) if row.url else url_for("account.notifications"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        begin_write()
        for kind in dispatch.KINDS:
            choice = request.form.get(kind)
            if choice is None:  # not on the form that was sent: left as it was
                continue
            if choice not in {c.value for c in Channel}:
                db.session.rollback()
                flash("Choose one option for each kind of notification.", "error")
                return redirect(url_for("notifications.settings")), 303
            row = db.session.get(NotificationSetting, (current_user.id, kind))
            if row is None:
                db.session.add(NotificationSetting(user_id=current_user.id, kind=kind, channel=choice))
            else:
                row.channel = choice
        db.session.get(User, current_user.id).auto_watch = request.form.get("auto_watch") == "y"
        db.session.commit()
        flash("Your notification settings are saved.", "success")
        return redirect(url_for("notifications.settings"))
    choices = {kind: dispatch.channel_for(current_user, kind).value for kind in dispatch.KINDS}
    return render_template("notifications/settings.html", kinds=dispatch.KINDS, choices=choices,
                           channels=list(Channel), action=ActionForm())


@bp.route("/unsubscribe/<kind>/<token>", methods=["GET", "POST"], endpoint="unsubscribe")
@csrf.exempt  # one-click unsubscribe (RFC 8058): the mail program POSTs, with no session at all
def unsubscribe(kind: str, token: str):
    """Stop emails of one kind, from a signed link; works without signing in."""
    if kind not in dispatch.KINDS and kind != "digest":
        abort(404)
    try:
        user_id, fingerprint = tokens.read_token("unsubscribe", token, dispatch.UNSUBSCRIBE_MAX_AGE)
    except Invalid as error:
        return render_template("notifications/unsubscribed.html", error=error.message, label=None), 400
    user = db.session.get(User, user_id)
    if user is None or not tokens.matches(fingerprint, kind):
        return render_template("notifications/unsubscribed.html", error="That link is not valid.", label=None), 400
    label = dispatch.KINDS[kind][1] if kind in dispatch.KINDS else "the daily digest"
    if request.method == "GET":
        return render_template("notifications/unsubscribed.html", error=None, label=label, done=False,
                               url=request.path)
    begin_write()
    for each in (dispatch.KINDS if kind == "digest" else [kind]):
        row = db.session.get(NotificationSetting, (user.id, each))
        if row is None and kind != "digest":
            db.session.add(NotificationSetting(user_id=user.id, kind=each, channel=Channel.APP.value))
        elif row is not None and (row.channel == Channel.DIGEST.value or
                                  (kind != "digest" and row.channel == Channel.EMAIL.value)):
            row.channel = Channel.APP.value
    db.session.commit()
    return render_template("notifications/unsubscribed.html", error=None, label=label, done=True)
