"""Chat over plain HTTP: the room list, a room page without JavaScript, and the 404s."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Message
from forum.services import chat

from ..factories import room


def test_room_list_shows_rooms_with_unread_counts(browser, world):
    network = room(world.topic.id, slug="drop-in", name="Drop-in")
    room(world.topic.id, world.birmingham.id, slug="brum", name="Birmingham team")
    chat.send_message(world.outsider, network.id, "Hello")
    browser.sign_in(world.member)
    page = browser.get("/rooms").get_data(as_text=True)
    assert "Drop-in" in page and "1 unread" in page and "Birmingham team" not in page


def test_room_page_renders_history_and_sends_without_javascript(browser, world):
    network = room(world.topic.id, slug="drop-in", name="Drop-in")
    chat.send_message(world.outsider, network.id, "Earlier **words**")
    browser.sign_in(world.member)
    page = browser.get("/rooms/drop-in").get_data(as_text=True)
    assert "<strong>words</strong>" in page and 'aria-live="polite"' in page and 'name="csrf-token"' in page
    token = page.split('name="client_id" type="hidden" value="')[1].split('"')[0]
    for _ in range(2):  # a double-submitted form stores one message
        response = browser.post("/rooms/drop-in/messages", {"body": "From a plain form", "client_id": token})
        assert response.status_code == 302
    assert db.session.scalar(select(func.count(Message.id)).where(Message.body == "From a plain form")) == 1


def test_empty_or_long_message_form_is_a_400_that_keeps_the_text(browser, world):
    room(world.topic.id, slug="drop-in", name="Drop-in")
    browser.sign_in(world.member)
    long_text = "keep me " + "x" * 4000
    response = browser.post("/rooms/drop-in/messages", {"body": long_text, "client_id": "abcdefgh1234"})
    assert response.status_code == 400 and long_text in response.get_data(as_text=True)
    response = browser.post("/rooms/drop-in/messages", {"body": "   ", "client_id": "abcdefgh1235"})
    assert response.status_code == 400 and "cannot be empty" in response.get_data(as_text=True)


def test_partner_room_is_404_for_other_authorities_by_every_url(browser, world):
    wigan = room(world.topic.id, world.wigan.id, slug="wigan-team", name="Wigan team")
    message, _ = chat.send_message(world.member, wigan.id, "Wigan only words")
    browser.sign_in(world.outsider)
    for method, url in [("GET", "/rooms/wigan-team"), ("POST", "/rooms/wigan-team/messages"),
                        ("GET", f"/messages/{message.id}/edit"), ("POST", f"/messages/{message.id}/edit"),
                        ("POST", f"/messages/{message.id}/delete")]:
        response = browser.get(url) if method == "GET" else browser.post(url, {"body": "x"})
        assert response.status_code == 404, (method, url)
        assert "Wigan only words" not in response.get_data(as_text=True)


def test_member_cannot_edit_or_delete_someone_elses_message_by_url(browser, world):
    network = room(world.topic.id, slug="drop-in", name="Drop-in")
    message, _ = chat.send_message(world.outsider, network.id, "Mine")
    browser.sign_in(world.member)
    assert browser.get(f"/messages/{message.id}/edit").status_code == 403
    assert browser.post(f"/messages/{message.id}/delete").status_code == 403
    db.session.refresh(message)
    assert message.deleted_at is None
