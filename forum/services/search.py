"""Search over threads and posts: one function, two backends, permission filters inside the SQL.

What a person types is parsed here into words and "quoted phrases" and never reaches the
database as syntax: SQLite gets an FTS5 query of quoted terms, PostgreSQL gets
websearch_to_tsquery over the same words. Hidden, held and deleted posts never match, nor does
anything in a space the reader may not read (policy.readable_threads, in the same query).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Float, and_, bindparam, cast, func, literal_column, select, text, union_all

from .. import policy
from ..clock import UK
from ..errors import Invalid
from ..extensions import db
from ..models import Authority, Post, Tag, Thread, Topic, User, thread_tags
from ..names import username_key

QUERY_MAX = 200
TERMS_MAX = 12
PAGE_SIZE = 20
SNIPPET_SOURCE = 4000  # characters of a post the PostgreSQL highlighter reads
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"  # private-use sentinels, swapped for <mark> after escaping
_TERM = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class SearchFilter:
    topic: str = ""  # slug
    space: str = ""  # authority slug, or "network"
    kind: str = ""
    tag: str = ""
    author: str = ""  # username
    since: str = ""  # YYYY-MM-DD
    until: str = ""


@dataclass
class Hit:
    post: Post
    snippet: str  # safe HTML: escaped text with <mark>s
    title_html: str


@dataclass
class MessageHit:
    message: object  # models.Message
    snippet: str


@dataclass
class Results:
    query: str
    hits: list[Hit] = field(default_factory=list)
    page: int = 1
    has_more: bool = False
    messages: list[MessageHit] = field(default_factory=list)


def parse(raw: str) -> list[tuple[str, ...]]:
    """'supervision "group work" C++' -> [('supervision',), ('group', 'work'), ('c',)]: each
    term is a word or a phrase of words; everything else (operators, symbols) is dropped."""
    text = (raw or "")[:QUERY_MAX]
    if text.count('"') % 2:
        text = text.replace('"', " ")  # a stray quote: read it all as plain words
    terms: list[tuple[str, ...]] = []
    for phrase, word in _TERM.findall(text):
        words = tuple(w.lower() for w in _WORD.findall(phrase if phrase else word))
        if words and words not in terms:
            terms.append(words)
    return terms[:TERMS_MAX]


def _fts5_query(terms: list[tuple[str, ...]]) -> str:
    return " ".join('"' + " ".join(words) + '"' for words in terms)


def _websearch_query(terms: list[tuple[str, ...]]) -> str:
    return " ".join('"' + " ".join(words) + '"' if len(words) > 1 else words[0] for words in terms)


def _day(raw: str, label: str) -> datetime | None:
    if not raw:
        return None
    try:
        day = datetime.strptime(raw.strip()[:10], "%Y-%m-%d").replace(tzinfo=UK)
    except ValueError:
        raise Invalid(f"{label} must be a date like 2026-12-04.") from None
    if not 1900 <= day.year <= 9000:  # and so the day after it exists too
        raise Invalid(f"{label} must be a real date, like 2026-12-04.")
    return day


def _filters(actor: User, flt: SearchFilter) -> list:
    """The reader's permissions and the chosen filters, as SQL conditions on Post and Thread."""
    conditions = [
        policy.readable_threads(actor), Thread.held.is_(False),
        Post.deleted_at.is_(None), Post.hidden_at.is_(None), Post.held_at.is_(None),
    ]
    if flt.topic:
        conditions.append(Thread.topic_id == select(Topic.id).where(Topic.slug == flt.topic[:60]).scalar_subquery())
    if flt.space == "network":
        conditions.append(Thread.authority_id.is_(None))
    elif flt.space:
        conditions.append(Thread.authority_id == select(Authority.id).where(
            Authority.slug == flt.space[:60]).scalar_subquery())
    if flt.kind:
        conditions.append(Thread.kind == flt.kind[:20])
    if flt.tag:
        conditions.append(Thread.id.in_(select(thread_tags.c.thread_id).join(Tag).where(Tag.name == flt.tag[:40])))
    if flt.author:
        try:
            key = username_key(flt.author.strip().lstrip("@")[:32])
        except Invalid:
            key = ""
        conditions.append(Post.author_id == select(User.id).where(User.username_key == key).scalar_subquery())
    since, until = _day(flt.since, "From"), _day(flt.until, "To")
    if since:
        conditions.append(Post.created_at >= since)
    if until:
        conditions.append(Post.created_at < until + timedelta(days=1))
    return conditions


def search(actor: User, raw_query: str, flt: SearchFilter | None = None, page: int = 1) -> Results:
    """Posts matching the words and phrases, best first, that the actor may read."""
    flt = flt or SearchFilter()
    terms = parse(raw_query)
    page = max(1, min(int(page or 1), 500))
    if not terms:
        if not any(vars(flt).values()):
            raise Invalid("Type one or more words to search for. Put a phrase in “double quotes”.", field="q")
        return _filtered_only(actor, raw_query, flt, page)
    dialect = db.engine.dialect.name
    matches = _sqlite_matches(terms) if dialect == "sqlite" else _postgres_matches(terms)
    # A post matches by its own words or (the opening post) by its thread's title; best score wins.
    best = select(matches.c.post_id, func.min(matches.c.score).label("score")).group_by(matches.c.post_id).subquery()
    rows = db.session.execute(
        select(Post, best.c.score)
        .join(best, best.c.post_id == Post.id)
        .join(Thread, Thread.id == Post.thread_id)
        .where(and_(*_filters(actor, flt)))
        .order_by(best.c.score, Post.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    posts = [row[0] for row in rows[:PAGE_SIZE]]
    snippets = _snippets(posts, terms, dialect)
    hits = [Hit(p, snippets.get(p.id) or _plain_snippet(p.body), _highlight_title(p.thread.title, terms))
            for p in posts]
    messages = search_messages(actor, terms) if page == 1 and not _post_only(flt) else []
    return Results(raw_query, hits, page, len(rows) > PAGE_SIZE, messages)


MESSAGES_SHOWN = 10


def _post_only(flt: SearchFilter) -> bool:
    """Filters that only threads have (kind, tag) leave chat out of the results."""
    return bool(flt.kind or flt.tag or flt.author or flt.since or flt.until or flt.space or flt.topic)


def search_messages(actor: User, terms) -> list[MessageHit]:
    """The best chat messages, from standing rooms the actor may join, not deleted."""
    from ..models import Message, Room

    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        matched = text("SELECT rowid AS message_id, bm25(message_search) AS score, "
                       "snippet(message_search, 0, :a, :b, '…', 20) AS extract FROM message_search "
                       "WHERE message_search MATCH :q").bindparams(
            q=_fts5_query(terms), a=_MARK_OPEN, b=_MARK_CLOSE).columns(
            literal_column("message_id"), literal_column("score"), literal_column("extract")).subquery()
    else:
        tsquery = func.websearch_to_tsquery("english", _websearch_query(terms))
        vector = MESSAGE_VECTOR
        options = f"StartSel={_MARK_OPEN}, StopSel={_MARK_CLOSE}, MaxWords=24, MinWords=8"
        matched = select(Message.id.label("message_id"), (-func.ts_rank(vector, tsquery)).label("score"),
                         func.ts_headline("english", func.left(Message.body, SNIPPET_SOURCE), tsquery,
                                          options).label("extract")).where(
            vector.op("@@")(tsquery)).subquery()
    rows = db.session.execute(
        select(Message, matched.c.extract)
        .join(matched, matched.c.message_id == Message.id)
        .join(Room, Room.id == Message.room_id)
        .where(policy.readable_rooms(actor), Message.deleted_at.is_(None), Message.held_at.is_(None))
        .order_by(matched.c.score, Message.id.desc())
        .limit(MESSAGES_SHOWN)
    ).all()
    return [MessageHit(message, _marked(extract) if extract else _plain_snippet(message.body))
            for message, extract in rows]


def _filtered_only(actor: User, raw_query: str, flt: SearchFilter, page: int) -> Results:
    """Filters with no words: the newest posts that match them, with the same permission rules."""
    rows = list(db.session.scalars(
        select(Post).join(Thread, Thread.id == Post.thread_id).where(and_(*_filters(actor, flt)))
        .order_by(Post.created_at.desc(), Post.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    hits = [Hit(p, _plain_snippet(p.body), html.escape(p.thread.title)) for p in rows[:PAGE_SIZE]]
    return Results(raw_query, hits, page, len(rows) > PAGE_SIZE)


def _sqlite_matches(terms):
    query = _fts5_query(terms)
    by_body = text("SELECT rowid AS post_id, bm25(post_search) AS score FROM post_search "
                   "WHERE post_search MATCH :q").bindparams(q=query).columns(
        literal_column("post_id"), literal_column("score"))
    # Title matches weigh more (bm25 is negative: lower is better).
    by_title = text("SELECT posts.id AS post_id, 3.0 * bm25(thread_search) AS score FROM thread_search "
                    "JOIN posts ON posts.thread_id = thread_search.rowid AND posts.number = 1 "
                    "WHERE thread_search MATCH :q").bindparams(q=query).columns(
        literal_column("post_id"), literal_column("score"))
    return union_all(by_body, by_title).subquery()


POST_VECTOR = literal_column("posts.search_vector")
THREAD_VECTOR = literal_column("threads.search_vector")
MESSAGE_VECTOR = literal_column("messages.search_vector")


def _postgres_matches(terms):
    tsquery = func.websearch_to_tsquery("english", bindparam("q", _websearch_query(terms)))
    body_vector, title_vector = POST_VECTOR, THREAD_VECTOR
    by_body = select(Post.id.label("post_id"), (-func.ts_rank(body_vector, tsquery)).label("score")).where(
        body_vector.op("@@")(tsquery))
    opening = select(Post.id.label("post_id"), (cast(-3.0, Float) * func.ts_rank(title_vector, tsquery)).label(
        "score")).join(Thread, and_(Thread.id == Post.thread_id, Post.number == 1)).where(title_vector.op("@@")(tsquery))
    return union_all(by_body, opening).subquery()


def _snippets(posts: list[Post], terms, dialect: str) -> dict[int, str]:
    """Highlighted extracts from each post's body, made by the database's own highlighter."""
    if not posts:
        return {}
    ids = [p.id for p in posts]
    if dialect == "sqlite":
        rows = db.session.execute(
            text("SELECT rowid, snippet(post_search, 0, :a, :b, '…', 24) FROM post_search "
                 "WHERE post_search MATCH :q AND rowid IN (" + ",".join(str(int(i)) for i in ids) + ")"),
            {"a": _MARK_OPEN, "b": _MARK_CLOSE, "q": _fts5_query(terms)},
        ).all()
    else:
        tsquery = func.websearch_to_tsquery("english", _websearch_query(terms))
        options = f"StartSel={_MARK_OPEN}, StopSel={_MARK_CLOSE}, MaxWords=30, MinWords=12, MaxFragments=2"
        rows = db.session.execute(
            # The highlighter reparses the text: the first few thousand characters are plenty.
            select(Post.id, func.ts_headline("english", func.left(Post.body, SNIPPET_SOURCE), tsquery, options))
            .where(Post.id.in_(ids), POST_VECTOR.op("@@")(tsquery))
        ).all()
    return {post_id: _marked(extract) for post_id, extract in rows if extract and _MARK_OPEN in extract}


def _marked(extract: str) -> str:
    return html.escape(extract).replace(_MARK_OPEN, "<mark>").replace(_MARK_CLOSE, "</mark>")


def _plain_snippet(body: str) -> str:
    flat = " ".join(body.split())
    return html.escape(flat[:240] + ("…" if len(flat) > 240 else ""))


def _highlight_title(title: str, terms) -> str:
    """The thread title with searched words marked (case-insensitive, whole words)."""
    words = sorted({w for t in terms for w in t}, key=len, reverse=True)
    if not words:
        return html.escape(title)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")\w*", re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(title):  # mark the raw text, escaping every piece as it goes
        out.append(html.escape(title[last:match.start()]))
        out.append(f"<mark>{html.escape(match.group(0))}</mark>")
        last = match.end()
    out.append(html.escape(title[last:]))
    return "".join(out)
