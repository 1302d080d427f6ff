"""Rules for the names people choose: usernames, display names and titles.

A username is NFKC-normalised and made of letters, digits, '.', '_' and '-'. Two usernames
that a reader could mistake for each other (case, Cyrillic 'а' for Latin 'a', '1' for 'l',
'rn' for 'm') fold to the same key, and the key is what must be unique. No name or title may
carry bidi controls, zero-width or other invisible characters, which can make text read
differently from how it is stored.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from confusable_homoglyphs import confusables

from .errors import Invalid

USERNAME_MIN, USERNAME_MAX = 3, 32
# Categories that never belong in a name: controls, format (bidi, zero-width), private use,
# unassigned, surrogates, line and paragraph separators.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"})
# Characters Unicode counts as letters or symbols that draw nothing: Hangul fillers, the blank
# Braille pattern, Khmer inherent vowels. A name made of them looks empty.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5")
_MULTI_CHAR_LOOKALIKES = (("rn", "m"), ("vv", "w"), ("cl", "d"))


def has_hidden_characters(text: str) -> bool:
    """True if text has a control, bidi, zero-width or other invisible character."""
    return any(unicodedata.category(ch) in _FORBIDDEN_CATEGORIES or ch in _BLANK_LETTERS for ch in text)


def clean_text_line(
    text: str, *, label: str, max_length: int, min_length: int = 1, field: str | None = None
) -> str:
    """Normalise a one-line name or title, or raise Invalid with a message for the field."""
    field = field or label
    value = unicodedata.normalize("NFKC", text or "").strip()
    if has_hidden_characters(value):
        raise Invalid(
            f"{label} contains hidden or control characters. Please retype it.", field=field
        )
    value = " ".join(value.split())
    if len(value) < min_length:
        if min_length > 1 and value:
            raise Invalid(f"{label} must be at least {min_length} characters.", field=field)
        raise Invalid(f"Enter a {label.lower()}.", field=field)
    if len(value) > max_length:
        raise Invalid(f"{label} must be {max_length} characters or fewer.", field=field)
    return value


def normalise_username(raw: str) -> str:
    """NFKC-normalise and validate a username, or raise Invalid."""
    name = unicodedata.normalize("NFKC", (raw or "").strip())
    if not name:
        raise Invalid("Enter a username.", field="username")
    if has_hidden_characters(name):
        raise Invalid("Username contains hidden or control characters.", field="username")
    if len(name) < USERNAME_MIN or len(name) > USERNAME_MAX:
        raise Invalid(
            f"Username must be {USERNAME_MIN} to {USERNAME_MAX} characters long.", field="username"
        )
    for ch in name:
        if not (ch.isalnum() or ch in "._-"):
            raise Invalid(
                "Username can only use letters, numbers, full stops, underscores and hyphens.",
                field="username",
            )
    if name[0] in "._-" or name[-1] in "._-":
        raise Invalid("Username must start and end with a letter or number.", field="username")
    return name


def _ascii_lookalikes(ch: str) -> set[str]:
    found = set()
    for homoglyph in confusables.confusables_data.get(ch, []):
        target = homoglyph["c"]
        if len(target) == 1 and target.isascii() and target.isalnum():
            found.add(target.lower())
    return found


def _ascii_groups() -> dict[str, str]:
    """Each lowercase ASCII letter or digit -> one representative of its look-alike group."""
    import string

    parent = {c: c for c in string.ascii_lowercase + string.digits}

    def find(c: str) -> str:
        while parent[c] != c:
            c = parent[c]
        return c

    for c in list(parent):
        for other in _ascii_lookalikes(c) | _ascii_lookalikes(c.upper()):
            a, b = find(c), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {c: find(c) for c in parent}


_GROUPS = _ascii_groups()


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """The representative ASCII character a reader would take ch for, if any; else ch."""
    candidates = {ch} if ch in _GROUPS else _ascii_lookalikes(ch)
    if not candidates:
        return ch
    return min(_GROUPS.get(c, c) for c in candidates)


def username_key(name: str) -> str:
    """The key two usernames share when a reader could mistake one for the other."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for pair, single in _MULTI_CHAR_LOOKALIKES:
        text = text.replace(pair, single)
    folded = "".join(_fold_char(ch) for ch in text)
    for pair, single in _MULTI_CHAR_LOOKALIKES:
        folded = folded.replace(pair, single)
    return folded
