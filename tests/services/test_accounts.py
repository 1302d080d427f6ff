"""Accounts: registration routes, verification, approval, sign-in and password changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from forum.errors import Forbidden, Invalid, NotFound
from forum.extensions import db
from forum.models import Status, User
from forum.services import accounts, notify, staff_accounts

from ..conftest import PASSWORD


def registration(world, **overrides) -> accounts.Registration:
    data = dict(
        username="sam.jones",
        email="sam.jones@wigan.gov.uk",
        display_name="Sam Jones",
        job_title="Social worker",
        authority_id=world.wigan.id,
        password="a long enough password",
    )
    data.update(overrides)
    return accounts.Registration(**data)


def outbox(app) -> list[str]:
    folder = Path(app.config["OUTBOX_PATH"])
    return [p.read_text() for p in sorted(folder.glob("*.eml"))] if folder.exists() else []


def link_from(mail: str, path: str) -> str:
    for line in mail.splitlines():
        if path in line:
            return line.strip().rsplit(path, 1)[1]
    raise AssertionError(f"no {path} link in email")


def test_email_on_authority_domain_is_verified_by_link(app, world):
    user = accounts.register(registration(world))
    assert user.status == Status.PENDING_EMAIL.value
    mails = outbox(app)
    assert len(mails) == 1 and "sam.jones@wigan.gov.uk" in mails[0]
    token = link_from(mails[0], "/verify/")
    accounts.verify_email(token)
    assert db.session.get(User, user.id).status == Status.ACTIVE.value
    assert accounts.authenticate("sam.jones", "a long enough password").id == user.id


def test_subdomain_of_authority_domain_counts_as_on_domain(app, world):
    user = accounts.register(registration(world, email="sam@social.wigan.gov.uk"))
    assert user.status == Status.PENDING_EMAIL.value


def test_email_off_authority_domain_waits_for_staff_approval(app, world):
    user = accounts.register(registration(world, email="sam@gmail.com"))
    assert user.status == Status.PENDING_APPROVAL.value
    with pytest.raises(Invalid, match="waiting for approval"):
        accounts.authenticate("sam.jones", "a long enough password")
    assert [u.id for u in staff_accounts.pending_accounts(world.moderator)] == [user.id]
    staff_accounts.approve_account(world.moderator, user.id)
    assert accounts.authenticate("sam@gmail.com", "a long enough password").id == user.id
    assert any("approved" in m for m in outbox(app))


def test_centre_staff_are_told_in_app_that_an_account_waits_and_members_are_not(app, world):
    accounts.register(registration(world, email="sam@gmail.com"))
    for staff in (world.moderator, world.admin):
        [note] = notify.recent(staff)
        assert "waiting for approval" in note.text and note.url == "/moderation/queue?kind=account"
    for other in (world.member, world.lead, world.outsider):
        assert notify.recent(other) == []


def test_another_authoritys_domain_does_not_verify_a_claim_to_this_one(app, world):
    user = accounts.register(
        registration(world, email="sam@birminghamchildrenstrust.co.uk", authority_id=world.wigan.id)
    )
    assert user.status == Status.PENDING_APPROVAL.value


def test_wider_network_registration_is_held_for_approval(app, world):
    user = accounts.register(registration(world, email="sam@charity.org.uk", authority_id=None))
    assert user.status == Status.PENDING_APPROVAL.value and user.authority_id is None


def test_rejected_registration_cannot_sign_in(app, world):
    user = accounts.register(registration(world, email="sam@gmail.com"))
    staff_accounts.reject_account(world.admin, user.id)
    with pytest.raises(Invalid, match="not approved"):
        accounts.authenticate("sam.jones", "a long enough password")


@pytest.mark.parametrize("role", ["member", "lead"])
def test_only_staff_approve_accounts(app, world, role):
    user = accounts.register(registration(world, email="sam@gmail.com"))
    actor = world.member if role == "member" else world.lead
    with pytest.raises(Forbidden):
        staff_accounts.approve_account(actor, user.id)
    assert db.session.get(User, user.id).status == Status.PENDING_APPROVAL.value


def test_approving_an_account_that_is_not_pending_is_not_found(app, world):
    with pytest.raises(NotFound):
        staff_accounts.approve_account(world.moderator, world.member.id)


@pytest.mark.parametrize(
    "taken",
    ["MEMBER.WIGAN", "member.wigan", "mernber.wigan", "member.wiga\u043f" if False else "member.w1gan", "m\u0435mber.wigan"],
)
def test_username_unique_after_case_and_lookalike_folding(app, world, taken):
    with pytest.raises(Invalid, match="taken"):
        accounts.register(registration(world, username=taken))


def test_email_unique_ignoring_case(app, world):
    accounts.register(registration(world))
    with pytest.raises(Invalid, match="already exists"):
        accounts.register(registration(world, username="other.person", email="SAM.JONES@wigan.gov.uk"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "ab", "3 to 32"),
        ("username", "x" * 33, "3 to 32"),
        ("username", "sam jones", "letters, numbers"),
        ("username", "sam<script>", "letters, numbers"),
        ("username", "sam\u202ejones", "hidden"),
        ("username", "sam\u200bjones", "hidden"),
        ("username", ".sam", "start and end"),
        ("display_name", "Sam\u202e Jones", "hidden"),
        ("display_name", "Sam\u200d", "hidden"),
        ("display_name", "\u3164\u3164\u3164", "hidden"),  # Hangul fillers: looks blank
        ("display_name", "\u2800", "hidden"),  # blank Braille pattern
        ("username", "\uffa0sam", "hidden"),
        ("display_name", "x" * 81, "80 characters"),
        ("display_name", "   ", "Enter"),
        ("job_title", "y" * 101, "100 characters"),
        ("email", "not-an-email", "correct format"),
        ("email", "a@" + "b" * 260 + ".com", "254"),
        ("password", "short", "at least 10"),
        ("password", "p" * 201, "200 characters"),
        ("authority_id", 999, "Choose your authority"),
    ],
)
def test_bad_registration_input_is_refused_with_a_clear_message(app, world, field, value, message):
    with pytest.raises(Invalid, match=message):
        accounts.register(registration(world, **{field: value}))
    assert db.session.execute(select(User).where(User.username == "sam.jones")).first() is None


def test_username_is_nfkc_normalised(app, world):
    user = accounts.register(registration(world, username="\uff53\uff41\uff4d.jones"))  # fullwidth "sam"
    assert user.username == "sam.jones"


def test_verification_link_cannot_be_forged(app, world):
    accounts.register(registration(world))
    with pytest.raises(Invalid):
        accounts.verify_email("not-a-token")


def test_wrong_password_and_unknown_user_get_the_same_message(app, world):
    with pytest.raises(Invalid) as wrong:
        accounts.authenticate("member.wigan", "wrong password!")
    with pytest.raises(Invalid) as unknown:
        accounts.authenticate("nobody.here", "wrong password!")
    assert wrong.value.message == unknown.value.message


def test_password_reset_link_works_once(app, world):
    accounts.request_password_reset(world.member.email)
    token = link_from(outbox(app)[-1], "/reset/")
    accounts.reset_password(token, "a brand new password")
    assert accounts.authenticate("member.wigan", "a brand new password")
    with pytest.raises(Invalid, match="used or is not valid"):
        accounts.reset_password(token, "yet another password")


def test_password_reset_for_unknown_email_sends_nothing(app, world):
    accounts.request_password_reset("nobody@example.org")
    accounts.request_password_reset("not an email")
    assert outbox(app) == []


def test_changing_password_signs_out_every_other_sign_in(app, world):
    phone = accounts.start_login(world.member).key
    laptop = accounts.start_login(world.member)
    accounts.change_password(world.member, PASSWORD, "a brand new password")
    assert accounts.load_user(f"{world.member.id}:{phone}") is None
    assert accounts.load_user(f"{world.member.id}:{laptop.key}").id == world.member.id


def test_signing_out_ends_only_that_sign_in(app, world):
    phone = accounts.start_login(world.member).key
    accounts.start_login(world.member)
    laptop_id = world.member.get_id()
    accounts.end_login(world.member)
    assert accounts.load_user(laptop_id) is None
    assert accounts.load_user(f"{world.member.id}:{phone}").id == world.member.id


def test_password_reset_signs_out_everywhere(app, world):
    phone = accounts.start_login(world.member).key
    accounts.request_password_reset(world.member.email)
    accounts.reset_password(link_from(outbox(app)[-1], "/reset/"), "a brand new password")
    assert accounts.load_user(f"{world.member.id}:{phone}") is None


def test_changing_password_needs_the_current_one(app, world):
    with pytest.raises(Invalid, match="current password"):
        accounts.change_password(world.member, "wrong one!!", "a brand new password")


def test_inactive_user_is_not_loaded_into_a_session(app, world):
    accounts.start_login(world.member)
    login_id = world.member.get_id()
    world.member.status = Status.REJECTED.value
    db.session.commit()
    assert accounts.load_user(login_id) is None


@pytest.mark.parametrize("login_id", ["", "abc", "1", "1:", ":token", "99999:token", "1:" + "k" * 500])
def test_malformed_login_ids_load_nobody(app, world, login_id):
    assert accounts.load_user(login_id) is None


def test_profile_update_validates_names(app, world):
    with pytest.raises(Invalid, match="hidden"):
        accounts.update_profile(world.member, "Dan\u202e", "Social worker")
    accounts.update_profile(world.member, "  Dan   Hughes ", "Senior practitioner")
    assert world.member.display_name == "Dan Hughes"


def test_create_admin_makes_an_active_admin(app, world):
    user = accounts.create_admin("centre.admin", "admin@centre.example", "Centre Admin", "a long enough password")
    assert user.role == "admin" and user.is_active
