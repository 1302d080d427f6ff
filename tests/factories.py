"""Helpers that create content through the real services."""

from __future__ import annotations

from forum.models import Thread, User
from forum.services import threads


def start(author: User, topic_id: int, authority_id: int | None = None, kind: str = "discussion",
          title: str = "How do you run group supervision?", body: str = "Our team meets fortnightly.",
          tags: str = "") -> Thread:
    return threads.start_thread(
        author,
        threads.NewThread(topic_id=topic_id, authority_id=authority_id, kind=kind, title=title, body=body, tags=tags),
    )
