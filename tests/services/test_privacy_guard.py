"""The privacy guard through the services: nothing flagged is published without "post anyway";
with it, the post or message is held and reaches nobody (page, search, notifications, sync)
until a moderator approves it; warnings are counted per draft."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.errors import Forbidden, Invalid, NotFound
from forum.extensions import db
from forum.models import GuardEvent, LocalTerm, Message, Notification, Post, QueueItem, Thread
from forum.services import (
    browse,
    chat,
    guard,
    privacy_admin,
    queue,
    resolutions,
    search,
    threads,
    watching,
    watchwords,
)
from forum.services.guard import PRIVACY_REASON, PrivacyWarning

from ..conftest import wait_for
from ..factories import room, start

NHS = "943 476 5919"  # a valid check digit; synthetic
FLAGGED = f"Her NHS number is {NHS} if anyone can help."
NAME_AND_AGE = "Jayden Walsh, aged 7, has moved placement twice."


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def events() -> list[GuardEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(GuardEvent).order_by(GuardEvent.id)))


@pytest.fixture
def thread(world):
    made = start(world.member, world.topic.id, title="Placement stability ideas")
    watching.set_level(world.lead, "thread", made.id, "watching")
    return made


# --- refusing without the explicit choice ------------------------------------------------------


def test_a_flagged_reply_is_refused_with_its_findings_and_nothing_is_stored(app, world, thread):
    posts_before = count(Post)
    with pytest.raises(PrivacyWarning) as refused:
        threads.reply(world.outsider, thread.id, FLAGGED)
    warning = refused.value
    assert warning.status == 422 and warning.field == "body"
    [finding] = warning.details["privacy"]["fields"]["body"]
    assert finding["kind"] == "nhs_number" and finding["text"] == NHS
    assert FLAGGED[finding["start"]:finding["end"]] == NHS
    assert "NHS number" in warning.message and "post anyway" in warning.message
    assert count(Post) == posts_before
    [event] = events()
    assert (event.outcome, event.surface, event.kinds) == ("warned", "reply", "nhs_number")


def test_flagged_titles_and_bodies_of_new_threads_are_refused(app, world):
    with pytest.raises(PrivacyWarning) as refused:
        start(world.member, world.topic.id, title="Advice on Jayden Walsh aged 7", body="Any ideas?")
    assert set(refused.value.findings) == {"title"}
    with pytest.raises(PrivacyWarning):
        start(world.member, world.topic.id, title="Contact arrangements", body="Call mum on 07700 900123.")
    assert count(Thread) == 0


def test_a_clean_text_after_a_warning_counts_as_changed(app, world, thread):
    with pytest.raises(PrivacyWarning) as refused:
        threads.reply(world.outsider, thread.id, NAME_AND_AGE)
    warning_id = refused.value.warning_id
    with pytest.raises(PrivacyWarning) as again:  # still flagged: the same draft, one event
        threads.reply(world.outsider, thread.id, "Jayden Walsh, aged 8, has moved.", warning_id=warning_id)
    assert again.value.warning_id == warning_id
    post = threads.reply(world.outsider, thread.id, "Child A, aged 7, has moved placement twice.",
                         warning_id=str(warning_id))
    assert post.held_at is None
    [event] = events()
    assert event.outcome == "changed" and event.decided_at is not None


def test_someone_elses_warning_id_is_ignored(app, world, thread):
    with pytest.raises(PrivacyWarning) as refused:
        threads.reply(world.outsider, thread.id, FLAGGED)
    threads.reply(world.member, thread.id, "Nothing identifying here.", warning_id=refused.value.warning_id)
    assert [e.outcome for e in events()] == ["warned"]


def test_ordinary_practice_talk_is_never_refused(app, world, thread):
    for text in ("Wigan Council uses Signs of Safety; Bowlby's attachment theory helps here.",
                 "Child A, aged 7, lives with her grandmother. Strategy meeting on 12/03/2026.",
                 "The team manager and the IRO met at Birmingham Children's Trust."):
        assert threads.reply(world.outsider, thread.id, text).held_at is None
    assert events() == []


# --- post anyway: held, and leaking nowhere ------------------------------------------------------


def test_post_anyway_holds_the_reply_for_a_moderator_with_the_privacy_reason(app, world, thread):
    post = threads.reply(world.outsider, thread.id, FLAGGED, post_anyway=True)
    assert post.held_at is not None and post.held_reason == PRIVACY_REASON
    item = db.session.scalar(select(QueueItem).where(QueueItem.target_id == post.id))
    assert item.kind == "held_post" and item.is_open
    assert events()[0].outcome == "posted_anyway"


def test_a_held_reply_leaks_nowhere_before_approval(app, world, thread):
    post = threads.reply(world.outsider, thread.id, f"@lead.wigan {FLAGGED}", post_anyway=True)
    page = browse.thread_page(world.network_member, thread.id, None)
    assert post.id not in [p.id for p in page.posts]
    with pytest.raises(NotFound):
        threads.get_post(world.network_member, post.id)
    assert search.search(world.network_member, "NHS number").hits == []
    assert search.search(world.moderator, "NHS number").hits == []
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == world.lead.id)) == 0
    assert db.session.get(Thread, thread.id).reply_count == 0
    # Its author still sees it, with the note.
    assert post.id in [p.id for p in browse.thread_page(world.outsider, thread.id, None).posts]


def test_approval_publishes_the_reply_and_only_then_notifies(app, world, thread):
    post = threads.reply(world.outsider, thread.id, f"@lead.wigan {FLAGGED}", post_anyway=True)
    item = db.session.scalar(select(QueueItem).where(QueueItem.target_id == post.id))
    queue.resolve(world.moderator, item.id, "approve", "")
    db.session.expire_all()
    assert threads.get_post(world.network_member, post.id).held_at is None
    kinds = set(db.session.scalars(select(Notification.kind).where(Notification.user_id == world.lead.id)))
    assert "mention" in kinds


def test_edit_and_approve_publishes_the_moderators_text_and_keeps_the_original_for_moderators(app, world, thread):
    post = threads.reply(world.outsider, thread.id, NAME_AND_AGE, post_anyway=True)
    item = db.session.scalar(select(QueueItem).where(QueueItem.target_id == post.id))
    with pytest.raises(Invalid):
        queue.resolve(world.moderator, item.id, "edit_approve", "", body="   ")
    queue.resolve(world.moderator, item.id, "edit_approve", "", body="Child A, aged 7, has moved placement twice.")
    db.session.expire_all()
    published = threads.get_post(world.network_member, post.id)
    assert published.body.startswith("Child A") and "Jayden" not in published.body_html
    _, history = threads.revisions(world.moderator, post.id)
    assert history[0].body == NAME_AND_AGE


def test_rejecting_keeps_it_unseen_and_tells_the_author(app, world, thread):
    post = threads.reply(world.outsider, thread.id, FLAGGED, post_anyway=True)
    item = db.session.scalar(select(QueueItem).where(QueueItem.target_id == post.id))
    queue.resolve(world.moderator, item.id, "reject", "Please remove the NHS number.")
    with pytest.raises(NotFound):
        threads.get_post(world.network_member, post.id)
    assert "held_rejected" in set(db.session.scalars(select(Notification.kind).where(
        Notification.user_id == world.outsider.id)))


def test_a_new_thread_posted_anyway_is_held_whole(app, world):
    made = threads.start_thread(world.member, threads.NewThread(
        topic_id=world.topic.id, authority_id=None, kind="question", title="Jayden Walsh aged 7",
        body="Advice please", post_anyway=True))
    assert made.held
    with pytest.raises(NotFound):
        threads.get_thread(world.outsider, made.id)
    assert search.search(world.outsider, "Jayden").hits == []


def test_an_edit_that_adds_a_detail_waits_for_review_while_readers_keep_the_published_text(app, world, thread):
    post = threads.reply(world.outsider, thread.id, "We tried a family group conference.")
    with pytest.raises(PrivacyWarning):
        threads.edit_post(world.outsider, post.id, f"We tried an FGC. {FLAGGED}")
    threads.edit_post(world.outsider, post.id, f"We tried an FGC. {FLAGGED}", post_anyway=True)
    seen = threads.get_post(world.network_member, post.id)
    assert seen.body == "We tried a family group conference." and NHS not in seen.body_html
    assert seen.pending_body.endswith(FLAGGED)
    assert db.session.get(Thread, thread.id).reply_count == 1
    assert search.search(world.network_member, "NHS number").hits == []
    item = db.session.scalar(select(QueueItem).where(QueueItem.kind == "held_edit"))
    assert item.target_id == post.id
    # Its author puts it right before anyone decides: the clean edit goes out, the item closes.
    threads.edit_post(world.outsider, post.id, "We tried an FGC and it helped.")
    db.session.expire_all()
    assert threads.get_post(world.network_member, post.id).body == "We tried an FGC and it helped."
    assert db.session.get(QueueItem, item.id).status == "resolved"


def test_a_held_edit_of_an_opening_post_leaves_the_thread_and_its_replies_in_place(app, world, thread):
    reply = threads.reply(world.outsider, thread.id, "A reply that must stay visible.")
    opening = threads.opening_post(thread)
    threads.edit_post(world.member, opening.id, f"Update: {FLAGGED}", "Jayden Walsh aged 7", post_anyway=True)
    db.session.expire_all()
    assert threads.get_thread(world.network_member, thread.id).title == "Placement stability ideas"
    assert threads.get_post(world.network_member, reply.id).id == reply.id
    item = db.session.scalar(select(QueueItem).where(QueueItem.kind == "held_edit"))
    queue.resolve(world.moderator, item.id, "edit_approve", "", body="Update: Child A has a new GP.",
                  title="Placement for Child A, aged 7")
    db.session.expire_all()
    assert threads.get_thread(world.network_member, thread.id).title == "Placement for Child A, aged 7"
    _, history = threads.revisions(world.network_member, opening.id)
    assert all(NHS not in r.body and "Jayden" not in (r.title or "") for r in history)
    _, staff_history = threads.revisions(world.moderator, opening.id)
    assert any(NHS in r.body for r in staff_history)  # the author's version, for moderators


def test_approving_a_held_edit_does_not_notify_watchers_again(app, world, thread):
    post = threads.reply(world.outsider, thread.id, "We tried a family group conference.")
    before = db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == world.lead.id))
    threads.edit_post(world.outsider, post.id, f"We tried an FGC. {FLAGGED}", post_anyway=True)
    item = db.session.scalar(select(QueueItem).where(QueueItem.kind == "held_edit"))
    queue.resolve(world.moderator, item.id, "approve", "")
    after = db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == world.lead.id))
    assert after == before


def test_approve_with_edits_keeps_the_authors_text_out_of_the_public_history(app, world, thread):
    post = threads.reply(world.outsider, thread.id, NAME_AND_AGE, post_anyway=True)
    item = db.session.scalar(select(QueueItem).where(QueueItem.target_id == post.id))
    queue.resolve(world.moderator, item.id, "edit_approve", "", body="Child A, aged 7, has moved twice.")
    _, public = threads.revisions(world.network_member, post.id)
    assert public == []
    db.session.expire_all()
    assert db.session.get(Post, post.id).edited_at is None  # first published as the moderator left it


def test_a_flagged_thread_title_can_be_corrected_before_approval(app, world):
    made = threads.start_thread(world.member, threads.NewThread(
        topic_id=world.topic.id, authority_id=None, kind="question", title="Advice on Jayden Walsh, aged 7",
        body="Ideas please", post_anyway=True))
    item = db.session.scalar(select(QueueItem).where(QueueItem.kind == "held_post"))
    queue.resolve(world.moderator, item.id, "edit_approve", "", body="Ideas please", title="Advice on Child A, aged 7")
    db.session.expire_all()
    assert threads.get_thread(world.outsider, made.id).title == "Advice on Child A, aged 7"
    assert "Jayden" not in db.session.get(QueueItem, item.id).summary  # nor in the resolved queue


def test_an_edit_does_not_warn_again_about_what_a_moderator_approved(app, world, thread):
    post = threads.reply(world.outsider, thread.id, FLAGGED, post_anyway=True)
    item = db.session.scalar(select(QueueItem).where(QueueItem.target_id == post.id))
    queue.resolve(world.moderator, item.id, "approve", "")
    edited = threads.edit_post(world.outsider, post.id, FLAGGED + " Thanks all.")
    assert edited.held_at is None
    with pytest.raises(PrivacyWarning) as refused:
        threads.edit_post(world.outsider, post.id, FLAGGED + " Mum is on 07700 900123.")
    assert [f.kind for f in refused.value.findings["body"]] == ["phone"]


def test_moderators_are_warned_but_their_post_anyway_publishes(app, world, thread):
    with pytest.raises(PrivacyWarning):
        threads.reply(world.moderator, thread.id, FLAGGED)
    post = threads.reply(world.moderator, thread.id, FLAGGED, post_anyway=True)
    assert post.held_at is None
    assert events()[-1].outcome == "moderator"  # counted apart from holds in the report


# --- local terms ------------------------------------------------------------------------------


def test_an_authoritys_local_terms_apply_in_its_space_and_to_its_members(app, world):
    privacy_admin.add_term(world.lead, world.wigan.id, "Hilltop estate", "place")
    wigan_thread = start(world.lead, world.topic.id, world.wigan.id, title="Wigan placements")
    with pytest.raises(PrivacyWarning) as refused:
        threads.reply(world.member, wigan_thread.id, "The family moved to the Hilltop estate.")
    assert refused.value.findings["body"][0].kind == "local_place"
    network = start(world.moderator, world.topic.id, title="Network thread")
    with pytest.raises(PrivacyWarning):  # a Wigan member, anywhere
        threads.reply(world.member, network.id, "They live on Hilltop Estate now.")
    # Birmingham's members writing in the network are not checked against Wigan's list.
    assert threads.reply(world.outsider, network.id, "Hilltop estate is a name we use too.").held_at is None


def test_reference_formats_match_digits(app, world, thread):
    privacy_admin.add_term(world.moderator, None, "WG-######", "reference")
    with pytest.raises(PrivacyWarning):
        threads.reply(world.outsider, thread.id, "See WG-204518 for the history.")
    with pytest.raises(Invalid):
        privacy_admin.add_term(world.moderator, None, "WG-", "reference")
    with pytest.raises(Invalid):
        privacy_admin.add_term(world.moderator, None, "######", "reference")


def test_leads_manage_only_their_own_authoritys_terms(app, world):
    with pytest.raises(Forbidden):
        privacy_admin.add_term(world.lead, world.birmingham.id, "Oak Tree nursery", "school")
    with pytest.raises(Forbidden):
        privacy_admin.add_term(world.lead, None, "Oak Tree nursery", "school")
    with pytest.raises(Forbidden):
        privacy_admin.add_term(world.member, world.wigan.id, "Oak Tree nursery", "school")
    mine = privacy_admin.add_term(world.lead, world.wigan.id, "Oak Tree nursery", "school")
    with pytest.raises(Invalid):
        privacy_admin.add_term(world.lead, world.wigan.id, "oak tree NURSERY", "school")
    theirs = privacy_admin.add_term(world.moderator, world.birmingham.id, "Elm Row", "place")
    assert [t.term for t in privacy_admin.terms(world.lead)] == ["Oak Tree nursery"]
    with pytest.raises(NotFound):
        privacy_admin.remove_term(world.lead, theirs.id)
    privacy_admin.remove_term(world.lead, mine.id)
    assert count(LocalTerm) == 1


def test_the_report_counts_warnings_changes_and_posts_anyway_per_authority(app, world, thread):
    for text in (FLAGGED, NAME_AND_AGE):
        with pytest.raises(PrivacyWarning):
            threads.reply(world.outsider, thread.id, text)
    first, second = events()
    threads.reply(world.outsider, thread.id, "Child A has moved.", warning_id=first.id)
    threads.reply(world.outsider, thread.id, NAME_AND_AGE, warning_id=second.id, post_anyway=True)
    wigan_thread = start(world.lead, world.topic.id, world.wigan.id, title="Wigan placements")
    with pytest.raises(PrivacyWarning):
        threads.reply(world.member, wigan_thread.id, FLAGGED)
    report = privacy_admin.report(world.moderator)
    assert (report.warned, report.changed, report.posted_anyway, report.pending) == (3, 1, 1, 1)
    assert report.changed_share == "50%"
    assert dict(report.by_kind)["NHS number"] == 2
    lead_report = privacy_admin.report(world.lead)
    assert (lead_report.warned, lead_report.pending) == (1, 1)
    with pytest.raises(NotFound):
        privacy_admin.report(world.member)


def test_the_live_check_counts_one_warning_per_draft(app, world):
    first = guard.preview(world.member, {"body": FLAGGED}, None, surface="reply")
    again = guard.preview(world.member, {"body": FLAGGED + " More."}, None, surface="reply",
                          warning_id=first["warning_id"])
    clean = guard.preview(world.member, {"body": "Child A"}, None, surface="reply", warning_id=first["warning_id"])
    assert first["warning_id"] == again["warning_id"] == clean["warning_id"]
    assert clean["fields"] == {}
    assert len(events()) == 1


# --- chat -------------------------------------------------------------------------------------


@pytest.fixture
def drop_in(world):
    return room(world.topic.id)


def test_a_flagged_chat_message_is_refused_and_not_stored(app, world, drop_in):
    with pytest.raises(PrivacyWarning):
        chat.send_message(world.member, drop_in.id, FLAGGED, "client-id-0001")
    assert count(Message) == 0
    assert db.session.get(type(drop_in), drop_in.id).event_seq == 0


def test_a_held_chat_message_is_seen_by_its_author_alone(app, world, drop_in):
    watching.set_level(world.lead, "room", drop_in.id, "watching")
    message, created = chat.send_message(world.member, drop_in.id, f"@moderator {FLAGGED}", "client-id-0002",
                                         post_anyway=True)
    assert created and message.held_at is not None and not message.published
    room_row = db.session.get(type(drop_in), drop_in.id)
    assert room_row.event_seq == 0  # no change number: no one else's client sees a gap
    assert [m.id for m in chat.recent(world.member, drop_in.id)[0]] == [message.id]
    assert chat.recent(world.outsider, drop_in.id)[0] == []
    assert chat.changes_since(world.outsider, drop_in.id, 0)[0] == []
    assert search.search(world.outsider, "NHS number").messages == []
    assert search.search(world.member, "NHS number").messages == []
    assert db.session.scalar(select(func.count(Notification.id))) == 0
    assert [s.unread for s in chat.rooms_for(world.outsider) if s.room.id == drop_in.id] == [0]
    mine = chat.serialize(message, world.member)
    assert mine["held"] and mine["body"] == message.body and mine["held_reason"] == PRIVACY_REASON
    theirs = chat.serialize(message, world.outsider)
    assert theirs["held"] and theirs["body"] == "" and theirs["html"] == ""


def test_resending_a_held_message_with_its_client_id_stores_it_once(app, world, drop_in):
    first, _ = chat.send_message(world.member, drop_in.id, FLAGGED, "client-id-0003", post_anyway=True)
    again, created = chat.send_message(world.member, drop_in.id, FLAGGED, "client-id-0003", post_anyway=True)
    assert again.id == first.id and not created and count(Message) == 1


def test_approving_a_held_message_puts_it_in_the_room_once_with_a_new_change_number(app, world, drop_in):
    before, _ = chat.send_message(world.outsider, drop_in.id, "Morning all", "client-id-0004")
    message, _ = chat.send_message(world.member, drop_in.id, f"@moderator {FLAGGED}", "client-id-0005",
                                   post_anyway=True)
    item = db.session.scalar(select(QueueItem).where(QueueItem.kind == "held_message"))
    assert item.target_id == message.id
    queue.resolve(world.moderator, item.id, "approve", "")
    db.session.expire_all()
    changes = chat.changes_since(world.outsider, drop_in.id, before.rev)[0]
    assert [m.id for m in changes] == [message.id]
    assert changes[0].rev == before.rev + 1 and changes[0].held_at is None
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == world.moderator.id, Notification.kind == "mention")) == 1


def test_a_rejected_chat_message_stays_unseen_and_its_author_is_told(app, world, drop_in):
    message, _ = chat.send_message(world.member, drop_in.id, FLAGGED, "client-id-0006", post_anyway=True)
    item = db.session.scalar(select(QueueItem).where(QueueItem.kind == "held_message"))
    queue.resolve(world.moderator, item.id, "reject", "Please take out the NHS number.")
    db.session.expire_all()
    assert chat.recent(world.outsider, drop_in.id)[0] == []
    mine = chat.serialize(db.session.get(Message, message.id), world.member)
    assert mine["rejected"] and "NHS number" in mine["held_reason"]
    edited = chat.edit_message(world.member, message.id, "Child A needs a GP.")
    assert edited.held_at is not None and edited.rejected_at is None  # back to the queue, not out
    assert db.session.scalar(select(func.count(QueueItem.id)).where(
        QueueItem.kind == "held_message", QueueItem.status == "open")) == 1


def test_an_edit_of_a_read_chat_message_cannot_be_posted_anyway_and_keeps_the_message(app, world, drop_in):
    message, _ = chat.send_message(world.member, drop_in.id, "We tried an FGC.", "client-id-0007")
    with pytest.raises(PrivacyWarning) as refused:
        chat.edit_message(world.member, message.id, FLAGGED, post_anyway=True)
    assert not refused.value.can_hold and "delete it and send a new one" in refused.value.message
    watchwords.add_word(world.moderator, "miracle cure*", "hold")
    with pytest.raises(Invalid, match="cannot wait"):
        chat.edit_message(world.member, message.id, "A miracle cure")
    db.session.expire_all()
    shown = chat.serialize(db.session.get(Message, message.id), world.outsider)
    assert shown["body"] == "We tried an FGC." and not shown["held"]


def test_a_watched_hold_word_in_chat_now_holds_rather_than_refuses(app, world, drop_in):
    watchwords.add_word(world.moderator, "miracle cure*", "hold")
    message, _ = chat.send_message(world.member, drop_in.id, "A miracle cure for drift", "client-id-0008")
    assert message.held_at is not None and "watched word" in message.held_reason
    assert chat.recent(world.outsider, drop_in.id)[0] == []
    staff_message, _ = chat.send_message(world.moderator, drop_in.id, "Not a miracle cure.", "client-id-0009")
    assert staff_message.held_at is None


def test_a_reply_to_a_held_message_is_refused_for_others(app, world, drop_in):
    held, _ = chat.send_message(world.member, drop_in.id, FLAGGED, "client-id-0010", post_anyway=True)
    with pytest.raises(Invalid):
        chat.send_message(world.outsider, drop_in.id, "Replying", "client-id-0011", reply_to_id=held.id)


def test_deleting_a_held_message_leaves_no_trace_for_others(app, world, drop_in):
    held, _ = chat.send_message(world.member, drop_in.id, FLAGGED, "client-id-0012", post_anyway=True)
    chat.delete_message(world.member, held.id)
    assert db.session.get(type(drop_in), drop_in.id).event_seq == 0
    assert chat.changes_since(world.outsider, drop_in.id, 0)[0] == []


def test_a_held_message_cannot_be_found_by_its_id_by_anyone_but_its_author_and_moderators(app, world, drop_in):
    held, _ = chat.send_message(world.member, drop_in.id, FLAGGED, "client-id-0013", post_anyway=True)
    with pytest.raises(NotFound):
        queue.report(world.outsider, "message", held.id, "other")
    with pytest.raises(NotFound):
        chat.edit_message(world.outsider, held.id, "Mine now")
    with pytest.raises(NotFound):
        chat.delete_message(world.outsider, held.id)
    assert chat._get_message(world.moderator, held.id).id == held.id


def test_a_held_post_or_message_is_emailed_to_nobody_until_approved(app, world, thread, drop_in, smtp):
    import time

    post = threads.reply(world.outsider, thread.id, f"@lead.wigan {FLAGGED}", post_anyway=True)
    chat.send_message(world.member, drop_in.id, f"@lead.wigan {FLAGGED}", "client-id-0014", post_anyway=True)
    time.sleep(0.3)
    assert smtp.messages == []
    item = db.session.scalar(select(QueueItem).where(QueueItem.target_id == post.id, QueueItem.kind == "held_post"))
    queue.resolve(world.moderator, item.id, "approve", "")
    mentions = [m for m in wait_for(smtp, 1) if "mentioned you" in m["Subject"]]
    assert [m["To"] for m in mentions] == [world.lead.email]


def test_deleting_a_post_with_an_edit_waiting_closes_its_queue_item(app, world, thread):
    post = threads.reply(world.outsider, thread.id, "We tried a family group conference.")
    threads.edit_post(world.outsider, post.id, f"We tried an FGC. {FLAGGED}", post_anyway=True)
    threads.delete_post(world.outsider, post.id)
    item = db.session.scalar(select(QueueItem).where(QueueItem.kind == "held_edit"))
    assert item.status == "resolved" and item.resolution == "deleted"
    assert db.session.get(Post, post.id).pending_body is None


# --- found by a second break-it pass ------------------------------------------------------------


def test_a_moderator_cannot_approve_words_the_author_changed_after_the_page_was_read(app, world, thread):
    post = threads.reply(world.outsider, thread.id, "We tried a family group conference.")
    threads.edit_post(world.outsider, post.id, "Child A lives at 14 Acacia Avenue", post_anyway=True)
    item = db.session.scalar(select(QueueItem).where(QueueItem.kind == "held_edit"))
    seen = resolutions.review_version(item, db.session.get(Post, post.id))
    threads.edit_post(world.outsider, post.id, f"Jayden Walsh, aged 7. {FLAGGED}", post_anyway=True)
    with pytest.raises(Invalid, match="changed this after you opened it"):
        queue.resolve(world.moderator, item.id, "approve", "", seen_version=seen)
    assert NHS not in threads.get_post(world.network_member, post.id).body
    db.session.expire_all()
    fresh = resolutions.review_version(item, db.session.get(Post, post.id))
    queue.resolve(world.moderator, item.id, "reject", "Please anonymise it.", seen_version=fresh)


def test_a_moderators_own_edit_neither_publishes_nor_drops_the_authors_waiting_edit(app, world, thread):
    post = threads.reply(world.outsider, thread.id, "We tried a family group conference.")
    threads.edit_post(world.outsider, post.id, f"We tried an FGC. {FLAGGED}", post_anyway=True)
    threads.edit_post(world.moderator, post.id, "We tried a family group conference (FGC).")
    db.session.expire_all()
    seen = threads.get_post(world.network_member, post.id)
    assert seen.body == "We tried a family group conference (FGC)." and seen.pending_body.endswith(FLAGGED)
    assert db.session.scalar(select(QueueItem).where(QueueItem.kind == "held_edit")).is_open


def test_deleting_held_things_closes_their_items_and_approval_of_the_deleted_is_refused(app, world, thread, drop_in):
    post = threads.reply(world.outsider, thread.id, FLAGGED, post_anyway=True)
    threads.delete_post(world.outsider, post.id)
    message, _ = chat.send_message(world.member, drop_in.id, FLAGGED, "client-id-0020", post_anyway=True)
    chat.delete_message(world.member, message.id)
    items = db.session.scalars(select(QueueItem).where(QueueItem.kind.in_(("held_post", "held_message")))).all()
    assert [(i.status, i.resolution) for i in items] == [("resolved", "deleted")] * 2


def test_replying_to_a_held_message_is_refused_even_for_its_author(app, world, drop_in):
    held, _ = chat.send_message(world.member, drop_in.id, FLAGGED, "client-id-0021", post_anyway=True)
    with pytest.raises(Invalid, match="once it is approved"):
        chat.send_message(world.member, drop_in.id, "Following up", "client-id-0022", reply_to_id=held.id)


def test_thread_tags_are_checked_too(app, world):
    with pytest.raises(PrivacyWarning) as refused:
        threads.start_thread(world.member, threads.NewThread(
            topic_id=world.topic.id, authority_id=None, kind="question", title="Contact arrangements",
            body="Ideas welcome", tags="jayden-walsh, 943-476-5919"))
    assert "tags" in refused.value.findings


# --- found by a third break-it pass -------------------------------------------------------------


@pytest.mark.parametrize("tags", ["early-help, WN1 2AB", "early-help, wn1-2ab"])
def test_tags_are_checked_as_typed_with_hyphens_read_as_spaces(app, world, tags):
    with pytest.raises(PrivacyWarning) as refused:
        threads.start_thread(world.member, threads.NewThread(
            topic_id=world.topic.id, authority_id=None, kind="question", title="Contact arrangements",
            body="Ideas welcome", tags=tags))
    [finding] = refused.value.findings["tags"]
    assert finding.kind == "postcode" and tags[finding.start:finding.end].lower().replace("-", " ") == "wn1 2ab"


def test_a_reply_in_a_thread_that_is_waiting_waits_too(app, world):
    made = threads.start_thread(world.member, threads.NewThread(
        topic_id=world.topic.id, authority_id=None, kind="question", title="Jayden Walsh aged 7",
        body="Advice please", post_anyway=True))
    reply = threads.reply(world.member, made.id, "Adding @lead.wigan to this.")
    assert reply.held_at is not None


def test_an_edit_that_takes_a_detail_out_keeps_the_earlier_version_from_readers(app, world, thread):
    post = threads.reply(world.outsider, thread.id, "Has anyone worked with Tyler Brooks, aged 14, before?",
                         post_anyway=True)
    item = db.session.scalar(select(QueueItem).where(QueueItem.target_id == post.id))
    queue.resolve(world.moderator, item.id, "approve", "")
    threads.edit_post(world.outsider, post.id, "Has anyone worked with a 14-year-old in this situation?")
    _, public = threads.revisions(world.network_member, post.id)
    assert public == []
    _, staff = threads.revisions(world.moderator, post.id)
    assert "Tyler Brooks" in staff[0].body
    threads.edit_post(world.outsider, post.id, "Has anyone worked with a teenager in this situation?")
    _, public = threads.revisions(world.network_member, post.id)
    assert [r.body for r in public] == ["Has anyone worked with a 14-year-old in this situation?"]


def test_an_approved_message_takes_its_place_at_the_end_of_the_room(app, world, drop_in):
    held, _ = chat.send_message(world.member, drop_in.id, FLAGGED, "client-id-0030", post_anyway=True)
    later, _ = chat.send_message(world.outsider, drop_in.id, "Meanwhile, hello", "client-id-0031")
    item = db.session.scalar(select(QueueItem).where(QueueItem.kind == "held_message"))
    queue.resolve(world.moderator, item.id, "approve", "")
    db.session.expire_all()
    assert db.session.get(Message, held.id).seq > db.session.get(Message, later.id).seq
    assert [s.unread for s in chat.rooms_for(world.outsider) if s.room.id == drop_in.id] == [1]
