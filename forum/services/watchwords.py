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


_TOKEN = re.compile(r"\w+")


def _pattern_words(pattern: str) -> list[str]:
    """'Scam* site' -> ['scam*', 'site']: the words a pattern matches in sequence."""
    return re.findall(r"[\w*]+", pattern.lower())


def _word_matches(pattern_word: str, word: str) -> bool:
    """Whole-word match where * stands for any letters, in linear time (no regex backtracking,
    so no pattern and no text can make it slow)."""
    parts = pattern_word.split("*")
    if len(parts) == 1:
        return word == pattern_word
    head, tail = parts[0], parts[-1]
    if len(word) < len(head) + len(tail) or not word.startswith(head) or not word.endswith(tail):
        return False
    position, end = len(head), len(word) - len(tail)
    for middle in parts[1:-1]:
        found = word.find(middle, position, end)
        if found < 0:
            return False
        position = found + len(middle)
    return True


def all_words() -> list[WatchedWord]:
    return list(db.session.scalars(select(WatchedWord).order_by(WatchedWord.pattern)))


def find(text: str, words: list[WatchedWord] | None = None) -> list[Hit]:
    """Every place a watched word or phrase occurs in the text, in order."""
    words = all_words() if words is None else words
    if not words or not text:
        return []
    tokens = [(m.group(0).lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    hits = []
    for word in words:
        wanted = _pattern_words(word.pattern)
        if not wanted:
            continue
        for i in range(len(tokens) - len(wanted) + 1):
            if all(_word_matches(w, tokens[i + k][0]) for k, w in enumerate(wanted)):
                start, end = tokens[i][1], tokens[i + len(wanted) - 1][2]
                hits.append(Hit(word, text[start:end], start, end))
    return sorted(hits, key=lambda h: (h.start, -h.end))


def screen(text: str) -> Screened:
    """What the watched words make of a text: replacements done, blocks and holds listed."""
    words = all_words()
    if not words:
        return Screened(text, [], [], [])
    hits = find(text, words)
    replaced = [h for h in hits if h.word.action == WordAction.REPLACE.value]
    # Replace from the end so earlier spans keep their offsets; overlapping matches once each.
    cursor = len(text) + 1
    for hit in sorted(replaced, key=lambda h: h.start, reverse=True):
        if hit.end <= cursor:
            text = text[:hit.start] + hit.word.replacement + text[hit.end:]
            cursor = hit.start
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
    if pattern.count("*") > 4:
        raise Invalid("Use at most four * in one pattern.", field="pattern")
    if not re.search(r"[^\W_]", pattern.replace("*", "")):
        raise Invalid("A pattern needs at least one letter or number besides the *.", field="pattern")
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
