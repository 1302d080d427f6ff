"""Moderation pages: wiring, refusals with no side effect, error mapping, text kept on refusal."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import AuditEntry, Post, QueueItem, Report, User
from forum.services import moderation, queue, sanctions, threads, watchwords

from ..conftest import body_text
from ..factories import room, start


def audit_count() -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)))


@pytest.fixture
def scene(world):
    """A network thread with a reply, a Wigan-only thread, and an open report."""
    network = start(world.member, world.topic.id, title="How do you record supervision?")
    reply = threads.reply(world.lead, network.id, "We use a shared template.")
    wigan = start(world.member, world.topic.id, world.wigan.id, title="Wigan only: duty rota")
    item = queue.report(world.outsider, "post", reply.id, "inappropriate")
    chat_room = room(world.topic.id)
    return {"network": network, "reply": reply, "wigan": wigan, "item": item, "room": chat_room}


def staff_urls(s, world) -> list[tuple[str, str]]:
    reply, network, item = s["reply"], s["network"], s["item"]
    return [
        ("GET", "/moderation/queue"),
        ("GET", f"/moderation/items/{item.id}"),
        ("POST", f"/moderation/items/{item.id}"),
        ("POST", f"/moderation/items/{item.id}/claim"),
        ("GET", f"/moderation/posts/{reply.id}/hide"),
        ("POST", f"/moderation/posts/{reply.id}/hide"),
        ("POST", f"/moderation/posts/{reply.id}/restore"),
        ("GET", f"/moderation/threads/{network.id}"),
        ("POST", f"/moderation/threads/{network.id}"),
        ("POST", f"/moderation/rooms/{s['room'].id}/slow-mode"),
        ("GET", "/moderation/people/member.birmingham"),
        ("POST", "/moderation/people/member.birmingham"),
        ("POST", f"/moderation/people/{world.outsider.id}/lift"),
        ("GET", "/moderation/words"),
        ("POST", "/moderation/words"),
        ("GET", "/moderation/audit"),
        ("GET", "/moderation/audit.csv"),
    ]


FORM = {"reason": "because", "action": "hide", "which": "suspend", "suspend-duration": "24",
        "suspend-reason": "because", "word-pattern": "scam", "word-action": "block", "seconds": "30",
        "title-title": "A changed title here", "move-topic": "1", "move-space": "network"}


@pytest.mark.parametrize("who", ["member", "network_member"])
def test_members_cannot_use_any_moderation_page_and_nothing_changes(app, world, new_browser, scene, who):
    b = new_browser()
    b.sign_in(getattr(world, who))
    for method, url in staff_urls(scene, world):
        response = b.get(url) if method == "GET" else b.post(url, FORM)
        assert response.status_code in (403, 404), (method, url, response.status_code)
    assert audit_count() == 0
    assert db.session.get(QueueItem, scene["item"].id).claimed_by_id is None
    assert db.session.get(Post, scene["reply"].id).hidden_at is None
    assert not db.session.get(User, world.outsider.id).is_suspended


def test_lead_cannot_moderate_network_content_or_people(app, world, new_browser, scene):
    b = new_browser()
    b.sign_in(world.lead)
    for method, url in staff_urls(scene, world):
        if url == "/moderation/queue":
            assert b.get(url).status_code == 200  # their own authority's queue
            continue
        response = b.get(url) if method == "GET" else b.post(url, FORM)
        assert response.status_code in (403, 404), (method, url, response.status_code)
    assert audit_count() == 0


def test_lead_hides_a_post_in_their_own_authoritys_space(app, world, new_browser, scene):
    post = threads.reply(world.member, scene["wigan"].id, "Rota is on the drive")
    b = new_browser()
    b.sign_in(world.lead)
    response = b.post(f"/moderation/posts/{post.id}/hide", {"reason": "Internal detail"})
    assert response.status_code == 302
    assert db.session.get(Post, post.id).hidden_at is not None and audit_count() == 1


def test_reporting_through_the_form_keeps_the_note_when_the_reason_is_missing(app, world, new_browser, scene):
    b = new_browser()
    b.sign_in(world.network_member)
    url = f"/report/post/{scene['reply'].id}"
    assert b.get(url).status_code == 200
    response = b.post(url, {"note": "They named a school"})
    assert response.status_code == 400
    assert "Choose a reason" in body_text(response) and "They named a school" in body_text(response)
    response = b.post(url, {"reason": "identifiable", "note": "They named a school"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Report.id))) == 2


def test_reporting_something_unreadable_is_not_found(app, world, new_browser, scene):
    b = new_browser()
    b.sign_in(world.outsider)
    assert b.get(f"/report/thread/{scene['wigan'].id}").status_code == 404
    assert b.post(f"/report/thread/{scene['wigan'].id}", {"reason": "spam"}).status_code == 404
    assert b.get("/report/post/999999999").status_code == 404
    assert b.get("/report/banana/1").status_code == 404


def test_moderator_resolves_from_the_item_page_and_the_queue_shows_counts(app, world, new_browser, scene):
    b = new_browser()
    b.sign_in(world.moderator)
    page = body_text(b.get("/moderation/queue"))
    assert "1 open reports" in page and "Review queue" in page
    item_url = f"/moderation/items/{scene['item'].id}"
    assert "We use a shared template." in body_text(b.get(item_url))
    response = b.post(item_url, {"action": "hide"})
    assert response.status_code == 400 and "Give a reason" in body_text(response)
    assert b.post(item_url, {"action": "hide", "reason": "Personal attack"}).status_code == 302
    assert db.session.get(Post, scene["reply"].id).hidden_at is not None


def test_hidden_post_placeholder_for_members_and_text_with_reason_for_moderators(app, world, new_browser, scene):
    moderation.hide_post(world.moderator, scene["reply"].id, "Personal attack")
    member, mod = new_browser(), new_browser()
    member.sign_in(world.outsider)
    mod.sign_in(world.moderator)
    url = f"/threads/{scene['network'].id}"
    seen = body_text(member.get(url))
    assert "hidden by a moderator" in seen and "We use a shared template." not in seen
    staff_view = body_text(mod.get(url))
    assert "We use a shared template." in staff_view and "Personal attack" in staff_view


def test_held_post_is_shown_to_its_author_only_with_a_note(app, world, new_browser, scene):
    watchwords.add_word(world.moderator, "cheap*", "hold")
    author, other = new_browser(), new_browser()
    author.sign_in(world.outsider)
    other.sign_in(world.network_member)
    response = author.post(f"/threads/{scene['network'].id}/reply", {"body": "Cheapest course in town"})
    assert response.status_code == 302
    thread_url = f"/threads/{scene['network'].id}"
    assert "Awaiting review" in body_text(author.get(thread_url))
    assert "Cheapest course" not in body_text(other.get(thread_url))
    held = db.session.scalar(select(Post).where(Post.body == "Cheapest course in town"))
    assert other.get(f"/posts/{held.id}").status_code == 404


def test_blocked_word_and_slow_mode_refusals_keep_the_reply_text(app, world, new_browser, scene):
    watchwords.add_word(world.moderator, "idiot", "block")
    b = new_browser()
    b.sign_in(world.outsider)
    url = f"/threads/{scene['network'].id}/reply"
    response = b.post(url, {"body": "Only an idiot would"})
    assert response.status_code == 400 and "Only an idiot would" in body_text(response)
    moderation.set_thread_slow_mode(world.moderator, scene["network"].id, 300)
    assert b.post(url, {"body": "First considered reply"}).status_code == 302
    response = b.post(url, {"body": "Second hasty reply"})
    assert response.status_code == 429
    assert "Slow mode" in body_text(response) and "Second hasty reply" in body_text(response)


def test_suspending_from_the_person_page_signs_them_out_and_sign_in_shows_why(app, world, new_browser, scene):
    victim, mod = new_browser(), new_browser()
    victim.sign_in(world.outsider)
    mod.sign_in(world.moderator)
    response = mod.post("/moderation/people/member.birmingham",
                        {"which": "suspend", "suspend-duration": "24", "suspend-reason": ""})
    assert response.status_code == 400 and "Give a reason" in body_text(response)
    response = mod.post("/moderation/people/member.birmingham",
                        {"which": "suspend", "suspend-duration": "24", "suspend-reason": "Repeated attacks"})
    assert response.status_code == 302
    assert victim.get("/latest").status_code == 302  # the old cookie no longer signs anyone in
    victim.refresh_token("/signin")
    page = body_text(victim.post("/signin", {"login": "member.birmingham", "password": "correct horse battery"}))
    assert "suspended until" in page and "Repeated attacks" in page
    history = body_text(mod.get("/moderation/people/member.birmingham"))
    assert "suspend_user" in history and "Repeated attacks" in history


def test_watched_words_page_adds_tests_and_removes(app, world, new_browser):
    b = new_browser()
    b.sign_in(world.moderator)
    assert b.post("/moderation/words", {"which": "add", "word-pattern": "scam*", "word-action": "hold"}).status_code == 302
    response = b.post("/moderation/words", {"which": "add", "word-pattern": "scam*", "word-action": "hold"})
    assert response.status_code == 400 and "already on the list" in body_text(response)
    response = b.post("/moderation/words", {"which": "test", "test-sample": "Beware scammers and Scams"})
    assert "“scammers” matches" in body_text(response) and "“Scams” matches" in body_text(response)
    [word] = watchwords.all_words()
    assert b.post(f"/moderation/words/{word.id}/delete").status_code == 302
    assert watchwords.all_words() == []


def test_audit_log_page_filters_and_exports(app, world, new_browser, scene):
    moderation.hide_post(world.moderator, scene["reply"].id, "Personal attack")
    sanctions.silence(world.admin, world.outsider.id, "24", "Cooling off")
    b = new_browser()
    b.sign_in(world.admin)
    page = body_text(b.get("/moderation/audit"))
    assert "hide_post" in page and "silence_user" in page
    filtered = body_text(b.get("/moderation/audit?action=silence_user"))
    assert "<td>silence_user</td>" in filtered and "<td>hide_post</td>" not in filtered
    assert b.get("/moderation/audit?since=tomorrow").status_code == 400
    csv_response = b.get("/moderation/audit.csv?actor=moderator")
    assert csv_response.mimetype == "text/csv"
    lines = body_text(csv_response).strip().splitlines()
    assert len(lines) == 2 and "hide_post" in lines[1]


@pytest.mark.parametrize("url", ["/moderation/queue?page=abc&kind=%00&age=forever", "/moderation/audit?page=-1",
                                 "/moderation/queue?authority=" + "x" * 500, "/moderation/items/99999999999",
                                 "/threads/3000000000", "/posts/2147483648", "/report/post/2147483648"])
def test_odd_query_strings_never_cause_a_server_error(app, world, new_browser, url):
    b = new_browser()
    b.sign_in(world.moderator)
    assert b.get(url).status_code in (200, 400, 404)


def test_thread_tools_move_and_retitle_through_forms(app, world, new_browser, scene):
    b = new_browser()
    b.sign_in(world.moderator)
    url = f"/moderation/threads/{scene['network'].id}"
    assert b.get(url).status_code == 200
    response = b.post(url, {"which": "title", "title-title": "x"})
    assert response.status_code == 400 and "at least" in body_text(response)
    assert b.post(url, {"which": "title", "title-title": "Recording supervision well"}).status_code == 302
    assert b.post(url, {"which": "move", "move-topic": str(world.topic.id), "move-space": "wigan"}).status_code == 302
    db.session.refresh(scene["network"])
    assert scene["network"].title == "Recording supervision well" and scene["network"].authority_id == world.wigan.id
    response = b.post(url, {"which": "merge", "merge-target": "99999"})
    assert response.status_code == 400 and "could not find the thread" in body_text(response)



def test_hidden_post_text_does_not_leak_through_quotes_or_history(app, world, new_browser, scene):
    threads.edit_post(world.lead, scene["reply"].id, "We use a shared template, reviewed monthly.")
    moderation.hide_post(world.moderator, scene["reply"].id, "Personal attack")
    b = new_browser()
    b.sign_in(world.outsider)
    quoted = body_text(b.get(f"/threads/{scene['network'].id}/reply?quote={scene['reply'].id}"))
    assert "shared template" not in quoted
    assert b.get(f"/posts/{scene['reply'].id}/history").status_code == 404
    mod = new_browser()
    mod.sign_in(world.moderator)
    assert "shared template" in body_text(mod.get(f"/posts/{scene['reply'].id}/history"))


def test_quoting_a_held_post_leaves_the_box_empty_rather_than_failing(app, world, new_browser, scene):
    watchwords.add_word(world.moderator, "cheap*", "hold")
    held = threads.reply(world.outsider, scene["network"].id, "Cheapest course in town")
    b = new_browser()
    b.sign_in(world.network_member)
    response = b.get(f"/threads/{scene['network'].id}/reply?quote={held.id}")
    assert response.status_code == 200 and "Cheapest" not in body_text(response)


def test_a_forged_sanction_is_refused_with_the_reason(app, world, new_browser):
    b = new_browser()
    b.sign_in(world.moderator)
    response = b.post("/moderation/people/admin", {"which": "suspend", "suspend-duration": "24",
                                                   "suspend-reason": "no"})
    assert response.status_code == 403 and "cannot act on this account" in body_text(response)
