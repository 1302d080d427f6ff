"""Moderation through the services: reports fold, claims hold, every action audits once, atomically."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from forum import clock
from forum.errors import Forbidden, Invalid, NotFound, RateLimited
from forum.extensions import db
from forum.models import AuditEntry, Post, QueueItem, Report, Thread, User
from forum.services import (
    accounts,
    audit,
    browse,
    moderation,
    notify,
    queue,
    sanctions,
    staff_accounts,
    threads,
    watchwords,
)

from ..conftest import make_user
from ..factories import start


def audit_count() -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)))


@pytest.fixture
def network_thread(world):
    thread = start(world.member, world.topic.id, title="How do you record supervision?")
    threads.reply(world.lead, thread.id, "We use a shared template.")
    return thread


def reply_of(thread: Thread, number: int = 2) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == number))


# --- reports -----------------------------------------------------------------------------


def test_reports_of_one_post_fold_into_one_queue_item(app, world, network_thread):
    post = reply_of(network_thread)
    first = queue.report(world.member, "post", post.id, "inappropriate", "Rude")
    second = queue.report(world.outsider, "post", post.id, "spam")
    assert first.id == second.id
    item = db.session.get(QueueItem, first.id)
    assert item.report_count == 2 and item.is_open
    assert {r.reason for r in item.reports} == {"inappropriate", "spam"}


def test_the_same_person_cannot_report_the_same_thing_twice(app, world, network_thread):
    post = reply_of(network_thread)
    queue.report(world.member, "post", post.id, "spam")
    with pytest.raises(Invalid, match="already reported"):
        queue.report(world.member, "post", post.id, "other")
    assert db.session.scalar(select(func.count(Report.id))) == 1


def test_member_cannot_report_what_they_cannot_read(app, world):
    private = start(world.lead, world.topic.id, world.wigan.id, title="Wigan only: rota")
    with pytest.raises(NotFound):
        queue.report(world.outsider, "thread", private.id, "spam")
    assert db.session.scalar(select(func.count(QueueItem.id))) == 0


def test_reports_need_a_known_reason_and_not_ones_own_post(app, world, network_thread):
    post = reply_of(network_thread)
    with pytest.raises(Invalid, match="reason"):
        queue.report(world.member, "post", post.id, "boring")
    with pytest.raises(Invalid, match="your own"):
        queue.report(world.lead, "post", post.id, "spam")


def test_a_report_after_resolution_opens_a_fresh_item(app, world, network_thread):
    post = reply_of(network_thread)
    item = queue.report(world.member, "post", post.id, "spam")
    queue.resolve(world.moderator, item.id, "dismiss", "")
    again = queue.report(world.outsider, "post", post.id, "spam")
    assert again.id != item.id and again.is_open


# --- queue scope and claims --------------------------------------------------------------


def test_partner_lead_sees_only_their_authoritys_content_in_the_queue(app, world):
    wigan = start(world.member, world.topic.id, world.wigan.id, title="Wigan rota question")
    brum = start(world.outsider, world.topic.id, world.birmingham.id, title="Birmingham rota question")
    net = start(world.member, world.topic.id, title="Network question here")
    queue.report(world.lead, "thread", wigan.id, "spam")
    queue.report(world.moderator, "thread", brum.id, "spam")
    queue.report(world.outsider, "thread", net.id, "spam")
    lead_sees = {i.target_id for i in queue.items(world.lead, queue.QueueFilter())[0]}
    mod_sees = {i.target_id for i in queue.items(world.moderator, queue.QueueFilter())[0]}
    assert lead_sees == {wigan.id}
    assert mod_sees == {wigan.id, brum.id, net.id}
    with pytest.raises(Forbidden):
        queue.items(world.member, queue.QueueFilter())
    brum_item = db.session.scalar(select(QueueItem).where(QueueItem.target_id == brum.id))
    with pytest.raises(NotFound):
        queue.resolve(world.lead, brum_item.id, "dismiss", "")


def test_queue_filters_by_kind_reason_space_and_age(app, world, network_thread):
    post = reply_of(network_thread)
    queue.report(world.member, "post", post.id, "safeguarding")
    wigan = start(world.member, world.topic.id, world.wigan.id, title="Wigan thread to report")
    queue.report(world.lead, "thread", wigan.id, "spam")
    found = lambda **kw: {i.target_kind for i in queue.items(world.moderator, queue.QueueFilter(**kw))[0]}  # noqa: E731
    assert found(reason="safeguarding") == {"post"}
    assert found(authority="wigan") == {"thread"}
    assert found(authority="network") == {"post"}
    assert found(kind="account") == set()
    assert found(age="day") == {"post", "thread"} and found(age="older") == set()


def test_claimed_item_cannot_be_resolved_by_another_moderator_without_taking_over(app, world, network_thread):
    other = User(username="moderator2", username_key="moderator2", email="m2@example.org", display_name="Mo Two",
                 role="moderator", status="active", password_hash=world.moderator.password_hash)
    db.session.add(other)
    db.session.commit()
    item = queue.report(world.member, "post", reply_of(network_thread).id, "spam")
    queue.claim(world.moderator, item.id)
    with pytest.raises(Forbidden, match="claimed"):
        queue.resolve(other, item.id, "dismiss", "")
    with pytest.raises(Invalid, match="working on this"):
        queue.claim(other, item.id)
    before = audit_count()
    queue.claim(other, item.id, take_over=True)
    assert audit_count() == before + 1
    queue.resolve(other, item.id, "dismiss", "")
    assert db.session.get(QueueItem, item.id).resolved_by_id == other.id


def test_resolving_a_report_by_hiding_writes_one_audit_row_and_tells_reporters(app, world, network_thread):
    post = reply_of(network_thread)
    item = queue.report(world.member, "post", post.id, "inappropriate")
    before = audit_count()
    queue.resolve(world.moderator, item.id, "hide", "Personal attack")
    assert audit_count() == before + 1
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert (entry.action, entry.target_id, entry.reason, entry.subject_user_id) == (
        "report:hide", post.id, "Personal attack", world.lead.id)
    db.session.refresh(post)
    assert post.hidden_at is not None
    [note] = [n for n in notify.recent(world.member) if n.kind == "report_outcome"]
    assert "taken action" in note.text and "Personal attack" not in note.text


def test_resolving_needs_an_offered_action_and_a_reason_for_anything_but_dismissal(app, world, network_thread):
    item = queue.report(world.member, "post", reply_of(network_thread).id, "spam")
    with pytest.raises(Invalid, match="actions offered"):
        queue.resolve(world.moderator, item.id, "approve", "")
    with pytest.raises(Invalid, match="reason"):
        queue.resolve(world.moderator, item.id, "delete", "  ")
    assert db.session.get(QueueItem, item.id).is_open


# --- actions on content ------------------------------------------------------------------


def test_hidden_post_shows_a_placeholder_to_members_and_its_text_to_moderators(app, world, network_thread):
    from forum import policy

    post = reply_of(network_thread)
    moderation.hide_post(world.moderator, post.id, "Off topic")
    db.session.refresh(post)
    assert not policy.can_see_post_body(world.member, post)
    assert policy.can_see_post_body(world.moderator, post)
    assert db.session.get(Thread, network_thread.id).reply_count == 0
    moderation.restore_post(world.moderator, post.id)
    assert db.session.get(Thread, network_thread.id).reply_count == 1


def test_hiding_needs_a_reason(app, world, network_thread):
    with pytest.raises(Invalid, match="reason"):
        moderation.hide_post(world.moderator, reply_of(network_thread).id, "")


def test_a_failure_mid_action_leaves_neither_the_change_nor_the_audit_row(app, world, network_thread, monkeypatch):
    post = reply_of(network_thread)
    real = audit.record

    def record_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        db.session.flush()
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(moderation.audit, "record", record_then_fail)
    with pytest.raises(RuntimeError):
        moderation.hide_post(world.moderator, post.id, "Off topic")
    db.session.rollback()
    db.session.refresh(post)
    assert post.hidden_at is None and audit_count() == 0


def test_every_content_action_writes_exactly_one_audit_row(app, world, network_thread):
    wigan_topic = world.other_topic
    steps = [
        lambda: moderation.set_flags(world.moderator, network_thread.id, locked=True),
        lambda: moderation.set_flags(world.moderator, network_thread.id, pinned=True),
        lambda: moderation.retitle_thread(world.moderator, network_thread.id, "Recording supervision well"),
        lambda: moderation.move_thread(world.moderator, network_thread.id, wigan_topic.id, None),
        lambda: moderation.set_thread_slow_mode(world.moderator, network_thread.id, 30),
        lambda: moderation.hide_post(world.moderator, reply_of(network_thread).id, "Off topic"),
        lambda: moderation.restore_post(world.moderator, reply_of(network_thread).id),
        lambda: threads.delete_post(world.moderator, reply_of(network_thread).id, "Duplicate"),
    ]
    for step in steps:
        before = audit_count()
        step()
        assert audit_count() == before + 1


def test_authors_own_edits_and_deletions_are_not_staff_actions(app, world, network_thread):
    threads.edit_post(world.lead, reply_of(network_thread).id, "We use a shared template, reviewed monthly.")
    threads.delete_post(world.lead, reply_of(network_thread).id)
    assert audit_count() == 0


def test_lead_moderates_own_authority_thread_but_cannot_move_it_to_the_network(app, world):
    thread = start(world.member, world.topic.id, world.wigan.id, title="Wigan only: caseloads")
    moderation.set_flags(world.lead, thread.id, locked=True)
    with pytest.raises(Forbidden):
        moderation.move_thread(world.lead, thread.id, world.topic.id, None)
    network = start(world.member, world.topic.id, title="Network: caseloads")
    with pytest.raises(Forbidden):
        moderation.hide_post(world.lead, threads.opening_post(network).id, "no")
    assert audit_count() == 1


def test_moving_a_thread_to_a_partner_space_hides_it_from_other_authorities(app, world, network_thread):
    moderation.move_thread(world.moderator, network_thread.id, world.topic.id, world.wigan.id, "Local detail")
    with pytest.raises(NotFound):
        threads.get_thread(world.outsider, network_thread.id)
    assert threads.get_thread(world.member, network_thread.id).authority_id == world.wigan.id


def test_merging_moves_posts_in_order_and_old_links_lead_to_the_target(app, world, network_thread):
    target = start(world.lead, world.topic.id, title="Supervision records: the main thread")
    threads.reply(world.member, target.id, "First reply in target")
    moderation.merge_threads(world.moderator, network_thread.id, target.id, "Same question")
    merged = db.session.get(Thread, target.id)
    bodies = [p.body for p in db.session.scalars(select(Post).where(Post.thread_id == target.id).order_by(Post.number))]
    assert bodies == ["Our team meets fortnightly.", "First reply in target", "Our team meets fortnightly.",
                      "We use a shared template."]
    assert merged.post_count == 4 and merged.reply_count == 3
    assert moderation.merged_target_for(world.member, network_thread.id) == target.id
    with pytest.raises(NotFound):
        threads.get_thread(world.member, network_thread.id)


def test_merging_across_spaces_is_refused(app, world, network_thread):
    wigan = start(world.member, world.topic.id, world.wigan.id, title="Wigan thread for merging")
    with pytest.raises(Invalid, match="same space"):
        moderation.merge_threads(world.moderator, network_thread.id, wigan.id)


def test_slow_mode_makes_members_wait_but_not_moderators(app, world, network_thread):
    moderation.set_thread_slow_mode(world.moderator, network_thread.id, 60)
    threads.reply(world.outsider, network_thread.id, "One")
    with pytest.raises(RateLimited, match="Slow mode"):
        threads.reply(world.outsider, network_thread.id, "Two")
    threads.reply(world.moderator, network_thread.id, "Staff one")
    threads.reply(world.moderator, network_thread.id, "Staff two")


# --- people ------------------------------------------------------------------------------


def test_silenced_member_can_read_but_not_post(app, world, network_thread):
    sanctions.silence(world.moderator, world.outsider.id, "24", "Cooling off")
    db.session.refresh(world.outsider)
    assert threads.get_thread(world.outsider, network_thread.id)
    with pytest.raises(Forbidden, match="paused your posting"):
        threads.reply(world.outsider, network_thread.id, "Let me say this")
    with pytest.raises(Forbidden):
        start(world.outsider, world.topic.id, title="A new thread anyway")


def test_silence_ends_by_the_clock(app, world, network_thread):
    sanctions.silence(world.moderator, world.outsider.id, "1", "Cooling off")
    clock.freeze(app, clock.now() + timedelta(hours=1, minutes=1))
    db.session.refresh(world.outsider)
    threads.reply(world.outsider, network_thread.id, "Back again")


def test_suspended_member_cannot_sign_in_and_is_told_why(app, world):
    accounts.start_login(world.outsider)
    sanctions.suspend(world.moderator, world.outsider.id, "24", "Repeated personal attacks")
    with pytest.raises(Invalid, match="suspended until .*Repeated personal attacks"):
        accounts.authenticate("member.birmingham", "correct horse battery")
    live = db.session.execute(text("SELECT count(*) FROM login_sessions WHERE revoked_at IS NULL")).scalar()
    assert live == 0


def test_suspension_until_lifted_and_lifting_it(app, world):
    sanctions.suspend(world.moderator, world.outsider.id, "indefinite", "Under investigation")
    with pytest.raises(Invalid, match="until further notice"):
        accounts.authenticate("member.birmingham", "correct horse battery")
    sanctions.lift_suspension(world.moderator, world.outsider.id)
    assert accounts.authenticate("member.birmingham", "correct horse battery").id == world.outsider.id


@pytest.mark.parametrize("actor", ["member", "lead"])
def test_only_centre_staff_sanction_people(app, world, actor):
    with pytest.raises((NotFound, Forbidden)):
        sanctions.suspend(getattr(world, actor), world.outsider.id, "24", "no")
    assert audit_count() == 0


def test_moderators_cannot_sanction_staff_but_admins_can(app, world):
    with pytest.raises(Forbidden):
        sanctions.silence(world.moderator, world.admin.id, "1", "no")
    sanctions.silence(world.admin, world.moderator.id, "1", "Testing the rule")


def test_notes_and_history_are_for_staff_only(app, world, network_thread):
    sanctions.add_note(world.moderator, world.lead.id, "Spoke on the phone about tone.")
    item = queue.report(world.member, "post", reply_of(network_thread).id, "inappropriate")
    queue.resolve(world.moderator, item.id, "hide", "Tone")
    found = sanctions.history(world.admin, "lead.wigan")
    assert [n.body for n in found.notes] == ["Spoke on the phone about tone."]
    assert [i.id for i in found.items] == [item.id]
    assert {a.action for a in found.actions} == {"add_note", "report:hide"}
    with pytest.raises(NotFound):
        sanctions.history(world.lead, "lead.wigan")


# --- held posts and watched words --------------------------------------------------------


def test_new_members_first_posts_are_held_and_invisible_to_others(app, world):
    app.config["HOLD_FIRST_POSTS"] = 1
    thread = start(world.outsider, world.topic.id, title="My first question here")
    assert thread.held
    assert threads.get_thread(world.outsider, thread.id)
    with pytest.raises(NotFound):
        threads.get_thread(world.member, thread.id)
    assert thread.id not in {t.id for t in browse.latest(world.member).threads}
    assert thread.id in {t.id for t in browse.latest(world.moderator).threads}
    [item] = queue.items(world.moderator, queue.QueueFilter(kind="held_post"))[0]
    queue.resolve(world.moderator, item.id, "approve", "")
    assert threads.get_thread(world.member, thread.id)
    second = start(world.outsider, world.topic.id, title="My second question here")
    assert not second.held
    assert any(n.kind == "held_approved" for n in notify.recent(world.outsider))


def test_held_reply_counts_for_nothing_until_approved(app, world, network_thread):
    watchwords.add_word(world.moderator, "cheap*", "hold")
    held = threads.reply(world.outsider, network_thread.id, "Cheapest training ever, see my site")
    thread = db.session.get(Thread, network_thread.id)
    assert held.held_at is not None and thread.reply_count == 1 and thread.last_post_id != held.id
    page = browse.thread_page(world.member, thread.id)
    assert held.id not in {p.id for p in page.posts}
    assert held.id in {p.id for p in browse.thread_page(world.outsider, thread.id).posts}
    [item] = queue.items(world.moderator, queue.QueueFilter(kind="held_post"))[0]
    queue.resolve(world.moderator, item.id, "reject", "Advertising")
    db.session.refresh(held)
    assert held.rejected_at is not None and held.held_reason == "Advertising"
    assert held.body == "Cheapest training ever, see my site"  # the author keeps their text
    note = next(n for n in notify.recent(world.outsider) if n.kind == "held_rejected")
    assert "Advertising" in note.text


def test_blocked_word_refuses_the_post_and_replaced_word_is_replaced(app, world, network_thread):
    watchwords.add_word(world.moderator, "idiot", "block")
    watchwords.add_word(world.moderator, "dept", "replace", "department")
    with pytest.raises(Invalid, match="not allowed"):
        threads.reply(world.outsider, network_thread.id, "What an IDIOT idea")
    post = threads.reply(world.outsider, network_thread.id, "Ask the dept about it")
    assert post.body == "Ask the department about it"
    assert [h.found for h in watchwords.find("Idiotic, idiot! dept")] == ["idiot", "dept"]


def test_watched_words_reject_bad_patterns(app, world):
    for bad in ["", "***", "* *", "*-", "a*b*c*d*e*f", "<script>", "x" * 101]:
        with pytest.raises(Invalid):
            watchwords.add_word(world.moderator, bad, "block")
    with pytest.raises(Forbidden):
        watchwords.add_word(world.lead, "scam", "block")


# --- accounts through the queue ----------------------------------------------------------


def test_pending_account_is_approved_from_the_queue_with_an_audit_row(app, world):
    from ..services.test_accounts import registration

    user = accounts.register(registration(world, email="sam@gmail.com"))
    [item] = queue.items(world.moderator, queue.QueueFilter(kind="account"))[0]
    assert item.target_id == user.id
    queue.resolve(world.moderator, item.id, "approve", "")
    assert db.session.get(User, user.id).is_active
    assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "account:approve"
    with pytest.raises(NotFound):
        queue.get_item(world.lead, item.id)


# --- the log -----------------------------------------------------------------------------


def test_audit_csv_has_every_row_and_defuses_formulas(app, world, network_thread):
    moderation.hide_post(world.moderator, reply_of(network_thread).id, "=HYPERLINK(\"http://x\")")
    rows = list(csv.reader(io.StringIO(audit.export_csv(world.admin, audit.AuditFilter()))))
    assert rows[0][:4] == ["id", "when_utc", "actor", "action"]
    assert rows[1][2:4] == ["moderator", "hide_post"] and rows[1][8].startswith("'=")
    with pytest.raises(Forbidden):
        audit.export_csv(world.lead, audit.AuditFilter())


def test_audit_filter_rejects_a_bad_date_plainly(app, world):
    with pytest.raises(Invalid, match="date like"):
        audit.entries(world.moderator, audit.AuditFilter(since="yesterday"))


@pytest.mark.postgres
@pytest.mark.parametrize("app", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_postgresql_refuses_to_change_or_delete_audit_rows(app, world, network_thread):
    moderation.hide_post(world.moderator, reply_of(network_thread).id, "Off topic")
    for statement in ("UPDATE audit_log SET reason = 'nothing to see'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert audit_count() == 1



# --- found by trying to break it ---------------------------------------------------------


def test_a_replacement_is_plain_text_whatever_it_contains(app, world, network_thread):
    watchwords.add_word(world.moderator, "zorp", "replace", "\\")
    watchwords.add_word(world.moderator, "blarg", "replace", "\\g<0>x")
    post = threads.reply(world.outsider, network_thread.id, "hello zorp and blarg world")
    assert post.body == "hello \\ and \\g<0>x world"


def test_wildcards_match_in_linear_time_on_hostile_text(app, world, network_thread):
    watchwords.add_word(world.moderator, "a*a*a*a", "hold")
    # With a backtracking regex this text took seconds per pattern; here it is one pass.
    post = threads.reply(world.outsider, network_thread.id, "a" * 19_990 + "b")
    assert post.held_at is None
    assert [h.found for h in watchwords.find("banana aaa aaaa aXaYaZa")] == ["aaaa", "aXaYaZa"]


def test_editing_a_published_post_to_add_a_hold_word_holds_the_edit_and_keeps_the_published_text(
        app, world, network_thread):
    watchwords.add_word(world.moderator, "quux", "hold")
    post = reply_of(network_thread)
    published = post.body
    threads.edit_post(world.lead, post.id, "edited now with quux inside")
    db.session.refresh(post)
    assert post.held_at is None and post.body == published and post.pending_body == "edited now with quux inside"
    assert db.session.get(Thread, network_thread.id).reply_count == 1  # still there for readers
    [item] = queue.items(world.moderator, queue.QueueFilter(kind="held_edit"))[0]
    queue.resolve(world.moderator, item.id, "approve", "")
    db.session.refresh(post)
    assert post.body == "edited now with quux inside" and post.pending_at is None
    _, history = threads.revisions(world.member, post.id)
    assert [r.body for r in history] == [published]


def test_held_first_posts_do_not_earn_the_next_one_a_pass(app, world, network_thread):
    app.config["HOLD_FIRST_POSTS"] = 2
    newcomer = make_user("new.person", world.birmingham)
    held = [threads.reply(newcomer, network_thread.id, f"Hello number {i}") for i in range(3)]
    assert all(p.held_at is not None for p in held)
    assert start(newcomer, world.topic.id, title="A new thread from them").held


def test_queue_item_follows_its_thread_when_it_moves(app, world):
    thread = start(world.member, world.topic.id, world.wigan.id, title="Wigan thread that will move")
    item = queue.report(world.lead, "thread", thread.id, "spam")
    moderation.move_thread(world.moderator, thread.id, world.topic.id, world.birmingham.id)
    with pytest.raises(NotFound):
        queue.get_item(world.lead, item.id)
    with pytest.raises(NotFound):
        queue.resolve(world.lead, item.id, "dismiss", "")
    assert item.id not in {i.id for i in queue.items(world.lead, queue.QueueFilter())[0]}
    assert db.session.get(QueueItem, item.id).authority_id == world.birmingham.id


def test_admins_cannot_change_their_own_role(app, world):
    with pytest.raises(Invalid, match="your own role"):
        staff_accounts.set_role_and_authority(world.admin, world.admin.id, "member", None)


def test_silenced_member_may_still_delete_their_own_post(app, world, network_thread):
    sanctions.silence(world.moderator, world.lead.id, "24", "Cooling off")
    db.session.refresh(world.lead)
    threads.delete_post(world.lead, reply_of(network_thread).id)
