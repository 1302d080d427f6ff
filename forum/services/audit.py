"""The audit log: one row for every staff action, written in the action's own transaction.

Services call `record` before they commit, so the change and its row stand or fall together.
Nothing here updates or deletes a row; on PostgreSQL a trigger refuses it even if asked.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from .. import policy
from ..errors import Invalid
from ..extensions import db
from ..models import AuditEntry, User
from ..names import username_key

AUDIT_PAGE = 50


def _json(value: dict | None) -> str:
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False) if value else ""


def record(actor: User, action: str, target_kind: str, target_id: int, *, reason: str = "",
           before: dict | None = None, after: dict | None = None, subject_user_id: int | None = None,
           authority_id: int | None = None) -> AuditEntry:
    """Add an audit row to the current transaction (the caller commits)."""
    entry = AuditEntry(
        actor_id=actor.id,
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        reason=reason or "",
        before=_json(before),
        after=_json(after),
        subject_user_id=subject_user_id,
        authority_id=authority_id,
    )
    db.session.add(entry)
    return entry


@dataclass
class AuditFilter:
    actor: str = ""
    action: str = ""
    target_kind: str = ""
    since: str = ""  # YYYY-MM-DD
    until: str = ""


def _day(raw: str, label: str) -> datetime | None:
    from ..clock import UK

    if not raw:
        return None
    try:
        day = datetime.strptime(raw.strip(), "%Y-%m-%d").replace(tzinfo=UK)
    except ValueError:
        raise Invalid(f"{label} must be a date like 2026-12-04.") from None
    if not 1900 <= day.year <= 9000:  # and so the day after it exists too
        raise Invalid(f"{label} must be a real date, like 2026-12-04.")
    return day


def _query(actor: User, flt: AuditFilter):
    policy.require(policy.can_view_audit(actor))
    query = select(AuditEntry)
    if flt.actor.strip():
        who = db.session.scalar(select(User.id).where(User.username_key == username_key(flt.actor.strip())))
        query = query.where(AuditEntry.actor_id == (who or 0))
    if flt.action.strip():
        query = query.where(AuditEntry.action == flt.action.strip()[:40])
    if flt.target_kind.strip():
        query = query.where(AuditEntry.target_kind == flt.target_kind.strip()[:20])
    since, until = _day(flt.since, "From"), _day(flt.until, "To")
    if since:
        query = query.where(AuditEntry.created_at >= since)
    if until:
        query = query.where(AuditEntry.created_at < until + timedelta(days=1))
    return query


def entries(actor: User, flt: AuditFilter, page: int = 1) -> tuple[list[AuditEntry], bool]:
    """A page of the log, newest first, and whether an older page exists."""
    page = max(1, min(page, 10_000))
    rows = list(db.session.scalars(
        _query(actor, flt).order_by(AuditEntry.id.desc()).offset((page - 1) * AUDIT_PAGE).limit(AUDIT_PAGE + 1)
    ))
    return rows[:AUDIT_PAGE], len(rows) > AUDIT_PAGE


def export_csv(actor: User, flt: AuditFilter) -> str:
    """The filtered log as CSV, oldest first, for the centre's records."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "when_utc", "actor", "action", "target_kind", "target_id", "subject_user_id",
                     "authority_id", "reason", "before", "after"])
    for entry in db.session.scalars(_query(actor, flt).order_by(AuditEntry.id)):
        writer.writerow([
            entry.id, entry.created_at.isoformat(), entry.actor.username, entry.action, entry.target_kind,
            entry.target_id, entry.subject_user_id or "", entry.authority_id or "",
            _cell(entry.reason), _cell(entry.before), _cell(entry.after),
        ])
    return out.getvalue()


def _cell(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def for_subject(user_id: int, limit: int = 200) -> list[AuditEntry]:
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.subject_user_id == user_id).order_by(AuditEntry.id.desc()).limit(limit)
    ))


def describe(entry: AuditEntry) -> dict[str, Any]:
    """Before and after, decoded for templates."""
    return {
        "before": json.loads(entry.before) if entry.before else {},
        "after": json.loads(entry.after) if entry.after else {},
    }
