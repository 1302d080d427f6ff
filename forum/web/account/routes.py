"""Profile views."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ...errors import Invalid
from ...services import accounts, notify
from ...services.browse import user_by_username
from ..threads.forms import ActionForm
from ..viewhelpers import attach_error, form_status
from .forms import PasswordForm, ProfileForm

bp = Blueprint("account", __name__)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            accounts.update_profile(current_user, form.display_name.data, form.job_title.data)
        except Invalid as error:
            attach_error(form, error)
        else:
            flash("Your profile has been saved.", "success")
            return redirect(url_for("account.profile"))
    status = form_status(form)
    return render_template("account/profile.html", form=form), status


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.new_password.data)
        except Invalid as error:
            attach_error(form, error)
        else:
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect(url_for("account.profile"))
    status = form_status(form)
    return render_template("account/password.html", form=form), status


@bp.route("/people/<username>")
@login_required
def person(username: str):
    return render_template("account/person.html", person=user_by_username(current_user, username))


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def notifications():
    """The in-app notifications; POST marks them all read."""
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        notify.mark_all_read(current_user)
        return redirect(url_for("account.notifications"))
    return render_template("account/notifications.html", items=notify.recent(current_user), action=ActionForm())
