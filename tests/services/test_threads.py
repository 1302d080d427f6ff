"""Threads and posts through the services: spaces, counters, edits, helpful and answers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.errors import Forbidden, Invalid, NotFound
from forum.extensions import db
from forum.models import Post, PostRevision, Thread
from forum.services import browse, moderation, threads

from ..factories import start


def test_member_starts_network_thread_with_tags(app, world):
    thread = start(world.member, world.topic.id, tags="Early help, supervision, early-help")
    assert thread.authority_id is None and thread.post_count == 1 and thread.reply_count == 0
    assert [t.name for t in thread.tags] == ["early-help", "supervision"]


def test_member_starts_thread_in_own_authority_space(app, world):
    thread = start(world.member, world.topic.id, authority_id=world.wigan.id)
    assert thread.authority_id == world.wigan.id


def test_member_cannot_start_thread_in_another_authoritys_space(app, world):
    with pytest.raises(Forbidden):
        start(world.member, world.topic.id, authority_id=world.birmingham.id)
    assert db.session.scalar(select(func.count(Thread.id))) == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Enter a title"),
        ({"title": "Hi"}, "at least 5"),
        ({"title": "x" * 151}, "150 characters"),
        ({"title": "Question\u202e about court"}, "hidden"),
        ({"body": "   \n  "}, "Write something"),
        ({"body": "x" * 20_001}, "20,000"),
        ({"tags": "a, b, c, d, e, f"}, "at most 5"),
        ({"tags": "<b>bold</b>"}, "Tags use"),
        ({"tags": "x" * 31}, "Tags use"),
        ({"kind": "poll"}, "kind"),
    ],
)
def test_bad_thread_input_is_refused(app, world, overrides, message):
    data = dict(title="A good clear title", body="Body text", kind="question", tags="")
    data.update(overrides)
    with pytest.raises(Invalid, match=message):
        threads.start_thread(world.member, threads.NewThread(topic_id=world.topic.id, authority_id=None, **data))


def test_unknown_topic_is_refused(app, world):
    with pytest.raises(Invalid, match="topic"):
        threads.start_thread(world.member, threads.NewThread(None, None, "question", "A good title", "Body"))


def test_replies_are_numbered_and_counted_in_order(app, world):
    thread = start(world.member, world.topic.id)
    first = threads.reply(world.outsider, thread.id, "First reply")
    second = threads.reply(world.lead, thread.id, "Second reply")
    db.session.refresh(thread)
    assert (first.number, second.number) == (2, 3)
    assert thread.reply_count == 2 and thread.post_count == 3
    assert thread.last_post_id == second.id and thread.last_poster_id == world.lead.id


def test_member_of_other_authority_cannot_read_or_reply_to_partner_thread(app, world):
    thread = start(world.member, world.topic.id, authority_id=world.wigan.id)
    with pytest.raises(NotFound):
        threads.get_thread(world.outsider, thread.id)
    with pytest.raises(NotFound):
        threads.reply(world.outsider, thread.id, "Let me in")
    with pytest.raises(NotFound):
        browse.thread_page(world.outsider, thread.id)
    assert db.session.scalar(select(func.count(Post.id))) == 1


def test_staff_read_every_authoritys_space(app, world):
    thread = start(world.member, world.topic.id, authority_id=world.wigan.id)
    assert threads.get_thread(world.moderator, thread.id).id == thread.id
    assert threads.reply(world.admin, thread.id, "Centre here").number == 2


def test_locked_thread_refuses_member_replies_but_not_its_moderators(app, world):
    thread = start(world.member, world.topic.id, authority_id=world.wigan.id)
    moderation.set_flags(world.lead, thread.id, locked=True)
    with pytest.raises(Forbidden, match="locked"):
        threads.reply(world.member, thread.id, "Can I still reply?")
    assert threads.reply(world.lead, thread.id, "Lead note").number == 2


def test_member_cannot_pin_or_lock(app, world):
    thread = start(world.member, world.topic.id)
    with pytest.raises(Forbidden):
        moderation.set_flags(world.member, thread.id, pinned=True)


def test_edit_keeps_the_previous_text_in_history(app, world):
    thread = start(world.member, world.topic.id, title="Original title here", body="Version one")
    opening = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    threads.edit_post(world.member, opening.id, "Version two", title="Better title here")
    post, revisions = threads.revisions(world.outsider, opening.id)
    assert post.body == "Version two" and post.edited_at is not None and post.revision_count == 1
    assert [(r.body, r.title) for r in revisions] == [("Version one", "Original title here")]
    assert db.session.get(Thread, thread.id).title == "Better title here"


def test_edit_with_no_change_writes_no_revision(app, world):
    thread = start(world.member, world.topic.id, body="Same")
    opening = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    threads.edit_post(world.member, opening.id, "Same")
    assert db.session.scalar(select(func.count(PostRevision.id))) == 0


def test_member_cannot_edit_someone_elses_post(app, world):
    thread = start(world.member, world.topic.id)
    reply = threads.reply(world.outsider, thread.id, "Mine")
    with pytest.raises(Forbidden):
        threads.edit_post(world.member, reply.id, "Changed by someone else")
    assert db.session.get(Post, reply.id).body == "Mine"


def test_deleting_a_reply_leaves_a_placeholder_and_fixes_counters(app, world):
    thread = start(world.member, world.topic.id, kind="question")
    reply = threads.reply(world.outsider, thread.id, "Answer")
    threads.accept_answer(world.member, reply.id)
    threads.delete_post(world.outsider, reply.id)
    db.session.refresh(thread)
    assert thread.reply_count == 0 and thread.accepted_post_id is None
    assert db.session.get(Post, reply.id).deleted_at is not None
    # A later reply does not reuse the deleted post's number.
    assert threads.reply(world.lead, thread.id, "Another").number == 3


def test_deleting_the_opening_post_removes_the_thread_for_everyone(app, world):
    thread = start(world.member, world.topic.id)
    opening = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    threads.delete_post(world.member, opening.id)
    with pytest.raises(NotFound):
        threads.get_thread(world.moderator, thread.id)
    assert browse.latest(world.member).threads == []


def test_helpful_toggles_and_counts_once_per_person(app, world):
    thread = start(world.member, world.topic.id)
    reply = threads.reply(world.outsider, thread.id, "Try this")
    post, marked = threads.toggle_helpful(world.member, reply.id)
    assert marked and post.helpful_count == 1
    post, _ = threads.toggle_helpful(world.lead, reply.id)
    assert post.helpful_count == 2
    post, marked = threads.toggle_helpful(world.member, reply.id)
    assert not marked and post.helpful_count == 1


def test_author_cannot_mark_own_post_helpful(app, world):
    thread = start(world.member, world.topic.id)
    reply = threads.reply(world.outsider, thread.id, "Mine")
    with pytest.raises(Forbidden):
        threads.toggle_helpful(world.outsider, reply.id)


def test_asker_accepts_and_unaccepts_an_answer(app, world):
    thread = start(world.member, world.topic.id, kind="question")
    reply = threads.reply(world.outsider, thread.id, "Answer")
    assert threads.accept_answer(world.member, reply.id).accepted_post_id == reply.id
    assert threads.accept_answer(world.member, reply.id).accepted_post_id is None


def test_only_the_asker_accepts_an_answer(app, world):
    thread = start(world.member, world.topic.id, kind="question")
    reply = threads.reply(world.outsider, thread.id, "Answer")
    with pytest.raises(Forbidden):
        threads.accept_answer(world.outsider, reply.id)


def test_discussions_have_no_accepted_answer(app, world):
    thread = start(world.member, world.topic.id, kind="discussion")
    reply = threads.reply(world.outsider, thread.id, "Answer")
    with pytest.raises(Forbidden):
        threads.accept_answer(world.member, reply.id)


def test_opening_post_cannot_be_the_answer(app, world):
    thread = start(world.member, world.topic.id, kind="question")
    opening = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    with pytest.raises(Invalid):
        threads.accept_answer(world.member, opening.id)


def test_latest_lists_only_what_the_reader_may_see(app, world):
    network = start(world.member, world.topic.id, title="Network thread")
    wigan = start(world.member, world.topic.id, authority_id=world.wigan.id, title="Wigan thread")
    brum = start(world.outsider, world.topic.id, authority_id=world.birmingham.id, title="Birmingham thread")
    seen = {t.id for t in browse.latest(world.member).threads}
    assert seen == {network.id, wigan.id}
    assert {t.id for t in browse.latest(world.outsider).threads} == {network.id, brum.id}
    assert {t.id for t in browse.latest(world.network_member).threads} == {network.id}
    assert {t.id for t in browse.latest(world.moderator).threads} == {network.id, wigan.id, brum.id}


def test_authority_space_is_not_found_for_outsiders(app, world):
    with pytest.raises(NotFound):
        browse.authority_threads(world.outsider, world.wigan)
    with pytest.raises(NotFound):
        browse.authority_by_slug(world.outsider, "wigan")


def test_topic_lists_pinned_first_then_latest(app, world):
    older = start(world.member, world.topic.id, title="Older thread")
    newer = start(world.member, world.topic.id, title="Newer thread")
    moderation.set_flags(world.moderator, older.id, pinned=True)
    listing = browse.topic_threads(world.member, world.topic)
    assert [t.id for t in listing.threads] == [older.id, newer.id]


def test_thread_pages_hold_posts_by_number(app, world):
    app.config["POSTS_PER_PAGE"] = 3
    thread = start(world.member, world.topic.id)
    for i in range(7):
        threads.reply(world.outsider, thread.id, f"Reply {i}")
    pages = [browse.thread_page(world.member, thread.id, n) for n in (1, 2, 3)]
    assert [[p.number for p in page.posts] for page in pages] == [[1, 2, 3], [4, 5, 6], [7, 8]]
    assert pages[0].pages == 3
    assert browse.thread_page(world.member, thread.id, 99).page == 3
    assert browse.thread_page(world.member, thread.id, "nonsense").page == 1


def test_threads_list_paginates_with_a_next_flag(app, world):
    app.config["THREADS_PER_PAGE"] = 2
    for i in range(3):
        start(world.member, world.topic.id, title=f"Thread number {i}")
    assert browse.latest(world.member, 1).has_next
    second = browse.latest(world.member, 2)
    assert len(second.threads) == 1 and not second.has_next and second.has_prev


def test_nul_and_lone_surrogates_in_a_post_are_stored_as_replacement_characters(app, world):
    thread = start(world.member, world.topic.id, body="Our team\x00 meets \udfff weekly.")
    db.session.expire_all()
    body = db.session.scalar(select(Post.body).where(Post.thread_id == thread.id))
    assert body == "Our team\ufffd meets \ufffd weekly."
