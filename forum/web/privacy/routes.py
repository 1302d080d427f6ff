"""The privacy guard's pages: the live check's guidance lives in main; here, staff's local
terms and the report of how often the guard fires."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ... import policy
from ...errors import ForumError, NotFound
from ...services import privacy_admin
from ..fields import options
from ..threads.forms import ActionForm
from ..viewhelpers import attach_error, form_status
from .forms import TermForm

bp = Blueprint("privacy", __name__)
NETWORK = "network"


@bp.route("/moderation/privacy", methods=["GET", "POST"])
@login_required
def page():
    if not policy.can_view_privacy_report(current_user):
        raise NotFound()
    spaces = privacy_admin.manageable_authorities(current_user)
    form = TermForm()
    form.authority.choices = options(
        (str(a.id) if a else NETWORK, a.name if a else "Everyone in the network") for a in spaces)
    if form.validate_on_submit():
        authority_id = None if form.authority.data == NETWORK else int(form.authority.data)
        try:
            privacy_admin.add_term(current_user, authority_id, form.term.data, form.kind.data)
        except ForumError as error:
            attach_error(form, error)
        else:
            flash(f"Added “{form.term.data.strip()}”. New posts are checked for it from now on.", "success")
            return redirect(url_for("privacy.page"))
    return render_template("moderation/privacy.html", form=form, terms=privacy_admin.terms(current_user),
                           report=privacy_admin.report(current_user), can_add=bool(spaces),
                           action=ActionForm()), form_status(form)


@bp.route("/moderation/privacy/terms/<int:term_id>/delete", methods=["POST"])
@login_required
def remove(term_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    privacy_admin.remove_term(current_user, term_id)
    flash("Removed.", "success")
    return redirect(url_for("privacy.page"))
