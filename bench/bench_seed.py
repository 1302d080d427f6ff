"""Seed a fresh database for `bench/http_pages.py`.

What it makes, on top of forum/demo.py's authorities, topics, accounts and threads:

- 40 more active members spread over the authorities (and a few with none), so pages show
  many different authors: a lazy load per author would show up as extra queries.
- Through the real services (threads.start_thread / reply / toggle_helpful / edit_post /
  delete_post / accept_answer): one thread with 10 posts and one with 200 posts.
- In one topic, 10,000 threads (about 30,000 posts) bulk-inserted with SQLAlchemy core. The
  rows carry exactly what the services would write: Post.number 1..n per thread,
  post_count = n, reply_count = visible replies, last_post_at / last_post_id /
  last_poster_id = the last post, helpful_count = its reactions, opening post of a deleted
  thread deleted, accepted answers among the visible replies. `check_consistency` checks
  every thread (the service-made ones too) against those rules after seeding.

Post text comes from /work/shared/data/forum_corpus.jsonl: real Stack Exchange posts (History
Meta, Coffee, Data Science Meta), CC BY-SA 3.0/4.0. Each body is stored with its source line
("Source: <url> (licence)") appended, so the attribution travels with the text; the
corpus itself is read at run time and never copied into the repository. Without the corpus
the bench falls back to generated text of similar length.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import and_, case, func, insert, select

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "forum_corpus.jsonl"

BENCH_USER = "member.wigan"  # a plain member of one authority: the common reader
SMALL_TOPIC = "supervision"  # holds the 10-post and 200-post threads
BIG_TOPIC = "early-help"  # holds the 10,000 bulk threads
EXTRA_MEMBERS = 40
_TAG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class Text:
    markdown: str  # with its attribution line
    url: str
    title: str | None = None
    tags: list[str] = field(default_factory=list)


@dataclass
class Corpus:
    questions: list[Text]
    answers: list[Text]
    source: str


@dataclass
class Seeded:
    username: str
    password: str
    thread_10: int
    thread_200: int
    big_topic: str
    big_topic_threads: int
    threads_total: int
    posts_total: int
    users_total: int
    corpus: str
    seconds: float


def _clean_tags(raw: list[str] | None) -> list[str]:
    names: list[str] = []
    for tag in raw or []:
        name = re.sub(r"[^a-z0-9-]+", "-", tag.lower()).strip("-")[:30].strip("-")
        if name and _TAG.match(name) and name not in names:
            names.append(name)
    return names[:5]


def load_corpus(path: Path, body_max: int) -> Corpus:
    """Questions (with titles and tags) and answers, each body ending in its source line."""
    if not path.exists():
        return _generated_corpus()
    questions: list[Text] = []
    answers: list[Text] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            body = (row.get("body_markdown") or "").strip()
            if not body:
                continue
            url = row["url"]
            # Attribution by the row's url, as the corpus licence (CC BY-SA) asks.
            markdown = f"{body}\n\nSource: <{url}> ({row.get('license') or 'CC BY-SA'})"
            if len(markdown) > body_max:
                continue
            if row.get("type") == "question" and row.get("title"):
                questions.append(Text(markdown, url, row["title"], _clean_tags(row.get("tags"))))
            else:
                answers.append(Text(markdown, url))
    return Corpus(questions, answers, f"{path} ({len(questions)} questions, {len(answers)} answers)")


def _generated_corpus() -> Corpus:
    """Stand-in text of corpus-like lengths when the shared corpus is not there."""
    rng = random.Random(7)
    words = ["practice", "supervision", "family", "review", "plan", "evidence", "team", "support", "case", "meeting", "record", "outcome", "visit", "carer", "school", "health", "worker", "manager", "child", "parent"]

    def paragraph() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(20, 90))).capitalize() + "."

    def body() -> str:
        return "\n\n".join(paragraph() for _ in range(rng.randint(1, 5)))

    questions = [
        Text(body(), "", f"Question {i} about {rng.choice(words)} and {rng.choice(words)}", [rng.choice(words)])
        for i in range(300)
    ]
    answers = [Text(body(), "") for _ in range(600)]
    return Corpus(questions, answers, "generated text (corpus file not found)")


class _Renderer:
    """render_markdown once per distinct body: the same HTML the services store."""

    def __init__(self) -> None:
        from forum.content import render_markdown

        self._render = render_markdown
        self._cache: dict[int, str] = {}

    def html(self, text: Text) -> str:
        key = id(text)
        if key not in self._cache:
            self._cache[key] = self._render(text.markdown)
        return self._cache[key]


def _bench_members(db, authorities, password_hash: str):
    from forum.models import Role, Status, User, utcnow
    from forum.names import username_key

    members = []
    spaces = [*authorities, None]  # a few members belong to no authority (wider network)
    for i in range(1, EXTRA_MEMBERS + 1):
        authority = spaces[i % len(spaces)]
        domain = authority.domains[0].domain if authority is not None else "example.org"
        username = f"bench.member{i:02d}"
        member = User(
            username=username,
            username_key=username_key(username),
            email=f"{username}@{domain}",
            display_name=f"Bench Member {i:02d}",
            job_title="Social worker" if i % 3 else "Team manager",
            authority_id=authority.id if authority is not None else None,
            role=Role.LEAD.value if i % 10 == 0 else Role.MEMBER.value,
            status=Status.ACTIVE.value,
            password_hash=password_hash,
            email_verified_at=utcnow(),
        )
        db.session.add(member)
        members.append(member)
    db.session.commit()
    return members


def _service_thread(corpus: Corpus, start: int, author, repliers, topic_id: int, posts: int) -> int:
    """A question thread of `posts` posts, made through the real services only."""
    from forum.errors import Invalid
    from forum.services import threads

    for offset in range(len(corpus.questions)):
        question = corpus.questions[(start + offset) % len(corpus.questions)]
        try:
            threads.check_title(question.title or "")
        except Invalid:
            continue
        break
    thread = threads.start_thread(
        author,
        threads.NewThread(
            topic_id=topic_id, authority_id=None, kind="question", title=question.title,
            body=question.markdown, tags=", ".join(question.tags),
        ),
    )
    for n in range(posts - 1):
        answer = corpus.answers[(start * 7 + n) % len(corpus.answers)]
        threads.reply(repliers[n % len(repliers)], thread.id, answer.markdown)
    return thread.id


def _decorate_service_threads(reader, moderator, users, thread_10: int, thread_200: int) -> None:
    """Helpful marks (some by the bench reader), an edit, deletions and an accepted answer."""
    from forum.extensions import db
    from forum.models import Post
    from forum.services import threads

    posts = list(db.session.execute(
        select(Post).where(Post.thread_id == thread_200).order_by(Post.number)
    ).scalars())
    by_id = {u.id: u for u in users}
    for post in posts[1::9]:  # the reader finds some replies on several pages helpful
        if post.author_id != reader.id:
            threads.toggle_helpful(reader, post.id)
    for i, post in enumerate(posts[::4]):
        marker = users[i % len(users)]
        if marker.id != post.author_id:
            threads.toggle_helpful(marker, post.id)
    edited = posts[5]
    threads.edit_post(by_id[edited.author_id], edited.id, edited.body + "\n\n(Edited to add: thanks all.)")
    for post in (posts[12], posts[150]):
        threads.delete_post(moderator, post.id)
    opening_author = by_id[posts[0].author_id]
    threads.accept_answer(opening_author, posts[3].id)
    small = list(db.session.execute(
        select(Post).where(Post.thread_id == thread_10).order_by(Post.number)
    ).scalars())
    if small[2].author_id != reader.id:
        threads.toggle_helpful(reader, small[2].id)


def _bulk_topic(db, corpus: Corpus, renderer: _Renderer, users, topic_id: int, count: int, rng: random.Random) -> int:
    """Insert `count` threads and their posts with core INSERTs; return the number of posts."""
    from forum.content import RENDERER_VERSION
    from forum.models import Post, Reaction, Tag, Thread, ThreadKind, thread_tags, utcnow

    staff = [u for u in users if u.role in ("moderator", "admin")]
    readers: dict[int | None, list] = defaultdict(list)
    for u in users:
        readers[None].append(u)
        if u.authority_id is not None:
            readers[u.authority_id].append(u)
    for authority_id in list(readers):
        if authority_id is not None:
            readers[authority_id] = readers[authority_id] + staff

    tag_names = sorted({name for q in corpus.questions for name in q.tags})
    existing = dict(db.session.execute(select(Tag.name, Tag.id)).all())
    missing = [{"name": n} for n in tag_names if n not in existing]
    if missing:
        db.session.execute(insert(Tag.__table__), missing)
        existing = dict(db.session.execute(select(Tag.name, Tag.id)).all())

    next_thread = (db.session.execute(select(func.max(Thread.id))).scalar() or 0) + 1
    next_post = (db.session.execute(select(func.max(Post.id))).scalar() or 0) + 1
    now = utcnow()
    kinds = [ThreadKind.QUESTION.value, ThreadKind.PRACTICE.value, ThreadKind.DISCUSSION.value]
    thread_rows, post_rows, tag_rows, reaction_rows = [], [], [], []
    for i in range(count):
        question = corpus.questions[i % len(corpus.questions)]
        author = rng.choice(users)
        authority_id = author.authority_id if author.authority_id and rng.random() < 0.15 else None
        eligible = readers[authority_id]
        thread_id = next_thread + i
        deleted = rng.random() < 0.005
        n_posts = 1 + rng.choices([0, 1, 2, 3, 4, 6, 10], weights=[35, 20, 15, 10, 8, 7, 5])[0]
        at = now - timedelta(minutes=rng.uniform(60, 60 * 24 * 730))
        posts = []
        for number in range(1, n_posts + 1):
            if number > 1:
                at = min(at + timedelta(minutes=rng.uniform(5, 60 * 24 * 3)), now - timedelta(minutes=1))
            poster = author if number == 1 else rng.choice(eligible)
            source = question if number == 1 else rng.choice(corpus.answers)
            reply_deleted = number > 1 and rng.random() < 0.02
            post = {
                "id": next_post, "thread_id": thread_id, "number": number, "author_id": poster.id,
                "body": source.markdown, "body_html": renderer.html(source), "renderer_version": RENDERER_VERSION,
                "created_at": at, "edited_at": None,
                "deleted_at": at if (reply_deleted or (deleted and number == 1)) else None,
                "helpful_count": 0, "revision_count": 0,
            }
            next_post += 1
            if post["deleted_at"] is None and rng.random() < 0.15:
                markers = rng.sample(eligible, k=min(len(eligible), rng.randint(1, 3)))
                for marker in markers:
                    if marker.id != poster.id:
                        reaction_rows.append({"post_id": post["id"], "user_id": marker.id, "kind": "helpful", "created_at": at})
                        post["helpful_count"] += 1
            posts.append(post)
        kind = rng.choices(kinds, weights=[5, 2, 3])[0]
        visible_replies = [p for p in posts[1:] if p["deleted_at"] is None]
        accepted = None
        if kind == ThreadKind.QUESTION.value and visible_replies and rng.random() < 0.4:
            accepted = rng.choice(visible_replies)["id"]
        last = posts[-1]
        thread_rows.append({
            "id": thread_id, "topic_id": topic_id, "authority_id": authority_id, "kind": kind,
            "title": question.title[:150], "author_id": author.id, "created_at": posts[0]["created_at"],
            "last_post_at": last["created_at"], "last_post_id": last["id"], "last_poster_id": last["author_id"],
            "post_count": n_posts, "reply_count": len(visible_replies),
            "pinned": i < 2, "locked": rng.random() < 0.01, "deleted": deleted, "accepted_post_id": accepted,
        })
        tag_rows.extend({"thread_id": thread_id, "tag_id": existing[name]} for name in question.tags)
        post_rows.extend(posts)

    chunk = 2000
    for rows, table in ((thread_rows, Thread.__table__), (post_rows, Post.__table__),
                        (tag_rows, thread_tags), (reaction_rows, Reaction.__table__)):
        for start in range(0, len(rows), chunk):
            db.session.execute(insert(table), rows[start:start + chunk])
    db.session.commit()
    return len(post_rows)


def check_consistency(db) -> list[str]:
    """Every thread's counters and numbering against its posts, as the services keep them."""
    from forum.models import Post, Reaction, Thread

    problems: list[str] = []
    p, t = Post.__table__, Thread.__table__
    visible_reply = case((and_(p.c.number > 1, p.c.deleted_at.is_(None)), 1), else_=0)
    aggregates = {
        row.thread_id: row
        for row in db.session.execute(
            select(p.c.thread_id, func.count().label("n"), func.min(p.c.number).label("lo"),
                   func.max(p.c.number).label("hi"), func.sum(visible_reply).label("replies"))
            .group_by(p.c.thread_id)
        )
    }
    last_posts = {
        row.thread_id: row
        for row in db.session.execute(
            select(p.c.thread_id, p.c.id, p.c.author_id, p.c.created_at)
            .join(t, and_(t.c.id == p.c.thread_id, p.c.number == t.c.post_count))
        )
    }
    for thread in db.session.execute(select(t)):
        agg, last = aggregates.get(thread.id), last_posts.get(thread.id)
        if agg is None or last is None:
            problems.append(f"thread {thread.id}: no posts or no post numbered post_count")
            continue
        if (agg.lo, agg.hi, agg.n) != (1, thread.post_count, thread.post_count):
            problems.append(f"thread {thread.id}: numbers {agg.lo}..{agg.hi} x{agg.n}, post_count {thread.post_count}")
        if agg.replies != thread.reply_count:
            problems.append(f"thread {thread.id}: reply_count {thread.reply_count}, visible replies {agg.replies}")
        if (thread.last_post_id, thread.last_poster_id, thread.last_post_at) != (last.id, last.author_id, last.created_at):
            problems.append(f"thread {thread.id}: last_post_* do not match post #{thread.post_count}")
    helpful = dict(db.session.execute(
        select(Reaction.post_id, func.count()).where(Reaction.kind == "helpful").group_by(Reaction.post_id)
    ).all())
    for post_id, count in db.session.execute(select(p.c.id, p.c.helpful_count)):
        if helpful.get(post_id, 0) != count:
            problems.append(f"post {post_id}: helpful_count {count}, reactions {helpful.get(post_id, 0)}")
    accepted = db.session.execute(
        select(t.c.id, p.c.thread_id, p.c.number, p.c.deleted_at)
        .join(p, p.c.id == t.c.accepted_post_id)
    ).all()
    for thread_id, post_thread, number, deleted_at in accepted:
        if post_thread != thread_id or number == 1 or deleted_at is not None:
            problems.append(f"thread {thread_id}: accepted_post_id is not a visible reply of it")
    return problems


def seed(app, corpus_path: Path, big_threads: int = 10_000, rng_seed: int = 2024) -> Seeded:
    """Migrate an empty database and fill it; run inside nothing (opens its own app context)."""
    import flask_migrate

    from forum.demo import demo_password, load_demo
    from forum.extensions import db
    from forum.models import Authority, Post, Thread, Topic, User
    from forum.services.threads import BODY_MAX

    started = time.perf_counter()
    rng = random.Random(rng_seed)
    with app.app_context():
        flask_migrate.upgrade()
        if not load_demo():
            raise RuntimeError("the bench database is not empty")
        password = demo_password()
        demo_users = list(db.session.execute(select(User).order_by(User.id)).scalars())
        authorities = list(db.session.execute(select(Authority).order_by(Authority.id)).scalars())
        members = _bench_members(db, authorities, demo_users[0].password_hash)
        users = demo_users + members
        by_name = {u.username: u for u in users}
        topics = {t.slug: t for t in db.session.execute(select(Topic)).scalars()}
        corpus = load_corpus(corpus_path, BODY_MAX)
        renderer = _Renderer()

        network_members = [u for u in users if u.username != "admin"]
        thread_10 = _service_thread(corpus, 11, by_name["lead.wigan"], network_members[1:], topics[SMALL_TOPIC].id, 10)
        thread_200 = _service_thread(corpus, 23, by_name["member.birmingham"], network_members, topics[SMALL_TOPIC].id, 200)
        _decorate_service_threads(by_name[BENCH_USER], by_name["moderator"], users, thread_10, thread_200)

        _bulk_topic(db, corpus, renderer, users, topics[BIG_TOPIC].id, big_threads, rng)
        problems = check_consistency(db)
        if problems:
            raise RuntimeError("seeded data is inconsistent:\n  " + "\n  ".join(problems[:20]))
        totals = (
            db.session.execute(select(func.count(Thread.id))).scalar_one(),
            db.session.execute(select(func.count(Post.id))).scalar_one(),
            db.session.execute(select(func.count(User.id))).scalar_one(),
            db.session.execute(select(func.count(Thread.id)).where(Thread.topic_id == topics[BIG_TOPIC].id)).scalar_one(),
        )
        db.session.remove()
        if db.engine.dialect.name == "sqlite":
            # Fold the bulk insert's write-ahead log into the database file, as a server that
            # has been running a while would have it; outside any transaction.
            db.engine.dispose()
            with db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").all()
            db.engine.dispose()
    return Seeded(
        username=BENCH_USER, password=password, thread_10=thread_10, thread_200=thread_200,
        big_topic=BIG_TOPIC, big_topic_threads=totals[3], threads_total=totals[0],
        posts_total=totals[1], users_total=totals[2], corpus=corpus.source,
        seconds=time.perf_counter() - started,
    )
