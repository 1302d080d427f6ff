"""Read-side queries: lists of threads and pages of posts, filtered by policy in SQL.

Each page costs a fixed number of queries whatever the number of threads or posts. Lists
pick the page's thread ids first (an index-only walk, LIMIT n+1 for "older") and only then
load those threads with their joins, so a deep page does not build rows it skips; a thread
page selects its posts by number, not by OFFSET.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import policy
from ..errors import NotFound
from ..extensions import db
from ..models import Authority, Post, Reaction, Tag, Thread, Topic, User, thread_tags


@dataclass
class ThreadList:
    threads: list[Thread]
    page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1


@dataclass
class PostPage:
    thread: Thread
    posts: list[Post]
    page: int
    pages: int
    helpful_ids: set[int]


def _page_number(raw) -> int:
    try:
        page = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(page, 1), 100_000)


def _threads(actor: User, *conditions, page, order=None) -> ThreadList:
    per_page = current_app.config["THREADS_PER_PAGE"]
    page = _page_number(page)
    order = order or (Thread.last_post_at.desc(), Thread.id.desc())
    ids = list(
        db.session.scalars(
            select(Thread.id)
            .where(policy.readable_threads(actor), *conditions)
            .order_by(*order)
            .limit(per_page + 1)
            .offset((page - 1) * per_page)
        )
    )
    rows: list[Thread] = []
    if ids:
        rows = list(
            db.session.scalars(
                select(Thread).where(Thread.id.in_(ids[:per_page])).options(selectinload(Thread.tags)).order_by(*order)
            )
        )
    return ThreadList(rows, page, len(ids) > per_page)


def latest(actor: User, page=1) -> ThreadList:
    """Every thread the actor may read, most recently active first."""
    return _threads(actor, page=page)


def topic_threads(actor: User, topic: Topic, page=1, authority_id: int | None = None, network_only=False) -> ThreadList:
    conditions = [Thread.topic_id == topic.id]
    if network_only:
        conditions.append(Thread.authority_id.is_(None))
    elif authority_id is not None:
        conditions.append(Thread.authority_id == authority_id)
    return _threads(
        actor,
        *conditions,
        page=page,
        order=(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc()),
    )


def authority_threads(actor: User, authority: Authority, page=1) -> ThreadList:
    """An authority's own space; NotFound for anyone who may not read it."""
    if not policy.can_read_space(actor, authority.id):
        raise NotFound()
    return _threads(
        actor,
        Thread.authority_id == authority.id,
        page=page,
        order=(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc()),
    )


def tag_threads(actor: User, tag: Tag, page=1) -> ThreadList:
    """Threads with the tag that the actor may read.

    A tag used only in another authority's private space is NotFound: even its name could say
    what that authority is discussing.
    """
    tagged = Thread.id.in_(select(thread_tags.c.thread_id).where(thread_tags.c.tag_id == tag.id))
    if db.session.scalar(select(Thread.id).where(tagged, policy.readable_threads(actor)).limit(1)) is None:
        raise NotFound("We could not find that tag.")
    return _threads(actor, tagged, page=page)


def topics_with_counts(actor: User) -> list[tuple[Topic, int]]:
    """All topics, each with the number of threads in it the actor may read."""
    counts = dict(
        db.session.execute(
            select(Thread.topic_id, func.count(Thread.id))
            .where(policy.readable_threads(actor))
            .group_by(Thread.topic_id)
        ).all()
    )
    topics = db.session.execute(select(Topic).order_by(Topic.position, Topic.name)).scalars()
    return [(t, counts.get(t.id, 0)) for t in topics]


def thread_page(actor: User, thread_id: int, page=1) -> PostPage:
    """One page of a thread's posts, with the actor's helpful marks, in a fixed number of queries."""
    thread = policy.require_read_thread(
        actor, db.session.get(Thread, thread_id, options=[selectinload(Thread.tags)])
    )
    per_page = current_app.config["POSTS_PER_PAGE"]
    pages = max(1, -(-thread.post_count // per_page))
    page = min(_page_number(page), pages)
    first = (page - 1) * per_page + 1
    posts = list(
        db.session.execute(
            select(Post)
            .where(Post.thread_id == thread.id, Post.number.between(first, first + per_page - 1))
            .order_by(Post.number)
        ).scalars()
    )
    posts = [p for p in posts if policy.can_see_post(actor, p)]
    helpful_ids: set[int] = set()
    if posts:
        helpful_ids = set(
            db.session.execute(
                select(Reaction.post_id).where(
                    Reaction.user_id == actor.id,
                    Reaction.kind == "helpful",
                    Reaction.post_id.in_([p.id for p in posts]),
                )
            ).scalars()
        )
    return PostPage(thread, posts, page, pages, helpful_ids)


def page_of_post(post: Post) -> int:
    return (post.number - 1) // current_app.config["POSTS_PER_PAGE"] + 1


def topic_by_slug(slug: str) -> Topic:
    topic = db.session.execute(select(Topic).where(Topic.slug == slug)).scalar_one_or_none()
    if topic is None:
        raise NotFound()
    return topic


def authority_by_slug(actor: User, slug: str) -> Authority:
    authority = db.session.execute(select(Authority).where(Authority.slug == slug)).scalar_one_or_none()
    if authority is None or not policy.can_read_space(actor, authority.id):
        raise NotFound()
    return authority


def tag_by_name(name: str) -> Tag:
    tag = db.session.execute(select(Tag).where(Tag.name == name)).scalar_one_or_none()
    if tag is None:
        raise NotFound()
    return tag


def all_topics() -> list[Topic]:
    return list(db.session.execute(select(Topic).order_by(Topic.position, Topic.name)).scalars())


def all_authorities() -> list[Authority]:
    return list(db.session.execute(select(Authority).order_by(Authority.name)).scalars())


def user_by_username(actor: User, username: str) -> User:
    from ..names import username_key

    user = db.session.execute(
        select(User).where(User.username_key == username_key(username))
    ).scalar_one_or_none()
    if user is None or not policy.can_view_profile(actor, user):
        raise NotFound()
    return user
