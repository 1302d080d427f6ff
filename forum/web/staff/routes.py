"""Staff views."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ...services import staff_accounts
from ..threads.forms import ActionForm

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.route("/accounts")
@login_required
def pending():
    users = staff_accounts.pending_accounts(current_user)
    return render_template("staff/pending.html", users=users, action=ActionForm())


@bp.route("/accounts/<int:user_id>/<any(approve, reject):decision>", methods=["POST"])
@login_required
def decide(user_id: int, decision: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    if decision == "approve":
        user = staff_accounts.approve_account(current_user, user_id)
        flash(f"{user.display_name}'s account has been approved.", "success")
    else:
        user = staff_accounts.reject_account(current_user, user_id)
        flash(f"{user.display_name}'s registration has been rejected.", "success")
    return redirect(url_for("staff.pending"))
