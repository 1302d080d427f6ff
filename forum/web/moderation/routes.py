"""Moderation views. Every rule is in policy and the services; these parse, call and render."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ... import policy
from ...errors import ForumError
from ...extensions import db
from ...services import audit, browse, guard, moderation, queue, resolutions, sanctions, watchwords
from ...services.threads import get_thread
from ..fields import options
from ..threads.forms import ActionForm
from ..viewhelpers import attach_error, form_status
from .forms import (
    DURATION_CHOICES,
    MergeForm,
    MoveForm,
    NoteForm,
    ReasonForm,
    ReportForm,
    ResolveForm,
    SanctionForm,
    SlowModeForm,
    TitleForm,
    WordForm,
    WordTestForm,
)

bp = Blueprint("moderation", __name__)

NETWORK = "network"


def _page() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 6 else 1


def _require_post_form() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


# --- reporting (any member) ---------------------------------------------------------------


@bp.route("/report/<any(post, thread, message, user):kind>/<int:target_id>", methods=["GET", "POST"])
@login_required
def report(kind: str, target_id: int):
    target = queue.load_target(current_user, kind, target_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            queue.report(current_user, kind, target_id, form.reason.data, form.note.data or "")
        except ForumError as error:
            attach_error(form, error)
        else:
            flash("Thank you. Your report has gone to the moderators; we will tell you when it has been reviewed.",
                  "success")
            return redirect(_back_to(target))
    return render_template("moderation/report.html", form=form, target=target, back=_back_to(target)), form_status(form)


def _back_to(target) -> str:
    from ..threads.routes import post_url

    if target.kind == "post":
        return post_url(target.obj)
    if target.kind == "thread":
        return url_for("threads.show", thread_id=target.id)
    if target.kind == "message":
        return url_for("chat.room", slug=target.obj.room.slug)
    return url_for("account.person", username=target.obj.username)


# --- the queue ----------------------------------------------------------------------------


@bp.route("/moderation/queue")
@login_required
def queue_page():
    flt = queue.QueueFilter(**{k: request.args.get(k, "")[:60] for k in ("kind", "reason", "authority", "topic", "age")},
                            status=request.args.get("status", "open"))
    found, has_more = queue.items(current_user, flt, _page())
    return render_template("moderation/queue.html", items=found, has_more=has_more, flt=flt, page=_page(),
                           authorities=browse.all_authorities(), topics=browse.all_topics(),
                           counts=queue.open_counts(current_user))


def _differs(typed: str | None, stored: str | None) -> bool:
    """Did the moderator change a box? Browsers send textarea line ends as CRLF."""
    return (typed or "").replace("\r\n", "\n").strip() != (stored or "").replace("\r\n", "\n").strip()


def _resolve_form(item) -> ResolveForm:
    form = ResolveForm()
    form.action.choices = options((a, queue.ACTION_LABELS[a]) for a in queue.ACTIONS.get((item.kind, item.target_kind), ()))
    return form


@bp.route("/moderation/items/<int:item_id>", methods=["GET", "POST"])
@login_required
def item(item_id: int):
    found = queue.get_item(current_user, item_id)
    target = queue.target_of(found)
    form = _resolve_form(found)
    editable = found.kind in ("held_post", "held_message", "held_edit") and target is not None
    edits_title = editable and found.target_kind == "post" and target.is_opening
    if found.kind == "held_message":
        form.body.description = ("Used only with “Approve with my edits”: take out names and other details, then "
                                 "approve. The author's original is kept in the audit log.")
    if request.method == "GET" and editable:
        pending = found.kind == "held_edit"
        form.body.data = target.pending_body if pending else target.body
        if edits_title:
            form.title.data = (target.pending_title if pending else None) or target.thread.title
    if form.validate_on_submit():
        approving_edits = form.action.data == "edit_approve"
        stored_body = (target.pending_body if found.kind == "held_edit" else target.body) if editable else None
        stored_title = ((target.pending_title if found.kind == "held_edit" else None) or target.thread.title
                        ) if edits_title else None
        if form.action.data == "approve" and editable and form.version.data == resolutions.review_version(found, target) and (
                _differs(form.body.data, stored_body) or (edits_title and _differs(form.title.data, stored_title))):
            form.action.errors = list(form.action.errors) + [
                "You changed the text in the boxes. Choose “Approve with my edits” to publish your version, "
                "or undo your changes to approve the author's."]
            return render_template("moderation/item.html", item=found, target=target, form=form, editable=editable,
                                   edits_title=edits_title, privacy=guard.item_findings(found, target),
                                   action=ActionForm()), 400
        try:
            queue.resolve(current_user, found.id, form.action.data, form.reason.data or "",
                          body=form.body.data if approving_edits else None,
                          title=form.title.data if approving_edits and edits_title else None,
                          seen_version=form.version.data if editable else None)
        except ForumError as error:
            attach_error(form, error)
            db.session.rollback()
            target = queue.target_of(found)
            if editable and form.version.data != resolutions.review_version(found, target):
                # Show the new words, and the moderator's own correction box starts from them.
                form.body.data = target.pending_body if found.kind == "held_edit" else target.body
        else:
            flash("Resolved. The action is in the audit log.", "success")
            return redirect(url_for("moderation.queue_page"))
    form.version.data = resolutions.review_version(found, target)  # the text this page shows
    return render_template("moderation/item.html", item=found, target=target, form=form, editable=editable,
                           edits_title=edits_title,
                           privacy=guard.item_findings(found, target), action=ActionForm()), form_status(form)


@bp.route("/moderation/items/<int:item_id>/claim", methods=["POST"])
@login_required
def claim(item_id: int):
    _require_post_form()
    try:
        queue.claim(current_user, item_id, take_over=request.form.get("take_over") == "1")
    except ForumError as error:
        if error.status == 404:
            raise
        flash(error.message, "error")
    return redirect(url_for("moderation.item", item_id=item_id))


@bp.route("/moderation/items/<int:item_id>/release", methods=["POST"])
@login_required
def release(item_id: int):
    _require_post_form()
    queue.release(current_user, item_id)
    return redirect(url_for("moderation.item", item_id=item_id))


# --- posts and threads -------------------------------------------------------------------


@bp.route("/moderation/posts/<int:post_id>/hide", methods=["GET", "POST"])
@login_required
def hide(post_id: int):
    from ...services.threads import get_post
    from ..threads.routes import post_url

    post = get_post(current_user, post_id)
    policy.require(policy.can_moderate_thread(current_user, post.thread), "Only moderators of this space can do that.")
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            moderation.hide_post(current_user, post_id, form.reason.data or "")
        except ForumError as error:
            attach_error(form, error)
        else:
            flash("The post is hidden. Members see a placeholder.", "success")
            return redirect(post_url(post))
    return render_template("moderation/hide.html", form=form, post=post), form_status(form)


@bp.route("/moderation/posts/<int:post_id>/restore", methods=["POST"])
@login_required
def restore(post_id: int):
    from ..threads.routes import post_url

    _require_post_form()
    post = moderation.restore_post(current_user, post_id, request.form.get("reason", ""))
    flash("The post is visible again.", "success")
    return redirect(post_url(post))


def _space_choices():
    choices = [(NETWORK, "Everyone in the network")]
    choices += [(a.slug, f"{a.name} only") for a in browse.all_authorities() if policy.moderates_space(current_user, a.id)]
    return options(choices)


def _thread_forms(thread):
    move, merge, title, slow = MoveForm(prefix="move"), MergeForm(prefix="merge"), TitleForm(prefix="title"), \
        SlowModeForm(prefix="slow")
    move.topic.choices = options([(t.id, t.name) for t in browse.all_topics()])
    move.space.choices = _space_choices()
    if request.method == "GET":
        move.topic.data = thread.topic_id
        move.space.data = thread.authority.slug if thread.authority else NETWORK
        title.title.data = thread.title
        slow.seconds.data = thread.slow_mode_seconds
    return {"move": move, "merge": merge, "title": title, "slow": slow}


@bp.route("/moderation/threads/<int:thread_id>", methods=["GET", "POST"])
@login_required
def thread_tools(thread_id: int):
    thread = get_thread(current_user, thread_id)
    policy.require(policy.can_moderate_thread(current_user, thread), "Only moderators of this space can do that.")
    forms = _thread_forms(thread)
    which = request.form.get("which", "")
    form = forms.get(which)
    if request.method == "POST" and form is not None and form.validate_on_submit():
        try:
            if which == "move":
                authority_id = None
                if form.space.data != NETWORK:
                    authority_id = browse.authority_by_slug(current_user, form.space.data).id
                thread = moderation.move_thread(current_user, thread.id, form.topic.data, authority_id, form.reason.data)
                flash("The thread has moved.", "success")
            elif which == "merge":
                thread = moderation.merge_threads(current_user, thread.id, form.target.data, form.reason.data)
                flash("The threads are merged.", "success")
            elif which == "title":
                moderation.retitle_thread(current_user, thread.id, form.title.data, form.reason.data)
                flash("The title has changed.", "success")
            else:
                moderation.set_thread_slow_mode(current_user, thread.id, form.seconds.data or 0)
                flash("Slow mode is set.", "success")
        except ForumError as error:
            attach_error(form, error)
        else:
            return redirect(url_for("threads.show", thread_id=thread.id))
    elif request.method == "POST" and form is None:
        abort(400)
    status = 400 if request.method == "POST" else 200
    return render_template("moderation/thread_tools.html", thread=thread, forms=forms), status


@bp.route("/moderation/rooms/<int:room_id>/slow-mode", methods=["POST"])
@login_required
def room_slow_mode(room_id: int):
    from ...services.chat import get_room

    room = get_room(current_user, room_id)
    policy.require(policy.moderates_room(current_user, room), "Only moderators of this room can do that.")
    form = SlowModeForm()
    if not form.validate_on_submit():
        messages = [m for errors in form.errors.values() for m in errors]
        flash("Slow mode was not changed: " + " ".join(messages or ["enter a number of seconds."]), "error")
        return redirect(url_for("chat.room", slug=room.slug))
    room = moderation.set_room_slow_mode(current_user, room_id, form.seconds.data or 0)
    flash(f"Slow mode: {room.slow_mode_seconds} seconds." if room.slow_mode_seconds else "Slow mode is off.", "success")
    return redirect(url_for("chat.room", slug=room.slug))


# --- people ------------------------------------------------------------------------------


def _sanction_forms():
    silence, suspend = SanctionForm(prefix="silence"), SanctionForm(prefix="suspend")
    silence.duration.choices = options(DURATION_CHOICES)
    suspend.duration.choices = options(DURATION_CHOICES + [("indefinite", "Until lifted")])
    return {"silence": silence, "suspend": suspend, "note": NoteForm(prefix="note")}


@bp.route("/moderation/people/<username>", methods=["GET", "POST"])
@login_required
def person(username: str):
    found = sanctions.history(current_user, username)
    forms = _sanction_forms()
    which = request.form.get("which", "")
    if request.method == "POST":
        form = forms.get(which)
        if form is None:
            abort(400)
        if which in ("silence", "suspend"):
            policy.require(policy.can_sanction(current_user, found.person), "You cannot act on this account.")
        if form.validate_on_submit():
            try:
                if which == "note":
                    sanctions.add_note(current_user, found.person.id, form.body.data)
                    message = "Note added."
                elif which == "silence":
                    sanctions.silence(current_user, found.person.id, form.duration.data, form.reason.data)
                    message = f"{found.person.display_name} is silenced."
                else:
                    sanctions.suspend(current_user, found.person.id, form.duration.data, form.reason.data)
                    message = f"{found.person.display_name} is suspended and has been signed out everywhere."
            except ForumError as error:
                attach_error(form, error)
            else:
                flash(message, "success")
                return redirect(url_for("moderation.person", username=found.person.username))
    status = 400 if request.method == "POST" else 200
    return render_template("moderation/person.html", history=found, forms=forms, action=ActionForm(),
                           describe=audit.describe), status


@bp.route("/moderation/people/<int:user_id>/<any(unsilence, lift):change>", methods=["POST"])
@login_required
def lift(user_id: int, change: str):
    _require_post_form()
    person = (sanctions.unsilence if change == "unsilence" else sanctions.lift_suspension)(current_user, user_id)
    flash("Done.", "success")
    return redirect(url_for("moderation.person", username=person.username))


# --- watched words -----------------------------------------------------------------------


@bp.route("/moderation/words", methods=["GET", "POST"])
@login_required
def words():
    policy.require(policy.can_manage_words(current_user))
    add, test = WordForm(prefix="word"), WordTestForm(prefix="test")
    hits = None
    if request.form.get("which") == "add" and add.validate_on_submit():
        try:
            watchwords.add_word(current_user, add.pattern.data, add.action.data, add.replacement.data or "")
        except ForumError as error:
            attach_error(add, error)
        else:
            flash("Added.", "success")
            return redirect(url_for("moderation.words"))
    elif request.form.get("which") == "test" and test.validate_on_submit():
        hits = watchwords.find(test.sample.data)
    status = 400 if request.method == "POST" and (add.errors or test.errors or add.form_errors) else 200
    return render_template("moderation/words.html", words=watchwords.all_words(), add=add, test=test, hits=hits,
                           action=ActionForm()), status


@bp.route("/moderation/words/<int:word_id>/delete", methods=["POST"])
@login_required
def delete_word(word_id: int):
    _require_post_form()
    watchwords.remove_word(current_user, word_id)
    flash("Removed.", "success")
    return redirect(url_for("moderation.words"))


# --- the audit log -----------------------------------------------------------------------


def _audit_filter() -> audit.AuditFilter:
    return audit.AuditFilter(**{k: request.args.get(k, "")[:60] for k in ("actor", "action", "target_kind", "since", "until")})


@bp.route("/moderation/audit")
@login_required
def audit_log():
    flt = _audit_filter()
    error = None
    try:
        rows, has_more = audit.entries(current_user, flt, _page())
    except ForumError as problem:
        if problem.status != 400:
            raise
        rows, has_more, error = [], False, problem.message
    return render_template("moderation/audit.html", rows=rows, has_more=has_more, flt=flt, page=_page(), error=error,
                           describe=audit.describe), (400 if error else 200)


@bp.route("/moderation/audit.csv")
@login_required
def audit_csv():
    body = audit.export_csv(current_user, _audit_filter())
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="practice-exchange-audit.csv"'})

