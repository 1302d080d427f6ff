"""Registration, verification, approval, sign-in and password changes."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from .. import realtime, tokens
from ..database import begin_write
from ..errors import Invalid
from ..extensions import db
from ..mail import public_link, send_mail
from ..models import Authority, AuthorityDomain, LoginSession, Role, Status, User, utcnow
from ..names import clean_text_line, normalise_username, username_key
from . import notify

PASSWORD_MIN, PASSWORD_MAX = 10, 200
EMAIL_MAX = 254


@dataclass
class Registration:
    username: str
    email: str
    display_name: str
    job_title: str
    authority_id: int | None
    password: str


def check_email(raw: str) -> str:
    """A syntactically valid email, lower-cased; raises Invalid otherwise."""
    raw = (raw or "").strip()
    if not raw:
        raise Invalid("Enter your work email address.", field="email")
    if len(raw) > EMAIL_MAX:
        raise Invalid(f"Email address must be {EMAIL_MAX} characters or fewer.", field="email")
    try:
        result = validate_email(raw, check_deliverability=False)
    except EmailNotValidError:
        raise Invalid(
            "Enter an email address in the correct format, like name@council.gov.uk.",
            field="email",
        ) from None
    return result.normalized.lower()


def check_password(password: str) -> str:
    if len(password or "") < PASSWORD_MIN:
        raise Invalid(f"Password must be at least {PASSWORD_MIN} characters.", field="password")
    if len(password) > PASSWORD_MAX:
        raise Invalid(f"Password must be {PASSWORD_MAX} characters or fewer.", field="password")
    return password


def authority_for_email(email: str) -> Authority | None:
    """The authority that owns this email's domain (or a parent domain of it)."""
    domain = email.rsplit("@", 1)[-1]
    parts = domain.split(".")
    candidates = [".".join(parts[i:]) for i in range(len(parts) - 1)]
    row = db.session.execute(
        select(AuthorityDomain)
        .where(AuthorityDomain.domain.in_(candidates))
        .order_by(func.length(AuthorityDomain.domain).desc())
    ).scalars().first()
    return row.authority if row else None


def _check_unique(username: str, email: str, exclude_id: int | None = None) -> None:
    key = username_key(username)
    query = select(User.id).where(User.username_key == key)
    if exclude_id:
        query = query.where(User.id != exclude_id)
    if db.session.execute(query).first():
        raise Invalid(
            "That username is taken, or too like one that is. Choose another.", field="username"
        )
    query = select(User.id).where(User.email == email)
    if exclude_id:
        query = query.where(User.id != exclude_id)
    if db.session.execute(query).first():
        raise Invalid(
            "An account with that email already exists. Sign in or reset your password.",
            field="email",
        )


def register(data: Registration) -> User:
    """Create an account: verified by link on the authority's domain, else held for staff.

    Returns the new user; the verification email (or the staff alert) goes out after commit.
    """
    begin_write()
    username = normalise_username(data.username)
    email = check_email(data.email)
    display_name = clean_text_line(data.display_name, label="Full name", max_length=80, field="display_name")
    job_title = clean_text_line(data.job_title, label="Job title", max_length=100, field="job_title")
    check_password(data.password)
    authority = None
    if data.authority_id is not None:
        authority = db.session.get(Authority, data.authority_id)
        if authority is None:
            raise Invalid("Choose your authority from the list.", field="authority")
    _check_unique(username, email)

    domain_authority = authority_for_email(email)
    on_domain = authority is not None and domain_authority is not None and (
        domain_authority.id == authority.id
    )
    user = User(
        username=username,
        username_key=username_key(username),
        email=email,
        display_name=display_name,
        job_title=job_title,
        authority_id=authority.id if authority else None,
        role=Role.MEMBER.value,
        status=Status.PENDING_EMAIL.value if on_domain else Status.PENDING_APPROVAL.value,
        password_hash=generate_password_hash(data.password),
    )
    db.session.add(user)
    if not on_domain:
        where = authority.name if authority else "no authority"
        notify.add(
            db.session.scalars(select(User).where(
                User.role.in_((Role.MODERATOR.value, Role.ADMIN.value)), User.status == Status.ACTIVE.value,
            )),
            "account_pending", f"{display_name} ({where}) registered and is waiting for approval.",
            "/moderation/queue?kind=account",
        )
        db.session.flush()
        from .queue import account_item_for

        account_item_for(user)
    try:
        db.session.commit()
    except IntegrityError:
        # Someone registered the same name or email a moment ago.
        db.session.rollback()
        _check_unique(username, email)
        raise
    if on_domain:
        send_verification(user)
    else:
        send_mail(
            user.email,
            "Your Practice Exchange account is waiting for approval",
            f"Hello {user.display_name},\n\nThanks for registering. Your email address is not "
            "on your authority's domain, so centre staff will check your account. We will "
            "email you when it is approved.\n",
        )
    return user


def send_verification(user: User) -> None:
    token = tokens.make_token("verify", user.id, user.email)
    link = public_link("auth.verify", token=token)
    send_mail(
        user.email,
        "Confirm your email for Practice Exchange",
        f"Hello {user.display_name},\n\nConfirm your email address to finish creating your "
        f"account:\n\n{link}\n\nThe link works for 48 hours. If you did not register, ignore "
        "this email.\n",
    )


def verify_email(token: str) -> User:
    begin_write()
    user_id, fingerprint = tokens.read_token(
        "verify", token, current_app.config["VERIFY_TOKEN_MAX_AGE"]
    )
    user = db.session.get(User, user_id)
    if user is None or not tokens.matches(fingerprint, user.email):
        raise Invalid("That link is not valid.")
    if user.status == Status.PENDING_EMAIL.value:
        user.status = Status.ACTIVE.value
        user.email_verified_at = utcnow()
        db.session.commit()
    return user


def authenticate(login: str, password: str) -> User:
    """The user with this username or email and password, or Invalid with one vague message."""
    login = (login or "").strip()
    if not login or not password or len(login) > EMAIL_MAX or len(password) > PASSWORD_MAX:
        raise Invalid("Enter your username or email and your password.")
    if "@" in login:
        query = select(User).where(User.email == login.lower())
    else:
        try:
            key = username_key(normalise_username(login))
        except Invalid:
            raise Invalid("The username or password is not right.") from None
        query = select(User).where(User.username_key == key)
    user = db.session.execute(query).scalar_one_or_none()
    if user is None or not check_password_hash(user.password_hash, password):
        raise Invalid("The username or password is not right.")
    if user.status == Status.PENDING_EMAIL.value:
        raise Invalid("Confirm your email first: follow the link we sent you.")
    if user.status == Status.PENDING_APPROVAL.value:
        raise Invalid("Your account is waiting for approval by centre staff.")
    if user.status == Status.REJECTED.value:
        raise Invalid("Your registration was not approved. Contact the centre for help.")
    if user.is_suspended:
        from ..web.viewhelpers import uk_time

        until = f"until {uk_time(user.suspended_until)}" if user.suspended_until else "until further notice"
        reason = f" The reason given: {user.suspend_reason}" if user.suspend_reason else ""
        raise Invalid(f"Your account is suspended {until}.{reason} Contact the centre if you think this is wrong.")
    return user


def request_password_reset(email: str) -> None:
    """Email a reset link if the account exists; say nothing either way to the caller."""
    try:
        email = check_email(email)
    except Invalid:
        return
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        return
    token = tokens.make_token("reset", user.id, user.password_hash)
    link = public_link("auth.reset", token=token)
    send_mail(
        user.email,
        "Reset your Practice Exchange password",
        f"Hello {user.display_name},\n\nChoose a new password here:\n\n{link}\n\nThe link "
        "works once, for one hour. If you did not ask for it, ignore this email.\n",
    )


def user_for_reset(token: str) -> User:
    user_id, fingerprint = tokens.read_token(
        "reset", token, current_app.config["RESET_TOKEN_MAX_AGE"]
    )
    user = db.session.get(User, user_id)
    if user is None or not tokens.matches(fingerprint, user.password_hash):
        raise Invalid("That link has been used or is not valid. Ask for a new one.")
    return user


def reset_password(token: str, password: str) -> User:
    begin_write()
    user = user_for_reset(token)
    _set_password(user, password)
    _revoke_logins(user)
    if user.status == Status.PENDING_EMAIL.value:
        # Following an emailed link proves the address as well as a verification would.
        user.status = Status.ACTIVE.value
        user.email_verified_at = utcnow()
    db.session.commit()
    realtime.disconnect_user(user.id)
    return user


def _set_password(user: User, password: str) -> None:
    check_password(password)
    user.password_hash = generate_password_hash(password)


def _revoke_logins(user: User, keep: LoginSession | None = None) -> None:
    """Mark the user's live sign-ins revoked (all, or all but `keep`), in the caller's transaction."""
    query = update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(LoginSession.id != keep.id)
    db.session.execute(query.values(revoked_at=utcnow()))


def change_password(user: User, current: str, new: str) -> User:
    """Change the password and sign out every other device, sockets included."""
    keep = user.current_login
    begin_write()
    if not check_password_hash(user.password_hash, current or ""):
        raise Invalid("Your current password is not right.", field="current_password")
    _set_password(user, new)
    _revoke_logins(user, keep=keep)
    db.session.commit()
    realtime.disconnect_user(user.id, except_login=keep.key if keep else None)
    return user


def update_profile(user: User, display_name: str, job_title: str) -> User:
    begin_write()
    user.display_name = clean_text_line(display_name, label="Full name", max_length=80, field="display_name")
    user.job_title = clean_text_line(job_title, label="Job title", max_length=100, field="job_title")
    db.session.commit()
    return user


def start_login(user: User, user_agent: str = "") -> LoginSession:
    """Record a sign-in; its key goes in the session cookie (see LoginSession)."""
    begin_write()
    login = LoginSession(user_id=user.id, user_agent=(user_agent or "")[:200])
    db.session.add(login)
    db.session.commit()
    user.current_login = login
    return login


def end_login(user: User) -> None:
    """Sign this device out: its cookie stops working and its sockets are cut at once."""
    login = user.current_login
    if login is None:
        return
    begin_write()
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.id == login.id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.commit()
    realtime.disconnect_login(login.key)


def sign_out_everywhere(user: User) -> None:
    begin_write()
    _revoke_logins(user)
    db.session.commit()
    realtime.disconnect_user(user.id)


def create_admin(username: str, email: str, display_name: str, password: str) -> User:
    """The first admin of a real install (`flask forum create-admin`)."""
    begin_write()
    username = normalise_username(username)
    email = check_email(email)
    display_name = clean_text_line(display_name, label="Full name", max_length=80, field="display_name")
    check_password(password)
    _check_unique(username, email)
    user = User(
        username=username,
        username_key=username_key(username),
        email=email,
        display_name=display_name,
        job_title="Centre staff",
        role=Role.ADMIN.value,
        status=Status.ACTIVE.value,
        password_hash=generate_password_hash(password),
        email_verified_at=utcnow(),
    )
    db.session.add(user)
    db.session.commit()
    return user


def load_user(login_id: str) -> User | None:
    """Flask-Login's loader: a live sign-in of an active user, checked against the database."""
    user_id, _, key = (login_id or "").partition(":")
    if not user_id.isdigit() or not key or len(key) > 64:
        return None
    row = db.session.execute(
        select(LoginSession, User)
        .join(User, User.id == LoginSession.user_id)
        .where(
            LoginSession.key == key,
            LoginSession.user_id == int(user_id),
            LoginSession.revoked_at.is_(None),
        )
    ).first()
    if row is None or not row.User.is_active:
        return None
    row.User.current_login = row.LoginSession
    return row.User
