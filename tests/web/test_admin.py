"""Admins shape the network: authorities with their domains, topics, roles; each change audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.errors import Forbidden, Invalid
from forum.extensions import db
from forum.models import AuditEntry, Authority
from forum.services import accounts, admin, staff_accounts

from ..conftest import body_text


def test_admin_adds_an_authority_whose_domain_then_verifies_registrations(app, world):
    walsall = admin.save_authority(world.admin, None, "Walsall Council", "walsall", "walsall.gov.uk\nWALSALL.gov.uk", 2)
    assert [d.domain for d in walsall.domains] == ["walsall.gov.uk"]
    assert accounts.authority_for_email("ann@walsall.gov.uk").id == walsall.id
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "create_authority" and '"walsall.gov.uk"' in entry.after


def test_changing_an_authority_records_before_and_after(app, world):
    admin.save_authority(world.admin, world.wigan.id, "Wigan Council", "wigan", "wigan.gov.uk\nwigan.nhs.uk", 1)
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "update_authority" and "wigan.nhs.uk" not in entry.before and "wigan.nhs.uk" in entry.after


@pytest.mark.parametrize(("field", "value", "message"), [
    ("slug", "Not A Slug", "short name"), ("domains", "not a domain", "not an email domain"),
    ("domains", "birminghamchildrenstrust.co.uk", "another authority"), ("name", "Wigan Council", "already has"),
    ("wave", "x", "wave"),
])
def test_bad_authority_input_is_refused_plainly(app, world, field, value, message):
    values = {"name": "Walsall Council", "slug": "walsall", "domains": "walsall.gov.uk", "wave": 1, field: value}
    with pytest.raises(Invalid, match=message):
        admin.save_authority(world.admin, None, values["name"], values["slug"], values["domains"], values["wave"])
    assert db.session.scalar(select(func.count(Authority.id))) == 2


@pytest.mark.parametrize("who", ["member", "lead", "moderator"])
def test_only_admins_manage_authorities_topics_and_roles(app, world, who):
    actor = getattr(world, who)
    with pytest.raises(Forbidden):
        admin.save_authority(actor, None, "Walsall Council", "walsall", "", 1)
    with pytest.raises(Forbidden):
        admin.save_topic(actor, None, "Court work", "court-work", "", 3)
    with pytest.raises(Forbidden):
        staff_accounts.set_role_and_authority(actor, world.member.id, "lead", world.wigan.id)
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_admin_adds_and_renames_a_topic(app, world):
    topic = admin.save_topic(world.admin, None, "Court work", "court-work", "Care proceedings", 3)
    admin.save_topic(world.admin, topic.id, "Court and legal work", "court-work", "Care proceedings", 3)
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["create_topic", "update_topic"]


def test_role_change_is_audited(app, world):
    staff_accounts.set_role_and_authority(world.admin, world.member.id, "lead", world.wigan.id)
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "change_role" and '"member"' in entry.before and '"lead"' in entry.after


@pytest.mark.parametrize("who", ["member", "lead", "moderator"])
@pytest.mark.parametrize("url", ["/admin/authorities", "/admin/topics", "/admin/people", "/admin/authorities/1"])
def test_admin_pages_are_not_found_for_everyone_else(app, world, new_browser, who, url):
    b = new_browser()
    b.sign_in(getattr(world, who))
    assert b.get(url).status_code == 404
    post_to = f"/admin/people/{world.member.id}/role" if url == "/admin/people" else url
    assert b.post(post_to, {"name": "Sneaky", "slug": "sneaky", f"p{world.member.id}-role": "admin",
                            f"p{world.member.id}-authority": "none"}).status_code == 404
    db.session.refresh(world.member)
    assert world.member.role == "member"


def test_admin_pages_work_through_forms(app, world, new_browser):
    b = new_browser()
    b.sign_in(world.admin)
    assert "Wigan Council" in body_text(b.get("/admin/authorities"))
    response = b.post("/admin/authorities", {"name": "Walsall Council", "slug": "Bad Slug", "domains": "walsall.gov.uk"})
    assert response.status_code == 400 and "Walsall Council" in body_text(response)
    assert b.post("/admin/authorities", {"name": "Walsall Council", "slug": "walsall", "domains": "walsall.gov.uk",
                                         "wave": "2"}).status_code == 302
    assert b.post("/admin/topics", {"name": "Court work", "slug": "court-work", "position": "5"}).status_code == 302
    page = body_text(b.get("/admin/people?q=member.wigan"))
    assert "Dan" in page or "Member Wigan" in page
    prefix = f"p{world.member.id}"
    assert b.post(f"/admin/people/{world.member.id}/role",
                  {f"{prefix}-role": "lead", f"{prefix}-authority": "wigan"}).status_code == 302
    db.session.refresh(world.member)
    assert world.member.role == "lead"
