"""Admin views. Every rule is in policy and the services; these parse, call and render."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ... import policy
from ...errors import ForumError, NotFound
from ...extensions import db
from ...models import Authority, Topic, User
from ...services import admin, browse, staff_accounts
from ..fields import options
from ..viewhelpers import attach_error, form_status
from .forms import AuthorityForm, RoleForm, TopicForm

bp = Blueprint("admin", __name__, url_prefix="/admin")

NONE = "none"


def _require_admin() -> None:
    if not policy.can_manage_spaces(current_user):
        raise NotFound()  # the admin pages do not exist for anyone else


@bp.route("/authorities", methods=["GET", "POST"])
@bp.route("/authorities/<int:authority_id>", methods=["GET", "POST"])
@login_required
def authorities(authority_id: int | None = None):
    _require_admin()
    editing = db.session.get(Authority, authority_id) if authority_id else None
    if authority_id and editing is None:
        raise NotFound()
    form = AuthorityForm()
    if request.method == "GET" and editing:
        form.name.data, form.slug.data, form.wave.data = editing.name, editing.slug, editing.wave
        form.domains.data = "\n".join(d.domain for d in editing.domains)
    if form.validate_on_submit():
        try:
            saved = admin.save_authority(current_user, authority_id, form.name.data, form.slug.data,
                                         form.domains.data or "", form.wave.data or 1)
        except ForumError as error:
            attach_error(form, error)
        else:
            flash(f"{saved.name} is saved.", "success")
            return redirect(url_for("admin.authorities"))
    return render_template("admin/authorities.html", authorities=browse.all_authorities(), form=form,
                           editing=editing), form_status(form)


@bp.route("/topics", methods=["GET", "POST"])
@bp.route("/topics/<int:topic_id>", methods=["GET", "POST"])
@login_required
def topics(topic_id: int | None = None):
    _require_admin()
    editing = db.session.get(Topic, topic_id) if topic_id else None
    if topic_id and editing is None:
        raise NotFound()
    form = TopicForm()
    if request.method == "GET" and editing:
        form.name.data, form.slug.data = editing.name, editing.slug
        form.description.data, form.position.data = editing.description, editing.position
    if form.validate_on_submit():
        try:
            saved = admin.save_topic(current_user, topic_id, form.name.data, form.slug.data,
                                     form.description.data or "", form.position.data or 0)
        except ForumError as error:
            attach_error(form, error)
        else:
            flash(f"{saved.name} is saved.", "success")
            return redirect(url_for("admin.topics"))
    return render_template("admin/topics.html", topics=browse.all_topics(), form=form, editing=editing), form_status(form)


def _role_form(person: User | None = None) -> RoleForm:
    form = RoleForm(prefix=f"p{person.id}" if person else None)
    form.authority.choices = options([(NONE, "No authority (wider network or centre)")]
                                     + [(a.slug, a.name) for a in browse.all_authorities()])
    if person is not None and request.method == "GET":
        form.role.data = person.role
        form.authority.data = person.authority.slug if person.authority else NONE
    return form


@bp.route("/people")
@login_required
def people():
    _require_admin()
    query = request.args.get("q", "")[:80]
    found = admin.find_people(current_user, query)
    return render_template("admin/people.html", people=found, query=query, forms={p.id: _role_form(p) for p in found})


@bp.route("/people/<int:user_id>/role", methods=["POST"])
@login_required
def change_role(user_id: int):
    _require_admin()
    person = db.session.get(User, user_id)
    if person is None:
        raise NotFound()
    form = _role_form(person)
    if form.validate_on_submit():
        authority_id = None
        if form.authority.data != NONE:
            authority_id = browse.authority_by_slug(current_user, form.authority.data).id
        try:
            staff_accounts.set_role_and_authority(current_user, person.id, form.role.data, authority_id)
        except ForumError as error:
            flash(error.message, "error")
            return redirect(url_for("admin.people", q=person.username)), 303
        flash(f"{person.display_name} is now {person.role_enum.label.lower()}.", "success")
    else:
        flash("Choose a role and an authority from the lists.", "error")
    return redirect(url_for("admin.people", q=person.username))
