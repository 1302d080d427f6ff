"""Concurrent writers: no lost counter updates, no duplicate post numbers, no 'database is locked'."""

from __future__ import annotations

import threading

from sqlalchemy import func, select, text

from forum.extensions import db
from forum.models import Post, Thread, User
from forum.services import threads

from ..factories import start

WRITERS, REPLIES_EACH = 6, 8


def test_concurrent_replies_get_distinct_numbers_and_exact_counters(app, world):
    thread = start(world.member, world.topic.id)
    user_ids = [world.member.id, world.outsider.id, world.lead.id, world.moderator.id, world.admin.id,
                world.network_member.id]
    errors: list[BaseException] = []
    barrier = threading.Barrier(WRITERS)

    def writer(user_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                for i in range(REPLIES_EACH):
                    user = db.session.get(User, user_id)
                    threads.reply(user, thread.id, f"Reply {i} from {user_id}")
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    workers = [threading.Thread(target=writer, args=(uid,)) for uid in user_ids]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert errors == []
    db.session.commit()  # end the test's own snapshot so it sees the writers' work
    numbers = list(db.session.scalars(select(Post.number).where(Post.thread_id == thread.id).order_by(Post.number)))
    total = 1 + WRITERS * REPLIES_EACH
    assert numbers == list(range(1, total + 1))
    refreshed = db.session.get(Thread, thread.id)
    assert refreshed.post_count == total and refreshed.reply_count == total - 1


def test_concurrent_helpful_marks_count_exactly(app, world):
    thread = start(world.member, world.topic.id)
    reply = threads.reply(world.outsider, thread.id, "Useful")
    markers = [world.member.id, world.lead.id, world.moderator.id, world.admin.id, world.network_member.id]
    barrier = threading.Barrier(len(markers))
    errors: list[BaseException] = []

    def mark(user_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                threads.toggle_helpful(db.session.get(User, user_id), reply.id)
            except BaseException as error:  # noqa: BLE001
                errors.append(error)
            finally:
                db.session.remove()

    workers = [threading.Thread(target=mark, args=(uid,)) for uid in markers]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert errors == []
    db.session.commit()  # end the test's own snapshot so it sees the writers' work
    assert db.session.get(Post, reply.id).helpful_count == len(markers)


def test_sqlite_runs_with_wal_busy_timeout_and_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_foreign_keys_are_enforced(app, world):
    import pytest
    from sqlalchemy.exc import IntegrityError

    db.session.add(Post(thread_id=424242, number=1, author_id=world.member.id, body="x", body_html="x",
                        renderer_version=1))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(func.count(Post.id))) == 0
