"""Admins' changes to the shape of the network: partner authorities (with their email domains),
practice topics, and people's roles. Each change writes one audit row with before and after."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import policy
from ..database import begin_write
from ..errors import Invalid, NotFound
from ..extensions import db
from ..models import Authority, AuthorityDomain, Topic, User
from ..names import clean_text_line
from . import audit

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$")
_DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def check_slug(raw: str) -> str:
    slug = (raw or "").strip().lower()
    if not _SLUG.match(slug):
        raise Invalid("The short name is 3 to 60 lower-case letters, numbers and hyphens, like 'walsall'.",
                      field="slug")
    return slug


def check_domains(raw: str) -> list[str]:
    domains = []
    for part in re.split(r"[\s,]+", (raw or "").strip().lower()):
        if not part:
            continue
        if not _DOMAIN.match(part):
            raise Invalid(f"“{part[:60]}” is not an email domain like walsall.gov.uk.", field="domains")
        if part not in domains:
            domains.append(part)
    if len(domains) > 20:
        raise Invalid("List at most 20 domains.", field="domains")
    return domains


def _authority_state(authority: Authority) -> dict:
    return {"name": authority.name, "slug": authority.slug, "wave": authority.wave,
            "domains": sorted(d.domain for d in authority.domains)}


def save_authority(actor: User, authority_id: int | None, name: str, slug: str, domains: str, wave) -> Authority:
    """Add a partner authority, or change one: its name, short name, wave and email domains."""
    begin_write()
    policy.require(policy.can_manage_spaces(actor))
    authority = db.session.get(Authority, authority_id) if authority_id else Authority()
    if authority is None:
        raise NotFound()
    before = _authority_state(authority) if authority_id else None
    authority.name = clean_text_line(name, label="Name", max_length=120, min_length=3, field="name")
    authority.slug = check_slug(slug)
    try:
        authority.wave = int(wave)
    except (TypeError, ValueError):
        raise Invalid("The wave is a number, like 1 or 2.", field="wave") from None
    if not 1 <= authority.wave <= 99:
        raise Invalid("The wave is between 1 and 99.", field="wave")
    wanted = check_domains(domains)
    taken = db.session.scalars(select(AuthorityDomain).where(AuthorityDomain.domain.in_(wanted))).all()
    clash = [d.domain for d in taken if d.authority_id != authority.id]
    if clash:
        raise Invalid(f"{clash[0]} already belongs to another authority.", field="domains")
    keep = {d.domain: d for d in authority.domains}
    authority.domains = [keep.get(d) or AuthorityDomain(domain=d) for d in wanted]
    db.session.add(authority)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Invalid("Another authority already has that name or short name.", field="name") from None
    audit.record(actor, "update_authority" if before else "create_authority", "authority", authority.id,
                 before=before, after=_authority_state(authority), authority_id=authority.id)
    db.session.commit()
    return authority


def _topic_state(topic: Topic) -> dict:
    return {"name": topic.name, "slug": topic.slug, "description": topic.description, "position": topic.position}


def save_topic(actor: User, topic_id: int | None, name: str, slug: str, description: str, position) -> Topic:
    begin_write()
    policy.require(policy.can_manage_spaces(actor))
    topic = db.session.get(Topic, topic_id) if topic_id else Topic()
    if topic is None:
        raise NotFound()
    before = _topic_state(topic) if topic_id else None
    topic.name = clean_text_line(name, label="Name", max_length=80, min_length=3, field="name")
    topic.slug = check_slug(slug)
    topic.description = " ".join((description or "").split())[:500]
    try:
        topic.position = int(position or 0)
    except (TypeError, ValueError):
        raise Invalid("The position is a whole number.", field="position") from None
    if not 0 <= topic.position <= 999:
        raise Invalid("The position is between 0 and 999.", field="position")
    db.session.add(topic)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Invalid("Another topic already has that name or short name.", field="name") from None
    audit.record(actor, "update_topic" if before else "create_topic", "topic", topic.id, before=before,
                 after=_topic_state(topic))
    db.session.commit()
    return topic


def find_people(actor: User, query: str, limit: int = 50) -> list[User]:
    """People whose username, name or email contains the query (admins)."""
    policy.require(policy.can_manage_people(actor))
    text = (query or "").strip()[:80]
    rows = select(User).order_by(User.username).limit(limit)
    if text:
        like = f"%{text.replace('%', '').replace('_', '')}%"
        rows = rows.where(User.username.ilike(like) | User.display_name.ilike(like) | User.email.ilike(like))
    return list(db.session.scalars(rows))
