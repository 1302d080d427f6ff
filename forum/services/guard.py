"""The privacy guard on every surface that publishes text: posts, replies, titles, chat.

Each surface's service calls `check` with the texts it is about to store. Nothing flagged is
published without the author's explicit "post anyway"; with it, the caller holds the post or
message for a moderator (the reason is `PRIVACY_REASON`). Moderators of the space see the same
warning, but their "post anyway" publishes: they are the people who would approve it.

Each warning is counted once per draft (`GuardEvent`): the form or client hands the warning's
id back on the next attempt, so the report can say how often a warning led to a change.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from .. import policy
from ..database import begin_write
from ..errors import Invalid
from ..extensions import db
from ..models import GuardEvent, GuardOutcome, LocalTerm, TermKind, User, utcnow
from ..models.types import ID_MAX
from ..privacy import Finding, scan

PRIVACY_REASON = "Possible identifying information: a moderator will read it before anyone else sees it."
GUIDANCE_URL = "/guidance/anonymising"
SURFACES = ("thread", "reply", "edit", "message", "session")


class PrivacyWarning(Invalid):
    """The text may identify a child or family: shown to the author, nothing is stored.

    422: the request was understood, but it needs the author's decision before it can go. An
    Invalid, so every form that keeps the author's text on a refusal keeps it on this one too.
    """

    status = 422

    def __init__(self, findings: dict[str, list[Finding]], warning_id: int | None, can_hold: bool = True,
                 why_not: str = "", moderator: bool = False) -> None:
        kinds = sorted({f.label for found in findings.values() for f in found})
        field = next(iter(findings))
        anyway = ("you moderate this space, so it is published at once" if moderator
                  else "a moderator will read it before anyone else sees it")
        then = (f"Change the details (for example “Child A, aged 7” instead of a name), or choose “post anyway”: "
                f"{anyway}." if can_hold else
                (why_not or "These details are shown to everyone invited and cannot wait for a moderator.")
                + " Please take them out (for example “Child A, aged 7” instead of a name).")
        super().__init__("This may identify a child or family. We found: " + "; ".join(kinds) + ". " + then,
                         field=field)
        self.findings = findings
        self.warning_id = warning_id
        self.can_hold = can_hold

    @property
    def details(self) -> dict:
        return {"privacy": describe(self.findings, self.warning_id, self.can_hold)}


FINDINGS_SHOWN = 50  # per field: enough to act on; a pasted list of 2,000 postcodes need not echo back


def describe(findings: dict[str, list[Finding]], warning_id: int | None, can_hold: bool = True) -> dict:
    """The wire form of a warning, the same for JSON, socket acks and the live check."""
    return {
        "warning_id": warning_id,
        "post_anyway_allowed": can_hold,
        "guidance_url": GUIDANCE_URL,
        "fields": {
            name: [{"kind": f.kind, "label": f.label, "start": f.start, "end": f.end, "text": f.text,
                    "confidence": f.confidence} for f in found[:FINDINGS_SHOWN]]
            for name, found in findings.items()
        },
    }


def local_terms(authority_ids: set[int | None]) -> tuple[tuple[str, str], ...]:
    """Network-wide terms and those of the given authorities, as (term, finding kind) pairs."""
    ids = [a for a in authority_ids if a is not None]
    rows = db.session.execute(
        select(LocalTerm.term, LocalTerm.kind)
        .where(or_(LocalTerm.authority_id.is_(None), LocalTerm.authority_id.in_(ids or [0])))
        .order_by(LocalTerm.id)
    ).all()
    return tuple((term, TermKind(kind).finding_kind) for term, kind in rows)


def scan_texts(actor: User, texts: dict[str, str], authority_id: int | None) -> dict[str, list[Finding]]:
    """Findings per field, with the terms of the space's authority and the author's own."""
    terms = local_terms({authority_id, getattr(actor, "authority_id", None)})
    found = {}
    for name, text in texts.items():
        findings = scan(text or "", terms)
        if findings:
            found[name] = findings
    return found


def _new_only(findings: dict[str, list[Finding]], before: dict[str, list[Finding]]) -> dict[str, list[Finding]]:
    seen = {(f.kind, f.text.casefold()) for found in before.values() for f in found}
    kept = {name: [f for f in found if (f.kind, f.text.casefold()) not in seen] for name, found in findings.items()}
    return {name: found for name, found in kept.items() if found}


def removes_details(actor: User, before: dict[str, str], after: dict[str, str], authority_id: int | None) -> bool:
    """Does an edit take out a detail the earlier text had (the author anonymising a post)?"""
    found_before = scan_texts(actor, before, authority_id)
    if not found_before:
        return False
    still = {(f.kind, f.text.casefold()) for found in scan_texts(actor, after, authority_id).values() for f in found}
    return any((f.kind, f.text.casefold()) not in still for found in found_before.values() for f in found)


def parse_warning_id(raw) -> int | None:
    """The id a form or client sends back (a whole number, or its digits as text); anything
    else is simply ignored."""
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 10:
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int):
        return None
    return raw if 0 < raw <= ID_MAX else None


def _open_event(actor: User, warning_id) -> GuardEvent | None:
    warning_id = parse_warning_id(warning_id)
    if warning_id is None:
        return None
    event = db.session.get(GuardEvent, warning_id)
    if event is None or event.user_id != actor.id or event.outcome != GuardOutcome.WARNED.value:
        return None
    return event


def _note(actor: User, event: GuardEvent | None, findings, authority_id, surface: str) -> GuardEvent:
    kinds = ",".join(sorted({f.kind for found in findings.values() for f in found}))
    count = sum(len(found) for found in findings.values())
    if event is None:
        event = GuardEvent(user_id=actor.id, authority_id=authority_id, surface=surface)
        db.session.add(event)
    event.kinds, event.finding_count = kinds[:200], count
    return event


def check(actor: User, texts: dict[str, str], authority_id: int | None, *, surface: str,
          post_anyway: bool = False, warning_id=None, previous: dict[str, str] | None = None,
          can_hold: bool = True, why_not: str = "") -> str | None:
    """Screen texts about to be published: the reason to hold them, or None to publish.

    On an edit, `previous` holds the texts as they stand: details already in them (published,
    so seen or approved) do not warn again; only what the edit adds does.

    Raises PrivacyWarning when something is found and the author has not chosen "post anyway".
    Before raising it rolls back whatever the caller had begun (nothing has been written yet:
    every caller checks before it writes) and records the warning in a transaction of its own,
    so the count survives the refusal. With `can_hold` False (texts that cannot wait for a
    moderator, such as a session's agenda) there is no "post anyway": findings always refuse.
    """
    findings = scan_texts(actor, texts, authority_id)
    if previous and findings:
        findings = _new_only(findings, scan_texts(actor, previous, authority_id))
    event = _open_event(actor, warning_id)
    if not findings:
        if event is not None:
            event.outcome, event.decided_at = GuardOutcome.CHANGED.value, utcnow()
        return None
    if not post_anyway or not can_hold:
        db.session.rollback()
        begin_write()
        event = _note(actor, _open_event(actor, warning_id), findings, authority_id, surface)
        db.session.commit()
        raise PrivacyWarning(findings, event.id, can_hold, why_not, policy.moderates_space(actor, authority_id))
    event = _note(actor, event, findings, authority_id, surface)
    moderator = policy.moderates_space(actor, authority_id)
    event.outcome = (GuardOutcome.PUBLISHED_BY_MODERATOR if moderator else GuardOutcome.POSTED_ANYWAY).value
    event.decided_at = utcnow()
    return None if moderator else PRIVACY_REASON


def preview(actor: User, texts: dict[str, str], authority_id: int | None, *, surface: str,
            warning_id=None, previous: dict[str, str] | None = None) -> dict:
    """The live check while the author types: findings now, and the draft's warning id.

    A draft that shows findings is counted as warned (once: the client sends the id back);
    whether it then changes is decided when it is sent, by `check`. `previous` is as for
    `check`: on an edit, only what the edit adds is shown.
    """
    findings = scan_texts(actor, texts, authority_id)
    if previous and findings:
        findings = _new_only(findings, scan_texts(actor, previous, authority_id))
    event_id = parse_warning_id(warning_id)
    if findings:
        begin_write()  # two people typing at once must queue for SQLite's one writer, not fail
        event = _note(actor, _open_event(actor, warning_id), findings, authority_id, surface)
        db.session.commit()
        event_id = event.id
    return describe(findings, event_id)



def item_findings(item, target) -> list[tuple[str, str, list[Finding]]]:
    """What the guard finds in a queue item's post or message, for the moderator to see marked:
    (what, text, findings) for each text that has any. Scanned afresh, so terms added since
    count, and nothing of the text had to be stored with the warning."""
    from ..models import Message, Post

    if isinstance(target, Post):
        pending = item.kind == "held_edit" and target.pending_body is not None
        title = (target.pending_title or target.thread.title) if pending else target.thread.title
        tags = ", ".join(t.name.replace("-", " ") for t in target.thread.tags)
        texts = {"Title": title, "Tags": tags} if target.is_opening else {}
        texts = {name: text for name, text in texts.items() if text}
        texts["Post" if not pending else "The edit"] = target.pending_body if pending else target.body
        authority_id = target.thread.authority_id
    elif isinstance(target, Message):
        texts, authority_id = {"Message": target.body}, target.room.authority_id
    else:
        return []
    found = scan_texts(target.author, texts, authority_id)
    return [(name, texts[name], found[name]) for name in texts if name in found]
