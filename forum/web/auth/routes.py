"""Account views: thin wrappers that parse forms and call services.accounts."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ...errors import Invalid
from ...extensions import limiter
from ...services import accounts
from ...services.browse import all_authorities
from ..fields import options
from ..viewhelpers import attach_error, form_status
from .forms import ForgotForm, RegisterForm, ResetForm, SignInForm

bp = Blueprint("auth", __name__)

NETWORK_CHOICE = 0


def _authority_choices() -> list[tuple[int, str]]:
    choices = [(-1, "Choose your authority")]
    choices += [(a.id, a.name) for a in all_authorities()]
    choices.append((NETWORK_CHOICE, "Other organisation (wider network)"))
    return choices


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in.

    Browsers forgive a lot in a URL (a backslash, or a tab or newline inside "//", can lead
    off-site), so anything but a plain path of printable ASCII characters is refused.
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and all(" " < ch < "\x7f" for ch in target)
    ):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("main.latest")


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.latest"))
    form = RegisterForm()
    form.authority.choices = options(_authority_choices())
    if form.validate_on_submit():
        if form.authority.data == -1:
            form.authority.errors.append("Choose your authority.")
        else:
            try:
                user = accounts.register(
                    accounts.Registration(
                        username=form.username.data,
                        email=form.email.data,
                        display_name=form.display_name.data,
                        job_title=form.job_title.data,
                        authority_id=form.authority.data or None,
                        password=form.password.data,
                    )
                )
            except Invalid as error:
                attach_error(form, error)
            else:
                return render_template("auth/registered.html", user=user)
    return render_template("auth/register.html", form=form), form_status(form)


@bp.route("/verify/<token>")
def verify(token: str):
    try:
        accounts.verify_email(token)
    except Invalid as error:
        return render_template("auth/link_problem.html", message=error.message), 400
    flash("Your email is confirmed. You can now sign in.", "success")
    return redirect(url_for("auth.signin"))


@bp.route("/signin", methods=["GET", "POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"])
def signin():
    if current_user.is_authenticated:
        return redirect(url_for("main.latest"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.login.data, form.password.data)
        except Invalid as error:
            form.form_errors.append(error.message)
        else:
            next_url = _safe_next(request.args.get("next"))
            # A fresh session at sign-in: nothing from before survives (session fixation).
            session.clear()
            accounts.start_login(user, request.headers.get("User-Agent", ""))
            login_user(user, remember=form.remember.data)
            return redirect(next_url)
    return render_template("auth/signin.html", form=form), form_status(form)


@bp.route("/signout", methods=["POST"])
def signout():
    if current_user.is_authenticated:
        accounts.end_login(current_user)
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("main.landing"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        return render_template("auth/forgot_sent.html", email=form.email.data)
    status = form_status(form)
    return render_template("auth/forgot.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    try:
        accounts.user_for_reset(token)
    except Invalid as error:
        return render_template("auth/link_problem.html", message=error.message), 400
    form = ResetForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except Invalid as error:
            attach_error(form, error)
        else:
            logout_user()
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("auth.signin"))
    status = form_status(form)
    return render_template("auth/reset.html", form=form), status


@bp.route("/signout-everywhere", methods=["POST"])
@login_required
def signout_everywhere():
    accounts.sign_out_everywhere(current_user)
    logout_user()
    session.clear()
    flash("You have been signed out on every device.", "success")
    return redirect(url_for("auth.signin"))
