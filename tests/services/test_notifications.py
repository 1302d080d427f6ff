"""Notifications: watching, mentions and accepted answers, checked against the recipient's
permission when sent; email through a real SMTP server with one-click unsubscribe."""

from __future__ import annotations

import time

from sqlalchemy import select

from forum.extensions import db
from forum.models import Notification, Thread
from forum.services import chat, moderation, notify, queue, threads, watching, watchwords

from ..conftest import body_text, wait_for
from ..factories import room, start


def kinds_for(user) -> list[str]:
    return [n.kind for n in notify.recent(user)]


def test_replying_notifies_watchers_and_starting_or_replying_watches(app, world):
    thread = start(world.member, world.topic.id, title="Caseload weighting tools")
    threads.reply(world.lead, thread.id, "We use a points system.")
    assert kinds_for(world.member) == ["reply"]
    threads.reply(world.member, thread.id, "How many points per case?")
    assert kinds_for(world.lead) == ["reply"]  # replying watched it for the lead
    assert kinds_for(world.member) == ["reply"]  # never told of one's own post


def test_muting_a_thread_silences_it_even_inside_a_watched_topic(app, world):
    thread = start(world.lead, world.topic.id, title="Muted thread example here")
    watching.set_level(world.member, "topic", world.topic.id, "watching")
    watching.set_level(world.member, "thread", thread.id, "muted")
    threads.reply(world.outsider, thread.id, "A reply nobody muted-out hears")
    assert "reply" not in kinds_for(world.member)
    other = start(world.lead, world.topic.id, title="Another thread in the topic")
    assert kinds_for(world.member) == ["reply"] and notify.recent(world.member)[0].url == f"/posts/{threads.opening_post(other).id}"


def test_a_mention_of_someone_who_cannot_read_the_space_notifies_nobody_and_leaks_nothing(app, world):
    start(world.member, world.topic.id, world.wigan.id, title="Wigan secret plans for spring",
          body="@member.birmingham @lead.wigan what do you think?")
    assert db.session.scalar(select(Notification).where(Notification.user_id == world.outsider.id)) is None
    [note] = [n for n in notify.recent(world.lead) if n.kind == "mention"]
    assert "Wigan secret plans" in note.text


def test_watchers_who_lost_access_since_are_not_told(app, world):
    thread = start(world.member, world.topic.id, title="A network thread that will move")
    watching.set_level(world.outsider, "thread", thread.id, "watching")
    moderation.move_thread(world.moderator, thread.id, world.topic.id, world.wigan.id)
    threads.reply(world.lead, thread.id, "Now only Wigan can read this")
    assert kinds_for(world.outsider) == []


def test_held_posts_notify_nobody_until_approved(app, world):
    thread = start(world.member, world.topic.id, title="Thread for a held reply")
    watchwords.add_word(world.moderator, "cheap*", "hold")
    threads.reply(world.outsider, thread.id, "Cheap training @member.wigan")
    assert kinds_for(world.member) == []
    [item] = queue.items(world.moderator, queue.QueueFilter(kind="held_post"))[0]
    queue.resolve(world.moderator, item.id, "approve", "")
    assert sorted(kinds_for(world.member)) == ["mention"]  # mentioned: one notification, not two


def test_accepting_an_answer_tells_its_author(app, world):
    thread = start(world.member, world.topic.id, kind="question", title="Which assessment framework?")
    answer = threads.reply(world.outsider, thread.id, "We use the Framework for Assessment.")
    threads.accept_answer(world.member, answer.id)
    assert "accepted" in kinds_for(world.outsider)


def test_chat_mentions_reach_only_people_who_may_read_the_room(app, world):
    wigan_room = room(world.topic.id, world.wigan.id, slug="wigan-chat")
    chat.send_message(world.member, wigan_room.id, "@lead.wigan and @member.birmingham, look")
    assert kinds_for(world.lead) == ["mention"] and kinds_for(world.outsider) == []


def test_opening_a_notification_marks_it_read_and_goes_to_the_post(app, world, new_browser):
    thread = start(world.member, world.topic.id, title="Thread to open from the bell")
    reply = threads.reply(world.lead, thread.id, "A reply to open")
    b = new_browser()
    b.sign_in(world.member)
    [note] = notify.recent(world.member)
    response = b.get(f"/notifications/{note.id}")
    assert response.status_code == 302 and response.location.endswith(f"/posts/{reply.id}")
    assert notify.unread_count(world.member) == 0
    other = new_browser()
    other.sign_in(world.outsider)
    assert other.get(f"/notifications/{note.id}").status_code == 404


def test_settings_turn_a_kind_off_and_watch_buttons_work(app, world, new_browser):
    thread = start(world.lead, world.topic.id, title="Settings check thread")
    b = new_browser()
    b.sign_in(world.member)
    assert b.post("/notifications/settings", {"reply": "off", "mention": "app", "accepted": "app"}).status_code == 302
    assert b.post(f"/watch/thread/{thread.id}", {"level": "watching", "next": f"/threads/{thread.id}"}).status_code == 302
    threads.reply(world.outsider, thread.id, "You will not hear of this")
    assert kinds_for(world.member) == []
    assert "You are watching this thread" in body_text(b.get(f"/threads/{thread.id}"))
    assert b.post("/notifications/settings", {"reply": "loud"}).status_code == 303
    wigan_only = start(world.lead, world.topic.id, world.wigan.id, title="Wigan only thread to watch")
    outsider = new_browser()
    outsider.sign_in(world.outsider)
    assert outsider.post(f"/watch/thread/{wigan_only.id}", {"level": "watching"}).status_code == 404


# --- email -----------------------------------------------------------------------------------


def test_mention_email_arrives_with_a_link_and_one_click_unsubscribe(app, world, smtp, new_browser):
    thread = start(world.member, world.topic.id, title="Emailed mention thread")
    reply = threads.reply(world.outsider, thread.id, "Over to you, @lead.wigan")
    [message] = wait_for(smtp, 1)
    assert message["To"] == world.lead.email and "mentioned you" in message["Subject"]
    text = message.get_content()
    assert f"http://localhost/posts/{reply.id}" in text
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    anonymous = app.test_client()  # no session, no CSRF token: the mail program's one click
    path = unsubscribe.removeprefix("http://localhost")
    assert anonymous.post(path).status_code == 200
    threads.reply(world.outsider, thread.id, "Again, @lead.wigan")
    time.sleep(0.3)
    assert len(smtp.messages) == 1  # in-app still, email no more
    assert kinds_for(world.lead).count("mention") == 2
    assert anonymous.post(path[:-3] + "xyz").status_code == 400


def test_nothing_is_emailed_for_held_or_hidden_content(app, world, smtp):
    thread = start(world.member, world.topic.id, title="Thread for hidden and held checks")
    watchwords.add_word(world.moderator, "cheap*", "hold")
    threads.reply(world.outsider, thread.id, "Cheap course, @lead.wigan")
    time.sleep(0.3)
    assert smtp.messages == []


def test_daily_digest_is_built_at_send_time_and_leaves_out_what_was_hidden_since(app, world, smtp):
    from forum.models import NotificationSetting
    from forum.services import digest

    db.session.add(NotificationSetting(user_id=world.member.id, kind="reply", channel="digest"))
    db.session.commit()
    thread = start(world.member, world.topic.id, title="Digest thread for the day")
    kept = threads.reply(world.lead, thread.id, "A reply that stays")
    hidden = threads.reply(world.outsider, thread.id, "A reply that will be hidden")
    assert smtp.messages == []  # no single emails for digest kinds
    moderation.hide_post(world.moderator, hidden.id, "Off topic")
    assert digest.send_digests() == 1
    [message] = wait_for(smtp, 1)
    text = message.get_content()
    assert f"/posts/{kept.id}" in text and f"/posts/{hidden.id}" not in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert digest.send_digests() == 0  # once a day
    path = message["List-Unsubscribe"].strip("<>").removeprefix("http://localhost")
    assert app.test_client().post(path).status_code == 200
    assert db.session.get(NotificationSetting, (world.member.id, "reply")).channel == "app"


def test_mention_suggestions_offer_only_people_who_can_read_the_space(app, world, new_browser):
    wigan_thread = start(world.lead, world.topic.id, world.wigan.id, title="Wigan thread for suggestions")
    network_thread = start(world.lead, world.topic.id, title="Network thread for suggestions")
    b = new_browser()
    b.sign_in(world.member)
    names = lambda url: {p["username"] for p in b.get(url).get_json()}  # noqa: E731
    assert names(f"/people/suggest?q=member&thread={wigan_thread.id}") == set()  # not Birmingham's member
    assert names(f"/people/suggest?q=member&thread={network_thread.id}") == {"member.birmingham"}
    assert names(f"/people/suggest?q=mod&thread={wigan_thread.id}") == {"moderator"}
    assert names("/people/suggest?q=%25") == set() and names("/people/suggest?q=_") == set()
    outsider = new_browser()
    outsider.sign_in(world.outsider)
    assert outsider.get(f"/people/suggest?q=lead&thread={wigan_thread.id}").status_code == 404


def test_watching_a_room_tells_once_until_read(app, world):
    network = room(world.topic.id)
    watching.set_level(world.member, "room", network.id, "watching")
    chat.send_message(world.outsider, network.id, "First message")
    chat.send_message(world.outsider, network.id, "Second message")
    assert kinds_for(world.member) == ["room"]  # one notice until they have read it
    notify.mark_all_read(world.member)
    chat.send_message(world.outsider, network.id, "Third message")
    assert kinds_for(world.member) == ["room", "room"]
    chat.send_message(world.member, network.id, "My own message tells nobody about me")
    assert kinds_for(world.outsider) == []


def test_session_emails_carry_one_click_unsubscribe_and_respect_the_setting(app, world, smtp):
    from datetime import datetime

    from forum.models import NotificationSetting
    from forum.services import sessions

    planned = sessions.schedule(world.lead, sessions.SessionForm(
        "Court skills clinic", "", "", world.topic.id, world.wigan.id, False, datetime(2027, 6, 10, 14), 60, 5))
    sessions.rsvp(world.member, planned.id, "going")
    sessions.rsvp(world.network_member, planned.id, "going")
    db.session.add(NotificationSetting(user_id=world.network_member.id, kind="sessions", channel="app"))
    db.session.commit()
    sessions.cancel(world.lead, planned.id, "Host unwell")
    [message] = wait_for(smtp, 1)
    time.sleep(0.2)
    assert len(smtp.messages) == 1 and message["To"] == world.member.email
    assert "unsubscribe/sessions/" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_turning_a_kind_off_silences_its_in_app_notices_too(app, world):
    from forum.models import NotificationSetting

    db.session.add(NotificationSetting(user_id=world.outsider.id, kind="moderation", channel="off"))
    db.session.commit()
    thread = start(world.member, world.topic.id, title="Thread for reports")
    reply = threads.reply(world.lead, thread.id, "A reply to report")
    item = queue.report(world.outsider, "post", reply.id, "spam")
    queue.resolve(world.moderator, item.id, "dismiss", "")
    assert "report_outcome" not in kinds_for(world.outsider)


# --- found by trying to break it ---------------------------------------------------------


def test_new_thread_suggestions_follow_the_chosen_space(app, world, new_browser):
    b = new_browser()
    b.sign_in(world.lead)
    names = lambda url: {p["username"] for p in b.get(url).get_json()}  # noqa: E731
    assert names("/people/suggest?q=member&space=wigan") == {"member.wigan"}
    assert names("/people/suggest?q=member&space=network") == {"member.wigan", "member.birmingham"}
    assert b.get("/people/suggest?q=member&space=birmingham").status_code == 404


def test_a_hold_word_in_a_title_holds_the_thread_and_tells_nobody(app, world):
    watchwords.add_word(world.moderator, "miracle cure*", "hold")
    watchwords.add_word(world.moderator, "dept", "replace", "department")
    thread = start(world.member, world.topic.id, title="Miracle cure for dept stress",
                   body="Plain body, hi @member.birmingham")
    assert thread.held and thread.title == "Miracle cure for department stress"
    assert kinds_for(world.outsider) == []
    ordinary = start(world.member, world.topic.id, title="An ordinary title here")
    threads.edit_post(world.member, threads.opening_post(ordinary).id, "Our team meets fortnightly.",
                      "An ordinary miracle cure title")
    opening = threads.opening_post(ordinary)
    assert opening.pending_title == "An ordinary miracle cure title"  # the retitle waits for review
    assert db.session.get(Thread, ordinary.id).title == "An ordinary title here"  # readers keep the old one


def test_report_outcomes_can_come_by_email(app, world, smtp):
    from forum.models import NotificationSetting

    db.session.add(NotificationSetting(user_id=world.outsider.id, kind="moderation", channel="email"))
    db.session.commit()
    thread = start(world.member, world.topic.id, title="Thread to report by email")
    reply = threads.reply(world.lead, thread.id, "A reply to report")
    item = queue.report(world.outsider, "post", reply.id, "spam")
    queue.resolve(world.moderator, item.id, "dismiss", "")
    [message] = wait_for(smtp, 1)
    assert message["To"] == world.outsider.email and "reviewed" in message["Subject"]


def test_unsubscribe_header_is_plain_ascii_not_encoded(app, world, smtp):
    thread = start(world.member, world.topic.id, title="Header check thread")
    threads.reply(world.outsider, thread.id, "Over to you, @lead.wigan")
    wait_for(smtp, 1)
    headers = smtp.raw[0].split(b"\r\n\r\n")[0]  # as it crossed the wire
    assert b"List-Unsubscribe: <http://localhost/unsubscribe/mention/" in headers and b"=?utf-8?" not in headers


def test_digest_includes_kinds_that_follow_a_setting(app, world, smtp):
    from forum.models import NotificationSetting
    from forum.services import digest

    db.session.add(NotificationSetting(user_id=world.outsider.id, kind="moderation", channel="digest"))
    db.session.commit()
    thread = start(world.member, world.topic.id, title="Thread for a digest of decisions")
    item = queue.report(world.outsider, "post", threads.opening_post(thread).id, "spam")
    queue.resolve(world.moderator, item.id, "dismiss", "")
    assert smtp.messages == []
    assert digest.send_digests() == 1
    [message] = wait_for(smtp, 1)
    assert "has reviewed it" in message.get_content()


def test_an_edit_that_adds_a_mention_tells_only_the_newly_mentioned(app, world):
    thread = start(world.member, world.topic.id, title="Thread edited to mention", body="Hello @lead.wigan")
    assert kinds_for(world.lead) == ["mention"]
    threads.edit_post(world.member, threads.opening_post(thread).id, "Hello @lead.wigan and @member.birmingham")
    assert kinds_for(world.lead) == ["mention"] and kinds_for(world.outsider) == ["mention"]
