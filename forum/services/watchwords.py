"""Watched words: staff-managed words and wildcards that block, hold or are replaced in new text.

A pattern matches whole words, case-insensitively; `*` stands for any letters ("scam*" matches
"scammer"). Every surface that publishes text (threads, replies, edits, chat) runs `screen`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import policy
from ..database import begin_write
from ..errors import Invalid, NotFound
from ..extensions import db
from ..models import User, WatchedWord, WordAction
from . import audit

PATTERN_MAX = 100
_PATTERN = re.compile(r"^[\w*][\w*' -]*$")


@dataclass
class Hit:
    word: WatchedWord
    found: str
    start: int
    end: int


@dataclass
class Screened:
    text: str  # with replacements made
    blocked: list[Hit]
    held: list[Hit]
    replaced: list[Hit]


def _regex(pattern: str) -> re.Pattern:
    parts = [re.escape(p) for p in pattern.split("*")]
    return re.compile(r"(?<!\w)" + r"\w*".join(parts) + r"(?!\w)", re.IGNORECASE)


def all_words() -> list[WatchedWord]:
    return list(db.session.scalars(select(WatchedWord).order_by(WatchedWord.pattern)))


def find(text: str, words: list[WatchedWord] | None = None) -> list[Hit]:
    hits = []
    for word in all_words() if words is None else words:
        for match in _regex(word.pattern).finditer(text or ""):
            hits.append(Hit(word, match.group(0), match.start(), match.end()))
    return sorted(hits, key=lambda h: h.start)


def screen(text: str) -> Screened:
    """What the watched words make of a text: replacements done, blocks and holds listed."""
    words = all_words()
    if not words:
        return Screened(text, [], [], [])
    hits = find(text, words)
    replaced = [h for h in hits if h.word.action == WordAction.REPLACE.value]
    for word in {h.word.id: h.word for h in replaced}.values():
        text = _regex(word.pattern).sub(word.replacement, text)
    return Screened(
        text,
        [h for h in hits if h.word.action == WordAction.BLOCK.value],
        [h for h in hits if h.word.action == WordAction.HOLD.value],
        replaced,
    )


def refuse_blocked(screened: Screened, field: str = "body") -> None:
    if screened.blocked:
        found = ", ".join(sorted({f"“{h.found}”" for h in screened.blocked}))
        raise Invalid(f"This contains words that are not allowed here ({found}). Please change them and "
                      "send it again: your text is still in the box.", field=field)


def check_pattern(raw: str) -> str:
    pattern = " ".join((raw or "").strip().lower().split())
    if not pattern or pattern.strip("*") == "":
        raise Invalid("Enter a word or phrase (a * stands for any letters).", field="pattern")
    if len(pattern) > PATTERN_MAX:
        raise Invalid(f"Keep it to {PATTERN_MAX} characters or fewer.", field="pattern")
    if pattern.count("*") > 2:
        raise Invalid("Use at most two * in one pattern.", field="pattern")
    if not _PATTERN.match(pattern) or "**" in pattern:
        raise Invalid("Use letters, numbers, spaces, hyphens, apostrophes and * only.", field="pattern")
    return pattern


def add_word(actor: User, pattern: str, action: str, replacement: str = "") -> WatchedWord:
    begin_write()
    policy.require(policy.can_manage_words(actor))
    pattern = check_pattern(pattern)
    try:
        action = WordAction(action).value
    except ValueError:
        raise Invalid("Choose what the word should do.", field="action") from None
    replacement = " ".join((replacement or "").split())[:PATTERN_MAX]
    if action == WordAction.REPLACE.value and not replacement:
        raise Invalid("Enter what the word should be replaced with.", field="replacement")
    word = WatchedWord(pattern=pattern, action=action, replacement=replacement if action == "replace" else "",
                       created_by_id=actor.id)
    db.session.add(word)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Invalid(f"“{pattern}” is already on the list.", field="pattern") from None
    audit.record(actor, "add_watched_word", "watched_word", word.id,
                 after={"pattern": pattern, "action": action, "replacement": word.replacement})
    db.session.commit()
    return word


def remove_word(actor: User, word_id: int) -> None:
    begin_write()
    policy.require(policy.can_manage_words(actor))
    word = db.session.get(WatchedWord, word_id)
    if word is None:
        raise NotFound("That word is not on the list.")
    audit.record(actor, "remove_watched_word", "watched_word", word.id,
                 before={"pattern": word.pattern, "action": word.action, "replacement": word.replacement})
    db.session.delete(word)
    db.session.commit()
