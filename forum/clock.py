"""The one source of "now" for rules that depend on time (session rooms opening and closing).

Production reads the system clock. Tests set a fixed or moving time with `freeze()`; the
override lives on the app, so a test server process can be given one through config too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

UK = ZoneInfo("Europe/London")


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    if has_app_context():
        frozen = current_app.extensions.get("forum_clock")
        if frozen is not None:
            return frozen()
    return datetime.now(UTC)


def freeze(app, at: datetime) -> FrozenClock:
    """Make `now()` return `at` (tests); returns the clock so the test can move it."""
    clock = FrozenClock(at)
    app.extensions["forum_clock"] = clock
    return clock


class FrozenClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **kwargs) -> None:
        self.at = self.at + timedelta(**kwargs)

    def set(self, at: datetime) -> None:
        self.at = at


def to_uk(moment: datetime) -> datetime:
    return moment.astimezone(UK)


def uk_to_utc(local: datetime) -> datetime:
    """A wall-clock time in the UK -> UTC, refusing times that do not exist or happen twice."""
    if local.tzinfo is not None:
        raise ValueError("expected a naive UK wall-clock time")
    first = local.replace(tzinfo=UK, fold=0)
    second = local.replace(tzinfo=UK, fold=1)
    if first.utcoffset() != second.utcoffset():
        # The hour the clocks go back happens twice; the hour they go forward never happens.
        round_trip = first.astimezone(UTC).astimezone(UK).replace(tzinfo=None)
        if round_trip != local:
            raise NonexistentTime(local)
        raise AmbiguousTime(local)
    round_trip = first.astimezone(UTC).astimezone(UK).replace(tzinfo=None)
    if round_trip != local:
        raise NonexistentTime(local)
    return first.astimezone(UTC)


class NonexistentTime(ValueError):
    """A UK time skipped when the clocks go forward."""


class AmbiguousTime(ValueError):
    """A UK time that happens twice when the clocks go back."""
