"""Staff's side of the privacy guard: local terms per authority, and how often the guard fires.

Partner leads manage their own authority's terms (they know its schools and estates); centre
staff manage any authority's and the network-wide list. Every change is audited. The report
counts warnings, never texts: `GuardEvent` stores only which kinds of detail were found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select

from .. import policy
from ..database import begin_write
from ..errors import Invalid, NotFound
from ..extensions import db
from ..models import Authority, GuardEvent, GuardOutcome, LocalTerm, TermKind, User, utcnow
from ..names import clean_text_line
from ..privacy import LABELS
from . import audit

TERM_MAX = 100
# Words that would flag ordinary practice talk if watched as a place or school.
_TOO_COMMON = {"school", "schools", "primary", "nursery", "academy", "street", "house", "family", "children",
               "council", "social", "worker", "other", "there", "their", "where", "which", "about"}
TERMS_PER_AUTHORITY = 500
REPORT_DAYS = 90


def manageable_authorities(actor: User) -> list[Authority | None]:
    """Where the actor may keep terms: None stands for the whole network."""
    authorities = list(db.session.scalars(select(Authority).order_by(Authority.name)))
    spaces: list[Authority | None] = [None] + authorities
    return [a for a in spaces if policy.can_manage_local_terms(actor, a.id if a else None)]


def terms(actor: User) -> list[LocalTerm]:
    ids = [a.id if a else None for a in manageable_authorities(actor)]
    if not ids:
        return []
    query = select(LocalTerm).order_by(LocalTerm.authority_id.is_not(None), LocalTerm.authority_id, LocalTerm.term)
    rows = db.session.scalars(query)
    return [t for t in rows if t.authority_id in ids]


def add_term(actor: User, authority_id: int | None, term: str, kind: str) -> LocalTerm:
    begin_write()
    if authority_id is not None and db.session.get(Authority, authority_id) is None:
        raise Invalid("Choose where the term applies.", field="authority")
    policy.require(policy.can_manage_local_terms(actor, authority_id),
                   "You can add terms for your own authority only.")
    term = clean_text_line(term, label="Term", max_length=TERM_MAX, min_length=3, field="term")
    if not (term[0].isalnum() or term[0] == "#"):
        raise Invalid("Start the term with a letter, a digit or # (for a digit in a format).", field="term")
    try:
        kind = TermKind(kind).value
    except ValueError:
        raise Invalid("Choose what kind of term this is.", field="kind") from None
    if kind == TermKind.REFERENCE.value and "#" not in term:
        raise Invalid("A case-reference format needs # for each digit, for example WG-######.", field="term")
    if kind != TermKind.REFERENCE.value and (sum(ch.isalpha() for ch in term) < 5 or term.lower() in _TOO_COMMON):
        raise Invalid("Give the school or place's own name (five letters or more), so it matches only that "
                      "name and not ordinary words.", field="term")
    if kind == TermKind.REFERENCE.value and (sum(ch.isalpha() for ch in term) < 2 or term.count("#") < 3):
        raise Invalid("A case-reference format needs its letters and at least three digits, for example "
                      "WG-######: without letters it would match ordinary numbers and dates.", field="term")
    existing = db.session.scalar(select(LocalTerm).where(
        LocalTerm.authority_id.is_(None) if authority_id is None else LocalTerm.authority_id == authority_id,
        func.lower(LocalTerm.term) == term.lower()))
    if existing is not None:
        raise Invalid(f"“{term}” is already on the list.", field="term")
    count = db.session.scalar(select(func.count(LocalTerm.id)).where(
        LocalTerm.authority_id.is_(None) if authority_id is None else LocalTerm.authority_id == authority_id))
    if count >= TERMS_PER_AUTHORITY:
        raise Invalid(f"A list can hold up to {TERMS_PER_AUTHORITY} terms. Remove some first.", field="term")
    row = LocalTerm(authority_id=authority_id, term=term, kind=kind, created_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "add_privacy_term", "privacy_term", row.id, after={"term": term, "kind": kind},
                 authority_id=authority_id)
    db.session.commit()
    return row


def remove_term(actor: User, term_id: int) -> None:
    begin_write()
    row = db.session.get(LocalTerm, term_id)
    if row is None or not policy.can_manage_local_terms(actor, row.authority_id):
        raise NotFound()
    audit.record(actor, "remove_privacy_term", "privacy_term", row.id, before={"term": row.term, "kind": row.kind},
                 authority_id=row.authority_id)
    db.session.delete(row)
    db.session.commit()


@dataclass
class Report:
    days: int
    warned: int = 0  # warnings shown, one per draft
    changed: int = 0  # ... after which the author changed the text and sent it
    posted_anyway: int = 0  # ... sent as it was, and held for a moderator
    by_moderators: int = 0  # ... sent as it was by a moderator of the space, so published
    pending: int = 0  # ... not sent (yet): abandoned, or still being written
    by_kind: list[tuple[str, int]] = field(default_factory=list)
    by_surface: list[tuple[str, int]] = field(default_factory=list)

    @property
    def changed_share(self) -> str:
        decided = self.changed + self.posted_anyway + self.by_moderators
        return f"{100 * self.changed / decided:.0f}%" if decided else "–"


def report(actor: User, days: int = REPORT_DAYS) -> Report:
    """Warnings over the last `days`: all of them for staff, a lead's own authority's for a lead."""
    if not policy.can_view_privacy_report(actor):
        raise NotFound()
    since = utcnow() - timedelta(days=days)
    query = select(GuardEvent.outcome, GuardEvent.kinds, GuardEvent.surface).where(GuardEvent.created_at >= since)
    if not policy.is_staff(actor):
        query = query.where(GuardEvent.authority_id == actor.authority_id)
    result = Report(days=days)
    kinds: dict[str, int] = {}
    surfaces: dict[str, int] = {}
    for outcome, kind_list, surface in db.session.execute(query):
        result.warned += 1
        if outcome == GuardOutcome.CHANGED.value:
            result.changed += 1
        elif outcome == GuardOutcome.POSTED_ANYWAY.value:
            result.posted_anyway += 1
        elif outcome == GuardOutcome.PUBLISHED_BY_MODERATOR.value:
            result.by_moderators += 1
        else:
            result.pending += 1
        for kind in filter(None, kind_list.split(",")):
            kinds[kind] = kinds.get(kind, 0) + 1
        surfaces[surface] = surfaces.get(surface, 0) + 1
    result.by_kind = sorted(((LABELS.get(k, k), n) for k, n in kinds.items()), key=lambda kv: -kv[1])
    result.by_surface = sorted(surfaces.items(), key=lambda kv: -kv[1])
    return result
