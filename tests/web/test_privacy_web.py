"""The privacy guard over HTTP: forms and the JSON API refuse a flagged text with a 422 that
keeps it and marks what was found; only an explicit "post anyway" sends it, held. Staff pages
show the findings and manage local terms."""

from __future__ import annotations

import json

from sqlalchemy import select

from forum.extensions import db
from forum.models import GuardEvent, LocalTerm, Message, Post, QueueItem
from forum.services import chat, threads

from ..conftest import body_text
from ..factories import room, start

NHS = "943 476 5919"
FLAGGED = f"Her NHS number is {NHS}, can anyone advise?"


def api(b, url: str, payload, token: str | None = None):
    return b.client.post(url, data=json.dumps(payload), content_type="application/json",
                         headers={"X-CSRFToken": b.token if token is None else token})


def test_a_flagged_reply_form_comes_back_422_with_the_text_kept_and_the_detail_marked(browser, world):
    thread = start(world.member, world.topic.id, title="Advice on contact")
    browser.sign_in(world.outsider)
    response = browser.post(f"/threads/{thread.id}/reply", {"body": FLAGGED})
    page = body_text(response)
    assert response.status_code == 422
    assert "This may identify someone" in page and "NHS number" in page
    assert f'<mark class="privacy-mark">{NHS}<span class="visually-hidden"> (NHS number)</span></mark>' in page
    assert f"{FLAGGED}</textarea>" in page  # the author's text is not lost
    assert 'name="post_anyway"' in page and "/guidance/anonymising" in page
    assert db.session.scalar(select(Post).where(Post.body == FLAGGED)) is None
    warning_id = page.split('name="privacy_warning" type="hidden" value="')[1].split('"')[0]
    assert db.session.get(GuardEvent, int(warning_id)).outcome == "warned"


def test_ticking_post_anyway_sends_the_reply_to_the_queue_and_says_so(browser, world):
    thread = start(world.member, world.topic.id, title="Advice on contact")
    browser.sign_in(world.outsider)
    response = browser.post(f"/threads/{thread.id}/reply", {"body": FLAGGED, "post_anyway": "y"})
    assert response.status_code == 302
    post = db.session.scalar(select(Post).where(Post.body == FLAGGED))
    assert post.held_at is not None
    assert "waiting for a moderator" in body_text(browser.get(response.headers["Location"]))


def test_new_thread_and_edit_forms_refuse_flagged_text_too(browser, world):
    browser.sign_in(world.member)
    response = browser.post("/threads/new", {"kind": "question", "topic": world.topic.id, "space": "network",
                                             "title": "About Jayden Walsh aged 7", "body": "Ideas welcome"})
    assert response.status_code == 422 and "About Jayden Walsh aged 7" in body_text(response)
    thread = start(world.member, world.topic.id, title="Clean title here")
    post = threads.opening_post(thread)
    response = browser.post(f"/posts/{post.id}/edit", {"title": "Clean title here", "body": FLAGGED})
    assert response.status_code == 422
    db.session.expire_all()
    assert threads.opening_post(thread).body == "Our team meets fortnightly."


def test_the_chat_form_refuses_then_holds_with_post_anyway(browser, world):
    network = room(world.topic.id, slug="drop-in", name="Drop-in")
    browser.sign_in(world.member)
    response = browser.post("/rooms/drop-in/messages", {"body": FLAGGED, "client_id": "form-client-0001"})
    assert response.status_code == 422 and "This may identify someone" in body_text(response)
    assert db.session.scalar(select(Message)) is None
    response = browser.post("/rooms/drop-in/messages", {"body": FLAGGED, "client_id": "form-client-0001",
                                                        "post_anyway": "y"})
    assert response.status_code == 302
    page = body_text(browser.get("/rooms/drop-in"))
    assert "Waiting for a moderator: only you can see this message." in page
    assert db.session.scalar(select(Message)).held_at is not None and network.id


def test_others_never_see_a_held_chat_message_on_the_room_page(browser, new_browser, world):
    network = room(world.topic.id, slug="drop-in", name="Drop-in")
    chat.send_message(world.member, network.id, FLAGGED, "client-0000002", post_anyway=True)
    other = new_browser()
    other.sign_in(world.outsider)
    page = body_text(other.get("/rooms/drop-in"))
    assert NHS not in page and "No messages yet" in page


# --- the JSON API -----------------------------------------------------------------------------


def test_the_json_api_refuses_a_flagged_reply_with_findings_and_holds_it_only_on_post_anyway(browser, world):
    thread = start(world.member, world.topic.id, title="Advice on contact")
    browser.sign_in(world.outsider)
    refused = api(browser, f"/api/threads/{thread.id}/replies", {"body": FLAGGED})
    assert refused.status_code == 422
    data = refused.get_json()
    assert data["privacy"]["fields"]["body"][0]["kind"] == "nhs_number" and "post anyway" in data["error"]
    not_explicit = api(browser, f"/api/threads/{thread.id}/replies", {"body": FLAGGED, "post_anyway": "yes"})
    assert not_explicit.status_code == 400 and "true or false" in not_explicit.get_json()["error"]
    sent = api(browser, f"/api/threads/{thread.id}/replies",
               {"body": FLAGGED, "post_anyway": True, "warning_id": data["privacy"]["warning_id"]})
    assert sent.status_code == 201 and sent.get_json()["post"]["held"] is True
    assert db.session.get(GuardEvent, data["privacy"]["warning_id"]).outcome == "posted_anyway"


def test_the_json_api_guards_new_threads_and_chat_messages(browser, world):
    network = room(world.topic.id)
    browser.sign_in(world.member)
    thread = {"topic_id": world.topic.id, "space": "network", "kind": "question",
              "title": "Call 07700 900123 for advice", "body": "Thanks"}
    assert api(browser, "/api/threads", thread).status_code == 422
    assert api(browser, "/api/threads", {**thread, "post_anyway": True}).get_json()["thread"]["held"] is True
    message = {"body": FLAGGED, "client_id": "api-client-0001"}
    assert api(browser, f"/api/rooms/{network.id}/messages", message).status_code == 422
    sent = api(browser, f"/api/rooms/{network.id}/messages", {**message, "post_anyway": True})
    assert sent.status_code == 201 and sent.get_json()["message"]["held"] is True


def test_the_json_api_answers_json_for_every_refusal(browser, app, world):
    thread = start(world.member, world.topic.id, title="Advice on contact")
    anonymous = app.test_client()
    assert anonymous.post(f"/api/threads/{thread.id}/replies", json={"body": "Hi"}).status_code in (400, 401)
    browser.sign_in(world.outsider)
    assert api(browser, f"/api/threads/{thread.id}/replies", {"body": "Hi"}, token="forged").status_code == 400
    assert api(browser, f"/api/threads/{thread.id}/replies", ["not", "an", "object"]).status_code == 400
    assert api(browser, f"/api/threads/{thread.id}/replies", {"body": 7}).status_code == 400
    wigan = start(world.lead, world.topic.id, world.wigan.id, title="Wigan only thread")
    missing = api(browser, f"/api/threads/{wigan.id}/replies", {"body": "Hi"})
    assert missing.status_code == 404 and missing.is_json


def test_the_live_check_returns_findings_and_keeps_one_warning_per_draft(browser, world):
    browser.sign_in(world.member)
    first = api(browser, "/api/privacy/check", {"texts": {"body": FLAGGED}, "surface": "reply"})
    assert first.status_code == 200
    finding = first.get_json()["privacy"]["fields"]["body"][0]
    assert (finding["kind"], finding["text"]) == ("nhs_number", NHS)
    warning_id = first.get_json()["privacy"]["warning_id"]
    again = api(browser, "/api/privacy/check",
                {"texts": {"body": FLAGGED + "!"}, "surface": "reply", "warning_id": warning_id})
    assert again.get_json()["privacy"]["warning_id"] == warning_id
    assert db.session.scalars(select(GuardEvent)).all().__len__() == 1
    for bad in ({"texts": "x", "surface": "reply"}, {"texts": {"body": "x"}, "surface": "nowhere"},
                {"texts": {"body": 3}, "surface": "reply"}, {"texts": {}, "surface": "reply"}):
        assert api(browser, "/api/privacy/check", bad).status_code == 400


def test_the_live_check_does_not_let_outsiders_probe_another_authoritys_terms(browser, world):
    from forum.services import privacy_admin

    privacy_admin.add_term(world.lead, world.wigan.id, "Hilltop estate", "place")
    browser.sign_in(world.outsider)
    answer = api(browser, "/api/privacy/check", {"texts": {"body": "Hilltop estate"}, "surface": "reply",
                                                 "authority_id": world.wigan.id})
    assert answer.get_json()["privacy"]["fields"] == {}
    assert api(browser, "/api/privacy/check", {"texts": {"body": "x"}, "surface": "thread",
                                               "space": "wigan"}).status_code == 404


def test_the_guidance_page_opens_for_anyone(app):
    page = app.test_client().get("/guidance/anonymising")
    assert page.status_code == 200 and "Child A, aged 7" in body_text(page)


# --- staff ------------------------------------------------------------------------------------


def test_the_queue_item_marks_the_findings_and_offers_approve_with_edits(browser, world):
    thread = start(world.member, world.topic.id, title="Advice on contact")
    post = threads.reply(world.outsider, thread.id, FLAGGED, post_anyway=True)
    item = db.session.scalar(select(QueueItem).where(QueueItem.target_id == post.id))
    browser.sign_in(world.moderator)
    page = body_text(browser.get(f"/moderation/items/{item.id}"))
    assert "The privacy guard found" in page and f'<mark class="privacy-mark">{NHS}' in page
    assert "Approve with my edits" in page and f"{FLAGGED}</textarea>" in page
    response = browser.post(f"/moderation/items/{item.id}", {"action": "edit_approve", "reason": "",
                                                             "body": "Can anyone advise on a GP registration?"})
    assert response.status_code == 302
    db.session.expire_all()
    published = db.session.get(Post, post.id)
    assert published.held_at is None and NHS not in published.body


def test_the_privacy_page_is_for_staff_and_leads_and_adds_and_removes_terms(browser, new_browser, world):
    member = new_browser()
    member.sign_in(world.member)
    assert member.get("/moderation/privacy").status_code == 404
    browser.sign_in(world.lead)
    page = body_text(browser.get("/moderation/privacy"))
    assert "Warnings shown" in page and "Everyone in the network" not in page.split("Add a term")[1]
    response = browser.post("/moderation/privacy", {"authority": str(world.wigan.id), "term": "Hilltop estate",
                                                    "kind": "place"})
    assert response.status_code == 302
    forged = browser.post("/moderation/privacy", {"authority": str(world.birmingham.id), "term": "Elm Row",
                                                  "kind": "place"})
    assert forged.status_code == 400  # not one of the choices offered
    bad = browser.post("/moderation/privacy", {"authority": str(world.wigan.id), "term": "##", "kind": "reference"})
    assert bad.status_code == 400 and "##" in body_text(bad)
    [term] = db.session.scalars(select(LocalTerm)).all()
    assert "Hilltop estate" in body_text(browser.get("/moderation/privacy"))
    assert browser.post(f"/moderation/privacy/terms/{term.id}/delete").status_code == 302
    assert db.session.scalars(select(LocalTerm)).all() == []


def test_the_live_check_on_an_edit_shows_only_what_the_edit_adds(browser, world):
    thread = start(world.member, world.topic.id, title="Advice on contact")
    post = threads.reply(world.outsider, thread.id, FLAGGED, post_anyway=True)
    item = db.session.scalar(select(QueueItem).where(QueueItem.target_id == post.id))
    from forum.services import queue

    queue.resolve(world.moderator, item.id, "approve", "")
    browser.sign_in(world.outsider)
    text = FLAGGED + " Mum is on 07700 900123."
    answer = api(browser, "/api/privacy/check", {"texts": {"body": text}, "surface": "edit", "post_id": post.id})
    assert [f["kind"] for f in answer.get_json()["privacy"]["fields"]["body"]] == ["phone"]
    other = api(browser, "/api/privacy/check", {"texts": {"body": text}, "surface": "edit", "post_id": 10**12})
    assert len(other.get_json()["privacy"]["fields"]["body"]) == 2  # nothing to compare with: all shown


def test_odd_numbers_in_the_json_api_are_a_400_never_a_500(browser, world):
    thread = start(world.member, world.topic.id, title="Advice on contact")
    browser.sign_in(world.outsider)
    for warning_id in (1e308, -5, "12abc", [1], {"a": 1}, "99999999999999999999"):
        response = api(browser, f"/api/threads/{thread.id}/replies", {"body": FLAGGED, "warning_id": warning_id})
        assert response.status_code == 422, warning_id  # ignored: the warning is given afresh
    huge = api(browser, "/api/threads", {"topic_id": 10**20, "space": "network", "kind": "question",
                                         "title": "A fine title", "body": "Fine"})
    assert huge.status_code == 400
    infinity = browser.client.post(f"/api/threads/{thread.id}/replies", data='{"body": "Hi", "warning_id": Infinity}',
                                   content_type="application/json", headers={"X-CSRFToken": browser.token})
    assert infinity.status_code in (201, 400)


def test_local_terms_too_broad_to_be_useful_are_refused(browser, world):
    browser.sign_in(world.moderator)
    for term, kind in (("###", "place"), ("and", "place"), ("the", "school"), ("#-#-#", "reference"),
                       ("##/####", "reference")):
        response = browser.post("/moderation/privacy", {"authority": "network", "term": term, "kind": kind})
        assert response.status_code == 400 and "There is a problem" in body_text(response), term
    assert db.session.scalars(select(LocalTerm)).all() == []


def test_the_item_page_refuses_a_decision_on_text_changed_since_it_was_shown(browser, world):
    thread = start(world.member, world.topic.id, title="Advice on contact")
    post = threads.reply(world.outsider, thread.id, "Child A lives at 14 Acacia Avenue", post_anyway=True)
    item = db.session.scalar(select(QueueItem).where(QueueItem.target_id == post.id))
    browser.sign_in(world.moderator)
    page = body_text(browser.get(f"/moderation/items/{item.id}"))
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    threads.edit_post(world.outsider, post.id, FLAGGED, post_anyway=True)
    response = browser.post(f"/moderation/items/{item.id}", {"action": "approve", "reason": "", "version": version})
    assert response.status_code == 400 and "changed this after you opened it" in body_text(response)
    assert NHS in body_text(response)  # the new words are on the page now
    db.session.expire_all()
    assert db.session.get(Post, post.id).held_at is not None


def test_plain_approve_refuses_when_the_moderator_changed_the_boxes(browser, world):
    thread = start(world.member, world.topic.id, title="Advice on contact")
    post = threads.reply(world.outsider, thread.id, FLAGGED, post_anyway=True)
    item = db.session.scalar(select(QueueItem).where(QueueItem.target_id == post.id))
    browser.sign_in(world.moderator)
    page = body_text(browser.get(f"/moderation/items/{item.id}"))
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    response = browser.post(f"/moderation/items/{item.id}", {"action": "approve", "reason": "", "version": version,
                                                             "body": "Can anyone advise on a GP?"})
    assert response.status_code == 400 and "Approve with my edits" in body_text(response)
    db.session.expire_all()
    assert db.session.get(Post, post.id).held_at is not None
    ok = browser.post(f"/moderation/items/{item.id}", {"action": "approve", "reason": "", "version": version,
                                                       "body": FLAGGED.replace("\n", "\r\n")})
    assert ok.status_code == 302
