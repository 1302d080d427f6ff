"""Helpers that create content through the real services."""

from __future__ import annotations

from forum.extensions import db
from forum.models import Room, Thread, User
from forum.services import threads


def start(author: User, topic_id: int, authority_id: int | None = None, kind: str = "discussion",
          title: str = "How do you run group supervision?", body: str = "Our team meets fortnightly.",
          tags: str = "") -> Thread:
    return threads.start_thread(
        author,
        threads.NewThread(topic_id=topic_id, authority_id=authority_id, kind=kind, title=title, body=body, tags=tags),
    )


def room(topic_id: int, authority_id: int | None = None, slug: str | None = None, name: str = "Drop-in") -> Room:
    created = Room(slug=slug or f"room-{authority_id or 'network'}-{topic_id}", name=name, topic_id=topic_id,
                   authority_id=authority_id)
    db.session.add(created)
    db.session.commit()
    return created
