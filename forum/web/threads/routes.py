"""Thread views. Every rule lives in policy and services; these parse, call and render."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ... import policy
from ...content import render_markdown
from ...errors import ForumError
from ...models.types import ID_MAX
from ...services import browse, moderation, threads
from ..fields import options
from ..viewhelpers import attach_error, form_status
from .forms import ActionForm, EditPostForm, ReplyForm, ThreadForm

bp = Blueprint("threads", __name__)

NETWORK = "network"


def _space_choices() -> list[tuple[str, str]]:
    choices = [(NETWORK, "Everyone in the network")]
    for authority in browse.all_authorities():
        if policy.can_post_in_space(current_user, authority.id):
            choices.append((authority.slug, f"{authority.name} only"))
    return choices


def post_url(post) -> str:
    return url_for(
        "threads.show", thread_id=post.thread_id, page=browse.page_of_post(post), _anchor=f"post-{post.number}"
    )


@bp.route("/threads/new", methods=["GET", "POST"])
@login_required
def new():
    form = ThreadForm()
    topics = browse.all_topics()
    form.topic.choices = options([(0, "Choose a topic")] + [(t.id, t.name) for t in topics])
    form.space.choices = options(_space_choices())
    if request.method == "GET":
        wanted = request.args.get("topic")
        form.topic.data = next((t.id for t in topics if t.slug == wanted), 0)
        form.space.data = request.args.get("space", NETWORK)
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            authority_id = None
            if form.space.data != NETWORK:
                authority_id = browse.authority_by_slug(current_user, form.space.data).id
            try:
                thread = threads.start_thread(
                    current_user,
                    threads.NewThread(
                        topic_id=form.topic.data or None,
                        authority_id=authority_id,
                        kind=form.kind.data,
                        title=form.title.data,
                        body=form.body.data,
                        tags=form.tags.data or "",
                        post_anyway=form.post_anyway.data,
                        warning_id=form.privacy_warning.data,
                    ),
                )
            except ForumError as error:
                attach_error(form, error)
            else:
                if thread.held:
                    flash("Your thread is waiting for a moderator. Only you can see it until it is approved.", "info")
                return redirect(url_for("threads.show", thread_id=thread.id))
    status = form_status(form)
    return render_template("threads/new.html", form=form, preview=preview), status


@bp.route("/threads/<int:thread_id>")
@login_required
def show(thread_id: int):
    try:
        page = browse.thread_page(current_user, thread_id, request.args.get("page"))
    except ForumError:
        target = moderation.merged_target_for(current_user, thread_id)
        if target is None:
            raise
        return redirect(url_for("threads.show", thread_id=target), 301)
    form = ReplyForm()
    return render_template("threads/show.html", page=page, thread=page.thread, form=form, action=ActionForm())


@bp.route("/threads/<int:thread_id>/reply", methods=["GET", "POST"])
@login_required
def reply(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    form = ReplyForm()
    if request.method == "GET":
        quote = request.args.get("quote", type=int)
        if quote and 0 < quote <= ID_MAX:
            try:
                quoted = threads.get_post(current_user, quote)
            except ForumError:  # a quote of something gone or unseen: start with an empty box
                quoted = None
            if (quoted is not None and quoted.thread_id == thread.id and quoted.deleted_at is None
                    and policy.can_see_post_body(current_user, quoted)):
                lines = "\n".join(f"> {line}" for line in quoted.body.splitlines())
                form.body.data = f"{lines}\n>\n> — @{quoted.author.username}\n\n"
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            try:
                post = threads.reply(current_user, thread.id, form.body.data, post_anyway=form.post_anyway.data,
                                     warning_id=form.privacy_warning.data)
            except ForumError as error:
                # Locked while they wrote, slow mode, a blocked word: the refusal is shown and
                # their text stays in the box.
                attach_error(form, error)
                return render_template(
                    "threads/reply.html", thread=thread, form=form, preview=None,
                    can_reply=policy.can_reply(current_user, thread), refusal=error.message,
                ), error.status
            else:
                if post.held_at:
                    flash("Your reply is waiting for a moderator. Only you can see it until it is approved.", "info")
                return redirect(post_url(post))
    can_reply = policy.can_reply(current_user, thread)
    status = form_status(form) if can_reply else 403
    return render_template(
        "threads/reply.html", thread=thread, form=form, preview=preview, can_reply=can_reply,
    ), status


@bp.route("/posts/<int:post_id>")
@login_required
def post(post_id: int):
    return redirect(post_url(threads.get_post(current_user, post_id)))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int):
    post = threads.get_post(current_user, post_id)
    policy.require(policy.can_edit_post(current_user, post), "You cannot edit this post.")
    form = EditPostForm(obj=None)
    if request.method == "GET":  # an edit waiting for review is what its author goes on with
        pending = post.pending_at is not None and post.author_id == current_user.id
        form.body.data = post.pending_body if pending else post.body
        form.title.data = (post.pending_title if pending else None) or post.thread.title
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            try:
                threads.edit_post(
                    current_user, post.id, form.body.data, form.title.data if post.is_opening else None,
                    post_anyway=form.post_anyway.data, warning_id=form.privacy_warning.data,
                )
            except ForumError as error:
                attach_error(form, error)
            else:
                if post.pending_at and post.author_id == current_user.id:
                    flash("Your edit is waiting for a moderator. Until it is approved, readers see the "
                          "earlier version.", "info")
                else:
                    flash("Your changes have been saved.", "success")
                return redirect(post_url(post))
    status = form_status(form)
    return render_template("threads/edit.html", post=post, form=form, preview=preview), status


@bp.route("/posts/<int:post_id>/history")
@login_required
def history(post_id: int):
    post, revisions = threads.revisions(current_user, post_id)
    return render_template("threads/history.html", post=post, revisions=revisions)


def _action(post_id: int, do, message: str | None = None):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    result = do(current_user, post_id)
    if message:
        flash(message, "success")
    return result


@bp.route("/posts/<int:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete(post_id: int):
    post = threads.get_post(current_user, post_id)
    policy.require(policy.can_delete_post(current_user, post), "You cannot delete this post.")
    if request.method == "GET":
        return render_template("threads/delete.html", post=post, action=ActionForm())
    _action(post_id, threads.delete_post, "The post has been deleted.")
    if post.is_opening:
        return redirect(url_for("main.topic", slug=post.thread.topic.slug))
    return redirect(url_for("threads.show", thread_id=post.thread_id, page=browse.page_of_post(post)))


@bp.route("/posts/<int:post_id>/helpful", methods=["POST"])
@login_required
def helpful(post_id: int):
    post, _marked = _action(post_id, threads.toggle_helpful)
    return redirect(post_url(post))


@bp.route("/posts/<int:post_id>/accept", methods=["POST"])
@login_required
def accept(post_id: int):
    thread = _action(post_id, threads.accept_answer)
    message = "Answer accepted." if thread.accepted_post_id == post_id else "Answer no longer accepted."
    flash(message, "success")
    return redirect(post_url(threads.get_post(current_user, post_id)))


@bp.route("/threads/<int:thread_id>/flags", methods=["POST"])
@login_required
def flags(thread_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    change = request.form.get("change", "")
    options = {"pin": {"pinned": True}, "unpin": {"pinned": False}, "lock": {"locked": True}, "unlock": {"locked": False}}
    if change not in options:
        abort(400)
    moderation.set_flags(current_user, thread_id, **options[change])
    return redirect(url_for("threads.show", thread_id=thread_id))
